"""Focus you can trust (offscreen; tests/x11 checks the same with real X focus): the login
screen has the keyboard, typing never vanishes, the line just scanned is highlighted, the
window takes the keyboard back when a dialog closes, and scan detection leaves a person's
PIN and amounts alone and says when a scan was not used."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton

from pos.ui.widgets import NumberPad
from tests.support import OIL, RICE
from tests.support.ui import login, scan_keys


def _fast_keys(target, text: str) -> None:
    """Keys 5 ms apart (the test clock's step), Enter last: as quick as a scanner."""
    for ch in text:
        QTest.keyClick(target, ch)
    QTest.keyClick(target, Qt.Key.Key_Return)


def test_the_login_screen_has_the_keyboard_and_tab_visits_only_what_shows(ui, qtbot):
    window, _ = ui
    screen = window.login
    qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.name)
    stops = []
    for _ in range(8):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        stops.append(QApplication.focusWidget())
    assert stops[:2] == [screen.pin, screen.login_button]
    assert all(w.isVisible() for w in stops), [w for w in stops if not w.isVisible()]
    pad_keys = [b for pad in screen.findChildren(NumberPad) for b in pad.findChildren(QPushButton)]
    assert pad_keys and not any(stop in pad_keys for stop in stops)


@pytest.fixture
def fast_cashier(terminal):
    terminal.add_user("张敏", "cashier", "135792")


def test_a_quick_six_digit_pin_logs_in(fast_cashier, ui, qtbot):
    window, context = ui
    screen = window.login
    screen.name.setText("张敏")
    screen.pin.setFocus()
    _fast_keys(screen.pin, "135792")
    assert window.stack.currentWidget() is window.sale
    assert context.session.cashier.name == "张敏"


def test_a_scan_on_the_login_screen_says_it_was_not_used(ui):
    window, _ = ui
    scan_keys(window.login.name, OIL)
    assert window.login.error.isVisible() and OIL in window.login.error.text()
    assert window.login.name.text() == ""


def test_a_quickly_typed_amount_is_an_amount_not_a_scan(ui, qtbot):
    window, context = ui
    login(window)
    scan_keys(window, OIL)
    window.open_payment()
    pay = window.payment
    pay.amount.setFocus()
    with (
        qtbot.assertNotEmitted(context.scanner.scanned),
        qtbot.waitSignal(context.session.sale_did_complete) as done,
    ):
        _fast_keys(pay.amount, "100000")  # ￥100,000 handed over, typed as fast as a scanner
    assert done.args[0]["body"]["payments"] == [{"method": "cash", "amount_fen": 10_000_000}]


def test_the_scanned_line_stays_highlighted(ui):
    window, _ = ui
    login(window)
    scan_keys(window, OIL)
    scan_keys(window, RICE)
    rows = window.sale.table.selectionModel().selectedRows()
    assert [r.row() for r in rows] == [1]


def test_typing_on_the_cart_or_on_nothing_goes_to_search(ui, qtbot):
    window, _ = ui
    login(window)
    sale = window.sale
    sale.table.setFocus()
    QTest.keyClicks(sale.table, "yy")
    qtbot.waitUntil(lambda: sale.search.text() == "yy")
    sale.search.clear()
    QApplication.focusWidget().clearFocus()
    QTest.keyClick(window, "y")
    qtbot.waitUntil(lambda: sale.search.text() == "y")


def test_after_adding_from_search_plus_adds_one_more(ui, qtbot):
    window, context = ui
    login(window)
    sale = window.sale
    sale.search.setFocus()
    sale.search.setText("酉阳茶油500")
    QTest.keyClick(sale.search, Qt.Key.Key_Return)
    assert sale.model.rowCount() == 1
    assert QApplication.focusWidget() is sale.table
    QTest.keyClick(sale.table, Qt.Key.Key_Plus)
    assert context.session.cart.live_lines[0].qty == 2
    assert sale.search.text() == ""


def test_the_window_takes_the_keyboard_back_when_a_dialog_closes(ui, qtbot):
    window, context = ui
    login(window)
    scan_keys(window, OIL)
    window.sale.confirm_cancel()
    box = window.sale.cancel_box
    qtbot.waitUntil(lambda: box.isVisible())
    box.reject()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.sale.table)
    assert window.isActiveWindow()
    QTest.keyClick(window.sale.table, Qt.Key.Key_F9)
    assert window.payment is not None


def test_the_status_bar_says_the_open_shift_before_anyone_logs_in(ui):
    window, _ = ui
    shift = window.statusBar().shift.text()
    assert "王强" in shift and "未开班" not in shift and "none" not in shift


def test_the_status_bar_says_network_failures_in_words_and_sync_time_in_booth_time(ui):
    from datetime import datetime

    from sync.client import RoundResult, SyncError

    window, context = ui
    status = context.status
    status.enrolled = True
    offline = RoundResult(online=False, unsynced=2)
    offline.fail(
        SyncError(
            "The server did not answer ({kind}); sales are kept and will be sent later.",
            kind="ConnectionError",
        )
    )
    status.round_done(offline)
    bar = window.statusBar()
    assert "ConnectionError" not in bar.sync.text() + bar.sync.toolTip()
    assert "连不上网络" in bar.sync.text()
    zone = context.terminal.settings.zone  # Asia/Shanghai, whatever the PC's zone is
    before = datetime.now(zone).strftime("%H:%M")
    status.round_done(RoundResult(online=True))
    after = datetime.now(zone).strftime("%H:%M")
    assert status.last_success[:5] in {before, after}  # the clock beside it reads the same
