"""What the terminal knows about its sync with the central server (meta keys) and applying
catalog pages from the server (call inside Store.write)."""

from __future__ import annotations

import json
import sqlite3

from pos.pinyin import initials
from sync.protocol.barcodes import classify
from sync.protocol.catalog import normalize_plu
from sync.protocol.stock import min_stock


def get(conn: sqlite3.Connection, key: str, default: str = "") -> str:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def put(conn: sqlite3.Connection, key: str, value: str | int) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, str(value)),
    )


def acked_through(conn: sqlite3.Connection) -> int:
    """The last seq the central server acknowledged (0 before the first push)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'acked_through'").fetchone()
    return int(row[0]) if row else 0


BEHIND_HQ = "journal_behind_hq"


def behind_hq(conn: sqlite3.Connection) -> dict | None:
    """What the last comparison with HQ's head found, when this PC must not write entries:
    {"kind": "behind" | "differs", "hq_seq", "hq_hash", "local_seq", "since"}; else None."""
    value = get(conn, BEHIND_HQ)
    return json.loads(value) if value else None


def set_behind_hq(
    conn: sqlite3.Connection, kind: str, hq_seq: int, hq_hash: str, local_seq: int, at: str
) -> None:
    state = {
        "kind": kind, "hq_seq": hq_seq, "hq_hash": hq_hash, "local_seq": local_seq, "since": at,
    }  # fmt: skip
    put(conn, BEHIND_HQ, json.dumps(state, sort_keys=True))


def clear_behind_hq(conn: sqlite3.Connection) -> None:
    put(conn, BEHIND_HQ, "")


def unacked(conn: sqlite3.Connection, acked_through: int, limit: int) -> list[str]:
    rows = conn.execute(
        "SELECT line FROM journal WHERE seq > ? ORDER BY seq LIMIT ?", (acked_through, limit)
    )
    return [line for (line,) in rows]


def hash_at(conn: sqlite3.Connection, seq: int) -> str | None:
    row = conn.execute("SELECT hash FROM journal WHERE seq = ?", (seq,)).fetchone()
    return row[0] if row else None


def apply_product(conn: sqlite3.Connection, product: dict, version: int) -> None:
    """The server's product wins: upsert it, re-point its barcodes and free its PLU."""
    plu = normalize_plu(product["plu"]) if product.get("plu") else None
    if plu is not None:
        conn.execute(
            "UPDATE products SET plu = NULL WHERE plu = ? AND id != ?", (plu, product["id"])
        )
    conn.execute(
        """INSERT INTO products (id, name, name_en, unit, price_fen, plu, category, supplier_id,
               supplier_name, county, certificate_no, certificate_expires, initials,
               catalog_version, min_stock, active)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_en = excluded.name_en,
               unit = excluded.unit, price_fen = excluded.price_fen, plu = excluded.plu,
               category = excluded.category, supplier_id = excluded.supplier_id,
               supplier_name = excluded.supplier_name, county = excluded.county,
               certificate_no = excluded.certificate_no,
               certificate_expires = excluded.certificate_expires, initials = excluded.initials,
               catalog_version = excluded.catalog_version, min_stock = excluded.min_stock,
               active = 1""",
        (
            product["id"],
            product["name"],
            product.get("name_en", ""),
            product["unit"],
            product["price_fen"],
            plu,
            product.get("category", ""),
            product.get("supplier_id", ""),
            product.get("supplier_name", ""),
            product.get("county", ""),
            product.get("certificate_no", ""),
            product.get("certificate_expires", ""),
            initials(product["name"]),
            version,
            min_stock(product),
        ),  # fmt: skip
    )
    for code in product.get("barcodes", []):
        scan = classify(code)
        if scan.valid and scan.gtin:
            conn.execute(
                "INSERT INTO barcodes (gtin, code, product_id) VALUES (?, ?, ?) "
                "ON CONFLICT (gtin) DO UPDATE SET code = excluded.code, product_id = excluded.product_id",
                (scan.gtin, code, product["id"]),
            )


def withdraw_product(conn: sqlite3.Connection, product_id: str, version: int) -> None:
    conn.execute(
        "UPDATE products SET active = 0, plu = NULL, catalog_version = ? WHERE id = ?",
        (version, product_id),
    )


def add_expected_receipt(conn: sqlite3.Connection, delivery: dict, version: int) -> None:
    conn.execute(
        "INSERT INTO expected_receipts (delivery_id, product_id, qty, note, sent_at, version) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (delivery_id) DO NOTHING",
        (
            delivery["id"],
            delivery["product_id"],
            delivery["qty"],
            delivery.get("note", ""),
            delivery.get("created_at", ""),
            version,
        ),  # fmt: skip
    )


def expected_receipts(conn: sqlite3.Connection) -> list[tuple]:
    return conn.execute(
        "SELECT e.delivery_id, e.product_id, coalesce(p.name, ''), e.qty, e.note, e.sent_at "
        "FROM expected_receipts e LEFT JOIN products p ON p.id = e.product_id ORDER BY e.delivery_id"
    ).fetchall()


def begin_resync(conn: sqlite3.Connection) -> None:
    """Start pulling the whole catalog again (the server went back to an older state)."""
    conn.execute("DELETE FROM catalog_resync_seen")
    put(conn, "catalog_resync", "1")
    put(conn, "catalog_cursor", 0)


def seen_in_resync(conn: sqlite3.Connection, product_id: str) -> None:
    conn.execute("INSERT OR IGNORE INTO catalog_resync_seen (product_id) VALUES (?)", (product_id,))


def finish_resync(conn: sqlite3.Connection, version: int) -> None:
    """Withdraw every product the full feed did not send: HQ no longer has it."""
    conn.execute(
        "UPDATE products SET active = 0, plu = NULL, catalog_version = ? "
        "WHERE active = 1 AND id NOT IN (SELECT product_id FROM catalog_resync_seen)",
        (version,),
    )
    conn.execute("DELETE FROM catalog_resync_seen")
    put(conn, "catalog_resync", "")
