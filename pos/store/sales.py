"""Sales, their lines and payments, written in the same transaction as the journal entry."""

from __future__ import annotations

import sqlite3


def insert_sale(conn: sqlite3.Connection, entry: dict) -> None:
    """Project a sealed sale entry into the sales tables and stock movements."""
    body = entry["body"]
    sale_id = body["sale_id"]
    conn.execute(
        "INSERT INTO sales (sale_id, seq, at, cashier, total_fen, change_fen) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            sale_id,
            entry["seq"],
            entry["at"],
            body["cashier"],
            body["total_fen"],
            body["change_fen"],
        ),
    )
    conn.executemany(
        "INSERT INTO sale_lines (sale_id, line_no, product_id, barcode, name, qty, weight_g, "
        "unit_price_fen, amount_fen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                sale_id,
                n,
                line["product_id"],
                line["barcode"],
                line["name"],
                line.get("qty"),
                line.get("weight_g"),
                line["unit_price_fen"],
                line["amount_fen"],
            )  # fmt: skip
            for n, line in enumerate(body["lines"], start=1)
        ],
    )
    conn.executemany(
        "INSERT INTO payments (sale_id, line_no, method, amount_fen, reference) "
        "VALUES (?, ?, ?, ?, ?)",
        [
            (sale_id, n, p["method"], p["amount_fen"], p.get("reference", ""))
            for n, p in enumerate(body["payments"], start=1)
        ],
    )
    conn.executemany(
        "INSERT INTO stock_movements (product_id, delta, kind, seq) VALUES (?, ?, 'sale', ?)",
        [
            (line["product_id"], -(line.get("weight_g") or line.get("qty") or 0), entry["seq"])
            for line in body["lines"]
        ],
    )


def count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM sales").fetchone()[0]
