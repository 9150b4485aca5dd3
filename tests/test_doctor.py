"""`booth-pos doctor`: a healthy booth passes; each thing that stops a booth selling fails with
a sentence saying what to do, and a non-zero exit."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pos import doctor
from pos.store import sync_state
from sync.client import TOKEN_FILE
from tests.support import OIL


def _statuses(report) -> dict[str, str]:
    return {check.name: check.status for check in report.checks}


def _check(report, name: str) -> doctor.Check:
    return next(check for check in report.checks if check.name == name)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _says_what_to_do(message: str) -> None:
    """A sentence for IT staff: capitalised, ends in a full stop, and has advice after a colon
    or a sentence break."""
    assert message[0].isupper() and message.rstrip().endswith("."), message
    assert ":" in message or ". " in message, message


#: The screen check itself, before the fixture below replaces it in every other test.
REAL_CHECK_SCREEN = doctor.check_screen


@pytest.fixture(autouse=True)
def no_qt(monkeypatch):
    """The ui check runs Qt: tested on the bundle (tests/packaging), not in this process."""
    monkeypatch.setattr(doctor, "check_ui", lambda: doctor.Check("ui", doctor.OK, "skipped"))
    monkeypatch.setattr(doctor, "check_screen", lambda: doctor.Check("screen", doctor.OK, "skipped"))  # fmt: skip


@pytest.fixture
def healthy(terminal, home) -> Path:
    terminal.receive_stock(OIL, 12, "HQ delivery")
    terminal.close()
    return home


class FakeHq:
    """The central server's GET /api/v1/time, with a clock ``offset_ms`` off ours."""

    def __init__(self, offset_ms: int = 0, status: int = 200):
        self.offset_ms, self.status = offset_ms, status
        hq = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                body = json.dumps({"epoch_ms": int(time.time() * 1000) + hq.offset_ms}).encode()
                self.send_response(hq.status if self.path == "/api/v1/time" else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _enrol(home: Path, server: str) -> None:
    (home / TOKEN_FILE).write_text("token-for-T1", encoding="utf-8")
    conn = sqlite3.connect(home / "booth.db")
    with conn:
        sync_state.put(conn, "sync_server", server)
        sync_state.put(conn, "booth_id", "CQ-FJ-001")
    conn.close()


def test_a_healthy_booth_passes_and_exits_zero(healthy, cli):
    hq = FakeHq()
    try:
        _enrol(healthy, hq.url)
        result = cli("doctor", "--json")
    finally:
        hq.close()
    assert result.code == 0, result
    report = json.loads(result.out)
    assert report["ok"] is True
    statuses = {check["name"]: check["status"] for check in report["checks"]}
    assert statuses == dict.fromkeys(
        ["config", "disk", "disk speed", "database", "journal", "shift", "printer", "scanner", "scale",
         "display", "enrolment", "server", "ui", "screen"],
        "ok",
    )  # fmt: skip
    server = next(check for check in report["checks"] if check["name"] == "server")
    assert hq.url in server["message"] and "clock" in server["message"]


def test_the_text_report_has_one_line_per_check_and_a_verdict(healthy, cli):
    result = cli("doctor")
    assert result.code == 0  # not enrolled is a warning, not a failure
    lines = result.out.splitlines()
    assert lines[0].startswith("Booth POS ") and str(healthy) in lines[0]
    assert any(line.startswith("warn  enrolment") for line in lines)
    assert lines[-1] == "Ready to sell."


def test_no_database_fails_with_what_to_run(tmp_path, cli, home):
    result = cli("doctor", "--json")
    assert result.code == 1
    database = next(c for c in json.loads(result.out)["checks"] if c["name"] == "database")
    assert database["status"] == "fail"
    assert "booth-pos init --terminal ID --booth-name NAME" in database["message"]


def test_a_damaged_database_fails(healthy, cli):
    db = healthy / "booth.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every page in booth.db itself
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(db.read_bytes())
    for start in range(page, len(data), page):  # scribble over every page but the header
        data[start + 16 : start + 256] = b"\xa5" * 240
    db.write_bytes(bytes(data))
    result = cli("doctor")
    assert result.code == 1
    line = next(line for line in result.out.splitlines() if " database " in line)
    assert line.startswith("fail")
    assert "damaged" in line
    assert "do not delete" in line or "keep the data directory" in line
    _says_what_to_do(line.split("database", 1)[1].strip())


def test_a_broken_journal_fails(healthy):
    conn = sqlite3.connect(healthy / "booth.db")
    conn.execute("DROP TRIGGER journal_no_update")  # what a tamperer (or a bad disk) can do
    seq = conn.execute("SELECT seq FROM journal WHERE line LIKE '%\"delta\":12,%'").fetchone()[0]
    conn.execute(
        "UPDATE journal SET line = replace(line, '\"delta\":12,', '\"delta\":2,') WHERE seq = ?",
        (seq,),
    )
    conn.commit()
    conn.close()
    report = doctor.run_checks(healthy, ui=False)
    assert not report.ok
    journal = _check(report, "journal")
    assert journal.status == doctor.FAIL
    assert f"seq {seq}" in journal.message and "call support" in journal.message
    _says_what_to_do(journal.message)


def test_a_mistake_in_booth_toml_fails_but_the_database_is_still_checked(healthy):
    (healthy / "booth.toml").write_text('[booth]\ntime_zone = "Asia/Shanghai"\n', encoding="utf-8")
    report = doctor.run_checks(healthy, ui=False)
    assert _check(report, "config").status == doctor.FAIL
    assert "unknown setting booth.time_zone" in _check(report, "config").message
    assert _check(report, "database").status == doctor.OK
    assert _check(report, "journal").status == doctor.OK


def test_an_unreachable_printer_fails(healthy):
    port = _closed_port()
    (healthy / "booth.toml").write_text(
        f'[printer]\nurl = "tcp://127.0.0.1:{port}"\ntimeout_s = 1\n', encoding="utf-8"
    )
    report = doctor.run_checks(healthy, ui=False)
    printer = _check(report, "printer")
    assert printer.status == doctor.FAIL
    assert f"tcp://127.0.0.1:{port}" in printer.message and "switched on" in printer.message
    assert not report.ok


def test_a_missing_scale_port_fails_and_an_unconfigured_one_does_not(healthy, tmp_path):
    missing = tmp_path / "ttyUSB9"
    (healthy / "booth.toml").write_text(f'[scale]\nport = "{missing}"\n', encoding="utf-8")
    report = doctor.run_checks(healthy, ui=False)
    scale = _check(report, "scale")
    assert scale.status == doctor.FAIL
    assert "does not exist" in scale.message and "booth-pos hw list" in scale.message
    assert _check(report, "scanner").status == doctor.OK  # not configured


def test_a_server_that_is_down_fails(healthy):
    _enrol(healthy, f"http://127.0.0.1:{_closed_port()}")
    conn = sqlite3.connect(healthy / "booth.db")
    entries = conn.execute("SELECT count(*) FROM journal").fetchone()[0]
    conn.close()
    report = doctor.run_checks(healthy, ui=False)
    assert _check(report, "enrolment").status == doctor.OK
    server = _check(report, "server")
    assert server.status == doctor.FAIL
    assert "Cannot reach the server" in server.message and "network" in server.message
    assert f"{entries} journal entries wait to be sent" in server.message
    assert not report.ok


def test_a_clock_far_off_the_servers_fails(healthy):
    hq = FakeHq(offset_ms=-20 * 60 * 1000)  # the PC is 20 minutes ahead
    try:
        _enrol(healthy, hq.url)
        server = _check(doctor.run_checks(healthy, ui=False), "server")
    finally:
        hq.close()
    assert server.status == doctor.FAIL
    assert "clock is +1200" in server.message and "timedatectl set-ntp true" in server.message


def test_a_refused_token_fails_with_what_to_do(healthy):
    hq = FakeHq(status=401)
    try:
        _enrol(healthy, hq.url)
        server = _check(doctor.run_checks(healthy, ui=False), "server")
    finally:
        hq.close()
    assert server.status == doctor.FAIL
    assert "HTTP 401" in server.message and "--replaces" in server.message
    assert "journal recover" in server.message


def test_stopped_sync_fails_enrolment(healthy):
    hq = FakeHq()
    try:
        _enrol(healthy, hq.url)
        conn = sqlite3.connect(healthy / "booth.db")
        with conn:
            sync_state.put(
                conn, "sync_blocked", "Sync stopped: the server's journal differs. Call HQ."
            )
        conn.close()
        report = doctor.run_checks(healthy, ui=False)
    finally:
        hq.close()
    assert _check(report, "enrolment").status == doctor.FAIL
    assert "Call HQ" in _check(report, "enrolment").message


def test_low_disk_space_fails(healthy, monkeypatch):
    monkeypatch.setattr(
        doctor.shutil, "disk_usage", lambda path: type("U", (), {"free": 50 * 1024 * 1024})()
    )
    disk = _check(doctor.run_checks(healthy, ui=False), "disk")
    assert disk.status == doctor.FAIL
    assert "never delete booth.db" in disk.message


def test_every_failure_is_a_sentence_saying_what_to_do(healthy, tmp_path):
    (healthy / "booth.toml").write_text(
        f'[printer]\nurl = "tcp://127.0.0.1:{_closed_port()}"\ntimeout_s = 1\n'
        f'[scanner]\nport = "{tmp_path / "ttyACM9"}"\n',
        encoding="utf-8",
    )
    _enrol(healthy, f"http://127.0.0.1:{_closed_port()}")
    failures = [c for c in doctor.run_checks(healthy, ui=False).checks if c.status == doctor.FAIL]
    assert {c.name for c in failures} == {"printer", "scanner", "server"}
    for check in failures:
        _says_what_to_do(check.message)


def test_no_shift_or_one_left_open_overnight_is_a_warning_that_says_what_to_do(new_terminal, home, cli):  # fmt: skip
    from datetime import UTC, datetime, timedelta

    from tests.support import open_shift

    new_terminal.close()
    result = cli("doctor", "--json")
    shift = next(c for c in json.loads(result.out)["checks"] if c["name"] == "shift")
    assert shift["status"] == "warn" and "opens one with its float" in shift["message"]
    yesterday = datetime.now(UTC) - timedelta(days=1)
    from pos.terminal import Terminal

    terminal = Terminal.open(home, clock=lambda: yesterday)
    open_shift(terminal)
    terminal.close()
    result = cli("doctor", "--json")
    assert result.code == 0  # a warning, not a failure: the booth can still sell
    shift = next(c for c in json.loads(result.out)["checks"] if c["name"] == "shift")
    assert shift["status"] == "warn" and "still open" in shift["message"]
    assert "王强" in shift["message"]


def test_the_screen_check_fails_when_qt_cannot_open_the_display(tmp_path):
    """A display that is not there (an X server that is not running) is what a kiosk with
    missing X libraries looks like to Qt: the window cannot start, so doctor must say so."""
    env = {**os.environ, "DISPLAY": ":97", "XAUTHORITY": str(tmp_path / "none")}
    env.pop("QT_QPA_PLATFORM", None)
    env.pop("WAYLAND_DISPLAY", None)
    check = REAL_CHECK_SCREEN(env)
    assert check.status == doctor.FAIL, check
    assert "Qt cannot open the display" in check.message and "DISPLAY" in check.message
    _says_what_to_do(check.message)


def test_the_screen_check_passes_on_a_display_qt_can_open():
    env = {**os.environ, "QT_QPA_PLATFORM": "minimal"}
    check = REAL_CHECK_SCREEN(env)
    assert check.status == doctor.OK and "minimal" in check.message, check
