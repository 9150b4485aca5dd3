"""Stock: deliveries received and adjustments (each a journal entry and a movement), stock
on hand as the sum of movements, and what is below its minimum."""

from __future__ import annotations

from dataclasses import dataclass

from pos.errors import Refused
from pos.products import Product
from pos.store import journal as journal_db
from pos.store import stock as stock_db
from pos.store.users import User
from pos.usecases.catalog import product_for
from pos.usecases.context import Context
from pos.usecases.people import require_manager
from sync.protocol.entries import MAX_DELTA


def receive_stock(ctx: Context, code: str, qty: int, note: str = "") -> dict:
    if qty <= 0:
        raise Refused("A delivery must add stock: {qty} is not a positive quantity.", qty=qty)
    return _move_stock(ctx, code, qty, "stock_receive", {"note": note})


def adjust_stock(ctx: Context, code: str, delta: int, reason: str) -> dict:
    if delta == 0:
        raise Refused("An adjustment of 0 changes nothing.")
    if not reason.strip():
        raise Refused("Say why the stock is adjusted (--reason), e.g. 'damaged in transit'.")
    return _move_stock(ctx, code, delta, "stock_adjust", {"reason": reason.strip()})


def _move_stock(ctx: Context, code: str, delta: int, entry_type: str, extra: dict) -> dict:
    product, _ = product_for(ctx, code)
    body = {
        "product_id": product.id,
        "name": product.name,
        "unit": "g" if product.weighed else "piece",
        "delta": delta,
        **{k: v for k, v in extra.items() if v},
    }
    at = ctx.now()
    with ctx.store.write() as conn:
        entry = journal_db.append(conn, ctx.terminal_id, entry_type, body, at)
        stock_db.insert_movement(conn, product.id, delta, entry_type, entry["seq"])
    return entry


def stock(ctx: Context, code: str | None = None) -> list[tuple]:
    """(product_id, name, unit, on_hand, movements) for one product, or all that moved."""
    product_id = product_for(ctx, code)[0].id if code else None
    return stock_db.on_hand(ctx.store.conn, product_id)


@dataclass(frozen=True)
class LowStock:
    """A product below its minimum: HQ's (catalog feed) or the booth's own."""

    product_id: str
    name: str
    unit: str  # "piece", or "g" for products sold by the kg
    on_hand: int
    minimum: int
    source: str  # "hq" or "booth"


def low_stock(ctx: Context, product_ids: list[str] | None = None) -> list[LowStock]:
    """Every product below its minimum (or those of ``product_ids``), the emptiest first."""
    rows = stock_db.low_stock(ctx.reader(), product_ids)
    return [
        LowStock(pid, name, "g" if unit == "kg" else "piece", on_hand, minimum, source)
        for pid, name, unit, on_hand, minimum, source in rows
    ]


def set_minimum(ctx: Context, code: str, minimum: int | None, manager: User) -> Product:
    """The booth's own minimum for a product (wins over HQ's); None goes back to HQ's."""
    require_manager(manager)
    product, _ = product_for(ctx, code)
    if minimum is not None and (isinstance(minimum, bool) or not 0 <= minimum <= MAX_DELTA):
        raise Refused(
            "{qty} is not a minimum stock of {name}: give whole pieces, or grams for goods "
            "sold by the kg, of 0 or more.",
            qty=minimum,
            name=product.name,
        )
    with ctx.store.write() as conn:
        stock_db.set_booth_minimum(conn, product.id, minimum, manager.name, ctx.now())
    return product


def categories(ctx: Context) -> list[str]:
    """The catalog's categories, for a count of one of them."""
    return stock_db.categories(ctx.store.conn)
