"""booth-pos payments list|settle, and the mobile payment of `booth-pos sale --code`."""

from __future__ import annotations

from pos.cart import Cart, Payment
from pos.config import resolve_home
from pos.errors import Refused
from pos.money import format_fen
from pos.terminal import Terminal
from pos.usecases import mobile_pay
from sync.cli_support import add_command, add_group, emit


def gateway(terminal: Terminal):
    """HQ's payments API through the sync client; None when the terminal is not enrolled."""
    from sync.client import SyncClient

    client = SyncClient(terminal)
    return client if client.enrolled else None


def settle_first(terminal: Terminal) -> mobile_pay.Settled | None:
    """Open attempts of an earlier run are settled before a new sale takes a mobile code."""
    if not terminal.unsettled_payments():
        return None
    hq = gateway(terminal)
    if hq is None:
        return None
    return terminal.settle_payments(hq)


def take_mobile(terminal: Terminal, cart: Cart, code: str, due_fen: int, cashier) -> Payment:
    """`sale --code`: collect what is still due with the customer's code through HQ; offline,
    refused, or recorded as a reference under payments.reference_only."""
    hq = gateway(terminal)
    try:
        if hq is None:
            raise mobile_pay.offline_refusal()
        settle_first(terminal)
        return mobile_pay.collect(terminal, hq, cart, code, due_fen, cashier)
    except (mobile_pay.HqUnreachable, Refused) as exc:
        offline = isinstance(exc, mobile_pay.HqUnreachable) or exc.template == (
            mobile_pay.offline_refusal().template
        )
        if offline and terminal.settings.payments_reference_only:
            method = mobile_pay.method_for_code(terminal, code)
            return Payment(method, due_fen, code.strip())  # recorded as before, not collected
        raise


def _attempt_dict(a: mobile_pay.Attempt) -> dict:
    return {
        "out_trade_no": a.out_trade_no,
        "method": a.method,
        "amount_fen": a.amount_fen,
        "code": a.code_masked,
        "state": a.state,
        "transaction_id": a.transaction_id,
        "settled": a.settled,
        "sale_seq": a.extra.get("sale_seq"),
        "held_id": a.extra.get("held_id"),
        "created_at": a.extra.get("created_at"),
    }


def cmd_payments_list(args) -> int:
    terminal = args.terminal_opened = Terminal.open(resolve_home(args.home))
    rows = [_attempt_dict(a) for a in terminal.payment_attempts(args.limit)]
    text = "\n".join(
        f"{r['created_at']}  {r['out_trade_no']}  {r['method']} {format_fen(r['amount_fen'])}  "
        f"{r['state']}  {r['settled'] or 'open'}"
        for r in rows
    )
    emit(args, rows, text or "No mobile payments on this terminal.")
    return 0


def cmd_payments_settle(args) -> int:
    terminal = args.terminal_opened = Terminal.open(resolve_home(args.home))
    hq = gateway(terminal)
    if hq is None:
        if terminal.unsettled_payments():
            raise mobile_pay.offline_refusal()
        emit(args, mobile_pay.Settled().as_dict(), "No open mobile payments.")
        return 0
    done = terminal.settle_payments(hq)
    text = (
        f"Settled with HQ: {len(done.restored)} paid sale(s) back as held sales, "
        f"{done.cancelled} cancelled, {done.failed} failed, {done.not_sent} never reached HQ, "
        f"{done.still_open} still open."
    )
    emit(args, done.as_dict(), text)
    return 0


def add_payments_commands(sub) -> None:
    group = add_group(
        sub,
        "payments",
        "Mobile payments collected through HQ: list them, settle open ones.",
        "booth-pos payments settle --json",
    )
    p = add_command(group, "list", "List mobile payment attempts, newest first.",
                    "booth-pos payments list --limit 20 --json", cmd_payments_list)  # fmt: skip
    p.add_argument("--limit", type=int, default=100, metavar="N", help="at most N attempts")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add_command(group, "settle",
                    "Ask HQ about open mobile payments: paid ones come back as held sales, "
                    "the rest are cancelled.",
                    "booth-pos payments settle --json", cmd_payments_settle)  # fmt: skip
    p.add_argument("--json", action="store_true", help="print JSON")
