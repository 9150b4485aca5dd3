"""The cashier's window as a booth runs it: `booth-pos run --kiosk` on a bare X server at
1024x768 and 1920x1080, in Chinese and English, online and offline, typed at with real key
events. The window fills the screen and never grows past it, the keyboard comes back after
every dialog, a 3-item cash sale with exact money is 5 presses, payment codes are
collected through HQ (and its gateway simulator), and a quickly typed PIN logs in."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.support import GIFT_BOX, OIL, RICE
from tests.x11.conftest import ROOT, Till, till, wait_for

pytestmark = pytest.mark.x11

WECHAT_CODE = "134567890123456789"
ALIPAY_CODE = "2812345678901234"
FAST_CASHIER, FAST_PIN = "张敏", "135792"  # six digits, typed 30 ms apart


@pytest.fixture
def hq(demo_home, sqlite_template, tmp_path):
    """The demo booth enrolled with a real central server on 127.0.0.1 (running), which
    collects its mobile payments through the gateway simulator."""
    import shutil

    from pos.terminal import Terminal
    from sync.client import enroll
    from sync.server import registry
    from sync.server.db import make_engine
    from sync.server.payments import booths
    from sync.server.payments.simulator import Simulator
    from sync.server.settings import ServerSettings
    from tests.support.live import start_server, stop_server

    path = tmp_path / "server.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    gateways = Simulator(tmp_path / "payment-keys").start()
    live = start_server(engine, ServerSettings(db=url, payments_config=str(gateways.config)))
    with engine.begin() as conn:
        registry.add_booth(conn, "B1", "奉节县扶贫专柜")
        code = registry.add_enrol_code(conn, "B1", 1)
        booths.set_booth(conn, "B1", "cli:test", "1900000109", "202611BBx11-app-auth-token")
    terminal = Terminal.open(demo_home)
    try:
        enroll(terminal, live.url, code)
    finally:
        terminal.close()
    yield live
    stop_server(live)
    gateways.stop()
    engine.dispose()


def _paid_attempts(t: Till) -> int:
    """How many mobile payments the till holds as paid (collected through HQ)."""
    import sqlite3

    conn = sqlite3.connect(f"file:{t.home / 'booth.db'}?mode=ro", uri=True, timeout=5)
    try:
        return conn.execute("SELECT count(*) FROM payment_attempts WHERE state = 'paid'").fetchone()[0]  # fmt: skip
    finally:
        conn.close()


def _fits(t: Till) -> None:
    """The window covers the screen exactly: no black band, nothing past the edge."""
    x, y, width, height = t.geometry()
    assert (x, y, width, height) == (0, 0, *t.screen()), (x, y, width, height)


def _dialog_has_keyboard(t: Till) -> str:
    """Wait until a second window of ours (a dialog) is up and holds the X keyboard focus."""

    def up() -> str:
        others = [w for w in t.windows() if w != t.window]
        focus = t.focused()
        return focus if others and focus in others else ""

    return wait_for("a dialog with the keyboard", up, 10, t.process)


def _window_has_keyboard(t: Till) -> None:
    """Wait until only the main window is up and it holds the X keyboard focus."""
    seen = []

    def back() -> bool:
        seen[:] = [t.windows(), t.focused()]
        return seen[0] == [t.window] and seen[1] == t.window

    wait_for(lambda: f"the sale screen ({t.window}) taking the keyboard back (windows, focus: {seen})",
             back, 10, t.process)  # fmt: skip


def _cash_sale(t: Till, codes: list[str], sales_before: int) -> dict:
    """Scan, F9, Enter (exact cash): returns the journal's sale entry."""
    for code in codes:
        t.scan(code)
    t.key("F9")
    _dialog_has_keyboard(t)
    t.key("Return")
    return t.wait_sales(sales_before + 1)[-1]


def test_kiosk_sale_in_chinese_offline_at_1024x768(demo_home, hq):
    from tests.support.live import stop_server

    stop_server(hq)  # enrolled, and the server is gone: offline with the longest sync message
    with till(demo_home, "1024x768", "zh_CN") as t:
        _fits(t)
        t.screenshot("1024x768-zh_CN-offline-login")
        t.login()
        before = len(t.entries())
        wait_for("the window taking the first sync round", lambda: t.window in t.windows(), 5)

        # A 3-item cash sale with exact money from a logged-in sale screen.
        t.presses = 0
        first = _cash_sale(t, [OIL, RICE, GIFT_BOX], before)
        presses_first = t.presses
        body = first["body"]
        assert [line["barcode"] for line in body["lines"]] == [OIL, RICE, GIFT_BOX]
        assert body["payments"] == [{"method": "cash", "amount_fen": 22660}]
        assert body["change_fen"] == 0
        assert presses_first == 5, f"{presses_first} presses"
        _dialog_has_keyboard(t)  # the receipt
        t.screenshot("1024x768-zh_CN-offline-receipt")
        _fits(t)

        # Right after the receipt closed: the same 5 presses.
        t.key("Return")  # next customer
        _window_has_keyboard(t)
        t.presses = 0
        second = _cash_sale(t, [RICE, OIL, GIFT_BOX], before + 1)
        assert t.presses == 5 and second["body"]["total_fen"] == 22660

        # After the receipt: typed characters go to search (Enter adds the first match).
        t.key("Return")
        _window_has_keyboard(t)
        t.type(OIL, 90)  # a person typing the code, not a scanner
        t.key("Return")
        # Esc asks before cancelling; Enter keeps the cart, and the keyboard comes back.
        t.key("Escape")
        _dialog_has_keyboard(t)
        t.screenshot("1024x768-zh_CN-offline-cancel-question")
        t.key("Return")
        _window_has_keyboard(t)
        third = _cash_sale(t, [], before + 2)
        assert [line["barcode"] for line in third["body"]["lines"]] == [OIL]
        t.key("Return")
        _window_has_keyboard(t)
        t.screenshot("1024x768-zh_CN-offline-sale")
        _fits(t)  # the offline message did not widen it


def test_kiosk_mobile_payment_in_english_online_at_1920x1080(demo_home, hq):
    subprocess.run([sys.executable, "-m", "pos.cli", "--home", str(demo_home), "user", "add",
                    FAST_CASHIER, "--role", "cashier"],
                   env={**os.environ, "BOOTH_POS_PIN": FAST_PIN},
                   check=True, capture_output=True, cwd=ROOT)  # fmt: skip
    with till(demo_home, "1920x1080", "en") as t:
        _fits(t)
        t.screenshot("1920x1080-en-online-login")
        # A six-digit PIN typed quickly is a person's typing, not a scan.
        t.type(FAST_CASHIER, 60)
        t.key("ctrl+a")  # see Till.login
        t.type(FAST_CASHIER, 60)
        t.key("Return")
        t.type(FAST_PIN, 30)
        t.key("Return")
        before = len(t.entries())
        t.scan(OIL)
        t.scan(RICE)  # ￥157.80
        t.key("F9")
        _dialog_has_keyboard(t)
        t.type("100", 90)  # the customer pays ￥100 by WeChat...
        t.scan(WECHAT_CODE)  # ...scanned with the amount field focused
        # The cashier scans the second code once the first is collected and its confirm
        # window has closed (keys typed while it is open go to it, not to the payment screen).
        wait_for("the WeChat payment collected", lambda: _paid_attempts(t) == 1, 30, t.process)
        _dialog_has_keyboard(t)
        t.screenshot("1920x1080-en-online-payment")
        t.scan(ALIPAY_CODE)  # the rest by Alipay
        wait_for(
            "both payments collected through HQ", lambda: _paid_attempts(t) == 2, 30, t.process
        )
        _dialog_has_keyboard(t)  # the confirm window closed: the payment screen has it
        t.key("Return")
        sale = t.wait_sales(before + 1)[-1]["body"]
        assert sale["cashier"] == FAST_CASHIER
        # both collected through HQ and the gateway simulator: each names its payment
        assert [(p["method"], p["amount_fen"], p["reference"][-4:]) for p in sale["payments"]] == [
            ("wechat", 10000, WECHAT_CODE[-4:]),
            ("alipay", 5780, ALIPAY_CODE[-4:]),
        ]
        assert all(p["out_trade_no"] and p["transaction_id"] for p in sale["payments"])
        _dialog_has_keyboard(t)
        t.key("Return")
        _window_has_keyboard(t)
        t.screenshot("1920x1080-en-online-sale")
        _fits(t)


@pytest.mark.parametrize(
    ("size", "language", "online"),
    [("1024x768", "en", True), ("1920x1080", "zh_CN", False)],
)
def test_kiosk_fills_the_screen(demo_home, hq, size, language, online):
    from tests.support.live import stop_server

    if not online:
        stop_server(hq)
    state = "online" if online else "offline"
    with till(demo_home, size, language) as t:
        _fits(t)
        t.login()
        before = len(t.entries())
        t.scan(OIL)
        t.scan("6970099000011")  # unknown: the notice shows over the cart
        t.screenshot(f"{size}-{language}-{state}-sale")
        _fits(t)
        t.key("F9")
        _dialog_has_keyboard(t)
        t.screenshot(f"{size}-{language}-{state}-payment")
        t.key("Return")
        assert [line["barcode"] for line in t.wait_sales(before + 1)[-1]["body"]["lines"]] == [OIL]
