"""Held sales (挂单/取单): put the cart aside to serve the next customer, take it back later.

A held cart is not a sale: it is kept in ``held_sales`` (so a crash or a restart keeps it)
and enters the journal only when it is paid, as any other sale.
"""

from __future__ import annotations

import json
import uuid

from pos.cart import Cart
from pos.errors import NotFound, Refused
from pos.store import held as held_db
from pos.store import payment_attempts as attempts_db
from pos.store.users import User
from pos.usecases.context import Context
from pos.usecases.people import require_manager


def hold(ctx: Context, cart: Cart, cashier: User) -> dict:
    """Keep ``cart`` as a held sale; its summary (id, held_at, cashier, lines, total_fen)."""
    if not cart.live_lines:
        raise Refused("The cart is empty: there is nothing to hold.")
    held = {
        "id": str(uuid.uuid4()),
        "held_at": ctx.now(),  # UTC, as the journal writes it
        "cashier": cashier.name,
        "lines": len(cart.live_lines),
        "total_fen": cart.total_fen,
    }
    cart_json = json.dumps(cart.as_held(), ensure_ascii=False)
    with ctx.store.write() as conn:
        held_db.insert(conn, held, cart_json)
        # a cart that carries collected mobile payments keeps them on the held sale
        attempts_db.mark_held(conn, [p.out_trade_no for p in cart.collected], held["id"])
    return held


def held_sales(ctx: Context) -> list[dict]:
    """The held carts, oldest first: id, held_at (UTC), cashier, lines, total_fen, and the
    mobile payments collected on each (mobile_paid_fen, mobile_methods)."""
    with ctx.store.read() as conn:
        return held_db.listed(conn)


def resume(ctx: Context, held_id: str) -> Cart:
    """Take a held cart back (it is no longer held): the sale goes on from there."""
    with ctx.store.write() as conn:
        cart_json = held_db.take(conn, held_id)
    if cart_json is None:
        raise NotFound("That held sale is no longer held: someone resumed or discarded it.")
    return Cart.from_held(json.loads(cart_json))


def discard_all(ctx: Context, manager: User) -> int:
    """A manager drops every held cart (at a shift close); how many there were."""
    require_manager(manager)
    with ctx.store.write() as conn:
        if attempts_db.held_with_payments(conn):
            raise Refused(
                "A held sale carries a mobile payment already collected: take it back and "
                "finish it, or remove the payment there (the customer gets it back), first."
            )
        return held_db.delete_all(conn)
