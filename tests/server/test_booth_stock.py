"""Booth stock at HQ, on SQLite and PostgreSQL, with real terminals syncing over HTTP: a
transfer between two booths offline at different times settles at HQ; a delivery received
short shows at HQ; HQ's stock is the sum of the journals' moves and equals each terminal's;
bad stock entries are quarantined with a clear reason and move nothing."""

from __future__ import annotations

import contextlib
import csv
import io
from pathlib import Path

import pytest
import requests

import sync.client
from pos.cart import Cart, Payment
from pos.store import journal as journal_db
from pos.terminal import Terminal
from sync.protocol.stock import stock_moves
from sync.server import catalog, registry
from sync.server.errors import ApiError
from tests.support import (
    CASHIER,
    CASHIER_PIN,
    DEMO_CATALOG,
    GIFT_BOX,
    MANAGER,
    MANAGER_PIN,
    OIL,
    ORANGES_PLU,
    RICE,
    open_shift,
)
from tests.support.live import bearer, date_enrolment, hold_demo_catalog

OIL_ID, RICE_ID, GIFT_ID = (code.zfill(14) for code in (OIL, RICE, GIFT_BOX))


def _terminal(tmp_path: Path, terminal_id: str) -> Terminal:
    term, _ = Terminal.init(tmp_path / terminal_id, terminal_id, f"{terminal_id} 专柜")
    term.import_catalog(DEMO_CATALOG.read_bytes())
    term.add_user(CASHIER, "cashier", CASHIER_PIN)
    term.add_user(MANAGER, "manager", MANAGER_PIN)
    return term


@pytest.fixture
def booths(server, tmp_path):
    """Three enrolled terminals: T1 and T2 at booth B1, T3 at booth B2."""
    hold_demo_catalog(server.engine)
    made = {}
    for terminal_id, booth in (("T1", "B1"), ("T2", "B1"), ("T3", "B2")):
        with server.engine.begin() as conn:
            with contextlib.suppress(ApiError):
                registry.add_booth(conn, booth, f"{booth} 扶贫专柜", "奉节县")
            code = registry.add_enrol_code(conn, booth, 1)
        term = _terminal(tmp_path, terminal_id)
        sync.client.enroll(term, server.url, code)
        date_enrolment(server.engine, terminal_id)
        made[terminal_id] = term
    yield made
    for term in made.values():
        term.close()


def _sync(term: Terminal) -> None:
    result = sync.client.SyncClient(term).round()
    assert result.online and result.unsynced == 0, result


def _manager(term: Terminal):
    return term.authenticate(MANAGER, MANAGER_PIN)


def _deliver(server, admin_token: str, booth: str, product_id: str, qty: int) -> int:
    answer = requests.post(
        server.api("/deliveries"),
        json={"booth_id": booth, "product_id": product_id, "qty": qty, "note": "11月第2批"},
        headers=bearer(admin_token),
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["id"]


def _get(server, admin_token: str, path: str, **params):
    answer = requests.get(
        server.api(f"/reports/stock{path}"), params=params, headers=bearer(admin_token), timeout=10
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def _sell(term: Terminal, items) -> dict:
    cashier = term.authenticate(CASHIER, CASHIER_PIN)
    cart = Cart()
    for code, qty in items:
        term.add_to_cart(cart, code, qty)
    return term.checkout(cart, [Payment("cash", cart.total_fen)], cashier)


def _forge(term: Terminal, entry_type: str, body: dict) -> dict:
    """An entry the terminal's own screens would not write, written by its journal anyway
    (a patched till, a hand-made database): well formed and chained, so HQ stores it."""
    with term.store.write() as conn:
        return journal_db.append(conn, term.terminal_id, entry_type, body, term.now())


def _quarantined(server, admin_token: str) -> dict[tuple[str, int], dict]:
    answer = requests.get(server.api("/quarantine"), headers=bearer(admin_token), timeout=10)
    assert answer.status_code == 200, answer.text
    return {(row["terminal_id"], row["seq"]): row for row in answer.json()}


def test_a_transfer_between_booths_offline_at_different_times_settles_at_hq(
    server, booths, admin_token
):
    t1, t3 = booths["T1"], booths["T3"]
    _deliver(server, admin_token, "B1", OIL_ID, 30)
    _sync(t1)
    t1.booth_stock.check_in(t1.booth_stock.deliveries()[0].delivery_id, _manager(t1))
    # B1 sends 10 oil and 4 rice (it has none: stock may go below 0) while HQ is away...
    sent = t1.booth_stock.transfer_out("B2", {OIL: 10, RICE: 4}, _manager(t1), note="支援B2")
    transfer_id = sent["body"]["transfer_id"]
    assert t3.booth_stock.deliveries() == []  # ...so B2 knows nothing yet
    _sync(t1)  # B1 comes online: HQ holds the goods in transit and relays them to B2
    transit = _get(server, admin_token, "/transfers")
    assert {(r["product_id"], r["sent"], r["state"]) for r in transit} == {
        (OIL_ID, 10, "in_transit"),
        (RICE_ID, 4, "in_transit"),
    }
    b2 = {r["product_id"]: r for r in _get(server, admin_token, "/levels", booth="B2")}
    assert (b2[OIL_ID]["in_transit"], b2[RICE_ID]["in_transit"], b2[OIL_ID]["on_hand"]) == (
        10,
        4,
        0,
    )
    b1 = {r["product_id"]: r for r in _get(server, admin_token, "/levels", booth="B1")}
    assert (b1[OIL_ID]["on_hand"], b1[OIL_ID]["in_transit_out"]) == (20, 10)
    # B2 syncs later, checks the goods in while offline (9 oil arrived, 1 damaged), then syncs.
    _sync(t3)
    expected = t3.booth_stock.deliveries()
    assert [(d.transfer_id, d.from_booth) for d in expected] == [(transfer_id, "B1")]
    assert {(ln.product_id, ln.expected) for ln in expected[0].lines} == {
        (OIL_ID, 10),
        (RICE_ID, 4),
    }
    t3.booth_stock.check_in(transfer_id, _manager(t3), received={OIL: 9}, reasons={OIL: "damaged"})
    assert _get(server, admin_token, "/transfers") != []  # HQ has not heard yet
    _sync(t3)
    assert _get(server, admin_token, "/transfers") == []  # nothing in transit any more
    settled = {r["product_id"]: r for r in _get(server, admin_token, "/transfers", state="all")}
    assert settled[OIL_ID]["received"] == 9 and settled[OIL_ID]["difference"] == -1
    assert settled[OIL_ID]["reason"] == "damaged" and settled[OIL_ID]["in_terminal"] == "T3"
    assert settled[RICE_ID]["difference"] == 0 and settled[RICE_ID]["state"] == "settled"
    assert [
        r["product_id"] for r in _get(server, admin_token, "/transfers", state="discrepancies")
    ] == [OIL_ID]
    b2 = {r["product_id"]: r for r in _get(server, admin_token, "/levels", booth="B2")}
    assert (b2[OIL_ID]["on_hand"], b2[OIL_ID]["in_transit"], b2[RICE_ID]["on_hand"]) == (9, 0, 4)
    assert _terminal_stock(t3) == {OIL_ID: 9, RICE_ID: 4}
    # The ledger names the entries that moved the goods, both ends.
    ledger = _get(server, admin_token, "/ledger")["moves"]
    moved = {(m["kind"], m["terminal_id"], m["product_id"]): m for m in ledger}
    assert moved[("transfer_out", "T1", OIL_ID)]["delta"] == -10
    assert moved[("transfer_out", "T1", OIL_ID)]["seq"] == sent["seq"]
    assert moved[("transfer_in", "T3", OIL_ID)]["ref"] == transfer_id


def test_a_delivery_received_short_shows_at_hq(server, booths, admin_token):
    t2 = booths["T2"]
    delivery_id = _deliver(server, admin_token, "B1", OIL_ID, 24)
    before = _get(server, admin_token, "/deliveries", booth="B1")
    assert [(r["delivery_id"], r["state"], r["received"]) for r in before] == [
        (str(delivery_id), "expected", None)
    ]
    _sync(t2)
    t2.booth_stock.check_in(
        str(delivery_id), _manager(t2), received={OIL: 20}, reasons={OIL: "short"}
    )
    _sync(t2)
    (line,) = _get(server, admin_token, "/deliveries", booth="B1")
    assert (line["sent"], line["received"], line["short"], line["over"]) == (24, 20, 4, 0)
    assert (line["state"], line["reason"], line["received_by"]) == ("checked_in", "short", MANAGER)
    level = _get(server, admin_token, "/levels", booth="B1", product=OIL_ID)[0]
    assert (level["on_hand"], level["checked_in"], level["delivered"], level["expected"]) == (
        20,
        20,
        24,
        0,
    )
    csv_text = requests.get(
        server.api("/reports/stock/deliveries"),
        params={"booth": "B1", "format": "csv"},
        headers=bearer(admin_token),
        timeout=10,
    ).content.decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(csv_text))
    assert (row["received"], row["short"], row["reason"]) == ("20", "4", "short")


def _terminal_stock(term: Terminal) -> dict[str, int]:
    return {
        pid: on_hand for pid, _name, _unit, on_hand, _moves in term.stock() if on_hand or _moves
    }


def test_hq_stock_is_the_sum_of_the_journals_moves_and_equals_each_terminal(
    server, booths, admin_token
):
    """A realistic day: deliveries checked in, sales and a refund, a count while selling, a
    transfer, minimums; HQ's figures are the journals' moves summed, and each single-terminal
    booth's figures are its terminal's."""
    t1, t2, t3 = booths["T1"], booths["T2"], booths["T3"]
    for term in booths.values():
        open_shift(term)
    _deliver(server, admin_token, "B1", OIL_ID, 40)
    _deliver(server, admin_token, "B1", GIFT_ID, 12)
    _deliver(server, admin_token, "B2", RICE_ID, 10)
    oranges = "PLU" + ORANGES_PLU
    _deliver(server, admin_token, "B2", oranges, 20_000)
    for term in booths.values():
        _sync(term)
    for delivery in t1.booth_stock.deliveries():
        t1.booth_stock.check_in(delivery.delivery_id, _manager(t1))
    t3.booth_stock.check_in(
        t3.booth_stock.deliveries()[0].delivery_id,
        _manager(t3),
        received={RICE: 9},
        reasons={RICE: "short"},
    )
    t3.booth_stock.check_in(
        t3.booth_stock.deliveries()[0].delivery_id, _manager(t3)
    )  # the oranges, 20 kg
    sales = [_sell(t1, [(OIL, 2), (GIFT_BOX, 1)]), _sell(t2, [(OIL, 3)]), _sell(t3, [(RICE, 2)])]
    cashier = t3.authenticate(CASHIER, CASHIER_PIN)
    t3.refund(sales[2]["seq"], {1: 1}, "破损", cashier, _manager(t3))  # one rice back
    t3.booth_stock.start_count(_manager(t3))
    t3.booth_stock.add_counted(RICE, 6)
    _sell(t3, [(RICE, 1)])  # sold during the count
    t3.booth_stock.finish_count(_manager(t3), _manager(t3), "盘点")
    t1.booth_stock.transfer_out("B2", {OIL: 5}, _manager(t1))
    with server.engine.begin() as conn:
        catalog.set_min_stock(conn, OIL_ID, 50, None, "test")
        catalog.set_min_stock(conn, RICE_ID, 3, "B2", "test")
    for term in booths.values():
        _sync(term)
    _sync(t3)  # the min_stock changes and the transfer arrive in B2's feed
    # HQ's stock per booth and product is the sum of every stored journal's moves.
    summed: dict[tuple[str, str], int] = {}
    for term, booth in ((t1, "B1"), (t2, "B1"), (t3, "B2")):
        for entry in _entries(term):
            for product_id, delta in stock_moves(entry):
                summed[(booth, product_id)] = summed.get((booth, product_id), 0) + delta
    levels = _get(server, admin_token, "/levels")
    assert {
        (r["booth_id"], r["product_id"]): r["on_hand"] for r in levels if r["movements"]
    } == summed
    # A booth with one terminal: HQ's figures are the terminal's.
    b2 = {r["product_id"]: r["on_hand"] for r in levels if r["booth_id"] == "B2" and r["movements"]}
    assert b2 == _terminal_stock(t3)
    b1 = {r["product_id"]: r["on_hand"] for r in levels if r["booth_id"] == "B1" and r["movements"]}
    both = _terminal_stock(t1)
    for pid, on_hand in _terminal_stock(t2).items():
        both[pid] = both.get(pid, 0) + on_hand
    assert b1 == both
    # The count: its variance is what went missing, not what was sold during it.
    rice = next(r for r in levels if r["booth_id"] == "B2" and r["product_id"] == RICE_ID)
    assert rice["last_counted"] == 6 and rice["last_count_at"] is not None
    assert rice["count_adjusted"] == rice["last_count_variance"]
    # Minimums: OIL campaign-wide 50 (both booths low), RICE 3 at B2 only; the terminal got them.
    low = {
        p["product_id"]: [b["booth_id"] for b in p["booths"]]
        for p in _get(server, admin_token, "/low")
    }
    assert sorted(low[OIL_ID]) == ["B1", "B2"]
    assert (RICE_ID in low) == (rice["on_hand"] < 3)
    assert {item.product_id for item in t1.booth_stock.low_stock()} >= {OIL_ID}
    by_product = {r["product_id"]: r for r in _get(server, admin_token, "/campaign")}
    assert by_product[OIL_ID]["on_hand"] == sum(
        r["on_hand"] for r in levels if r["product_id"] == OIL_ID
    )
    assert by_product[OIL_ID]["low_booths"] == 2
    # The ledger holds every move, campaign-wide and per booth, and pages.
    ledger = _get(server, admin_token, "/ledger")
    assert ledger["row_count"] == len(ledger["moves"]) == sum(r["movements"] for r in levels)
    page = _get(server, admin_token, "/ledger", booth="B2", limit=2, offset=1)
    whole = _get(server, admin_token, "/ledger", booth="B2")["moves"]
    assert page["moves"] == whole[1:3] and page["row_count"] == len(whole)


def _entries(term: Terminal) -> list[dict]:
    import json

    return [json.loads(line) for line in sync.client.sync_state.unacked(term.store.conn, 0, 10**6)]


def test_bad_stock_entries_are_quarantined_with_a_clear_reason_and_move_nothing(
    server, booths, admin_token
):
    t1, t3 = booths["T1"], booths["T3"]
    _sync(t1)
    b2_delivery = _deliver(server, admin_token, "B2", RICE_ID, 10)
    before = _get(server, admin_token, "/levels")
    line = {"product_id": RICE_ID, "name": "秀山土家米5kg装", "unit": "piece"}
    to_nowhere = t1.booth_stock.transfer_out("NOPE", {RICE: 2}, _manager(t1))
    stolen = _forge(
        t1,
        "delivery_received",
        {"delivery_id": str(b2_delivery), "by": MANAGER, "lines": [{**line, "expected": 10, "received": 10}],
         "expected_total": 10, "received_total": 10},
    )  # fmt: skip
    _sync(t1)
    # B2's real transfer to B1, then B1 claims more than was sent, expecting what was not.
    sent = t3.booth_stock.transfer_out("B1", {RICE: 3}, _manager(t3))
    _sync(t3)
    _sync(t1)
    greedy = _forge(
        t1,
        "transfer_in",
        {"transfer_id": sent["body"]["transfer_id"], "from_booth": "B2", "by": MANAGER,
         "lines": [{**line, "expected": 8, "received": 8}], "expected_total": 8, "received_total": 8},
    )  # fmt: skip
    _sync(t1)
    held = _quarantined(server, admin_token)
    assert held[("T1", to_nowhere["seq"])]["rule"] == "unknown_booth"
    assert "NOPE" in held[("T1", to_nowhere["seq"])]["reason"]
    assert held[("T1", stolen["seq"])]["rule"] == "not_this_booth"
    assert "sent to booth B2, not B1" in held[("T1", stolen["seq"])]["reason"]
    assert held[("T1", greedy["seq"])]["rule"] == "received_over_sent"
    assert (
        "receives 8" in held[("T1", greedy["seq"])]["reason"]
        and "sent 3" in held[("T1", greedy["seq"])]["reason"]
    )
    # Nothing of them moved at HQ: only B2's real transfer did.
    after = {(r["booth_id"], r["product_id"]): r for r in _get(server, admin_token, "/levels")}
    assert after[("B1", RICE_ID)]["on_hand"] == 0 and after[("B1", RICE_ID)]["in_transit"] == 3
    assert after[("B2", RICE_ID)]["on_hand"] == -3 and after[("B2", RICE_ID)]["in_transit_out"] == 3
    (b2_line,) = _get(server, admin_token, "/deliveries", booth="B2")
    assert b2_line["state"] == "expected"  # still B2's to check in
    assert _get(server, admin_token, "/transfers") != []  # B2's transfer is still in transit
    assert [
        r for r in _get(server, admin_token, "/transfers", state="all") if r["to_booth"] == "NOPE"
    ] == []
    assert before != after
