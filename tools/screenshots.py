"""`python -m tools.screenshots --out DIR`: the cashier's and the manager's screens in Chinese and English, as
PNG files, and the printed receipt as the preview printer draws it.

Runs on a throw-away demo booth (nothing touches a real data directory), offscreen unless
a display is set. Install a CJK font first (fonts-noto-cjk) or Chinese shows as boxes.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

SCREENS = (
    "login",
    "sale",
    "payment",
    "receipt",
    "weigh",
    "refund",
    "manager",
    "charts",
    "close_count",
    "close_settle",
    "close_review",
    "z_history",
    "stock_checkin",
    "stock_weigh",
    "stock_weigh_typed",
    "stock_count",
    "stock_transfer",
    "stock_low",
    "sale_low_stock",
)
#: The stock screens are taken at the smallest screen a booth has.
SMALL = (1024, 768)
LANGUAGES = ("zh_CN", "en")
SIZE = (1280, 800)
DEMO_TIME = datetime(2026, 11, 28, 2, 15, 2, tzinfo=UTC)  # 10:15 in Chongqing


def take(out_dir: Path) -> list[Path]:
    """Write <screen>_<language>.png for every screen and language; returns the paths."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from hardware.sim_scale import ScaleSimulator
    from pos.demo import CASHIER, CASHIER_PIN, DEMO_CATALOG, MANAGER, MANAGER_PIN, scale_label
    from pos.terminal import Terminal
    from pos.ui.app import application, build

    out_dir.mkdir(parents=True, exist_ok=True)
    app = application()
    written = []
    with tempfile.TemporaryDirectory(prefix="booth-shots-") as tmp:
        home = Path(tmp) / "booth"
        terminal, _ = Terminal.init(home, "CQ-FJ-001-T1", "奉节县扶贫产品专柜")
        terminal.import_catalog(DEMO_CATALOG.read_bytes())
        terminal.add_user(CASHIER, "cashier", CASHIER_PIN)
        terminal.add_user(MANAGER, "manager", MANAGER_PIN)
        manager = terminal.authenticate(MANAGER, MANAGER_PIN)
        terminal.open_shift(manager, 50000, {10000: 3, 5000: 2, 1000: 8, 500: 4})
        _stock_setup(terminal)
        terminal.close()
        scale = ScaleSimulator("continuous", interval_s=0.05, weight_g=1234)
        (home / "booth.toml").write_text(
            f'[scale]\nport = "{scale.path}"\nprotocol = "continuous"\n', encoding="utf-8"
        )
        for language in LANGUAGES:
            window, ctx = build(home, language, inline=True, clock=lambda: DEMO_TIME)
            window.resize(*SIZE)
            window.show()

            def save(name: str, widget, language: str = language, over=None) -> None:
                """``over``: a dialog drawn centred on ``widget``, as the booth sees it."""
                from PySide6.QtGui import QPainter

                app.processEvents()
                path = out_dir / f"{name}_{language}.png"
                shot = widget.grab()
                if over is not None:
                    top = over.grab()
                    painter = QPainter(shot)
                    x, y = (shot.width() - top.width()) // 2, (shot.height() - top.height()) // 2
                    painter.drawPixmap(x, y, top)
                    painter.end()
                shot.save(str(path))
                written.append(path)

            window.login.name.setText(CASHIER)
            window.login.pin.setText("24")
            save("login", window)
            ctx.session.login(CASHIER, CASHIER_PIN)
            window.show_sale()
            for code in (
                "6970006000011",
                scale_label("21", "10001", 1234),
                "6970005000012",
                "20001",
            ):
                ctx.session.scan(code)
            ctx.session.set_qty(0, 2)
            save("sale", window)
            window.open_payment()
            pay = window.payment
            pay.choose("wechat")  # part by WeChat Pay, the rest in cash with change
            pay.amount.setText("100")
            pay.reference.setText("134567890123456789")
            pay.add_current()
            pay.choose("cash")
            pay.amount.setText("200")
            save("payment", window.payment)
            window.payment.finish()
            save("receipt", window.preview)
            window.preview.accept()
            ctx.devices.scale.start()
            oranges = next(p for p in ctx.terminal.search("10001") if p.plu == "10001")
            window.sale.enter_weight(oranges)
            weigh = window.sale.weigh_dialog
            deadline = time.monotonic() + 5
            while not weigh.add_button.isEnabled() and time.monotonic() < deadline:
                app.processEvents()
                time.sleep(0.01)
            save("weigh", weigh)
            weigh.reject()
            ctx.devices.scale.stop()
            _manager_screens(window, ctx, save)
            _stock_screens(window, ctx, save)
            window.close()
            ctx.terminal.close()
        scale.close()
        entry = _last_sale(home)
        written.append(_printed_receipt(home, entry, out_dir))
    return written


def _manager_screens(window, ctx, save) -> None:
    """A refund being chosen, then the manager screen, its charts, the blind close wizard
    page by page and the Z history; a new shift is opened for the next language."""
    from pos.demo import MANAGER, MANAGER_PIN

    window.open_refund()
    refund = window.refund_dialog
    refund.find_last()
    refund.spins[1].setValue(1)
    refund.reason.setText(refund.tr("Quality problem"))
    save("refund", refund)
    refund.reject()
    manager = ctx.terminal.authenticate(MANAGER, MANAGER_PIN)
    window._show_manager(manager)
    screen = window.manager
    save("manager", window)
    screen.tabs.setCurrentIndex(1)
    save("charts", window)
    screen.close_shift()
    wizard = screen.dialog
    for fen, count in {10000: 5, 5000: 3, 1000: 9, 500: 4, 100: 7, 50: 1}.items():
        wizard.grid.fields[fen].setText(str(count))
    save("close_count", wizard)
    wizard.next()
    save("close_settle", wizard)
    wizard.next()
    wizard.reason.setText("找零多给" if ctx.languages.current == "zh_CN" else "Change given twice")
    save("close_review", wizard)
    wizard.next()
    wizard.next()
    screen.tabs.setCurrentIndex(2)
    save("z_history", window)
    ctx.terminal.open_shift(manager, 50000)


def _stock_weigh(window, ctx, save) -> None:
    """Oranges of delivery 1128 on the scale, from the Deliveries page; then the typed grams
    a booth without a scale gets."""
    from PySide6.QtWidgets import QApplication

    page = window.manager.stock.deliveries
    ctx.devices.scale.start()
    page.scan("10001")
    weigh = page.weighing.dialog
    deadline = time.monotonic() + 5
    while not weigh.add_button.isEnabled() and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)
    save("stock_weigh", window, over=weigh)
    weigh.reject()
    ctx.devices.scale.stop()
    page.weighing.scale = None
    page.scan("10001")
    typed = page.weighing.dialog
    typed.field.setText("4870")
    save("stock_weigh_typed", window, over=typed)
    typed.reject()
    page.weighing.scale = ctx.devices.scale


def _stock_setup(terminal) -> None:
    """Stock on hand, minimums from HQ, and HQ's delivery 1128 waiting to be checked in."""
    from pos.store import stock as stock_db
    from sync.protocol.stock import expected_delivery

    ids = {code: terminal.product_for(code)[0].id for code in ("6970006000011", "6970005000012", "10001", "6970001000016")}  # fmt: skip
    for code, qty in (("6970006000011", 4), ("6970005000012", 30), ("6970001000016", 2)):
        terminal.receive_stock(code, qty)
    lines = [{"product_id": ids[c], "qty": q} for c, q in (("6970006000011", 24), ("6970005000012", 10), ("10001", 20000))]  # fmt: skip
    with terminal.store.write() as conn:
        stock_db.add_expected_delivery(conn, expected_delivery({"id": 1128, "lines": lines, "created_at": "2026-11-28T01:30:00.000Z"}), 1)  # fmt: skip
        for code, minimum in (("6970006000011", 12), ("6970001000016", 6), ("6970005000012", 10)):
            stock_db.set_hq_minimum(conn, ids[code], minimum)


def _stock_screens(window, ctx, save) -> None:
    """The stock tab at 1024 x 768: a check-in half scanned with a shortfall, a count in
    progress, a transfer being made, low stock; then the sale screen's low-stock line."""
    from pos.demo import MANAGER, MANAGER_PIN

    window.resize(*SMALL)
    manager = ctx.terminal.authenticate(MANAGER, MANAGER_PIN)
    window._show_manager(manager)
    screen = window.manager
    screen.tabs.setCurrentWidget(screen.stock)
    stock = screen.stock
    first = ctx.languages.current == "zh_CN"
    if first:  # the booth's state carries over to the English run
        for _ in range(22):
            ctx.terminal.booth_stock.scan_received("1128", "6970006000011")
        ctx.terminal.booth_stock.scan_received("1128", "6970005000012", 10)
    stock.setCurrentWidget(stock.deliveries)
    stock.deliveries.refresh()
    save("stock_checkin", window)
    _stock_weigh(window, ctx, save)
    stock.setCurrentWidget(stock.counts)
    if ctx.terminal.booth_stock.current_count() is None:
        ctx.terminal.booth_stock.start_count(manager, "粮油")
        ctx.terminal.booth_stock.add_counted("6970006000011", 3)
        ctx.terminal.booth_stock.add_counted("6970005000012", 30)
    stock.counts.refresh()
    save("stock_count", window)
    stock.setCurrentWidget(stock.transfers)
    stock.transfers.booth.setText("CQ-WS-003")
    stock.transfers.add("6970005000012", 6)
    stock.transfers.add("6970001000016", 1)
    save("stock_transfer", window)
    stock.transfers.clear()
    stock.setCurrentWidget(stock.low)
    save("stock_low", window)
    window.show_sale()
    save("sale_low_stock", window)
    window.resize(*SIZE)


def _last_sale(home: Path) -> dict:
    from pos.terminal import Terminal

    terminal = Terminal.open(home)
    try:
        return terminal.sale_entry(terminal.store.conn.execute(
            "SELECT max(seq) FROM journal WHERE type = 'sale'"
        ).fetchone()[0])  # fmt: skip
    finally:
        terminal.close()


def _printed_receipt(home: Path, entry: dict, out_dir: Path) -> Path:
    """The receipt as the 58 mm preview printer draws it (what the paper will show)."""
    from hardware import raster
    from pos.paper.receipt import layout

    receipt = layout(entry, "奉节县扶贫产品专柜", 58)
    return raster.write_png(receipt, 58, out_dir / "printed_receipt_58mm.png")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.screenshots",
        description="Render the cashier's and the manager's screens (zh_CN and en) to PNG.",
    )
    parser.add_argument(
        "--out", default="screenshots", metavar="DIR", help="directory for the PNG files"
    )
    args = parser.parse_args(argv)
    for path in take(Path(args.out)):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
