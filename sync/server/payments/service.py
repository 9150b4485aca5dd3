"""The terminal's payment calls as use cases: check, record, ask the gateway, record again.

The attempt is in HQ's database before the gateway is called (state ``unknown``), and every
answer is recorded as it comes, so a crash of HQ at any moment leaves a record that the
next question about it (a GET, a retried POST, a cancel, ``payments settle``) resolves
with the gateway. Bad input never reaches a gateway.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine

from sync.protocol import payments as contract
from sync.protocol.journal import parse_utc
from sync.server import clock
from sync.server.db import reading
from sync.server.errors import ApiError, conflict, forbidden, invalid
from sync.server.payments import attempts, booths
from sync.server.payments.attempts import Attempt
from sync.server.payments.config import PaymentsConfig, load_config
from sync.server.payments.gateway import Answer, Gateway, Order
from sync.server.registry import TerminalIdentity
from sync.server.settings import ServerSettings

log = logging.getLogger("booth_pos.server.payments")


@dataclass
class Payments:
    """HQ's gateways (one per method it is set up for) and its payment settings."""

    gateways: dict[str, Gateway]
    max_fen: int
    wait_s: dict[str, float]

    @classmethod
    def from_settings(cls, settings: ServerSettings) -> Payments | None:
        """None when no payments config is set; raises PaymentsConfigError when it is unusable."""
        if not settings.payments_config:
            return None
        return cls.from_config(load_config(settings.payments_config), settings)

    @classmethod
    def from_config(cls, config: PaymentsConfig, settings: ServerSettings) -> Payments:
        from sync.server.payments.alipay import AlipayGateway
        from sync.server.payments.wechat import WeChatGateway

        timeout = settings.payments_gateway_timeout_s
        gateways: dict[str, Gateway] = {}
        if config.wechat:
            gateways["wechat"] = WeChatGateway(config.wechat, timeout)
        if config.alipay:
            gateways["alipay"] = AlipayGateway(config.alipay, timeout)
        wait = {
            "wechat": settings.payments_wechat_wait_s,
            "alipay": settings.payments_alipay_wait_s,
        }
        return cls(gateways, settings.payments_max_fen, wait)


def answer_of(attempt: Attempt) -> dict:
    """What the terminal gets: the contract's five fields, and what vouchers covered."""
    return {
        "out_trade_no": attempt.out_trade_no,
        "state": attempt.state,
        "transaction_id": attempt.transaction_id,
        "amount_fen": attempt.amount_fen,
        "message": contract.MESSAGES.get(attempt.reason, contract.MESSAGES["unknown"]),
    } | attempts.subsidy_of(attempt)


def check_request(
    payments: Payments | None,
    caller: TerminalIdentity,
    out_trade_no,
    method,
    auth_code,
    amount_fen,
    description,
) -> None:
    """Refuse bad input with 422 (or 403 for another terminal's number) before anything."""
    if method not in contract.METHODS:
        raise invalid(f"method must be one of {', '.join(contract.METHODS)}, not {method!r}.")
    cap = payments.max_fen if payments else contract.DEFAULT_MAX_PAYMENT_FEN
    for problem in (
        contract.amount_problem(amount_fen, cap),
        contract.auth_code_problem(method, auth_code),
        contract.out_trade_no_problem(out_trade_no),
    ):
        if problem:
            raise invalid(problem + ".")
    if not isinstance(description, str) or len(description) > contract.MAX_DESCRIPTION:
        raise invalid(f"description is text of at most {contract.MAX_DESCRIPTION} characters.")
    _check_owner(caller, out_trade_no)


def _check_owner(caller: TerminalIdentity, out_trade_no: str) -> None:
    if not contract.belongs_to(caller.terminal_id, out_trade_no):
        raise forbidden(
            f"out_trade_no {out_trade_no!r} is not this terminal's: its numbers start with "
            f"{contract.terminal_prefix(caller.terminal_id)}-."
        )


def _gateway(payments: Payments | None, method: str) -> Gateway:
    if payments is None or method not in payments.gateways:
        raise ApiError(
            503,
            "HQ is not set up to collect this kind of mobile payment; nothing was charged. "
            "Take another way to pay and tell HQ.",
        )
    return payments.gateways[method]


def _order(engine: Engine, attempt: Attempt) -> Order:
    with reading(engine) as conn:
        key = booths.key_of(conn, attempt.booth_id, attempt.method)
    return Order(
        attempt.out_trade_no,
        attempt.method,
        attempt.amount_fen,
        attempt.description or "Booth sale",
        attempt.booth_id,
        key or "",
    )


def create(
    engine: Engine,
    payments: Payments | None,
    caller: TerminalIdentity,
    out_trade_no: str,
    method: str,
    auth_code: str,
    amount_fen: int,
    description: str,
) -> dict:
    """POST /payments: a new attempt, or the same one again (same number, same payment)."""
    check_request(payments, caller, out_trade_no, method, auth_code, amount_fen, description)
    existing = attempts.read(engine, out_trade_no)
    if existing is None:
        gateway = _gateway(payments, method)
        with reading(engine) as conn:
            key = booths.key_of(conn, caller.booth_id, method)
        if not key:
            raise forbidden(contract.MESSAGES["not_set_up"] + f" (booth {caller.booth_id})")
        created = attempts.create(
            engine, out_trade_no, caller.terminal_id, caller.booth_id, method, amount_fen,
            auth_code, description,
        )  # fmt: skip
        if created is not None:
            order = _order(engine, created)
            log.info(
                "payment %s: %s %d fen for %s", out_trade_no, method, amount_fen, caller.terminal_id
            )
            answer = gateway.pay(order, auth_code)
            attempt = attempts.record(engine, out_trade_no, "pay", answer)
            if answer.state == "unknown":  # no answer or a system error: ask at once
                attempt = _settle(engine, payments, attempt)
            return answer_of(attempt)
        existing = attempts.read(engine, out_trade_no)  # a retry raced this one in
    _same_payment(existing, caller, method, amount_fen, auth_code)
    return answer_of(_settle(engine, payments, existing))


def _same_payment(existing: Attempt, caller, method, amount_fen, auth_code) -> None:
    if existing.terminal_id != caller.terminal_id:
        raise forbidden(f"out_trade_no {existing.out_trade_no!r} is another terminal's.")
    differs = [
        what
        for what, same in (
            ("method", existing.method == method),
            ("amount_fen", existing.amount_fen == amount_fen),
            ("auth_code", existing.auth_code_hash == attempts.code_hash(existing.out_trade_no, auth_code)),
        )
        if not same
    ]  # fmt: skip
    if differs:
        raise conflict(
            f"out_trade_no {existing.out_trade_no!r} is already a payment with another "
            f"{' and '.join(differs)}; a new payment needs a new out_trade_no.",
            reason="out_trade_no_used",
        )


def get(engine: Engine, payments: Payments | None, caller: TerminalIdentity, out_trade_no: str) -> dict:  # fmt: skip
    """GET /payments/{no}: the state, after asking the gateway when it is still open."""
    return answer_of(_settle(engine, payments, _mine(engine, caller, out_trade_no)))


def cancel(engine: Engine, payments: Payments | None, caller: TerminalIdentity, out_trade_no: str) -> dict:  # fmt: skip
    """POST /payments/{no}/cancel: revoke (idempotent); a paid payment is refunded."""
    attempt = _mine(engine, caller, out_trade_no)
    if attempt.state in ("failed", "cancelled"):
        return answer_of(attempt)
    return answer_of(_revoke(engine, payments, attempt, "cancelled"))


def _mine(engine: Engine, caller: TerminalIdentity, out_trade_no: str) -> Attempt:
    problem = contract.out_trade_no_problem(out_trade_no)
    if problem:
        raise invalid(problem + ".")
    _check_owner(caller, out_trade_no)
    attempt = attempts.read(engine, out_trade_no)
    if attempt is None:
        raise ApiError(404, f"HQ has no payment {out_trade_no!r}: nothing was charged for it.")
    return attempt


def _settle(engine: Engine, payments: Payments | None, attempt: Attempt) -> Attempt:
    """Ask the gateway about an open attempt; revoke it past the method's limit, or when
    the gateway never received it (so a late arrival cannot charge the customer)."""
    if attempt.state not in contract.OPEN_STATES or payments is None:
        return attempt
    gateway = payments.gateways.get(attempt.method)
    if gateway is None:
        return attempt
    answer = gateway.query(_order(engine, attempt))
    attempt = attempts.record(engine, attempt.out_trade_no, "query", answer)
    if attempt.state not in contract.OPEN_STATES:
        return attempt
    if answer.absent:
        return _revoke(engine, payments, attempt, "cancelled")
    waited = clock.now() - parse_utc(attempt.created_at)
    if waited > timedelta(seconds=payments.wait_s[attempt.method]):
        return _revoke(engine, payments, attempt, "limit_reached")
    return attempt


def _revoke(engine: Engine, payments: Payments | None, attempt: Attempt, reason: str) -> Attempt:
    gateway = _gateway(payments, attempt.method)
    answer = gateway.cancel(_order(engine, attempt))
    if answer.state == "cancelled":
        answer = Answer("cancelled", reason, answer.code, answer.detail, raw=answer.raw)
    log.info("payment %s revoke: %s", attempt.out_trade_no, answer.state)
    return attempts.record(engine, attempt.out_trade_no, "cancel", answer)


def settle_all(engine: Engine, payments: Payments) -> list[dict]:
    """Resolve every open attempt with the gateway (``booth-pos-server payments settle``)."""
    return [answer_of(_settle(engine, payments, a)) for a in attempts.open_attempts(engine)]
