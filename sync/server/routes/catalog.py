"""Catalog feed for terminals, catalog editing and deliveries for HQ."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from sync import protocol
from sync.protocol import wire
from sync.protocol.catalog import MAX_NAME, MAX_PRICE_FEN
from sync.server import catalog, contact, registry
from sync.server.auth import bearer_token
from sync.server.db import reading
from sync.server.deps import AdminDep, EngineDep, SettingsDep, TerminalStatusDep

router = APIRouter(prefix="/api/v1")

# No control characters (PostgreSQL cannot store NUL; a newline would break a receipt).
ONE_LINE = r"^[^\x00-\x1f\x7f]*$"
Line = Annotated[str, Field(max_length=catalog.MAX_TEXT, pattern=ONE_LINE)]
Required = Annotated[str, Field(min_length=1, max_length=catalog.MAX_TEXT, pattern=ONE_LINE)]
ProductId = Annotated[
    str,
    Path(
        pattern=catalog.PRODUCT_ID.pattern,
        description="The product id: the first barcode's 14-digit GTIN, or PLU + the PLU.",
        examples=["06970006000011", "PLU10001"],
    ),
]
Version = Annotated[int, Field(ge=0, le=catalog.MAX_CURSOR)]


class Rejection(BaseModel):
    detail: str
    errors: list[str] = Field(
        default_factory=list, description="One 'line N, column C: reason' per problem."
    )


class ProductFields(BaseModel):
    """A product's catalog fields: the same columns and checks as a catalog CSV row."""

    model_config = ConfigDict(extra="forbid")

    barcodes: list[Annotated[str, Field(min_length=1, max_length=20)]] = Field(
        default_factory=list,
        max_length=20,
        description="EAN-13, EAN-8 or UPC-A codes. Barcodes are only ever added: codes "
        "missing here stay on the product (old labels stay on shelves).",
        examples=[["6970006000011"]],
    )
    plu: Annotated[str, Field(pattern=r"^[0-9]{1,5}$")] | None = Field(
        None, description="The scale PLU (1 to 5 digits), for products sold by weight."
    )
    name: Annotated[str, Field(min_length=1, max_length=MAX_NAME, pattern=ONE_LINE)]
    name_en: Line = ""
    unit: Literal["piece", "kg"]
    price_fen: int = Field(
        gt=0, le=MAX_PRICE_FEN, strict=True, description="Per piece, or per kg, in fen."
    )
    category: Line = ""
    supplier_id: Annotated[
        str, Field(min_length=1, max_length=catalog.MAX_SUPPLIER_ID, pattern=ONE_LINE)
    ]
    supplier_name: Required
    county: Required
    certificate_no: Line = ""
    certificate_expires: str = Field(
        "",
        pattern=r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$",
        description="YYYY-MM-DD; needed with certificate_no.",
    )


class ProductOut(BaseModel):
    id: str
    barcodes: list[str]
    plu: str | None
    name: str
    name_en: str
    unit: str
    price_fen: int
    category: str
    supplier_id: str
    supplier_name: str
    county: str
    certificate_no: str
    certificate_expires: str


class FeedProduct(ProductOut):
    min_stock: int = Field(
        0,
        description="Minimum stock at this booth (pieces, or grams for products sold by kg; "
        "0: none): the booth's own minimum if HQ set one, else the campaign-wide one.",
    )


class StoredProduct(ProductOut):
    deleted: bool = Field(description="A tombstone: deleted at HQ, still known by id.")
    version: int = Field(description="The catalog version of this product's last change.")


class ProductChange(BaseModel):
    version: int
    kind: Literal["product"]
    product: FeedProduct


class ProductDeleted(BaseModel):
    version: int
    kind: Literal["product_deleted"]
    id: str


class DeliveryOut(BaseModel):
    id: int
    product_id: str
    qty: int = Field(description="Pieces, or grams for products sold by kg.")
    note: str
    created_at: str


class DeliveryLine(BaseModel):
    product_id: str
    qty: int = Field(description="Pieces, or grams for products sold by kg.")


class FeedDelivery(BaseModel):
    id: int | str = Field(
        description="HQ's delivery id, or for goods another booth sent, the transfer id."
    )
    product_id: str | None = Field(None, description="HQ's delivery: its one product.")
    qty: int | None = Field(None, description="HQ's delivery: pieces, or grams for kg products.")
    lines: list[DeliveryLine] | None = Field(
        None, description="A transfer from another booth: every product it sent."
    )
    note: str
    created_at: str
    transfer_id: str | None = Field(None, description="A transfer: check it in as transfer_in.")
    from_booth: str | None = Field(None, description="A transfer: the booth that sent it.")


class DeliveryChange(BaseModel):
    version: int
    kind: Literal["delivery"]
    delivery: FeedDelivery


Change = Annotated[ProductChange | ProductDeleted | DeliveryChange, Field(discriminator="kind")]


class ChangesPage(BaseModel):
    changes: list[Change] = Field(description="In version order.")
    next: int = Field(description="Pass it back as 'since' (the same value when nothing changed).")
    more: bool = Field(description="True when more changes wait: ask again at once.")
    current: int = Field(
        description="The newest committed catalog version. A terminal whose cursor is above it "
        "talks to a server restored from a backup and pulls everything again."
    )


class ImportSummary(BaseModel):
    added: int
    updated: int
    unchanged: int
    version: int = Field(description="The catalog version after the import.")
    encoding: str = Field(description="How the file was read: utf-8 or gbk.")


class DeliveryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    booth_id: str = Field(max_length=64, examples=["CQ-FJ-001"])
    product_id: str = Field(max_length=64, examples=["06970006000011"])
    qty: int = Field(
        ge=-catalog.MAX_QTY,
        le=catalog.MAX_QTY,
        strict=True,
        description="Pieces, or grams for products sold by kg; negative takes stock back; not 0.",
    )
    note: Line = ""


class Delivery(DeliveryOut):
    booth_id: str
    version: int


REJECTION = {422: {"model": Rejection, "description": "Invalid input, with the reasons."}}


@router.get(
    "/catalog/changes",
    response_model=ChangesPage,
    # A delivery has either product_id and qty (HQ's) or lines and transfer_id (a transfer).
    response_model_exclude_unset=True,
    summary="Catalog changes and this booth's deliveries after a cursor",
    responses={
        304: {
            "description": "Nothing changed since the page whose ETag was sent in "
            "If-None-Match: the terminal's cursor stays where it is."
        }
    },
)
def catalog_changes(
    engine: EngineDep,
    settings: SettingsDep,
    status: TerminalStatusDep,
    response: Response,
    since: Annotated[
        int, Query(ge=0, le=catalog.MAX_CURSOR, description="0 first, then the last 'next'.")
    ] = 0,
    limit: Annotated[
        int, Query(ge=1, le=protocol.CATALOG_PAGE_MAX)
    ] = protocol.CATALOG_PAGE_DEFAULT,
    x_terminal_clock: Annotated[str | None, Header(max_length=40)] = None,
    if_none_match: Annotated[
        str | None,
        Header(max_length=200, description="The ETag of the last page asked with this cursor."),
    ] = None,
    authorization: Annotated[str | None, Header()] = None,
):
    # The token's row and the feed in one read transaction on one connection: the common
    # poll, nothing new, is two indexed reads (sync/server/deps.py current_terminal does the
    # same token check on a connection of its own).
    with reading(engine) as conn:
        caller = registry.terminal_for_token(conn, bearer_token(authorization))
        page = catalog.changes(conn, caller.booth_id, since, limit)
    # Every round ends here, so this is where an idle booth's contact, clock and status are
    # seen; written only when there is news (sync/server/contact.py).
    contact.note(engine, caller.terminal_id, caller.seen, x_terminal_clock, status, settings.stale_after_s)  # fmt: skip
    etag = catalog.feed_etag(caller.booth_id, since, limit, page["current"])
    head = wire.journal_head_value(caller.seen.acked_seq, caller.seen.head_hash)
    headers = {"ETag": etag, wire.JOURNAL_HEAD_HEADER: head}
    if if_none_match is not None and etag in (tag.strip() for tag in if_none_match.split(",")):
        return Response(status_code=304, headers=headers)
    response.headers.update(headers)
    return page


@router.get(
    "/catalog/products/{product_id}",
    response_model=StoredProduct,
    summary="One product as HQ holds it (HQ)",
)
def get_product(product_id: ProductId, admin: AdminDep, engine: EngineDep):
    with reading(engine) as conn:
        return catalog.get_product(conn, product_id)


@router.put(
    "/catalog/products/{product_id}",
    response_model=StoredProduct,
    responses=REJECTION,
    summary="Create or replace a product (HQ)",
)
def put_product(product_id: ProductId, product: ProductFields, admin: AdminDep, engine: EngineDep):
    with engine.begin() as conn:
        return catalog.upsert_product(
            conn, {"id": product_id, **product.model_dump()}, by=f"admin:{admin}"
        )


@router.delete(
    "/catalog/products/{product_id}",
    response_model=StoredProduct,
    summary="Delete a product: terminals get a tombstone (HQ)",
)
def delete_product(product_id: ProductId, admin: AdminDep, engine: EngineDep):
    with engine.begin() as conn:
        return catalog.delete_product(conn, product_id, by=f"admin:{admin}")


@router.post(
    "/catalog/import",
    response_model=ImportSummary,
    responses=REJECTION,
    summary="Import a catalog CSV, all rows or none (HQ)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "The CSV file's bytes: the terminal's columns, UTF-8 or GBK.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    },
)
async def import_catalog(request: Request, admin: AdminDep, engine: EngineDep):
    data = await request.body()
    return await run_in_threadpool(catalog.import_csv, engine, data, f"admin:{admin}")


@router.post(
    "/deliveries",
    response_model=Delivery,
    responses=REJECTION,
    summary="Send stock to a booth: an expected receipt in its feed (HQ)",
)
def add_delivery(delivery: DeliveryIn, admin: AdminDep, engine: EngineDep):
    with engine.begin() as conn:
        return catalog.add_delivery(
            conn,
            delivery.booth_id,
            delivery.product_id,
            delivery.qty,
            delivery.note,
            by=f"admin:{admin}",
        )
