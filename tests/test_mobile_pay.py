"""Mobile payments collected through HQ, from the command line and the use cases, against
HQ's payments API on a real HTTP server (tests/support/pay_hq.py): the attempt is written
before HQ hears of it, a sale's mobile tender matches a paid attempt, failures and an
unreachable HQ record nothing, and open attempts are settled after a crash."""

from __future__ import annotations

import json
import sqlite3

import pytest

from pos.cart import Cart, Payment
from pos.errors import Refused
from pos.terminal import Terminal
from pos.usecases import mobile_pay
from sync.client import SyncClient
from tests.support import CASHIER, CASHIER_PIN, MANAGER, MANAGER_PIN, OIL, pin_file
from tests.support.pay_hq import enrol_with, start_pay_hq

WECHAT = "134567890123456789"
ALIPAY = "284567890123456789"


@pytest.fixture
def hq():
    hq, server = start_pay_hq()
    yield hq
    server.shutdown()
    server.server_close()


def configure(home, **payments) -> None:
    lines = ["", "[payments]", "poll_ms = 50"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in payments.items()]
    with (home / "booth.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n".join(lines) + "\n")


@pytest.fixture
def till(terminal, home, hq):
    """The test's terminal enrolled at the payments HQ, polling every 50 ms."""
    enrol_with(terminal, hq.url)
    configure(home)
    return terminal


def sell(cli, *pay: str, code: str = WECHAT):
    args = ["sale", "--cashier", CASHIER, *pin_file(CASHIER_PIN), "--item", OIL, "--json"]
    for p in pay:
        args += ["--pay", p]
    if code:
        args += ["--code", code]
    return cli(*args)


def journal_sales(home) -> list[dict]:
    conn = sqlite3.connect(home / "booth.db")
    try:
        rows = conn.execute("SELECT line FROM journal WHERE type = 'sale' ORDER BY seq").fetchall()
    finally:
        conn.close()
    return [json.loads(r[0]) for r in rows]


def attempts(home) -> list[dict]:
    term = Terminal.open(home)
    try:
        return [vars(a) for a in term.payment_attempts()]
    finally:
        term.close()


def test_a_paid_code_makes_a_sale_whose_tender_names_the_attempt(till, home, hq, cli):
    written_first = []

    def check_the_till_wrote_it(body):  # HQ hears of the payment: the till kept it already
        conn = sqlite3.connect(home / "booth.db")
        row = conn.execute(
            "SELECT state FROM payment_attempts WHERE out_trade_no = ?", (body["out_trade_no"],)
        ).fetchone()
        conn.close()
        written_first.append(row)

    hq.on_create = check_the_till_wrote_it
    result = sell(cli)
    assert result.code == 0, result
    assert written_first == [("created",)]
    pay = json.loads(result.out)["body"]["payments"]
    [number] = hq.orders
    order = hq.orders[number]
    assert pay == [
        {
            "method": "wechat",
            "amount_fen": 8800,
            "reference": "**************6789",
            "out_trade_no": number,
            "transaction_id": order.transaction_id,
        }
    ]
    assert order.code == WECHAT and order.amount_fen == 8800
    assert len(number) <= 32 and number.split("-")[0] == mobile_pay.new_out_trade_no(till)[:10]
    [attempt] = attempts(home)
    assert (attempt["state"], attempt["settled"]) == ("paid", "sale")
    assert attempt["extra"]["sale_seq"] == json.loads(result.out)["seq"]


def test_a_password_wait_is_polled_until_paid_and_a_split_collects_what_is_left(till, home, hq, cli):  # fmt: skip
    result = sell(cli, "cash:8798")  # ￥0.02 left for the phone: waits 2 queries, then paid
    assert result.code == 0, result
    [order] = hq.orders.values()
    assert order.queries == 2 and order.state == "paid"
    pays = json.loads(result.out)["body"]["payments"]
    assert [(p["method"], p["amount_fen"]) for p in pays] == [("cash", 8798), ("wechat", 2)]


@pytest.mark.parametrize(
    ("cash", "sentence"),
    [("cash:8796", "balance is not enough"), ("cash:8795", "already used")],
)
def test_a_failed_payment_says_why_and_records_nothing(till, home, hq, cli, cash, sentence):
    before = journal_sales(home)
    result = sell(cli, cash)
    assert result.code == 1 and sentence in result.err, result
    assert journal_sales(home) == before
    [attempt] = attempts(home)
    assert (attempt["state"], attempt["settled"]) == ("failed", "failed")


def test_a_customer_who_never_confirms_is_cancelled_at_the_limit(till, home, hq, cli, monkeypatch):
    monkeypatch.setitem(mobile_pay.WAIT_LIMIT_S, "alipay", 0.3)
    result = sell(cli, "cash:8797", code=ALIPAY)  # ￥0.03: waits until cancelled
    assert result.code == 1 and "did not confirm in time" in result.err, result
    assert journal_sales(home) == []
    assert hq.waiting() == [] and hq.money_kept() == {}
    [attempt] = attempts(home)
    assert attempt["settled"] == "cancelled"


def test_hq_unreachable_refuses_mobile_payments_and_records_nothing(terminal, home, cli):
    enrol_with(terminal, "http://127.0.0.1:9")  # nothing listens on the discard port
    configure(home)
    result = sell(cli)
    assert result.code == 1 and "HQ cannot be reached" in result.err, result
    assert journal_sales(home) == []
    # the attempt may have reached HQ: it stays open, and mobile payments stop until settled
    [attempt] = attempts(home)
    assert attempt["settled"] is None
    again = sell(cli)
    assert again.code == 1 and "HQ cannot be reached" in again.err


def test_reference_only_records_the_code_when_hq_is_unreachable(terminal, home, cli):
    configure(home, reference_only=True)  # not enrolled: no HQ at all
    result = sell(cli)
    assert result.code == 0, result
    [pay] = json.loads(result.out)["body"]["payments"]
    assert pay == {"method": "wechat", "amount_fen": 8800, "reference": WECHAT}


def test_a_mobile_reference_alone_is_refused_unless_reference_only(terminal, home, cli):
    result = sell(cli, f"wechat:8800:{WECHAT}", code="")
    assert result.code == 1 and "--code" in result.err
    assert journal_sales(home) == []


def test_a_sale_cannot_claim_a_payment_that_was_not_paid(till):
    cashier = till.authenticate(CASHIER, CASHIER_PIN)
    cart = Cart()
    till.add_to_cart(cart, OIL)
    forged = Payment("wechat", 8800, "", out_trade_no="0123456789-x", transaction_id="42")
    with pytest.raises(Refused, match="not a paid mobile payment"):
        till.checkout(cart, [forged], cashier)
    assert till.head_seq() == 1  # the shift_open only


def test_a_paid_attempt_without_its_sale_comes_back_as_a_held_sale(till, home, hq):
    """The till stopped between HQ's "paid" and the sale: at start-up the cart comes back
    with the payment on it, and finishing it settles the attempt."""
    cashier = till.authenticate(CASHIER, CASHIER_PIN)
    cart = Cart()
    till.add_to_cart(cart, OIL)
    gateway = SyncClient(till)
    paid = till.begin_mobile_payment(cart, WECHAT, 8800, cashier)
    gateway.create_payment(paid.out_trade_no, "wechat", WECHAT, 8800, "test")  # then a crash
    done = till.settle_payments(gateway)
    assert (len(done.restored), done.cancelled, done.still_open) == (1, 0, 0)
    [held] = till.held_sales()
    resumed = till.resume_sale(held["id"])
    assert [(p.out_trade_no, p.amount_fen) for p in resumed.collected] == [(paid.out_trade_no, 8800)]  # fmt: skip
    entry = till.checkout(resumed, list(resumed.collected), cashier)
    assert entry["body"]["payments"][0]["out_trade_no"] == paid.out_trade_no
    assert till.unsettled_payments() == []
    assert hq.money_kept() == {paid.out_trade_no: 8800}


def test_a_payment_left_waiting_by_a_crash_is_cancelled_at_start_up(till, home, hq):
    cashier = till.authenticate(CASHIER, CASHIER_PIN)
    cart = Cart()
    till.add_to_cart(cart, OIL)
    gateway = SyncClient(till)
    waiting = till.begin_mobile_payment(cart, ALIPAY, 8703, cashier)
    gateway.create_payment(waiting.out_trade_no, "alipay", ALIPAY, 8703, "test")  # then a crash
    done = till.settle_payments(gateway)
    assert (done.restored, done.cancelled) == ([], 1)
    assert hq.orders[waiting.out_trade_no].state == "cancelled" and hq.waiting() == []
    assert till.unsettled_payments() == [] and till.held_sales() == []


def test_an_attempt_hq_never_received_ends_as_not_sent(till, hq):
    cashier = till.authenticate(CASHIER, CASHIER_PIN)
    cart = Cart()
    till.add_to_cart(cart, OIL)
    till.begin_mobile_payment(cart, WECHAT, 8800, cashier)  # killed before the POST
    done = till.settle_payments(SyncClient(till))
    assert done.not_sent == 1 and till.unsettled_payments() == []


def test_open_attempts_stop_new_mobile_payments_until_hq_answers(till, hq):
    cashier = till.authenticate(CASHIER, CASHIER_PIN)
    cart = Cart()
    till.add_to_cart(cart, OIL)
    till.begin_mobile_payment(cart, WECHAT, 8800, cashier)
    hq.down = True
    with pytest.raises(mobile_pay.HqUnreachable):
        till.settle_payments(SyncClient(till))
    with pytest.raises(Refused, match="still being settled"):
        till.begin_mobile_payment(Cart(cart.lines), ALIPAY, 8800, cashier)
    hq.down = False
    till.settle_payments(SyncClient(till))
    assert till.begin_mobile_payment(Cart(cart.lines), ALIPAY, 8800, cashier).state == "created"


def test_held_sales_with_a_collected_payment_are_not_discarded(till, hq):
    cashier = till.authenticate(CASHIER, CASHIER_PIN)
    cart = Cart()
    till.add_to_cart(cart, OIL)
    gateway = SyncClient(till)
    paid = till.begin_mobile_payment(cart, WECHAT, 8800, cashier)
    gateway.create_payment(paid.out_trade_no, "wechat", WECHAT, 8800, "test")
    till.settle_payments(gateway)
    manager = till.authenticate(MANAGER, MANAGER_PIN)
    with pytest.raises(Refused, match="mobile payment already collected"):
        till.discard_held_sales(manager)
    assert len(till.held_sales()) == 1
