"""Mobile refunds: money a refund entry owes back through WeChat Pay / Alipay, and what HQ
says became of it (pending, done, failed)."""

from __future__ import annotations

import sqlite3

COLUMNS = (
    "out_refund_no", "out_trade_no", "method", "amount_fen", "seq", "sale_seq", "state",
    "message", "detail", "created_at", "updated_at",
)  # fmt: skip
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM mobile_refunds"
#: States HQ reports in its refunds feed (sync.protocol, the refunds feed).
STATES = ("pending", "done", "failed")


def _row(row) -> dict:
    return dict(zip(COLUMNS, row, strict=True))


def insert_from_entry(conn: sqlite3.Connection, entry: dict) -> None:
    """Project a sealed refund entry's payments to be returned through a gateway."""
    body = entry["body"]
    conn.executemany(
        "INSERT OR IGNORE INTO mobile_refunds (out_refund_no, out_trade_no, method, amount_fen,"
        " seq, sale_seq, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                p["out_refund_no"],
                p["out_trade_no"],
                p["method"],
                p["amount_fen"],
                entry["seq"],
                body["sale_seq"],
                entry["at"],
                entry["at"],
            )  # fmt: skip
            for p in body["payments"]
            if p.get("out_refund_no")
        ],
    )


def refunded_by_trade(conn: sqlite3.Connection, out_trade_nos: list[str]) -> dict[str, int]:
    """out_trade_no -> fen earlier refunds already owe back on it."""
    if not out_trade_nos:
        return {}
    marks = ", ".join("?" * len(out_trade_nos))
    rows = conn.execute(
        f"SELECT out_trade_no, sum(amount_fen) FROM mobile_refunds WHERE out_trade_no IN ({marks})"
        " GROUP BY out_trade_no",
        out_trade_nos,
    )
    return dict(rows.fetchall())


def record_outcome(
    conn: sqlite3.Connection, out_refund_no: str, state: str, message: str, detail: str, at: str
) -> bool:
    """HQ's word on one refund (its fixed sentence, and the gateway's own words when it
    refused); False when this terminal has no such refund."""
    cur = conn.execute(
        "UPDATE mobile_refunds SET state = ?, message = ?, detail = ?, updated_at = ?"
        " WHERE out_refund_no = ?",
        (state, message, detail, at, out_refund_no),
    )
    return cur.rowcount == 1


def listed(conn: sqlite3.Connection, limit: int = 100) -> list[dict]:
    """The newest mobile refunds first."""
    rows = conn.execute(_SELECT + " ORDER BY seq DESC, out_refund_no LIMIT ?", (limit,))
    return [_row(r) for r in rows.fetchall()]


def get(conn: sqlite3.Connection, out_refund_no: str) -> dict | None:
    row = conn.execute(_SELECT + " WHERE out_refund_no = ?", (out_refund_no,)).fetchone()
    return _row(row) if row else None


def of_refund(conn: sqlite3.Connection, seq: int) -> list[dict]:
    rows = conn.execute(_SELECT + " WHERE seq = ? ORDER BY out_refund_no", (seq,))
    return [_row(r) for r in rows.fetchall()]
