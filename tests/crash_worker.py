"""Rings up sales as fast as it can, printing each sale only after checkout returned.

Run by test_crash.py in a forked process (the modules already imported, so each of its
hundreds of runs starts in milliseconds), which it kills with SIGKILL at random moments;
``python -P tests/crash_worker.py HOME SEED [shifts]`` runs it alone.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import TextIO

from pos.cart import Cart, Payment
from pos.terminal import Terminal

CODES = [
    "6970006000011",
    "6970005000012",
    "6970001000016",
    "20001",
    "2110001012341",
    "2010003015909",
]


def shifts(terminal: Terminal, out: TextIO) -> None:
    """Open a shift, sell, close it blind with the exact count; print each Z's seq."""
    manager = terminal.authenticate("王强", "1357")
    cashier = terminal.authenticate("李娜", "2468")
    print("ready", file=out, flush=True)
    while True:
        if terminal.x_report() is None:
            terminal.open_shift(manager, 10000)
        cart = Cart()
        terminal.add_to_cart(cart, CODES[0])
        terminal.checkout(cart, [Payment("cash", cart.total_fen)], cashier)
        expected = terminal.x_report()["expected_cash_fen"]
        z = terminal.close_shift(manager, {10: expected // 10})
        print(f"z {z['seq']}", file=out, flush=True)


def main(args: list[str], out: TextIO = sys.stdout) -> None:
    home, seed = Path(args[0]), int(args[1])
    rng = random.Random(seed)
    terminal = Terminal.open(home)
    if args[2:] == ["shifts"]:
        shifts(terminal, out)
        return
    cashier = terminal.authenticate("李娜", "2468")
    if not terminal.shift_is_open():  # a sale needs a shift: the manager opens one first
        terminal.open_shift(terminal.authenticate("王强", "1357"), 10000)
    print("ready", file=out, flush=True)
    while True:
        cart = Cart()
        for _ in range(rng.randint(1, 5)):
            code = rng.choice(CODES)
            terminal.add_to_cart(
                cart, code, 1 if code.startswith("2") and len(code) == 13 else rng.randint(1, 3)
            )
        paid = cart.total_fen + rng.choice([0, 0, 50, 1000])
        entry = terminal.checkout(cart, [Payment("cash", paid)], cashier)
        print(f"{entry['body']['sale_id']} {entry['seq']}", file=out, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
