"""The refund screen for a finger: each line's quantity has − and + keys of at least 44 x 44
px beside the number (a spin box's arrows were about 30 x 18 px)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox

from tests.support import OIL, scale_label
from tests.support.ui import approve, clipped_buttons, login, pay_and_open_refund, scan_keys

FINGER = 44


def _sell_and_open_refund(window, qtbot):
    login(window)
    scan_keys(window, OIL)
    window.sale.change_qty(+1)  # two bottles on one line
    scan_keys(window, scale_label("21", "10001", 1234))
    return pay_and_open_refund(window, qtbot)


def test_every_quantity_key_on_the_refund_screen_is_finger_sized(ui, qtbot):
    window, _ = ui
    dialog = _sell_and_open_refund(window, qtbot)
    assert dialog.findChildren(QAbstractSpinBox) == []  # no tiny arrows anywhere
    assert len(dialog.spins) == 2
    for stepper in dialog.spins.values():
        for key in (stepper.minus, stepper.plus):
            assert key.isVisible(), key.text()
            size = key.size()
            assert size.width() >= FINGER and size.height() >= FINGER, (key.text(), size)
            # the whole key is inside its row: a finger on it is not cut by the table
            row_rect = dialog.table.viewport().rect()
            corner = key.mapTo(dialog.table.viewport(), key.rect().bottomRight())
            assert row_rect.contains(corner), (key.text(), corner)
    assert clipped_buttons(dialog) == []


def test_the_quantity_keys_count_between_none_and_what_is_left(ui, qtbot):
    window, context = ui
    dialog = _sell_and_open_refund(window, qtbot)
    oil, oranges = dialog.spins[1], dialog.spins[2]
    assert oil.value() == 0 and not oil.minus.isEnabled()
    for _ in range(3):
        qtbot.mouseClick(oil.plus, Qt.MouseButton.LeftButton)
    assert oil.value() == 2 and not oil.plus.isEnabled()  # two bottles sold: two at most
    qtbot.mouseClick(oil.minus, Qt.MouseButton.LeftButton)
    assert oil.value() == 1
    qtbot.mouseClick(oranges.plus, Qt.MouseButton.LeftButton)
    assert oranges.value() == 1 and not oranges.plus.isEnabled()  # a weighed line: whole
    dialog.reason.setText("质量问题")
    with qtbot.waitSignal(dialog.refunded) as done:
        dialog.refund()
        approve(dialog.approval)
    lines = done.args[0]["body"]["lines"]
    assert [(line["line_no"], line.get("qty"), line.get("weight_g")) for line in lines] == [
        (1, 1, None),
        (2, None, 1234),
    ]
