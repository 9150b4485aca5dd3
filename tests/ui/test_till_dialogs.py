"""The till's small dialogs as a cashier meets them: the quantity pad, the manager's PIN,
the discount in 折, cash in and out."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QPushButton

from pos.cart import percent_off_for_zhe
from pos.errors import Refused
from pos.ui.widgets import KeypadDialog
from tests.support import MANAGER, OIL
from tests.support.ui import answer_modal, click, login, ok_button, scan_keys


def test_typed_digits_replace_the_quantity_shown_and_a_big_one_asks_again(ui, qtbot):
    window, context = ui
    login(window)
    scan_keys(window, OIL)
    sale = window.sale
    sale.table.selectRow(0)
    seen = {}

    def type_12_then_112(dialog):
        def pad(digits: str) -> None:
            for digit in digits:
                click(qtbot, next(b for b in dialog.findChildren(QPushButton) if b.text() == digit))  # fmt: skip

        assert dialog.field.text() == "1"
        # The "1" shown is selected, so the keyboard or the pad replaces it, never appends.
        assert dialog.field.selectedText() == "1" and dialog.focusWidget() is dialog.field
        pad("12")
        seen["typed"] = dialog.field.text()
        dialog.field.selectAll()
        pad("112")
        click(qtbot, ok_button(dialog))
        seen["warning"] = dialog.error.text() if dialog.isVisible() else ""
        click(qtbot, ok_button(dialog))  # confirmed: 112 it is

    answer_modal(KeypadDialog, type_12_then_112)
    sale.enter_qty()
    assert seen["typed"] == "12"
    assert "112" in seen["warning"], "an unusually large quantity must be confirmed"
    assert context.session.cart.live_lines[0].qty == 112


def test_a_wrong_manager_pin_and_enter_says_so_and_keeps_the_dialog(ui, qtbot):
    window, context = ui
    login(window)
    window.open_manager()
    dialog = window.approval
    assert dialog.isVisible() and dialog.chosen == MANAGER
    dialog.pin.setFocus()
    qtbot.keyClicks(dialog.pin, "0000")
    QTest.keyClick(dialog.pin, Qt.Key.Key_Return)
    assert dialog.isVisible(), "a wrong PIN must not close the approval"
    assert dialog.error.isVisible() and MANAGER in dialog.error.text()
    assert window.stack.currentWidget() is not window.manager


@pytest.mark.parametrize(("zhe", "off"), [(8, 20), (80, 20), (85, 15), (95, 5), (9, 10), (1, 90)])
def test_a_discount_in_zhe_is_the_share_paid(zhe, off):
    assert percent_off_for_zhe(zhe) == off


def test_zero_zhe_is_refused():
    with pytest.raises(Refused):
        percent_off_for_zhe(0)


def test_8_zhe_at_the_till_charges_80_percent(ui, qtbot):
    window, context = ui
    login(window)
    scan_keys(window, OIL)  # ￥88.00
    sale = window.sale
    sale.table.selectRow(0)
    click(qtbot, sale.discount_button)
    dialog = sale.line_dialog
    assert any("8折" in label.text() for label in dialog.findChildren(QLabel))
    dialog.field.setText("9")  # 9折: 10 %, within the cashier's own limit
    with qtbot.waitSignal(dialog.accepted):
        click(qtbot, ok_button(dialog))
    line = context.session.cart.live_lines[0]
    assert (line.amount_fen, line.discount_fen) == (7920, 880)


def test_cash_in_and_out_say_which_they_are_take_digits_at_once_and_explain_an_empty_amount(
    ui, qtbot
):
    from pos.ui.shift_dialogs import CashMoveDialog

    window, context = ui
    terminal = context.terminal
    manager = terminal.authenticate(MANAGER, "1357")
    cash_in = CashMoveDialog(terminal, manager, "cash_in", window)
    cash_out = CashMoveDialog(terminal, manager, "cash_out", window)
    try:
        assert cash_in.heading.text() != cash_out.heading.text()
        assert cash_in.heading.text() and cash_out.heading.isVisibleTo(cash_out)
        cash_in.show()
        qtbot.waitExposed(cash_in)
        assert cash_in.focusWidget() is cash_in.amount  # typed digits are not lost
        before = len(list(terminal.export_journal()))
        cash_in.reason_field.setText("coins")
        cash_in.submit()  # no amount typed
        assert cash_in.isVisible() and cash_in.error.isVisible()
        assert "“”" not in cash_in.error.text() and "''" not in cash_in.error.text()
        assert "50" in cash_in.error.text()
        assert len(list(terminal.export_journal())) == before
    finally:
        cash_in.close()
        cash_out.close()


def test_the_receipt_preview_shows_the_qr_as_a_picture(ui, qtbot):
    window, context = ui
    login(window)
    scan_keys(window, OIL)
    scan_keys(window, OIL)
    window.open_payment()
    with qtbot.waitSignal(context.session.sale_did_complete):
        QTest.keyClick(window.payment.amount, Qt.Key.Key_Return)
    preview = window.preview
    assert "BPOS1" not in preview.qr.text()
    assert not preview.qr.pixmap().isNull() and preview.qr.pixmap().width() >= 100
    assert "件数: 2" in preview.text.toPlainText()
    preview.accept()


def test_the_z_preview_lines_up_its_amounts_as_paper_does(ui, qtbot):
    from tests.support.ui import approve

    window, context = ui
    login(window)
    scan_keys(window, OIL)
    window.open_payment()
    with qtbot.waitSignal(context.session.sale_did_complete):
        QTest.keyClick(window.payment.amount, Qt.Key.Key_Return)
    window.preview.accept()
    terminal = context.terminal
    terminal.close_shift(terminal.authenticate(MANAGER, "1357"), {10000: 1}, reason="test")
    window.open_manager()
    approve(window.approval)
    manager = window.manager
    manager.refresh()
    text = manager.z_text.toPlainText()
    assert "日结报表" in text
    metrics = manager.z_text.fontMetrics()
    # Every two-column line of the Z (a label, then an amount at the right edge) is as wide
    # as the rule under the heading, in the preview's font as on paper.
    rule = next(line for line in text.splitlines() if set(line) == {"-"})
    widths = {metrics.horizontalAdvance(line) for line in text.splitlines() if line.endswith(("0", "￥0.00")) and "￥" in line and len(line) > 20}  # fmt: skip
    assert widths == {metrics.horizontalAdvance(rule)}
    # Nor does a line break in two on a small screen (the amount under its label).
    window.resize(1024, 768)
    qtbot.waitUntil(lambda: window.width() == 1024)
    manager.z_text.setPlainText(text)
    document = manager.z_text.document()
    block, wrapped = document.begin(), []
    while block.isValid():
        if block.layout().lineCount() > 1:
            wrapped.append(block.text())
        block = block.next()
    assert wrapped == []


def test_logging_in_after_switching_language_raises_nothing(ui, qtbot, capsys):
    window, context = ui
    window.login.language_chosen.emit("en")
    window.login.language_chosen.emit("zh_CN")
    qtbot.wait(0)  # let the old screens be deleted (deleteLater)
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    login(window)  # pytest-qt fails the test on any exception raised in a slot
    window.logout()
    assert "RuntimeError" not in capsys.readouterr().err
