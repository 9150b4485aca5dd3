"""Guessing enrolment codes and admin tokens, and a token pushing like no till does, get
429 with Retry-After; the booth next door, the right code after the window and a real
terminal's sync are not held back. A real server on 127.0.0.1; the limits' clock is a test
clock that the tests move forward instead of waiting."""

from __future__ import annotations

import contextlib
import time
from types import SimpleNamespace

import pytest
import requests
from requests.adapters import HTTPAdapter
from sqlalchemy import func, select

from sync.server import registry
from sync.server.app import create_app
from sync.server.settings import ServerSettings
from sync.server.tables import enrol_codes
from sync.server.tables import journal as journal_table
from tests.server.test_ingest import entries, push  # noqa: F401 (the fixture, used below)
from tests.support.live import bearer, enrol

LIMIT = 3  # failures (or pushes a minute) the tests allow
WINDOW_S = 60


class TestClock:
    """Monotonic seconds that move only when the test says so."""

    __test__ = False

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FromAddress(HTTPAdapter):
    """Requests that leave from another loopback address (127.0.0.2 is as local as 127.0.0.1
    on Linux), as a booth elsewhere in the city would."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def from_address(address: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", FromAddress(address))
    return session


@pytest.fixture
def limited(http_server, engine, db_url):
    """The central server with small limits and a test clock."""
    clock = TestClock()
    settings = ServerSettings(
        db=db_url,
        failed_enrolments=LIMIT,
        failed_admin_tokens=LIMIT,
        failure_window_s=WINDOW_S,
        pushes_per_minute=LIMIT,
    )
    live, slot = http_server
    slot.app = create_app(settings, engine, clock=clock)
    server = SimpleNamespace(
        url=live.url, api=live.api, engine=engine, settings=settings, clock=clock
    )
    yield server
    slot.app = None


def _code(server, booth: str = "B1") -> str:
    with server.engine.begin() as conn:
        with contextlib.suppress(registry.ApiError):  # already registered
            registry.add_booth(conn, booth, "奉节县扶贫专柜")
        return registry.add_enrol_code(conn, booth, 1, by="admin:test")


def _enrol(server, code: str, terminal: str, session=requests) -> requests.Response:
    return session.post(
        server.api("/enroll"), json={"code": code, "terminal": terminal}, timeout=10
    )


def _guess_until_429(server, session=requests, most: int = 1000) -> tuple[int, requests.Response]:
    """Wrong codes until the server says 429: (how many were answered 401, the 429)."""
    for tried in range(most):
        response = _enrol(server, f"ZZZZ-ZZZZ-{tried:04d}", "T9", session)
        if response.status_code != 401:
            return tried, response
    pytest.fail(f"{most} wrong codes and never a 429")


def _unused(server) -> int:
    with server.engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(enrol_codes).where(enrol_codes.c.used_at.is_(None))
        ).scalar_one()


def test_wrong_enrolment_codes_get_429_and_the_right_code_works_elsewhere_and_later(limited):
    good = _code(limited)
    failures, refused = _guess_until_429(limited)
    assert failures == LIMIT
    assert refused.status_code == 429, refused.text
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= WINDOW_S
    assert refused.json()["retry_after_s"] == wait
    assert "Too many wrong enrolment codes" in refused.json()["detail"]

    # From the guesser's address even the right code is not looked at: it stays unspent.
    blocked = _enrol(limited, good, "T1")
    assert blocked.status_code == 429
    assert _unused(limited) == 1

    # Another booth's address is not held back by the guesser's failures.
    elsewhere = _enrol(limited, good, "T1", from_address("127.0.0.2"))
    assert elsewhere.status_code == 200, elsewhere.text
    assert elsewhere.json()["terminal"] == "T1"

    # After the window the guesser's address may try again.
    limited.clock.advance(wait)
    later = _enrol(limited, _code(limited), "T2")
    assert later.status_code == 200, later.text


def test_a_booth_enrolling_many_terminals_never_meets_the_limit(limited):
    for n in range(3 * LIMIT):
        response = _enrol(limited, _code(limited), f"T{n}")
        assert response.status_code == 200, (n, response.text)


def test_a_guesser_cannot_hide_behind_x_forwarded_for_unless_it_is_the_proxy(limited):
    guesser = from_address("127.0.0.2")  # not a trusted proxy: its header is ignored
    for n in range(LIMIT):
        response = guesser.post(
            limited.api("/enroll"),
            json={"code": f"ZZZZ-ZZZZ-{n:04d}", "terminal": "T9"},
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
            timeout=10,
        )
        assert response.status_code == 401
    again = guesser.post(
        limited.api("/enroll"),
        json={"code": "ZZZZ-ZZZZ-9999", "terminal": "T9"},
        headers={"X-Forwarded-For": "203.0.113.200"},
        timeout=10,
    )
    assert again.status_code == 429
    # The proxy on this machine (127.0.0.1, trusted by default) names each client: one
    # client's failures do not block the others behind the same proxy.
    for n in range(LIMIT):
        response = _enrol_via_proxy(limited, "198.51.100.7", f"ZZZZ-ZZZZ-{n:04d}")
        assert response.status_code == 401
    assert _enrol_via_proxy(limited, "198.51.100.7", "ZZZZ-ZZZZ-9999").status_code == 429
    good = _enrol_via_proxy(limited, "198.51.100.8", _code(limited))
    assert good.status_code == 200, good.text


def _enrol_via_proxy(server, client: str, code: str) -> requests.Response:
    return requests.post(
        server.api("/enroll"),
        json={"code": code, "terminal": f"T-{client.rsplit('.', 1)[1]}"},
        headers={"X-Forwarded-For": client},
        timeout=10,
    )


def _report(server, token: str, session=requests) -> requests.Response:
    return session.get(server.api("/reports/campaign"), headers=bearer(token), timeout=10)


def test_wrong_admin_tokens_get_429_and_the_real_admin_works_elsewhere_and_later(
    limited, admin_token
):
    for n in range(LIMIT):
        response = _report(limited, f"bpa_wrong{n}")
        assert response.status_code == 401
    refused = _report(limited, "bpa_wrong-again")
    assert refused.status_code == 429
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= WINDOW_S
    assert "Too many wrong admin tokens" in refused.json()["detail"]
    assert _report(limited, admin_token).status_code == 429  # not even looked at
    assert _report(limited, admin_token, from_address("127.0.0.2")).status_code == 200
    limited.clock.advance(wait)
    answer = _report(limited, admin_token)
    assert answer.status_code == 200, answer.text
    assert answer.json() == _report(limited, admin_token, from_address("127.0.0.2")).json()


def test_a_successful_sign_in_does_not_reset_the_count(limited, admin_token):
    for n in range(LIMIT - 1):
        assert _report(limited, f"bpa_wrong{n}").status_code == 401
    assert _report(limited, admin_token).status_code == 200
    assert _report(limited, "bpa_wrong-last").status_code == 401
    assert _report(limited, "bpa_wrong-more").status_code == 429


def test_good_admin_calls_and_forgotten_headers_never_count(limited, admin_token):
    for _ in range(3 * LIMIT):
        assert _report(limited, admin_token).status_code == 200
        no_header = requests.get(limited.api("/reports/campaign"), timeout=10)
        assert no_header.status_code == 401
    assert _report(limited, admin_token).status_code == 200


def _held(server, terminal: str) -> int:
    with server.engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(journal_table).where(journal_table.c.terminal_id == terminal)
        ).scalar_one()  # fmt: skip


def test_a_token_pushing_far_above_a_tills_rate_gets_429_and_stores_nothing(
    limited,
    entries,  # noqa: F811
):
    token = enrol(limited, "B1", "T1")
    other = enrol(limited, "B1", "T2")
    for n in range(LIMIT):
        assert push(limited, token, entries[: n + 1]).status_code == 200
    held = _held(limited, "T1")
    refused = push(limited, token, entries)
    assert refused.status_code == 429, refused.text
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= 60
    assert "pushes far more often than a till" in refused.json()["detail"]
    assert _held(limited, "T1") == held  # nothing of the refused push was stored
    # Another terminal of the same booth, from the same address, pushes as usual.
    assert push(limited, other, []).status_code == 200
    limited.clock.advance(wait)
    accepted = push(limited, token, entries)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["acked_through"] == entries[-1]["seq"]
    assert _held(limited, "T1") == len(entries)


def test_a_busy_tills_sync_never_meets_the_default_push_limit(
    http_server, engine, db_url, terminal
):
    """A sale every 2 s for two minutes, each followed by a round, at the default limit."""
    from pos.cart import Cart, Payment
    from sync.client import SyncClient, enroll
    from tests.support import OIL

    clock = TestClock()
    settings = ServerSettings(db=db_url)
    live, slot = http_server
    slot.app = create_app(settings, engine, clock=clock)
    try:
        server = SimpleNamespace(url=live.url, api=live.api, engine=engine)
        enroll(terminal, live.url, _code(server))
        client = SyncClient(terminal)
        cashier = terminal.authenticate("李娜", "2468")
        for _ in range(60):
            cart = Cart()
            terminal.add_to_cart(cart, OIL)
            terminal.checkout(cart, [Payment("cash", cart.total_fen)], cashier)
            result = client.round()
            assert result.online and result.error is None, result.error
            assert result.unsynced == 0
            clock.advance(2)
        assert settings.pushes_per_minute >= 4 * 30  # four times a sale every 2 s
    finally:
        slot.app = None


def test_the_default_limits_stop_a_guesser_after_20_tries(server):
    """With the shipped settings (20 wrong codes per address per 5 minutes) a guesser gets
    429 after 20 tries, where it got 418 tries a second before."""
    started = time.perf_counter()
    failures, refused = _guess_until_429(server)
    elapsed = time.perf_counter() - started
    assert failures == ServerSettings().failed_enrolments == 20
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) <= 300
    assert elapsed < 10


def test_a_terminal_told_429_stays_offline_keeps_its_sale_and_sends_it_after_retry_after(
    http_server, engine, db_url, terminal
):
    from pos.cart import Cart, Payment
    from sync.client import SyncClient, enroll, next_delay
    from tests.support import OIL

    clock = TestClock()
    live, slot = http_server
    slot.app = create_app(ServerSettings(db=db_url, pushes_per_minute=1), engine, clock=clock)
    try:
        server = SimpleNamespace(url=live.url, api=live.api, engine=engine)
        enroll(terminal, live.url, _code(server))
        client = SyncClient(terminal)
        first = client.round()
        assert first.online and first.unsynced == 0, first.error
        cart = Cart()
        terminal.add_to_cart(cart, OIL)
        sale = terminal.checkout(
            cart, [Payment("cash", cart.total_fen)], terminal.authenticate("李娜", "2468")
        )

        refused = client.round()
        assert not refused.online
        assert 0 < refused.retry_after_s <= 60
        assert refused.error == (
            "The server asked this terminal to wait (HTTP 429); sales are kept and will be "
            f"sent in {refused.retry_after_s} s."
        )
        assert refused.unsynced == 1 and refused.blocked is None
        assert _held(server, terminal.terminal_id) == sale["seq"] - 1
        # The next round is not sooner than the server asked, healthy or not.
        assert next_delay(1, 5, retry_after_s=refused.retry_after_s) >= refused.retry_after_s
        assert next_delay(0, 5, retry_after_s=refused.retry_after_s) >= refused.retry_after_s

        clock.advance(refused.retry_after_s)
        after = client.round()
        assert after.online and after.error is None, after.error
        assert after.unsynced == 0 and after.acked_through == sale["seq"]
        assert _held(server, terminal.terminal_id) == sale["seq"]
    finally:
        slot.app = None


def test_ipv6_clients_count_per_64_and_ipv4_per_address():
    from sync.server.rate_limits import client_address

    def asking(host):
        return SimpleNamespace(client=SimpleNamespace(host=host))

    assert client_address(asking("2001:db8:1:2::5")) == client_address(asking("2001:db8:1:2::9"))
    assert client_address(asking("2001:db8:1:2::5")) != client_address(asking("2001:db8:1:3::5"))
    assert client_address(asking("::ffff:192.0.2.7")) == "192.0.2.7"
    assert client_address(asking("192.0.2.7")) != client_address(asking("192.0.2.8"))


def test_the_counts_kept_in_memory_are_bounded(monkeypatch):
    from sync.server import rate_limits

    monkeypatch.setattr(rate_limits, "MAX_KEYS", 50)
    clock = TestClock()
    counter = rate_limits.WindowCounter(1, WINDOW_S, clock)
    for n in range(500):
        counter.add(f"198.51.100.{n}")
    assert len(counter._counts) <= 50
    assert counter.wait_s("198.51.100.499") is not None  # the newest is still counted
    clock.advance(WINDOW_S)
    assert counter.wait_s("198.51.100.499") is None
