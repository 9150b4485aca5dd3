"""Reports for the campaign office, read from the projections ingest writes.

Every function takes a Connection (call it inside ``reading(engine)``) and returns plain
dicts of integers and strings. Money is integer fen, weight integer grams, counts integers.
Results are identical on SQLite and PostgreSQL: sums are turned into ``int`` here (PostgreSQL
returns ``Decimal`` for ``SUM(bigint)``), and rows are ordered in Python rather than by SQL
``ORDER BY`` on text, because PostgreSQL sorts text by its locale and SQLite by code point.

Refunds: ``amount_fen`` is always what was sold (gross), as before; refunds and
post-voids are counted on the business day they were made (when the money went back, not
when the goods were sold) and reported beside it as ``refunds``, ``refunded_fen`` and
``net_fen`` (= ``amount_fen`` - ``refunded_fen``). A terminal's ``grand_total_fen`` (booth
health) is the net figure over its whole life.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import Connection, and_, case, func, select

from sync.protocol.entries import TENDER_FIGURES, Z_FIGURES, Z_VOIDED
from sync.protocol.journal import parse_utc
from sync.server import figures as figures_module
from sync.server import quarantine, stock_reports
from sync.server.db import safe_sum
from sync.server.tables import (
    booths,
    day_figures,
    deliveries,
    products,
    refund_lines,
    refunds,
    sale_lines,
    tamper_alerts,
    terminals,
    z_close_tenders,
    z_closes,
)
from sync.server.tables import (
    payments as payments_table,
)
from sync.server.tables import (
    quarantine as quarantine_table,
)
from sync.server.tables import (
    sales as sales_table,
)

GROUPS = ("day", "booth", "supplier", "county", "product", "tender")
#: Ids per IN (...) list: well under any database's limit on bound parameters.
CHUNK = 500
#: Groupings read from sale and refund lines (they count lines, pieces and grams), and the
#: line column they group by; the others read whole sales and refunds.
LINE_GROUPS = {"supplier": "supplier_id", "county": "county", "product": "product_id"}


def _int(value) -> int:
    """A SUM or COUNT as a Python int (PostgreSQL gives Decimal for SUM, NULL for none)."""
    return int(value or 0)


# --- sales ---------------------------------------------------------------------------------


def sales(
    conn: Connection,
    group_by: str,
    date_from: date,
    date_to: date,
    booth_id: str | None = None,
    county: str | None = None,
    supplier: str | None = None,
    product: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    source: str = "auto",
) -> dict:
    """Sales between two business days (inclusive), grouped one way, with a total row.

    Rows are ordered by day for ``day``, else by amount sold (largest first), ties by key.
    ``day`` and ``booth`` rows carry ``sales``, ``amount_fen`` (sale totals) and
    ``rounding_fen`` (cash rounding, 抹零, of the sales less that of the refunds: the cash kept
    is ``net_fen`` + it); ``supplier``,
    ``county`` and ``product`` rows are read from sale lines and also carry ``lines``,
    ``qty`` (pieces), ``weight_g`` and ``sales`` (distinct sales with such a line).
    ``tender`` rows are per payment method: ``amount_fen`` is what the tender kept (cash
    less change), ``sales`` the sales paid with it, ``refunded_fen`` what refunds handed
    back in it.
    Every row also carries the refunds made in the range: ``refunds`` (refunds, or distinct
    refunds with such a line), ``refunded_fen`` and ``net_fen``; line rows also
    ``refunded_qty`` and ``refunded_weight_g``. A key with only refunds in the range has a
    row with no sales. ``booth`` and ``product`` rows carry a ``name``.

    ``county``, ``supplier`` and ``product`` keep only the sale and refund lines they name:
    a ``day`` or ``booth`` report so filtered sums lines (``lines``, ``qty`` and
    ``weight_g`` too, no rounding); ``tender`` cannot be so filtered. ``limit`` and
    ``offset`` page the rows (``row_count`` says how many there are in all); ``total``
    always covers them all.

    ``source``: "auto" reads the pre-aggregated figures when they can answer (no filter,
    or a booth filter on day and booth, or a filter on the grouping's own key), else the
    projections; "raw" and "figures" force one (the tests and the benchmark compare them).
    """
    if group_by not in GROUPS:
        raise ValueError(f"group_by must be one of {', '.join(GROUPS)}, not {group_by!r}.")
    line_filters = {
        column: value
        for column, value in (
            ("county", county),
            ("supplier_id", supplier),
            ("product_id", product),
        )
        if value is not None
    }
    if group_by == "tender" and line_filters:
        raise ValueError("A report by tender cannot be limited to a county, supplier or product.")
    if source == "figures" or (
        source == "auto" and _figures_answer(group_by, booth_id, line_filters)
    ):
        rows, total = _from_figures(conn, group_by, date_from, date_to, booth_id, line_filters)
    else:
        rows, total = _from_projections(conn, group_by, date_from, date_to, booth_id, line_filters)
    if group_by == "day":
        rows.sort(key=lambda row: row["key"])
    else:
        rows.sort(key=lambda row: (-row["amount_fen"], row["key"]))
    row_count = len(rows)
    rows = rows[offset:] if limit is None else rows[offset : offset + limit]
    if group_by == "booth":
        names = _booth_names(conn)
        for row in rows:
            row["name"] = names.get(row["key"], "")
    elif group_by == "product":
        sold = _in_range(sales_table, date_from, date_to, booth_id)
        back = _in_range(refunds, date_from, date_to, booth_id)
        keys = [row["key"] for row in rows]
        names = _refunded_names(conn, back, keys) | _sold_names(conn, sold, keys)
        for row in rows:
            row["name"] = names.get(row["key"], "")
    return {
        "group_by": group_by,
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "booth": booth_id,
        "county": county,
        "supplier": supplier,
        "product": product,
        "row_count": row_count,
        "limit": limit,
        "offset": offset,
        "rows": rows,
        "total": total,
    }


def _figures_answer(group_by: str, booth_id: str | None, line_filters: dict) -> bool:
    if group_by in ("day", "booth"):
        return not line_filters
    if booth_id is not None:
        return False
    if group_by == "tender":
        return True
    return set(line_filters) <= {LINE_GROUPS[group_by]}


def _from_projections(
    conn: Connection,
    group_by: str,
    date_from: date,
    date_to: date,
    booth_id: str | None,
    line_filters: dict,
) -> tuple[list[dict], dict]:
    sold = _in_range(sales_table, date_from, date_to, booth_id)
    back = _in_range(refunds, date_from, date_to, booth_id)
    if group_by == "tender":
        return _tender_rows(conn, sold, back)
    if group_by in LINE_GROUPS or line_filters:
        sold += [sale_lines.c[column] == value for column, value in line_filters.items()]
        back += [refund_lines.c[column] == value for column, value in line_filters.items()]
        if group_by in LINE_GROUPS:
            keys = (sale_lines.c[LINE_GROUPS[group_by]], refund_lines.c[LINE_GROUPS[group_by]])
        else:
            column = "business_day" if group_by == "day" else "booth_id"
            keys = (sales_table.c[column], refunds.c[column])
        rows, total = _line_rows(conn, keys, sold, back)
        if group_by == "day":
            for row in rows:
                row["key"] = _iso_day(row["key"])
        return rows, total
    return _sale_rows(conn, group_by, sold, back)


def _tender_rows(conn: Connection, sold: list, back: list) -> tuple[list[dict], dict]:
    """Per payment method: what it kept (cash less change) and what went back in it."""
    kept = figures_module.tender_kept(sold).subquery()
    given = figures_module.tender_given(back).subquery()
    taken = {
        row.key: row
        for row in conn.execute(
            select(kept.c.key, safe_sum(kept.c.n).label("n"), safe_sum(kept.c.fen).label("fen"))
            .group_by(kept.c.key)
        )
    }  # fmt: skip
    returned = {
        row.key: row
        for row in conn.execute(
            select(given.c.key, safe_sum(given.c.n).label("n"), safe_sum(given.c.fen).label("fen"))
            .group_by(given.c.key)
        )
    }  # fmt: skip
    rows = [
        {"key": key, **_tender_figures(taken.get(key), returned.get(key))}
        for key in set(taken) | set(returned)
    ]
    counts = conn.execute(select(func.count()).select_from(sales_table).where(*sold)).scalar()
    refund_count = conn.execute(select(func.count()).select_from(refunds).where(*back)).scalar()
    total = _tender_total(rows, _int(counts), _int(refund_count))
    return rows, total


def _tender_figures(taken, returned) -> dict:
    amount = _int(taken.fen) if taken is not None else 0
    refunded = _int(returned.fen) if returned is not None else 0
    return {
        "sales": _int(taken.n) if taken is not None else 0,
        "amount_fen": amount,
        "refunds": _int(returned.n) if returned is not None else 0,
        "refunded_fen": refunded,
        "net_fen": amount - refunded,
    }


def _tender_total(rows: list[dict], sales_count: int, refunds_count: int) -> dict:
    amount = sum(row["amount_fen"] for row in rows)
    refunded = sum(row["refunded_fen"] for row in rows)
    return {
        "sales": sales_count,
        "amount_fen": amount,
        "refunds": refunds_count,
        "refunded_fen": refunded,
        "net_fen": amount - refunded,
    }


def _from_figures(
    conn: Connection,
    group_by: str,
    date_from: date,
    date_to: date,
    booth_id: str | None,
    line_filters: dict,
) -> tuple[list[dict], dict]:
    """The same rows and total from day_figures (see figures.py)."""
    f = day_figures.c
    days = [f.business_day.between(date_from, date_to)]
    sums = [safe_sum(f[name]).label(name) for name in figures_module.FIGURES]
    booth_where = [f.dimension == "booth", *days]
    if booth_id is not None:
        booth_where.append(f.key == booth_id)
    whole = conn.execute(select(*sums).where(*booth_where)).one()
    if group_by in ("day", "booth"):
        key = f.business_day if group_by == "day" else f.key
        grouped = conn.execute(select(key.label("key"), *sums).where(*booth_where).group_by(key))
        rows = [
            {
                "key": _iso_day(row.key) if group_by == "day" else row.key,
                **_whole_from_figures(row),
            }
            for row in grouped
            if row.sales or row.refunds
        ]
        return rows, _whole_from_figures(whole)
    dimension = group_by
    where = [f.dimension == dimension, *days]
    for value in line_filters.values():
        where.append(f.key == value)
    grouped = conn.execute(select(f.key.label("key"), *sums).where(*where).group_by(f.key)).all()
    if group_by == "tender":
        rows = [
            {
                "key": row.key,
                "sales": _int(row.sales),
                "amount_fen": _int(row.sales_fen),
                "refunds": _int(row.refunds),
                "refunded_fen": _int(row.refunds_fen),
                "net_fen": _int(row.sales_fen) - _int(row.refunds_fen),
            }
            for row in grouped
        ]
        return rows, _tender_total(rows, _int(whole.sales), _int(whole.refunds))
    rows = [{"key": row.key, **_lines_from_figures(row)} for row in grouped]
    total = {
        name: sum(row[name] for row in rows)
        for name in ("amount_fen", "lines", "qty", "weight_g", "refunded_fen")
        + ("refunded_qty", "refunded_weight_g")
    }
    if line_filters:  # one key: its own distinct counts
        total["sales"] = sum(row["sales"] for row in rows)
        total["refunds"] = sum(row["refunds"] for row in rows)
    else:  # every sale and refund has lines: their counts are the distinct ones
        total["sales"], total["refunds"] = _int(whole.sales), _int(whole.refunds)
    total["net_fen"] = total["amount_fen"] - total["refunded_fen"]
    return rows, {name: total[name] for name in _LINE_ORDER}


_LINE_ORDER = (
    "sales",
    "amount_fen",
    "lines",
    "qty",
    "weight_g",
    "refunds",
    "refunded_fen",
    "refunded_qty",
    "refunded_weight_g",
    "net_fen",
)


def _whole_from_figures(row) -> dict:
    amount, refunded = _int(row.sales_fen), _int(row.refunds_fen)
    return {
        "sales": _int(row.sales),
        "amount_fen": amount,
        "rounding_fen": _int(row.rounding_fen),
        "refunds": _int(row.refunds),
        "refunded_fen": refunded,
        "net_fen": amount - refunded,
    }


def _lines_from_figures(row) -> dict:
    amount, refunded = _int(row.sales_fen), _int(row.refunds_fen)
    return {
        "sales": _int(row.sales),
        "amount_fen": amount,
        "lines": _int(row.lines),
        "qty": _int(row.qty),
        "weight_g": _int(row.weight_g),
        "refunds": _int(row.refunds),
        "refunded_fen": refunded,
        "refunded_qty": _int(row.refunded_qty),
        "refunded_weight_g": _int(row.refunded_weight_g),
        "net_fen": amount - refunded,
    }


def _in_range(table, date_from: date, date_to: date, booth_id: str | None) -> list:
    """WHERE clauses on a table with business_day and booth_id (sales, refunds, z_closes)."""
    where = [table.c.business_day.between(date_from, date_to)]
    if booth_id is not None:
        where.append(table.c.booth_id == booth_id)
    return where


def _grouped(conn: Connection, key, figures: tuple, source, where: list) -> tuple[dict, object]:
    """{key: row} of ``figures`` grouped by ``key``, and the same figures over all rows."""
    grouped = conn.execute(
        select(key.label("key"), *figures).select_from(source).where(*where).group_by(key)
    ).all()
    whole = conn.execute(select(*figures).select_from(source).where(*where)).one()
    return {row.key: row for row in grouped}, whole


def _sale_rows(conn: Connection, group_by: str, sold: list, back: list) -> tuple[list[dict], dict]:
    """Rows and total for day or booth: counts and sums of whole sales and refunds."""
    column = "business_day" if group_by == "day" else "booth_id"
    sales_by, sales_all = _grouped(
        conn,
        sales_table.c[column],
        (
            func.count().label("sales"),
            safe_sum(sales_table.c.total_fen).label("amount_fen"),
            safe_sum(sales_table.c.rounding_fen).label("rounding_fen"),
        ),
        sales_table,
        sold,
    )
    refunds_by, refunds_all = _grouped(
        conn,
        refunds.c[column],
        (
            func.count().label("refunds"),
            safe_sum(refunds.c.total_fen).label("refunded_fen"),
            safe_sum(refunds.c.rounding_fen).label("rounding_fen"),
        ),
        refunds,
        back,
    )
    rows = [
        {
            "key": key.isoformat() if group_by == "day" else key,
            **_sale_figures(sales_by.get(key), refunds_by.get(key)),
        }
        for key in set(sales_by) | set(refunds_by)
    ]
    if group_by == "booth":
        names = _booth_names(conn)
        for row in rows:
            row["name"] = names.get(row["key"], "")
    return rows, _sale_figures(sales_all, refunds_all)


def _sale_figures(sold, back) -> dict:
    amount = _int(sold.amount_fen if sold else 0)
    refunded = _int(back.refunded_fen if back else 0)
    return {
        "sales": _int(sold.sales if sold else 0),
        "amount_fen": amount,
        # Net of refunds: a refund of a rounded sale gives its rounding back.
        "rounding_fen": _int(sold.rounding_fen if sold else 0)
        - _int(back.rounding_fen if back else 0),
        "refunds": _int(back.refunds if back else 0),
        "refunded_fen": refunded,
        "net_fen": amount - refunded,
    }


def _line_rows(conn: Connection, keys: tuple, sold: list, back: list) -> tuple[list[dict], dict]:
    """Rows and total summed from sale and refund lines, grouped by ``keys`` (the sale's and
    the refund's key column: a line column, or the head's day or booth)."""
    sale_key, refund_key = keys
    sales_by, sales_all = _grouped(
        conn,
        sale_key,
        (
            func.count().label("lines"),
            func.count(sale_lines.c.sale_key.distinct()).label("sales"),
            safe_sum(sale_lines.c.qty).label("qty"),
            safe_sum(sale_lines.c.weight_g).label("weight_g"),
            safe_sum(sale_lines.c.amount_fen).label("amount_fen"),
        ),
        sale_lines.join(sales_table, sales_table.c.id == sale_lines.c.sale_key),
        sold,
    )
    refunds_by, refunds_all = _grouped(
        conn,
        refund_key,
        (
            func.count(refund_lines.c.refund_id.distinct()).label("refunds"),
            safe_sum(refund_lines.c.qty).label("qty"),
            safe_sum(refund_lines.c.weight_g).label("weight_g"),
            safe_sum(refund_lines.c.amount_fen).label("refunded_fen"),
        ),
        refund_lines.join(refunds, refunds.c.refund_id == refund_lines.c.refund_id),
        back,
    )
    rows = [
        {"key": key, **_line_figures(sales_by.get(key), refunds_by.get(key))}
        for key in set(sales_by) | set(refunds_by)
    ]
    return rows, _line_figures(sales_all, refunds_all)


def _line_figures(sold, back) -> dict:
    def figure(row, name: str) -> int:
        return _int(getattr(row, name)) if row is not None else 0

    amount, refunded = figure(sold, "amount_fen"), figure(back, "refunded_fen")
    return {
        "sales": figure(sold, "sales"),
        "amount_fen": amount,
        "lines": figure(sold, "lines"),
        "qty": figure(sold, "qty"),
        "weight_g": figure(sold, "weight_g"),
        "refunds": figure(back, "refunds"),
        "refunded_fen": refunded,
        "refunded_qty": figure(back, "qty"),
        "refunded_weight_g": figure(back, "weight_g"),
        "net_fen": amount - refunded,
    }


def _booth_names(conn: Connection) -> dict[str, str]:
    return {row.id: row.name for row in conn.execute(select(booths.c.id, booths.c.name))}


def _sold_names(conn: Connection, where: list, keys: list[str] | None = None) -> dict[str, str]:
    """Each product's name as its latest sale line (among sales matching ``where``) has it.

    A sale records the name it printed; when HQ renames a product, the newest name wins.
    Ties are broken in Python so both databases agree.
    """
    on = sales_table.c.id == sale_lines.c.sale_key
    return _latest_names(conn, sale_lines, sales_table, on, where, keys)


def _refunded_names(conn: Connection, where: list, keys: list[str] | None = None) -> dict[str, str]:
    """The same from refund lines (for a product only refunded in a report's range)."""
    on = refunds.c.refund_id == refund_lines.c.refund_id
    return _latest_names(conn, refund_lines, refunds, on, where, keys)


def _latest_names(
    conn: Connection, lines, heads, on, where: list, keys: list[str] | None = None
) -> dict[str, str]:
    """Only for the products in ``keys`` when given (a page of a report)."""
    if keys is not None and not keys:
        return {}
    pairs = []
    for chunk in [None] if keys is None else list(_chunks(keys)):
        latest = func.max(heads.c.at).label("latest")
        query = (
            select(lines.c.product_id, lines.c.name, latest)
            .select_from(lines.join(heads, on))
            .where(*where)
            .group_by(lines.c.product_id, lines.c.name)
        )
        if chunk is not None:
            query = query.where(lines.c.product_id.in_(chunk))
        pairs += conn.execute(query).all()
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
    named on sale lines (blank ones are not counted). ``amount_fen`` is gross sales;
    ``refunds``, ``refunded_fen`` and ``net_fen`` count every refund and post-void.
    Quarantined entries count in none of these: ``quarantined`` and ``quarantined_fen``
    say how many are held back and what their sales and refunds come to, per booth in
    ``quarantined_by_booth``.
    """
    whole = conn.execute(
        select(
            func.count().label("sales"),
            safe_sum(sales_table.c.total_fen).label("amount_fen"),
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
    back = conn.execute(
        select(func.count().label("refunds"), safe_sum(refunds.c.total_fen).label("fen"))
    ).one()
    held = quarantine.held_by_booth(conn)
    names = _booth_names(conn)
    mobile = _mobile_tenders(conn)
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
        "refunds": _int(back.refunds),
        "refunded_fen": _int(back.fen),
        "net_fen": _int(whole.amount_fen) - _int(back.fen),
        **mobile,
        "quarantined": sum(figures["quarantined"] for figures in held.values()),
        "quarantined_fen": sum(figures["quarantined_fen"] for figures in held.values()),
        "quarantined_by_booth": [
            {"booth_id": booth, "booth_name": names.get(booth, ""), **figures}
            for booth, figures in sorted(held.items())
        ],
    }


def _mobile_tenders(conn: Connection) -> dict:
    """WeChat Pay and Alipay tenders of counted sales: verified (collected through HQ, naming
    a paid attempt) or unverified (a reference only: old terminals, "reference only" mode)."""
    verified = payments_table.c.out_trade_no.is_not(None)
    rows = conn.execute(
        select(verified.label("verified"), safe_sum(payments_table.c.amount_fen).label("fen"))
        .where(payments_table.c.method.in_(("wechat", "alipay")))
        .group_by(verified)
    ).all()
    sums = {bool(row.verified): _int(row.fen) for row in rows}
    return {"mobile_verified_fen": sums.get(True, 0), "mobile_unverified_fen": sums.get(False, 0)}


def _count_named(column):
    """COUNT(DISTINCT column) leaving out blanks (CASE rather than FILTER: older SQLite)."""
    return func.count(case((column != "", column)).distinct())


def _iso_day(value) -> str | None:
    # SQLite hands MIN/MAX of a date column back as text; PostgreSQL as a date.
    if value is None:
        return None
    return value if isinstance(value, str) else value.isoformat()


# --- booth health --------------------------------------------------------------------------


#: What booth health may be sorted by (a leading "-": largest first).
HEALTH_SORTS = (
    "booth",
    "terminal",
    "last_contact",
    "unsynced",
    "clock_skew",
    "alerts",
    "quarantined",
    "last_z_variance",
    "app_version",
)
#: Seconds without contact after which a terminal is stale, unless the server says otherwise.
STALE_AFTER_S = 1800


def booth_health(
    conn: Connection,
    now: datetime,
    booth_id: str | None = None,
    stale_only: bool = False,
    with_alerts: bool = False,
    sort: str = "booth",
    stale_after_s: int = STALE_AFTER_S,
) -> list[dict]:
    """One row per terminal: last contact, what the server holds of its journal, open alerts,
    what the terminal last said of itself, its open shift and its last Z.

    ``seconds_since_contact`` is None for a terminal that never pushed; ``stale`` is true
    when it is None or more than ``stale_after_s``. ``open_alerts`` counts tamper and
    quarantine alerts; ``quarantined`` and ``quarantined_fen`` the entries held back and
    their sales' and refunds' totals. ``grand_total_fen`` is the terminal's own running
    total as its chain states it (quarantined entries included: it is what the next entry
    must follow). ``app_version``, ``unsynced`` and ``printer`` are what it said at its last
    round (``status_at``), None if it never said. ``shift_open`` and ``shift_opened_at``
    come from its journal; ``last_z_at``, ``last_z_business_day`` and
    ``last_z_variance_fen`` (the tenders' variances added up) from its newest Z.

    ``stale_only`` keeps stale terminals, ``with_alerts`` those with open alerts or
    entries held back. ``sort`` is one of HEALTH_SORTS, "-" first for largest first; rows
    without the figure come last; ties by booth id, then terminal id.
    """
    descending = sort.startswith("-")
    sort_key = sort.removeprefix("-")
    if sort_key not in HEALTH_SORTS:
        raise ValueError(f"sort must be one of {', '.join(HEALTH_SORTS)}, not {sort!r}.")
    alerts = (
        select(tamper_alerts.c.terminal_id, func.count().label("open_alerts"))
        .where(tamper_alerts.c.resolved_at.is_(None))
        .group_by(tamper_alerts.c.terminal_id)
        .subquery()
    )
    t = terminals.c
    query = select(
        t.booth_id,
        booths.c.name.label("booth_name"),
        t.id.label("terminal_id"),
        t.last_seen_at,
        t.acked_seq,
        func.coalesce(alerts.c.open_alerts, 0).label("open_alerts"),
        t.clock_skew_ms,
        t.grand_total_fen,
        t.revoked_at,
        t.app_version,
        t.unsynced,
        t.printer,
        t.status_at,
        t.shift_open_seq,
        t.shift_opened_at,
    ).select_from(
        terminals.join(booths, booths.c.id == t.booth_id).outerjoin(
            alerts, alerts.c.terminal_id == t.id
        )
    )
    if booth_id is not None:
        query = query.where(t.booth_id == booth_id)
    held = _held_by_terminal(conn, booth_id)
    last_zs = _last_zs(conn, booth_id)
    rows = []
    for row in conn.execute(query).all():
        health = {
            **_health_row(row, now, stale_after_s),
            **held.get(row.terminal_id, _NOTHING_HELD),
            **last_zs.get(row.terminal_id, _NO_Z),
        }
        if stale_only and not health["stale"]:
            continue
        if with_alerts and not (health["open_alerts"] or health["quarantined"]):
            continue
        rows.append(health)
    rows.sort(key=lambda row: (row["booth_id"], row["terminal_id"]))
    if sort_key not in ("booth", "terminal"):
        field = _HEALTH_SORT_FIELDS[sort_key]
        present = [row for row in rows if row[field] is not None]
        present.sort(key=lambda row: row[field], reverse=descending)  # stable: ties stay
        rows = present + [row for row in rows if row[field] is None]
    elif sort_key == "terminal":
        rows.sort(key=lambda row: row["terminal_id"], reverse=descending)
    elif descending:
        rows.sort(key=lambda row: row["booth_id"], reverse=True)
    return rows


_HEALTH_SORT_FIELDS = {
    "last_contact": "last_contact",
    "unsynced": "unsynced",
    "clock_skew": "clock_skew_abs_ms",
    "alerts": "open_alerts",
    "quarantined": "quarantined",
    "last_z_variance": "last_z_variance_fen",
    "app_version": "app_version",
}
_NO_Z = {"last_z_at": None, "last_z_business_day": None, "last_z_variance_fen": None}


def _last_zs(conn: Connection, booth_id: str | None) -> dict[str, dict]:
    """Each terminal's newest Z (highest seq): when, its business day, its total variance."""
    z = z_closes.c
    newest = select(z.terminal_id, func.max(z.seq).label("seq")).group_by(z.terminal_id)
    if booth_id is not None:
        newest = newest.where(z.booth_id == booth_id)
    newest = newest.subquery()
    tz = z_close_tenders.c
    query = (
        select(
            z.terminal_id,
            z.at,
            z.business_day,
            safe_sum(tz.variance_fen).label("variance"),
        )
        .select_from(
            z_closes.join(
                newest, and_(newest.c.terminal_id == z.terminal_id, newest.c.seq == z.seq)
            ).outerjoin(z_close_tenders, and_(tz.terminal_id == z.terminal_id, tz.seq == z.seq))
        )
        .group_by(z.terminal_id, z.at, z.business_day)
    )
    return {
        row.terminal_id: {
            "last_z_at": row.at,
            "last_z_business_day": _iso_day(row.business_day),
            "last_z_variance_fen": _int(row.variance),
        }
        for row in conn.execute(query)
    }


_NOTHING_HELD = {"quarantined": 0, "quarantined_fen": 0}


def _held_by_terminal(conn: Connection, booth_id: str | None) -> dict[str, dict]:
    q = quarantine_table.c
    query = (
        select(q.terminal_id, func.count().label("entries"), safe_sum(q.amount_fen).label("fen"))
        .where(q.released_at.is_(None))
        .group_by(q.terminal_id)
    )
    if booth_id is not None:
        query = query.where(q.booth_id == booth_id)
    return {
        row.terminal_id: {"quarantined": _int(row.entries), "quarantined_fen": _int(row.fen)}
        for row in conn.execute(query)
    }


def _health_row(row, now: datetime, stale_after_s: int) -> dict:
    since = _seconds_since(row.last_seen_at, now)
    skew = None if row.clock_skew_ms is None else int(row.clock_skew_ms)
    return {
        "booth_id": row.booth_id,
        "booth_name": row.booth_name,
        "terminal_id": row.terminal_id,
        "last_contact": row.last_seen_at,
        "seconds_since_contact": since,
        "stale": since is None or since > stale_after_s,
        "acked_seq": _int(row.acked_seq),
        "open_alerts": _int(row.open_alerts),
        "clock_skew_ms": skew,
        "clock_skew_abs_ms": None if skew is None else abs(skew),
        "grand_total_fen": _int(row.grand_total_fen),
        "revoked": row.revoked_at is not None,
        "app_version": row.app_version,
        "unsynced": None if row.unsynced is None else int(row.unsynced),
        "printer": row.printer,
        "status_at": row.status_at,
        "shift_open": row.shift_open_seq is not None,
        "shift_opened_at": row.shift_opened_at,
    }


def _seconds_since(stamp: str | None, now: datetime) -> int | None:
    if stamp is None:
        return None
    seen = parse_utc(stamp)
    # Workers' clocks can differ by a little: never report contact from the future.
    return max(0, int((now - seen).total_seconds()))


# --- stock ---------------------------------------------------------------------------------


MOVEMENT_FIGURES = ("on_hand", "movements", "sold", "received", "adjusted", "refunded")


def stock(conn: Connection, booth_id: str, product_id: str | None = None) -> list[dict]:
    """The stock ledger of one booth: one row per product it moved or was sent.

    ``on_hand`` is the sum of the booth's movements (sales, refunds, receipts, adjustments)
    in pieces, or grams for products sold by weight (``unit`` is ``piece`` or ``g``).
    ``sold`` is what sales took out; ``refunded`` what refunds and post-voids put back.
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
    return {
        pid: {
            "on_hand": moved["on_hand"],
            "movements": moved["movements"],
            "sold": -moved["sale"],  # sale movements are negative; report what went out
            "received": moved["stock_receive"],
            "adjusted": moved["stock_adjust"],
            "refunded": moved["refund"],
        }
        for (_, pid), moved in stock_reports.moves_by_product(conn, booth_id, product_id).items()
    }


def _delivered(conn: Connection, booth_id: str, product_id: str | None) -> dict[str, int]:
    query = (
        select(deliveries.c.product_id, safe_sum(deliveries.c.qty))
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


# --- Z reports (shift closes) ----------------------------------------------------------------

#: A Z's own figures, as the terminal wrote them.
CLOSE_FIGURES = (*Z_FIGURES, "grand_total_fen")
#: The figures that add up across Zs (a float, voided lines or a grand total do not).
SUMMED_FIGURES = tuple(key for key in Z_FIGURES if key not in ("float_fen", *Z_VOIDED))
#: Money closed on counted figures HQ verified (true) or the manager typed offline (false).
CLOSED_BY_VERIFIED = {"closed_verified_fen": True, "closed_unverified_fen": False}


def closes(
    conn: Connection,
    date_from: date,
    date_to: date,
    booth_id: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> dict:
    """The Z reports closed between two business days (inclusive), per booth and day.

    A Z's business day is the local date of its close. ``days`` has one entry per booth
    and day with a Z, ordered by day then booth id; each holds its Zs (by close time) and
    their sums: per tender ``expected_fen``, ``counted_fen`` and ``variance_fen``, the
    total ``variance_fen`` over all tenders, the SUMMED_FIGURES, and the money closed on
    figures HQ verified or typed by hand (``closed_verified_fen`` / ``closed_unverified_fen``:
    counted figures of tenders whose ``verified`` is true / false; a Z's tender says
    ``verified`` true, false, or None when the terminal did not say). ``total`` sums the
    whole report the same way. ``limit`` and ``offset`` page ``days`` (``row_count``: how
    many there are in all).
    """
    where = _in_range(z_closes, date_from, date_to, booth_id)
    tenders: dict[tuple[str, int], dict] = defaultdict(dict)
    joined = z_close_tenders.join(
        z_closes,
        and_(
            z_closes.c.terminal_id == z_close_tenders.c.terminal_id,
            z_closes.c.seq == z_close_tenders.c.seq,
        ),
    )
    for row in conn.execute(select(z_close_tenders).select_from(joined).where(*where)).mappings():
        tenders[(row["terminal_id"], _int(row["seq"]))][row["method"]] = {
            **{key: _int(row[key]) for key in TENDER_FIGURES},
            "verified": None if row["verified"] is None else bool(row["verified"]),
        }
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in conn.execute(select(z_closes).where(*where)).mappings():
        close_tenders = dict(sorted(tenders[(row["terminal_id"], _int(row["seq"]))].items()))
        groups[(_iso_day(row["business_day"]), row["booth_id"])].append(
            {
                "terminal_id": row["terminal_id"],
                "seq": _int(row["seq"]),
                "shift_id": row["shift_id"],
                "opened_seq": _int(row["opened_seq"]),
                "closed_at": row["at"],
                "closed_by": row["closed_by"],
                **{key: _int(row[key]) for key in CLOSE_FIGURES},
                "reason": row["reason"],
                "tenders": close_tenders,
                "variance_fen": sum(f["variance_fen"] for f in close_tenders.values()),
            }
        )
    names = _booth_names(conn)
    days = []
    for (day, booth), zs in sorted(groups.items()):
        zs.sort(key=lambda z: (z["closed_at"], z["terminal_id"], z["seq"]))
        days.append(
            {
                "business_day": day,
                "booth_id": booth,
                "booth_name": names.get(booth, ""),
                **_close_sums(zs),
                "closes": zs,
            }
        )
    return {
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "booth": booth_id,
        "row_count": len(days),
        "limit": limit,
        "offset": offset,
        "days": days[offset:] if limit is None else days[offset : offset + limit],
        "total": _close_sums([z for zs in groups.values() for z in zs]),
    }


def _close_sums(zs: list[dict]) -> dict:
    tenders: dict[str, dict[str, int]] = {}
    for z in zs:
        for method, figures in z["tenders"].items():
            summed = tenders.setdefault(method, dict.fromkeys(TENDER_FIGURES, 0))
            for key in TENDER_FIGURES:
                summed[key] += figures[key]
    return {
        "z_count": len(zs),
        **{key: sum(z[key] for z in zs) for key in SUMMED_FIGURES},
        "tenders": dict(sorted(tenders.items())),
        "variance_fen": sum(figures["variance_fen"] for figures in tenders.values()),
        **{
            key: sum(
                figures["counted_fen"]
                for z in zs
                for figures in z["tenders"].values()
                if figures["verified"] is said
            )
            for key, said in CLOSED_BY_VERIFIED.items()
        },
    }


__all__ = ["GROUPS", "booth_health", "campaign", "closes", "sales", "stock"]
