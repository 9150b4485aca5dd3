"""The versioned catalog HQ edits, and the change feed terminals pull from it.

Versions
    Every catalog write takes versions from one counter (the ``counters`` row ``catalog``),
    and every row it changes gets a version of its own: a product upsert or tombstone takes
    one, a delivery takes one, and a CSV import reserves one block of N versions for its N
    changed products. No two rows ever share a version; an unchanged row keeps its version.

The cursor
    ``since`` and ``next`` are plain integers: ``since=V`` means "I have applied every change
    up to version V". Because versions are unique per row, the feed pages by version alone:
    a page holds the changes with version > since in version order, at most ``limit`` of
    them, and ``next`` is the version of the last one (``since`` when there is none). A huge
    import cannot trap a cursor inside one version, because no version covers two rows.
    Clients treat ``next`` as opaque: they store it and send it back.

Why the cursor never skips a committed change
    1. Catalog writers run one at a time, in commit order. Each one locks the counter row
       first (``SELECT ... FOR UPDATE`` or ``UPDATE ... RETURNING``; SQLite's BEGIN IMMEDIATE
       serialises all writers anyway) and holds the lock until it commits. So a writer can
       only take versions after every writer with lower versions has committed, and versions
       become visible in increasing order.
    2. The feed reads the committed counter value C first and returns only rows with
       version <= C. Every such version was committed before C was, so later statements see
       it, even on PostgreSQL's READ COMMITTED where each statement has its own snapshot. A
       row changed after that read gets a version above C, hence above ``next``, and comes
       in a later poll. Without the ceiling, a product committed between the products query
       and the deliveries query could be stepped over by a delivery's higher version.

Barcodes are stored as digits ('|'-separated, as printed, full-width digits made ASCII) and
are only ever added: old labels stay on shelves, so terminals must keep resolving them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from sync import protocol
from sync.protocol.barcodes import DEFAULT_RULES
from sync.protocol.catalog import COLUMNS, CatalogRow, check_row, match_row, parse, product_id
from sync.server import audit, clock, registry
from sync.server.errors import ApiError, conflict, invalid, not_found
from sync.server.tables import (
    catalog_prices,
    counters,
    deliveries,
    products,
    stock_minimums,
    transfers,
)

FIELDS = (
    "plu", "name", "name_en", "unit", "price_fen", "category", "supplier_id",
    "supplier_name", "county", "certificate_no", "certificate_expires",
)  # fmt: skip
STATE = (*FIELDS, "barcodes", "deleted")  # what makes a product row change
MAX_TEXT = 200
MAX_SUPPLIER_ID = 64  # products.supplier_id is String(64)
MAX_QTY = 1_000_000
MAX_CURSOR = 2**53 - 1  # JSON-safe; far beyond any real version
MAX_ERRORS = 1000  # a person fixes a sheet from the first problems, not from 100,000 of them
PRODUCT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


# --- versions -------------------------------------------------------------------------


def lock(conn: Connection) -> int:
    """Lock the catalog counter for this transaction; returns the current version."""
    # The row lock (PostgreSQL) or the write lock (SQLite's BEGIN IMMEDIATE) is held until
    # commit, so everything this transaction reads next is the latest committed catalog.
    return conn.execute(
        select(counters.c.value).where(counters.c.name == "catalog").with_for_update()
    ).scalar_one()


def take_versions(conn: Connection, count: int) -> int:
    """Reserve ``count`` consecutive versions; returns the last (the first is last-count+1)."""
    # UPDATE locks the counter row until this transaction ends. A concurrent writer blocks
    # here until we commit (then sees our value) or roll back (then reuses it), so versions
    # are handed out in commit order and a feed cursor never passes an uncommitted version.
    return conn.execute(
        update(counters)
        .where(counters.c.name == "catalog")
        .values(value=counters.c.value + count)
        .returning(counters.c.value)
    ).scalar_one()


def next_version(conn: Connection) -> int:
    """One new version, serialised with every other catalog writer until commit."""
    return take_versions(conn, 1)


def current_version(conn: Connection) -> int:
    """The highest committed version this transaction can see (no lock)."""
    return conn.execute(select(counters.c.value).where(counters.c.name == "catalog")).scalar_one()


# --- checks shared by the API and the CSV import ---------------------------------------


def _server_problems(row: CatalogRow) -> list[str]:
    """Limits the terminal does not need but the server's columns do, as 'column: reason'."""
    problems = []
    for column in FIELDS:
        value = getattr(row, column)
        if isinstance(value, str) and CONTROL.search(value):
            problems.append(f"column {column}: contains a control character; remove it")
        elif isinstance(value, str) and len(value) > MAX_TEXT:
            problems.append(f"column {column}: is {len(value)} characters; keep it to {MAX_TEXT}")
    if len(row.supplier_id) > MAX_SUPPLIER_ID:
        problems.append(f"column supplier_id: keep it to {MAX_SUPPLIER_ID} characters")
    return problems


def _ascii(code: str) -> str:
    return code.translate(FULLWIDTH_DIGITS)


def _gtin(stored_code: str) -> str:
    """The 14-digit GTIN of a stored code."""
    # Stored codes passed sync.protocol.barcodes.classify as EAN-13/EAN-8/UPC-A (or a GTIN-14 of a
    # single item) and were made ASCII, and for those classify's GTIN is the code zero-filled.
    return stored_code.zfill(14)


def _codes(stored: str) -> list[str]:
    return [c for c in stored.split("|") if c]


def new_id(row: CatalogRow) -> str:
    """The terminal's id rule (sync.protocol.catalog.product_id): HQ and booths agree."""
    return product_id(row)


def _merge_barcodes(stored: str, row: CatalogRow) -> str:
    """The stored codes plus the row's new ones: barcodes are only ever added."""
    codes = _codes(stored)
    known = {_gtin(c) for c in codes}
    for code, gtin in row.barcodes:
        if gtin not in known:
            codes.append(_ascii(code))
            known.add(gtin)
    return "|".join(codes)


def _state(row: CatalogRow, old: dict | None) -> dict:
    """The product row a checked CatalogRow makes, given the product it updates (if any)."""
    state = {column: getattr(row, column) for column in FIELDS}
    if old is not None and row.plu is None:
        state["plu"] = old["plu"]  # keep a PLU the row leaves blank, as the terminal does
    state["barcodes"] = _merge_barcodes(old["barcodes"] if old else "", row)
    state["deleted"] = False
    return state


def _changed(old: dict | None, state: dict) -> bool:
    return old is None or any(old[key] != state[key] for key in STATE)


# --- CSV import -------------------------------------------------------------------------


def _rejected(errors: list[str]) -> ApiError:
    shown = errors[:MAX_ERRORS]
    more = f" The first {MAX_ERRORS} are listed." if len(errors) > MAX_ERRORS else ""
    return ApiError(
        422,
        f"The catalog was not imported: {len(errors)} problem(s) found.{more} "
        "Fix the sheet and import it again.",
        errors=shown,
    )


def _load_all(conn: Connection) -> dict[str, dict]:
    columns = [products.c.id, *(products.c[k] for k in STATE), products.c.version]
    return {row["id"]: dict(row) for row in conn.execute(select(*columns)).mappings()}


def _plan(existing: dict[str, dict], rows: list[CatalogRow]) -> tuple[list[dict], dict, list]:
    """Match rows to products like the terminal does; (changed states, counts, errors)."""
    owner_by_gtin = {
        _gtin(code): pid for pid, old in existing.items() for code in _codes(old["barcodes"])
    }
    owner_by_plu = {old["plu"]: pid for pid, old in existing.items() if old["plu"]}
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    planned: dict[str, int] = {}  # product id -> line that claimed it
    changed: list[dict] = []
    errors: list[str] = []
    for row in rows:
        problems = _server_problems(row)
        if problems:
            errors.extend(f"line {row.line}, {p}" for p in problems)
            continue
        owner, error = match_row(row, owner_by_gtin, owner_by_plu)
        if error:
            errors.append(error)
            continue
        matched = owner is not None
        product_id = owner if matched else new_id(row)
        old = existing.get(product_id)
        if old is not None and not matched:
            errors.append(
                f"line {row.line}, column barcode: the id this row would get, {product_id}, "
                f"belongs to another product ({old['name']}); add that product's barcode or PLU"
            )
            continue
        if product_id in planned:
            errors.append(
                f"line {row.line}, column barcode: this row is the same product as line "
                f"{planned[product_id]} ({product_id}); merge the two rows"
            )
            continue
        planned[product_id] = row.line
        state = _state(row, old)
        if old is not None and old["plu"] and state["plu"] != old["plu"]:
            owner_by_plu.pop(old["plu"], None)
        if state["plu"]:
            owner_by_plu[state["plu"]] = product_id
        for _, gtin in row.barcodes:
            owner_by_gtin.setdefault(gtin, product_id)
        if not _changed(old, state):
            counts["unchanged"] += 1
            continue
        counts["added" if old is None else "updated"] += 1
        changed.append({"id": product_id, **state})
    return changed, counts, errors


def _upsert_rows(conn: Connection, rows: list[dict], since: str | None = None) -> None:
    """INSERT ... ON CONFLICT (id) DO UPDATE for many rows at once (executemany)."""
    if not rows:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(products)
    statement = statement.on_conflict_do_update(
        index_elements=[products.c.id],
        set_={key: statement.excluded[key] for key in (*STATE, "version")},
    )
    conn.execute(statement, rows)
    _record_prices(conn, rows, since)


def _record_prices(conn: Connection, rows: list[dict], since: str | None = None) -> None:
    """Keep each price a product takes (from ``since``, else now): sales made at an older
    price still check out."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    since = since or clock.stamp()
    prices = {(row["id"], row["price_fen"]): row["version"] for row in rows}
    conn.execute(
        dialect.insert(catalog_prices).on_conflict_do_nothing(),
        [
            {"product_id": pid, "price_fen": price, "version": version, "since": since}
            for (pid, price), version in prices.items()
        ],
    )


def preview_csv(engine: Engine, data: bytes) -> dict:
    """What importing a catalog CSV would do, without writing: the same checks as
    ``import_csv`` (every problem as 'line N, column C: reason' in ``errors``), the counts,
    and each changed product before and after."""
    parsed = parse(data, DEFAULT_RULES)
    if parsed.errors:
        return {"errors": parsed.errors, "changes": [], "encoding": parsed.encoding}
    with engine.connect() as conn:
        existing = _load_all(conn)
        changed, counts, errors = _plan(existing, parsed.rows)
    changes = [
        {
            "id": row["id"],
            "before": _audited(existing[row["id"]]) if row["id"] in existing else None,
            "after": _audited(row),
        }
        for row in changed
    ]
    return {**counts, "errors": errors, "changes": changes, "encoding": parsed.encoding}


def _audited(state: dict) -> dict:
    """A product row as the audit log and the import preview show it."""
    return {"barcodes": _codes(state["barcodes"]), "deleted": bool(state["deleted"]),
            **{key: state[key] for key in FIELDS}}  # fmt: skip


def import_csv(engine: Engine, data: bytes, by: str = "unknown") -> dict:
    """Check a whole catalog CSV, then upsert all of it in one transaction or nothing."""
    parsed = parse(data, DEFAULT_RULES)
    if parsed.errors:
        raise _rejected(parsed.errors)
    with engine.begin() as conn:
        version = lock(conn)  # before reading: the plan must see the latest catalog
        existing = _load_all(conn)
        changed, counts, errors = _plan(existing, parsed.rows)
        if errors:
            raise _rejected(errors)
        if changed:
            version = take_versions(conn, len(changed))
            for offset, row in enumerate(changed):
                row["version"] = version - len(changed) + 1 + offset
            _upsert_rows(conn, changed)
        summary = {**counts, "version": version, "encoding": parsed.encoding}
        audit.record(conn, by, "catalog_imported", "catalog", str(version), None, summary)
        audit.record_many(
            conn, by, "product_imported", "product",
            [
                (row["id"], _audited(existing[row["id"]]) if row["id"] in existing else None,
                 {**_audited(row), "version": row["version"]})
                for row in changed
            ],
        )  # fmt: skip
    return summary


# --- single products -------------------------------------------------------------------


def checked(product: dict) -> CatalogRow:
    """A product dict checked exactly like a CSV row (same rules, same messages)."""
    codes = product.get("barcodes") or []
    if any("|" in code for code in codes):
        raise invalid("A barcode cannot contain '|': give each barcode as its own list item.")
    values = {column: "" for column in COLUMNS}
    for column in COLUMNS:
        value = product.get(column)
        if value is not None and column != "barcode":
            values[column] = str(value).strip()
    values["barcode"] = "|".join(codes)
    errors: list[str] = []
    row = check_row(0, values, errors, DEFAULT_RULES)
    problems = [e.removeprefix("line 0, column ") for e in errors]
    if row is not None:
        problems += [p.removeprefix("column ") for p in _server_problems(row)]
    if problems:
        raise invalid(f"The product was not saved: {problems[0]}.", errors=problems)
    return row


def _owners(conn: Connection, row: CatalogRow) -> set[str]:
    """Ids of products that already own one of the row's barcodes or its PLU."""
    owners = set()
    for _, gtin in row.barcodes:
        # No barcode index in this schema: LIKE narrows to candidates, _gtin decides.
        pattern = f"%{gtin.lstrip('0')}%"
        for pid, stored in conn.execute(
            select(products.c.id, products.c.barcodes).where(products.c.barcodes.like(pattern))
        ):
            if gtin in {_gtin(code) for code in _codes(stored)}:
                owners.add(pid)
    if row.plu is not None:
        owners.update(
            conn.execute(select(products.c.id).where(products.c.plu == row.plu)).scalars()
        )
    return owners


def _one(conn: Connection, product_id: str) -> dict | None:
    columns = [products.c.id, *(products.c[k] for k in STATE), products.c.version]
    row = conn.execute(select(*columns).where(products.c.id == product_id)).mappings().first()
    return dict(row) if row else None


def public(row: dict) -> dict:
    """A product as the API shows it (barcodes as a list; its minimum stock when known)."""
    out = {"id": row["id"], "barcodes": _codes(row["barcodes"])}
    out.update({key: row[key] for key in FIELDS})
    if "min_stock" in row:
        out["min_stock"] = int(row["min_stock"])
    return out


def _check_id(product_id: str) -> str:
    if not isinstance(product_id, str) or not PRODUCT_ID.fullmatch(product_id):
        raise invalid(
            f"A product id is 1 to 64 letters, digits, '.', '-' or '_' (got {product_id!r})."
        )
    return product_id


def upsert_product(
    conn: Connection,
    product: dict,
    by: str = "unknown",
    since: str | None = None,
    action: str = "product_saved",
) -> dict:
    """Create or replace one product (barcodes are only added); a change takes a new version.
    ``since``: when a new price holds from (a scheduled change's time; default now)."""
    product_id = _check_id(product.get("id"))
    row = checked(product)
    lock(conn)
    others = _owners(conn, row) - {product_id}
    if others:
        raise conflict(
            f"A barcode or the PLU of {product_id} already belongs to {', '.join(sorted(others))}: "
            "edit that product instead, or take the code off it first."
        )
    old = _one(conn, product_id)
    state = _state(row, old)
    state["plu"] = row.plu  # an edit says what the PLU is; unlike a sheet, blank clears it
    if not _changed(old, state):
        return {**public(old), "deleted": old["deleted"], "version": old["version"]}
    version = next_version(conn)
    _upsert_rows(conn, [{"id": product_id, **state, "version": version}], since)
    audit.record(
        conn, by, action, "product", product_id,
        _audited(old) if old else None, {**_audited(state), "version": version},
    )  # fmt: skip
    return {**public({"id": product_id, **state}), "deleted": False, "version": version}


def get_product(conn: Connection, product_id: str) -> dict:
    """One product with its tombstone flag and version, or 404."""
    row = _one(conn, _check_id(product_id))
    if row is None:
        raise not_found(f"There is no product {product_id}: check the id, or import it first.")
    return {**public(row), "deleted": row["deleted"], "version": row["version"]}


def delete_product(conn: Connection, product_id: str, by: str = "unknown") -> dict:
    """Tombstone a product (its row stays, so sold lines and old barcodes still resolve)."""
    lock(conn)
    row = get_product(conn, product_id)
    if row["deleted"]:
        return row  # deleting twice changes nothing and takes no version
    version = next_version(conn)
    conn.execute(
        update(products).where(products.c.id == product_id).values(deleted=True, version=version)
    )
    audit.record(
        conn, by, "product_withdrawn", "product", product_id,
        {"deleted": False, "version": row["version"]}, {"deleted": True, "version": version},
    )  # fmt: skip
    return {**row, "deleted": True, "version": version}


# --- deliveries -------------------------------------------------------------------------


def add_delivery(
    conn: Connection, booth_id: str, product_id: str, qty: int, note: str, by: str = "unknown"
) -> dict:
    """HQ sends stock to a booth: an expected receipt in that booth's feed.

    ``qty`` is pieces, or grams for products sold by kg (like stock movements); negative
    takes stock back (a recall).
    """
    if isinstance(qty, bool) or not isinstance(qty, int) or qty == 0 or abs(qty) > MAX_QTY:
        raise invalid(f"A delivery qty is a whole number from -{MAX_QTY} to {MAX_QTY}, not 0.")
    note = (note or "").strip()
    if len(note) > MAX_TEXT or CONTROL.search(note):
        raise invalid(f"A delivery note is one line of at most {MAX_TEXT} characters.")
    registry.booth(conn, registry.check_identifier(booth_id, "A booth id"))
    version = next_version(conn)
    product = get_product(conn, product_id)
    if product["deleted"]:
        raise conflict(f"Product {product_id} is deleted: restore it before delivering it.")
    created_at = clock.stamp()
    delivery_id = conn.execute(
        insert(deliveries)
        .values(
            booth_id=booth_id,
            product_id=product_id,
            qty=qty,
            note=note,
            created_at=created_at,
            version=version,
        )
        .returning(deliveries.c.id)
    ).scalar_one()
    delivery = {
        "id": delivery_id,
        "booth_id": booth_id,
        "product_id": product_id,
        "qty": qty,
        "note": note,
        "created_at": created_at,
        "version": version,
    }
    audit.record(conn, by, "delivery_added", "delivery", str(delivery_id), None, delivery)
    return delivery


# --- minimum stock ----------------------------------------------------------------------


def find_product(conn: Connection, code: str) -> dict:
    """The product a person names by its id, one of its barcodes, or its PLU; else 404."""
    code = (code or "").strip()
    if PRODUCT_ID.fullmatch(code):
        row = _one(conn, code)
        if row is not None:
            return row
    digits = _ascii(code)
    if digits.isdigit():
        if len(digits) >= 8:  # a barcode; a PLU has at most 5 digits
            owners = _owners(conn, _CodeOnly(((digits, digits.zfill(14)),), None))
        else:
            owners = _owners(conn, _CodeOnly((), digits))
        if len(owners) == 1:
            return _one(conn, owners.pop())
    raise not_found(
        f"No product has the id, barcode or PLU {code!r}: check it against 'catalog import'."
    )


class _CodeOnly:
    """Just what ``_owners`` reads of a row: its barcodes and PLU."""

    def __init__(self, barcodes: tuple, plu: str | None):
        self.barcodes, self.plu = barcodes, plu


def set_min_stock(conn: Connection, code: str, minimum: int, booth_id: str | None, by: str) -> dict:
    """Set a product's minimum stock, campaign-wide or for one booth (0: none); the change
    takes a catalog version, so the booths concerned get the product again in their feed."""
    if (
        isinstance(minimum, bool)
        or not isinstance(minimum, int)
        or not 0 <= minimum <= MAX_QTY * 10
    ):
        raise invalid(f"A minimum stock is a whole number from 0 to {MAX_QTY * 10:,} (0: none).")
    lock(conn)
    product = find_product(conn, code)
    if product["deleted"]:
        raise conflict(
            f"Product {product['id']} is deleted: restore it before setting its minimum."
        )
    now = clock.stamp()
    if booth_id is not None:
        registry.booth(conn, registry.check_identifier(booth_id, "A booth id"))
    before = _min_stock_of(conn, product, booth_id)
    version = next_version(conn)
    if booth_id is None:
        conn.execute(
            update(products)
            .where(products.c.id == product["id"])
            .values(min_stock=minimum, version=version)
        )
    else:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        values = {"min_stock": minimum, "version": version, "updated_at": now, "updated_by": by}
        conn.execute(
            dialect.insert(stock_minimums)
            .values(booth_id=booth_id, product_id=product["id"], **values)
            .on_conflict_do_update(
                index_elements=[stock_minimums.c.booth_id, stock_minimums.c.product_id],
                set_=values,
            )
        )
    audit.record(
        conn, by, "min_stock_set", "product", product["id"],
        {"booth_id": booth_id, "min_stock": before}, {"booth_id": booth_id, "min_stock": minimum},
    )  # fmt: skip
    return {
        "product_id": product["id"],
        "name": product["name"],
        "unit": "g" if product["unit"] == "kg" else "piece",
        "booth_id": booth_id,
        "min_stock": minimum,
        "version": version,
    }


def _min_stock_of(conn: Connection, product, booth_id: str | None) -> int | None:
    """The minimum in force before a change: the campaign's, or the booth's own (None: none)."""
    if booth_id is None:
        return conn.execute(
            select(products.c.min_stock).where(products.c.id == product["id"])
        ).scalar()
    return conn.execute(
        select(stock_minimums.c.min_stock).where(
            stock_minimums.c.booth_id == booth_id,
            stock_minimums.c.product_id == product["id"],
        )
    ).scalar()


# --- the feed ---------------------------------------------------------------------------


def check_page(since: int, limit: int) -> None:
    if isinstance(since, bool) or not isinstance(since, int) or not 0 <= since <= MAX_CURSOR:
        raise invalid(f"since must be a cursor from 0 to {MAX_CURSOR}: pass back 'next'.")
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise invalid("limit must be a whole number.")
    if not 1 <= limit <= protocol.CATALOG_PAGE_MAX:
        raise invalid(f"limit must be from 1 to {protocol.CATALOG_PAGE_MAX}.")


FEED_COLUMNS = [
    products.c.id,
    *(products.c[k] for k in STATE),
    products.c.version,
    products.c.min_stock,
]


def _product_changes(
    conn: Connection, booth_id: str, since: int, ceiling: int, limit: int
) -> Iterable[dict]:
    query = (
        select(*FEED_COLUMNS)
        .where(products.c.version > since, products.c.version <= ceiling)
        .order_by(products.c.version)
        .limit(limit)
    )
    rows = [dict(row) for row in conn.execute(query).mappings()]
    own = _booth_minimums(conn, booth_id, [row["id"] for row in rows if not row["deleted"]])
    for row in rows:
        if row["deleted"]:
            yield {"version": row["version"], "kind": "product_deleted", "id": row["id"]}
        else:
            row["min_stock"] = own.get(row["id"], row["min_stock"])
            yield {"version": row["version"], "kind": "product", "product": public(row)}


def _booth_minimums(conn: Connection, booth_id: str, product_ids: list[str]) -> dict[str, int]:
    """product id -> the booth's own minimum, for those of ``product_ids`` that have one."""
    found: dict[str, int] = {}
    for start in range(0, len(product_ids), 500):
        found |= {
            pid: int(value)
            for pid, value in conn.execute(
                select(stock_minimums.c.product_id, stock_minimums.c.min_stock).where(
                    stock_minimums.c.booth_id == booth_id,
                    stock_minimums.c.product_id.in_(product_ids[start : start + 500]),
                )
            )
        }
    return found


def _minimum_changes(
    conn: Connection, booth_id: str, since: int, ceiling: int, limit: int
) -> Iterable[dict]:
    """The booth's own minimums changed after ``since``: the product again, carrying it."""
    m = stock_minimums.c
    query = (
        select(*FEED_COLUMNS, m.min_stock.label("own_min"), m.version.label("own_version"))
        .select_from(stock_minimums.join(products, products.c.id == m.product_id))
        .where(m.booth_id == booth_id, m.version > since, m.version <= ceiling)
        .order_by(m.version)
        .limit(limit)
    )
    for row in conn.execute(query).mappings():
        if row["deleted"]:
            continue  # a deleted product's minimum matters to nobody
        product = {**row, "min_stock": row["own_min"]}
        yield {"version": row["own_version"], "kind": "product", "product": public(product)}


def _delivery_changes(
    conn: Connection, booth_id: str, since: int, ceiling: int, limit: int
) -> Iterable[dict]:
    query = (
        select(deliveries)
        .where(
            deliveries.c.booth_id == booth_id,
            deliveries.c.version > since,
            deliveries.c.version <= ceiling,
        )
        .order_by(deliveries.c.version)
        .limit(limit)
    )
    for row in conn.execute(query).mappings():
        delivery = {k: row[k] for k in ("id", "product_id", "qty", "note", "created_at")}
        yield {"version": row["version"], "kind": "delivery", "delivery": delivery}


def _transfer_changes(
    conn: Connection, booth_id: str, since: int, ceiling: int, limit: int
) -> Iterable[dict]:
    """Transfers other booths sent this one, relayed as expected deliveries (one version per
    transfer, so a transfer is never split across pages)."""
    t = transfers.c
    versions = (
        select(t.version)
        .where(t.to_booth == booth_id, t.version > since, t.version <= ceiling)
        .group_by(t.version)
        .order_by(t.version)
        .limit(limit)
    ).subquery()
    query = (
        select(t.version, t.transfer_id, t.from_booth, t.product_id, t.sent, t.note, t.at)
        .where(t.to_booth == booth_id, t.version.in_(select(versions.c.version)))
        .order_by(t.version, t.line_no)
    )
    relayed: dict[int, dict] = {}
    for row in conn.execute(query):
        delivery = relayed.setdefault(
            row.version,
            {
                "id": row.transfer_id,
                "lines": [],
                "note": row.note,
                "created_at": row.at,
                "transfer_id": row.transfer_id,
                "from_booth": row.from_booth,
            },
        )
        delivery["lines"].append({"product_id": row.product_id, "qty": int(row.sent)})
    for version, delivery in relayed.items():
        yield {"version": version, "kind": "delivery", "delivery": delivery}


def changes(conn: Connection, booth_id: str, since: int, limit: int) -> dict:
    """One page of the booth's feed after cursor ``since`` (see the module docstring)."""
    check_page(since, limit)
    ceiling = current_version(conn)  # read first: everything at or below it is committed
    if since >= ceiling:  # nothing after the cursor: the common poll costs one read
        return {"changes": [], "next": since, "more": False, "current": ceiling}
    found = [
        *_product_changes(conn, booth_id, since, ceiling, limit + 1),
        *_delivery_changes(conn, booth_id, since, ceiling, limit + 1),
        *_minimum_changes(conn, booth_id, since, ceiling, limit + 1),
        *_transfer_changes(conn, booth_id, since, ceiling, limit + 1),
    ]
    found.sort(key=lambda change: change["version"])
    page = found[:limit]
    return {
        "changes": page,
        "next": page[-1]["version"] if page else since,
        "more": len(found) > limit,
        # A cursor above this means the server went back (restored from a backup): the
        # terminal must pull everything again (sync/client.py).
        "current": ceiling,
    }


def feed_etag(booth_id: str, since: int, limit: int, current: int) -> str:
    """The entity tag of a feed page: the page depends on nothing else (every row at or
    below ``current`` is committed and keeps its version until it changes again)."""
    key = hashlib.sha256(f"{booth_id}\x00{since}\x00{limit}".encode()).hexdigest()[:16]
    return f'"{current}-{key}"'


# --- reading the catalog (the console) ------------------------------------------------------


def all_products(conn: Connection) -> list[dict]:
    """Every product as HQ holds it (withdrawn ones too), with its version, by name."""
    columns = [products.c.id, *(products.c[k] for k in STATE), products.c.version]
    rows = [
        {**public(row), "deleted": bool(row["deleted"]), "version": row["version"]}
        for row in conn.execute(select(*columns)).mappings()
    ]
    rows.sort(key=lambda row: (row["name"], row["id"]))
    return rows


def price_history(conn: Connection, product_id: str) -> list[dict]:
    """Every price the product has had (catalog_prices), newest first."""
    rows = conn.execute(
        select(catalog_prices.c.price_fen, catalog_prices.c.version, catalog_prices.c.since)
        .where(catalog_prices.c.product_id == product_id)
        .order_by(catalog_prices.c.version.desc())
    ).mappings()
    return [dict(row) for row in rows]
