"""The cashier takes WeChat Pay and Alipay codes in the payment dialog, against the real HQ
(tests/support/live.py) and the gateway simulator: paid at once, a password wait, a cancel,
a failure, and an earlier run's paid payment brought back at start-up."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pos.cart import Cart
from pos.terminal import Terminal
from pos.ui.held import HeldSalesDialog
from sync.client import SyncClient
from tests.server.payments_support import code, serve_payments, set_up_booth
from tests.support import CASHIER, CASHIER_PIN, OIL, ROOT
from tests.support.pay_hq import enrol_with
from tests.support.ui import close_window, configure, login, open_window, scan_keys

SHOTS = ROOT / "build" / "screenshots"


@pytest.fixture
def db_url(tmp_path, sqlite_template):
    """HQ on SQLite here: the payments API on both engines is HQ's own tests' part."""
    path = tmp_path / "server.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def hq(http_server, engine, db_url, simulator):
    live = serve_payments(http_server, engine, db_url, simulator)
    token = set_up_booth(live)
    yield live, token
    http_server[1].app = None


@pytest.fixture
def enrolled(terminal, home, hq) -> Path:
    live, token = hq
    enrol_with(terminal, live.url, token)
    configure(home, "[payments]\npoll_ms = 50\n")
    terminal.close()
    return home


@pytest.fixture
def till(enrolled, qtbot):
    window, context = open_window(qtbot, enrolled, devices=False)
    yield window, context
    close_window(context, devices=False)


def _pay_for_oil(window):
    login(window)
    scan_keys(window, OIL)  # ￥88.00
    window.open_payment()
    return window.payment


def _sales(context) -> list[dict]:
    return [
        json.loads(line)
        for line in context.terminal.export_journal()
        if json.loads(line)["type"] == "sale"
    ]


@pytest.mark.parametrize("method", ["wechat", "alipay"])
def test_a_code_paid_at_once_becomes_a_tender_with_the_gateway_transaction(till, simulator, method):  # fmt: skip
    window, context = till
    pay = _pay_for_oil(window)
    pay.payment_code(code(method))
    assert pay.charge is None, "paid at once: nothing left waiting"
    [tender] = pay.payments
    assert (tender.method, tender.amount_fen) == (method, 8800)
    assert tender.out_trade_no and tender.transaction_id
    pay.finish()
    [sale] = _sales(context)
    [p] = sale["body"]["payments"]
    assert (p["out_trade_no"], p["transaction_id"]) == (tender.out_trade_no, tender.transaction_id)
    assert simulator.ledger()["money_fen"] == 8800


def test_a_password_wait_shows_the_countdown_then_the_payment(till, qtbot, simulator):
    window, context = till
    pay = _pay_for_oil(window)
    pay.amount.setText("1.01")  # simulator: the customer confirms after 2 queries
    pay.payment_code(code("wechat"))
    dialog = pay.mobile_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.ask.text() == "请顾客在手机上确认"
    assert dialog.countdown.text().endswith("秒")
    qtbot.waitUntil(lambda: pay.charge is None, timeout=10_000)
    assert [(p.method, p.amount_fen) for p in pay.payments] == [("wechat", 101)]
    assert not dialog.isVisible()
    pay.choose("cash")
    pay.finish()  # Enter on an empty amount: the rest in cash
    [sale] = _sales(context)
    assert [(p["method"], p["amount_fen"]) for p in sale["body"]["payments"]] == [
        ("wechat", 101),
        ("cash", 8699),
    ]


def test_cancel_revokes_at_hq_and_records_nothing(till, qtbot, simulator):
    window, context = till
    pay = _pay_for_oil(window)
    pay.amount.setText("1.02")  # simulator: the customer never confirms
    pay.payment_code(code("alipay"))
    dialog = pay.mobile_dialog
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: pay.charge is None, timeout=10_000)
    assert pay.payments == [] and "取消" in pay.error.text()
    assert simulator.ledger()["money_fen"] == 0 and simulator.ledger()["waiting"] == 0
    [attempt] = context.terminal.payment_attempts()
    assert attempt.settled == "cancelled"
    assert _sales(context) == []


def test_a_failed_payment_says_why_in_the_cashiers_language(till, simulator):
    window, context = till
    pay = _pay_for_oil(window)
    pay.amount.setText("1.03")  # simulator: insufficient balance
    pay.payment_code(code("wechat"))
    assert pay.payments == [] and "余额不足" in pay.error.text()
    assert _sales(context) == [] and simulator.ledger()["money_fen"] == 0


def test_a_booth_not_set_up_at_hq_is_told_so_in_the_cashiers_language(till, hq, simulator):
    from sync.server.payments import booths

    live, _ = hq
    with live.engine.begin() as conn:
        booths.set_booth(conn, "B1", "cli:test", "", "")  # HQ has no ids for this booth
    window, context = till
    pay = _pay_for_oil(window)
    pay.payment_code(code("alipay"))
    assert pay.charge is None and pay.payments == []
    assert "总部尚未为本专柜开通移动支付" in pay.error.text(), pay.error.text()
    assert _sales(context) == [] and simulator.ledger()["total_calls"] == 0
    assert context.terminal.unsettled_payments() == []  # nothing holds up the next payment


def test_a_paid_payment_of_an_earlier_run_comes_back_before_the_sale_screen_takes_input(
    enrolled, qtbot, simulator
):
    term = Terminal.open(enrolled)
    cart = Cart()
    term.add_to_cart(cart, OIL)
    cashier = term.authenticate(CASHIER, CASHIER_PIN)
    pay_code = code("wechat")
    attempt = term.begin_mobile_payment(cart, pay_code, 8800, cashier)
    SyncClient(term).create_payment(attempt.out_trade_no, "wechat", pay_code, 8800, "t")
    term.close()  # the till stops here: paid at the gateway, no sale written
    window, context = open_window(qtbot, enrolled, devices=False)
    try:
        [held] = context.terminal.held_sales()
        assert held["total_fen"] == 8800
        assert "挂单" in window.sale.notice.text()
        listed = HeldSalesDialog(context.terminal.held_sales(), "Asia/Shanghai")
        headers = [listed.table.horizontalHeaderItem(c).text() for c in range(5)]
        assert headers[4] == "已手机收款"
        assert listed.table.item(0, 4).text() == "微信支付 ￥88.00"
        listed.close()
        assert context.status.open_payments == 0
        login(window)
        assert window.session.resume(held["id"])
        window.open_payment()
        assert [p.out_trade_no for p in window.payment.payments] == [attempt.out_trade_no]
        window.payment.finish()
        [sale] = _sales(context)
        assert sale["body"]["payments"][0]["out_trade_no"] == attempt.out_trade_no
        assert context.terminal.unsettled_payments() == []
    finally:
        close_window(context, devices=False)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_screenshot_of_the_customer_confirming(till, qtbot, language):
    window, context = till
    if language == "en":
        context.languages.use("en")
        window.build()
    pay = _pay_for_oil(window)
    pay.amount.setText("1.02")
    pay.payment_code(code("wechat"))
    dialog = pay.mobile_dialog
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(SHOTS / f"mobile-pay-waiting-{language}.png"))
    expected = "请顾客在手机上确认" if language == "zh_CN" else "Ask the customer to confirm on their phone"  # fmt: skip
    assert dialog.ask.text() == expected
    assert dialog.cancel_button.height() >= 96, "Cancel is the one target a cashier must hit"
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: pay.charge is None, timeout=10_000)
