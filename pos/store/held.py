"""Held sales (挂单): carts put aside, as JSON, until they are resumed or discarded."""

from __future__ import annotations

import sqlite3


def insert(conn: sqlite3.Connection, held: dict, cart_json: str) -> None:
    conn.execute(
        "INSERT INTO held_sales (id, held_at, cashier, lines, total_fen, cart)"
        " VALUES (:id, :held_at, :cashier, :lines, :total_fen, :cart)",
        {**held, "cart": cart_json},
    )


def listed(conn: sqlite3.Connection) -> list[dict]:
    """Every held cart's summary, oldest first."""
    rows = conn.execute(
        "SELECT id, held_at, cashier, lines, total_fen FROM held_sales ORDER BY held_at, id"
    ).fetchall()
    return [
        dict(zip(("id", "held_at", "cashier", "lines", "total_fen"), r, strict=True)) for r in rows
    ]


def take(conn: sqlite3.Connection, held_id: str) -> str | None:
    """The held cart's JSON, removed from the held sales; None if it is not held (any more)."""
    row = conn.execute("SELECT cart FROM held_sales WHERE id = ?", (held_id,)).fetchone()
    if row is None:
        return None
    conn.execute("DELETE FROM held_sales WHERE id = ?", (held_id,))
    return row[0]


def delete_all(conn: sqlite3.Connection) -> int:
    return conn.execute("DELETE FROM held_sales").rowcount
