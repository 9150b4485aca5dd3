"""A terminal's common requests cost HQ little: a poll or a head that says nothing new writes
nothing, an unchanged catalog feed answers 304, and a terminal whose last answer from HQ
still holds asks no head, yet still finds an HQ that lost or holds other entries. Real
terminals, real sync over HTTP, SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import json
from datetime import timedelta

import requests
from sqlalchemy import event, select, update

import sync.client
from pos.store import sync_state
from sync.protocol import journal, wire
from sync.server import catalog, clock, contact, registry
from sync.server.tables import terminals
from tests.support.live import bearer, hold_demo_catalog
from tests.support.recovery import sell


def _sell(terminal, count: int = 1) -> None:
    for _ in range(count):
        sell(terminal)  # 酉阳茶油, in cash


def _enrolled(server, terminal) -> None:
    with server.engine.begin() as conn:
        registry.add_booth(conn, "B1", "奉节县扶贫专柜")
    hold_demo_catalog(server.engine)
    with server.engine.begin() as conn:
        code = registry.add_enrol_code(conn, "B1", 1, by="admin:test")
    sync.client.enroll(terminal, server.url, code)


@contextlib.contextmanager
def _writes(engine):
    """The INSERT, UPDATE and DELETE statements HQ runs inside the block."""
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_rest):
        if statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _row(server) -> dict:
    with server.engine.connect() as conn:
        row = conn.execute(select(terminals).where(terminals.c.id == "T1")).one()
    return dict(row._mapping)


def _recording(client) -> list[tuple[str, str, dict]]:
    """(method, path, headers) of every request the client sends from now on."""
    sent: list[tuple[str, str, dict]] = []
    original = client.http.request

    def recording(method, url, **kwargs):
        sent.append((method, url.split("/api/v1", 1)[1].split("?")[0], kwargs.get("headers") or {}))  # fmt: skip
        return original(method, url, **kwargs)

    client.http.request = recording
    return sent


def test_a_poll_and_a_head_that_say_nothing_new_write_nothing(server, terminal):
    _enrolled(server, terminal)
    client = sync.client.SyncClient(terminal, printer=lambda: "ok")
    assert client.round().online
    token = (terminal.home / sync.client.TOKEN_FILE).read_text().strip()
    headers = {**client._headers(), "Authorization": f"Bearer {token}"}
    before = _row(server)
    assert before["last_seen_at"] and before["printer"] == "ok"
    cursor = sync_state.get(terminal.store.conn, "catalog_cursor")
    with _writes(server.engine) as writes:
        for _ in range(3):
            polled = requests.get(server.api("/catalog/changes"), params={"since": cursor}, headers=headers, timeout=10)  # fmt: skip
            assert polled.status_code == 200 and polled.json()["changes"] == [], polled.text
            head = requests.get(server.api("/journal/head"), headers=headers, timeout=10)
            assert head.status_code == 200, head.text
    assert writes == [], "an idle terminal's poll or head wrote to HQ's database"
    assert _row(server) == before
    assert head.json() == {"acked_through": before["acked_seq"], "head": before["head_hash"]}
    assert wire.parse_journal_head(polled.headers[wire.JOURNAL_HEAD_HEADER]) == (
        before["acked_seq"], before["head_hash"],
    )  # fmt: skip


def test_news_from_a_terminal_and_an_old_contact_are_still_written(server, terminal, admin_token):
    _enrolled(server, terminal)
    printer = ["ok"]
    client = sync.client.SyncClient(terminal, printer=lambda: printer[0])
    assert client.round().online
    printer[0] = "paper_out"  # news: written at once, booth health shows it
    assert client.round().online
    assert _row(server)["printer"] == "paper_out"
    (health,) = requests.get(server.api("/reports/booths"), headers=bearer(admin_token), timeout=10).json()  # fmt: skip
    assert health["printer"] == "paper_out" and not health["stale"]
    # An unchanged terminal whose contact is older than the refresh interval: written again,
    # so booth health never calls a terminal stale that called within stale_after_s.
    old = clock.stamp(clock.now() - timedelta(seconds=contact.refresh_s(server.settings.stale_after_s) + 5))  # fmt: skip
    with server.engine.begin() as conn:
        conn.execute(update(terminals).where(terminals.c.id == "T1").values(last_seen_at=old))
    with _writes(server.engine) as writes:
        assert client.round().online
    assert len(writes) == 1 and "last_seen_at" in writes[0], writes
    assert _row(server)["last_seen_at"] > old
    # A clock that moved by more than SKEW_MOVE_MS is news too.
    client.clock = lambda: clock.now() + timedelta(seconds=30)
    assert client.round().online
    assert abs(_row(server)["clock_skew_ms"] - 30_000) < 5_000


def test_an_unchanged_feed_answers_304_and_a_change_answers_200(server, terminal):
    _enrolled(server, terminal)
    client = sync.client.SyncClient(terminal)
    assert client.round().online  # the whole catalog
    assert client.round().pulled == 0  # an empty page: its ETag is kept
    sent = _recording(client)
    result = client.round()
    assert result.online and result.error is None and result.pulled == 0
    polls = [headers for method, path, headers in sent if path == "/catalog/changes"]
    assert len(polls) == 1 and polls[0].get("If-None-Match"), "the poll sent no ETag"
    token = (terminal.home / sync.client.TOKEN_FILE).read_text().strip()
    cursor = client.feed_etag[0]
    asked = {"Authorization": f"Bearer {token}", "If-None-Match": client.feed_etag[1]}
    unchanged = requests.get(server.api("/catalog/changes"), params={"since": cursor}, headers=asked, timeout=10)  # fmt: skip
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged.headers["ETag"] == client.feed_etag[1]
    with server.engine.begin() as conn:  # HQ changes a price: the same ETag gets the change
        oil = catalog.get_product(conn, "06970006000011")
        fields = {k: v for k, v in oil.items() if k not in ("deleted", "version")}
        changed = catalog.upsert_product(conn, {**fields, "price_fen": 9900})
    fresh = requests.get(server.api("/catalog/changes"), params={"since": cursor}, headers=asked, timeout=10)  # fmt: skip
    assert fresh.status_code == 200 and fresh.headers["ETag"] != client.feed_etag[1]
    assert [c["product"]["price_fen"] for c in fresh.json()["changes"]] == [9900]
    result = client.round()
    assert result.pulled == 1 and client.feed_etag is None
    price = terminal.store.conn.execute(
        "SELECT price_fen FROM products WHERE id = '06970006000011'"
    ).fetchone()[0]
    assert price == changed["price_fen"] == 9900


def test_a_round_after_a_push_asks_no_head_and_a_new_client_asks_again(server, terminal):
    _enrolled(server, terminal)
    client = sync.client.SyncClient(terminal)
    sent = _recording(client)
    _sell(terminal, 2)
    assert client.round().unsynced == 0
    assert [p for _, p, _ in sent].count("/journal/head") == 1  # the first round asks
    sent.clear()
    _sell(terminal)
    assert client.round().unsynced == 0
    assert client.round().unsynced == 0  # an idle round too
    paths = [p for _, p, _ in sent]
    assert "/journal/head" not in paths and paths.count("/journal") == 1, paths
    restarted = sync.client.SyncClient(terminal)  # a restart remembers nothing of HQ
    again = _recording(restarted)
    assert restarted.round().online
    assert [p for _, p, _ in again].count("/journal/head") == 1


def test_a_remembered_head_still_finds_an_hq_that_holds_other_entries(server, terminal):
    """Another PC pushed under this terminal's id after the last round: the push made on the
    remembered head gets 409, the terminal asks the head and stops as "behind HQ" (journal
    recover), instead of taking the 409 as tampering and blocking sync."""
    _enrolled(server, terminal)
    client = sync.client.SyncClient(terminal)
    _sell(terminal)
    assert client.round().unsynced == 0 and client.hq_said is not None
    held, head = client.hq_said
    token = (terminal.home / sync.client.TOKEN_FILE).read_text().strip()
    other = _other_entry(terminal, held, head)
    pushed = requests.post(server.api("/journal"), json={"entries": [other]}, headers=bearer(token), timeout=10)  # fmt: skip
    assert pushed.status_code == 200, pushed.text
    _sell(terminal)  # this PC's own entry at the same seq
    result = client.round()
    assert result.behind is not None, result
    assert result.blocked is None, "a remembered head turned another PC's entries into a block"


def _other_entry(terminal, seq: int, head: str) -> dict:
    """A sale entry the terminal never wrote, chained on HQ's head (another PC's)."""
    row = terminal.store.conn.execute("SELECT line FROM journal WHERE seq = ?", (seq,)).fetchone()
    model = json.loads(row[0])
    body = dict(model["body"])
    body["sale_id"] = "00000000-0000-4000-8000-000000000001"
    body["grand_total_fen"] = body["grand_total_fen"] + body.get("total_fen", 0)
    return journal.make_entry(model["terminal"], seq + 1, model["type"], model["at"], body, head)
