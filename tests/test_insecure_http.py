"""The terminal sends its token and every sale over https://; plain http:// only to this PC
itself (127.0.0.1, ::1, localhost), unless booth.toml says [sync] allow_insecure_http = true.
At enrolment, at every sync round (so at start) and in doctor, with a sentence naming the
setting."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

from pos import doctor
from pos.config import load_settings
from pos.store import sync_state
from pos.terminal import Terminal
from sync.client import TOKEN_FILE, SyncClient, SyncError, enroll, insecure_server
from tests.server.test_rate_limits import _code

SETTING = "allow_insecure_http = true"


@pytest.mark.parametrize(
    "url, allowed",
    [
        ("https://hq.example.cn", True),
        ("https://192.0.2.10:8443", True),
        ("http://127.0.0.1:8765", True),
        ("http://127.0.0.2:8765", True),
        ("http://[::1]:8765", True),
        ("http://localhost:8765", True),
        ("http://hq.example.cn", False),
        ("http://192.0.2.10:8765", False),
        ("http://localhost.example.cn", False),
        ("http://127.0.0.1.example.cn", False),
    ],
)
def test_which_addresses_the_terminal_talks_to(url, allowed):
    assert (insecure_server(url, False) is None) is allowed
    assert insecure_server(url, True) is None


def _allow_http(home: Path) -> None:
    config = home / "booth.toml"
    text = config.read_text(encoding="utf-8") if config.exists() else ""
    config.write_text(text + f"\n[sync]\n{SETTING}\n", encoding="utf-8")


class HostsFile(requests.Session):
    """A session that finds hq.test at 127.0.0.1 (the tests have no DNS of their own)."""

    def __init__(self, port: int):
        super().__init__()
        self.port = port

    def request(self, method, url, *args, **kwargs):
        parts = urlsplit(url)
        if parts.hostname == "hq.test":
            url = urlunsplit(parts._replace(netloc=f"127.0.0.1:{self.port}"))
        return super().request(method, url, *args, **kwargs)


def test_enrolling_over_http_to_another_host_is_refused_and_stores_nothing(terminal, server):
    code = _code(server)
    with pytest.raises(SyncError) as refused:
        enroll(terminal, "http://hq.test", code, session=HostsFile(_port(server)))
    message = str(refused.value)
    assert "not https://" in message and SETTING in message and "[sync]" in message
    assert not (terminal.home / TOKEN_FILE).exists()
    assert sync_state.get(terminal.store.conn, "sync_server") in (None, "")
    # The code was not spent: it still enrols the terminal at a loopback address.
    result = enroll(terminal, f"http://localhost:{_port(server)}", code)
    assert result["terminal"] == terminal.terminal_id


def _port(server) -> int:
    return urlsplit(server.url).port


def test_a_booth_toml_that_allows_it_enrols_and_syncs_over_http(terminal, server, home):
    _allow_http(home)
    reopened = Terminal.open(home)
    try:
        assert load_settings(home).sync_allow_insecure_http
        http = HostsFile(_port(server))
        enroll(reopened, "http://hq.test", _code(server), session=http)
        result = SyncClient(reopened, session=http).round()
        assert result.online and result.error is None, result.error
        assert result.unsynced == 0
    finally:
        reopened.close()


def test_a_terminal_enrolled_over_http_elsewhere_stops_syncing_and_doctor_fails(
    terminal, home, cli
):
    """An install enrolled before the rule (or a booth.toml changed since): nothing is sent,
    the sales stay, and the sentence names the setting."""
    with terminal.store.write() as conn:
        sync_state.put(conn, "sync_server", "http://192.0.2.10:8765")
    (home / TOKEN_FILE).write_text("bpt_old", encoding="utf-8")
    unsynced = terminal.unsynced_count()

    result = SyncClient(terminal).round()
    assert not result.online and SETTING in result.error
    assert result.unsynced == unsynced > 0

    synced = cli("sync")
    assert synced.code == 1 and SETTING in synced.err

    report = doctor.run_checks(home)
    server_check = next(c for c in report.checks if c.name == "server")
    assert server_check.status == doctor.FAIL and SETTING in server_check.message
    assert not report.ok
