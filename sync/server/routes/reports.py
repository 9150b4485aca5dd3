"""Reports for the campaign office: sales by day, booth, supplier, county, product (net of
refunds); campaign totals; booth health; stock; Z reports (shift closes) per booth and day."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from sync.server import clock, dashboard, exports, registry, reports, subsidies
from sync.server.db import reading
from sync.server.deps import AdminDep, EngineDep, SettingsDep
from sync.server.errors import invalid
from sync.server.payments import reconcile

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])

Group = Literal["day", "booth", "supplier", "county", "product", "tender"]
Format = Literal["json", "csv"]
HealthSort = Literal[
    "booth",
    "-booth",
    "terminal",
    "-terminal",
    "last_contact",
    "-last_contact",
    "unsynced",
    "-unsynced",
    "clock_skew",
    "-clock_skew",
    "alerts",
    "-alerts",
    "quarantined",
    "-quarantined",
    "last_z_variance",
    "-last_z_variance",
    "app_version",
    "-app_version",
]
#: The longest range one sales report covers: three years, one of them a leap year.
MAX_DAYS = 3 * 365 + 1
#: The longest range of a Z report list for every booth. It lists each Z (about 0.65 KB of
#: JSON with three tenders, plus 0.5 KB per booth and day), so a week of 10,000 booths is
#: about 80 MB; for one booth it may cover MAX_DAYS.
MAX_CLOSE_DAYS_ALL_BOOTHS = 7
# A business day is typed as text and parsed here: pydantic's date would also take epoch
# seconds, and the brief wants ISO dates only. The schema still says format: date.
DAY = {"pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "json_schema_extra": {"format": "date"}}
BOOTH_ID = registry.IDENTIFIER.pattern
# Product ids come from terminals' journals: any short text without control characters
# (PostgreSQL refuses NUL in text, so it must be stopped here, not reach the query).
PRODUCT_ID = r"^[^\x00-\x1f\x7f]{1,64}$"
#: Total row of a CSV sales report: its key column says TOTAL.
TOTAL_KEY = "TOTAL"


class Problem(BaseModel):
    detail: str = Field(description="What is wrong, as a sentence.")


RESPONSES = {
    200: {
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "description": "JSON, or CSV with ?format=csv or 'Accept: text/csv'.",
    },
    401: {"model": Problem, "description": "Missing, wrong or revoked admin token."},
    403: {"model": Problem, "description": "A terminal token: reports are for HQ."},
    404: {"model": Problem, "description": "No such booth."},
    422: {"model": Problem, "description": "A parameter is not valid."},
}

# --- response models -----------------------------------------------------------------------


class SalesFigures(BaseModel):
    sales: int = Field(description="Sales counted (distinct sales for line groupings).")
    amount_fen: int = Field(description="Amount sold in fen (1 yuan = 100 fen), gross of refunds.")
    lines: int | None = Field(None, description="Sale lines (supplier, county, product).")
    qty: int | None = Field(None, description="Pieces sold (supplier, county, product).")
    weight_g: int | None = Field(None, description="Grams sold (supplier, county, product).")
    refunds: int = Field(
        description="Refunds and post-voids made in the range (distinct ones for line groupings)."
    )
    refunded_fen: int = Field(description="Money given back by those refunds, in fen.")
    refunded_qty: int | None = Field(
        None, description="Pieces given back (supplier, county, product)."
    )
    refunded_weight_g: int | None = Field(
        None, description="Grams given back (supplier, county, product)."
    )
    net_fen: int = Field(description="amount_fen - refunded_fen.")
    rounding_fen: int | None = Field(
        None,
        description="Cash rounding (抹零) of those sales less that of the refunds (day, booth):"
        " the money kept for them is net_fen + rounding_fen.",
    )


class SalesRow(SalesFigures):
    key: str = Field(
        description="The business day (YYYY-MM-DD), booth id, supplier id, county, product id "
        "or payment method."
    )
    name: str | None = Field(None, description="Booth or product name (booth, product).")


class SalesReport(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    group_by: Group
    from_: date = Field(alias="from", description="First business day (booth's local date).")
    to: date = Field(description="Last business day, inclusive.")
    booth: str | None = Field(None, description="The booth the report is limited to, if any.")
    county: str | None = Field(None, description="The county its lines are limited to, if any.")
    supplier: str | None = Field(None, description="The supplier, likewise.")
    product: str | None = Field(None, description="The product, likewise.")
    row_count: int = Field(description="Rows in the whole report (before limit and offset).")
    limit: int | None = Field(None, description="The page size asked for, if any.")
    offset: int = Field(description="Rows skipped before this page.")
    rows: list[SalesRow] = Field(description="By day for day, else by amount sold, largest first.")
    total: SalesFigures


class BoothHeld(BaseModel):
    booth_id: str
    booth_name: str
    quarantined: int = Field(description="Entries of the booth held back (quarantined).")
    quarantined_fen: int = Field(description="What the sales and refunds among them come to.")


class CampaignTotals(BaseModel):
    sales: int
    amount_fen: int
    lines: int
    booths: int = Field(description="Booths that have sold.")
    terminals: int = Field(description="Terminals that have sold.")
    suppliers: int = Field(description="Suppliers named on sale lines.")
    counties: int = Field(description="Counties named on sale lines.")
    first_day: date | None
    last_day: date | None
    booths_registered: int
    terminals_enrolled: int
    refunds: int = Field(description="Refunds and post-voids received.")
    refunded_fen: int = Field(description="Money they gave back.")
    net_fen: int = Field(description="amount_fen - refunded_fen.")
    mobile_verified_fen: int = Field(
        description="WeChat Pay and Alipay tenders collected through HQ (each names a paid payment)."
    )
    mobile_unverified_fen: int = Field(
        description="WeChat Pay and Alipay tenders recorded as a reference only: nothing proves "
        "the money arrived."
    )
    quarantined: int = Field(
        description="Entries held back by a business check, counted in none of the above."
    )
    quarantined_fen: int = Field(description="What the sales and refunds among them come to.")
    quarantined_by_booth: list[BoothHeld] = Field(
        description="The same per booth with entries held back (JSON only).",
    )


class TerminalHealth(BaseModel):
    booth_id: str
    booth_name: str
    terminal_id: str
    last_contact: str | None = Field(description="Last push received (UTC), None if never.")
    seconds_since_contact: int | None
    acked_seq: int = Field(description="The highest journal seq the server holds.")
    open_alerts: int = Field(description="Unresolved tamper and quarantine alerts.")
    clock_skew_ms: int | None = Field(description="Terminal clock minus server clock.")
    grand_total_fen: int = Field(
        description="The terminal's perpetual grand total, as its chain states it "
        "(quarantined entries included)."
    )
    revoked: bool
    quarantined: int = Field(description="Entries held back by a business check.")
    quarantined_fen: int = Field(description="What the sales and refunds among them come to.")
    stale: bool = Field(
        description="No contact for more than BOOTH_POS_SERVER_STALE_AFTER_S, or never."
    )
    clock_skew_abs_ms: int | None = Field(description="How far off its clock is, either way.")
    app_version: str | None = Field(description="The version it reported at its last round.")
    unsynced: int | None = Field(
        description="Journal entries it held unacknowledged, as it reported at its last round."
    )
    printer: Literal["ok", "paper_out", "offline", "none"] | None = Field(
        description="Its printer, as it reported at its last round."
    )
    status_at: str | None = Field(description="When it last reported those (UTC).")
    shift_open: bool = Field(description="Its journal has a shift open (no Z after it).")
    shift_opened_at: str | None = Field(description="When that shift was opened (UTC).")
    last_z_at: str | None = Field(description="When its newest Z was written (UTC).")
    last_z_business_day: date | None
    last_z_variance_fen: int | None = Field(
        description="That Z's tender variances added up (counted - expected)."
    )


class StockRow(BaseModel):
    booth_id: str
    product_id: str
    name: str
    unit: Literal["piece", "g"] | None = Field(description="Pieces, or grams for weighed goods.")
    on_hand: int = Field(description="Sum of all movements.")
    movements: int
    sold: int
    received: int = Field(description="Booked in at the booth (stock_receive).")
    adjusted: int
    delivered: int = Field(description="Sent by HQ (deliveries).")
    expected: int = Field(
        description="Sent by HQ, not booked in yet: max(delivered - received, 0)."
    )
    refunded: int = Field(description="Put back into stock by refunds and post-voids.")


class TenderFigures(BaseModel):
    expected_fen: int = Field(description="What the tender should hold by the journal.")
    counted_fen: int = Field(description="Cash counted, or the settlement total confirmed.")
    variance_fen: int = Field(description="counted - expected: negative is missing money.")


class CloseTender(TenderFigures):
    verified: bool | None = Field(
        description="WeChat Pay and Alipay: true when counted is HQ's verified total of what "
        "the gateway collected, false when the manager typed it offline; null when the "
        "terminal did not say (cash and other tenders, Zs of older terminals)."
    )


class CloseSums(BaseModel):
    z_count: int = Field(description="Z reports summed.")
    sales_count: int
    sales_fen: int
    refunds_count: int
    refunds_fen: int
    post_voids_count: int
    post_voids_fen: int
    discount_fen: int
    rounding_fen: int = Field(
        description="Cash rounding (抹零): sales' cash rounded to the jiao, less refunds'."
    )
    cash_in_fen: int
    cash_out_fen: int
    tenders: dict[str, TenderFigures] = Field(description="Per payment method, summed.")
    variance_fen: int = Field(description="The tenders' variances added up.")
    closed_verified_fen: int = Field(
        description="Counted figures of tenders HQ verified (verified true), added up."
    )
    closed_unverified_fen: int = Field(
        description="Counted figures of WeChat Pay and Alipay typed by hand offline "
        "(verified false), added up: mobile money closed unverified."
    )


class Close(BaseModel):
    terminal_id: str
    seq: int = Field(description="The z_close entry's seq in the terminal's journal.")
    shift_id: str
    opened_seq: int = Field(description="The seq of the shift's shift_open entry.")
    closed_at: str = Field(description="When the Z was written (UTC, the entry's at).")
    closed_by: str = Field(description="The manager who counted and closed (the entry's by).")
    float_fen: int
    sales_count: int
    sales_fen: int
    refunds_count: int
    refunds_fen: int
    post_voids_count: int
    post_voids_fen: int
    discount_fen: int
    rounding_fen: int = Field(
        description="Cash rounding (抹零) of the shift's sales less that of its refunds."
    )
    voided_lines: int
    voided_fen: int
    cash_in_fen: int
    cash_out_fen: int
    grand_total_fen: int = Field(description="The terminal's perpetual grand total at the close.")
    reason: str = Field(description="The manager's explanation, empty if none was given.")
    tenders: dict[str, CloseTender]
    variance_fen: int = Field(description="The tenders' variances added up.")


class BoothDay(BaseModel):
    business_day: date = Field(description="The local date of the closes.")
    booth_id: str
    booth_name: str


class CloseDay(CloseSums, BoothDay):  # fields in the order: BoothDay's, CloseSums', closes
    closes: list[Close] = Field(description="The Zs, by close time.")


class ClosesReport(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: date = Field(alias="from", description="First business day (booth's local date).")
    to: date = Field(description="Last business day, inclusive.")
    booth: str | None = Field(None, description="The booth the report is limited to, if any.")
    row_count: int = Field(description="Booth days in the whole list (before limit and offset).")
    limit: int | None = Field(None, description="The page size asked for, if any.")
    offset: int = Field(0, description="Booth days skipped before this page.")
    days: list[CloseDay] = Field(description="Per booth and business day, by day then booth.")
    total: CloseSums


# --- routes --------------------------------------------------------------------------------


TEXT_FILTER = r"^[^\x00-\x1f\x7f]{1,64}$"
CountyQ = Annotated[
    str | None, Query(pattern=TEXT_FILTER, description="Only lines of products of this county.")
]
SupplierQ = Annotated[
    str | None, Query(pattern=PRODUCT_ID, description="Only lines of this supplier's products.")
]
ProductQ = Annotated[
    str | None, Query(pattern=PRODUCT_ID, description="Only this product's lines.")
]
LimitQ = Annotated[
    int | None, Query(ge=1, le=10_000, description="At most this many rows (default: all).")
]
OffsetQ = Annotated[int, Query(ge=0, le=10**9, description="Rows to skip (paging).")]


def _sales(
    engine, group_by, date_from, date_to, booth, county, supplier, product, limit=None, offset=0
) -> dict:
    first, last = _day(date_from, "from"), _day(date_to, "to")
    _check_range(first, last)
    if group_by == "tender" and (county or supplier or product):
        raise invalid(
            "A report by tender cannot be limited to a county, supplier or product: "
            "payments are per sale, not per line."
        )
    with reading(engine) as conn:
        if booth is not None:
            registry.booth(conn, booth)
        return reports.sales(
            conn, group_by, first, last, booth, county, supplier, product, limit, offset
        )


@router.get(
    "/sales",
    response_model=SalesReport,
    response_model_exclude_none=True,
    responses=RESPONSES,
    summary="Sales by day, booth, supplier, county, product or tender",
)
def sales_report(
    request: Request,
    _admin: AdminDep,
    engine: EngineDep,
    date_from: Annotated[str, Query(alias="from", **DAY, examples=["2026-11-01"])],
    date_to: Annotated[str, Query(alias="to", **DAY, examples=["2026-11-30"])],
    group_by: Group = "day",
    booth: Annotated[str | None, Query(pattern=BOOTH_ID)] = None,
    county: CountyQ = None,
    supplier: SupplierQ = None,
    product: ProductQ = None,
    limit: LimitQ = None,
    offset: OffsetQ = 0,
    format: Format | None = None,
):
    """Business days are the booth's local dates, both ends included; amounts are fen.

    ``limit`` and ``offset`` page the rows; ``row_count`` is how many there are, ``total``
    covers them all. The CSV (``format=csv``) is the page asked for; the whole report is
    ``/reports/sales.csv`` or ``.xlsx``.
    """
    report = _sales(
        engine, group_by, date_from, date_to, booth, county, supplier, product, limit, offset
    )
    if not _wants_csv(request, format):
        return report
    columns = _sales_columns(group_by)
    rows = [*report["rows"], {"key": TOTAL_KEY, **report["total"]}]
    renamed = [{group_by: row["key"], **row} for row in rows]
    name = f"sales-by-{group_by}-{report['from']}-{report['to']}.csv"
    return _csv(columns, renamed, name)


EXPORT_RESPONSES = {
    200: {
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            exports.XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
        "description": "The whole report as a file (UTF-8 CSV with a BOM, or .xlsx).",
    },
    **{k: v for k, v in RESPONSES.items() if k != 200},
}
FileKind = Literal["csv", "xlsx"]


@router.get(
    "/sales.{kind}",
    responses=EXPORT_RESPONSES,
    response_class=StreamingResponse,
    summary="The whole sales report as CSV or .xlsx (same parameters, no paging)",
)
def sales_export(
    kind: FileKind,
    _admin: AdminDep,
    engine: EngineDep,
    date_from: Annotated[str, Query(alias="from", **DAY, examples=["2026-11-01"])],
    date_to: Annotated[str, Query(alias="to", **DAY, examples=["2026-11-30"])],
    group_by: Group = "day",
    booth: Annotated[str | None, Query(pattern=BOOTH_ID)] = None,
    county: CountyQ = None,
    supplier: SupplierQ = None,
    product: ProductQ = None,
):
    report = _sales(engine, group_by, date_from, date_to, booth, county, supplier, product)
    rows = [*report["rows"], {"key": TOTAL_KEY, **report["total"]}]
    renamed = ({group_by: row["key"], **row} for row in rows)
    name = f"sales-by-{group_by}-{report['from']}-{report['to']}"
    return _file(kind, _sales_columns(group_by), renamed, name, f"sales by {group_by}")


def _file(kind: str, columns: list[str], rows, name: str, sheet: str) -> StreamingResponse:
    headers = {"Content-Disposition": f'attachment; filename="{name}.{kind}"'}
    if kind == "csv":
        return StreamingResponse(
            exports.csv_chunks(columns, rows), media_type=exports.CSV_TYPE, headers=headers
        )
    path = exports.xlsx_file(columns, rows, sheet)
    return StreamingResponse(
        exports.file_chunks(path), media_type=exports.XLSX_TYPE, headers=headers
    )


@router.get(
    "/campaign",
    response_model=CampaignTotals,
    responses=RESPONSES,
    summary="Campaign totals: sales, amount, booths, suppliers, counties",
)
def campaign_report(
    request: Request, _admin: AdminDep, engine: EngineDep, format: Format | None = None
):
    with reading(engine) as conn:
        totals = reports.campaign(conn)
    if not _wants_csv(request, format):
        return totals
    columns = [c for c in CampaignTotals.model_fields if c != "quarantined_by_booth"]
    return _csv(columns, [totals], "campaign.csv")


@router.get(
    "/dashboard",
    responses={k: v for k, v in RESPONSES.items() if k in (401, 403)},
    summary="The console's dashboard: totals for today, the week and the campaign, and more",
)
def dashboard_report(_admin: AdminDep, engine: EngineDep, settings: SettingsDep) -> dict:
    """Exactly what the console's dashboard shows (sync.server.dashboard.summary)."""
    with reading(engine) as conn:
        return dashboard.summary(conn, clock.now(), settings.zone)


@router.get(
    "/booths",
    response_model=list[TerminalHealth],
    responses=RESPONSES,
    summary="Booth health: last contact, acked seq, open alerts, clock skew per terminal",
)
def booths_report(
    request: Request,
    _admin: AdminDep,
    engine: EngineDep,
    settings: SettingsDep,
    booth: Annotated[str | None, Query(pattern=BOOTH_ID)] = None,
    stale: Annotated[bool, Query(description="Only terminals without recent contact.")] = False,
    alerts: Annotated[
        bool, Query(description="Only terminals with open alerts or entries held back.")
    ] = False,
    sort: Annotated[
        HealthSort, Query(description="Order by this; a leading '-' for largest first.")
    ] = "booth",
    format: Format | None = None,
):
    with reading(engine) as conn:
        if booth is not None:
            registry.booth(conn, booth)
        rows = reports.booth_health(
            conn, clock.now(), booth, stale, alerts, sort, settings.stale_after_s
        )
    if not _wants_csv(request, format):
        return rows
    return _csv(list(TerminalHealth.model_fields), rows, "booth-health.csv")


@router.get(
    "/stock",
    response_model=list[StockRow],
    responses=RESPONSES,
    summary="Stock ledger of a booth: on hand, movements, HQ deliveries expected",
)
def stock_report(
    request: Request,
    _admin: AdminDep,
    engine: EngineDep,
    booth: Annotated[str, Query(pattern=BOOTH_ID, examples=["B1"])],
    product: Annotated[str | None, Query(pattern=PRODUCT_ID)] = None,
    format: Format | None = None,
):
    with reading(engine) as conn:
        registry.booth(conn, booth)
        rows = reports.stock(conn, booth, product)
    if not _wants_csv(request, format):
        return rows
    return _csv(list(StockRow.model_fields), rows, f"stock-{booth}.csv")


@router.get(
    "/closes",
    response_model=ClosesReport,
    responses=RESPONSES,
    summary="Z reports (shift closes) per booth and business day, with tender variances",
)
def closes_report(
    request: Request,
    _admin: AdminDep,
    engine: EngineDep,
    date_from: Annotated[str, Query(alias="from", **DAY, examples=["2026-11-28"])],
    date_to: Annotated[str, Query(alias="to", **DAY, examples=["2026-11-28"])],
    booth: Annotated[str | None, Query(pattern=BOOTH_ID)] = None,
    limit: LimitQ = None,
    offset: OffsetQ = 0,
    format: Format | None = None,
):
    """Business days are the booth's local dates of the closes, both ends included.

    Without ``booth`` the range is at most a week; with it, at most three years.
    ``limit`` and ``offset`` page the booth days; ``row_count`` is how many there are.
    """
    report = _closes(engine, date_from, date_to, booth, limit, offset)
    if not _wants_csv(request, format):
        return report
    name = f"closes-{booth + '-' if booth else ''}{report['from']}-{report['to']}.csv"
    return _csv(CLOSE_COLUMNS, _close_rows(report), name)


def _closes(engine, date_from, date_to, booth, limit=None, offset=0) -> dict:
    first, last = _day(date_from, "from"), _day(date_to, "to")
    if booth is None:
        what = "A list of Z reports for every booth"
        _check_range(first, last, MAX_CLOSE_DAYS_ALL_BOOTHS, what, ", or give a booth")
    else:
        _check_range(first, last, MAX_DAYS, "A list of Z reports")
    with reading(engine) as conn:
        if booth is not None:
            registry.booth(conn, booth)
        return reports.closes(conn, first, last, booth, limit, offset)


def _close_rows(report: dict):
    """One row per Z and tender (a Z without tenders: one row without)."""
    return (
        {**day, **close, "method": method, **figures}
        for day in report["days"]
        for close in day["closes"]
        for method, figures in (close["tenders"].items() or [("", {})])
    )


@router.get(
    "/closes.{kind}",
    responses=EXPORT_RESPONSES,
    response_class=StreamingResponse,
    summary="The whole Z report list as CSV or .xlsx: one row per Z and tender",
)
def closes_export(
    kind: FileKind,
    _admin: AdminDep,
    engine: EngineDep,
    date_from: Annotated[str, Query(alias="from", **DAY, examples=["2026-11-28"])],
    date_to: Annotated[str, Query(alias="to", **DAY, examples=["2026-11-28"])],
    booth: Annotated[str | None, Query(pattern=BOOTH_ID)] = None,
):
    report = _closes(engine, date_from, date_to, booth)
    name = f"closes-{booth + '-' if booth else ''}{report['from']}-{report['to']}"
    return _file(kind, CLOSE_COLUMNS, _close_rows(report), name, "closes")


#: A Z report list as CSV: one row per Z and tender (a Z's own figures are in the JSON).
CLOSE_COLUMNS = [
    "business_day",
    "booth_id",
    "booth_name",
    "terminal_id",
    "seq",
    "shift_id",
    "closed_at",
    "closed_by",
    "method",
    "expected_fen",
    "counted_fen",
    "variance_fen",
    "verified",
    "reason",
]


# --- helpers -------------------------------------------------------------------------------


def _day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise invalid(f"'{what}' is {text!r}, which is not a date: write YYYY-MM-DD.") from None


def _check_range(
    first: date, last: date, limit: int = MAX_DAYS, what: str = "A sales report", hint: str = ""
) -> None:
    if first > last:
        raise invalid(f"'from' ({first}) is after 'to' ({last}): swap them.")
    days = (last - first).days + 1
    if days > limit:
        span = " (3 years)" if limit == MAX_DAYS else ""
        raise invalid(
            f"{what} covers at most {limit} days{span}; "
            f"{first} to {last} is {days} days: narrow the range{hint}."
        )


def _wants_csv(request: Request, format: str | None) -> bool:
    """?format= wins; otherwise CSV when the client's Accept header names text/csv."""
    if format is not None:
        return format == "csv"
    return "text/csv" in request.headers.get("accept", "").lower()


def _sales_columns(group_by: str) -> list[str]:
    columns = [group_by]
    if group_by in ("booth", "product"):
        columns.append("name")
    columns.append("sales")
    if group_by in reports.LINE_GROUPS:
        columns += ["lines", "qty", "weight_g"]
    # Refund columns come after the original ones, so old spreadsheets keep their columns.
    columns += ["amount_fen", "refunds"]
    if group_by in reports.LINE_GROUPS:
        columns += ["refunded_qty", "refunded_weight_g"]
    columns += ["refunded_fen", "net_fen"]
    if group_by in (*reports.LINE_GROUPS, "tender"):
        return columns
    return [*columns, "rounding_fen"]


def _csv(columns: list[str], rows, filename: str) -> Response:
    """CSV with a header row; each *_fen column is followed by its *_yuan twin (UTF-8 with a
    BOM, as the exports: see sync/server/exports.py)."""
    return Response(
        b"".join(exports.csv_chunks(columns, rows)),
        media_type=exports.CSV_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --- money reconciled: subsidies and the providers' bills ----------------------------------

SubsidyGroup = Literal["day", "booth", "county", "supplier", "product"]


@router.get(
    "/subsidies",
    responses=RESPONSES,
    summary="What consumption vouchers covered, by day, booth, county, supplier or product",
)
def subsidy_report(
    request: Request,
    _admin: AdminDep,
    engine: EngineDep,
    date_from: Annotated[str, Query(alias="from", **DAY)],
    date_to: Annotated[str, Query(alias="to", **DAY)],
    group_by: SubsidyGroup = "day",
    booth: Annotated[str | None, Query(pattern=BOOTH_ID)] = None,
    format: Format | None = None,
):
    first, last = _day(date_from, "from"), _day(date_to, "to")
    _check_range(first, last, what="A subsidy report")
    with reading(engine) as conn:
        report = subsidies.by(conn, group_by, first, last, booth)
    if not _wants_csv(request, format):
        return report
    columns = [group_by, *subsidies.COLUMNS]
    name = f"subsidies-by-{group_by}-{report['from']}-{report['to']}.csv"
    return _csv(columns, [*report["rows"], {group_by: TOTAL_KEY} | report["total"]], name)


@router.get(
    "/reconciliation",
    responses=RESPONSES,
    summary="A day's WeChat Pay and Alipay bills against the journals: the latest run",
)
def reconciliation_report(
    request: Request,
    _admin: AdminDep,
    engine: EngineDep,
    day: Annotated[str, Query(alias="date", **DAY)],
    booth: Annotated[str | None, Query(pattern=BOOTH_ID)] = None,
    format: Format | None = None,
):
    result = reconcile.report(engine, _day(day, "date"), booth)
    if not _wants_csv(request, format):
        return result
    name = f"reconciliation-{result['date']}{'-' + booth if booth else ''}.csv"
    return _csv(list(reconcile.ITEM_COLUMNS), result["mismatches"], name)
