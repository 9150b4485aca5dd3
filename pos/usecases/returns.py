"""Returns: what a sale has left to refund, refunds of some or all of its lines, and the
post-void of a mistaken sale; each with a manager's approval and its slip queued."""

from __future__ import annotations

import secrets
import uuid

from pos import refunds
from pos.errors import Refused
from pos.money import format_fen
from pos.store import journal as journal_db
from pos.store import mobile_refunds as mobile_refunds_db
from pos.store import print_jobs, sync_state
from pos.store import refunds as refunds_db
from pos.store.users import User
from pos.usecases.context import Context
from pos.usecases.people import NeedsManager, approver
from pos.usecases.receipts import sale_entry
from pos.usecases.shifts import require_shift
from sync.protocol import payments as contract


def refundable(ctx: Context, sale_seq: int) -> tuple[dict, dict[int, tuple[int, int]]]:
    """The sale at ``sale_seq`` and, per line number, what may still be refunded."""
    sale = sale_entry(ctx, sale_seq)
    with ctx.store.read() as conn:
        returned = refunds_db.returned(conn, sale_seq)
    return sale, refunds.left_to_return(sale["body"], returned)


def refund(
    ctx: Context,
    sale_seq: int,
    items: dict[int, int | None] | None,
    reason: str,
    cashier: User,
    manager: User | None = None,
    method: str | None = None,
    print_receipt: bool = False,
) -> dict:
    """Give back lines of a paid sale (``items``: line number -> pieces; None: all).

    The money goes back in ``method`` (default: the tender the customer paid with, cash
    for a split sale), never more than that tender took; cash given back is rounded to the
    jiao as the booth rounds cash (pos.refunds.rounding_fen), and a cash refund of all that
    is left gives back exactly what was paid. Goods go back into stock. With
    ``print_receipt`` the refund slip is queued in the same transaction (a cash refund
    opens the drawer with it, as a cash sale does).
    """
    approved_by = approver(cashier, manager)
    if approved_by is None:
        raise NeedsManager("A refund needs a manager's approval.")
    if not reason.strip():
        raise Refused("Say why the goods are refunded, e.g. 'spoiled'.")
    sale = sale_entry(ctx, sale_seq)
    with ctx.store.write() as conn:
        current = require_shift(conn)
        returned = refunds_db.returned(conn, sale_seq)
        if items is None:
            items = dict.fromkeys(refunds.left_to_return(sale["body"], returned))
            if not items:
                raise Refused("Sale {receipt} was already refunded in full.", receipt=ctx.receipt_no(sale_seq))  # fmt: skip
        lines = refunds.refund_lines(sale["body"], returned, items)
        total = sum(line["amount_fen"] for line in lines)
        method = method or refunds.default_method(sale["body"])
        earlier = refunds_db.entries_for_sale(conn, sale_seq)
        rounding = refunds.rounding_fen(
            sale["body"],
            total,
            sum(e["body"].get("rounding_fen", 0) for e in earlier),
            refunds.takes_all_left(sale["body"], returned, lines),
            method,
            ctx.settings.cash_rounding,
        )
        _check_refund_tender(ctx, conn, sale, method, total + rounding, current)
        payments = _money_back(ctx, conn, sale, {method: total + rounding})
        entry = _write_refund(ctx, conn, "refund", sale, lines, payments, reason, cashier, approved_by, rounding)  # fmt: skip
        _queue_slip(ctx, conn, entry, print_receipt)
        return entry


def post_void(
    ctx: Context,
    sale_seq: int,
    reason: str,
    cashier: User,
    manager: User | None = None,
    print_receipt: bool = False,
) -> dict:
    """Reverse a whole sale of the open shift, tender by tender (a mistaken sale)."""
    approved_by = approver(cashier, manager)
    if approved_by is None:
        raise NeedsManager("Voiding a paid sale needs a manager's approval.")
    if not reason.strip():
        raise Refused("Say why the sale is voided, e.g. 'rung up twice'.")
    sale = sale_entry(ctx, sale_seq)
    with ctx.store.write() as conn:
        current = require_shift(conn)
        if sale_seq < current.opened_seq:
            raise Refused(
                "Sale {receipt} was made before this shift: refund it instead of voiding it.",
                receipt=ctx.receipt_no(sale_seq),
            )
        if refunds_db.returned(conn, sale_seq):
            raise Refused(
                "Sale {receipt} was already refunded in part: refund the rest instead.",
                receipt=ctx.receipt_no(sale_seq),
            )
        lines = refunds.refund_lines(sale["body"], {}, dict.fromkeys(range(1, len(sale["body"]["lines"]) + 1)))  # fmt: skip
        kept = refunds.kept_by_tender(sale["body"])
        payments = _money_back(ctx, conn, sale, kept)
        # Tender by tender gives back what the drawer took: the sale's cash rounding too.
        rounding = sale["body"].get("rounding_fen", 0)
        entry = _write_refund(ctx, conn, "post_void", sale, lines, payments, reason, cashier, approved_by, rounding)  # fmt: skip
        _queue_slip(ctx, conn, entry, print_receipt)
        return entry


def _money_back(ctx: Context, conn, sale: dict, by_method: dict[str, int]) -> list[dict]:
    """The refund's payments: WeChat Pay and Alipay money taken through HQ goes back the way
    it came ("to be returned": the sale's out_trade_no and a new out_refund_no, carried out
    by HQ when the entry arrives, so offline too); everything else is handed back here."""
    numbers = [p["out_trade_no"] for p in sale["body"]["payments"] if p.get("out_trade_no")]
    refunded = mobile_refunds_db.refunded_by_trade(conn, numbers)
    payments = []
    for method, fen in by_method.items():
        if method not in contract.METHODS:
            payments.append({"method": method, "amount_fen": fen})
            continue
        for number, share in refunds.gateway_shares(sale["body"], method, fen, refunded):
            pay = {"method": method, "amount_fen": share}
            if number:
                pay["out_trade_no"] = number
                pay["out_refund_no"] = new_out_refund_no(ctx)
            payments.append(pay)
    return payments


def new_out_refund_no(ctx: Context) -> str:
    """The provider's refund number, made offline: the terminal's payment prefix, then "R",
    the UTC second and 8 random hex digits (sync.protocol.payments.make_out_refund_no)."""
    unique = f"R{ctx.clock().strftime('%y%m%d%H%M%S')}_{secrets.token_hex(4)}"
    return contract.make_out_refund_no(ctx.terminal_id, unique)


def mobile_refunds(ctx: Context, limit: int = 100) -> list[dict]:
    """Money owed back through WeChat Pay / Alipay, newest first, with HQ's last word."""
    with ctx.store.read() as conn:
        return mobile_refunds_db.listed(conn, limit)


def record_refund_outcomes(ctx: Context, outcomes: list[dict], cursor_key: str, cursor: str) -> int:  # fmt: skip
    """Keep HQ's word on mobile refunds (a page of its refunds feed) and where the feed was
    read to, in one transaction; returns how many of this terminal's refunds it updated.
    An outcome that is not well formed or names no refund made here is skipped."""
    recorded = 0
    with ctx.store.write() as conn:
        for outcome in outcomes:
            if not isinstance(outcome, dict):
                continue
            number, state = outcome.get("out_refund_no"), outcome.get("state")
            if not isinstance(number, str) or state not in contract.REFUND_STATES:
                continue
            message = str(outcome.get("message") or "")[:500]
            detail = str(outcome.get("detail") or "")[:500]
            recorded += mobile_refunds_db.record_outcome(conn, number, state, message, detail, ctx.now())  # fmt: skip
        sync_state.put(conn, cursor_key, cursor)
    return recorded


def _queue_slip(ctx: Context, conn, entry: dict, print_receipt: bool) -> None:
    if print_receipt:
        cash = any(p["method"] == "cash" for p in entry["body"]["payments"])
        kick = cash and ctx.settings.printer_drawer_on_cash
        print_jobs.add(conn, "receipt", entry["seq"], kick, entry["at"])


def _check_refund_tender(ctx: Context, conn, sale: dict, method: str, total: int, current) -> None:  # fmt: skip
    kept = refunds.kept_by_tender(sale["body"])
    if method == "cash":
        if total > current.expected_cash_fen:
            raise Refused(
                "The drawer should hold only {expected}: {amount} cannot be refunded in cash.",
                expected=format_fen(current.expected_cash_fen),
                amount=format_fen(total),
            )
        return
    if method not in kept:
        raise Refused(
            "Sale {receipt} was not paid by {method}: refund it in cash or by {methods}.",
            receipt=ctx.receipt_no(sale["seq"]),
            method=method,
            methods=", ".join(kept) or "cash",
        )
    already = sum(
        p["amount_fen"]
        for entry in refunds_db.entries_for_sale(conn, sale["seq"])
        for p in entry["body"]["payments"]
        if p["method"] == method
    )
    if total > kept[method] - already:
        raise Refused(
            "Only {left} of sale {receipt} was paid by {method} and not yet refunded.",
            left=format_fen(kept[method] - already),
            receipt=ctx.receipt_no(sale["seq"]),
            method=method,
        )


def _write_refund(ctx: Context, conn, kind, sale, lines, payments, reason, cashier, approved_by, rounding: int = 0) -> dict:  # fmt: skip
    body = {
        "refund_id": str(uuid.uuid4()),
        "kind": kind,
        "sale_seq": sale["seq"],
        "sale_id": sale["body"]["sale_id"],
        "cashier": cashier.name,
        "approved_by": approved_by.name,
        "reason": reason.strip(),
        "lines": lines,
        "total_fen": sum(line["amount_fen"] for line in lines),
        "payments": payments,
    }
    if rounding:  # 抹零: the cash given back was rounded to the jiao, as the sale's was
        body["rounding_fen"] = rounding
    entry = journal_db.append(conn, ctx.terminal_id, "refund", body, ctx.now())
    refunds_db.insert_refund(conn, entry)
    return entry
