"""The campaign office's dashboard figures, read from the pre-aggregated figures.

``summary`` is what ``GET /api/v1/reports/dashboard`` returns and what the console's
dashboard page shows, so the two never differ. Business days are local dates in the
campaign's zone (Asia/Shanghai); the week runs Monday to today. Quarantined entries count
in none of the money figures (they are not in the projections the figures sum).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, case, func, select

from sync.server.db import safe_sum
from sync.server.tables import (
    booths,
    day_figures,
    hour_figures,
    products,
    quarantine,
    tamper_alerts,
)

ZONE = ZoneInfo("Asia/Shanghai")
#: How many counties and suppliers are named; the others are summed in one row.
TOP = 20
#: Certificates expiring within this many days are listed.
EXPIRY_DAYS = 30
#: The newest open alerts shown beside their count.
LATEST_ALERTS = 5


def _int(value) -> int:
    return int(value or 0)


def summary(conn: Connection, now: datetime, zone: ZoneInfo = ZONE) -> dict:
    """Totals for today, this week and the campaign; today's hours; the top counties and
    suppliers; figures by kind of booth; certificates about to expire; what is held back."""
    today = now.astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    return {
        "business_day": today.isoformat(),
        "week_from": monday.isoformat(),
        "today": totals(conn, today, today),
        "week": totals(conn, monday, today),
        "campaign": totals(conn, None, None),
        "by_hour": by_hour(conn, today),
        "by_county": top(conn, "county"),
        "by_supplier": top(conn, "supplier"),
        "by_booth_kind": by_booth_kind(conn),
        "expiring_certificates": expiring_certificates(conn, today),
        "quarantined": quarantined(conn),
        "open_alerts": open_alerts(conn),
    }


def _days(first: date | None, last: date | None) -> list:
    where = []
    if first is not None:
        where.append(day_figures.c.business_day >= first)
    if last is not None:
        where.append(day_figures.c.business_day <= last)
    return where


def totals(conn: Connection, first: date | None, last: date | None) -> dict:
    """Sales, refunds and net in fen, their counts, the booths that sold and the distinct
    certified products sold between two business days (None: no bound)."""
    f = day_figures.c
    days = _days(first, last)
    whole = conn.execute(
        select(
            safe_sum(f.sales).label("sales"),
            safe_sum(f.sales_fen).label("sales_fen"),
            safe_sum(f.refunds).label("refunds"),
            safe_sum(f.refunds_fen).label("refunds_fen"),
            func.count(case((f.sales > 0, f.key)).distinct()).label("booths"),
        ).where(f.dimension == "booth", *days)
    ).one()
    certified = and_(products.c.id == f.key, products.c.certificate_no != "")
    products_sold = conn.execute(
        select(func.count(f.key.distinct()))
        .select_from(day_figures.join(products, certified))
        .where(f.dimension == "product", f.sales > 0, *days)
    ).scalar()
    return {
        "sales_fen": _int(whole.sales_fen),
        "refunds_fen": _int(whole.refunds_fen),
        "net_fen": _int(whole.sales_fen) - _int(whole.refunds_fen),
        "sales": _int(whole.sales),
        "refunds": _int(whole.refunds),
        "booths_selling": _int(whole.booths),
        "products_sold": _int(products_sold),
    }


def by_hour(conn: Connection, day: date, booth_id: str | None = None) -> list[dict]:
    """24 rows, hour 0 to 23 local: sales and their amount in fen on that business day."""
    h = hour_figures.c
    query = (
        select(h.hour, safe_sum(h.sales).label("sales"), safe_sum(h.sales_fen).label("fen"))
        .where(h.business_day == day)
        .group_by(h.hour)
    )
    if booth_id is not None:
        query = query.where(h.booth_id == booth_id)
    found = {int(row.hour): row for row in conn.execute(query)}
    return [
        {
            "hour": hour,
            "sales_fen": _int(found[hour].fen) if hour in found else 0,
            "sales": _int(found[hour].sales) if hour in found else 0,
        }
        for hour in range(24)
    ]


def top(
    conn: Connection, dimension: str, first: date | None = None, last: date | None = None
) -> list[dict]:
    """The TOP counties or suppliers by net_fen (ties by key), then one row summing the rest.

    Each row: ``key`` (county, or supplier id), ``name`` (the county, the supplier's name in
    the catalog, else its id), ``sales_fen``, ``refunds_fen``, ``net_fen``, ``sales`` (sales
    with such a line), ``rest`` (False). The last row has ``key`` and ``name`` None, ``rest``
    True, the sums of the others and ``keys``, how many it sums (0 when there are none).
    """
    f = day_figures.c
    rows = [
        {
            "key": row.key,
            "sales_fen": _int(row.sales_fen),
            "refunds_fen": _int(row.refunds_fen),
            "net_fen": _int(row.sales_fen) - _int(row.refunds_fen),
            "sales": _int(row.sales),
        }
        for row in conn.execute(
            select(
                f.key,
                safe_sum(f.sales_fen).label("sales_fen"),
                safe_sum(f.refunds_fen).label("refunds_fen"),
                safe_sum(f.sales).label("sales"),
            )
            .where(f.dimension == dimension, *_days(first, last))
            .group_by(f.key)
        )
    ]
    rows.sort(key=lambda row: (-row["net_fen"], row["key"]))
    named, others = rows[:TOP], rows[TOP:]
    names = supplier_names(conn, [r["key"] for r in named]) if dimension == "supplier" else {}
    shown = [{**row, "name": names.get(row["key"], row["key"]), "rest": False} for row in named]
    rest = {
        "key": None,
        "name": None,
        "rest": True,
        "keys": len(others),
        **{
            figure: sum(row[figure] for row in others)
            for figure in ("sales_fen", "refunds_fen", "net_fen", "sales")
        },
    }
    return [*shown, rest]


def supplier_names(conn: Connection, supplier_ids: list[str]) -> dict[str, str]:
    """A supplier's name as the catalog spells it (the greatest, should products differ)."""
    if not supplier_ids:
        return {}
    p = products.c
    return {
        supplier: name
        for supplier, name in conn.execute(
            select(p.supplier_id, func.max(p.supplier_name))
            .where(p.supplier_id.in_(supplier_ids), p.supplier_name != "")
            .group_by(p.supplier_id)
        )
    }


def by_booth_kind(conn: Connection) -> list[dict]:
    """Campaign net_fen, sales and booths that sold, per kind of booth (None: not known);
    largest net first."""
    f = day_figures.c
    rows = [
        {
            "kind": row.kind,
            "net_fen": _int(row.sales_fen) - _int(row.refunds_fen),
            "sales": _int(row.sales),
            "booths": _int(row.booths),
        }
        for row in conn.execute(
            select(
                booths.c.kind,
                safe_sum(f.sales_fen).label("sales_fen"),
                safe_sum(f.refunds_fen).label("refunds_fen"),
                safe_sum(f.sales).label("sales"),
                func.count(case((f.sales > 0, f.key)).distinct()).label("booths"),
            )
            .select_from(day_figures.outerjoin(booths, booths.c.id == f.key))
            .where(f.dimension == "booth")
            .group_by(booths.c.kind)
        )
    ]
    rows.sort(key=lambda row: (-row["net_fen"], row["kind"] or "~"))
    return rows


def expiring_certificates(conn: Connection, today: date, days: int = EXPIRY_DAYS) -> list[dict]:
    """Catalog products whose certificate expires from today to ``days`` days on, soonest first."""
    p = products.c
    last = today + timedelta(days=days)
    query = select(
        p.id, p.name, p.supplier_name, p.supplier_id, p.certificate_no, p.certificate_expires
    ).where(
        p.deleted.is_(False),
        p.certificate_expires >= today.isoformat(),
        p.certificate_expires <= last.isoformat(),
    )
    rows = []
    for row in conn.execute(query):
        try:
            expires = date.fromisoformat(row.certificate_expires)
        except ValueError:  # not a date: the catalog import checks, but never fail a page
            continue
        rows.append(
            {
                "id": row.id,
                "name": row.name,
                "supplier": row.supplier_name or row.supplier_id,
                "certificate": row.certificate_no,
                "expires_on": expires.isoformat(),
                "days_left": (expires - today).days,
            }
        )
    rows.sort(key=lambda row: (row["expires_on"], row["id"]))
    return rows


def quarantined(conn: Connection) -> int:
    """Entries held back by a business check and not released."""
    return _int(
        conn.execute(
            select(func.count()).select_from(quarantine).where(quarantine.c.released_at.is_(None))
        ).scalar()
    )


def open_alerts(conn: Connection, latest: int = LATEST_ALERTS) -> dict:
    """Unresolved tamper and quarantine alerts: how many, and the newest few."""
    a = tamper_alerts.c
    count = conn.execute(
        select(func.count()).select_from(tamper_alerts).where(a.resolved_at.is_(None))
    ).scalar()
    newest = conn.execute(
        select(a.id, a.terminal_id, a.seq, a.kind, a.reason, a.at)
        .where(a.resolved_at.is_(None))
        .order_by(a.id.desc())
        .limit(latest)
    ).all()
    return {
        "count": _int(count),
        "latest": [
            {
                "id": int(row.id),
                "terminal_id": row.terminal_id,
                "seq": int(row.seq),
                "kind": row.kind,
                "reason": row.reason,
                "at": row.at,
            }
            for row in newest
        ],
    }


__all__ = [
    "summary",
    "totals",
    "by_hour",
    "top",
    "by_booth_kind",
    "expiring_certificates",
    "supplier_names",
]
