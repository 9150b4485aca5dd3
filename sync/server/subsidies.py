"""What consumption vouchers (消费券) covered, by day, booth, county, supplier or product: the
sale lines' shares of their payments' subsidies (subsidy_lines), per funder."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, case, func, select

from sync.server.db import safe_sum
from sync.server.tables import subsidy_lines

GROUPS = {
    "day": "business_day",
    "booth": "booth_id",
    "county": "county",
    "supplier": "supplier_id",
    "product": "product_id",
}
COLUMNS = ("subsidy_fen", "campaign_fen", "merchant_fen", "provider_fen", "sales")


def by(conn: Connection, group_by: str, first: date, last: date, booth: str | None = None) -> dict:
    """Rows of ``group_by`` (a key of :data:`GROUPS`) with the subsidy in fen, per funder,
    and how many sales had one, for the business days ``first`` to ``last``; and the total."""
    s = subsidy_lines.c
    key = s[GROUPS[group_by]]
    funded = {
        f"{funder}_fen": safe_sum(case((s.funder == funder, s.subsidy_fen), else_=0))
        for funder in ("campaign", "merchant", "provider")
    }
    query = (
        select(
            key.label("key"),
            safe_sum(s.subsidy_fen).label("subsidy_fen"),
            *[value.label(name) for name, value in funded.items()],
            func.count(s.sale_id.distinct()).label("sales"),
        )
        .where(s.business_day >= first, s.business_day <= last)
        .group_by(key)
        .order_by(key)
    )
    if booth:
        query = query.where(s.booth_id == booth)
    rows = []
    total = dict.fromkeys(COLUMNS, 0)
    for row in conn.execute(query):
        values = {name: int(row._mapping[name] or 0) for name in COLUMNS}
        for name in COLUMNS:
            total[name] += values[name] if name != "sales" else 0
        rows.append({group_by: str(row.key)} | values)
    sales_query = select(func.count(s.sale_id.distinct())).where(
        s.business_day >= first, s.business_day <= last
    )
    if booth:
        sales_query = sales_query.where(s.booth_id == booth)
    total["sales"] = int(conn.execute(sales_query).scalar() or 0)
    return {
        "group_by": group_by,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "booth": booth,
        "rows": rows,
        "total": total,
    }
