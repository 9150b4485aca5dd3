"""The console's stock pages: stock per booth or campaign-wide (low stock highlighted), a
booth's stock ledger, and transfers in transit with their discrepancies. For supervisors,
like the stock API; the figures are ``sync.server.stock_reports``' own."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request

from sync.server import registry, stock_reports
from sync.server.console import guard, views
from sync.server.console.guard import Supervisor
from sync.server.console.i18n import N_
from sync.server.console.render import render
from sync.server.db import reading
from sync.server.errors import ApiError

router = APIRouter(prefix="/console/stock", include_in_schema=False)
#: Words the stock pages show from data (movement kinds, transfer states, check-in reasons).
SHOWN_WORDS = (
    N_("sale"), N_("refund"), N_("stock_receive"), N_("stock_adjust"), N_("delivery_received"),
    N_("transfer_out"), N_("transfer_in"), N_("stock_count"), N_("in_transit"), N_("settled"),
    N_("discrepancies"), N_("all"), N_("short"), N_("damaged"), N_("extra"),
)  # fmt: skip


def _booth(conn, booth_id: str) -> dict | None:
    if not booth_id:
        return None
    try:
        return registry.booth(conn, booth_id)
    except ApiError:
        raise guard.ConsoleRefusal(404, N_("There is no booth {booth}."), booth=booth_id) from None


def _download(path: str, params: dict) -> str:
    return f"/api/v1/reports/stock/{path}?" + urlencode(
        {**{k: v for k, v in params.items() if v}, "format": "csv"}
    )


@router.get("")
def stock_page(request: Request, signed: Supervisor, booth: str = "", q: str = "", low: str = ""):
    booth_id, needle, low_only = booth.strip(), q.strip().casefold(), low == "1"
    with reading(request.app.state.engine) as conn:
        found = _booth(conn, booth_id)
        booths = {row["id"]: row["name"] for row in registry.all_booths(conn)}
        if found is not None:
            rows = stock_reports.levels(conn, booth_id, None, low_only)
        else:
            rows = stock_reports.campaign(conn)
            if low_only:
                rows = [row for row in rows if row["low_booths"]]
        running_out = stock_reports.low_stock(conn, booth_id or None)
    if needle:
        rows = [
            r
            for r in rows
            if needle in r["product_id"].casefold() or needle in r["name"].casefold()
        ]
    page = {
        "booth": booth_id,
        "booth_row": found,
        "booths": booths,
        "q": q,
        "low": low_only,
        "rows": rows,
        "running_out": running_out,
        "download": _download("levels" if found else "campaign", {"booth": booth_id}),
    }
    return render(request, "stock.html", page, signed=signed)


@router.get("/ledger")
def ledger_page(
    request: Request, signed: Supervisor, booth: str = "", product: str = "", page: str = "1"
):
    booth_id, product_id = booth.strip(), product.strip()
    try:
        number = max(1, int(page))
    except ValueError:
        number = 1
    size = views.PAGE_SIZE
    with reading(request.app.state.engine) as conn:
        found = _booth(conn, booth_id)
        booths = {row["id"]: row["name"] for row in registry.all_booths(conn)}
        ledger = stock_reports.ledger(
            conn, booth_id or None, product_id or None, size, (number - 1) * size
        )
    pages = max(1, -(-ledger["row_count"] // size))
    context = {
        "booth": booth_id,
        "booth_row": found,
        "booths": booths,
        "product": product_id,
        "ledger": ledger,
        "page": min(number, pages),
        "pages": pages,
        "query": urlencode({k: v for k, v in (("booth", booth_id), ("product", product_id)) if v}),
        "download": _download("ledger", {"booth": booth_id, "product": product_id}),
    }
    return render(request, "stock_ledger.html", context, signed=signed)


@router.get("/transfers")
def transfers_page(
    request: Request, signed: Supervisor, state: str = "in_transit", booth: str = ""
):
    state = state if state in stock_reports.TRANSFER_STATES else "in_transit"
    booth_id = booth.strip()
    with reading(request.app.state.engine) as conn:
        _booth(conn, booth_id)
        booths = {row["id"]: row["name"] for row in registry.all_booths(conn)}
        rows = stock_reports.transfer_lines(conn, state, booth_id or None)
    context = {
        "state": state,
        "states": stock_reports.TRANSFER_STATES,
        "booth": booth_id,
        "booths": booths,
        "rows": rows,
        "download": _download("transfers", {"state": state, "booth": booth_id}),
    }
    return render(request, "stock_transfers.html", context, signed=signed)
