"""Cash rounding (抹零) at the till: the payment dialog shows what cash pays, Enter takes it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.support import ORANGES_PLU, scale_label
from tests.support.ui import close_window, login, open_window, scan_keys


def test_the_payment_dialog_rounds_only_the_cash_part_and_says_so(terminal, home, qtbot):
    terminal.close()
    (home / "booth.toml").write_text('[sale]\ncash_rounding = "down_jiao"\n', encoding="utf-8")
    window, context = open_window(qtbot, home, devices=False)
    try:
        login(window)
        scan_keys(window, scale_label("20", ORANGES_PLU, 1584))
        window.open_payment()
        dialog = window.payment
        assert dialog.rounding_label.isVisible()
        assert (
            "-￥0.04" in dialog.rounding_label.text() and "￥15.80" in dialog.rounding_label.text()
        )
        assert dialog.change.text() == "￥15.80"  # still to pay, in cash
        dialog.choose("wechat")  # a mobile payment is never rounded
        assert not dialog.rounding_label.isVisible() and dialog.change.text() == "￥15.84"
        dialog.choose("cash")
        with qtbot.waitSignal(context.session.sale_did_complete) as done:
            QTest.keyClick(dialog.amount, Qt.Key.Key_Return)  # exact cash
        body = done.args[0]["body"]
        assert body["payments"] == [{"method": "cash", "amount_fen": 1580}]
        assert (body["rounding_fen"], body["change_fen"]) == (-4, 0)
    finally:
        close_window(context, devices=False)
