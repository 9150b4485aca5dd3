"""The till's side of money reconciled: vouchers on the receipt and in the sale entry, mobile
refunds written offline to be returned through HQ (and their slip), HQ's refund outcomes
kept, and the close's WeChat Pay / Alipay figures verified by HQ or typed by hand."""

from __future__ import annotations

import json

import pytest

from pos import refunds
from pos.cart import Cart, Payment
from pos.paper import receipt, zreport
from pos.store import sync_state
from pos.usecases.mobile_pay import HqUnreachable
from sync.protocol import entries
from sync.protocol import payments as contract
from tests.server.payments_support import code
from tests.support import CASHIER, CASHIER_PIN, MANAGER, MANAGER_PIN, OIL, RICE
from tests.test_zprint import plain_lines, print_queue, use_printer

VOUCHER = {"id": "C20261128001", "name": "消费券 满40减10", "amount_fen": 1000, "funder": "campaign"}  # fmt: skip


@pytest.fixture
def cashier(terminal):
    return terminal.authenticate(CASHIER, CASHIER_PIN)


@pytest.fixture
def manager(terminal):
    return terminal.authenticate(MANAGER, MANAGER_PIN)


def collected(terminal, cart, cashier, method, amount_fen, vouchers=(), answer=None) -> Payment:
    """A payment HQ answered paid for (no HQ needed: its answer is recorded as it came)."""
    attempt = terminal.begin_mobile_payment(cart, code(method), amount_fen, cashier)
    subsidy = sum(v["amount_fen"] for v in vouchers)
    said = answer or {
        "out_trade_no": attempt.out_trade_no,
        "state": "paid",
        "transaction_id": "4200000000000001",
        "amount_fen": amount_fen,
        "message": "Paid.",
        "customer_paid_fen": amount_fen - subsidy,
        "subsidy_fen": subsidy,
        "vouchers": list(vouchers),
    }
    return terminal.record_payment_answer(attempt.out_trade_no, said).as_payment()


def mobile_sale(terminal, cashier, codes, tenders, print_receipt=False) -> dict:
    """``tenders``: (method, fen, vouchers) collected through HQ, or (method, fen) in cash."""
    cart = Cart()
    for barcode in codes:
        terminal.add_to_cart(cart, barcode, 1)
    payments = []
    for method, fen, *vouchers in tenders:
        if method in contract.METHODS:
            payments.append(collected(terminal, cart, cashier, method, fen, *vouchers))
        else:
            payments.append(Payment(method, fen))
    return terminal.checkout(cart, payments, cashier, print_receipt=print_receipt)


def journal(terminal) -> list[dict]:
    return [json.loads(line) for line in terminal.export_journal()]


# --- vouchers ---------------------------------------------------------------------------------


def test_a_voucher_paid_sale_carries_the_subsidy_and_its_receipt_says_what_the_customer_paid(terminal, cashier, printer):  # fmt: skip
    settings = use_printer(terminal, printer.url)
    sale = mobile_sale(terminal, cashier, [OIL], [("wechat", 8800, [VOUCHER])], print_receipt=True)
    [pay] = sale["body"]["payments"]
    assert pay["subsidy_fen"] == 1000 and pay["vouchers"] == [VOUCHER]
    assert pay["amount_fen"] == 8800, "the booth still receives the full price"
    assert entries.problem(sale) is None
    [job] = print_queue(terminal, settings, printer, 1)
    lines = [line.strip() for line in plain_lines(job)]
    tender = lines.index(next(line for line in lines if line.startswith("微信支付")))
    assert lines[tender].endswith("￥88.00")
    voucher_line = lines[tender + 1]
    assert voucher_line.startswith("消费券抵扣") and voucher_line.endswith("￥10.00")
    assert lines[tender + 2] == "消费券 满40减10"
    assert lines[tender + 3].startswith("顾客实付") and lines[tender + 3].endswith("￥78.00")
    english = receipt.layout(sale, "booth", language="en").lines
    assert any(
        line.strip().startswith("Voucher discount") and line.endswith("￥10.00") for line in english
    )
    assert any(
        line.strip().startswith("Customer paid") and line.endswith("￥78.00") for line in english
    )


def test_vouchers_that_do_not_add_up_are_left_out_so_the_sale_is_never_refused(terminal, cashier):
    cart = Cart()
    terminal.add_to_cart(cart, OIL, 1)
    attempt = terminal.begin_mobile_payment(cart, code("alipay"), 8800, cashier)
    answer = {"state": "paid", "transaction_id": "2026112822001", "amount_fen": 8800,
              "message": "Paid.", "subsidy_fen": 500, "vouchers": [VOUCHER]}  # fmt: skip
    tender = terminal.record_payment_answer(attempt.out_trade_no, answer).as_payment()
    sale = terminal.checkout(cart, [tender], cashier)
    [pay] = sale["body"]["payments"]
    assert "subsidy_fen" not in pay and "vouchers" not in pay
    assert pay["out_trade_no"] == attempt.out_trade_no and sale["body"]["total_fen"] == 8800


def test_a_held_cart_keeps_the_vouchers_of_its_collected_payment(terminal, cashier):
    cart = Cart()
    terminal.add_to_cart(cart, OIL, 1)
    terminal.add_to_cart(cart, RICE, 1)
    tender = collected(terminal, cart, cashier, "wechat", 8800, [VOUCHER])
    cart.collected = [tender]
    again = Cart.from_held(json.loads(json.dumps(cart.as_held())))
    assert again.collected == [tender]
    assert again.collected[0].as_journal()["vouchers"] == [VOUCHER]


# --- mobile refunds, offline ------------------------------------------------------------------


def test_a_refund_of_a_wechat_sale_is_written_offline_to_be_returned_through_hq(terminal, cashier, manager, printer):  # fmt: skip
    settings = use_printer(terminal, printer.url)
    sale = mobile_sale(terminal, cashier, [OIL, RICE], [("wechat", 15780)])
    [paid] = sale["body"]["payments"]
    # Not enrolled: no HQ at all. The refund is made as always, manager-approved, slip printed.
    entry = terminal.refund(sale["seq"], {2: 1}, "spoiled", cashier, manager, print_receipt=True)
    [pay] = entry["body"]["payments"]
    assert (pay["method"], pay["amount_fen"], pay["out_trade_no"]) == ("wechat", 6980, paid["out_trade_no"])  # fmt: skip
    assert contract.out_refund_no_problem(pay["out_refund_no"]) is None
    assert contract.belongs_to(terminal.terminal_id, pay["out_refund_no"])
    assert entries.problem(entry) is None
    [owed] = terminal.mobile_refunds()
    assert (owed["out_refund_no"], owed["state"], owed["amount_fen"], owed["seq"]) == (
        pay["out_refund_no"], "pending", 6980, entry["seq"]
    )  # fmt: skip
    [slip] = print_queue(terminal, settings, printer, 1)
    text = "".join(line.strip() for line in plain_lines(slip))
    assert "退款将原路退回微信支付，预计1-3个工作日到账" in text
    assert pay["out_refund_no"] in text
    assert "<DRAWER" not in slip, "nothing is handed over from the drawer"
    # The rest of the sale: a second refund owes back only what is left of the payment.
    second = terminal.refund(sale["seq"], None, "changed mind", cashier, manager)
    [rest] = second["body"]["payments"]
    assert rest["amount_fen"] == 8800 and rest["out_trade_no"] == paid["out_trade_no"]
    assert rest["out_refund_no"] != pay["out_refund_no"]
    assert [r["state"] for r in terminal.mobile_refunds()] == ["pending", "pending"]


def test_a_post_void_returns_each_tender_its_own_way(terminal, cashier, manager):
    sale = mobile_sale(terminal, cashier, [OIL, RICE], [("alipay", 5000), ("cash", 11000)])
    entry = terminal.post_void(sale["seq"], "rung up twice", cashier, manager)
    by_method = {p["method"]: p for p in entry["body"]["payments"]}
    assert by_method["cash"] == {"method": "cash", "amount_fen": 15780 - 5000}
    assert by_method["alipay"]["amount_fen"] == 5000 and by_method["alipay"]["out_refund_no"]
    assert entries.problem(entry) is None
    assert [r["method"] for r in terminal.mobile_refunds()] == ["alipay"]


def test_a_cash_refund_of_a_mobile_sale_owes_nothing_through_hq(terminal, cashier, manager):
    sale = mobile_sale(terminal, cashier, [OIL], [("wechat", 8800)])
    terminal.move_cash("cash_in", 10000, "change", manager)
    entry = terminal.refund(sale["seq"], None, "spoiled", cashier, manager, method="cash")
    assert entry["body"]["payments"] == [{"method": "cash", "amount_fen": 8800}]
    assert terminal.mobile_refunds() == []


def test_gateway_shares_spread_a_refund_over_the_payments_that_took_the_money():
    sale = {"payments": [
        {"method": "wechat", "amount_fen": 3000, "out_trade_no": "a"},
        {"method": "alipay", "amount_fen": 2000, "out_trade_no": "b"},
        {"method": "wechat", "amount_fen": 5000, "out_trade_no": "c"},
        {"method": "wechat", "amount_fen": 700, "reference": "by hand"},
    ]}  # fmt: skip
    assert refunds.gateway_shares(sale, "wechat", 6000, {}) == [("a", 3000), ("c", 3000)]
    assert refunds.gateway_shares(sale, "wechat", 6000, {"a": 2500}) == [("a", 500), ("c", 5000), ("", 500)]  # fmt: skip
    assert refunds.gateway_shares(sale, "alipay", 2000, {}) == [("b", 2000)]


def test_hq_outcomes_are_kept_with_the_feed_cursor_and_strangers_are_skipped(terminal, cashier, manager):  # fmt: skip
    sale = mobile_sale(terminal, cashier, [OIL], [("wechat", 8800)])
    entry = terminal.refund(sale["seq"], None, "spoiled", cashier, manager)
    number = entry["body"]["payments"][0]["out_refund_no"]
    refused = contract.REFUND_MESSAGES["refused"]
    outcomes = [
        {"out_refund_no": number, "state": "failed", "message": refused},
        {"out_refund_no": "0000000000-R1", "state": "done", "message": ""},  # not made here
        {"out_refund_no": number, "state": "exploded"},  # not a state: skipped
        "junk",
    ]
    assert terminal.record_refund_outcomes(outcomes, "refunds_cursor", "c42") == 1
    [owed] = terminal.mobile_refunds()
    assert (owed["state"], owed["message"]) == ("failed", refused)
    with terminal.store.read() as conn:
        assert sync_state.get(conn, "refunds_cursor") == "c42"


# --- the close: verified figures ---------------------------------------------------------------


class FakeHq:
    """HQ's totals at the boundary: what its gateways collected, and the window asked."""

    def __init__(self, totals=None, down=False):
        self.totals, self.down, self.asked = totals or {}, down, []

    def payment_totals(self, start, end):
        self.asked.append((start, end))
        if self.down:
            raise HqUnreachable("HQ did not answer ({kind}).", kind="ConnectionError")
        return self.totals


def test_verified_totals_are_hqs_less_the_shifts_gateway_refunds(terminal, cashier, manager):
    sale = mobile_sale(terminal, cashier, [OIL, RICE], [("wechat", 15780)])
    terminal.refund(sale["seq"], {2: 1}, "spoiled", cashier, manager)
    cart = Cart()
    terminal.add_to_cart(cart, OIL, 1)
    terminal.checkout(cart, [Payment("alipay", 8800, "ref 123")], cashier)  # outside HQ
    hq = FakeHq({"wechat": {"paid_fen": 15780, "count": 1}, "alipay": {"paid_fen": 0, "count": 0}})  # fmt: skip
    figures = terminal.verified_totals(hq)
    assert figures == {"wechat": 15780 - 6980}, "alipay was taken outside HQ: typed by hand"
    [(start, end)] = hq.asked
    assert start == terminal.x_report()["opened_at"] and start <= end
    with pytest.raises(HqUnreachable):
        terminal.verified_totals(FakeHq(down=True))


def test_the_z_says_which_mobile_figures_hq_verified_and_prints_it(terminal, cashier, manager, printer):  # fmt: skip
    settings = use_printer(terminal, printer.url)
    mobile_sale(terminal, cashier, [OIL], [("wechat", 8800)])
    mobile_sale(terminal, cashier, [RICE], [("alipay", 6980)])
    z = terminal.close_shift(
        manager, {}, {"wechat": 8800, "alipay": 6900}, "alipay typed from the app",
        print_report=True, verified={"wechat"},
    )  # fmt: skip
    tenders = z["body"]["tenders"]
    assert tenders["wechat"]["verified"] is True and tenders["alipay"]["verified"] is False
    assert "verified" not in tenders["cash"]
    assert entries.problem(z) is None
    [job] = print_queue(terminal, settings, printer, 1)
    lines = [" ".join(line.split()) for line in plain_lines(job)]
    assert "移动支付与总部核对" in lines
    assert "微信支付 已核对" in lines and "支付宝 未核对" in lines
    english = [" ".join(line.split()) for line in zreport.layout(z, "booth", language="en").lines]
    assert "WeChat Pay verified" in english and "Alipay unverified" in english


def test_hq_money_with_no_sale_in_the_shift_shows_as_a_variance(terminal, cashier, manager):
    mobile_sale(terminal, cashier, [OIL], [("cash", 8800)])
    tenders, over = terminal.preview_close({100: 88}, {"alipay": 50000}, {"alipay"})
    assert tenders["alipay"] == {"expected_fen": 0, "counted_fen": 50000, "variance_fen": 50000, "verified": True}  # fmt: skip
    assert over == ["alipay"]
