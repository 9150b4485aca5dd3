"""Refunds returned through WeChat Pay or Alipay (gateway_refunds): made from a refund
entry's tenders when HQ stores it, carried out with the gateway after that transaction
commits, every answer recorded, and the outcome fed back to the booth's terminals.

HQ never holds a database transaction across a gateway call: a refund is ``pending`` in
the database before the gateway is asked, the gateway is asked with the till's
``out_refund_no`` as the provider's refund number (asking twice refunds once), and the
answer is written in a short transaction of its own. What a crash leaves pending is taken
up by the server's background worker or ``booth-pos-server payments settle``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, insert, select, update

from sync.protocol import payments as contract
from sync.server import clock
from sync.server.db import reading
from sync.server.errors import ApiError, invalid
from sync.server.payments import attempts, booths
from sync.server.payments.gateway import Order
from sync.server.registry import TerminalIdentity
from sync.server.tables import counters, gateway_refunds, payment_attempts, tamper_alerts

log = logging.getLogger("booth_pos.server.payments")

#: Refunds per page of the terminal feed.
FEED_PAGE = 500
MAX_CURSOR = 2**53 - 1
FEED_FIELDS = ("out_refund_no", "out_trade_no", "state", "amount_fen", "message", "updated_at")


# --- made at ingest, in the entry's transaction --------------------------------------------


def rows_of(caller: TerminalIdentity, entry: dict, received: str) -> list[dict]:
    """The gateway_refunds rows (state pending) of a refund entry's tenders that go back
    through the gateway; ``change_no`` is given by :func:`number` before insert."""
    body = entry["body"]
    return [
        {
            "out_refund_no": pay["out_refund_no"],
            "out_trade_no": pay["out_trade_no"],
            "terminal_id": caller.terminal_id,
            "seq": entry["seq"],
            "refund_id": body["refund_id"],
            "booth_id": caller.booth_id,
            "method": pay["method"],
            "amount_fen": pay["amount_fen"],
            "state": "pending",
            "reason": "pending",
            "detail": "",
            "tries": 0,
            "created_at": received,
            "updated_at": received,
            "change_no": None,
        }
        for pay in body["payments"]
        if "out_refund_no" in pay
    ]


def take_numbers(conn: Connection, count: int) -> int:
    """Reserve ``count`` feed numbers; returns the last. The counter row stays locked until
    commit, so numbers are handed out in commit order and no cursor passes an open one."""
    conn.execute(
        update(counters).where(counters.c.name == "refunds").values(value=counters.c.value + count)
    )
    return int(
        conn.execute(select(counters.c.value).where(counters.c.name == "refunds")).scalar_one()
    )


def number(conn: Connection, rows: list[dict]) -> None:
    """Give each new row its feed number (same transaction as its insert)."""
    if rows:
        last = take_numbers(conn, len(rows))
        for offset, row in enumerate(rows):
            row["change_no"] = last - len(rows) + 1 + offset


# --- what the business check needs ---------------------------------------------------------


def refundable(conn: Connection, booth_id: str, numbers: list[str]) -> dict[str, dict]:
    """out_trade_no -> the booth's paid attempt (method, state, amount_fen, refunded_fen)."""
    if not numbers:
        return {}
    found = {
        row.out_trade_no: dict(row._mapping) | {"refunded_fen": 0}
        for row in conn.execute(
            select(
                payment_attempts.c.out_trade_no,
                payment_attempts.c.method,
                payment_attempts.c.state,
                payment_attempts.c.amount_fen,
            ).where(
                payment_attempts.c.booth_id == booth_id,
                payment_attempts.c.out_trade_no.in_(numbers),
            )
        )
    }
    for row in conn.execute(
        select(gateway_refunds.c.out_trade_no, gateway_refunds.c.amount_fen).where(
            gateway_refunds.c.out_trade_no.in_(list(found)), gateway_refunds.c.state != "failed"
        )
    ):
        found[row.out_trade_no]["refunded_fen"] += int(row.amount_fen)
    return found


def used_numbers(conn: Connection, refund_numbers: list[str]) -> set[str]:
    if not refund_numbers:
        return set()
    return set(
        conn.execute(
            select(gateway_refunds.c.out_refund_no).where(
                gateway_refunds.c.out_refund_no.in_(refund_numbers)
            )
        ).scalars()
    )


# --- the terminal's feed -------------------------------------------------------------------


@dataclass(frozen=True)
class GatewayRefund:
    out_refund_no: str
    out_trade_no: str
    terminal_id: str
    seq: int
    booth_id: str
    method: str
    amount_fen: int
    state: str
    reason: str
    detail: str
    tries: int
    updated_at: str
    change_no: int | None


def get(conn: Connection, out_refund_no: str) -> GatewayRefund | None:
    row = conn.execute(
        select(*[gateway_refunds.c[f] for f in GatewayRefund.__dataclass_fields__]).where(
            gateway_refunds.c.out_refund_no == out_refund_no
        )
    ).first()
    return GatewayRefund(**row._mapping) if row else None


def answer_of(refund: GatewayRefund) -> dict:
    """A refund as a terminal reads it (:data:`FEED_FIELDS`, plus reason, detail, arrival)."""
    return {
        "out_refund_no": refund.out_refund_no,
        "out_trade_no": refund.out_trade_no,
        "state": refund.state,
        "amount_fen": int(refund.amount_fen),
        "message": contract.REFUND_MESSAGES.get(refund.reason, contract.REFUND_MESSAGES["pending"]),
        "updated_at": refund.updated_at,
        "reason": refund.reason,
        "detail": refund.detail,
        "arrival": contract.REFUND_ARRIVAL if refund.state != "failed" else "",
    }


def feed(engine: Engine, caller: TerminalIdentity, since: int, limit: int = FEED_PAGE) -> dict:
    """The booth's refunds changed after ``since``, oldest change first, and the cursor."""
    with reading(engine) as conn:
        numbers = conn.execute(
            select(gateway_refunds.c.out_refund_no)
            .where(
                gateway_refunds.c.booth_id == caller.booth_id,
                gateway_refunds.c.change_no > since,
            )
            .order_by(gateway_refunds.c.change_no)
            .limit(limit)
        ).scalars()
        found = [get(conn, n) for n in list(numbers)]
    cursor = max([since] + [int(r.change_no) for r in found if r.change_no is not None])
    return {"refunds": [answer_of(r) for r in found], "cursor": cursor}


def one(engine: Engine, caller: TerminalIdentity, out_refund_no: str) -> dict:
    problem = contract.out_refund_no_problem(out_refund_no)
    if problem:
        raise invalid(problem + ".")
    with reading(engine) as conn:
        refund = get(conn, out_refund_no)
    if refund is None or refund.booth_id != caller.booth_id:
        raise ApiError(
            404,
            f"HQ has no refund {out_refund_no!r} of this booth yet: it arrives with the "
            "refund entry at the next sync.",
        )
    return answer_of(refund)


# --- carrying a refund out -----------------------------------------------------------------


def pending(engine: Engine, limit: int = 1000) -> list[str]:
    """The refund numbers still pending, oldest first."""
    with reading(engine) as conn:
        return list(
            conn.execute(
                select(gateway_refunds.c.out_refund_no)
                .where(gateway_refunds.c.state == "pending")
                .order_by(gateway_refunds.c.created_at, gateway_refunds.c.out_refund_no)
                .limit(limit)
            ).scalars()
        )


def carry_out(engine: Engine, payments, out_refund_no: str) -> dict | None:
    """Ask the gateway to refund one pending refund (or how it stands, after the first try);
    record the answer. None when it is not pending (done by another worker, or unknown)."""
    with reading(engine) as conn:
        refund = get(conn, out_refund_no)
        attempt = attempts.get(conn, refund.out_trade_no) if refund else None
        key = booths.key_of(conn, refund.booth_id, refund.method) if refund else None
    if refund is None or refund.state != "pending":
        return None
    if attempt is None or attempt.state != "paid" or attempt.method != refund.method:
        return answer_of(_record(engine, refund, "failed", "not_collected", "", None, None))
    gateway = payments.gateways.get(refund.method) if payments else None
    if gateway is None or not key:
        return answer_of(refund)  # not set up here: left pending, an alert would not help yet
    order = Order(
        attempt.out_trade_no, attempt.method, attempt.amount_fen, attempt.description or "",
        attempt.booth_id, key,
    )  # fmt: skip
    if not _claim(engine, refund):
        return None  # another worker asks the gateway about it right now
    if refund.tries == 0:
        answer = gateway.refund(order, refund.out_refund_no, int(refund.amount_fen))
        action = "refund"
    else:
        answer = gateway.refund_query(order, refund.out_refund_no)
        if answer.absent:  # the first call never arrived: ask again with the same number
            answer = gateway.refund(order, refund.out_refund_no, int(refund.amount_fen))
            action = "refund"
        else:
            action = "refund_query"
    log.info("refund %s of %s: %s", refund.out_refund_no, refund.out_trade_no, answer.state)
    state = {"done": "done", "failed": "failed"}.get(answer.state, "pending")
    reason = {"done": "done", "failed": "refused"}.get(answer.state, "pending")
    return answer_of(_record(engine, refund, state, reason, answer.detail, answer, action))


def _claim(engine: Engine, refund: GatewayRefund) -> bool:
    """Count this try before the call, only if no other worker counted one since we read
    it: two server processes never both ask about the same refund at once."""
    with engine.begin() as conn:
        done = conn.execute(
            update(gateway_refunds)
            .where(
                gateway_refunds.c.out_refund_no == refund.out_refund_no,
                gateway_refunds.c.state == "pending",
                gateway_refunds.c.tries == refund.tries,
            )
            .values(tries=refund.tries + 1, updated_at=clock.stamp())
        )
        return done.rowcount == 1


def _record(engine, refund: GatewayRefund, state, reason, detail, answer, action) -> GatewayRefund:
    """Move a pending refund on (a final state stays final), keep the gateway's answer as a
    payment event, and raise an alert at HQ when it failed."""
    now = clock.stamp()
    with engine.begin() as conn:
        current = conn.execute(
            select(gateway_refunds.c.state)
            .where(gateway_refunds.c.out_refund_no == refund.out_refund_no)
            .with_for_update()
        ).scalar_one()
        if answer is not None:
            attempts.event(
                conn, refund.out_trade_no, action, state, answer.code,
                f"{refund.out_refund_no}: {answer.detail}", answer.raw,
            )  # fmt: skip
        values = {"updated_at": now}
        if current == "pending" and state != "pending":
            values |= {"state": state, "reason": reason, "detail": str(detail)[:1000]}
            values["change_no"] = take_numbers(conn, 1)
            if state == "done":
                values["done_at"] = now
                if answer is not None and answer.refund_id:
                    values["provider_refund_id"] = answer.refund_id
            else:
                conn.execute(insert(tamper_alerts).values(**_alert(refund, detail, now)))
        conn.execute(
            update(gateway_refunds)
            .where(gateway_refunds.c.out_refund_no == refund.out_refund_no)
            .values(**values)
        )
        return get(conn, refund.out_refund_no)


def _alert(refund: GatewayRefund, detail: str, now: str) -> dict:
    said = f" The gateway said: {detail}." if detail else ""
    return {
        "terminal_id": refund.terminal_id,
        "seq": refund.seq,
        "reason": (
            f"refund_failed: the {refund.method} refund {refund.out_refund_no} of "
            f"{refund.amount_fen} fen (payment {refund.out_trade_no}) was refused.{said} "
            "The customer has not got this money back: call the booth, give it back in cash "
            "or by bank transfer, and record how it went back; the sale's payment is unchanged."
        ),
        "stored_hash": None,
        "received_hash": None,
        "received_line": None,
        "at": now,
        "kind": "refund",
    }


def refund_numbers(entries, after_seq: int = 0) -> list[str]:
    """The refund numbers a push's refund entries past ``after_seq`` ask the gateway for."""
    return [
        pay["out_refund_no"]
        for entry in entries
        if isinstance(entry, dict) and entry.get("type") == "refund" and entry["seq"] > after_seq
        for pay in entry["body"]["payments"] if "out_refund_no" in pay
    ]  # fmt: skip


def carry_out_all(engine: Engine, payments, numbers: list[str]) -> None:
    """Carry out these refunds now (a background task after the push that made them); what
    fails here is left pending for the worker and ``payments settle``."""
    for refund_no in numbers:
        try:
            carry_out(engine, payments, refund_no)
        except Exception:  # the database or a gateway down: retried by the worker
            log.exception("refund %s left pending", refund_no)


def carry_out_pending(engine: Engine, payments, limit: int = 1000) -> list[dict]:
    """Every pending refund, asked once (``payments settle`` and the background worker)."""
    return [r for r in (carry_out(engine, payments, n) for n in pending(engine, limit)) if r]


def vouchers_of(text: str) -> list[dict]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return value if isinstance(value, list) else []
