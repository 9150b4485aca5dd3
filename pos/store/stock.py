"""Stock on hand as the sum of movements (pieces for piece products, grams for kg)."""

from __future__ import annotations

import sqlite3

from sync.protocol.stock import stock_moves


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


def insert_moves(conn: sqlite3.Connection, entry: dict) -> None:
    """Project a stock entry's moves (``sync.protocol.stock.stock_moves``) as movements."""
    conn.executemany(
        "INSERT INTO stock_movements (product_id, delta, kind, seq) VALUES (?, ?, ?, ?)",
        [(pid, delta, entry["type"], entry["seq"]) for pid, delta in stock_moves(entry)],
    )


def on_hand_of(conn: sqlite3.Connection, product_ids: list[str]) -> dict[str, int]:
    """Product id -> stock on hand, for these products."""
    found: dict[str, int] = {}
    for start in range(0, len(product_ids), 500):
        chunk = product_ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT product_id, sum(delta) FROM stock_movements WHERE product_id IN ({marks}) "
            "GROUP BY product_id",
            chunk,
        )
        found.update(rows)
    return {pid: found.get(pid, 0) for pid in product_ids}


# --- minimums and low stock --------------------------------------------------------------


def set_hq_minimum(conn: sqlite3.Connection, product_id: str, minimum: int | None) -> None:
    conn.execute("UPDATE products SET min_stock = ? WHERE id = ?", (minimum, product_id))


def set_booth_minimum(
    conn: sqlite3.Connection, product_id: str, minimum: int | None, by: str, at: str
) -> None:
    """The booth's own minimum (wins over HQ's); None removes it."""
    if minimum is None:
        conn.execute("DELETE FROM stock_minimums WHERE product_id = ?", (product_id,))
        return
    conn.execute(
        "INSERT INTO stock_minimums (product_id, min_stock, set_by, set_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (product_id) DO UPDATE SET min_stock = excluded.min_stock, "
        "set_by = excluded.set_by, set_at = excluded.set_at",
        (product_id, minimum, by, at),
    )


def low_stock(conn: sqlite3.Connection, product_ids: list[str] | None = None) -> list[tuple]:
    """(product_id, name, unit, on_hand, minimum, 'booth' | 'hq') of every active product
    below its minimum (or of those among ``product_ids``), the emptiest first."""
    only, params = "", []
    if product_ids is not None:
        only = f" AND p.id IN ({', '.join('?' * len(product_ids))})"
        params = list(product_ids)
    return conn.execute(
        f"""SELECT id, name, unit, on_hand, minimum, source FROM (
               SELECT p.id, p.name, p.unit,
                      coalesce(b.min_stock, p.min_stock) AS minimum,
                      CASE WHEN b.min_stock IS NULL THEN 'hq' ELSE 'booth' END AS source,
                      (SELECT coalesce(sum(m.delta), 0) FROM stock_movements m
                       WHERE m.product_id = p.id) AS on_hand
               FROM products p LEFT JOIN stock_minimums b ON b.product_id = p.id
               WHERE p.active = 1 AND coalesce(b.min_stock, p.min_stock) IS NOT NULL{only})
           WHERE on_hand < minimum ORDER BY on_hand - minimum, name""",
        params,
    ).fetchall()


# --- expected deliveries and check-in ----------------------------------------------------


def add_expected_delivery(conn: sqlite3.Connection, delivery: dict, version: int) -> None:
    """A delivery read by ``sync.protocol.stock.expected_delivery``; a repeat is ignored."""
    added = conn.execute(
        "INSERT INTO expected_deliveries (delivery_id, transfer_id, from_booth, note, sent_at, "
        "version) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (delivery_id) DO NOTHING",
        (
            delivery["delivery_id"],
            delivery["transfer_id"],
            delivery["from_booth"],
            delivery["note"],
            delivery["sent_at"],
            version,
        ),  # fmt: skip
    ).rowcount
    if added:
        conn.executemany(
            "INSERT INTO expected_delivery_lines (delivery_id, product_id, expected) "
            "VALUES (?, ?, ?)",
            [(delivery["delivery_id"], pid, qty) for pid, qty in delivery["lines"]],
        )


def expected_deliveries(conn: sqlite3.Connection, open_only: bool = True) -> list[dict]:
    """Deliveries with their lines: ``lines`` as (product_id, name, unit, expected,
    received so far or None, reason or None), products the catalog lacks named by id."""
    where = "WHERE checked_in_seq IS NULL" if open_only else ""
    heads = conn.execute(
        "SELECT delivery_id, transfer_id, from_booth, note, sent_at, checked_in_seq "
        f"FROM expected_deliveries {where} ORDER BY sent_at, delivery_id"
    ).fetchall()
    found = []
    for delivery_id, transfer_id, from_booth, note, sent_at, seq in heads:
        lines = conn.execute(
            "SELECT l.product_id, coalesce(p.name, l.product_id), coalesce(p.unit, 'piece'), "
            "l.expected, l.received, l.reason FROM expected_delivery_lines l "
            "LEFT JOIN products p ON p.id = l.product_id WHERE l.delivery_id = ? "
            "ORDER BY l.expected = 0, coalesce(p.name, l.product_id)",
            (delivery_id,),
        ).fetchall()
        found.append(
            {
                "delivery_id": delivery_id,
                "transfer_id": transfer_id,
                "from_booth": from_booth,
                "note": note,
                "sent_at": sent_at,
                "checked_in_seq": seq,
                "lines": lines,
            }  # fmt: skip
        )
    return found


def find_delivery(conn: sqlite3.Connection, key: str) -> dict | None:
    """The delivery with this delivery id or transfer id, checked in or not."""
    row = conn.execute(
        "SELECT delivery_id FROM expected_deliveries WHERE delivery_id = ? OR "
        "(transfer_id != '' AND transfer_id = ?) ORDER BY delivery_id = ? DESC LIMIT 1",
        (key, key, key),
    ).fetchone()
    if row is None:
        return None
    return next(d for d in expected_deliveries(conn, False) if d["delivery_id"] == row[0])


def record_received(
    conn: sqlite3.Connection, delivery_id: str, product_id: str, received: int, reason: str | None
) -> None:
    """What the manager has found of a product so far (a product not on the delivery gets
    a line expecting 0)."""
    conn.execute(
        "INSERT INTO expected_delivery_lines (delivery_id, product_id, expected, received, reason) "
        "VALUES (?, ?, 0, ?, ?) ON CONFLICT (delivery_id, product_id) DO UPDATE SET "
        "received = excluded.received, reason = excluded.reason",
        (delivery_id, product_id, received, reason),
    )


def record_reason(
    conn: sqlite3.Connection, delivery_id: str, product_id: str, reason: str | None
) -> int:
    """Why a line differs (short, damaged, extra; None to take it back), kept with its
    scans; the number of lines changed (0: the product is not on the delivery)."""
    return conn.execute(
        "UPDATE expected_delivery_lines SET reason = ? WHERE delivery_id = ? AND product_id = ?",
        (reason, delivery_id, product_id),
    ).rowcount


def mark_checked_in(conn: sqlite3.Connection, delivery_id: str, seq: int) -> None:
    conn.execute(
        "UPDATE expected_deliveries SET checked_in_seq = ? WHERE delivery_id = ?",
        (seq, delivery_id),
    )


def mark_recovered_check_in(
    conn: sqlite3.Connection, delivery_id: str | None, transfer_id: str | None, seq: int
) -> None:
    """A check-in fetched back from HQ closes the delivery it checked in, if listed here."""
    conn.execute(
        "UPDATE expected_deliveries SET checked_in_seq = ? WHERE checked_in_seq IS NULL AND "
        "(delivery_id = ? OR (transfer_id != '' AND transfer_id = ?))",
        (seq, delivery_id or "", transfer_id or ""),
    )


# --- counts while selling ----------------------------------------------------------------


def open_count(conn: sqlite3.Connection) -> dict | None:
    row = conn.execute(
        "SELECT count_id, scope, category, started_at, started_by, snapshot_seq "
        "FROM stock_counts WHERE finished_seq IS NULL"
    ).fetchone()
    if row is None:
        return None
    keys = ("count_id", "scope", "category", "started_at", "started_by", "snapshot_seq")
    return dict(zip(keys, row, strict=True))


def finished_seq(conn: sqlite3.Connection, count_id: str) -> int | None:
    row = conn.execute(
        "SELECT finished_seq FROM stock_counts WHERE count_id = ?", (count_id,)
    ).fetchone()
    return row[0] if row else None


def start_count(conn: sqlite3.Connection, count: dict, snapshot_seq: int) -> int:
    """Record the count and its snapshot: every active product in scope (or with stock)
    and its stock on hand now. Returns the number of products in the snapshot."""
    conn.execute(
        "INSERT INTO stock_counts (count_id, scope, category, started_at, started_by, "
        "snapshot_seq) VALUES (?, ?, ?, ?, ?, ?)",
        (
            count["count_id"],
            count["scope"],
            count["category"],
            count["started_at"],
            count["started_by"],
            snapshot_seq,
        ),  # fmt: skip
    )
    in_scope = "" if count["scope"] == "all" else "AND p.category = :category"
    return conn.execute(
        f"""INSERT INTO stock_count_lines (count_id, product_id, expected)
            SELECT :count_id, p.id, coalesce(s.on_hand, 0) FROM products p
            LEFT JOIN (SELECT product_id, sum(delta) AS on_hand FROM stock_movements
                       GROUP BY product_id) s ON s.product_id = p.id
            WHERE (p.active = 1 OR coalesce(s.on_hand, 0) != 0) {in_scope}""",
        {"count_id": count["count_id"], "category": count["category"]},
    ).rowcount


def count_line(conn: sqlite3.Connection, count_id: str, product_id: str) -> tuple | None:
    """(expected, counted or None) of a product in the count, or None when not in it."""
    return conn.execute(
        "SELECT expected, counted FROM stock_count_lines WHERE count_id = ? AND product_id = ?",
        (count_id, product_id),
    ).fetchone()


def on_hand_at(conn: sqlite3.Connection, product_id: str, seq: int) -> int:
    """Stock on hand of a product as it was right after entry ``seq``."""
    row = conn.execute(
        "SELECT coalesce(sum(delta), 0) FROM stock_movements WHERE product_id = ? AND seq <= ?",
        (product_id, seq),
    ).fetchone()
    return row[0]


def set_counted(
    conn: sqlite3.Connection, count_id: str, product_id: str, counted: int, seq: int,
    expected: int | None = None,
) -> None:  # fmt: skip
    """The product's count and the journal's seq when it was counted; a product that came
    into scope after the snapshot is added with ``expected``."""
    conn.execute(
        "INSERT INTO stock_count_lines (count_id, product_id, expected, counted, counted_seq) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (count_id, product_id) DO UPDATE SET "
        "counted = excluded.counted, counted_seq = excluded.counted_seq",
        (count_id, product_id, expected or 0, counted, seq),
    )


def count_progress(conn: sqlite3.Connection, count_id: str) -> list[tuple]:
    """(product_id, name, unit, expected, counted or None) of every product in the count,
    counted ones first, newest catalog names."""
    return conn.execute(
        "SELECT l.product_id, coalesce(p.name, l.product_id), coalesce(p.unit, 'piece'), "
        "l.expected, l.counted FROM stock_count_lines l LEFT JOIN products p "
        "ON p.id = l.product_id WHERE l.count_id = ? "
        "ORDER BY l.counted IS NULL, coalesce(p.name, l.product_id)",
        (count_id,),
    ).fetchall()


def count_figures(conn: sqlite3.Connection, count_id: str, snapshot_seq: int) -> list[tuple]:
    """(product_id, name, unit, expected, counted, counted_seq, sold, refunded, moved) of
    every counted product: what moved after the snapshot until it was counted, by kind."""
    # One seek per product on stock_movements (product_id, seq): what moved after the
    # snapshot until the product was counted, never a product's whole year of sales.
    return conn.execute(
        """SELECT l.product_id, coalesce(p.name, l.product_id),
                  CASE WHEN p.unit = 'kg' THEN 'g' ELSE 'piece' END,
                  l.expected, l.counted, l.counted_seq,
                  coalesce(sum(CASE WHEN m.kind = 'sale' THEN -m.delta END), 0),
                  coalesce(sum(CASE WHEN m.kind = 'refund' THEN m.delta END), 0),
                  coalesce(sum(CASE WHEN m.kind NOT IN ('sale', 'refund') THEN m.delta END), 0)
           FROM stock_count_lines l
           LEFT JOIN stock_movements m ON m.product_id = l.product_id
                AND m.seq > :snapshot AND m.seq <= l.counted_seq
           LEFT JOIN products p ON p.id = l.product_id
           WHERE l.count_id = :count_id AND l.counted IS NOT NULL
           GROUP BY l.product_id ORDER BY l.product_id""",
        {"count_id": count_id, "snapshot": snapshot_seq},
    ).fetchall()


def uncounted(conn: sqlite3.Connection, count_id: str) -> int:
    row = conn.execute(
        "SELECT count(*) FROM stock_count_lines WHERE count_id = ? AND counted IS NULL",
        (count_id,),
    ).fetchone()
    return row[0]


def finish_count(conn: sqlite3.Connection, count_id: str, seq: int) -> None:
    conn.execute("UPDATE stock_counts SET finished_seq = ? WHERE count_id = ?", (seq, count_id))


def categories(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT DISTINCT category FROM products WHERE active = 1 AND category != '' "
        "ORDER BY category"
    )
    return [name for (name,) in rows]
