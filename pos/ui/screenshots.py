"""`booth-pos screenshots`: the cashier screens in Chinese and English, as PNG files, and the
printed receipt as the preview printer draws it.

Runs on a throw-away demo booth (nothing touches a real data directory), offscreen unless
a display is set. Install a CJK font first (fonts-noto-cjk) or Chinese shows as boxes.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

SCREENS = ("login", "sale", "payment", "receipt", "weigh")
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
        terminal.close()
        scale = ScaleSimulator("continuous", interval_s=0.05, weight_g=1234)
        (home / "booth.toml").write_text(
            f'[scale]\nport = "{scale.path}"\nprotocol = "continuous"\n', encoding="utf-8"
        )
        for language in LANGUAGES:
            window, ctx = build(home, language, inline=True, clock=lambda: DEMO_TIME)
            window.resize(*SIZE)
            window.show()

            def save(name: str, widget, language: str = language) -> None:
                app.processEvents()
                path = out_dir / f"{name}_{language}.png"
                widget.grab().save(str(path))
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
            window.close()
            ctx.terminal.close()
        scale.close()
        entry = _last_sale(home)
        written.append(_printed_receipt(home, entry, out_dir))
    return written


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
    from hardware.receipt import layout

    receipt = layout(entry, "奉节县扶贫产品专柜", 58)
    return raster.write_png(receipt, 58, out_dir / "printed_receipt_58mm.png")


def main(out: str) -> int:
    for path in take(Path(out)):
        print(path)
    return 0
