"""A booth manager refunds a WeChat Pay sale while HQ cannot be reached, then sees what HQ
made of it after reconnecting; and closes the shift with WeChat Pay and Alipay verified by
HQ when online, typed by hand (unverified) when not. Against the real HQ
(tests/support/live.py) and the gateway simulator."""

from __future__ import annotations

import json
import shutil

import pytest
from PySide6.QtWidgets import QApplication

from pos.terminal import Terminal
from sync.client import REFUNDS_CURSOR, SyncClient
from tests.server.payments_support import code, serve_payments, set_up_booth
from tests.support import MANAGER, MANAGER_PIN, OIL
from tests.support.pay_hq import enrol_with
from tests.support.ui import approve, close_window, configure, login, open_window, scan_keys


@pytest.fixture
def db_url(tmp_path, sqlite_template):
    """HQ on SQLite here: the refunds and totals on both engines are HQ's own tests' part."""
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
def offline(http_server):
    """Pull the network: HQ answers nothing but 503 until ``back()``."""

    class Link:
        app = None

        def cut(self):
            self.app, http_server[1].app = http_server[1].app, None

        def back(self):
            http_server[1].app = self.app

    return Link()


@pytest.fixture
def till(terminal, home, hq, qtbot):
    live, token = hq
    enrol_with(terminal, live.url, token)
    configure(home, "[payments]\npoll_ms = 50\n")
    terminal.close()
    window, context = open_window(qtbot, home, devices=False)
    yield window, context
    close_window(context, devices=False)


def _sell_by_wechat(window, qtbot) -> dict:
    login(window)
    scan_keys(window, OIL)  # ￥88.00
    window.open_payment()
    pay = window.payment
    pay.payment_code(code("wechat"))
    assert pay.charge is None and [p.method for p in pay.payments] == ["wechat"]
    with qtbot.waitSignal(window.session.sale_did_complete):
        pay.finish()
    window.preview.accept()
    return window.session.last_entry


def _refund_all(window, qtbot) -> dict:
    window.open_refund()
    dialog = window.refund_dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.find_last()
    QApplication.processEvents()
    dialog.spins[1].setValue(1)
    dialog.reason.setText("茶油漏了")
    with qtbot.waitSignal(dialog.refunded) as refunded:
        dialog.refund_button.click()
        approve(dialog.approval)
    return refunded.args[0]


def test_a_wechat_refund_made_offline_is_carried_out_after_reconnecting(till, qtbot, offline, simulator):  # fmt: skip
    window, context = till
    sale = _sell_by_wechat(window, qtbot)
    [paid] = sale["body"]["payments"]
    offline.cut()
    client = SyncClient(context.terminal)
    assert not client.round().online, "HQ cannot be reached"
    entry = _refund_all(window, qtbot)
    [back] = entry["body"]["payments"]
    assert (back["out_trade_no"], back["amount_fen"]) == (paid["out_trade_no"], 8800)
    assert "总部" in window.sale.notice.text(), "the cashier is told HQ returns it"
    manager = window.manager
    manager.enter(context.terminal.authenticate(MANAGER, MANAGER_PIN))
    manager.tabs.setCurrentWidget(manager.refunds)
    assert manager.refunds.states() == {back["out_refund_no"]: "pending"}
    assert manager.refunds.table.item(0, 3).text() == "待处理"
    # The network is back: the next round pushes the refund, HQ returns the money through
    # the gateway when the entry arrives, and the refunds feed brings the outcome.
    offline.back()
    qtbot.waitUntil(lambda: _round_says(client, back["out_refund_no"], "done"), timeout=20_000)
    manager.refresh()
    assert manager.refunds.states() == {back["out_refund_no"]: "done"}
    assert manager.refunds.table.item(0, 3).text() == "已完成"
    assert "1-3" in manager.refunds.table.item(0, 4).text()
    assert simulator.ledger()["money_fen"] == 0, "the customer has the money back"


def _states(client) -> dict[str, str]:
    return {r["out_refund_no"]: r["state"] for r in client.terminal.mobile_refunds()}


def _round_says(client, number: str, state: str) -> bool:
    """One sync round (push, feed), then whether the refund is in ``state``: polled by
    qtbot.waitUntil while HQ carries the refund out."""
    result = client.round()
    assert result.online, result.error
    return _states(client)[number] == state


def test_the_feed_cursor_survives_a_restart(till, qtbot, home):
    window, context = till
    _sell_by_wechat(window, qtbot)
    _refund_all(window, qtbot)
    client = SyncClient(context.terminal)
    qtbot.waitUntil(lambda: _round_says(client, _only_refund(client), "done"), timeout=20_000)
    cursor = context.terminal.store.conn.execute(
        "SELECT value FROM meta WHERE key = ?", (REFUNDS_CURSOR,)
    ).fetchone()[0]
    assert int(cursor) > 0
    again = Terminal.open(home)  # another process, as after a restart
    try:
        result = SyncClient(again).round()
        assert result.online and result.refunds == 0, "nothing read twice after a restart"
        with again.store.read() as conn:
            kept = conn.execute("SELECT value FROM meta WHERE key = ?", (REFUNDS_CURSOR,))
            assert kept.fetchone()[0] == cursor
    finally:
        again.close()


def _only_refund(client) -> str:
    [refund] = client.terminal.mobile_refunds()
    return refund["out_refund_no"]


def _close_wizard(window, context, qtbot):
    from pos.ui.shift_dialogs import CloseWizard

    manager = context.terminal.authenticate(MANAGER, MANAGER_PIN)
    mobile = context.mobile
    wizard = CloseWizard(context.terminal, manager, window, mobile.gateway, mobile.runner)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.grid.set_counts({})
    wizard.next()  # the count (nothing in cash): then HQ is asked for WeChat Pay and Alipay
    qtbot.waitUntil(lambda: not wizard.asking_hq, timeout=10_000)
    return wizard


def _z(context) -> dict:
    lines = [json.loads(line) for line in context.terminal.export_journal()]
    return next(e for e in reversed(lines) if e["type"] == "z_close")


def test_the_close_online_takes_wechat_from_hq_verified_and_read_only(till, qtbot):
    window, context = till
    _sell_by_wechat(window, qtbot)
    wizard = _close_wizard(window, context, qtbot)
    field = wizard.settle_fields["wechat"]
    assert field.isReadOnly() and field.text() == "88.00"
    assert wizard.verified == {"wechat"}
    assert "总部" in wizard.hq_note.text()
    wizard.next()  # to the review
    wizard.next()  # close and print
    tenders = _z(context)["body"]["tenders"]
    assert tenders["wechat"] == {
        "expected_fen": 8800, "counted_fen": 8800, "variance_fen": 0, "verified": True,
    }  # fmt: skip


def test_the_close_offline_asks_by_hand_and_marks_it_unverified(till, qtbot, offline):
    window, context = till
    _sell_by_wechat(window, qtbot)
    offline.cut()
    wizard = _close_wizard(window, context, qtbot)
    field = wizard.settle_fields["wechat"]
    assert not field.isReadOnly() and wizard.verified == set()
    assert "未核对" in wizard.hq_note.text()
    field.setText("87.00")
    wizard.next()
    wizard.reason.setText("微信账单少一元")
    wizard.next()
    tenders = _z(context)["body"]["tenders"]
    assert tenders["wechat"] == {
        "expected_fen": 8800, "counted_fen": 8700, "variance_fen": -100, "verified": False,
    }  # fmt: skip
