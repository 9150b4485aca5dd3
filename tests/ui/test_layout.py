"""A layout that never overflows: at 1024x768, 1280x800 and 1920x1080, in Chinese and in
English, with the longest status messages, 60-character product names and a full quick-key
grid, the window keeps the size it was given and every button lies inside it. (Offscreen;
tests/x11/ checks the same on a real X server.)"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QPushButton

from hardware.status import PrinterStatus
from pos.print_queue import PrinterState
from sync.client import RoundResult, SyncError
from tests.support import CASHIER, CASHIER_PIN, MANAGER, MANAGER_PIN, OIL
from tests.support.ui import close_window, scan_keys

SIZES = [(1024, 768), (1280, 800), (1920, 1080)]
LONG_NAME = ("重庆市奉节县扶贫产品专业合作社特级脐橙精品礼盒装" * 3)[:60]
LONG_NAME_EN = ("Fengjie county poverty-relief co-operative navel oranges gift " * 2)[:60]
HEADER = (
    "barcode,plu,name,name_en,unit,price_fen,category,supplier_id,supplier_name,county,"
    "certificate_no,certificate_expires\n"
)
LONG_BARCODE = "6970099100018"


def _long_catalog() -> bytes:
    rows = [
        f",{20100 + i},{LONG_NAME},{LONG_NAME_EN},kg,12800,水果,S0001,合作社,奉节县,"
        "CQFP-2025-000123,2099-01-18"
        for i in range(24)  # a full grid: sale.quick_keys_per_category is 24
    ]
    rows.append(
        f"{LONG_BARCODE},,{LONG_NAME},{LONG_NAME_EN},piece,9999900,粮油,S0001,合作社,奉节县,"
        "CQFP-2025-000124,2099-01-18"
    )
    return (HEADER + "\n".join(rows) + "\n").encode()


@pytest.fixture
def long_home(terminal, home):
    terminal.import_catalog(_long_catalog())
    terminal.close()
    return home


def _worst_status(context) -> None:
    """Offline with the longest sync message, the printer out of paper with receipts
    waiting, the clock far off: every part of the status bar at its longest."""
    status = context.status
    status.enrolled = True
    offline = RoundResult(online=False, unsynced=123456, skew_ms=-3 * 24 * 3600 * 1000)
    offline.fail(
        SyncError(
            "The server did not answer ({kind}); sales are kept and will be sent later.",
            kind="ConnectionError",
        )
    )
    status.round_done(offline)
    status.printer = "tcp://192.168.1.87:9100"
    status.printer_changed(
        PrinterState(PrinterStatus("paper_out", True, "the printer says: paper end"), 9999)
    )


def _outside(window, widget_root) -> list[str]:
    """Every visible button of ``widget_root`` not wholly inside the window, or too small
    for a finger."""
    inside = QRect(QPoint(0, 0), window.size())
    wrong = []
    for area in widget_root.findChildren(QAbstractScrollArea):
        rect = QRect(area.mapTo(window, QPoint(0, 0)), area.size())
        if area.isVisible() and not inside.contains(rect):
            wrong.append(f"a scroll area at {rect.getRect()} outside {inside.getRect()}")
    for b in widget_root.findChildren(QPushButton):
        if not b.isVisible() or _scrolls(b):
            continue  # a button in a scroll area is reached by scrolling it
        top_left = b.mapTo(window, QPoint(0, 0))
        rect = QRect(top_left, b.size())
        if not inside.contains(rect):
            wrong.append(f"{b.text()!r} at {rect.getRect()} outside {inside.getRect()}")
        elif b.width() < 44 or b.height() < 44:
            wrong.append(f"{b.text()!r} is {b.width()}x{b.height()}: too small for a finger")
    return wrong


def _scrolls(widget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def _settle(window, size) -> None:
    window.resize(*size)
    for _ in range(3):
        QApplication.processEvents()


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_sale_screen_never_grows_past_the_screen(long_home, qtbot, size, language):
    from pos.ui.app import build

    window, context = build(long_home, language, inline=True)
    qtbot.addWidget(window)
    try:
        window.resize(*size)
        window.show()
        window.login.name.setText(CASHIER)
        window.login.pin.setText(CASHIER_PIN)
        window.login.submit()
        scan_keys(window, LONG_BARCODE)
        scan_keys(window, OIL)
        scan_keys(window, "6970099000011")  # unknown: the notice banner shows
        _worst_status(context)
        window.sale.show_shift(True, "2026-11-27")  # the stale-shift banner too
        _settle(window, size)
        bar = window.statusBar()
        assert bar.sync.text().startswith(("Sync", "同步")) and len(bar.sync.shown_text()) > 0
        assert (window.width(), window.height()) == size, window.minimumSizeHint()
        assert window.minimumSizeHint().width() <= size[0]
        assert window.minimumSizeHint().height() <= size[1]
        assert _outside(window, window) == []
        # the status bar's parts are cut to fit, the whole text in the tooltip
        assert bar.sync.toolTip().startswith(bar.sync.text()) or bar.sync.shown_text() == bar.sync.text()  # fmt: skip
        # the total reads whole
        total = window.sale.total
        assert total.fontMetrics().horizontalAdvance(total.text()) <= total.contentsRect().width()
        assert window.sale.total.text() == "￥100087.00"

        window.open_payment()
        pay = window.payment
        QApplication.processEvents()
        assert pay.minimumSizeHint().width() <= size[0] and pay.minimumSizeHint().height() <= size[1]  # fmt: skip
        pay.reject()

        window.logout()
        window.login.name.setText(MANAGER)
        window.login.pin.setText(MANAGER_PIN)
        window.login.submit()
        window.open_manager()
        _settle(window, size)
        assert window.stack.currentWidget() is window.manager
        assert (window.width(), window.height()) == size
        assert _outside(window, window.manager) == []
    finally:
        close_window(context, devices=False)


def test_a_long_status_message_is_cut_with_the_whole_text_in_its_tooltip(ui, qtbot):
    window, context = ui
    _worst_status(context)
    _settle(window, (1024, 768))
    sync = window.statusBar().sync
    assert sync.shown_text() != sync.text() and sync.shown_text().endswith("…")
    assert sync.text() in sync.toolTip()
    assert window.width() == 1024


def test_a_notice_appearing_or_going_moves_no_button(ui, qtbot):
    """A tap aimed at a button lands on it whether or not a banner shows meanwhile."""
    window, _ = ui
    window.login.name.setText(CASHIER)
    window.login.pin.setText(CASHIER_PIN)
    window.login.submit()
    sale = window.sale
    _settle(window, (1280, 800))
    before = {b.text(): b.mapTo(window, QPoint(0, 0)) for b in sale.findChildren(QPushButton)}
    sale.notice.show_notice("未知条码 6970099000011：" + "很长的说明" * 30, "warning")
    QApplication.processEvents()
    assert sale.notice.isVisible()
    after = {b.text(): b.mapTo(window, QPoint(0, 0)) for b in sale.findChildren(QPushButton)}
    assert after == before
    # the banner lies over the cart, never over the buttons, and a tap dismisses it
    banner = QRect(sale.notice.mapTo(window, QPoint(0, 0)), sale.notice.size())
    table = QRect(sale.table.mapTo(window, QPoint(0, 0)), sale.table.size())
    assert table.contains(banner)
    qtbot.mouseClick(sale.notice, Qt.MouseButton.LeftButton)
    assert not sale.notice.isVisible()
