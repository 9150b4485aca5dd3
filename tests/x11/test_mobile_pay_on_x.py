"""A cashier takes mobile payments in the real window: `booth-pos run --kiosk` on Xvfb at
1024x768, in Chinese and in English, against HQ (`booth-pos-server serve`) and the gateway
simulator started as `make run` starts them (sync.demo). Real key events only; the scanner
is a keyboard wedge (the code and Enter). One sale of ￥88.00: ￥1.01 by WeChat Pay with a
password wait (the simulator's customer confirms after 2 queries), ￥1.02 by Alipay that the
customer never confirms and the cashier cancels with Esc, then the rest by Alipay, paid at
once. Afterwards the journal, the till's attempts, HQ's attempts and sales, and the money
at the gateway all agree. Screenshots of the waiting dialog, the paid state and the cancel
are kept in build/screenshots/."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest
from sqlalchemy import select

from tests.support import OIL
from tests.support.live import free_port
from tests.x11.conftest import ROOT, Till, till, wait_for

pytestmark = pytest.mark.x11

SHOTS = ROOT / "build" / "screenshots"
WECHAT_CODE = "134567890123450101"
ALIPAY_CANCELLED = "284567890123450102"
ALIPAY_PAID = "284567890123458699"
CASHIER, PIN = "xiaochen", "246813"


@pytest.fixture
def hq_as_make_run(demo_home):
    """HQ and the gateway simulator as `make run` starts them: the demo booth registered with
    its gateway ids, HQ's catalog, `booth-pos-server serve` pointed at the simulator, the
    till enrolled. Yields (HQ's database file, the simulator)."""
    from pos.terminal import Terminal
    from sync import demo
    from sync.client import enroll

    db = demo_home / "hq-server" / "server.db"
    db.parent.mkdir()
    terminal = Terminal.open(demo_home)
    terminal_id = terminal.terminal_id
    terminal.close()
    code = demo.prepare_server(db, terminal_id)
    gateways = demo.start_gateways(db.parent / "payment-keys")
    port = free_port()
    server = demo.start_server(db, port, gateways.config)
    try:
        terminal = Terminal.open(demo_home)
        try:
            enroll(terminal, f"http://127.0.0.1:{port}", code)
        finally:
            terminal.close()
        with (demo_home / "booth.toml").open("a", encoding="utf-8") as toml:
            toml.write("\n[sync]\ninterval_s = 5\n")  # the pushed sale shows up at HQ soon
        # A cashier whose name xdotool types as plain keys: its Chinese typing (a remapped
        # spare key per character) drops characters under load, and login is not what
        # this test is about (test_till_on_x.py logs in as 李娜).
        subprocess.run([sys.executable, "-m", "pos.cli", "--home", str(demo_home), "user", "add",
                        CASHIER, "--role", "cashier"], env={**os.environ, "BOOTH_POS_PIN": PIN},
                       check=True, capture_output=True, cwd=ROOT)  # fmt: skip
        yield db, gateways
    finally:
        server.terminate()
        server.wait(10)
        gateways.stop()


def _attempts(t: Till) -> list[dict]:
    conn = sqlite3.connect(f"file:{t.home / 'booth.db'}?mode=ro", uri=True, timeout=5)
    conn.row_factory = sqlite3.Row
    try:
        rows = conn.execute(
            "SELECT out_trade_no, method, amount_fen, state, settled FROM payment_attempts"
            " ORDER BY created_at, rowid"
        )
        return [dict(r) for r in rows]
    finally:
        conn.close()


def _attempt(t: Till, n: int, **expected) -> dict:
    """Wait until the till's n-th attempt (0-based) has the expected fields."""

    def matches():
        found = _attempts(t)
        return len(found) > n and all(found[n][k] == v for k, v in expected.items()) and found[n]

    return wait_for(lambda: f"attempt {n} with {expected} (till: {_attempts(t)})", matches, 30,
                    t.process)  # fmt: skip


def _windows(t: Till, count: int) -> None:
    """Wait until ``count`` windows of ours are up (the sale screen, dialogs over it) and one
    of them has the keyboard."""
    wait_for(lambda: f"{count} windows up (now {t.windows()})",
             lambda: len(t.windows()) == count and t.focused() in t.windows(), 15, t.process)  # fmt: skip


def _hq(db):
    from sync.server.db import make_engine
    from sync.server.tables import payment_attempts, quarantine, sales

    engine = make_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            attempts = {
                r.out_trade_no: (r.method, r.amount_fen, r.state, r.sale_seq)
                for r in conn.execute(select(payment_attempts))
            }
            counted = set(conn.execute(select(sales.c.seq)).scalars())
            held = list(conn.execute(select(quarantine.c.seq)).scalars())
    finally:
        engine.dispose()
    return attempts, counted, held


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_a_cashier_takes_wechat_and_alipay_payments_with_a_wait_and_a_cancel(
    demo_home, hq_as_make_run, language
):
    db, simulator = hq_as_make_run
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = f"x11-mobile-pay-1024x768-{language}"
    with till(demo_home, "1024x768", language) as t:
        t.type(CASHIER, 60)
        t.key("Return")
        t.type(PIN, 60)
        t.press_and_see_it_change("Return")  # the sale screen replaces the login screen
        before = len(t.entries())
        t.scan(OIL)  # ￥88.00
        t.key("F9")
        _windows(t, 2)  # the payment screen

        # WeChat Pay, ￥1.01: the customer enters a password; the till waits and polls.
        t.type("1.01", 90)
        t.scan(WECHAT_CODE)
        _windows(t, 3)  # the "confirm on the phone" dialog over the payment screen
        _attempt(t, 0, method="wechat", amount_fen=101, state="waiting")
        t.screenshot(f"{shot}-1-wechat-waiting", SHOTS)
        _attempt(t, 0, state="paid")
        _windows(t, 2)  # the dialog closed by itself; the payment is on the list
        t.screenshot(f"{shot}-2-wechat-paid", SHOTS)

        # Alipay, ￥1.02: the customer never confirms; the cashier cancels with Esc.
        t.type("1.02", 90)
        t.scan(ALIPAY_CANCELLED)
        _windows(t, 3)
        _attempt(t, 1, method="alipay", amount_fen=102, state="waiting")
        t.screenshot(f"{shot}-3-alipay-waiting", SHOTS)
        t.key("Escape")  # Esc on the dialog is its Cancel
        _attempt(t, 1, settled="cancelled")
        _windows(t, 2)
        t.screenshot(f"{shot}-4-alipay-cancelled", SHOTS)

        # The rest by Alipay, paid at once; Enter finishes the sale.
        t.scan(ALIPAY_PAID)
        _attempt(t, 2, method="alipay", amount_fen=8699, state="paid")
        _windows(t, 2)
        t.screenshot(f"{shot}-5-alipay-paid", SHOTS)
        t.key("Return")
        sale = t.wait_sales(before + 1)[-1]
        _windows(t, 2)  # the receipt
        t.key("Return")
        seq = sale["seq"]

        # The journal: two collected tenders naming the attempts, nothing of the cancel.
        attempts = _attempts(t)
        paid = [a for a in attempts if a["state"] == "paid"]
        pays = sale["body"]["payments"]
        assert [(p["method"], p["amount_fen"]) for p in pays] == [("wechat", 101), ("alipay", 8699)]
        assert [p["out_trade_no"] for p in pays] == [a["out_trade_no"] for a in paid]
        assert all(
            p["transaction_id"] and p["reference"].endswith(p["reference"][-4:]) for p in pays
        )
        assert [a["settled"] for a in attempts] == ["sale", "cancelled", "sale"]

        # HQ: every attempt resolved; the sale pushed by the window's sync counts, claimed.
        def synced():
            found = _hq(db)
            return seq in found[1] and found

        at_hq, counted, held = wait_for(f"sale {seq} counted at HQ", synced, 30, t.process)
    assert held == []
    assert at_hq == {
        attempts[0]["out_trade_no"]: ("wechat", 101, "paid", seq),
        attempts[1]["out_trade_no"]: ("alipay", 102, "cancelled", None),
        attempts[2]["out_trade_no"]: ("alipay", 8699, "paid", seq),
    }
    ledger = simulator.ledger()
    assert (ledger["money_fen"], ledger["waiting"]) == (8800, 0), json.dumps(ledger, indent=1)
