"""What each page shows, taken from the functions the JSON API answers with (so a figure on
a page equals the API's): the dashboard's summary, booth health, reports and closes with
their filters and paging, chart series. No SQL here."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from sync.server import dashboard as dashboard_figures
from sync.server import reports

#: Rows of a report or a list of closes shown on one page (the API's limit).
PAGE_SIZE = 50
#: The highest page number a page accepts (past the last page it shows the last one).
MAX_PAGE = 1_000_000
#: Expiring certificates listed on the dashboard (the count says how many there are).
EXPIRING_SHOWN = 20
#: Sales report groupings offered on the reports page, in this order, where the API has them.
REPORT_GROUPS = tuple(
    g for g in ("day", "booth", "supplier", "county", "product", "tender") if g in reports.GROUPS
)
#: Booth health sorts, the API's (a leading "-": largest first).
HEALTH_SORTS = tuple(
    sort for key in reports.HEALTH_SORTS for sort in (key, "-" + key)
)  # fmt: skip
HEALTH_STATES = ("all", "stale", "alerts")


def business_day(now: datetime, zone: ZoneInfo) -> date:
    return now.astimezone(zone).date()


def dashboard(conn: Connection, now: datetime, zone: ZoneInfo, stale_after_s: int) -> dict:
    """``dashboard.summary`` (what GET /api/v1/reports/dashboard answers), with the chart
    series drawn from it and the terminals not heard from (as booth health counts them)."""
    summary = dashboard_figures.summary(conn, now, zone)
    health = reports.booth_health(conn, now, stale_after_s=stale_after_s)
    named = {
        key: [row for row in summary[f"by_{key}"] if not row["rest"]]
        for key in ("county", "supplier")
    }
    return {
        **summary,
        "hours": {
            "labels": [f"{row['hour']:02d}" for row in summary["by_hour"]],
            "fen": [row["sales_fen"] for row in summary["by_hour"]],
        },
        "charts": {key: chart_series(rows, "name") for key, rows in named.items()},
        "expiring_shown": summary["expiring_certificates"][:EXPIRING_SHOWN],
        "stale_terminals": sum(1 for row in health if row["stale"]),
        "terminals": len(health),
    }


def chart_series(rows: list[dict], label_key: str, value_key: str = "net_fen") -> dict:
    """Labels and values (fen) for a chart; the page turns fen into yuan to draw."""
    return {
        "labels": [row[label_key] or "-" for row in rows],
        "fen": [row[value_key] for row in rows],
    }


def booth_health(
    conn: Connection,
    now: datetime,
    stale_after_s: int,
    query: str = "",
    state: str = "all",
    sort: str = "booth",
) -> list[dict]:
    """Booth health as GET /api/v1/reports/booths answers it (its stale and alerts filters,
    its sorts), then kept to the rows whose booth or terminal contains ``query``."""
    rows = reports.booth_health(
        conn,
        now,
        stale_only=state == "stale",
        with_alerts=state == "alerts",
        sort=sort,
        stale_after_s=stale_after_s,
    )
    needle = query.strip().casefold()
    if needle:
        rows = [
            row
            for row in rows
            if needle in row["booth_id"].casefold()
            or needle in row["booth_name"].casefold()
            or needle in row["terminal_id"].casefold()
        ]
    return rows


def paged(row_count: int, page: int, size: int | None = None) -> dict:
    """Which page to show of ``row_count`` rows: past the last page, the last one."""
    size = size or PAGE_SIZE
    pages = max(1, -(-row_count // size))
    page = min(max(1, page), pages)
    return {"page": page, "pages": pages, "count": row_count, "offset": (page - 1) * size}


def sales_report(
    conn: Connection, group: str, first: date, last: date, filters: dict, page: int
) -> tuple[dict, dict]:
    """One page of the sales report as the API pages it (limit and offset), and where that
    page is; supplier rows get the supplier's name from the catalog."""
    report = reports.sales(conn, group, first, last, **filters, limit=PAGE_SIZE, offset=0)
    where = paged(report["row_count"], page)
    if where["offset"]:
        report = reports.sales(
            conn, group, first, last, **filters, limit=PAGE_SIZE, offset=where["offset"]
        )
    if group == "supplier":
        names = dashboard_figures.supplier_names(conn, [row["key"] for row in report["rows"]])
        for row in report["rows"]:
            row["name"] = names.get(row["key"], "")
    return report, where


def closes_report(
    conn: Connection, first: date, last: date, booth_id: str | None, page: int
) -> tuple[dict, dict]:
    """One page of booth days of closes, as the API pages them."""
    report = reports.closes(conn, first, last, booth_id, limit=PAGE_SIZE, offset=0)
    where = paged(report["row_count"], page)
    if where["offset"]:
        report = reports.closes(
            conn, first, last, booth_id, limit=PAGE_SIZE, offset=where["offset"]
        )
    return report, where


def booth_page(
    conn: Connection, booth: dict, now: datetime, zone: ZoneInfo, stale_after_s: int
) -> dict:
    """A booth: its terminals' health, its net sales by day and its Zs over 30 days."""
    today = business_day(now, zone)
    first = today - timedelta(days=29)
    terminals = reports.booth_health(conn, now, booth["id"], stale_after_s=stale_after_s)
    days = reports.sales(conn, "day", first, today, booth["id"])
    closes = reports.closes(conn, first, today, booth["id"])
    zs = [
        close | {"business_day": day["business_day"]}
        for day in closes["days"]
        for close in day["closes"]
    ]
    zs.sort(key=lambda z: z["closed_at"], reverse=True)
    return {
        "booth": booth,
        "terminals": terminals,
        "from": first.isoformat(),
        "to": today.isoformat(),
        "sales": days,
        "chart": _every_day(days["rows"], first, today),
        "zs": zs,
    }


def _every_day(rows: list[dict], first: date, last: date) -> dict:
    """Net sales of each day from ``first`` to ``last`` for a chart, days without sales 0."""
    net = {row["key"]: row["net_fen"] for row in rows}
    days = [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]
    return {"labels": [day[5:] for day in days], "fen": [net.get(day, 0) for day in days]}
