"""HQ's record of payment attempts and of every gateway answer (payment_attempts,
payment_events): one short transaction per change, never held open across a gateway call."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from sync.protocol.payments import FINAL_STATES, mask_auth_code
from sync.server import clock
from sync.server.db import reading
from sync.server.payments.gateway import Answer
from sync.server.tables import payment_attempts, payment_events


@dataclass(frozen=True)
class Attempt:
    out_trade_no: str
    terminal_id: str
    booth_id: str
    method: str
    amount_fen: int
    auth_code: str  # masked
    auth_code_hash: str
    description: str
    state: str
    reason: str
    transaction_id: str | None
    created_at: str
    updated_at: str
    customer_paid_fen: int | None = None
    subsidy_fen: int = 0
    vouchers: str = "[]"


def subsidy_of(attempt: Attempt) -> dict:
    """customer_paid_fen, subsidy_fen and vouchers of an attempt, as a payment answer says
    them: a payment without vouchers was paid in full by the customer (once paid)."""
    try:
        vouchers = json.loads(attempt.vouchers or "[]")
    except ValueError:
        vouchers = []
    paid = attempt.customer_paid_fen
    if paid is None and attempt.state == "paid":
        paid = attempt.amount_fen - (attempt.subsidy_fen or 0)
    return {
        "customer_paid_fen": paid,
        "subsidy_fen": int(attempt.subsidy_fen or 0),
        "vouchers": vouchers if isinstance(vouchers, list) else [],
    }


def code_hash(out_trade_no: str, auth_code: str) -> str:
    return hashlib.sha256(f"{out_trade_no}:{auth_code}".encode()).hexdigest()


def get(conn: Connection, out_trade_no: str) -> Attempt | None:
    row = conn.execute(
        select(*[payment_attempts.c[f] for f in Attempt.__dataclass_fields__]).where(
            payment_attempts.c.out_trade_no == out_trade_no
        )
    ).first()
    return Attempt(**row._mapping) if row else None


def read(engine: Engine, out_trade_no: str) -> Attempt | None:
    with reading(engine) as conn:
        return get(conn, out_trade_no)


def create(
    engine: Engine,
    out_trade_no: str,
    terminal_id: str,
    booth_id: str,
    method: str,
    amount_fen: int,
    auth_code: str,
    description: str,
) -> Attempt | None:
    """Record a new attempt (state ``unknown``: the gateway has not been asked yet) before
    the call; None when the number exists already (a retry, or a race with one)."""
    now = clock.stamp()
    try:
        with engine.begin() as conn:
            if get(conn, out_trade_no) is not None:
                return None
            conn.execute(
                insert(payment_attempts).values(
                    out_trade_no=out_trade_no,
                    terminal_id=terminal_id,
                    booth_id=booth_id,
                    method=method,
                    amount_fen=amount_fen,
                    auth_code=mask_auth_code(auth_code),
                    auth_code_hash=code_hash(out_trade_no, auth_code),
                    description=description,
                    state="unknown",
                    reason="unknown",
                    created_at=now,
                    updated_at=now,
                )
            )
            _event(conn, out_trade_no, "create", "unknown", "", "", {})
            return get(conn, out_trade_no)
    except IntegrityError:
        return None


def record(engine: Engine, out_trade_no: str, action: str, answer: Answer) -> Attempt:
    """Append the gateway's answer and move the attempt's state on.

    A final state stays final, with one exception: a successful revoke (``cancel``) of a
    paid attempt, which gave the money back. An answer that arrives after another request
    settled the attempt is kept as an event and changes nothing.
    """
    with engine.begin() as conn:
        current = conn.execute(
            select(payment_attempts.c.state, payment_attempts.c.transaction_id)
            .where(payment_attempts.c.out_trade_no == out_trade_no)
            .with_for_update()
        ).one()
        state, reason = current.state, None
        if current.state not in FINAL_STATES or (
            action == "cancel" and answer.state == "cancelled" and current.state == "paid"
        ):
            state, reason = answer.state, answer.reason
        elif current.state not in ("failed", "cancelled") and action == "cancel":
            reason = answer.reason  # a paid attempt whose revoke did not go through yet
        values = {"state": state, "updated_at": clock.stamp()}
        if reason:
            values["reason"] = reason
        if answer.transaction_id and not current.transaction_id:
            values["transaction_id"] = answer.transaction_id
        if state == "paid" and answer.state == "paid":
            values |= _subsidy_values(answer)
        conn.execute(
            update(payment_attempts)
            .where(payment_attempts.c.out_trade_no == out_trade_no)
            .values(**values)
        )
        _event(conn, out_trade_no, action, state, answer.code, answer.detail, answer.raw)
        return get(conn, out_trade_no)


def _subsidy_values(answer: Answer) -> dict:
    """What the customer paid and the vouchers, from a paid answer (when it says)."""
    vouchers = [dict(v) for v in answer.vouchers]
    if answer.customer_paid_fen is None and not vouchers:
        return {}
    subsidy = sum(v["amount_fen"] for v in vouchers)
    return {
        "customer_paid_fen": answer.customer_paid_fen,
        "subsidy_fen": subsidy,
        "vouchers": json.dumps(vouchers, ensure_ascii=False, sort_keys=True),
    }


def events(engine: Engine, out_trade_no: str) -> list[dict]:
    with reading(engine) as conn:
        rows = conn.execute(
            select(payment_events)
            .where(payment_events.c.out_trade_no == out_trade_no)
            .order_by(payment_events.c.id)
        )
        return [dict(row._mapping) for row in rows]


def open_attempts(engine: Engine) -> list[Attempt]:
    """Attempts still waiting or unknown, oldest first (``payments settle``)."""
    with reading(engine) as conn:
        numbers = conn.execute(
            select(payment_attempts.c.out_trade_no)
            .where(payment_attempts.c.state.in_(("waiting", "unknown")))
            .order_by(payment_attempts.c.created_at)
        ).scalars()
        return [get(conn, n) for n in list(numbers)]


#: Keys of a gateway answer never stored (the customer's code, the booth's token).
SECRET_KEYS = frozenset({"auth_code", "app_auth_token", "sign"})


def event(conn, out_trade_no, action, state, code, detail, raw) -> None:
    """Append one gateway answer about a payment (refunds too) to payment_events."""
    _event(conn, out_trade_no, action, state, code, detail, raw)


def _event(conn, out_trade_no, action, state, code, detail, raw) -> None:
    answer = json.dumps(_scrub(raw), ensure_ascii=False, sort_keys=True)[:4000]
    conn.execute(
        insert(payment_events).values(
            out_trade_no=out_trade_no,
            at=clock.stamp(),
            action=action,
            state=state,
            code=str(code)[:64],
            detail=str(detail)[:1000],
            answer=answer,
        )
    )


def _scrub(value):
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items() if k not in SECRET_KEYS}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value
