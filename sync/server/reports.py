"""Reports for the campaign office, read from the projections ingest writes.

Every function takes a Connection (call it inside ``reading(engine)``) and returns plain
dicts of integers and strings. Money is integer fen, weight integer grams, counts integers.
Results are identical on SQLite and PostgreSQL: sums are turned into ``int`` here (PostgreSQL
returns ``Decimal`` for ``SUM(bigint)``), and rows are ordered in Python rather than by SQL
``ORDER BY`` on text, because PostgreSQL sorts text by its locale and SQLite by code point.

Scope: sales as ingest projects them. Refunds and voids are not projected yet, so amounts
are gross sales; a terminal's ``grand_total_fen`` (booth health) is the net figure.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, case, func, literal, select

from sync.server.tables import (
    booths,
    deliveries,
    products,
    sale_lines,
    stock_movements,
    tamper_alerts,
    terminals,
)
from sync.server.tables import (
    sales as sales_table,
)

GROUPS = ("day", "booth", "supplier", "county", "product")
#: Ids per IN (...) list: well under any database's limit on bound parameters.
CHUNK = 500
#: Groupings read from sale lines (they count lines, pieces and grams); the others read sales.
LINE_GROUPS = {
    "supplier": sale_lines.c.supplier_id,
    "county": sale_lines.c.county,
    "product": sale_lines.c.product_id,
}


def _int(value) -> int:
    """A SUM or COUNT as a Python int (PostgreSQL gives Decimal for SUM, NULL for none)."""
    return int(value or 0)


# --- sales ---------------------------------------------------------------------------------


def sales(
    conn: Connection, group_by: str, date_from: date, date_to: date, booth_id: str | None = None
) -> dict:
    """Sales between two business days (inclusive), grouped one way, with a total row.

    Rows are ordered by day for ``day``, else by amount (largest first), ties by key.
    ``day`` and ``booth`` rows carry ``sales`` and ``amount_fen`` (sale totals); ``supplier``,
    ``county`` and ``product`` rows are read from sale lines and also carry ``lines``,
    ``qty`` (pieces), ``weight_g`` and ``sales`` (distinct sales with such a line).
    ``booth`` and ``product`` rows carry a ``name``.
    """
    if group_by not in GROUPS:
        raise ValueError(f"group_by must be one of {', '.join(GROUPS)}, not {group_by!r}.")
    where = [sales_table.c.business_day.between(date_from, date_to)]
    if booth_id is not None:
        where.append(sales_table.c.booth_id == booth_id)
    if group_by in LINE_GROUPS:
        rows, total = _line_rows(conn, LINE_GROUPS[group_by], where)
        if group_by == "product":
            names = _sold_names(conn, where)
            for row in rows:
                row["name"] = names.get(row["key"], "")
    else:
        rows, total = _sale_rows(conn, group_by, where)
    if group_by == "day":
        rows.sort(key=lambda row: row["key"])
    else:
        rows.sort(key=lambda row: (-row["amount_fen"], row["key"]))
    return {
        "group_by": group_by,
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "booth": booth_id,
        "rows": rows,
        "total": total,
    }


def _sale_rows(conn: Connection, group_by: str, where: list) -> tuple[list[dict], dict]:
    """Rows and total for day or booth: counts and sums of whole sales."""
    key = sales_table.c.business_day if group_by == "day" else sales_table.c.booth_id
    figures = (func.count().label("sales"), func.sum(sales_table.c.total_fen).label("amount_fen"))
    grouped = conn.execute(select(key.label("key"), *figures).where(*where).group_by(key)).all()
    rows = [
        {
            "key": row.key.isoformat() if group_by == "day" else row.key,
            "sales": _int(row.sales),
            "amount_fen": _int(row.amount_fen),
        }
        for row in grouped
    ]
    if group_by == "booth":
        names = _booth_names(conn)
        for row in rows:
            row["name"] = names.get(row["key"], "")
    whole = conn.execute(select(*figures).where(*where)).one()
    return rows, {"sales": _int(whole.sales), "amount_fen": _int(whole.amount_fen)}


def _line_rows(conn: Connection, key, where: list) -> tuple[list[dict], dict]:
    """Rows and total for supplier, county or product: counts and sums of sale lines."""
    figures = (
        func.count().label("lines"),
        func.count(sale_lines.c.sale_id.distinct()).label("sales"),
        func.sum(sale_lines.c.qty).label("qty"),
        func.sum(sale_lines.c.weight_g).label("weight_g"),
        func.sum(sale_lines.c.amount_fen).label("amount_fen"),
    )
    joined = sale_lines.join(sales_table, sales_table.c.sale_id == sale_lines.c.sale_id)
    grouped = conn.execute(
        select(key.label("key"), *figures).select_from(joined).where(*where).group_by(key)
    ).all()
    rows = [{"key": row.key, **_line_figures(row)} for row in grouped]
    whole = conn.execute(select(*figures).select_from(joined).where(*where)).one()
    return rows, _line_figures(whole)


def _line_figures(row) -> dict:
    return {
        "sales": _int(row.sales),
        "amount_fen": _int(row.amount_fen),
        "lines": _int(row.lines),
        "qty": _int(row.qty),
        "weight_g": _int(row.weight_g),
    }


def _booth_names(conn: Connection) -> dict[str, str]:
    return {row.id: row.name for row in conn.execute(select(booths.c.id, booths.c.name))}


def _sold_names(conn: Connection, where: list) -> dict[str, str]:
    """Each product's name as its latest sale line (among sales matching ``where``) has it.

    A sale records the name it printed; when HQ renames a product, the newest name wins.
    Ties are broken in Python so both databases agree.
    """
    latest = func.max(sales_table.c.at).label("latest")
    pairs = conn.execute(
        select(sale_lines.c.product_id, sale_lines.c.name, latest)
        .select_from(sale_lines.join(sales_table, sales_table.c.sale_id == sale_lines.c.sale_id))
        .where(*where)
        .group_by(sale_lines.c.product_id, sale_lines.c.name)
    ).all()
    names: dict[str, tuple[str, str]] = {}
    for product_id, name, at in pairs:
        if product_id not in names or (at, name) > names[product_id]:
            names[product_id] = (at, name)
    return {product_id: name for product_id, (_, name) in names.items()}


def _chunks(ids: list[str]):
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


# --- campaign ------------------------------------------------------------------------------


def campaign(conn: Connection) -> dict:
    """Campaign totals over every sale received so far.

    ``booths`` and ``terminals`` count those that have sold; ``booths_registered`` and
    ``terminals_enrolled`` count the registry. ``suppliers`` and ``counties`` count those
    named on sale lines (blank ones are not counted).
    """
    whole = conn.execute(
        select(
            func.count().label("sales"),
            func.sum(sales_table.c.total_fen).label("amount_fen"),
            func.count(sales_table.c.booth_id.distinct()).label("booths"),
            func.count(sales_table.c.terminal_id.distinct()).label("terminals"),
            func.min(sales_table.c.business_day).label("first_day"),
            func.max(sales_table.c.business_day).label("last_day"),
        )
    ).one()
    lines = conn.execute(
        select(
            func.count().label("lines"),
            _count_named(sale_lines.c.supplier_id).label("suppliers"),
            _count_named(sale_lines.c.county).label("counties"),
        )
    ).one()
    return {
        "sales": _int(whole.sales),
        "amount_fen": _int(whole.amount_fen),
        "lines": _int(lines.lines),
        "booths": _int(whole.booths),
        "terminals": _int(whole.terminals),
        "suppliers": _int(lines.suppliers),
        "counties": _int(lines.counties),
        "first_day": _iso_day(whole.first_day),
        "last_day": _iso_day(whole.last_day),
        "booths_registered": _int(conn.execute(select(func.count()).select_from(booths)).scalar()),
        "terminals_enrolled": _int(
            conn.execute(select(func.count()).select_from(terminals)).scalar()
        ),
    }


def _count_named(column):
    """COUNT(DISTINCT column) leaving out blanks (CASE rather than FILTER: older SQLite)."""
    return func.count(case((column != "", column)).distinct())


def _iso_day(value) -> str | None:
    # SQLite hands MIN/MAX of a date column back as text; PostgreSQL as a date.
    if value is None:
        return None
    return value if isinstance(value, str) else value.isoformat()


# --- booth health --------------------------------------------------------------------------


def booth_health(conn: Connection, now: datetime, booth_id: str | None = None) -> list[dict]:
    """One row per terminal: last contact, what the server holds of its journal, open alerts.

    ``seconds_since_contact`` is None for a terminal that never pushed. Ordered by booth id,
    then terminal id.
    """
    alerts = (
        select(tamper_alerts.c.terminal_id, func.count().label("open_alerts"))
        .where(tamper_alerts.c.resolved_at.is_(None))
        .group_by(tamper_alerts.c.terminal_id)
        .subquery()
    )
    query = select(
        terminals.c.booth_id,
        booths.c.name.label("booth_name"),
        terminals.c.id.label("terminal_id"),
        terminals.c.last_seen_at,
        terminals.c.acked_seq,
        func.coalesce(alerts.c.open_alerts, 0).label("open_alerts"),
        terminals.c.clock_skew_ms,
        terminals.c.grand_total_fen,
        terminals.c.revoked_at,
    ).select_from(
        terminals.join(booths, booths.c.id == terminals.c.booth_id).outerjoin(
            alerts, alerts.c.terminal_id == terminals.c.id
        )
    )
    if booth_id is not None:
        query = query.where(terminals.c.booth_id == booth_id)
    rows = [_health_row(row, now) for row in conn.execute(query).all()]
    rows.sort(key=lambda row: (row["booth_id"], row["terminal_id"]))
    return rows


def _health_row(row, now: datetime) -> dict:
    return {
        "booth_id": row.booth_id,
        "booth_name": row.booth_name,
        "terminal_id": row.terminal_id,
        "last_contact": row.last_seen_at,
        "seconds_since_contact": _seconds_since(row.last_seen_at, now),
        "acked_seq": _int(row.acked_seq),
        "open_alerts": _int(row.open_alerts),
        "clock_skew_ms": None if row.clock_skew_ms is None else int(row.clock_skew_ms),
        "grand_total_fen": _int(row.grand_total_fen),
        "revoked": row.revoked_at is not None,
    }


def _seconds_since(stamp: str | None, now: datetime) -> int | None:
    if stamp is None:
        return None
    seen = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    # Workers' clocks can differ by a little: never report contact from the future.
    return max(0, int((now - seen).total_seconds()))


# --- stock ---------------------------------------------------------------------------------


MOVEMENT_FIGURES = ("on_hand", "movements", "sold", "received", "adjusted")


def stock(conn: Connection, booth_id: str, product_id: str | None = None) -> list[dict]:
    """The stock ledger of one booth: one row per product it moved or was sent.

    ``on_hand`` is the sum of the booth's movements (sales, receipts, adjustments) in
    pieces, or grams for products sold by weight (``unit`` is ``piece`` or ``g``).
    ``delivered`` is what HQ sent the booth (the deliveries table, same unit);
    ``received`` what the booth booked in (stock_receive movements); ``expected`` is what
    HQ sent that the booth has not booked in yet, ``max(delivered - received, 0)``, a
    simple running balance, since receipts do not say which delivery they belong to.
    ``unit`` and ``name`` come from the catalog, else from the product's sale lines, else
    they are None and empty. Ordered by product id.
    """
    moved = _movements(conn, booth_id, product_id)
    sent = _delivered(conn, booth_id, product_id)
    ids = sorted(set(moved) | set(sent))
    described = _describe(conn, ids)
    rows = []
    for pid in ids:
        figures = moved.get(pid, dict.fromkeys(MOVEMENT_FIGURES, 0))
        delivered = sent.get(pid, 0)
        name, unit = described.get(pid, ("", None))
        rows.append(
            {
                "booth_id": booth_id,
                "product_id": pid,
                "name": name,
                "unit": unit,
                **figures,
                "delivered": delivered,
                "expected": max(delivered - figures["received"], 0),
            }
        )
    return rows


def _movements(conn: Connection, booth_id: str, product_id: str | None) -> dict[str, dict]:
    m = stock_movements.c

    def by_kind(kind: str):
        return func.sum(case((m.kind == kind, m.delta), else_=literal(0)))

    query = (
        select(
            m.product_id,
            func.sum(m.delta).label("on_hand"),
            func.count().label("movements"),
            by_kind("sale").label("sold"),
            by_kind("stock_receive").label("received"),
            by_kind("stock_adjust").label("adjusted"),
        )
        .where(m.booth_id == booth_id)
        .group_by(m.product_id)
    )
    if product_id is not None:
        query = query.where(m.product_id == product_id)
    return {
        row.product_id: {
            "on_hand": _int(row.on_hand),
            "movements": _int(row.movements),
            "sold": -_int(row.sold),  # sale movements are negative; report what went out
            "received": _int(row.received),
            "adjusted": _int(row.adjusted),
        }
        for row in conn.execute(query).all()
    }


def _delivered(conn: Connection, booth_id: str, product_id: str | None) -> dict[str, int]:
    query = (
        select(deliveries.c.product_id, func.sum(deliveries.c.qty))
        .where(deliveries.c.booth_id == booth_id)
        .group_by(deliveries.c.product_id)
    )
    if product_id is not None:
        query = query.where(deliveries.c.product_id == product_id)
    return {pid: _int(qty) for pid, qty in conn.execute(query).all()}


def _describe(conn: Connection, product_ids: list[str]) -> dict[str, tuple[str, str | None]]:
    """(name, unit) per product: from the catalog, else from how sale lines recorded it."""
    described: dict[str, tuple[str, str | None]] = {}
    for chunk in _chunks(product_ids):
        catalog = conn.execute(
            select(products.c.id, products.c.name, products.c.unit).where(products.c.id.in_(chunk))
        ).all()
        for pid, name, unit in catalog:
            described[pid] = (name, "g" if unit == "kg" else "piece")
    missing = [pid for pid in product_ids if pid not in described]
    for chunk in _chunks(missing):
        in_chunk = sale_lines.c.product_id.in_(chunk)
        names = _sold_names(conn, [in_chunk])
        weighed = {
            row.product_id: row.weighed
            for row in conn.execute(
                select(sale_lines.c.product_id, func.count(sale_lines.c.weight_g).label("weighed"))
                .where(in_chunk)
                .group_by(sale_lines.c.product_id)
            )
        }
        for pid, name in names.items():
            # A product sold by weight has lines with grams; by the piece, none.
            described[pid] = (name, "g" if weighed.get(pid) else "piece")
    return described


__all__ = ["GROUPS", "booth_health", "campaign", "sales", "stock"]
