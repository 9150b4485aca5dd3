"""Refunds, post-voids, discounts and price overrides: who approves, what is journaled, and a
day with all of them that closes to the fen."""

from __future__ import annotations

import pytest

from pos.cart import Cart, Payment
from pos.errors import Refused
from pos.store import DB_NAME
from pos.terminal import NeedsManager
from tests.support import (
    CASHIER,
    CASHIER_PIN,
    MANAGER,
    MANAGER_PIN,
    OIL,
    ORANGES_PLU,
    RICE,
    fingerprint,
    scale_label,
)

GIFT_BOX = "6970001000016"  # 奉节脐橙礼盒5kg, ￥68.80


@pytest.fixture
def cashier(terminal):
    return terminal.authenticate(CASHIER, CASHIER_PIN)


@pytest.fixture
def manager(terminal):
    return terminal.authenticate(MANAGER, MANAGER_PIN)


def sell(terminal, cashier, items, payments, change=None):
    cart = Cart()
    for code, qty in items:
        terminal.add_to_cart(cart, code, qty)
    if change:
        change(cart)
    return terminal.checkout(cart, [Payment(m, a) for m, a in payments], cashier)


def on_hand(terminal, code):
    product, _ = terminal.product_for(code)
    return {row[0]: row[3] for row in terminal.stock()}.get(product.id, 0)


def test_a_cashier_cannot_approve_a_refund_and_a_refusal_writes_nothing(terminal, cashier, home):
    sale = sell(terminal, cashier, [(OIL, 2)], [("cash", 17600)])
    before = fingerprint(home / DB_NAME)
    with pytest.raises(NeedsManager, match="needs a manager's approval"):
        terminal.refund(sale["seq"], {1: 1}, "spoiled", cashier)
    other = terminal.authenticate(CASHIER, CASHIER_PIN)
    with pytest.raises(Refused, match="is a cashier: only a manager may approve"):
        terminal.refund(sale["seq"], {1: 1}, "spoiled", cashier, other)
    with pytest.raises(Refused, match="Say why"):
        terminal.refund(sale["seq"], {1: 1}, "  ", cashier, terminal.authenticate(MANAGER, MANAGER_PIN))  # fmt: skip
    assert fingerprint(home / DB_NAME) == before


def test_piece_refunds_in_several_goes_give_back_exactly_what_was_paid(terminal, cashier, manager):
    def discount(cart):  # ￥5.00 off three bottles of oil: ￥264.00 - ￥5.00 = ￥259.00
        terminal.discount_line(cart, 0, 500, cashier)

    sale = sell(terminal, cashier, [(OIL, 3)], [("cash", 25900)], discount)
    assert sale["body"]["lines"][0]["amount_fen"] == 25900
    stock_before = on_hand(terminal, OIL)
    first = terminal.refund(sale["seq"], {1: 1}, "spoiled", cashier, manager)
    second = terminal.refund(sale["seq"], {1: 2}, "spoiled", cashier, manager)
    amounts = [first["body"]["total_fen"], second["body"]["total_fen"]]
    assert amounts == [25900 // 3, 25900 - 25900 // 3]  # 86.33 then 172.67: all of 259.00
    assert on_hand(terminal, OIL) == stock_before + 3
    with pytest.raises(Refused, match="already refunded"):
        terminal.refund(sale["seq"], {1: 1}, "again", cashier, manager)
    with pytest.raises(Refused, match="already refunded in full"):
        terminal.refund(sale["seq"], None, "again", cashier, manager)
    assert second["body"]["grand_total_fen"] == 0
    assert terminal.verify_journal().ok


def test_a_weighed_line_goes_back_whole_and_a_line_cannot_give_back_more(terminal, cashier, manager):  # fmt: skip
    oranges = scale_label("21", ORANGES_PLU, 1234)
    sale = sell(terminal, cashier, [(oranges, 1), (RICE, 2)], [("cash", 30000)])
    refund = terminal.refund(sale["seq"], {1: 1}, "bruised", cashier, manager)
    (line,) = refund["body"]["lines"]
    assert line["weight_g"] == 1234 and line["amount_fen"] == sale["body"]["lines"][0]["amount_fen"]  # fmt: skip
    with pytest.raises(Refused, match="has 2 left to refund, not 3"):
        terminal.refund(sale["seq"], {2: 3}, "x", cashier, manager)
    with pytest.raises(Refused, match="no line 9"):
        terminal.refund(sale["seq"], {9: 1}, "x", cashier, manager)


def test_money_goes_back_by_the_tender_it_came_in_and_never_more(terminal, cashier, manager):
    sale = sell(terminal, cashier, [(RICE, 2)], [("wechat", 13960)])
    refund = terminal.refund(sale["seq"], {1: 1}, "changed mind", cashier, manager)
    assert refund["body"]["payments"] == [{"method": "wechat", "amount_fen": 6980}]
    with pytest.raises(Refused, match="was not paid by card"):
        terminal.refund(sale["seq"], {1: 1}, "x", cashier, manager, method="card")
    # The float was ￥0 and the only sale was WeChat: the drawer holds no cash to give back.
    with pytest.raises(Refused, match="cannot be refunded in cash"):
        terminal.refund(sale["seq"], {1: 1}, "x", cashier, manager, method="cash")


def test_a_post_void_reverses_a_sale_of_this_shift_tender_by_tender(terminal, cashier, manager):
    sale = sell(terminal, cashier, [(OIL, 1), (RICE, 1)], [("card", 8000), ("cash", 10000)])
    # Paid 180.00 for 157.80: card 80.00, cash 100.00 less 22.20 change = 77.80 kept.
    void = terminal.post_void(sale["seq"], "rung up twice", cashier, manager)
    assert void["type"] == "refund" and void["body"]["kind"] == "post_void"
    assert void["body"]["payments"] == [
        {"method": "card", "amount_fen": 8000},
        {"method": "cash", "amount_fen": 7780},
    ]
    report = terminal.x_report()
    assert report["tenders"] == {"card": 0, "cash": 0}
    assert (report["post_voids_count"], report["post_voids_fen"], report["net_fen"]) == (1, 15780, 0)  # fmt: skip
    with pytest.raises(Refused, match="already refunded"):
        terminal.post_void(sale["seq"], "again", cashier, manager)


def test_only_a_sale_of_the_open_shift_can_be_voided_and_nothing_moves_without_a_shift(
    terminal, cashier, manager
):
    sale = sell(terminal, cashier, [(OIL, 1)], [("cash", 8800)])
    terminal.close_shift(manager, {5000: 1, 2000: 1, 500: 3, 100: 3})  # 88.00 counted
    with pytest.raises(Refused, match="No shift is open"):
        terminal.refund(sale["seq"], None, "x", cashier, manager)
    with pytest.raises(Refused, match="No shift is open"):
        sell(terminal, cashier, [(OIL, 1)], [("cash", 8800)])
    terminal.open_shift(manager, 10000)
    with pytest.raises(Refused, match="made before this shift: refund it instead"):
        terminal.post_void(sale["seq"], "x", cashier, manager)
    refund = terminal.refund(sale["seq"], None, "spoiled", cashier, manager)
    assert refund["body"]["payments"] == [{"method": "cash", "amount_fen": 8800}]
    assert terminal.x_report()["expected_cash_fen"] == 10000 - 8800


def test_discounts_over_the_limit_and_price_changes_need_a_manager(terminal, cashier, manager):
    cart = Cart()
    terminal.add_to_cart(cart, OIL, 2)  # ￥176.00; the default limit is 10 %: ￥17.60
    terminal.discount_line(cart, 0, 1760, cashier)
    assert cart.lines[0].discount_by == CASHIER
    with pytest.raises(NeedsManager, match="more than 10%"):
        terminal.discount_line(cart, 0, 1761, cashier)
    terminal.discount_line(cart, 0, 5000, cashier, manager)
    assert (cart.lines[0].amount_fen, cart.lines[0].discount_by) == (12600, MANAGER)
    with pytest.raises(Refused, match="would leave nothing to pay"):
        terminal.discount_line(cart, 0, 17600, cashier, manager)
    with pytest.raises(NeedsManager, match="price change needs a manager"):
        terminal.override_price(cart, 0, 7000, "damaged", cashier)
    terminal.override_price(cart, 0, 7000, "damaged", cashier, manager)
    line = cart.lines[0]
    assert (line.amount_fen, line.discount_fen) == (14000, 0)  # a new price drops the discount
    journaled = line.as_journal()
    assert journaled["unit_price_fen"] == 7000 and journaled["list_price_fen"] == 8800
    assert journaled["override_by"] == MANAGER and journaled["override_reason"] == "damaged"
    # A manager selling is their own approver.
    cart2 = Cart()
    terminal.add_to_cart(cart2, RICE)
    terminal.discount_line(cart2, 0, 3000, manager)
    assert cart2.lines[0].discount_by == MANAGER


def test_a_day_with_refunds_voids_and_discounts_closes_to_the_fen(new_terminal):
    terminal = new_terminal
    cashier = terminal.authenticate(CASHIER, CASHIER_PIN)
    manager = terminal.authenticate(MANAGER, MANAGER_PIN)
    terminal.open_shift(manager, 30000, {10000: 2, 5000: 2})
    s1 = sell(terminal, cashier, [(OIL, 2)], [("cash", 20000)])  # 176.00, change 24.00
    s2 = sell(terminal, cashier, [(RICE, 1), (GIFT_BOX, 1)], [("wechat", 13860)])  # 138.60
    s3 = sell(  # 69.80 less a manager's 20.00 discount = 49.80, split alipay/cash
        terminal,
        cashier,
        [(RICE, 1)],
        [("alipay", 2000), ("cash", 5000)],
        lambda cart: terminal.discount_line(cart, 0, 2000, cashier, manager),
    )
    s4 = sell(terminal, cashier, [(GIFT_BOX, 2)], [("card", 13760)])  # 137.60
    terminal.refund(s1["seq"], {1: 1}, "leaking bottle", cashier, manager)  # 88.00 cash back
    terminal.refund(s2["seq"], {2: 1}, "changed mind", cashier, manager)  # 68.80 wechat back
    terminal.post_void(s4["seq"], "charged the wrong customer", cashier, manager)  # card 137.60
    terminal.move_cash("cash_in", 10000, "change from the bank", manager)
    terminal.move_cash("cash_out", 20000, "banked at noon", manager)

    # Expected figures, computed here from prices and tenders alone.
    sales = 17600 + 13860 + 4980 + 13760
    refunds, voids = 8800 + 6880, 13760
    cash = 30000 + (20000 - 2400) + (5000 - 2020) - 8800 + 10000 - 20000  # s3 change: 20.20
    wechat, alipay, card = 13860 - 6880, 2000, 13760 - 13760
    x = terminal.x_report()
    assert (x["sales_count"], x["sales_fen"]) == (4, sales)
    assert (x["refunds_count"], x["refunds_fen"]) == (2, refunds)
    assert (x["post_voids_count"], x["post_voids_fen"]) == (1, voids)
    assert x["net_fen"] == sales - refunds - voids
    assert x["discount_fen"] == 2000
    assert x["tenders"] == {"alipay": alipay, "card": card, "cash": cash - 30000 - 10000 + 20000, "wechat": wechat}  # fmt: skip
    assert x["expected_cash_fen"] == cash == 31780
    assert sum(x["suppliers"].values()) == sales - refunds - voids

    counted = {10000: 3, 1000: 1, 500: 1, 100: 2, 50: 1, 10: 2}  # 317.70: 0.10 short
    z = terminal.close_shift(manager, counted, {"wechat": wechat, "alipay": alipay})
    body = z["body"]
    assert body["tenders"]["cash"] == {
        "expected_fen": cash,
        "counted_fen": 31770,
        "variance_fen": 31770 - cash,
    }
    assert body["tenders"]["wechat"]["variance_fen"] == 0
    assert (body["refunds_count"], body["refunds_fen"]) == (2, refunds)
    assert (body["post_voids_count"], body["post_voids_fen"]) == (1, voids)
    assert body["discount_fen"] == 2000
    assert body["grand_total_fen"] == sales - refunds - voids
    assert terminal.verify_journal().ok
    assert s3["body"]["lines"][0]["discount_by"] == MANAGER


def test_the_refund_slip_and_a_discounted_receipt_print_and_read_back(terminal, cashier, manager, printer):  # fmt: skip
    import dataclasses

    from hardware.escpos import decode_for_humans
    from pos.print_queue import PrintService

    terminal.settings = dataclasses.replace(
        terminal.settings, printer_url=printer.url, printer_retry_s=1, printer_status_poll_s=0
    )
    terminal.move_cash("cash_in", 20000, "float", manager)

    def discount_and_reprice(cart):
        terminal.discount_line(cart, 0, 3000, cashier, manager)  # ￥30.00 off two bottles
        terminal.override_price(cart, 1, 5980, "包装破损", cashier, manager)

    cart = Cart()
    terminal.add_to_cart(cart, OIL, 2)
    terminal.add_to_cart(cart, RICE)
    discount_and_reprice(cart)
    sale = terminal.checkout(cart, [Payment("cash", 30000)], cashier, print_receipt=True)
    refund = terminal.refund(sale["seq"], {1: 1}, "瓶盖破损", cashier, manager, print_receipt=True)  # fmt: skip
    svc = PrintService(terminal.home, terminal.terminal_id, terminal.booth_name, terminal.settings)
    svc.start()
    try:
        jobs = printer.wait_for_jobs(2, timeout=10)
    finally:
        svc.stop()
    receipt, slip = (decode_for_humans(job) for job in jobs)

    # The receipt shows how each amount came about: 2 × ￥88.00, less ￥30.00; ￥59.80, not ￥69.80.
    assert "2 x ￥88.00" in receipt and "￥176.00" in receipt
    assert "折扣" in receipt and "-￥30.00" in receipt
    assert "原价 ￥69.80" in receipt and "1 x ￥59.80" in receipt
    assert "￥205.80" in receipt  # 176.00 - 30.00 + 59.80

    # The slip: what came back (one bottle's share of ￥146.00), by cash, approved and why.
    assert sale["body"]["lines"][0]["amount_fen"] == 14600
    assert refund["body"]["total_fen"] == 7300
    assert "退货单" in slip and f"原小票号: T1-{sale['seq']:06d}" in slip
    assert f"单号: T1-{refund['seq']:06d}" in slip
    assert "批准店长: 王强" in slip and "瓶盖破损" in slip
    assert refund["body"]["lines"][0]["discount_fen"] == 1500  # its share of the ￥30.00
    assert "1 x ￥88.00" in slip and "-￥15.00" in slip
    assert "退款合计" in slip and slip.count("￥73.00") >= 2  # the total and the cash line
    assert slip.startswith("<INIT><DRAWER 0>")  # cash goes back: the drawer opens
    assert "<CUT>" in slip
