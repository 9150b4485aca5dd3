"""Mobile payments collected through HQ (WeChat Pay / Alipay payment codes): the attempt
written before HQ is asked, HQ's answers recorded, and open attempts settled after a crash.

Network calls go through a ``gateway`` (sync.client.SyncClient's ``create_payment``,
``query_payment`` and ``cancel_payment``), which raises :class:`HqUnreachable` when HQ does
not answer; the functions that call it write nothing, so the window can run them off the
UI thread and record what they return on it.
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from dataclasses import dataclass, field

from pos.cart import Cart, Payment
from pos.errors import BoothError, Refused
from pos.money import format_fen
from pos.store import held as held_db
from pos.store import payment_attempts as attempts_db
from pos.store.users import User
from pos.usecases.context import Context
from sync.protocol import payments as contract
from sync.protocol.barcodes import classify

#: A scanned code's kind (sync.protocol.barcodes) -> the tender method it pays with.
METHOD_FOR_KIND = {"wechat_pay": "wechat", "alipay": "alipay"}
MOBILE_METHODS = tuple(METHOD_FOR_KIND.values())
#: How long the customer has to confirm before the till cancels: the gateway's own limit
#: (WeChat 45 s, Alipay about 3 minutes), as the contract states it.
WAIT_LIMIT_S = dict(contract.WAIT_LIMIT_S)
#: "created": written here, HQ has not answered yet; the others are HQ's open states.
OPEN_STATES = ("created", *sorted(contract.OPEN_STATES))


class HqUnreachable(BoothError):
    """HQ did not answer a payment call (no network, HQ down or busy)."""


class PaymentRefused(Refused):
    """HQ refused the payment request itself (bad amount, code, number): nothing was charged."""


class UnknownAtHq(BoothError):
    """HQ has no payment with this number: the request never reached it."""


def offline_refusal() -> Refused:
    return Refused(
        "HQ cannot be reached, so mobile payments cannot be collected now: take cash or a "
        "card, or try again when the network is back."
    )


def method_for_code(ctx: Context, code: str) -> str:
    """The tender method of a customer's payment code; refused if it is not one."""
    scan = classify(code, ctx.settings.barcode)
    if not (scan.is_payment and scan.valid):
        raise Refused(
            "{code} is not a WeChat Pay or Alipay payment code: ask the customer to show it again.",  # noqa: E501
            code=mask(code),
        )
    return METHOD_FOR_KIND[scan.kind]


def mask(code: str) -> str:
    """A payment code as kept and shown, as HQ keeps it: only its last 4 digits."""
    return contract.mask_auth_code(code.strip())


def new_out_trade_no(ctx: Context) -> str:
    """HQ's rule (sync.protocol.payments): the terminal's payment prefix, '-', then the UTC
    second and 6 random hex digits; unique on this terminal, at most 32 characters."""
    unique = f"{ctx.clock().strftime('%y%m%d%H%M%S')}_{secrets.token_hex(3)}"
    return contract.make_out_trade_no(ctx.terminal_id, unique)


def description(ctx: Context) -> str:
    return f"{ctx.booth_name} {ctx.terminal_id}"[:64]


@dataclass
class Attempt:
    """One mobile payment attempt as the till keeps it."""

    out_trade_no: str
    sale_key: str
    method: str
    amount_fen: int
    code_masked: str
    state: str
    transaction_id: str = ""
    message: str = ""
    cashier: str = ""
    settled: str | None = None
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: dict) -> Attempt:
        names = ("out_trade_no", "sale_key", "method", "amount_fen", "code_masked", "state",
                 "transaction_id", "message", "cashier", "settled")  # fmt: skip
        return cls(**{k: row[k] for k in names}, extra={k: row[k] for k in row if k not in names})

    def as_payment(self) -> Payment:
        return Payment(
            self.method,
            self.amount_fen,
            self.code_masked,
            out_trade_no=self.out_trade_no,
            transaction_id=self.transaction_id,
            subsidy_fen=self.extra.get("subsidy_fen") or 0,
            vouchers=tuple(json.loads(self.extra.get("vouchers") or "[]")),
        )


def blocking(ctx: Context, sale_key: str) -> list[Attempt]:
    """Open attempts that stop a new mobile payment: any not paid yet (waiting for HQ's last
    word or a cancel), and paid ones that belong to no cart (neither this one nor a held one)."""
    with ctx.store.read() as conn:
        rows = attempts_db.unsettled_all(conn)
        held = {h["id"] for h in held_db.listed(conn)}
    return [
        Attempt.from_row(r)
        for r in rows
        if not (r["state"] == "paid" and (r["sale_key"] == sale_key or r["held_id"] in held))
    ]


def begin(
    ctx: Context,
    cart: Cart,
    code: str,
    amount_fen: int,
    cashier: User,
    collected: list[Payment] = (),
) -> Attempt:
    """Write the attempt (and the cart it pays for) before HQ is called."""
    method = method_for_code(ctx, code)
    if amount_fen <= 0:
        raise Refused("Nothing is left to pay: press Finish.")
    if amount_fen > cart.total_fen:
        raise Refused(
            "A mobile payment can be at most what is due ({due}).", due=format_fen(cart.total_fen)
        )
    open_ones = blocking(ctx, cart.key)
    if open_ones:
        raise Refused(
            "{count} earlier mobile payment(s) are still being settled with HQ: mobile payments "
            "resume once HQ has answered for them. Take cash or a card meanwhile.",
            count=len(open_ones),
        )
    snapshot = Cart(cart.lines, list(collected), cart.key)
    attempt = {
        "out_trade_no": new_out_trade_no(ctx),
        "sale_key": cart.key,
        "method": method,
        "amount_fen": amount_fen,
        "code_masked": mask(code),
        "state": "created",
        "cashier": cashier.name,
        "cart": json.dumps(snapshot.as_held(), ensure_ascii=False),
        "created_at": ctx.now(),
    }
    with ctx.store.write() as conn:
        attempts_db.insert(conn, attempt)
        row = attempts_db.get(conn, attempt["out_trade_no"])
    return Attempt.from_row(row)


def record(ctx: Context, out_trade_no: str, answer: dict) -> Attempt:
    """Keep HQ's answer; a failed or cancelled payment ends the attempt."""
    state = answer.get("state", "unknown")
    if contract.reason_of(str(answer.get("message") or "")) == "never_received":
        state = "not_sent"  # cancelled before HQ received it: HQ keeps it so it stays dead
    with ctx.store.write() as conn:
        if state == "not_sent":
            attempts_db.settle(conn, out_trade_no, "not_sent", ctx.now())
        else:
            attempts_db.record_answer(
                conn,
                out_trade_no,
                state,
                str(answer.get("transaction_id") or ""),
                str(answer.get("message") or "")[:500],
                ctx.now(),
                _money(answer) if state == "paid" else (None, 0, "[]"),
            )
            if state in ("failed", "cancelled"):
                attempts_db.settle(conn, out_trade_no, state, ctx.now())
        row = attempts_db.get(conn, out_trade_no)
    return Attempt.from_row(row)


def vouchers_of(answer: dict) -> list[dict]:
    """The vouchers (消费券) of HQ's paid answer in the journal's shape; an answer whose
    vouchers do not hold together (sync.protocol.payments) is kept without them, so a sale
    is never refused for what HQ said about a voucher."""
    vouchers = answer.get("vouchers") or []
    amount = answer.get("amount_fen")
    if not isinstance(amount, int) or contract.subsidy_problem(
        amount, answer.get("subsidy_fen", 0), vouchers
    ):
        return []
    return [{k: v[k] for k in contract.VOUCHER_FIELDS} for v in vouchers]


def _money(answer: dict) -> tuple[int | None, int, str]:
    """(customer_paid_fen, subsidy_fen, vouchers as JSON) of a paid answer."""
    vouchers = vouchers_of(answer)
    subsidy = sum(v["amount_fen"] for v in vouchers)
    paid = answer.get("customer_paid_fen")
    paid = paid if isinstance(paid, int) and not isinstance(paid, bool) else None
    return paid, subsidy, json.dumps(vouchers, ensure_ascii=False)


def attempts(ctx: Context, limit: int = 100) -> list[Attempt]:
    with ctx.store.read() as conn:
        return [Attempt.from_row(r) for r in attempts_db.listed(conn, limit)]


def unsettled(ctx: Context) -> list[Attempt]:
    """Open attempts no cart holds: what start-up settles with HQ."""
    with ctx.store.read() as conn:
        return [Attempt.from_row(r) for r in attempts_db.unsettled(conn)]


# --- talking to HQ (no writes: safe on any thread) ------------------------------------------


def final_word(gateway, attempt: Attempt) -> dict:
    """HQ's answer for an attempt nobody waits on any more: paid stays paid; anything not
    final is cancelled (which also gives back money a late confirmation took)."""
    try:
        answer = gateway.query_payment(attempt.out_trade_no)
    except UnknownAtHq:
        answer = {"state": "unknown"}
    if answer.get("state") in OPEN_STATES:
        try:
            answer = gateway.cancel_payment(attempt.out_trade_no)
        except UnknownAtHq:
            return {"state": "not_sent"}
    return answer


def ask_hq(gateway, open_ones: list[Attempt]) -> tuple[list[tuple[Attempt, dict]], bool]:
    """HQ's final word on each open attempt, in order; stops at the first one HQ does not
    answer. Returns the answers and whether HQ was reached for all of them."""
    answers = []
    for attempt in open_ones:
        try:
            answers.append((attempt, final_word(gateway, attempt)))
        except HqUnreachable:
            return answers, False
    return answers, True


@dataclass
class Settled:
    """What a settling pass did, for the status bar and `booth-pos payments settle`."""

    restored: list[dict] = field(default_factory=list)  # held sales brought back, paid
    cancelled: int = 0
    failed: int = 0
    not_sent: int = 0
    still_open: int = 0

    def as_dict(self) -> dict:
        return {
            "restored": self.restored,
            "cancelled": self.cancelled,
            "failed": self.failed,
            "not_sent": self.not_sent,
            "still_open": self.still_open,
        }


def apply_answers(ctx: Context, answers: list[tuple[Attempt, dict]]) -> Settled:
    """Record HQ's final words; the cart of each paid attempt comes back as a held sale with
    the payment on it, to complete or to refund."""
    done = Settled()
    paid_keys: list[str] = []
    for attempt, answer in answers:
        after = record(ctx, attempt.out_trade_no, answer)
        if after.settled in ("cancelled", "failed", "not_sent"):
            setattr(done, after.settled, getattr(done, after.settled) + 1)
        elif after.state == "paid":
            if after.sale_key not in paid_keys:
                paid_keys.append(after.sale_key)
        else:
            done.still_open += 1
    for key in paid_keys:
        done.restored.append(_bring_back(ctx, key))
    return done


def _bring_back(ctx: Context, sale_key: str) -> dict:
    with ctx.store.write() as conn:
        paid = [Attempt.from_row(r) for r in attempts_db.paid_open_for(conn, sale_key)]
        latest = max(paid, key=lambda a: a.extra["created_at"])
        cart = Cart.from_held(json.loads(latest.extra["cart"]))
        cart.collected = [a.as_payment() for a in paid]
        held = {
            "id": str(uuid.uuid4()),
            "held_at": ctx.now(),
            "cashier": latest.cashier,
            "lines": len(cart.live_lines),
            "total_fen": cart.total_fen,
        }
        held_db.insert(conn, held, json.dumps(cart.as_held(), ensure_ascii=False))
        attempts_db.mark_held(conn, [a.out_trade_no for a in paid], held["id"])
    return {**held, "collected_fen": sum(a.amount_fen for a in paid)}


def settle_open(ctx: Context, gateway) -> Settled:
    """Settle every open attempt with HQ now (the command line and start-up): raises
    HqUnreachable, after recording what HQ did answer, when it stops answering."""
    answers, reached = ask_hq(gateway, unsettled(ctx))
    done = apply_answers(ctx, answers)
    if not reached:
        raise HqUnreachable(
            "HQ cannot be reached to settle {count} earlier mobile payment(s): mobile payments "
            "stay stopped until it answers.",
            count=len(unsettled(ctx)),
        )
    return done


# --- one payment from start to end, on one thread (the command line) -------------------------


def collect(
    ctx: Context,
    gateway,
    cart: Cart,
    code: str,
    amount_fen: int,
    cashier: User,
    collected: list[Payment] = (),
    wait=time.sleep,
) -> Payment:
    """Collect ``amount_fen`` with a customer's payment code: write the attempt, ask HQ,
    poll while the customer confirms, cancel at the limit. The paid tender, else raises."""
    attempt = begin(ctx, cart, code, amount_fen, cashier, list(collected))
    number = attempt.out_trade_no
    try:
        answer = gateway.create_payment(
            number, attempt.method, code.strip(), amount_fen, description(ctx)
        )
    except HqUnreachable:
        raise offline_refusal() from None  # left open: settling cancels it once HQ answers
    except PaymentRefused as exc:
        record(ctx, number, {"state": "failed", "message": str(exc)})
        raise
    attempt = record(ctx, number, answer)
    deadline = time.monotonic() + WAIT_LIMIT_S[attempt.method]
    while attempt.state in OPEN_STATES:
        if time.monotonic() >= deadline:
            answer = gateway.cancel_payment(number)  # HqUnreachable: left open for settling
            attempt = record(ctx, number, answer)
            break
        wait(ctx.settings.payments_poll_ms / 1000)
        try:
            answer = gateway.query_payment(number)
        except HqUnreachable:
            continue  # keep asking until the limit
        attempt = record(ctx, number, answer)
    if attempt.state == "paid":
        return attempt.as_payment()
    if attempt.state == "cancelled":
        raise timed_out()
    raise failure(answer)


def not_set_up() -> PaymentRefused:
    """HQ's refusal when the booth (or HQ) has no merchant settings for the method."""
    return PaymentRefused(
        "Mobile payments are not set up for this booth at HQ: nothing was charged. Take "
        "another way to pay, and tell HQ."
    )


def cancelled_at_till() -> Refused:
    return Refused(
        "The payment was cancelled: nothing was charged, and money already taken goes back "
        "to the customer."
    )


def handed_over() -> Refused:
    return Refused(
        "HQ stopped answering: the payment will be cancelled as soon as HQ answers, and any "
        "money taken goes back to the customer. Take another way to pay."
    )


def timed_out() -> Refused:
    return Refused(
        "The customer did not confirm in time: the payment was cancelled and nothing was "
        "charged. Scan a fresh code to try again."
    )


# --- what the cashier reads when a payment fails ----------------------------------------------


def failure(answer: dict) -> Refused:
    """Why a payment failed, from HQ's fixed sentence (sync.protocol.payments.MESSAGES), as a
    sentence the window translates: nothing was charged, nothing recorded."""
    reason = contract.reason_of(str(answer.get("message") or ""))
    if reason == "insufficient_balance":
        return Refused(
            "The customer's balance is not enough: ask them to choose another card in their "
            "app, or to pay another way."
        )
    if reason == "code_used":
        return Refused(
            "This payment code was already used or has expired: ask the customer to refresh "
            "it, then scan it again."
        )
    if reason == "code_invalid":
        return Refused("The payment code is not valid: ask the customer to refresh it, then scan it again.")  # fmt: skip
    if reason == "declined":
        return Refused("The gateway declined the payment: ask the customer to pay another way.")
    if reason == "not_set_up":
        return not_set_up()
    if reason == "limit_reached":
        return timed_out()
    return Refused(
        "The payment did not go through ({reason}): nothing was charged. Ask the customer to "
        "try again or to pay another way.",
        reason=str(answer.get("message") or answer.get("state") or "?")[:80],
    )
