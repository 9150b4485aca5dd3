"""Booth stock for the campaign office: stock per booth and product, campaign-wide, the
booths running out, the stock ledger, transfers in transit and their discrepancies, and
deliveries checked in; JSON, or CSV with ``?format=csv`` (the whole list, UTF-8 with a BOM)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from sync.server import exports, registry, stock_reports
from sync.server.db import reading
from sync.server.deps import AdminDep, EngineDep
from sync.server.routes.reports import (
    BOOTH_ID,
    PRODUCT_ID,
    RESPONSES,
    Format,
    LimitQ,
    OffsetQ,
    _wants_csv,
)

router = APIRouter(prefix="/api/v1/reports/stock", tags=["stock"])

Unit = Literal["piece", "g"] | None
BoothQ = Annotated[str | None, Query(pattern=BOOTH_ID, description="Only this booth.")]
ProductQ = Annotated[str | None, Query(pattern=PRODUCT_ID, description="Only this product.")]
TransferState = Literal["in_transit", "settled", "discrepancies", "all"]


class StockLevel(BaseModel):
    booth_id: str
    booth_name: str
    product_id: str
    name: str
    unit: Unit = Field(description="Pieces, or grams for products sold by the kg.")
    on_hand: int = Field(description="Sum of the booth's movements, every terminal of it.")
    movements: int
    sold: int = Field(description="Taken out by sales.")
    refunded: int = Field(description="Put back by refunds and post-voids.")
    received: int = Field(description="Booked in by stock_receive.")
    adjusted: int = Field(description="Moved by stock_adjust.")
    checked_in: int = Field(description="Deliveries from HQ checked in (delivery_received).")
    transferred_in: int = Field(description="Transfers from other booths checked in.")
    transferred_out: int = Field(description="Sent to other booths (positive).")
    count_adjusted: int = Field(description="Count variances (stock_count).")
    delivered: int = Field(description="Sent by HQ (deliveries).")
    expected: int = Field(description="Sent by HQ, not booked in yet.")
    in_transit: int = Field(description="Sent here by other booths, not checked in yet.")
    in_transit_out: int = Field(description="Sent from here, not checked in by the other booth.")
    last_count_at: str | None = Field(description="When it was last counted (UTC).")
    last_counted: int | None = Field(description="What that count found on the shelf.")
    last_count_variance: int | None = Field(description="That count's variance (below 0: missing).")
    min_stock: int = Field(
        description="The booth's minimum: its own, else the campaign's; 0: none."
    )
    low: bool = Field(description="On hand is below the minimum.")


class ProductStock(BaseModel):
    product_id: str
    name: str
    unit: Unit
    booths: int = Field(description="Booths holding a stock figure of it.")
    on_hand: int = Field(description="Summed over those booths.")
    in_transit: int = Field(description="Between booths, not checked in yet.")
    low_booths: int = Field(description="Booths below their minimum.")


class LowBooth(BaseModel):
    booth_id: str
    booth_name: str
    on_hand: int
    in_transit: int = Field(description="On its way to the booth from another booth.")
    min_stock: int
    short_by: int = Field(description="min_stock - on_hand.")


class LowProduct(BaseModel):
    product_id: str
    name: str
    unit: Unit
    booths: list[LowBooth] = Field(description="Most short first.")


class Move(BaseModel):
    id: int = Field(description="HQ's movement id: the order it was stored in.")
    at: str = Field(description="The entry's time (UTC).")
    booth_id: str
    product_id: str
    name: str
    unit: Unit
    kind: str = Field(description="The journal entry type that moved it.")
    delta: int = Field(description="Pieces or grams, in (above 0) or out (below 0).")
    terminal_id: str
    seq: int = Field(description="The entry's seq in that terminal's journal.")
    ref: str | None = Field(
        description="What for: a sale, refund, delivery, transfer or count id (None for "
        "stock_receive, stock_adjust and movements older than HQ's 0011)."
    )


class Ledger(BaseModel):
    booth: str | None
    product: str | None
    row_count: int = Field(description="Movements in the whole ledger (before limit/offset).")
    limit: int | None
    offset: int
    moves: list[Move] = Field(description="Newest first.")


class TransferLine(BaseModel):
    transfer_id: str
    from_booth: str
    from_booth_name: str
    to_booth: str
    to_booth_name: str
    product_id: str
    name: str
    unit: Unit
    state: Literal["in_transit", "settled"]
    sent: int = Field(description="0 for a product that arrived though it was not sent.")
    sent_at: str
    sent_by: str
    out_terminal: str
    out_seq: int
    received: int | None = Field(description="None while in transit.")
    difference: int | None = Field(description="received - sent (below 0: missing).")
    reason: str | None = Field(description="short, damaged or extra, when they differ.")
    received_at: str | None
    received_by: str | None
    in_terminal: str | None
    in_seq: int | None


class DeliveryLine(BaseModel):
    delivery_id: str
    booth_id: str
    booth_name: str
    product_id: str
    name: str
    unit: Unit
    note: str
    created_at: str
    state: Literal["expected", "checked_in"]
    sent: int = Field(description="0 for a product that arrived though HQ did not send it.")
    received: int | None = Field(description="None until checked in.")
    short: int | None = Field(description="sent - received, when fewer arrived.")
    over: int | None = Field(description="received - sent, when more arrived.")
    reason: str | None = Field(description="short, damaged or extra, when they differ.")
    received_at: str | None
    received_by: str | None
    terminal_id: str | None
    seq: int | None


def _check_booth(conn, booth: str | None) -> None:
    if booth is not None:
        registry.booth(conn, booth)


def _answer(request: Request, format: str | None, model: type[BaseModel], rows, name: str):
    if not _wants_csv(request, format):
        return rows
    return _csv_stream(list(model.model_fields), rows, name)


def _csv_stream(columns: list[str], rows, name: str) -> StreamingResponse:
    """``rows`` as a CSV file named ``name``.csv, streamed (sync/server/exports.py)."""
    return StreamingResponse(
        exports.csv_chunks(columns, rows),
        media_type=exports.CSV_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@router.get(
    "/levels",
    response_model=list[StockLevel],
    responses=RESPONSES,
    summary="Stock per booth and product: on hand, in transit, last count, minimum, low",
)
def stock_levels(
    request: Request,
    _admin: AdminDep,
    engine: EngineDep,
    booth: BoothQ = None,
    product: ProductQ = None,
    low: Annotated[bool, Query(description="Only rows below their minimum.")] = False,
    format: Format | None = None,
):
    with reading(engine) as conn:
        _check_booth(conn, booth)
        rows = stock_reports.levels(conn, booth, product, low)
    return _answer(request, format, StockLevel, rows, f"stock-{booth or 'all-booths'}")


@router.get(
    "/campaign",
    response_model=list[ProductStock],
    responses=RESPONSES,
    summary="Stock per product over every booth",
)
def stock_campaign(
    request: Request,
    _admin: AdminDep,
    engine: EngineDep,
    product: ProductQ = None,
    format: Format | None = None,
):
    with reading(engine) as conn:
        rows = stock_reports.campaign(conn, product)
    return _answer(request, format, ProductStock, rows, "stock-by-product")


@router.get(
    "/low",
    response_model=list[LowProduct],
    responses=RESPONSES,
    summary="Booths running out: per product, the booths below their minimum",
)
def stock_low(
    request: Request,
    _admin: AdminDep,
    engine: EngineDep,
    booth: BoothQ = None,
    format: Format | None = None,
):
    """The CSV has one row per product and booth."""
    with reading(engine) as conn:
        _check_booth(conn, booth)
        rows = stock_reports.low_stock(conn, booth)
    if not _wants_csv(request, format):
        return rows
    flat = (
        {"product_id": p["product_id"], "name": p["name"], "unit": p["unit"], **b}
        for p in rows
        for b in p["booths"]
    )
    return _csv_stream(["product_id", "name", "unit", *LowBooth.model_fields], flat, "low-stock")


@router.get(
    "/ledger",
    response_model=Ledger,
    responses=RESPONSES,
    summary="The stock ledger: every movement with the entry that made it",
)
def stock_ledger(
    request: Request,
    _admin: AdminDep,
    engine: EngineDep,
    booth: BoothQ = None,
    product: ProductQ = None,
    limit: LimitQ = None,
    offset: OffsetQ = 0,
    format: Format | None = None,
):
    """Per booth, or campaign-wide without ``booth``; newest first. ``limit`` and
    ``offset`` page the JSON; the CSV is the whole ledger (the same filters)."""
    wants_csv = _wants_csv(request, format)
    with reading(engine) as conn:
        _check_booth(conn, booth)
        if wants_csv:
            limit, offset = None, 0
        found = stock_reports.ledger(conn, booth, product, limit, offset)
    if not wants_csv:
        return found
    return _answer(request, "csv", Move, found["moves"], f"stock-ledger-{booth or 'all-booths'}")


@router.get(
    "/transfers",
    response_model=list[TransferLine],
    responses=RESPONSES,
    summary="Transfers between booths: in transit, settled and their discrepancies",
)
def stock_transfers(
    request: Request,
    _admin: AdminDep,
    engine: EngineDep,
    state: TransferState = "in_transit",
    booth: Annotated[
        str | None, Query(pattern=BOOTH_ID, description="Only transfers from or to it.")
    ] = None,
    format: Format | None = None,
):
    with reading(engine) as conn:
        _check_booth(conn, booth)
        rows = stock_reports.transfer_lines(conn, state, booth)
    return _answer(request, format, TransferLine, rows, f"transfers-{state}")


@router.get(
    "/deliveries",
    response_model=list[DeliveryLine],
    responses=RESPONSES,
    summary="HQ's deliveries and how each was checked in: received, short, over",
)
def stock_deliveries(
    request: Request,
    _admin: AdminDep,
    engine: EngineDep,
    booth: BoothQ = None,
    format: Format | None = None,
):
    with reading(engine) as conn:
        _check_booth(conn, booth)
        rows = stock_reports.delivery_lines(conn, booth)
    return _answer(request, format, DeliveryLine, rows, f"deliveries-{booth or 'all-booths'}")
