"""Counts and check-ins as fast as it can, printing each step only after it returned.

Run by test_stock_kill.py as a real process (``python -m tests.stock_worker HOME MODE SEED``)
and killed with SIGKILL at a random moment; MODE is ``count`` or ``check-in``, or
``reasons``: a check-in scanned, its reasons chosen, then waiting to be confirmed.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from pos.cart import Cart, Payment
from pos.store import stock as stock_db
from pos.terminal import Terminal
from sync.protocol.stock import expected_delivery
from tests.support import CASHIER, CASHIER_PIN, MANAGER, MANAGER_PIN, OIL, RICE

CODES = [OIL, RICE]


def counts(terminal: Terminal, rng: random.Random) -> None:
    manager = terminal.authenticate(MANAGER, MANAGER_PIN)
    cashier = terminal.authenticate(CASHIER, CASHIER_PIN)
    print("ready", flush=True)
    while True:
        if terminal.booth_stock.current_count() is None:
            count = terminal.booth_stock.start_count(manager)
            print(f"started {count.count_id}", flush=True)
        for _ in range(rng.randint(2, 6)):
            code = rng.choice(CODES)
            line = terminal.booth_stock.add_counted(code, rng.randint(1, 3))
            print(f"counted {line.product_id} {line.counted}", flush=True)
            cart = Cart()
            terminal.add_to_cart(cart, rng.choice(CODES))
            terminal.checkout(cart, [Payment("cash", cart.total_fen)], cashier)
        entry = terminal.booth_stock.finish_count(manager)
        print(f"finished {entry['seq']}", flush=True)


def check_ins(terminal: Terminal, rng: random.Random) -> None:
    manager = terminal.authenticate(MANAGER, MANAGER_PIN)
    print("ready", flush=True)
    while True:
        waiting = terminal.booth_stock.deliveries()
        if not waiting:
            number = len(terminal.booth_stock.deliveries(include_checked_in=True)) + 1
            lines = [{"product_id": terminal.product_for(c)[0].id, "qty": 5} for c in CODES]
            with terminal.store.write() as conn:
                stock_db.add_expected_delivery(
                    conn, expected_delivery({"id": number, "lines": lines}), number
                )
            waiting = terminal.booth_stock.deliveries()
        delivery = waiting[0]
        for _ in range(rng.randint(1, 5)):
            line = terminal.booth_stock.scan_received(delivery.delivery_id, rng.choice(CODES))
            print(f"scanned {delivery.delivery_id} {line.product_id} {line.received}", flush=True)
        received = {}
        for line in terminal.booth_stock.delivery(delivery.delivery_id).lines:
            received[line.product_id] = got = line.received or 0
            if got != line.expected:  # chosen as on the till: kept in booth.db at once
                reason = "extra" if got > line.expected else rng.choice(["short", "damaged"])
                terminal.booth_stock.set_reason(delivery.delivery_id, line.product_id, reason)
                print(f"reason {delivery.delivery_id} {line.product_id} {reason}", flush=True)
        # No reasons passed: the check-in takes the ones kept with the scans.
        entry = terminal.booth_stock.check_in(delivery.delivery_id, manager, received)
        print(f"checked {delivery.delivery_id} {entry['seq']}", flush=True)


def reasons_then_wait(terminal: Terminal, rng: random.Random) -> None:
    """One delivery scanned short and over, its reasons chosen; then it waits for a confirm
    that never comes (the test kills it)."""
    lines = [{"product_id": terminal.product_for(c)[0].id, "qty": 5} for c in CODES]
    with terminal.store.write() as conn:
        stock_db.add_expected_delivery(conn, expected_delivery({"id": 77, "lines": lines}), 1)
    print("ready", flush=True)
    oil, rice = (terminal.product_for(c)[0].id for c in CODES)
    terminal.booth_stock.scan_received("77", OIL, 3)
    terminal.booth_stock.scan_received("77", RICE, 6)
    terminal.booth_stock.set_reason("77", oil, "damaged")
    terminal.booth_stock.set_reason("77", rice, "extra")
    print(f"chosen 77 {oil}=damaged {rice}=extra", flush=True)
    sys.stdin.readline()  # the manager's PIN, never typed


def main(argv: list[str]) -> None:
    home, mode, seed = Path(argv[0]), argv[1], int(argv[2])
    terminal = Terminal.open(home)
    modes = {"count": counts, "check-in": check_ins, "reasons": reasons_then_wait}
    modes[mode](terminal, random.Random(seed))


if __name__ == "__main__":
    main(sys.argv[1:])
