"""What each page shows, taken from the report functions the JSON API answers with (so a
figure on a page equals the API's): business days, top-N-and-the-rest, filters, sorting,
paging and chart series. No SQL here."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from sync.server import reports

#: Rows shown by name in a chart or list before the rest are summed into one row.
TOP = 20
PAGE_SIZE = 50
#: Sales report groupings offered on the reports page, in this order, where the API has them.
REPORT_GROUPS = tuple(
    g for g in ("day", "booth", "supplier", "county", "product", "tender") if g in reports.GROUPS
)
HEALTH_SORTS = ("booth", "contact", "alerts", "skew", "quarantined")


def business_day(now: datetime, zone: ZoneInfo) -> date:
    return now.astimezone(zone).date()


def week_start(day: date) -> date:
    """The Monday of ``day``'s week (a campaign week runs Monday to Sunday)."""
    return day - timedelta(days=day.weekday())


def dashboard(conn: Connection, now: datetime, zone: ZoneInfo, stale_after_s: int) -> dict:
    """Today, this week and the campaign so far; sales by day, county and supplier; what
    needs attention (quarantined entries, open alerts, stale terminals)."""
    today = business_day(now, zone)
    campaign = reports.campaign(conn)
    first = date.fromisoformat(campaign["first_day"]) if campaign["first_day"] else today
    first = min(first, today)
    periods = {
        "today": _period(conn, today, today),
        "week": _period(conn, week_start(today), today),
        "campaign": _period(conn, first, today),
    }
    # The campaign column is the campaign report's own figures, so it equals /reports/campaign.
    periods["campaign"].update(
        sales=campaign["sales"],
        amount_fen=campaign["amount_fen"],
        refunded_fen=campaign["refunded_fen"],
        net_fen=campaign["net_fen"],
    )
    days = reports.sales(conn, "day", max(first, today - timedelta(days=29)), today)
    health = reports.booth_health(conn, now)
    return {
        "today": today.isoformat(),
        "week_from": week_start(today).isoformat(),
        "first_day": first.isoformat(),
        "periods": periods,
        "campaign": campaign,
        "by_day": chart_series(days["rows"], "key"),
        "by_county": top_and_rest(reports.sales(conn, "county", first, today)["rows"]),
        "by_supplier": top_and_rest(reports.sales(conn, "supplier", first, today)["rows"]),
        "open_alerts": sum(row["open_alerts"] for row in health),
        "stale_terminals": sum(1 for row in health if is_stale(row, stale_after_s)),
        "terminals": len(health),
    }


def _period(conn: Connection, first: date, last: date) -> dict:
    total = reports.sales(conn, "day", first, last)["total"]
    booths = reports.sales(conn, "booth", first, last)["rows"]
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "sales": total["sales"],
        "amount_fen": total["amount_fen"],
        "refunded_fen": total["refunded_fen"],
        "net_fen": total["net_fen"],
        "booths_selling": sum(1 for row in booths if row["sales"] > 0),
    }


def top_and_rest(rows: list[dict], top: int = TOP) -> dict:
    """The ``top`` rows by amount (as the report orders them) and the others summed."""
    shown, rest = rows[:top], rows[top:]
    summed = {
        "count": len(rest),
        "amount_fen": sum(row["amount_fen"] for row in rest),
        "net_fen": sum(row["net_fen"] for row in rest),
        "sales": sum(row["sales"] for row in rest),
    }
    return {"rows": shown, "rest": summed if rest else None}


def chart_series(rows: list[dict], label_key: str, value_key: str = "net_fen") -> dict:
    """Labels and values (fen) for a chart; the page turns fen into yuan to draw."""
    return {
        "labels": [row[label_key] or "-" for row in rows],
        "fen": [row[value_key] for row in rows],
    }


def is_stale(row: dict, stale_after_s: int) -> bool:
    seconds = row["seconds_since_contact"]
    return not row["revoked"] and (seconds is None or seconds > stale_after_s)


def booth_health(
    conn: Connection,
    now: datetime,
    stale_after_s: int,
    query: str = "",
    state: str = "all",
    sort: str = "booth",
) -> list[dict]:
    """Every terminal's health row, filtered by text and state and sorted as asked."""
    rows = reports.booth_health(conn, now)
    for row in rows:
        row["stale"] = is_stale(row, stale_after_s)
    needle = query.strip().casefold()
    if needle:
        rows = [
            row
            for row in rows
            if needle in row["booth_id"].casefold()
            or needle in row["booth_name"].casefold()
            or needle in row["terminal_id"].casefold()
        ]
    if state == "stale":
        rows = [row for row in rows if row["stale"]]
    elif state == "alerts":
        rows = [row for row in rows if row["open_alerts"] or row["quarantined"]]
    keys = {
        "booth": lambda r: (r["booth_id"], r["terminal_id"]),
        # Never heard from first, then the longest silence.
        "contact": lambda r: (
            r["seconds_since_contact"] is not None,
            -(r["seconds_since_contact"] or 0),
        ),
        "alerts": lambda r: (-r["open_alerts"], r["booth_id"], r["terminal_id"]),
        "skew": lambda r: (-abs(r["clock_skew_ms"] or 0), r["booth_id"], r["terminal_id"]),
        "quarantined": lambda r: (-r["quarantined"], r["booth_id"], r["terminal_id"]),
    }
    return sorted(rows, key=keys.get(sort, keys["booth"]))


def page_of(rows: list[dict], page: int, size: int = PAGE_SIZE) -> dict:
    pages = max(1, -(-len(rows) // size))
    page = min(max(1, page), pages)
    return {
        "rows": rows[(page - 1) * size : page * size],
        "page": page,
        "pages": pages,
        "count": len(rows),
    }


def booth_page(
    conn: Connection, booth: dict, now: datetime, zone: ZoneInfo, stale_after_s: int
) -> dict:
    today = business_day(now, zone)
    first = today - timedelta(days=29)
    terminals = reports.booth_health(conn, now, booth["id"])
    for row in terminals:
        row["stale"] = is_stale(row, stale_after_s)
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
        "chart": chart_series(days["rows"], "key"),
        "zs": zs,
    }
