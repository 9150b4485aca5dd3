"""GET /api/v1/journal/entries: a terminal reads back its own journal as HQ holds it, page by
page and exactly as pushed (what `booth-pos journal recover` fetches); never another
terminal's, never without a valid token. Over real HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
import requests

from pos.cart import Cart, Payment
from sync.protocol import journal
from sync.server import catalog, journal_store
from tests.support import CASHIER, CASHIER_PIN, DEMO_CATALOG, OIL, RICE
from tests.support.live import bearer, enrol


@pytest.fixture
def entries(terminal, server):
    """A real terminal's journal (the shift opened, a delivery, eight sales, an adjustment),
    pushed by T1 to a server that knows the demo catalog; HQ's stored lines."""
    catalog.import_csv(server.engine, DEMO_CATALOG.read_bytes())
    cashier = terminal.authenticate(CASHIER, CASHIER_PIN)
    terminal.receive_stock(OIL, 24, "HQ delivery")
    for n in range(8):
        cart = Cart()
        terminal.add_to_cart(cart, OIL, 1 + n % 3)
        if n % 2:
            terminal.add_to_cart(cart, RICE)
        terminal.checkout(cart, [Payment("cash", cart.total_fen)], cashier)
    terminal.adjust_stock(OIL, -1, "bottle broken")
    lines = list(terminal.export_journal())
    token = enrol(server, "B1", "T1")
    body = '{"entries":[' + ",".join(lines) + "]}"
    pushed = requests.post(
        server.api("/journal"),
        data=body.encode("utf-8"),
        headers={**bearer(token), "Content-Type": "application/json"},
        timeout=30,
    )
    assert pushed.status_code == 200, pushed.text
    return token, lines


def _get(server, token: str | None, **params) -> requests.Response:
    headers = bearer(token) if token else {}
    return requests.get(server.api("/journal/entries"), params=params, headers=headers, timeout=30)


def _stored(server, terminal_id: str) -> list[str]:
    with server.engine.connect() as conn:
        return [line for _, line in journal_store.walk(conn, terminal_id)]


def test_a_terminal_reads_its_journal_back_page_by_page_exactly_as_pushed(server, entries):
    token, lines = entries
    assert len(lines) == 11
    head = json.loads(lines[-1])["hash"]
    pages, after = [], 0
    while True:
        response = _get(server, token, after=after, limit=4)
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["acked_through"] == 11 and page["head"] == head
        pages.append(page)
        if not page["more"]:
            break
        after = page["entries"][-1]["seq"]
    assert [len(page["entries"]) for page in pages] == [4, 4, 3]
    got = [journal.canonical(entry) for page in pages for entry in page["entries"]]
    assert got == lines == _stored(server, "T1")  # entry by entry, as hashed
    assert journal.verify(got, "T1").ok
    # The stored text goes out untouched, byte for byte.
    raw = _get(server, token, after=0).text
    assert all(line in raw for line in _stored(server, "T1"))
    # From the middle, and past the head.
    middle = _get(server, token, after=7).json()
    assert [e["seq"] for e in middle["entries"]] == [8, 9, 10, 11] and not middle["more"]
    rest = journal.verify(
        [journal.canonical(e) for e in middle["entries"]],
        "T1",
        after_seq=7,
        after_hash=json.loads(lines[6])["hash"],
        after_grand_total=json.loads(lines[6])["body"].get("grand_total_fen", 0),
    )
    assert rest.ok and rest.head_hash == head
    past = _get(server, token, after=11).json()
    assert past["entries"] == [] and past["more"] is False and past["acked_through"] == 11


def test_only_the_calling_terminal_s_own_journal_is_sent(server, entries):
    _, lines = entries
    other = enrol(server, "B1", "T2")
    refused = _get(server, other, terminal="T1")
    assert refused.status_code == 403
    assert "Terminal T2 may read only its own journal, not 'T1'" in refused.json()["detail"]
    own = _get(server, other).json()  # T2 has pushed nothing: it gets nothing of T1's
    assert own == {"acked_through": 0, "head": "0" * 64, "more": False, "entries": []}
    assert _get(server, entries[0], terminal="T1").status_code == 200
    assert _stored(server, "T1") == lines  # reading changed nothing


@pytest.mark.parametrize(
    "token",
    [None, "bpt_not-a-token", "bpa_an-admin-looking-token", "Bearer"],
    ids=["none", "unknown", "admin-prefix", "garbage"],
)
def test_no_valid_terminal_token_no_journal(server, entries, token):
    response = _get(server, token)
    assert response.status_code == 401, response.text
    assert "entries" not in response.json()


@pytest.mark.parametrize(
    "params", [{"after": -1}, {"limit": 0}, {"limit": 501}, {"after": "x"}, {"after": 2**63}]
)
def test_out_of_range_paging_is_a_422(server, entries, params):
    response = _get(server, entries[0], **params)
    assert response.status_code == 422, response.text


def test_a_revoked_terminal_reads_nothing(server, entries, db_url):
    from sync.server.cli import main as server_main

    token, _ = entries
    assert server_main(["--db", db_url, "terminal", "revoke", "T1"]) == 0
    assert _get(server, token).status_code == 401
