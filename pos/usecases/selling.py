"""Selling: the checkout (sale, lines, payments, stock and journal in one transaction),
line discounts and price overrides with a manager's approval when needed."""

from __future__ import annotations

import uuid

from pos.cart import Cart, CartLine, Payment
from pos.errors import Refused
from pos.money import format_fen
from pos.store import catalog as catalog_db
from pos.store import journal as journal_db
from pos.store import payment_attempts as attempts_db
from pos.store import print_jobs
from pos.store import sales as sales_db
from pos.store.users import User
from pos.usecases.catalog import check_certificate
from pos.usecases.context import Context
from pos.usecases.people import NeedsManager, approver, require_manager
from pos.usecases.shifts import shift_open


def checkout(
    ctx: Context, cart: Cart, payments: list[Payment], cashier: User, print_receipt: bool = False
) -> dict:
    """Commit the sale, its lines, payments, stock movements and journal entry at once.

    With ``print_receipt`` the receipt's print job is written in the same transaction,
    so it cannot be lost between the sale and the printer (pos.print_queue prints it).
    """
    settlement = cart.settle(payments, ctx.settings.cash_rounding)
    for line in cart.live_lines:
        line.certificate = check_certificate(ctx, line.product)
    body = {
        "sale_id": str(uuid.uuid4()),
        "cashier": cashier.name,
        "lines": [line.as_journal() for line in cart.live_lines],
        "total_fen": settlement.total_fen,
        "payments": [p.as_journal() for p in settlement.payments],
        "change_fen": settlement.change_fen,
    }
    if settlement.rounding_fen:
        body["rounding_fen"] = settlement.rounding_fen
    voided = [line.as_journal() for line in cart.lines if line.voided]
    if voided:
        body["voided_lines"] = voided
    at = ctx.now()
    with ctx.store.write() as conn:
        journal_db.refuse_if_behind_hq(conn)  # before "no shift": a replacement PC has none yet
        if not shift_open(conn):
            raise Refused("No shift is open: a manager opens one with its float before selling.")  # fmt: skip
        body["catalog_version"] = catalog_db.catalog_version(conn)
        entry = journal_db.append(conn, ctx.terminal_id, "sale", body, at)
        sales_db.insert_sale(conn, entry)
        for p in settlement.payments:
            # Never a sale without a paid attempt: the attempt ends with this very sale.
            if p.out_trade_no and not attempts_db.claim_for_sale(
                conn, p.out_trade_no, p.amount_fen, entry["seq"], at
            ):
                raise Refused(
                    "The {method} payment {number} is not a paid mobile payment of {amount} "
                    "waiting for this sale: nothing was recorded.",
                    method=p.method,
                    number=p.out_trade_no,
                    amount=format_fen(p.amount_fen),
                )
        if print_receipt:
            cash = any(p["method"] == "cash" for p in body["payments"])
            kick = cash and ctx.settings.printer_drawer_on_cash
            print_jobs.add(conn, "receipt", entry["seq"], kick, at)
    return entry


def discount_needs_manager(ctx: Context, line: CartLine, discount_fen: int) -> bool:
    """True when ``discount_fen`` off ``line`` is more than a cashier may give alone."""
    return discount_fen * 100 > ctx.settings.discount_limit_pct * line.gross_fen


def discount_line(
    ctx: Context,
    cart: Cart,
    index: int,
    discount_fen: int,
    cashier: User,
    manager: User | None = None,
) -> CartLine:
    """Take ``discount_fen`` off a cart line; over the booth's limit a manager approves."""
    line = cart.live_line(index)
    by = cashier.name
    if cashier.role != "manager" and discount_needs_manager(ctx, line, discount_fen):
        if manager is None:
            raise NeedsManager(
                "A discount of more than {limit}% needs a manager's approval.",
                limit=ctx.settings.discount_limit_pct,
            )
        require_manager(manager)
        by = manager.name
    return cart.set_discount(index, discount_fen, by)


def override_price(
    cart: Cart,
    index: int,
    price_fen: int,
    reason: str,
    cashier: User,
    manager: User | None = None,
) -> CartLine:
    """Charge another price for a cart line: always a manager's decision."""
    approved_by = approver(cashier, manager)
    if approved_by is None:
        raise NeedsManager("A price change needs a manager's approval.")
    return cart.override_price(index, price_fen, approved_by.name, reason)
