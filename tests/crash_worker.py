"""Rings up sales as fast as it can, printing each sale only after checkout returned.

Run by test_crash.py, which kills it with SIGKILL at random moments.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

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


def main() -> None:
    home, seed = Path(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    terminal = Terminal.open(home)
    cashier = terminal.authenticate("李娜", "2468")
    print("ready", flush=True)
    while True:
        cart = Cart()
        for _ in range(rng.randint(1, 5)):
            code = rng.choice(CODES)
            terminal.add_to_cart(
                cart, code, 1 if code.startswith("2") and len(code) == 13 else rng.randint(1, 3)
            )
        paid = cart.total_fen + rng.choice([0, 0, 50, 1000])
        entry = terminal.checkout(cart, [Payment("cash", paid)], cashier)
        print(f"{entry['body']['sale_id']} {entry['seq']}", flush=True)


if __name__ == "__main__":
    main()
