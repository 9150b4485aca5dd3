"""Terminals say at each sync round which version they run, how many entries they hold
unacknowledged and how their printer is; booth health shows that beside the open shift,
the last Z and its variance, quarantine and clock skew, filtered and sorted. Old terminals
that send none of it still sync. Real terminals, real sync over HTTP, SQLite and PostgreSQL."""

from __future__ import annotations

import json

import requests
from sqlalchemy import select

import sync.client
from pos.cart import Cart, Payment
from sync import __version__
from sync.protocol import wire
from sync.server import registry
from sync.server.tables import terminals
from tests.support import MANAGER, MANAGER_PIN
from tests.support.live import bearer, enrol, hold_demo_catalog

OIL = "6970006000011"  # 酉阳茶油500ml, 88.00


def _sell(terminal, count: int = 1) -> None:
    cashier = terminal.authenticate("李娜", "2468")
    for _ in range(count):
        cart = Cart()
        terminal.add_to_cart(cart, OIL)
        terminal.checkout(cart, [Payment("cash", 8800)], cashier)


def _enrolled(server, terminal) -> None:
    with server.engine.begin() as conn:
        registry.add_booth(conn, "B1", "奉节县扶贫专柜", kind="store_section")
    hold_demo_catalog(server.engine)
    with server.engine.begin() as conn:
        code = registry.add_enrol_code(conn, "B1", 1, by="admin:test")
    sync.client.enroll(terminal, server.url, code)


def _health(server, admin: dict, **params) -> list[dict]:
    response = requests.get(server.api("/reports/booths"), params=params, headers=admin, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def _stored(server, terminal_id: str = "T1") -> dict:
    with server.engine.connect() as conn:
        row = conn.execute(
            select(terminals.c.app_version, terminals.c.unsynced, terminals.c.printer)
            .where(terminals.c.id == terminal_id)
        ).one()  # fmt: skip
    return dict(row._mapping)


def test_each_round_reports_version_backlog_and_printer(server, terminal, admin_token):
    _enrolled(server, terminal)
    admin = bearer(admin_token)
    _sell(terminal, 3)
    seen: list[dict] = []
    client = sync.client.SyncClient(terminal, printer=lambda: "paper_out", batch=2)
    original = client.http.request

    def recording(method, url, **kwargs):  # what went over the wire, as sent
        seen.append({"url": url, **kwargs.get("headers", {})})
        return original(method, url, **kwargs)

    client.http.request = recording
    result = client.round()
    assert result.online and result.error is None and result.unsynced == 0, result
    pushes = [h for h in seen if h["url"].endswith("/journal")]
    # 1 shift_open + 3 sales in batches of 2: each push says what was still unsent
    assert [h[wire.UNSYNCED_HEADER] for h in pushes] == ["4", "2"]
    assert all(h[wire.PRINTER_HEADER] == "paper_out" for h in pushes)
    assert all(h[wire.VERSION_HEADER] == __version__ for h in pushes)
    assert _stored(server) == {"app_version": __version__, "unsynced": 0, "printer": "paper_out"}
    (row,) = _health(server, admin)
    assert (row["app_version"], row["unsynced"], row["printer"]) == (__version__, 0, "paper_out")
    assert row["status_at"] and row["shift_open"] and row["shift_opened_at"]
    assert row["last_z_at"] is None and row["last_z_variance_fen"] is None
    assert not row["stale"]
    # A terminal with the default printer (the preview) says it has none.
    _sell(terminal)
    sync.client.SyncClient(terminal).round()
    assert _stored(server)["printer"] == "none"


def test_a_terminal_that_sends_no_status_still_syncs_and_keeps_what_was_said(
    server, terminal, admin_token
):
    _enrolled(server, terminal)
    assert sync.client.SyncClient(terminal, printer=lambda: "ok").round().error is None
    before = _stored(server)
    assert before["printer"] == "ok"
    _sell(terminal, 2)
    token = (terminal.home / sync.client.TOKEN_FILE).read_text().strip()
    entries = [json.loads(line) for line in terminal.export_journal()]
    # an older terminal: only Authorization (and no status headers) on its requests
    head = requests.get(server.api("/journal/head"), headers=bearer(token), timeout=10)
    assert head.status_code == 200, head.text
    pushed = requests.post(
        server.api("/journal"), json={"entries": entries}, headers=bearer(token), timeout=10
    )
    assert pushed.status_code == 200, pushed.text
    assert pushed.json()["acked_through"] == entries[-1]["seq"]
    assert _stored(server) == before
    (row,) = _health(server, bearer(admin_token))
    assert row["acked_seq"] == entries[-1]["seq"]


def test_status_values_that_are_not_valid_are_ignored_never_refused(server, terminal):
    _enrolled(server, terminal)
    token = (terminal.home / sync.client.TOKEN_FILE).read_text().strip()
    for headers in (
        {wire.UNSYNCED_HEADER: "-5", wire.PRINTER_HEADER: "on fire"},
        {wire.UNSYNCED_HEADER: "12abc", wire.VERSION_HEADER: "9" * 200},
        {wire.UNSYNCED_HEADER: "1" * 30, wire.VERSION_HEADER: "0.9\x7f"},
    ):
        response = requests.get(
            server.api("/journal/head"), headers={**bearer(token), **headers}, timeout=10
        )
        assert response.status_code == 200, (headers, response.text)
    assert _stored(server) == {"app_version": None, "unsynced": None, "printer": None}
    good = {wire.UNSYNCED_HEADER: "7", wire.PRINTER_HEADER: "offline", wire.VERSION_HEADER: "1.2"}
    requests.get(server.api("/journal/head"), headers={**bearer(token), **good}, timeout=10)
    assert _stored(server) == {"app_version": "1.2", "unsynced": 7, "printer": "offline"}


def test_booth_health_shows_the_last_z_and_filters_and_sorts(server, terminal, admin_token):
    _enrolled(server, terminal)
    admin = bearer(admin_token)
    enrol(server, "B2", "T9", "巫山县扶贫专柜", as_selling_booth=False)  # never syncs: stale
    _sell(terminal, 2)  # 176.00 in cash; the manager counts 170.00: 6.00 short
    manager = terminal.authenticate(MANAGER, MANAGER_PIN)
    terminal.close_shift(manager, {10000: 1, 5000: 1, 2000: 1}, reason="找零出错")
    assert sync.client.SyncClient(terminal, printer=lambda: "ok").round().error is None
    rows = {row["terminal_id"]: row for row in _health(server, admin)}
    t1, t9 = rows["T1"], rows["T9"]
    assert not t1["shift_open"] and t1["shift_opened_at"] is None
    assert t1["last_z_variance_fen"] == -600 and t1["last_z_at"] and t1["last_z_business_day"]
    assert t9["stale"] and t9["seconds_since_contact"] is None and not t1["stale"]
    assert [r["terminal_id"] for r in _health(server, admin, stale="true")] == ["T9"]
    assert _health(server, admin, alerts="true") == []
    # sorting: the terminal without a figure comes last either way
    assert [r["terminal_id"] for r in _health(server, admin, sort="-unsynced")] == ["T1", "T9"]
    assert [r["terminal_id"] for r in _health(server, admin, sort="-booth")] == ["T9", "T1"]
    assert [r["terminal_id"] for r in _health(server, admin, sort="booth")] == ["T1", "T9"]
    refused = requests.get(
        server.api("/reports/booths"), params={"sort": "nonsense"}, headers=admin, timeout=10
    )
    assert refused.status_code == 422 and "sort" in refused.json()["detail"]
    # the CSV carries the new columns too
    as_csv = requests.get(
        server.api("/reports/booths"), params={"format": "csv"}, headers=admin, timeout=10
    )
    header = as_csv.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert {"app_version", "unsynced", "printer", "last_z_variance_fen", "stale"} <= set(header)
