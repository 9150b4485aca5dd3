"""Mobile payment attempts: each one written before HQ is asked, then every answer, then how
it ended (a sale, a cancel, a failure, or never received by HQ)."""

from __future__ import annotations

import sqlite3

COLUMNS = (
    "out_trade_no", "sale_key", "method", "amount_fen", "code_masked", "state",
    "transaction_id", "message", "cashier", "cart", "created_at", "updated_at", "settled",
    "settled_at", "sale_seq", "held_id", "customer_paid_fen", "subsidy_fen", "vouchers",
)  # fmt: skip
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM payment_attempts"


def _row(row) -> dict:
    return dict(zip(COLUMNS, row, strict=True))


def insert(conn: sqlite3.Connection, attempt: dict) -> None:
    conn.execute(
        "INSERT INTO payment_attempts (out_trade_no, sale_key, method, amount_fen, code_masked,"
        " state, cashier, cart, created_at, updated_at) VALUES (:out_trade_no, :sale_key,"
        " :method, :amount_fen, :code_masked, :state, :cashier, :cart, :created_at, :created_at)",
        attempt,
    )


def get(conn: sqlite3.Connection, out_trade_no: str) -> dict | None:
    row = conn.execute(_SELECT + " WHERE out_trade_no = ?", (out_trade_no,)).fetchone()
    return _row(row) if row else None


def record_answer(
    conn: sqlite3.Connection, out_trade_no: str, state: str, transaction_id: str, message: str,
    at: str, money: tuple[int | None, int, str] = (None, 0, "[]"),
) -> None:  # fmt: skip
    """HQ's latest answer; an attempt that already ended keeps how it ended. ``money`` is
    what the customer paid (None: not said), what vouchers covered, the vouchers as JSON."""
    conn.execute(
        "UPDATE payment_attempts SET state = ?, transaction_id = ?, message = ?, updated_at = ?,"
        " customer_paid_fen = ?, subsidy_fen = ?, vouchers = ?"
        " WHERE out_trade_no = ? AND settled IS NULL",
        (state, transaction_id, message, at, *money, out_trade_no),
    )


def settle(conn: sqlite3.Connection, out_trade_no: str, how: str, at: str) -> bool:
    """End an attempt (``cancelled``, ``failed``, ``not_sent``); False if it had ended."""
    cur = conn.execute(
        "UPDATE payment_attempts SET settled = ?, settled_at = ?"
        " WHERE out_trade_no = ? AND settled IS NULL",
        (how, at, out_trade_no),
    )
    return cur.rowcount == 1


def claim_for_sale(
    conn: sqlite3.Connection, out_trade_no: str, amount_fen: int, seq: int, at: str
) -> bool:
    """Settle a paid attempt of exactly ``amount_fen`` by the sale at ``seq``; False when
    there is no such paid, open attempt (the sale must then not be written)."""
    cur = conn.execute(
        "UPDATE payment_attempts SET settled = 'sale', settled_at = ?, sale_seq = ?"
        " WHERE out_trade_no = ? AND state = 'paid' AND settled IS NULL AND amount_fen = ?",
        (at, seq, out_trade_no, amount_fen),
    )
    return cur.rowcount == 1


def mark_held(conn: sqlite3.Connection, out_trade_nos: list[str], held_id: str) -> None:
    conn.executemany(
        "UPDATE payment_attempts SET held_id = ? WHERE out_trade_no = ?",
        [(held_id, otn) for otn in out_trade_nos],
    )


def unsettled(conn: sqlite3.Connection) -> list[dict]:
    """Open attempts no held sale holds (never held, or held and taken back), oldest first."""
    rows = conn.execute(
        _SELECT + " WHERE settled IS NULL AND (held_id IS NULL OR held_id NOT IN"
        " (SELECT id FROM held_sales)) ORDER BY created_at, out_trade_no"
    ).fetchall()
    return [_row(r) for r in rows]


def unsettled_all(conn: sqlite3.Connection) -> list[dict]:
    """Every open attempt, held or not, oldest first."""
    rows = conn.execute(
        _SELECT + " WHERE settled IS NULL ORDER BY created_at, out_trade_no"
    ).fetchall()
    return [_row(r) for r in rows]


def held_with_payments(conn: sqlite3.Connection) -> int:
    """How many open, paid attempts ride on a held sale."""
    return conn.execute(
        "SELECT count(*) FROM payment_attempts WHERE settled IS NULL"
        " AND held_id IN (SELECT id FROM held_sales)"
    ).fetchone()[0]


def paid_open_for(conn: sqlite3.Connection, sale_key: str) -> list[dict]:
    """The paid, open attempts of one cart (its collected mobile payments)."""
    rows = conn.execute(
        _SELECT + " WHERE sale_key = ? AND state = 'paid' AND settled IS NULL"
        " ORDER BY created_at, out_trade_no",
        (sale_key,),
    ).fetchall()
    return [_row(r) for r in rows]


def listed(conn: sqlite3.Connection, limit: int = 100) -> list[dict]:
    """The newest attempts first (for `booth-pos payments list`)."""
    rows = conn.execute(
        _SELECT + " ORDER BY created_at DESC, out_trade_no DESC LIMIT ?", (limit,)
    ).fetchall()
    return [_row(r) for r in rows]
