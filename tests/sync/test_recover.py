"""A terminal that lost its tail recovers it from HQ: a booth PC restored from an older
backup, or a replacement PC, finds HQ ahead at its next round, stops selling (use case,
`sync --once`, doctor), and `booth-pos journal recover` brings back HQ's entries with their
sales, refunds, stock, shifts and print jobs, after which selling resumes at HQ's head + 1.
A real server on 127.0.0.1 (SQLite and PostgreSQL), real booth.db files, the CLI as a
subprocess, and one recovery SIGKILLed half-way."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess

import pytest

import sync.client
from pos import doctor
from pos.errors import JournalBehindHq
from pos.store import DB_NAME, sync_state
from pos.terminal import Terminal
from sync.protocol import journal
from tests.support import CASHIER, CASHIER_PIN, MANAGER, MANAGER_PIN, OIL, RICE, open_shift
from tests.support.recovery import (
    BOOTH_POS,
    books,
    cli,
    code,
    enrol,
    hq_lines,
    local_lines,
    lost_tail,
    print_jobs,
    sell,
    sync_round,
    ten_entries,
)

# --- the terminal restored from an older backup ------------------------------------------------


def test_a_pc_restored_from_an_older_backup_stops_selling_until_it_recovers(
    server, terminal, home, tmp_path
):
    before = lost_tail(server, terminal, home, tmp_path)
    assert len(local_lines(home)) == 4  # seq 1-4 only; HQ holds 1-14
    behind = "HQ holds this terminal's journal up to entry 14, this PC only up to entry 4"

    # The next round finds HQ ahead: it pushes nothing and says so, in words, exit 1.
    done = cli(home, "sync", "--once", "--json")
    assert done.returncode == 1, done
    assert behind in done.stderr and "journal recover" in done.stderr
    answer = json.loads(done.stdout)
    assert answer["behind"].startswith(behind) and answer["pushed"] == 0
    assert answer["unsynced"] >= 0
    plain = cli(home, "sync", "--once")
    assert plain.returncode == 1 and "behind HQ" in plain.stdout and "-1" not in plain.stdout

    # The state is in booth.db: after a restart, a sale is refused and nothing is written.
    restarted = Terminal.open(home)
    try:
        with pytest.raises(JournalBehindHq) as refused:
            sell(restarted)
        assert "a sale now would fork the journal" in str(refused.value)
        with pytest.raises(JournalBehindHq):  # nor any other entry (a refund, a Z, stock)
            restarted.receive_stock(OIL, 1, "")
        assert restarted.head_seq() == 4
    finally:
        restarted.close()
    assert len(local_lines(home)) == 4

    # doctor fails with the sentence and the fix; `journal verify` notes it.
    report = doctor.run_checks(home, ui=False)
    enrolment = next(c for c in report.checks if c.name == "enrolment")
    assert not report.ok and enrolment.status == doctor.FAIL
    assert behind in enrolment.message and "booth-pos journal recover" in enrolment.message
    verify = cli(home, "journal", "verify")
    assert verify.returncode == 0 and "journal recover" in verify.stderr

    # journal recover: the ten entries come back, entry by entry as HQ holds them.
    recovered = cli(home, "journal", "recover", "--json")
    assert recovered.returncode == 0, recovered
    figures = json.loads(recovered.stdout)
    assert figures["recovered"] == 10 and figures["head_seq"] == figures["hq_seq"] == 14
    assert local_lines(home) == hq_lines(server) == before["lines"]
    assert books(home) == before["books"]  # sales, lines, payments, refunds, stock
    # Their papers count as printed: nothing comes out of the printer again.
    r = "receipt"
    # Sales 5, 6, 12, the refund 7, the copy of 5 (entry 11) and the Z 13.
    printed = [(kind, seq, "printed") for kind, seq in ((r, 5), (r, 6), (r, 7), ("copy", 5), (r, 12), (r, 13))]  # fmt: skip
    assert print_jobs(home) == printed

    term = Terminal.open(home)
    try:
        assert term.behind_hq() is None and term.verify_journal().ok
        assert term.x_report() == before["x_report"]  # the shift opened at seq 14
        assert term.z_reports() == before["z_reports"]
        assert term.stock() == before["stock"]
        assert term.unsynced_count() == 0
        # Selling resumes at HQ's head + 1, and the sale reaches HQ.
        sale = sell(term)
        assert sale["seq"] == 15 and sale["prev"] == json.loads(before["lines"][-1])["hash"]
        sync_round(term)
    finally:
        term.close()
    assert hq_lines(server) == local_lines(home) and len(hq_lines(server)) == 15
    assert "Ready to sell." in doctor.render(doctor.run_checks(home, ui=False))


def test_a_lost_acknowledged_entry_never_reads_as_minus_one_unsynced(
    server, terminal, home, tmp_path
):
    """The issue's case: the last acknowledged entries are gone, ``acked_through`` is not."""
    lost_tail(server, terminal, home, tmp_path)
    conn = sqlite3.connect(home / DB_NAME)
    with conn:
        sync_state.put(conn, "acked_through", 14)
    conn.close()
    done = cli(home, "sync", "--once")
    assert done.returncode == 1 and "-1" not in done.stdout
    assert "up to entry 14, this PC only up to entry 4" in done.stderr
    term = Terminal.open(home)
    try:
        assert term.unsynced_count() == 0
        with pytest.raises(JournalBehindHq):
            sell(term)
        term.recover_journal(*sync.client.SyncClient(term).hq_head(), sync.client.SyncClient(term).fetch_entries)  # fmt: skip
        assert local_lines(home) == hq_lines(server)
        assert sell(term)["seq"] == 15
    finally:
        term.close()


def test_a_fork_is_refused_and_nothing_changes(server, terminal, home, tmp_path):
    """The restored PC sold before anyone noticed (here: written around the check), so its
    entries 5-6 differ from HQ's: recover says the journals forked and changes nothing."""
    lost_tail(server, terminal, home, tmp_path)
    term = Terminal.open(home)
    try:
        forked = [sell(term), sell(term, RICE)]  # no round has run since the restore
        assert [entry["seq"] for entry in forked] == [5, 6]
    finally:
        term.close()
    snapshot = books(home), print_jobs(home), local_lines(home)
    done = cli(home, "journal", "recover")
    assert done.returncode == 1
    assert "the journals have forked" in done.stderr and "Call HQ" in done.stderr
    assert (books(home), print_jobs(home), local_lines(home)) == snapshot
    # A round says so too: HQ's entry differs, or HQ is ahead; selling stays stopped.
    assert cli(home, "sync", "--once").returncode == 1
    term = Terminal.open(home)
    try:
        with pytest.raises(JournalBehindHq):
            sell(term)
    finally:
        term.close()
    assert hq_lines(server)[4] != local_lines(home)[4]


def test_a_recovery_killed_half_way_finishes_when_run_again(server, terminal, home, tmp_path):
    before = lost_tail(server, terminal, home, tmp_path)
    proc = subprocess.Popen(
        [str(BOOTH_POS), "--home", str(home), "journal", "recover", "--page", "4"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "BOOTH_POS_RECOVER_PAUSE": "2"},
    )
    try:
        line = proc.stderr.readline()  # page 1 (seq 5-8) committed, page 2 applied, open
        assert "paused before committing page 2 (to seq 12)" in line, line
        proc.send_signal(signal.SIGKILL)  # a power cut inside page 2's transaction
        assert proc.wait(30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    assert local_lines(home) == before["lines"][:8]  # page 1 kept, page 2 rolled back whole
    term = Terminal.open(home)
    try:
        assert term.verify_journal().ok
        with pytest.raises(JournalBehindHq):  # still behind: selling stays stopped
            sell(term)
    finally:
        term.close()
    again = cli(home, "journal", "recover", "--page", "4")
    assert again.returncode == 0, again
    assert "Recovered 6 entries" in again.stdout
    assert local_lines(home) == hq_lines(server) == before["lines"]
    assert books(home) == before["books"]
    assert cli(home, "journal", "recover").stdout.startswith("Nothing to recover")


# --- a replacement PC ---------------------------------------------------------------------------


def test_a_replacement_pc_recovers_the_old_terminals_journal_then_sells(
    server, terminal, home, tmp_path
):
    enrol(server, terminal)
    ten_entries(terminal)
    sync_round(terminal)
    old_books = books(home)
    terminal.close()  # the old PC is gone

    new_home = tmp_path / "new-pc"
    assert cli(new_home, "init", "--terminal", "T1", "--booth-name", "奉节县扶贫专柜").returncode == 0  # fmt: skip
    new = Terminal.open(new_home)
    new.add_user(CASHIER, "cashier", CASHIER_PIN)
    new.add_user(MANAGER, "manager", MANAGER_PIN)
    new.close()
    # A plain code cannot take over T1; a replacement code can, and the PC starts behind.
    refused = cli(new_home, "enroll", "--server", server.url, "--code", code(server))
    assert refused.returncode == 1 and "--replaces T1" in refused.stderr
    replacement = code(server, replaces="T1")
    enrolled = cli(new_home, "enroll", "--server", server.url, "--code", replacement, "--json")
    assert enrolled.returncode == 0, enrolled
    answer = json.loads(enrolled.stdout)
    assert answer["hq_seq"] == 11 and "up to entry 11, this PC only up to entry 0" in answer["behind_hq"]  # fmt: skip
    new = Terminal.open(new_home)
    try:
        with pytest.raises(JournalBehindHq):
            open_shift(new)
    finally:
        new.close()

    recovered = cli(new_home, "journal", "recover")
    assert recovered.returncode == 0, recovered
    assert "Recovered 11 entries" in recovered.stdout
    assert local_lines(new_home) == hq_lines(server)
    assert books(new_home) == old_books
    new = Terminal.open(new_home)
    try:
        assert new.shift_is_open()  # the old PC's last entry opened a shift
        sale = sell(new)
        assert sale["seq"] == 12
        sync_round(new)
    finally:
        new.close()
    assert hq_lines(server) == local_lines(new_home) and len(hq_lines(server)) == 12
    assert journal.verify(hq_lines(server), "T1").ok
