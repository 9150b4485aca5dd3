"""Refunds: what each refund took back, and the goods back on the shelf."""

from __future__ import annotations

import json
import sqlite3

from pos.refunds import Returned, line_size
from pos.store import mobile_refunds


def returned(conn: sqlite3.Connection, sale_seq: int) -> dict[int, Returned]:
    """Line number -> what earlier refunds took back from the sale at ``sale_seq``."""
    rows = conn.execute(
        "SELECT line_no, sum(qty), sum(amount_fen) FROM refund_lines WHERE sale_seq = ? "
        "GROUP BY line_no",
        (sale_seq,),
    )
    return {line_no: Returned(qty, fen) for line_no, qty, fen in rows}


def entries_for_sale(conn: sqlite3.Connection, sale_seq: int) -> list[dict]:
    """The refund and post-void journal entries of the sale at ``sale_seq``, oldest first."""
    rows = conn.execute(
        "SELECT j.line FROM journal j WHERE j.seq IN "
        "(SELECT DISTINCT seq FROM refund_lines WHERE sale_seq = ?) ORDER BY j.seq",
        (sale_seq,),
    )
    return [json.loads(line) for (line,) in rows]


def insert_refund(conn: sqlite3.Connection, entry: dict) -> None:
    """Project a sealed refund entry: its lines, the goods back in stock, and the money it
    owes back through WeChat Pay / Alipay."""
    body = entry["body"]
    conn.executemany(
        "INSERT INTO refund_lines (seq, sale_seq, line_no, qty, amount_fen) VALUES (?, ?, ?, ?, ?)",
        [
            (entry["seq"], body["sale_seq"], line["line_no"], line_size(line), line["amount_fen"])
            for line in body["lines"]
        ],
    )
    conn.executemany(
        "INSERT INTO stock_movements (product_id, delta, kind, seq) VALUES (?, ?, 'refund', ?)",
        [(line["product_id"], line_size(line), entry["seq"]) for line in body["lines"]],
    )
    mobile_refunds.insert_from_entry(conn, entry)
