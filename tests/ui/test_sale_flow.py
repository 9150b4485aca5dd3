"""The cashier's flow driven like a real booth: scanner keystrokes, fingers and keys."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.support import EXPIRED, OIL, RICE, scale_label
from tests.support.ui import StepClock, answer_modal, click, login, ok_button, scan_keys, type_into


@pytest.mark.reference_only
def test_full_sale_by_scanner_keystrokes_with_no_focus(ui, qtbot):
    window, context = ui
    login(window)
    QApplication.focusWidget() and QApplication.focusWidget().clearFocus()
    assert QApplication.focusWidget() is None
    target = window  # keys go to whatever gets them: here, no focused widget at all
    with qtbot.waitSignal(context.scanner.scanned):
        scan_keys(target, OIL)
    scan_keys(target, OIL)
    scan_keys(target, scale_label("21", "10001", 1234))  # 1.234 kg of 奉节脐橙 at ￥12.80/kg
    scan_keys(target, RICE)
    sale = window.sale
    assert sale.model.rowCount() == 4
    assert sale.total.text() == "￥261.60"
    sale.table.selectRow(3)
    QTest.keyClick(sale.table, Qt.Key.Key_Delete)  # void the rice
    assert sale.model.rowCount() == 3
    assert sale.total.text() == "￥191.80"

    QTest.keyClick(sale.table, Qt.Key.Key_F9)
    pay = window.payment
    assert pay is not None and pay.isVisible()
    pay.choose("wechat")
    pay.amount.setText("100")
    scan_keys(pay.reference, "134567890123456789")  # the customer's WeChat payment code
    assert [(p.method, p.amount_fen) for p in pay.payments] == [("wechat", 10000)]
    assert pay.change.text() == "￥91.80"  # still to pay
    pay.choose("cash")
    pay.amount.setText("100")
    with qtbot.waitSignal(context.session.sale_did_complete) as done:
        pay.finish()
    entry = done.args[0]
    body = entry["body"]
    assert body["total_fen"] == 19180
    assert body["payments"] == [
        {"method": "wechat", "amount_fen": 10000, "reference": "134567890123456789"},
        {"method": "cash", "amount_fen": 10000},
    ]
    assert body["change_fen"] == 820
    assert [line.get("qty") or line.get("weight_g") for line in body["lines"]] == [1, 1, 1234]
    assert body["voided_lines"][0]["name"] == "秀山土家米5kg装"
    stored = json.loads(next(context.terminal.export_journal(entry["seq"] - 1)))
    assert stored == entry
    assert window.preview is not None and "￥191.80" in window.preview.text.toPlainText()
    assert window.preview.findChild(type(window.sale.total), "change").text() == "￥8.20"
    assert (
        sale.model.rowCount() == 0 and sale.total.text() == "￥0.00"
    )  # ready for the next customer
    scan_keys(window, OIL)  # the next customer's first item closes the receipt
    assert window.preview is None and sale.model.rowCount() == 1


def test_unknown_and_invalid_codes_give_a_notice_and_a_beep_never_a_modal(ui):
    window, context = ui
    login(window)
    scan_keys(window, "6970099000011")
    notice = window.sale.notice
    assert notice.isVisible() and "6970099000011" in notice.text()
    assert QApplication.activeModalWidget() is None
    scan_keys(window, "6970006000012")  # wrong check digit
    assert notice.isVisible() and "6970006000012" in notice.text()
    assert window.sale.model.rowCount() == 0


def test_expired_certificate_warns_at_the_moment_of_scanning(ui):
    window, context = ui
    login(window)
    scan_keys(window, EXPIRED)
    assert window.sale.model.rowCount() == 1
    assert window.sale.notice.objectName() == "notice_warning"
    assert "CQFP-2024-013621" in window.sale.notice.text()


def test_expired_certificate_is_blocked_when_the_booth_says_block(terminal, home, qtbot):
    from pos.ui.app import build

    (home / "booth.toml").write_text('[sale]\ncertificate_policy = "block"\n', encoding="utf-8")
    terminal.close()
    window, context = build(home, "zh_CN", inline=True)
    context.scanner.clock = StepClock()
    qtbot.addWidget(window)
    login(window)
    scan_keys(window, EXPIRED)
    assert window.sale.model.rowCount() == 0
    assert window.sale.notice.objectName() == "notice_error"
    QApplication.instance().removeEventFilter(context.scanner)
    context.terminal.close()


def test_cancel_asks_first_and_keep_selling_keeps_the_cart(ui, qtbot):
    window, context = ui
    login(window)
    recorded = context.terminal.unsynced_count()  # the shift_open
    scan_keys(window, OIL)
    QTest.keyClick(window.sale.table, Qt.Key.Key_Escape)
    box = window.sale.cancel_box
    assert box is not None and box.isVisible()
    keep = [b for b in box.buttons() if b is not window.sale.cancel_yes][0]
    keep.click()
    assert window.sale.model.rowCount() == 1
    QTest.keyClick(window.sale.table, Qt.Key.Key_Escape)
    assert window.sale.cancel_box is not None
    window.sale.cancel_yes.click()
    assert window.sale.model.rowCount() == 0
    assert context.terminal.unsynced_count() == recorded == 1  # nothing more was recorded


def test_an_ime_commit_in_the_middle_of_a_scan_does_not_corrupt_the_code(ui, qtbot):
    window, context = ui
    login(window)
    window.sale.search.setFocus()
    target = window.sale.search
    with qtbot.waitSignal(context.scanner.scanned) as scanned:
        for ch in "69700":
            QTest.keyClick(target, ch)
        # A Chinese IME in full-width mode commits two digits as full-width characters.
        QApplication.sendEvent(target, _commit("０６"))
        for ch in "000011":
            QTest.keyClick(target, ch)
        QTest.keyClick(target, Qt.Key.Key_Return)
    assert scanned.args == [OIL]
    assert window.sale.search.text() == ""  # nothing leaked into the focused field
    assert window.sale.model.rowCount() == 1


def _commit(text: str) -> QInputMethodEvent:
    event = QInputMethodEvent()
    event.setCommitString(text)
    return event


def test_a_person_typing_in_search_is_not_taken_for_a_scanner(ui, qtbot):
    window, context = ui
    login(window)
    context.scanner.clock = StepClock(step=0.2)  # 200 ms between keys: a person
    window.sale.search.setFocus()
    with qtbot.waitSignal(context.scanner.typed, check_params_cb=lambda text: text == "c"):
        for ch in "fjqc":
            QTest.keyClick(window.sale.search, ch)
    assert window.sale.search.text() == "fjqc"
    window.sale.run_search()
    first = window.sale.results.item(0).data(Qt.ItemDataRole.UserRole)
    assert first.name == "奉节脐橙"


def test_weighed_quick_key_and_manual_weight(ui, qtbot):
    from pos.ui import sale_screen

    window, context = ui
    login(window)

    def weigh_by_hand(dialog) -> None:  # no scale here: the cashier types the grams
        type_into(qtbot, dialog.field, "0")
        click(qtbot, ok_button(dialog))  # 0 g is refused, the dialog stays
        assert dialog.isVisible() and dialog.error.isVisible()
        dialog.field.clear()
        type_into(qtbot, dialog.field, "850")
        click(qtbot, ok_button(dialog))

    answer_modal(sale_screen.KeypadDialog, weigh_by_hand)
    oranges = next(p for ps in context.quick_keys.values() for p in ps if p.plu == "10001")
    window.sale.quick_key(oranges)
    line = window.sale.model.line_at(0)
    assert line.weight_g == 850 and line.amount_fen == 1088  # 0.85 kg x 1280 = 1088 fen


def test_wrong_pin_shows_the_reason_and_stays_on_login(ui):
    window, context = ui
    window.login.name.setText("李娜")
    window.login.pin.setText("0000")
    window.login.submit()
    assert window.stack.currentWidget() is window.login
    assert window.login.error.isVisible() and window.login.error.text()


def test_a_scanner_that_ends_codes_with_tab(ui, qtbot):
    from pos.ui.scanner import ScannerSettings

    window, context = ui
    login(window)
    context.scanner.settings = ScannerSettings(suffix="tab")
    with qtbot.waitSignal(context.scanner.scanned) as scanned:
        for ch in OIL:
            QTest.keyClick(window, ch)
        QTest.keyClick(window, Qt.Key.Key_Tab)
    assert scanned.args == [OIL]


def test_enter_on_an_empty_amount_takes_exact_cash(ui, qtbot):
    window, context = ui
    login(window)
    scan_keys(window, OIL)
    window.open_payment()
    with qtbot.waitSignal(context.session.sale_did_complete) as done:
        QTest.keyClick(window.payment.amount, Qt.Key.Key_Return)
    assert done.args[0]["body"]["payments"] == [{"method": "cash", "amount_fen": 8800}]
    assert done.args[0]["body"]["change_fen"] == 0
