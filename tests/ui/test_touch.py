"""Touch targets: every button a finger can use is at least 48 x 48 px; Pay is 96 px tall
and far from Void."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QAbstractButton, QApplication, QTabBar

from tests.support import OIL
from tests.support.ui import login, scan_keys

MIN = 48
# Qt's own decorations that are not targets a cashier uses: the table's select-all corner.
NOT_TARGETS = {"QTableCornerButton"}


def small_buttons(root) -> list[str]:
    QApplication.processEvents()
    found = []
    for button in root.findChildren(QAbstractButton):
        if button.metaObject().className() in NOT_TARGETS or not button.isVisible():
            continue
        if button.width() < MIN or button.height() < MIN:
            kind = button.metaObject().className()
            found.append(f"{kind} {button.text()!r} is {button.width()}x{button.height()}")
    for bar in root.findChildren(QTabBar):
        for i in range(bar.count()):
            rect = bar.tabRect(i)
            if bar.isVisible() and (rect.width() < MIN or rect.height() < MIN):
                found.append(f"tab {bar.tabText(i)!r} is {rect.width()}x{rect.height()}")
    return found


def test_every_button_on_every_screen_is_big_enough_for_a_finger(ui):
    window, context = ui
    assert small_buttons(window) == []
    login(window)
    scan_keys(window, OIL)
    assert small_buttons(window) == []
    window.open_payment()
    assert small_buttons(window.payment) == []
    window.payment.quick_tender(0)
    window.payment.finish()
    assert small_buttons(window.preview) == []


def test_pay_is_tall_and_far_from_void(ui):
    window, context = ui
    login(window)
    scan_keys(window, OIL)
    QApplication.processEvents()
    pay, void = window.sale.pay_button, window.sale.void_button
    assert pay.height() >= 96
    pay_center = pay.mapTo(window, QPoint(pay.width() // 2, pay.height() // 2))
    void_center = void.mapTo(window, QPoint(void.width() // 2, void.height() // 2))
    assert (pay_center - void_center).manhattanLength() > window.width() // 2
