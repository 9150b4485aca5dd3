"""`booth-pos demo`: a demo booth from the demo catalog, demo sales, the journal verified."""

from __future__ import annotations

import json
from pathlib import Path

from pos.cart import Cart, Payment
from pos.errors import Refused
from pos.money import format_fen
from pos.terminal import Terminal
from sync.protocol.barcodes import ean_check_digit

DEMO_CATALOG = Path(__file__).resolve().parent.parent / "assets" / "demo" / "catalog.csv"
CASHIER, CASHIER_PIN = "李娜", "2468"
MANAGER, MANAGER_PIN = "王强", "1357"
DEMO_FLOAT_FEN = 50000
DEMO_FLOAT_COUNTS = {10000: 2, 5000: 4, 1000: 8, 500: 2, 100: 10}


def scale_label(prefix: str, plu: str, value: int) -> str:
    """The 13-digit label a booth scale prints: prefix, 5-digit PLU, 5-digit value, check."""
    body = f"{prefix}{int(plu):05d}{value:05d}"
    return body + str(ean_check_digit(body))


def _demo_sales() -> list[tuple[list[tuple[str, int]], list[Payment]]]:
    oranges = scale_label("21", "10001", 1234)  # 1.234 kg of 奉节脐橙 at ￥12.80/kg
    plums = scale_label("20", "10003", 1590)  # a priced label: ￥15.90 of 巫山脆李
    return [
        ([(oranges, 1), ("6970006000011", 2)], [Payment("cash", 20000)]),
        ([(plums, 1), ("20001", 3)], [Payment("wechat", 2340, "134567890123456789")]),
        (
            [("6970001000016", 1), ("6970005000012", 1)],
            [Payment("card", 8860, "8866"), Payment("cash", 5000)],
        ),
    ]


def run_demo(home: Path, json_output: bool = False, repeat: bool = True) -> int:
    """Set up the demo booth; ring up the demo sales (each time, or only when it is new)."""
    terminal, created = Terminal.init(home, "DEMO-T1", "奉节县扶贫产品专柜（演示）")
    summary, _ = terminal.import_catalog(DEMO_CATALOG.read_bytes())
    existing = {user.name for user in terminal.users()}
    if CASHIER not in existing:
        terminal.add_user(CASHIER, "cashier", CASHIER_PIN)
    if MANAGER not in existing:
        terminal.add_user(MANAGER, "manager", MANAGER_PIN)
    receipts = []
    if created or repeat:
        terminal.receive_stock("6970006000011", 48, "demo delivery")
    cashier = terminal.authenticate(CASHIER, CASHIER_PIN)
    if not terminal.shift_is_open():
        # The manager counts a ￥500 float into the drawer, so the booth can sell at once.
        manager = terminal.authenticate(MANAGER, MANAGER_PIN)
        terminal.open_shift(manager, DEMO_FLOAT_FEN, DEMO_FLOAT_COUNTS)
    for items, payments in _demo_sales() if created or repeat else []:
        cart = Cart()
        for code, qty in items:
            terminal.add_to_cart(cart, code, qty)
        entry = terminal.checkout(cart, payments, cashier)
        receipts.append(entry)
    verdict = terminal.verify_journal()
    if json_output:
        print(
            json.dumps(
                {"home": str(home), "sales": receipts, "verify": verdict.as_dict()},
                ensure_ascii=False,
            )
        )
    else:
        print(f"Demo terminal {terminal.terminal_id} ({terminal.booth_name}) in {home}")
        print(f"Catalog: version {summary.catalog_version}, {summary.added} added, "
              f"{summary.updated} updated, {summary.unchanged} unchanged")  # fmt: skip
        for entry in receipts:
            body = entry["body"]
            print(
                f"\nReceipt {terminal.receipt_no(entry['seq'])}  {entry['at']}  cashier {body['cashier']}"
            )
            for line in body["lines"]:
                amount = f"{line['weight_g']} g" if "weight_g" in line else f"x{line['qty']}"
                print(f"  {line['name']:<16} {amount:>8}  {format_fen(line['amount_fen']):>10}")
            print(f"  total {format_fen(body['total_fen'])}; "
                  + ", ".join(f"{p['method']} {format_fen(p['amount_fen'])}" for p in body["payments"])
                  + f"; change {format_fen(body['change_fen'])}")  # fmt: skip
        state = "OK" if verdict.ok else f"BROKEN at seq {verdict.bad_seq}: {verdict.reason}"
        print(
            f"\nJournal {state}: {verdict.entries} entries, grand total {format_fen(verdict.grand_total_fen)}"
        )
    if not verdict.ok:
        raise Refused(f"The demo journal does not verify: {verdict.reason}")
    return 0
