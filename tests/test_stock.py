"""Booth stock at the till: deliveries checked in with their differences, counts while the
booth keeps selling, transfers, minimums and low stock; bad input refused, nothing moved."""

from __future__ import annotations

import json
import random

import pytest

from pos.cart import Cart, Payment
from pos.errors import BoothError, NotFound, Refused
from pos.store import DB_NAME
from pos.store import stock as stock_db
from pos.terminal import NeedsManager
from sync.protocol.stock import expected_delivery
from tests.support import (
    CASHIER,
    CASHIER_PIN,
    GIFT_BOX,
    MANAGER,
    MANAGER_PIN,
    OIL,
    ORANGES_PLU,
    RICE,
    fingerprint,
    pin_file,
    scale_label,
)


@pytest.fixture
def cashier(terminal):
    return terminal.authenticate(CASHIER, CASHIER_PIN)


@pytest.fixture
def manager(terminal):
    return terminal.authenticate(MANAGER, MANAGER_PIN)


def on_hand(terminal, code) -> int:
    product, _ = terminal.product_for(code)
    return {row[0]: row[3] for row in terminal.stock()}.get(product.id, 0)


def pid(terminal, code) -> str:
    return terminal.product_for(code)[0].id


def expect(terminal, delivery: dict, version: int = 1) -> None:
    """A delivery arriving through the catalog feed, as sync.client applies it."""
    with terminal.store.write() as conn:
        stock_db.add_expected_delivery(conn, expected_delivery(delivery), version)


def sell(terminal, cashier, code, qty=1) -> dict:
    cart = Cart()
    terminal.add_to_cart(cart, code, qty)
    return terminal.checkout(cart, [Payment("cash", cart.total_fen)], cashier)


# --- deliveries ------------------------------------------------------------------------------


def test_a_delivery_received_short_moves_only_what_arrived_once(terminal, manager):
    expect(terminal, {"id": 1128, "lines": [
        {"product_id": pid(terminal, OIL), "qty": 12},
        {"product_id": pid(terminal, ORANGES_PLU), "qty": 5000},
    ]})  # fmt: skip
    assert [d.delivery_id for d in terminal.booth_stock.deliveries()] == ["1128"]
    for _ in range(9):
        terminal.booth_stock.scan_received("1128", OIL)  # one scan per bottle unpacked
    terminal.booth_stock.scan_received("1128", ORANGES_PLU, 4870)  # the scale's grams
    with pytest.raises(Refused, match="short / damaged"):
        terminal.booth_stock.check_in("1128", manager)  # the oil is short: a reason is needed
    assert on_hand(terminal, OIL) == 0
    entry = terminal.booth_stock.check_in(
        "1128", manager, reasons={OIL: "short", ORANGES_PLU: "damaged"}, note="箱子压坏"
    )
    assert entry["type"] == "delivery_received"
    lines = {line["name"]: line for line in entry["body"]["lines"]}
    assert lines["酉阳茶油500ml"]["expected"] == 12 and lines["酉阳茶油500ml"]["received"] == 9
    assert lines["酉阳茶油500ml"]["reason"] == "short"
    assert lines["奉节脐橙"]["received"] == 4870 and lines["奉节脐橙"]["unit"] == "g"
    assert (on_hand(terminal, OIL), on_hand(terminal, ORANGES_PLU)) == (9, 4870)
    assert terminal.booth_stock.deliveries() == []
    with pytest.raises(Refused, match="already checked in"):
        terminal.booth_stock.check_in("1128", manager)
    assert (on_hand(terminal, OIL), on_hand(terminal, ORANGES_PLU)) == (9, 4870)
    assert terminal.verify_journal().ok


def test_a_reason_is_kept_with_the_scans_and_dropped_when_it_no_longer_fits(terminal, manager):  # fmt: skip
    expect(terminal, {"id": 1129, "lines": [{"product_id": pid(terminal, OIL), "qty": 12}]})
    terminal.booth_stock.scan_received("1129", OIL, 10)
    line = terminal.booth_stock.set_reason("1129", OIL, "damaged")
    assert (line.received, line.reason) == (10, "damaged")
    terminal.booth_stock.scan_received("1129", OIL)  # still short: the reason stays
    assert terminal.booth_stock.delivery("1129").lines[0].reason == "damaged"
    with pytest.raises(Refused, match="short / damaged / extra"):
        terminal.booth_stock.set_reason("1129", OIL, "stolen")
    with pytest.raises(NotFound, match="not on delivery 1129"):
        terminal.booth_stock.set_reason("1129", RICE, "short")
    assert terminal.booth_stock.delivery("1129").lines[0].reason == "damaged"
    terminal.booth_stock.scan_received("1129", OIL, 2)  # 13 of 12: "damaged" says nothing now
    assert terminal.booth_stock.delivery("1129").lines[0].reason is None
    with pytest.raises(Refused, match="Say why: extra"):
        terminal.booth_stock.check_in("1129", manager)
    terminal.booth_stock.set_reason("1129", OIL, "extra")
    entry = terminal.booth_stock.check_in("1129", manager)  # the kept reason is taken
    assert entry["body"]["lines"][0]["reason"] == "extra" and on_hand(terminal, OIL) == 13


def test_an_extra_product_and_a_relayed_transfer_are_checked_in_as_transfer_in(terminal, manager):
    expect(terminal, {"id": "X-9", "transfer_id": "T2-abc", "from_booth": "B0002",
                      "lines": [{"product_id": pid(terminal, OIL), "qty": 3}]})  # fmt: skip
    found = terminal.booth_stock.delivery("T2-abc")  # by its transfer id too
    assert found.is_transfer and found.from_booth == "B0002"
    entry = terminal.booth_stock.check_in(
        "T2-abc", manager, received={RICE: 2}, reasons={RICE: "extra"}
    )  # the oil as expected, two bags of rice nobody listed
    assert entry["type"] == "transfer_in"
    assert entry["body"]["transfer_id"] == "T2-abc" and entry["body"]["from_booth"] == "B0002"
    assert (entry["body"]["expected_total"], entry["body"]["received_total"]) == (3, 5)
    assert (on_hand(terminal, OIL), on_hand(terminal, RICE)) == (3, 2)


def test_a_cashier_cannot_check_in_and_bad_check_ins_change_nothing(terminal, cashier, manager, home):  # fmt: skip
    expect(terminal, {"id": 7, "product_id": pid(terminal, OIL), "qty": 4})
    before = fingerprint(home / DB_NAME)
    with pytest.raises(Refused, match="only a manager"):
        terminal.booth_stock.check_in("7", cashier)
    with pytest.raises(NotFound, match="No delivery 99 is expected"):
        terminal.booth_stock.check_in("99", manager)
    with pytest.raises(NotFound, match="Unknown barcode"):
        terminal.booth_stock.check_in("7", manager, received={"6970099999995": 1}, reasons={})
    with pytest.raises(Refused, match="-2 is not a quantity"):
        terminal.booth_stock.check_in("7", manager, received={OIL: -2})
    with pytest.raises(Refused, match="extra"):
        terminal.booth_stock.check_in("7", manager, received={OIL: 5}, reasons={OIL: "short"})
    with pytest.raises(Refused, match="-1 is not a quantity"):
        terminal.booth_stock.scan_received("7", OIL, -1)
    assert fingerprint(home / DB_NAME) == before


# --- transfers -------------------------------------------------------------------------------


def test_a_transfer_leaves_stock_at_once_and_bad_ones_change_nothing(terminal, manager, home):
    terminal.receive_stock(OIL, 10)
    with terminal.store.write() as conn:
        conn.execute("INSERT INTO meta (key, value) VALUES ('booth_id', 'B0001')")
    entry = terminal.booth_stock.transfer_out(
        "B0002", {OIL: 4, "6970006009014": 2}, manager, "补货"
    )
    assert entry["body"]["lines"] == [
        {"product_id": pid(terminal, OIL), "name": "酉阳茶油500ml", "unit": "piece", "sent": 6}
    ]  # both barcodes of the oil on one line
    assert on_hand(terminal, OIL) == 4
    before = fingerprint(home / DB_NAME)
    for booth, items, words in [
        ("B0001", {OIL: 1}, "this booth"),
        ("", {OIL: 1}, "Name the booth"),
        ("B0002", {}, "at least one product"),
        ("B0002", {OIL: 0}, "0 is not a quantity"),
        ("B0002", {"12345": 1}, "PLU 12345"),
    ]:
        with pytest.raises(BoothError, match=words):
            terminal.booth_stock.transfer_out(booth, items, manager)
    assert fingerprint(home / DB_NAME) == before


# --- counts while selling --------------------------------------------------------------------


def test_a_count_during_50_sales_and_5_refunds_finds_only_what_was_taken(terminal, cashier, manager):  # fmt: skip
    codes = [OIL, RICE, GIFT_BOX]
    for code in codes:
        terminal.receive_stock(code, 200)
    terminal.receive_stock(ORANGES_PLU, 50_000)
    count = terminal.booth_stock.start_count(manager)
    rng = random.Random(20)
    sales = []
    for _ in range(50):  # cashiers keep selling during the count
        code = rng.choice([*codes, ORANGES_PLU])
        if code == ORANGES_PLU:  # weighed: the scale's label with the grams
            code = scale_label("21", ORANGES_PLU, rng.randint(300, 1500))
        sales.append(
            sell(
                terminal,
                cashier,
                code,
                1 if len(code) == 13 and code[:2] == "21" else rng.randint(1, 3),
            )
        )
    for sale in sales[:5]:  # and take some back
        terminal.refund(sale["seq"], None, "customer changed mind", cashier, manager)
    # Someone takes 2 bottles of oil and 350 g of oranges off the shelf, unrecorded.
    taken = {OIL: 2, ORANGES_PLU: 350, RICE: 0, GIFT_BOX: 0}
    for code in [*codes, ORANGES_PLU]:
        terminal.booth_stock.add_counted(code, on_hand(terminal, code) - taken[code])
    # More sales after the products were counted must not count against them.
    for code in codes:
        sell(terminal, cashier, code)
    entry = terminal.booth_stock.finish_count(cashier, manager, reason="月度盘点")
    body = entry["body"]
    variances = {line["product_id"]: line["variance"] for line in body["lines"]}
    assert variances == {pid(terminal, c): -taken[c] for c in [*codes, ORANGES_PLU]}
    assert body["approved_by"] == MANAGER and body["by"] == CASHIER
    assert body["uncounted"] == len(count.lines) - 4
    oil = next(line for line in body["lines"] if line["product_id"] == pid(terminal, OIL))
    assert oil["expected"] == 200 and oil["sold_during"] > 0 and oil["refunded_during"] >= 0
    assert sum(line["refunded_during"] for line in body["lines"]) > 0
    # Stock now is what the shelf holds: counted, less what sold after counting.
    assert on_hand(terminal, OIL) == 200 - 2 - sum(
        line["qty"]
        for sale in sales for line in sale["body"]["lines"] if line["product_id"] == pid(terminal, OIL)
    ) + oil["refunded_during"] - 1  # fmt: skip
    assert terminal.booth_stock.current_count() is None
    with pytest.raises(NotFound, match="No count is in progress"):
        terminal.booth_stock.finish_count(manager)
    with pytest.raises(Refused, match="already finished"):
        terminal.booth_stock.finish_count(manager, count_id=body["count_id"])
    assert terminal.verify_journal().ok


def test_a_count_of_one_category_needs_a_manager_to_finish_and_refuses_bad_input(
    terminal, cashier, manager, home
):
    with pytest.raises(NotFound, match="No category 玩具"):
        terminal.booth_stock.start_count(manager, "玩具")
    count = terminal.booth_stock.start_count(manager, "粮油")
    assert count.scope == "category" and count.lines
    with pytest.raises(Refused, match="still open"):
        terminal.booth_stock.start_count(manager)
    terminal.booth_stock.add_counted(OIL, 3)
    before = fingerprint(home / DB_NAME)
    with pytest.raises(Refused, match="not in this count"):
        terminal.booth_stock.add_counted(ORANGES_PLU, 100)
    with pytest.raises(Refused, match="-1 is not a count"):
        terminal.booth_stock.add_counted(OIL, -1)
    with pytest.raises(NotFound, match="Unknown barcode"):
        terminal.booth_stock.add_counted("6970099999995", 1)
    with pytest.raises(NeedsManager):
        terminal.booth_stock.finish_count(cashier)
    assert fingerprint(home / DB_NAME) == before
    entry = terminal.booth_stock.finish_count(manager)
    assert entry["body"]["category"] == "粮油" and entry["body"]["variance_total"] == 3


def test_an_empty_count_cannot_be_finished(terminal, manager, home):
    terminal.booth_stock.start_count(manager)
    before = fingerprint(home / DB_NAME)
    with pytest.raises(Refused, match="Nothing was counted"):
        terminal.booth_stock.finish_count(manager)
    assert fingerprint(home / DB_NAME) == before


# --- minimums and low stock ------------------------------------------------------------------


def test_low_stock_uses_the_booths_minimum_over_hqs(terminal, manager):
    terminal.receive_stock(OIL, 5)
    terminal.receive_stock(RICE, 50)
    with terminal.store.write() as conn:
        stock_db.set_hq_minimum(conn, pid(terminal, OIL), 10)
        stock_db.set_hq_minimum(conn, pid(terminal, RICE), 20)
    low = terminal.booth_stock.low_stock()
    assert [(r.name, r.on_hand, r.minimum, r.source) for r in low] == [
        ("酉阳茶油500ml", 5, 10, "hq")
    ]
    terminal.booth_stock.set_minimum(RICE, 60, manager)
    terminal.booth_stock.set_minimum(OIL, 4, manager)
    assert [(r.name, r.source) for r in terminal.booth_stock.low_stock()] == [
        ("秀山土家米5kg装", "booth")
    ]
    terminal.booth_stock.set_minimum(OIL, None, manager)  # back to HQ's 10
    assert len(terminal.booth_stock.low_stock()) == 2
    with pytest.raises(Refused, match="-3 is not a minimum"):
        terminal.booth_stock.set_minimum(OIL, -3, manager)


# --- the command line ------------------------------------------------------------------------


def test_the_command_line_checks_in_counts_and_transfers_with_json(terminal, cli):
    expect(terminal, {"id": 31, "product_id": pid(terminal, OIL), "qty": 6})
    option, path = pin_file(MANAGER_PIN)
    who = ("--manager", MANAGER, option, path)
    listed = cli("stock", "deliveries", "--json")
    assert listed.code == 0 and json.loads(listed.out)[0]["lines"][0]["expected"] == 6
    done = cli("stock", "check-in", "31", "--line", f"{OIL}=5", "--reason", f"{OIL}=damaged", *who, "--json")  # fmt: skip
    assert done.code == 0, done.err
    assert json.loads(done.out)["body"]["lines"][0]["reason"] == "damaged"
    again = cli("stock", "check-in", "31", *who)
    assert again.code != 0 and "already checked in" in again.err
    assert cli("stock", "count", "start", "--category", "粮油", *who).code == 0
    assert cli("stock", "count", "add", "--line", f"{OIL}=4").code == 0
    shown = json.loads(cli("stock", "count", "show", "--json").out)
    assert shown["lines"][0]["variance"] == -1
    bad = cli("stock", "count", "add", "--line", f"{OIL}=x")
    assert bad.code != 0 and "not a whole number" in bad.err
    finished = cli("stock", "count", "finish", *who, "--json")
    assert json.loads(finished.out)["body"]["variance_total"] == -1
    twice = cli("stock", "count", "finish", *who)
    assert twice.code != 0 and "No count is in progress" in twice.err
    sent = cli("stock", "transfer", "--to", "B0009", "--line", f"{OIL}=4", *who, "--json")
    assert json.loads(sent.out)["body"]["sent_total"] == 4
    assert on_hand(terminal, OIL) == 0
    unknown = cli("stock", "check-in", "404", *who)
    assert unknown.code != 0 and "No delivery 404" in unknown.err
    assert cli("journal", "verify").code == 0


def test_the_catalog_feed_brings_deliveries_transfers_and_minimums(terminal, manager):
    from sync.client import _apply

    oil, rice = pid(terminal, OIL), pid(terminal, RICE)
    product = {"id": oil, "name": "酉阳茶油500ml", "unit": "piece", "price_fen": 8800, "plu": None,
               "barcodes": [OIL], "min_stock": 6}  # fmt: skip
    with terminal.store.write() as conn:
        _apply(conn, {"kind": "product", "version": 5, "product": product})
        _apply(conn, {"kind": "delivery", "version": 6, "delivery": {"id": 41, "product_id": oil, "qty": 3}})  # fmt: skip
        _apply(conn, {"kind": "delivery", "version": 7, "delivery": {"id": 42, "product_id": oil, "qty": -2}})  # fmt: skip
        _apply(conn, {"kind": "delivery", "version": 8, "delivery": {
            "id": "X-7", "transfer_id": "T9-1", "from_booth": "B9", "lines": [{"product_id": rice, "qty": 4}],
        }})  # fmt: skip
        _apply(conn, {"kind": "delivery", "version": 8, "delivery": {"id": 41, "product_id": oil, "qty": 3}})  # fmt: skip
    listed = {d.delivery_id: d for d in terminal.booth_stock.deliveries()}
    assert sorted(listed) == ["41", "X-7"]  # the recall is not checked in; a repeat is ignored
    assert listed["X-7"].is_transfer and listed["X-7"].lines[0].expected == 4
    assert [(r.name, r.minimum) for r in terminal.booth_stock.low_stock()] == [("酉阳茶油500ml", 6)]
    terminal.booth_stock.check_in("41", manager)
    assert on_hand(terminal, OIL) == 3 and terminal.booth_stock.low_stock()[0].on_hand == 3
