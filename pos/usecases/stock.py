"""Stock: deliveries received and adjustments (each a journal entry and a movement), and
stock on hand as the sum of movements."""

from __future__ import annotations

from pos.errors import Refused
from pos.store import journal as journal_db
from pos.store import stock as stock_db
from pos.usecases.catalog import product_for
from pos.usecases.context import Context


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
