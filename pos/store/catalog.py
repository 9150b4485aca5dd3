"""Products and barcodes in the local database: import, lookup and search."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from pos.pinyin import initials
from pos.products import Product
from sync.protocol.catalog import CatalogRow, match_row
from sync.protocol.catalog import product_id as product_id_for

PRODUCT_COLUMNS = (
    "id, name, name_en, unit, price_fen, plu, category, supplier_id, supplier_name, county, "
    "certificate_no, certificate_expires"
)
_BY_GTIN = (
    f"SELECT {', '.join('p.' + c.strip() for c in PRODUCT_COLUMNS.split(','))} "
    "FROM barcodes b JOIN products p ON p.id = b.product_id WHERE b.gtin = ? AND p.active = 1"
)
_BY_PLU = f"SELECT {PRODUCT_COLUMNS} FROM products WHERE plu = ? AND active = 1"
_BY_ID = f"SELECT {PRODUCT_COLUMNS} FROM products WHERE id = ?"


@dataclass(frozen=True)
class ImportSummary:
    added: int
    updated: int
    unchanged: int
    catalog_version: int


def by_gtin(conn: sqlite3.Connection, gtin: str) -> Product | None:
    row = conn.execute(_BY_GTIN, (gtin,)).fetchone()
    return Product(*row) if row else None


def by_plu(conn: sqlite3.Connection, plu: str) -> Product | None:
    row = conn.execute(_BY_PLU, (plu,)).fetchone()
    return Product(*row) if row else None


def by_id(conn: sqlite3.Connection, product_id: str) -> Product | None:
    row = conn.execute(_BY_ID, (product_id,)).fetchone()
    return Product(*row) if row else None


def barcode_of(conn: sqlite3.Connection, product_id: str) -> str:
    row = conn.execute(
        "SELECT code FROM barcodes WHERE product_id = ? ORDER BY rowid LIMIT 1", (product_id,)
    ).fetchone()
    return row[0] if row else ""


def with_plu(conn: sqlite3.Connection, per_category: int) -> list[Product]:
    """Products with a PLU, at most ``per_category`` of each category, by category and PLU."""
    rows = conn.execute(
        f"""SELECT {PRODUCT_COLUMNS} FROM (
                SELECT *, row_number() OVER (PARTITION BY category ORDER BY CAST(plu AS INTEGER)) AS n
                FROM products WHERE plu IS NOT NULL AND active = 1)
            WHERE n <= ? ORDER BY category, CAST(plu AS INTEGER)""",
        (per_category,),
    )
    return [Product(*row) for row in rows]


def search(
    conn: sqlite3.Connection,
    text: str,
    gtin: str | None = None,
    plu: str | None = None,
    limit: int = 20,
) -> list[Product]:
    """Barcode or PLU exact, then Chinese/English name substring or pinyin initials."""
    if not text:
        return []
    like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = conn.execute(
        f"""SELECT {PRODUCT_COLUMNS} FROM products WHERE active = 1 AND id IN (
                SELECT product_id FROM barcodes WHERE gtin = :gtin
                UNION SELECT id FROM products WHERE plu = :plu
                UNION SELECT id FROM products
                      WHERE name LIKE :like ESCAPE '\\' OR initials LIKE :like ESCAPE '\\'
                         OR name_en LIKE :like ESCAPE '\\')
            ORDER BY (:plu IS NOT NULL AND plu = :plu) DESC, (initials LIKE :prefix ESCAPE '\\') DESC,
                     length(name), name
            LIMIT :limit""",
        {"gtin": gtin, "plu": plu, "like": like, "prefix": like[1:], "limit": limit},
    ).fetchall()
    return [Product(*row) for row in rows]


def import_rows(
    conn: sqlite3.Connection, rows: list[CatalogRow]
) -> tuple[ImportSummary, list[str]]:
    """Upsert checked rows (inside a write transaction); returns conflicts as row errors.

    A row updates the product that already owns one of its barcodes or its PLU; barcodes
    are only ever added (old labels stay on shelves), and sold lines keep what they charged.
    """
    owner_by_gtin = dict(conn.execute("SELECT gtin, product_id FROM barcodes"))
    owner_by_plu = dict(conn.execute("SELECT plu, id FROM products WHERE plu IS NOT NULL"))
    existing = {
        row[0]: row[1:]
        for row in conn.execute(
            "SELECT id, name, name_en, unit, price_fen, plu, category, supplier_id, "
            "supplier_name, county, certificate_no, certificate_expires FROM products"
        )
    }
    version = catalog_version(conn) + 1
    errors: list[str] = []
    upserts: list[tuple] = []
    new_barcodes: list[tuple[str, str, str]] = []
    added = updated = unchanged = 0
    for row in rows:
        owner, error = match_row(row, owner_by_gtin, owner_by_plu)
        if error:
            errors.append(error)
            continue
        product_id = owner or product_id_for(row)
        values = (
            row.name, row.name_en, row.unit, row.price_fen, row.plu, row.category,
            row.supplier_id, row.supplier_name, row.county, row.certificate_no,
            row.certificate_expires,
        )  # fmt: skip
        old = existing.get(product_id)
        if old is not None and row.plu is None:
            values = (*values[:4], old[4], *values[5:])  # keep a PLU the row leaves blank
        if old == values:
            unchanged += 1
        else:
            added, updated = (added + 1, updated) if old is None else (added, updated + 1)
            upserts.append((product_id, *values, initials(row.name), version))
        for code, gtin in row.barcodes:
            if gtin not in owner_by_gtin:
                new_barcodes.append((gtin, code, product_id))
                owner_by_gtin[gtin] = product_id
        if row.plu is not None:
            owner_by_plu[row.plu] = product_id
    if errors:
        return ImportSummary(0, 0, 0, version - 1), errors
    conn.executemany(
        """INSERT INTO products (id, name, name_en, unit, price_fen, plu, category, supplier_id,
               supplier_name, county, certificate_no, certificate_expires, initials, catalog_version)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_en = excluded.name_en,
               unit = excluded.unit, price_fen = excluded.price_fen, plu = excluded.plu,
               category = excluded.category, supplier_id = excluded.supplier_id,
               supplier_name = excluded.supplier_name, county = excluded.county,
               certificate_no = excluded.certificate_no,
               certificate_expires = excluded.certificate_expires,
               initials = excluded.initials, catalog_version = excluded.catalog_version""",
        upserts,
    )
    conn.executemany("INSERT INTO barcodes (gtin, code, product_id) VALUES (?, ?, ?)", new_barcodes)
    if upserts:
        set_catalog_version(conn, version)
    else:
        version -= 1
    return ImportSummary(added, updated, unchanged, version), []


def catalog_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = 'catalog_version'").fetchone()
    return int(row[0]) if row else 0


def set_catalog_version(conn: sqlite3.Connection, version: int) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('catalog_version', ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (str(version),),
    )
