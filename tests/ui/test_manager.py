"""The manager's side of the window: approvals on the spot, refunds, the manager screen, the
blind close wizard (with the Z printed on the simulated network printer) and past Zs."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from pos.terminal import NeedsManager
from sync.protocol.journal import parse_utc
from tests.support import OIL, RICE
from tests.support.ui import (
    approve,
    button_with_text,
    click,
    close_window,
    login,
    ok_button,
    open_window,
    type_into,
)

WAIT_MS = 10_000


@pytest.fixture
def booth(terminal, home, qtbot, printer):
    """The window on a terminal whose shift opened with a ￥0 float, printing to the simulator."""
    terminal.close()
    window, context = open_window(
        qtbot, home, f'[printer]\nurl = "{printer.url}"\nretry_s = 1\nstatus_poll_s = 0\n'
    )
    yield window, context
    close_window(context)


def sell(window, context, qtbot, codes, method="cash", amount="", reference="") -> dict:
    for code in codes:
        window.session.scan(code)
    window.open_payment()
    pay = window.payment
    pay.choose(method)
    pay.amount.setText(amount)
    if reference:
        pay.reference.setText(reference)
    with qtbot.waitSignal(context.session.sale_did_complete) as done:
        pay.finish()
    window.preview.accept()
    return done.args[0]


def journal(context) -> list[dict]:
    import json

    return [json.loads(line) for line in context.terminal.export_journal()]


def open_manager_screen(window, qtbot):
    window.open_manager()
    approve(window.approval)
    assert window.stack.currentWidget() is window.manager
    return window.manager


def give_discount(qtbot, sale, percent: str) -> None:
    """Tap Discount for the selected line, type the percentage and tap OK."""
    click(qtbot, sale.discount_button)
    dialog = sale.line_dialog
    assert dialog.isVisible()
    type_into(qtbot, dialog.field, percent)
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        click(qtbot, ok_button(dialog))


def test_a_discount_over_the_limit_asks_a_manager_and_records_who(booth, qtbot):
    window, context = booth
    login(window)
    sale = window.sale
    window.session.scan(OIL)
    sale.table.selectRow(0)
    give_discount(qtbot, sale, "9")  # 9折, 10 % off: within the cashier's limit, no question asked
    assert sale.approval is None
    line = window.session.cart.live_lines[0]
    assert (line.discount_fen, line.discount_by) == (880, "李娜")
    assert sale.model.data(sale.model.index(0, 3)) == "￥79.20（−￥8.80）"

    give_discount(qtbot, sale, "75")  # 75折, 25 % off: over the 10 % limit, a manager approves
    assert sale.approval is not None and sale.approval.isVisible()
    assert line.discount_fen == 880, "nothing changes before the approval"
    approve(sale.approval, pin="0000")
    assert sale.approval.error.isVisible() and line.discount_fen == 880
    sale.approval.chosen = "李娜"  # a cashier can never approve, not even herself
    sale.approval.pin.setText("2468")
    sale.approval.submit()
    assert sale.approval.isVisible() and line.discount_fen == 880
    approve(sale.approval)
    assert (line.discount_fen, line.discount_by) == (2200, "王强")
    assert sale.total.text() == "￥66.00"

    entry = sell(window, context, qtbot, [])
    (sold,) = entry["body"]["lines"]
    assert sold["amount_fen"] == 6600 and sold["discount_fen"] == 2200
    assert sold["discount_by"] == "王强" and entry["body"]["total_fen"] == 6600


def test_a_price_change_always_needs_a_manager_and_a_reason(booth, qtbot):
    window, context = booth
    login(window)
    window.session.scan(RICE)
    sale = window.sale
    sale.table.selectRow(0)
    click(qtbot, sale.price_button)
    dialog = sale.line_dialog
    assert dialog.isVisible()
    type_into(qtbot, dialog.amount, "59.80")
    click(qtbot, dialog.ok)
    assert dialog.isVisible() and dialog.error.isVisible(), "no reason given: it stays open"
    click(qtbot, button_with_text(dialog, "包装破损"))  # a preset reason
    assert dialog.reason_field.text() == "包装破损"
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        click(qtbot, dialog.ok)
    approval = window.sale.approval
    assert approval.isVisible()
    approve(approval)
    line = window.session.cart.live_lines[0]
    assert (line.unit_price_fen, line.override_by, line.override_reason) == (5980, "王强", "包装破损")  # fmt: skip
    entry = sell(window, context, qtbot, [])
    (sold,) = entry["body"]["lines"]
    assert sold["unit_price_fen"] == 5980 and sold["list_price_fen"] == 6980
    assert sold["override_by"] == "王强" and sold["override_reason"] == "包装破损"
    with pytest.raises(NeedsManager):
        cashier = context.terminal.authenticate("李娜", "2468")
        context.terminal.override_price(window.session.cart, 0, 100, "x", cashier)


def test_refund_part_of_a_sale_with_a_manager_pin_gives_cash_back(booth, qtbot):
    window, context = booth
    login(window)
    sale_entry = sell(window, context, qtbot, [OIL, OIL, RICE], amount="300")
    window.open_refund()
    dialog = window.refund_dialog
    dialog.find_last()
    assert dialog.sale["seq"] == sale_entry["seq"]
    assert dialog.table.rowCount() == 3
    dialog.spins[1].setValue(1)  # one of the two bottles of oil
    dialog.refund()  # no reason yet: asked for before any manager is bothered
    assert dialog.error.isVisible() and dialog.approval is None
    dialog.reason.setText("质量问题")
    with qtbot.waitSignal(dialog.refunded) as done:
        dialog.refund()
        approve(dialog.approval)
    refund = done.args[0]
    assert refund["type"] == "refund"
    body = refund["body"]
    assert body["kind"] == "refund" and body["approved_by"] == "王强" and body["cashier"] == "李娜"
    assert body["total_fen"] == 8800 and body["payments"] == [{"method": "cash", "amount_fen": 8800}]  # fmt: skip
    assert [(line["line_no"], line["qty"]) for line in body["lines"]] == [(1, 1)]
    assert refund["body"]["grand_total_fen"] == sale_entry["body"]["grand_total_fen"] - 8800
    assert "￥88.00" in window.sale.notice.text()
    # The same bottle cannot come back twice; the other one still can.
    _, left = context.terminal.refundable(sale_entry["seq"])
    assert left == {2: (1, 8800), 3: (1, 6980)}  # line 1 (one bottle) is back


def test_a_mistaken_sale_is_voided_whole_tender_by_tender(booth, qtbot):
    window, context = booth
    login(window)
    entry = sell(window, context, qtbot, [RICE], method="wechat", reference="134567890123456789")
    window.open_refund()
    dialog = window.refund_dialog
    dialog.receipt.setText(context.terminal.receipt_no(entry["seq"]))
    dialog.find()
    dialog.reason.setText("重复收款")
    with qtbot.waitSignal(dialog.refunded) as done:
        dialog.void_sale()
        approve(dialog.approval)
    body = done.args[0]["body"]
    assert body["kind"] == "post_void"
    assert body["payments"] == [{"method": "wechat", "amount_fen": 6980}]
    report = context.terminal.x_report()
    assert report["post_voids_count"] == 1 and report["net_fen"] == 0
    assert report["tenders"]["wechat"] == 0


def test_the_blind_close_wizard_closes_the_shift_and_prints_the_z(booth, qtbot, printer):
    window, context = booth
    terminal = context.terminal
    login(window)
    cash_sale = sell(window, context, qtbot, [OIL, RICE], amount="200")  # ￥157.80, change ￥42.20
    wechat_sale = sell(window, context, qtbot, [RICE], method="wechat", reference="134567890123456789")  # fmt: skip
    expected_cash = cash_sale["body"]["total_fen"]  # the float was ￥0
    manager = open_manager_screen(window, qtbot)
    assert manager.figures.rowCount() > 0
    assert manager.by_tender.rows == [("现金", expected_cash), ("微信支付", 6980)]
    assert manager.top.rows[0] == ("秀山土家米5kg装", 13960)

    # An open cart stops the close.
    window.show_sale()
    window.session.scan(OIL)
    window.stack.setCurrentWidget(manager)
    manager.close_shift()
    assert manager.dialog is None or not manager.dialog.isVisible()
    assert "sale in progress" in manager.notice.text() or "销售" in manager.notice.text()
    window.session.cancel()

    manager.close_shift()
    wizard = manager.dialog
    assert wizard.isVisible() and wizard.pages.currentIndex() == wizard.COUNT
    shown = " ".join(label.text() for label in wizard.findChildren(QLabel) if label.isVisible())
    assert "157.80" not in shown, "the count is blind: nothing expected is shown yet"
    wizard.grid.fields[10000].setText("1")
    wizard.grid.fields[5000].setText("1")  # ￥150 counted: ￥7.80 short, within ￥10
    wizard.next()
    assert wizard.pages.currentIndex() == wizard.SETTLE
    assert set(wizard.settle_fields) == {"wechat"}
    assert wizard.settle_fields["wechat"].text() == "69.80"
    wizard.settle_fields["wechat"].setText("49.80")  # the provider settled ￥20 less
    wizard.next()
    assert wizard.pages.currentIndex() == wizard.REVIEW
    rows = {
        wizard.table.item(r, 0).text(): [wizard.table.item(r, c).text() for c in (1, 2, 3)]
        for r in range(wizard.table.rowCount())
    }
    assert rows == {
        "现金": ["￥157.80", "￥150.00", "-￥7.80"],
        "微信支付": ["￥69.80", "￥49.80", "-￥20.00"],
    }
    before = len(journal(context))
    wizard.next()  # WeChat is ￥20 off, over the threshold: a reason is required
    assert wizard.error.isVisible() and len(journal(context)) == before
    wizard.reason.setText("微信退款未走收银机")
    with qtbot.waitSignal(wizard.closed) as closed:
        wizard.next()
    z = closed.args[0]
    assert z["type"] == "z_close" and z["body"]["by"] == "王强"
    assert z["body"]["tenders"]["cash"] == {"expected_fen": 15780, "counted_fen": 15000, "variance_fen": -780}  # fmt: skip
    assert z["body"]["tenders"]["wechat"]["variance_fen"] == -2000
    assert z["body"]["sales_count"] == 2 and z["body"]["reason"] == "微信退款未走收银机"
    assert wechat_sale["seq"] < z["seq"]
    assert wizard.pages.currentIndex() == wizard.DONE
    wizard.next()

    # The Z prints on the network printer; the manager screen shows it in the history.
    qtbot.waitUntil(lambda: any("日结报表" in printer.decoded(i) for i in range(len(printer.jobs))), timeout=WAIT_MS)  # fmt: skip
    text = next(printer.decoded(i) for i in range(len(printer.jobs)) if "日结报表" in printer.decoded(i))  # fmt: skip
    assert "-￥7.80" in text and "-￥20.00" in text and "微信退款未走收银机" in text
    assert manager.z_list.count() == 1 and "日结报表" in manager.z_text.toPlainText()
    assert not manager.close_button.isEnabled() and manager.open_button.isEnabled()

    # After the Z, selling is refused until a new shift.
    window.show_sale()
    assert window.sale.shift_banner.isVisible()
    window.session.scan(OIL)
    window.open_payment()
    window.payment.choose("cash")
    window.payment.amount.setText("100")
    window.payment.finish()
    assert window.payment is not None and "shift" in window.payment.error.text().lower() or "班" in window.payment.error.text()  # fmt: skip
    assert terminal.x_report() is None
    window.payment.reject()
    window.session.cancel()

    # A reprint is journaled as a copy; the Z itself is never redone.
    window.stack.setCurrentWidget(manager)
    manager.reprint_z()
    entries = journal(context)
    assert [e["type"] for e in entries].count("z_close") == 1
    assert entries[-1]["type"] == "z_copy" and entries[-1]["body"]["z_seq"] == z["seq"]

    # A new shift, then selling works again.
    manager.open_shift()
    manager.dialog.grid.fields[1000].setText("5")
    manager.dialog.submit()
    assert terminal.shift_is_open() and terminal.x_report()["float_fen"] == 5000
    window.show_sale()
    assert not window.sale.shift_banner.isVisible()
    sell(window, context, qtbot, [OIL], amount="100")


def test_cash_moves_and_a_price_change_through_their_dialogs(booth, qtbot):
    window, context = booth
    login(window, "王强", "1357")  # a manager selling approves for herself: no second PIN
    window.open_manager()
    manager = window.manager
    assert window.stack.currentWidget() is manager and window.approval is None
    manager.move_cash("cash_out")
    dialog = manager.dialog
    dialog.amount.setText("abc")
    dialog.submit()
    assert dialog.isVisible() and "abc" in dialog.error.text()
    dialog.amount.setText("50")
    dialog.submit()
    assert dialog.isVisible() and dialog.error.isVisible()  # no reason yet
    presets = [b for b in dialog.findChildren(type(dialog.ok)) if b.objectName() == "choice"]
    presets[0].click()  # the first preset reason
    assert dialog.reason_field.text()
    dialog.submit()  # the float was ￥0: there is nothing to take out
    assert dialog.isVisible() and "￥0.00" in dialog.error.text()
    assert context.terminal.x_report()["cash_out_fen"] == 0
    dialog.reject()

    manager.move_cash("cash_in")
    dialog = manager.dialog
    dialog.amount.setText("100")
    dialog.reason_field.setText("零钱")
    dialog.submit()
    assert not dialog.isVisible() and dialog.entry["type"] == "cash_in"
    assert dialog.entry["body"]["approved_by"] == "王强"
    assert context.terminal.x_report()["cash_in_fen"] == 10000

    window.show_sale()
    window.session.scan(RICE)
    window.sale.enter_price()
    price = window.sale.line_dialog
    price.amount.setText("59.80")
    price.reason_field.setText("包装破损")
    price.submit()
    assert window.sale.approval is None  # the manager is the approver
    line = window.session.cart.live_lines[0]
    assert (line.unit_price_fen, line.override_by) == (5980, "王强")
    assert window.sale.total.text() == "￥59.80"


def test_a_shift_left_open_overnight_asks_for_a_close_but_still_sells(booth, qtbot):
    from datetime import UTC, datetime, timedelta

    window, context = booth
    login(window)
    assert not window.sale.shift_banner.isVisible()  # opened today
    opened = context.terminal.x_report()["opened_at"]
    context.terminal.clock = lambda: datetime.now(UTC) + timedelta(days=1)
    window.show_sale()
    banner = window.sale.shift_banner
    assert banner.isVisible()
    day = parse_utc(opened).astimezone(context.terminal.settings.zone)  # fmt: skip
    assert day.strftime("%Y-%m-%d") in banner.text()
    sell(window, context, qtbot, [OIL], amount="100")  # a forgotten close never stops a sale
