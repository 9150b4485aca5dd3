"""Stock on hand as the sum of movements (pieces for piece products, grams for kg)."""

from __future__ import annotations

import sqlite3


def insert_movement(
    conn: sqlite3.Connection, product_id: str, delta: int, kind: str, seq: int
) -> None:
    conn.execute(
        "INSERT INTO stock_movements (product_id, delta, kind, seq) VALUES (?, ?, ?, ?)",
        (product_id, delta, kind, seq),
    )


def on_hand(conn: sqlite3.Connection, product_id: str | None = None) -> list[tuple]:
    """(product_id, name, unit, on_hand, movements) for one product or all that ever moved."""
    sql = """SELECT p.id, p.name, p.unit, coalesce(sum(m.delta), 0), count(m.id)
             FROM products p LEFT JOIN stock_movements m ON m.product_id = p.id
             {where} GROUP BY p.id ORDER BY p.name"""
    if product_id is not None:
        return conn.execute(sql.format(where="WHERE p.id = ?"), (product_id,)).fetchall()
    return conn.execute(sql.format(where="WHERE m.id IS NOT NULL")).fetchall()
