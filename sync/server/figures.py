"""Pre-aggregated daily and hourly figures, kept in step with the projections they sum.

Ingest and quarantine release call ``add`` with the projection rows they are about to
store, in the same transaction, so a figure can never count a sale the reports do not (or
miss one they do). ``rebuild`` throws the figures away and works them out again from the
projections (``booth-pos-server figures rebuild``): after upgrading, after restoring, or
when in doubt; ``recompute`` gives what ``rebuild`` would store without storing it.

The dimensions of ``day_figures`` (see tables.py): ``booth`` sums whole sales and refunds
(with the cash rounding); ``county``, ``supplier`` and ``product`` sum their lines; ``tender``
sums payments, a sale's cash less its change. ``sales`` and ``refunds`` count the distinct
sales and refunds with such a line or payment, so they add up across days.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Table, case, delete, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from sync.protocol.journal import parse_utc
from sync.server.db import safe_sum
from sync.server.tables import (
    day_figures,
    hour_figures,
    payments,
    refund_lines,
    refund_payments,
    refunds,
    sale_lines,
    sales,
)

DIMENSIONS = ("booth", "county", "supplier", "product", "tender")
#: Line dimensions and the line column they are keyed by.
LINE_DIMENSIONS = {"county": "county", "supplier": "supplier_id", "product": "product_id"}
FIGURES = (
    "sales",
    "sales_fen",
    "lines",
    "qty",
    "weight_g",
    "refunds",
    "refunds_fen",
    "refunded_qty",
    "refunded_weight_g",
    "rounding_fen",
)
HOUR_FIGURES = ("sales", "sales_fen")
#: Copies of each campaign-wide row (see tables.day_figures): a push adds to its terminal's.
SHARDS = 8


def shard_of(terminal_id: str) -> int:
    """The day_figures shard a terminal's pushes add to (stable across processes)."""
    return zlib.crc32(terminal_id.encode("utf-8")) % SHARDS


DayKey = tuple[date, str, str]
HourKey = tuple[date, int, str]


class Figures:
    """Figures being summed: {(day, dimension, key): {figure: int}} and the hours."""

    def __init__(self):
        self.days: dict[DayKey, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
        self.hours: dict[HourKey, dict[str, int]] = defaultdict(
            lambda: dict.fromkeys(HOUR_FIGURES, 0)
        )

    def add_day(self, day: date, dimension: str, key: str, **figures: int) -> None:
        row = self.days[(_as_date(day), dimension, key)]
        for name, value in figures.items():
            row[name] += int(value or 0)

    def add_hour(self, day: date, hour: int, booth_id: str, sales_count: int, fen: int) -> None:
        row = self.hours[(_as_date(day), int(hour), booth_id)]
        row["sales"] += int(sales_count or 0)
        row["sales_fen"] += int(fen or 0)

    def day_rows(self, shard: int = 0) -> list[dict]:
        # Sorted: concurrent pushes lock the rows they touch in one order, so never deadlock.
        return [
            {"business_day": d, "dimension": dim, "key": k, "shard": 0 if dim == "booth" else shard, **v}
            for (d, dim, k), v in sorted(self.days.items())
        ]  # fmt: skip

    def hour_rows(self) -> list[dict]:
        return [
            {"business_day": d, "hour": h, "booth_id": b, **v}
            for (d, h, b), v in sorted(self.hours.items())
        ]


def _as_date(value) -> date:
    # SQLite hands a Date column grouped in SQL back as text.
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def local_hour(at: str, zone: ZoneInfo) -> int:
    return parse_utc(at).astimezone(zone).hour


# --- at ingest: from the projection rows --------------------------------------------------


def from_projections(projections: Iterable[tuple[Table, list[dict]]], zone: ZoneInfo) -> Figures:
    """The figures the projection rows of a push (or a release) add."""
    by_table = {table.name: rows for table, rows in projections}
    figures = Figures()
    sold = {row["sale_id"]: row for row in by_table.get("sales", [])}
    back = {row["refund_id"]: row for row in by_table.get("refunds", [])}
    for sale in sold.values():
        day, booth = sale["business_day"], sale["booth_id"]
        figures.add_day(
            day,
            "booth",
            booth,
            sales=1,
            sales_fen=sale["total_fen"],
            rounding_fen=sale["rounding_fen"],
        )
        figures.add_hour(day, local_hour(sale["at"], zone), booth, 1, sale["total_fen"])
    for refund in back.values():
        figures.add_day(
            refund["business_day"],
            "booth",
            refund["booth_id"],
            refunds=1,
            refunds_fen=refund["total_fen"],
            rounding_fen=-refund["rounding_fen"],
        )
    _lines(figures, by_table.get("sale_lines", []), sold, "sale_id", "sales", "")
    _lines(figures, by_table.get("refund_lines", []), back, "refund_id", "refunds", "refunded_")
    kept: dict[tuple[str, str], int] = defaultdict(int)  # (sale, method) -> fen kept
    for pay in by_table.get("payments", []):
        kept[(pay["sale_id"], pay["method"])] += pay["amount_fen"]
    for (sale_id, method), fen in kept.items():
        sale = sold[sale_id]
        change = sale["change_fen"] if method == "cash" else 0
        figures.add_day(sale["business_day"], "tender", method, sales=1, sales_fen=fen - change)
    given: dict[tuple[str, str], int] = defaultdict(int)
    for pay in by_table.get("refund_payments", []):
        given[(pay["refund_id"], pay["method"])] += pay["amount_fen"]
    for (refund_id, method), fen in given.items():
        figures.add_day(
            back[refund_id]["business_day"], "tender", method, refunds=1, refunds_fen=fen
        )
    return figures


def _lines(figures: Figures, lines: list[dict], heads: dict, id_key: str, count: str, prefix: str):
    fen = "sales_fen" if count == "sales" else "refunds_fen"
    for dimension, column in LINE_DIMENSIONS.items():
        seen: set[tuple[str, str]] = set()
        for line in lines:
            head = heads[line[id_key]]
            key = line[column]
            first = (line[id_key], key) not in seen
            seen.add((line[id_key], key))
            values = {
                count: 1 if first else 0,
                fen: line["amount_fen"],
                prefix + "qty": line["qty"] or 0,
                prefix + "weight_g": line["weight_g"] or 0,
            }
            if count == "sales":
                values["lines"] = 1
            figures.add_day(head["business_day"], dimension, key, **values)


def add(
    conn: Connection,
    projections: Iterable[tuple[Table, list[dict]]],
    zone: ZoneInfo,
    terminal_id: str = "",
) -> None:
    """Add what these projection rows (of ``terminal_id``'s entries) count to the stored
    figures, in that terminal's shard (same transaction)."""
    store(conn, from_projections(projections, zone), accumulate=True, shard=shard_of(terminal_id))


def store(conn: Connection, figures: Figures, accumulate: bool, shard: int = 0) -> None:
    """Write figures: added to what is stored in ``shard`` (``accumulate``), or into empty
    tables."""
    day_keys = ("business_day", "dimension", "key", "shard")
    for table, rows, keys, names in (
        (day_figures, figures.day_rows(shard), day_keys, FIGURES),
        (hour_figures, figures.hour_rows(), ("business_day", "hour", "booth_id"), HOUR_FIGURES),
    ):
        if not rows:
            continue
        if not accumulate:
            for start in range(0, len(rows), 5000):
                conn.execute(table.insert(), rows[start : start + 5000])
            continue
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(table)
        statement = statement.on_conflict_do_update(
            index_elements=list(keys),
            set_={name: table.c[name] + statement.excluded[name] for name in names},
        )
        conn.execute(statement, rows)


# --- from the projections: the raw recomputation ------------------------------------------


def recompute(conn: Connection, zone: ZoneInfo) -> Figures:
    """The figures worked out from the projection tables alone (what ``rebuild`` stores)."""
    figures = Figures()
    s, r = sales.c, refunds.c
    for row in conn.execute(
        select(
            s.business_day,
            s.booth_id,
            func.count().label("n"),
            safe_sum(s.total_fen).label("fen"),
            safe_sum(s.rounding_fen).label("rounding"),
        ).group_by(s.business_day, s.booth_id)
    ):
        figures.add_day(
            row.business_day,
            "booth",
            row.booth_id,
            sales=row.n,
            sales_fen=row.fen,
            rounding_fen=row.rounding,
        )
    for row in conn.execute(
        select(
            r.business_day,
            r.booth_id,
            func.count().label("n"),
            safe_sum(r.total_fen).label("fen"),
            safe_sum(r.rounding_fen).label("rounding"),
        ).group_by(r.business_day, r.booth_id)
    ):
        figures.add_day(
            row.business_day,
            "booth",
            row.booth_id,
            refunds=row.n,
            refunds_fen=row.fen,
            rounding_fen=-int(row.rounding or 0),
        )
    for dimension, column in LINE_DIMENSIONS.items():
        _recompute_lines(conn, figures, dimension, column)
    _recompute_tenders(conn, figures)
    # Hours: sales are grouped by their UTC hour in SQL, then turned into local hours here
    # (zones are whole or half hours apart from UTC; a half-hour zone is grouped by minute).
    stamp = func.substr(s.at, 1, 16 if _half_hour(zone) else 13)
    for row in conn.execute(
        select(
            s.business_day,
            s.booth_id,
            stamp.label("stamp"),
            func.count().label("n"),
            safe_sum(s.total_fen).label("fen"),
        ).group_by(s.business_day, s.booth_id, stamp)
    ):
        at = row.stamp + (":00:00Z" if len(row.stamp) == 13 else ":00Z")
        figures.add_hour(row.business_day, local_hour(at, zone), row.booth_id, row.n, row.fen)
    return figures


def _half_hour(zone: ZoneInfo) -> bool:
    offset = datetime(2026, 1, 1, tzinfo=zone).utcoffset()
    return bool(offset and offset.total_seconds() % 3600)


def _recompute_lines(conn: Connection, figures: Figures, dimension: str, column: str) -> None:
    sl, rl = sale_lines.c, refund_lines.c
    for row in conn.execute(
        select(
            sales.c.business_day,
            sl[column].label("key"),
            func.count(sl.sale_key.distinct()).label("n"),
            func.count().label("lines"),
            safe_sum(sl.amount_fen).label("fen"),
            safe_sum(sl.qty).label("qty"),
            safe_sum(sl.weight_g).label("grams"),
        )
        .select_from(sale_lines.join(sales, sales.c.id == sl.sale_key))
        .group_by(sales.c.business_day, sl[column])
    ):
        figures.add_day(
            row.business_day,
            dimension,
            row.key,
            sales=row.n,
            lines=row.lines,
            sales_fen=row.fen,
            qty=row.qty,
            weight_g=row.grams,
        )
    for row in conn.execute(
        select(
            refunds.c.business_day,
            rl[column].label("key"),
            func.count(rl.refund_id.distinct()).label("n"),
            safe_sum(rl.amount_fen).label("fen"),
            safe_sum(rl.qty).label("qty"),
            safe_sum(rl.weight_g).label("grams"),
        )
        .select_from(refund_lines.join(refunds, refunds.c.refund_id == rl.refund_id))
        .group_by(refunds.c.business_day, rl[column])
    ):
        figures.add_day(
            row.business_day,
            dimension,
            row.key,
            refunds=row.n,
            refunds_fen=row.fen,
            refunded_qty=row.qty,
            refunded_weight_g=row.grams,
        )


def tender_kept(where: list | None = None):
    """SELECT business_day, booth_id, method, sales (distinct), fen kept, from payments:
    a sale's payments per method, its cash less its change."""
    p = payments.c
    per_sale = (
        select(p.sale_key, p.method, safe_sum(p.amount_fen).label("paid"))
        .group_by(p.sale_key, p.method)
        .subquery()
    )
    # Cash carries the sale's change; other tenders none.
    kept = per_sale.c.paid - case(
        (per_sale.c.method == "cash", sales.c.change_fen), else_=literal(0)
    )
    return (
        select(
            sales.c.business_day,
            per_sale.c.method.label("key"),
            func.count().label("n"),
            safe_sum(kept).label("fen"),
        )
        .select_from(per_sale.join(sales, sales.c.id == per_sale.c.sale_key))
        .where(*(where or []))
        .group_by(sales.c.business_day, per_sale.c.method)
    )


def tender_given(where: list | None = None):
    """SELECT business_day, method, refunds (distinct), fen given back, from refund payments."""
    p = refund_payments.c
    return (
        select(
            refunds.c.business_day,
            p.method.label("key"),
            func.count(p.refund_id.distinct()).label("n"),
            safe_sum(p.amount_fen).label("fen"),
        )
        .select_from(refund_payments.join(refunds, refunds.c.refund_id == p.refund_id))
        .where(*(where or []))
        .group_by(refunds.c.business_day, p.method)
    )


def _recompute_tenders(conn: Connection, figures: Figures) -> None:
    for row in conn.execute(tender_kept()):
        figures.add_day(row.business_day, "tender", row.key, sales=row.n, sales_fen=row.fen)
    for row in conn.execute(tender_given()):
        figures.add_day(row.business_day, "tender", row.key, refunds=row.n, refunds_fen=row.fen)


def stored(conn: Connection) -> Figures:
    """The figures as stored (for comparing with ``recompute``); rows of zeros left out."""
    figures = Figures()
    for row in conn.execute(select(day_figures)).mappings():
        if any(int(row[name]) for name in FIGURES):
            figures.add_day(
                row["business_day"],
                row["dimension"],
                row["key"],
                **{name: row[name] for name in FIGURES},
            )
    for row in conn.execute(select(hour_figures)).mappings():
        if int(row["sales"]) or int(row["sales_fen"]):
            figures.add_hour(
                row["business_day"], row["hour"], row["booth_id"], row["sales"], row["sales_fen"]
            )
    return figures


def rebuild(conn: Connection, zone: ZoneInfo) -> dict:
    """Throw the stored figures away and store them again from the projections."""
    figures = recompute(conn, zone)
    conn.execute(delete(day_figures))
    conn.execute(delete(hour_figures))
    store(conn, figures, accumulate=False)
    return {"day_rows": len(figures.days), "hour_rows": len(figures.hours)}
