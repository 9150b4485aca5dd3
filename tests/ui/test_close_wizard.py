"""The blind close as a booth manager meets it: a drawer with fen coins counted exactly, a
number pad for the settlement totals, a reason chosen from a list, a minus that stays with
its amount."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTextBoundaryFinder
from PySide6.QtWidgets import QApplication, QPushButton

from pos.cart import Cart, Payment
from pos.shift import parse_counts
from pos.ui.i18n import tender_names
from pos.ui.style import STYLESHEET
from tests.support import CASHIER, CASHIER_PIN, MANAGER, MANAGER_PIN, ORANGES_PLU, scale_label
from tests.support.ui import clipped_buttons

ORANGES_8084 = scale_label("20", ORANGES_PLU, 8084)  # a priced label for ￥80.84


@pytest.fixture
def wizard(terminal, qtbot):
    """The close wizard over a shift with one ￥80.84 cash sale and one WeChat sale."""
    from pos.ui.shift_dialogs import CloseWizard

    cashier = terminal.authenticate(CASHIER, CASHIER_PIN)
    cart = Cart()
    terminal.add_to_cart(cart, ORANGES_8084)
    terminal.checkout(cart, [Payment("cash", 10000)], cashier)
    cart = Cart()
    terminal.add_to_cart(cart, ORANGES_8084)
    terminal.checkout(cart, [Payment("wechat", 8084, "134567890123456789")], cashier)
    app = QApplication.instance()
    before = app.styleSheet()
    app.setStyleSheet(STYLESHEET)  # as the window has it: padding, borders, font sizes
    dialog = CloseWizard(terminal, terminal.authenticate(MANAGER, MANAGER_PIN))
    qtbot.addWidget(dialog)
    dialog.resize(1000, 740)  # the wizard on a 1024x768 screen
    dialog.show()
    yield dialog
    app.setStyleSheet(before)


def cash_row(wizard) -> int:
    (row,) = [r for r in range(wizard.table.rowCount()) if wizard.table.item(r, 0).text() == tender_names()["cash"]]  # fmt: skip
    return row


def test_a_cash_total_with_fen_is_counted_exactly_with_fen_coins(wizard):
    assert parse_counts("5=1,2=1,1=2") == {5: 1, 2: 1, 1: 2}
    grid = wizard.grid
    for fen, count in {5000: 1, 2000: 1, 1000: 1, 50: 1, 10: 3, 2: 2}.items():
        grid.fields[fen].setText(str(count))
    assert grid.total_fen() == 8084
    wizard.next()
    wizard.next()  # the WeChat total as shown
    assert wizard.pages.currentIndex() == wizard.REVIEW
    assert [wizard.table.item(cash_row(wizard), c).text() for c in (1, 2, 3)] == ["￥80.84", "￥80.84", "￥0.00"]  # fmt: skip
    assert wizard.over == []


def test_the_count_fits_a_small_screen_with_every_button_whole(wizard):
    QApplication.processEvents()
    assert wizard.minimumSizeHint().height() <= 740 and wizard.minimumSizeHint().width() <= 1000
    assert clipped_buttons(wizard) == []


def test_the_settlement_totals_have_a_number_pad(wizard, qtbot):
    wizard.grid.fields[10000].setText("1")
    wizard.next()
    assert wizard.pages.currentIndex() == wizard.SETTLE
    pad = wizard.settle_pad
    assert pad.isVisible()
    keys = {b.text(): b for b in pad.findChildren(QPushButton)}
    for key in "60.5":
        qtbot.mouseClick(keys[key], Qt.MouseButton.LeftButton)
    assert wizard.settle_fields["wechat"].text() == "60.5"  # the first digit replaced 80.84
    qtbot.mouseClick(keys["⌫"], Qt.MouseButton.LeftButton)
    assert wizard.settle_fields["wechat"].text() == "60."
    wizard.next()
    assert wizard.confirmed == {"wechat": 6000}


def test_the_variance_reason_is_chosen_from_a_list_and_explained(wizard, terminal, qtbot):
    wizard.grid.fields[5000].setText("1")  # ￥50 of ￥80.84: ￥30.84 short, over the threshold
    wizard.next()
    wizard.next()
    assert wizard.over == ["cash"]
    reasons = wizard.reason_choices.buttons()
    assert len(reasons) >= 4 and all(b.isVisible() for b in reasons)
    QApplication.processEvents()  # the layout follows the new texts
    assert clipped_buttons(wizard) == []
    assert wizard.minimumSizeHint().width() <= 1000
    before = terminal.head_seq()
    wizard.next()  # no reason yet: refused, nothing written
    assert wizard.error.isVisible() and terminal.head_seq() == before
    reasons[1].click()  # 少了纸币或硬币
    wizard.reason.setText("一张￥20 找不到")
    with qtbot.waitSignal(wizard.closed) as closed:
        wizard.next()
    assert closed.args[0]["body"]["reason"] == f"{reasons[1].text()}: 一张￥20 找不到"
    assert terminal.x_report() is None


def test_the_minus_of_a_variance_never_wraps_away_from_its_amount(wizard, qtbot):
    wizard.grid.fields[5000].setText("1")
    wizard.grid.fields[2000].setText("1")
    wizard.grid.fields[1000].setText("1")
    wizard.grid.fields[50].setText("1")
    wizard.grid.fields[10].setText("3")  # ￥80.80: ￥0.04 short
    wizard.next()
    wizard.next()
    assert wizard.table.item(cash_row(wizard), 3).text() == "-￥0.04"
    assert not wizard.table.wordWrap()  # a cell never wraps
    with qtbot.waitSignal(wizard.closed):
        wizard.next()
    for text in [wizard.done_text.text()]:
        amount = text.index("￥0.04")
        minus = text.rindex("-", 0, amount)
        assert amount - minus <= 2, text  # the sign right before the amount (a joiner between)
        finder = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Line, text)
        between = range(minus + 1, amount + len("￥0.04"))
        assert not any(finder.setPosition(p) or finder.isAtBoundary() for p in between), text
