"""The payment dialog as cashiers meet it: a quick-cash tap never turns a WeChat payment
into cash, a payment code scanned anywhere in the dialog becomes the reference, Back with
payments taken asks first, the quick-cash keys follow what is still to pay, and the
cancel-sale question keeps the cart on Enter."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.support import GIFT_BOX, OIL, RICE
from tests.support.ui import login, scan_keys

#: the dialog's arithmetic with codes recorded as references (no HQ to collect them)
pytestmark = pytest.mark.reference_only

WECHAT_CODE = "134567890123456789"


def _pay_for(window, *codes):
    login(window)
    for code in codes:
        scan_keys(window, code)
    window.open_payment()
    assert window.payment is not None
    return window.payment


def _quick(pay) -> dict[str, object]:
    return {b.text(): b for b in pay.quick_buttons}


def test_a_quick_cash_tap_with_wechat_chosen_stays_wechat(ui, qtbot):
    window, context = ui
    pay = _pay_for(window, OIL, GIFT_BOX)  # ￥156.80
    pay.choose("wechat")
    quick = _quick(pay)
    qtbot.mouseClick(quick["￥200.00"], Qt.MouseButton.LeftButton)
    assert pay.payments == [] and pay.method == "wechat"
    assert pay.error.isVisible()  # more than due: only cash can be
    qtbot.mouseClick(pay.quick_buttons[0], Qt.MouseButton.LeftButton)  # Exact
    assert pay.payments == [] and pay.method == "wechat"
    assert pay.amount.text() == "156.80"  # the amount for the WeChat payment, not cash
    assert pay.method_buttons["wechat"].isChecked()


def test_a_code_scanned_into_the_amount_field_becomes_the_reference(ui, qtbot):
    window, context = ui
    pay = _pay_for(window, OIL, RICE)  # ￥157.80
    pay.choose("wechat")
    pay.amount.setFocus()
    pay.amount.setText("100")
    scan_keys(pay.amount, WECHAT_CODE)
    assert [(p.method, p.amount_fen, p.reference) for p in pay.payments] == [
        ("wechat", 10000, WECHAT_CODE)
    ]
    assert pay.amount.text() == "" and pay.error.isHidden()
    assert context.session.cart.live_lines  # not paid yet: ￥57.80 still to pay


@pytest.mark.parametrize("target", ["method_button", "quick_button", "finish_button"])
def test_a_code_scanned_with_a_button_focused_becomes_the_reference(ui, target):
    window, _ = ui
    pay = _pay_for(window, OIL)
    pay.choose("wechat")
    widget = {
        "method_button": pay.method_buttons["wechat"],
        "quick_button": pay.quick_buttons[0],
        "finish_button": pay.finish_button,
    }[target]
    widget.setFocus()
    scan_keys(widget, WECHAT_CODE)
    assert [(p.method, p.amount_fen, p.reference) for p in pay.payments] == [
        ("wechat", 8800, WECHAT_CODE)
    ]


def test_back_with_a_payment_taken_asks_and_enter_keeps_it(ui, qtbot):
    window, context = ui
    pay = _pay_for(window, OIL, RICE)
    pay.choose("wechat")
    pay.amount.setText("100")
    pay.payment_code(WECHAT_CODE)
    qtbot.mouseClick(pay.back_button, Qt.MouseButton.LeftButton)
    box = pay.drop_box
    assert box is not None and box.isVisible()
    assert "￥100.00" in box.text()
    QTest.keyClick(box, Qt.Key.Key_Return)  # the default: keep paying
    qtbot.waitUntil(lambda: pay.drop_box is None)
    assert window.payment is pay and pay.isVisible() and len(pay.payments) == 1
    QTest.keyClick(pay, Qt.Key.Key_Escape)  # Esc asks the same question
    box = pay.drop_box
    assert box is not None
    box.button  # noqa: B018 - the box is up
    qtbot.mouseClick(pay.drop_yes, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.payment is None)
    assert len(context.session.cart.live_lines) == 2  # the sale itself is still there


def test_back_with_nothing_taken_goes_straight_back(ui, qtbot):
    window, _ = ui
    pay = _pay_for(window, OIL)
    qtbot.mouseClick(pay.back_button, Qt.MouseButton.LeftButton)
    assert pay.drop_box is None and window.payment is None


@pytest.mark.parametrize(
    ("due", "offered"),
    [
        (5940, [6000, 10000]),
        (4360, [5000, 10000]),
        (198080, [199000, 200000]),
        (19180, [20000]),
        (10000, []),
        (850, [1000, 5000, 10000]),
    ],
)
def test_quick_cash_offers_the_notes_a_customer_hands_over(due, offered):
    from pos.money import cash_suggestions

    assert cash_suggestions(due) == offered


def test_quick_cash_follows_what_is_left_after_a_part_payment(ui):
    window, _ = ui
    pay = _pay_for(window, OIL, RICE)  # ￥157.80
    assert [b.property("amount_fen") for b in pay.quick_buttons] == [0, 16000, 20000]
    pay.choose("wechat")
    pay.amount.setText("114.20")
    pay.payment_code(WECHAT_CODE)  # ￥43.60 left
    texts = [b.text() for b in pay.quick_buttons]
    assert texts[1:] == ["￥50.00", "￥100.00"], texts
    assert len(set(texts)) == len(texts)


def test_the_cancel_sale_question_keeps_the_cart_on_enter(ui, qtbot):
    window, context = ui
    login(window)
    scan_keys(window, OIL)
    window.sale.confirm_cancel()
    box = window.sale.cancel_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    QTest.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.sale.cancel_box is None)
    assert len(context.session.cart.live_lines) == 1
    window.sale.confirm_cancel()
    QTest.keyClick(window.sale.cancel_box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.sale.cancel_box is None)
    assert len(context.session.cart.live_lines) == 1
    assert QApplication.activeModalWidget() is None
