"""SIGKILL of a real till process (`booth-pos sale --code`) at random moments while a mobile
payment is under way, against the real HQ and the gateway simulator; after every restart the
next sale settles what was left open. At the end: every payment the gateway holds money for
has its sale in the journal, every sale's mobile tender is a paid attempt at HQ, and nothing
is left waiting at the till, at HQ or at the gateway."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import select

from pos.terminal import Terminal
from sync.server.tables import payment_attempts
from tests.server.payments_support import code, serve_payments, set_up_booth
from tests.support import CASHIER, CASHIER_PIN, OIL, ROOT, pin_file
from tests.support.pay_hq import enrol_with
from tests.support.ui import configure

KILLS = 50
#: cash part -> what is left for the phone picks the simulator's scenario (88.00 - cash)
SCENARIOS = {
    "": "paid at once (￥88.00)",
    "cash:8699": "waits 2 queries, then paid (￥1.01)",
    "cash:8698": "never confirms: revoked (￥1.02)",
    "cash:8697": "insufficient balance (￥1.03)",
    "cash:8694": "system error, then paid (￥1.06)",
}


@pytest.fixture
def db_url(tmp_path, sqlite_template):
    path = tmp_path / "server.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


def _sale(home, cash: str) -> subprocess.Popen:
    args = [sys.executable, "-m", "pos.cli", "--home", str(home), "sale", "--cashier", CASHIER,
            *pin_file(CASHIER_PIN), "--item", OIL, "--code", code("wechat" if cash != "cash:8694" else "alipay")]  # fmt: skip
    if cash:
        args += ["--pay", cash]
    return subprocess.Popen(
        args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=os.environ.copy()
    )


@pytest.mark.slow
def test_killing_the_till_mid_payment_never_loses_money_or_a_sale(
    terminal, home, http_server, engine, db_url, simulator
):
    live = serve_payments(http_server, engine, db_url, simulator)
    token = set_up_booth(live)
    enrol_with(terminal, live.url, token)
    configure(home, "[payments]\npoll_ms = 50\n")
    terminal.close()
    rng = random.Random(int(os.environ.get("KILL_SEED", "16")))
    started = time.monotonic()
    whole = _sale(home, "cash:8699")  # one uninterrupted sale: how long a payment takes here
    assert whole.wait(30) == 0, whole.stderr.read()
    span = time.monotonic() - started
    kills = 0
    rounds = 0
    while kills < KILLS:
        rounds += 1
        proc = _sale(home, rng.choice(list(SCENARIOS)))
        try:
            proc.wait(timeout=rng.uniform(0.05, 1.2) * span)  # a random moment of the payment
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
            kills += 1
        proc.stderr.close()
    elapsed = time.monotonic() - started

    # The restart: what is still open is settled; a paid sale that came back is finished.
    settle = subprocess.run(
        [sys.executable, "-m", "pos.cli", "--home", str(home), "payments", "settle", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert settle.returncode == 0, settle.stderr
    till = Terminal.open(home)
    try:
        cashier = till.authenticate(CASHIER, CASHIER_PIN)
        brought_back = till.held_sales()
        for held in brought_back:
            cart = till.resume_sale(held["id"])
            assert cart.collected, "only paid payments bring a sale back"
            paid = sum(p.amount_fen for p in cart.collected)
            rest = [] if paid >= cart.total_fen else [_cash(cart.total_fen - paid)]
            till.checkout(cart, [*cart.collected, *rest], cashier)
        assert till.unsettled_payments() == []
        sales = [json.loads(line) for line in till.export_journal()]
        assert till.verify_journal().ok
    finally:
        till.close()

    tenders = {
        p["out_trade_no"]: p["amount_fen"]
        for e in sales
        if e["type"] == "sale"
        for p in e["body"]["payments"]
        if "out_trade_no" in p
    }
    ledger = simulator.ledger()
    held_money = {o["out_trade_no"]: o["money_fen"] for o in ledger["orders"] if o["money_fen"]}
    with engine.connect() as conn:
        hq = {r.out_trade_no: (r.state, r.amount_fen) for r in conn.execute(select(payment_attempts))}  # fmt: skip
    assert held_money == tenders, "money at the gateway and the journal's mobile tenders differ"
    assert all(hq[n] == ("paid", fen) for n, fen in tenders.items())
    assert ledger["waiting"] == 0
    assert [n for n, (state, _) in hq.items() if state in ("waiting", "unknown")] == []
    print(f"\n{kills} kills in {rounds} sales, {elapsed:.1f} s; {len(tenders)} mobile tenders, "
          f"{len(brought_back)} paid sales brought back")  # fmt: skip


def _cash(fen: int):
    from pos.cart import Payment

    return Payment("cash", fen)
