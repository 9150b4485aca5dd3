"""Held sales (挂单/取单): a cart put aside survives a crash, is never a sale until paid,
and a shift close says what to do with the ones still held."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from pos.cart import Cart, Payment
from pos.errors import NotFound, Refused
from pos.terminal import Terminal
from tests.support import (
    CASHIER,
    CASHIER_PIN,
    MANAGER,
    MANAGER_PIN,
    OIL,
    ORANGES_PLU,
    RICE,
    ROOT,
    fingerprint,
    pin_file,
    scale_label,
)


def _cart(terminal) -> Cart:
    cart = Cart()
    terminal.add_to_cart(cart, OIL, 2)
    terminal.add_to_cart(cart, scale_label("21", ORANGES_PLU, 1234))
    terminal.add_to_cart(cart, RICE)
    cart.void(2)  # a line voided before holding stays voided
    return cart


def test_a_held_cart_comes_back_line_for_line_and_only_its_payment_is_a_sale(terminal, home):
    cashier = terminal.authenticate(CASHIER, CASHIER_PIN)
    cart = _cart(terminal)
    terminal.discount_line(cart, 0, 1000, cashier)
    head = terminal.verify_journal().head_seq
    held = terminal.hold_sale(cart, cashier)
    assert (held["lines"], held["total_fen"], held["cashier"]) == (2, 17600 + 1580 - 1000, CASHIER)
    assert terminal.verify_journal().head_seq == head  # holding writes nothing to the journal
    assert [h["id"] for h in terminal.held_sales()] == [held["id"]]
    back = terminal.resume_sale(held["id"])
    assert terminal.held_sales() == []
    assert [line.as_journal() for line in back.lines] == [line.as_journal() for line in cart.lines]
    assert [line.voided for line in back.lines] == [False, False, True]
    with pytest.raises(NotFound):
        terminal.resume_sale(held["id"])  # taken once
    sale = terminal.checkout(back, [Payment("cash", 20000)], cashier)
    assert sale["seq"] == head + 1 and sale["body"]["total_fen"] == held["total_fen"]
    assert len(sale["body"]["voided_lines"]) == 1


def test_an_empty_cart_cannot_be_held(terminal):
    with pytest.raises(Refused, match="nothing to hold"):
        terminal.hold_sale(Cart(), terminal.authenticate(CASHIER, CASHIER_PIN))
    assert terminal.held_sales() == []


HOLD_AND_WAIT = """
import sys
from pathlib import Path
from pos.cart import Cart
from pos.terminal import Terminal
terminal = Terminal.open(Path(sys.argv[1]))
cart = Cart()
terminal.add_to_cart(cart, sys.argv[2], 3)
held = terminal.hold_sale(cart, terminal.authenticate(sys.argv[3], sys.argv[4]))
print(held["id"], flush=True)
sys.stdin.read()  # stay alive, database open, until killed
"""


def test_a_held_cart_survives_the_process_being_killed(terminal, home):
    terminal.close()
    before = fingerprint(home / "booth.db", skip=("held_sales",))
    worker = subprocess.Popen(
        [sys.executable, "-c", HOLD_AND_WAIT, str(home), OIL, CASHIER, CASHIER_PIN],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    held_id = worker.stdout.readline().strip()
    assert held_id, "the worker did not hold the cart"
    worker.send_signal(signal.SIGKILL)
    assert worker.wait(timeout=30) == -signal.SIGKILL
    worker.stdin.close()
    worker.stdout.close()
    reopened = Terminal.open(home)
    try:
        assert [h["id"] for h in reopened.held_sales()] == [held_id]
        cart = reopened.resume_sale(held_id)
        assert [(line.product.name, line.qty) for line in cart.live_lines] == [("酉阳茶油500ml", 3)]
        assert reopened.verify_journal().ok
    finally:
        reopened.close()
    # Nothing but held_sales changed: no sale, no stock movement, no journal entry.
    assert fingerprint(home / "booth.db", skip=("held_sales",)) == before


def test_shift_close_says_what_to_do_with_held_sales(terminal, cli):
    cashier = terminal.authenticate(CASHIER, CASHIER_PIN)
    terminal.hold_sale(_cart(terminal), cashier)
    terminal.close()
    close = ("shift", "close", "--counts", "", "--manager", MANAGER, *pin_file(MANAGER_PIN))
    refused = cli(*close)
    assert refused.code == 1 and "1 held sale(s) are still waiting" in refused.err
    assert "--held keep" in refused.err
    kept = cli(*close, "--held", "keep", "--json")
    assert kept.code == 0, kept.err
    assert json.loads(kept.out)["held_sales"] == {"count": 1, "action": "keep"}
    reopened = Terminal.open(terminal.home)
    try:
        assert len(reopened.held_sales()) == 1  # kept for the next shift
        manager = reopened.authenticate(MANAGER, MANAGER_PIN)
        reopened.open_shift(manager, 0)
    finally:
        reopened.close()
    dropped = cli(*close, "--held", "discard")
    assert dropped.code == 0 and "1 held sale(s) discarded" in dropped.out
    reopened = Terminal.open(terminal.home)
    try:
        assert reopened.held_sales() == []
    finally:
        reopened.close()
