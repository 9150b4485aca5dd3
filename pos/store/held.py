"""Held sales (挂单): carts put aside, as JSON, until they are resumed or discarded."""

from __future__ import annotations

import sqlite3


def insert(conn: sqlite3.Connection, held: dict, cart_json: str) -> None:
    conn.execute(
        "INSERT INTO held_sales (id, held_at, cashier, lines, total_fen, cart)"
        " VALUES (:id, :held_at, :cashier, :lines, :total_fen, :cart)",
        {**held, "cart": cart_json},
    )


HELD_COLUMNS = (
    "id",
    "held_at",
    "cashier",
    "lines",
    "total_fen",
    "mobile_paid_fen",
    "mobile_methods",
)


def listed(conn: sqlite3.Connection) -> list[dict]:
    """Every held cart's summary, oldest first, with the mobile payments already collected on
    it (paid at the gateway, no sale yet): their sum and methods."""
    rows = conn.execute(
        "SELECT h.id, h.held_at, h.cashier, h.lines, h.total_fen,"
        " COALESCE(sum(a.amount_fen), 0), group_concat(DISTINCT a.method)"
        " FROM held_sales h LEFT JOIN payment_attempts a ON a.held_id = h.id"
        " AND a.state = 'paid' AND a.settled IS NULL"
        " GROUP BY h.id ORDER BY h.held_at, h.id"
    ).fetchall()
    summaries = [dict(zip(HELD_COLUMNS, r, strict=True)) for r in rows]
    for held in summaries:
        methods = held["mobile_methods"]
        held["mobile_methods"] = sorted(methods.split(",")) if methods else []
    return summaries


def take(conn: sqlite3.Connection, held_id: str) -> str | None:
    """The held cart's JSON, removed from the held sales; None if it is not held (any more)."""
    row = conn.execute("SELECT cart FROM held_sales WHERE id = ?", (held_id,)).fetchone()
    if row is None:
        return None
    conn.execute("DELETE FROM held_sales WHERE id = ?", (held_id,))
    return row[0]


def delete_all(conn: sqlite3.Connection) -> int:
    return conn.execute("DELETE FROM held_sales").rowcount
