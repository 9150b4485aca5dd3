"""Held sales at the till: F7 puts the cart aside, F8 lists the held carts and takes one
back; closing the shift lists the ones still held and asks what to do with them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.support import CASHIER, OIL, RICE
from tests.support.ui import approve, close_window, login, open_window, scan_keys


def test_hold_serve_the_next_customer_and_resume_from_the_list(terminal, home, qtbot):
    terminal.close()
    window, context = open_window(qtbot, home, devices=False)
    try:
        login(window)
        session, sale = context.session, window.sale
        scan_keys(window, OIL)
        scan_keys(window, OIL)
        scan_keys(window, RICE)
        head = context.terminal.verify_journal().head_seq
        QTest.keyClick(window, Qt.Key.Key_F7)  # 挂单
        assert session.cart.live_lines == [] and sale.total.text() == "￥0.00"
        assert "F8" in sale.notice.text() and sale.resume_button.text().endswith("1")
        assert context.terminal.verify_journal().head_seq == head  # not a sale
        # The next customer buys one bottle and pays.
        scan_keys(window, OIL)
        window.open_payment()
        with qtbot.waitSignal(session.sale_did_complete):
            QTest.keyClick(window.payment.amount, Qt.Key.Key_Return)
        window.preview.accept()
        # 取单: the list shows when, how many lines, how much and who.
        QTest.keyClick(window, Qt.Key.Key_F8)
        dialog = sale.held_dialog
        assert dialog.isVisible() and dialog.table.rowCount() == 1
        cells = [dialog.table.item(0, c).text() for c in range(4)]
        assert cells[1:] == ["3", "￥245.80", CASHIER]
        with qtbot.waitSignal(dialog.accepted):
            QTest.keyClick(dialog.table, Qt.Key.Key_Return)
        assert [line.qty for line in session.cart.live_lines] == [1, 1, 1]
        assert sale.total.text() == "￥245.80" and context.terminal.held_sales() == []
        assert not sale.resume_button.text().endswith("1")
    finally:
        close_window(context, devices=False)


def test_closing_the_shift_lists_held_sales_and_cancel_drops_nothing(terminal, home, qtbot):
    terminal.close()
    window, context = open_window(qtbot, home, devices=False)
    try:
        login(window)
        scan_keys(window, RICE)
        window.sale.hold_sale()
        window.open_manager()
        approve(window.approval)
        manager = window.manager
        manager.close_shift()
        box = manager.held_box
        assert box.isVisible() and "秀山" not in box.text()  # the list: time, cashier, lines, total
        assert CASHIER in box.text() and "￥69.80" in box.text()
        assert box.escapeButton() is box.defaultButton()  # Esc and Enter both cancel
        box.defaultButton().click()  # cancel: no close, nothing dropped
        assert not box.isVisible() and context.terminal.shift_is_open()
        assert len(context.terminal.held_sales()) == 1
        manager.close_shift()
        discard = next(b for b, what in manager.held_buttons.items() if what == "discard")
        discard.click()
        wizard = manager.dialog
        assert wizard.isVisible()
        assert len(context.terminal.held_sales()) == 1  # dropped only once the close is done
        wizard.reject()
        assert len(context.terminal.held_sales()) == 1
    finally:
        close_window(context, devices=False)
