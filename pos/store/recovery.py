"""Re-applying journal entries fetched back from HQ (`booth-pos journal recover`): each
entry and what it projects, as if it had been written here (call inside Store.write)."""

from __future__ import annotations

import sqlite3

from pos.store import print_jobs, sales, stock
from pos.store import refunds as refunds_db
from sync.protocol.entries import STOCK_LINE_TYPES, STOCK_TYPES
from sync.protocol.journal import canonical

#: Entries whose paper was queued when they were written: the first print, or a copy of
#: the entry its body names. Recovered, their jobs are marked printed: never printed again.
RECEIPT_TYPES = ("sale", "refund", "z_close")
COPY_OF = {"receipt_copy": "sale_seq", "z_copy": "z_seq"}


def apply(conn: sqlite3.Connection, entry: dict, grand_total_fen: int) -> None:
    """Store a verified entry that continues this journal, with its sales, refund lines,
    stock movements and print job; shifts, Zs and cash moves are read from the journal."""
    entry_type, body, seq = entry["type"], entry["body"], entry["seq"]
    conn.execute(
        "INSERT INTO journal (seq, type, at, hash, grand_total_fen, line) VALUES (?, ?, ?, ?, ?, ?)",
        (seq, entry_type, entry["at"], entry["hash"], grand_total_fen, canonical(entry)),
    )
    if entry_type in ("sale", "refund"):
        for line in body["lines"]:
            _known_product(conn, line, "weight_g" in line)
        if entry_type == "sale":
            sales.insert_sale(conn, entry)
        else:
            refunds_db.insert_refund(conn, entry)
    elif entry_type in STOCK_TYPES:
        _known_product(conn, body, body.get("unit") == "g")
        stock.insert_movement(conn, body["product_id"], body["delta"], entry_type, seq)
    elif entry_type in STOCK_LINE_TYPES:
        for line in body["lines"]:
            _known_product(conn, line, line["unit"] == "g")
        stock.insert_moves(conn, entry)
        if entry_type in ("delivery_received", "transfer_in"):
            stock.mark_recovered_check_in(
                conn, body.get("delivery_id"), body.get("transfer_id"), seq
            )
    if entry_type in RECEIPT_TYPES:
        print_jobs.add_done(conn, "receipt", seq, entry["at"])
    elif entry_type in COPY_OF:
        print_jobs.add_done(conn, "copy", body[COPY_OF[entry_type]], entry["at"])


def _known_product(conn: sqlite3.Connection, named: dict, weighed: bool) -> None:
    """A recovered line may name a product this PC's catalog lacks (a replacement PC before
    its first catalog pull, a product HQ withdrew since): keep it withdrawn, from the line,
    so the line can point at it; the catalog feed fills it in if HQ still sells it."""
    conn.execute(
        "INSERT INTO products (id, name, unit, price_fen, catalog_version, active) "
        "VALUES (?, ?, ?, ?, 0, 0) ON CONFLICT (id) DO NOTHING",
        (
            named["product_id"],
            named.get("name") or named["product_id"],
            "kg" if weighed else "piece",
            max(int(named.get("unit_price_fen", 1)), 1),
        ),
    )
