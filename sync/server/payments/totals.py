"""What the gateways collected for one terminal in a time window: the verified figures a
blind close fills WeChat Pay and Alipay with (``GET /api/v1/payments/totals``)."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from sync.protocol import payments as contract
from sync.protocol.journal import parse_utc
from sync.server import clock
from sync.server.db import reading, safe_sum
from sync.server.errors import invalid
from sync.server.registry import TerminalIdentity
from sync.server.tables import gateway_refunds, payment_attempts


def window(start: str, end: str) -> tuple[str, str]:
    """``from`` and ``to`` as HQ's UTC stamps; 422 unless both are ISO times, from <= to."""
    try:
        low, high = parse_utc(start), parse_utc(end)
    except (ValueError, TypeError, AttributeError):
        raise invalid(
            "from and to are ISO 8601 times with a zone, like 2026-11-28T01:00:00Z."
        ) from None
    if low > high:
        raise invalid(f"from ({start}) is after to ({end}).")
    return clock.stamp(low), clock.stamp(high)


def totals(engine: Engine, caller: TerminalIdentity, start: str, end: str) -> dict:
    """Per method: the terminal's payments paid at HQ (asked for from ``from`` up to ``to``),
    revoked ones left out (their state is cancelled), and ``refunded_fen``: what its refunds
    through the gateway in the window gave back or are giving back (failed ones left out)."""
    low, high = window(start, end)
    a, r = payment_attempts.c, gateway_refunds.c
    answer = {m: {"paid_fen": 0, "count": 0, "refunded_fen": 0} for m in contract.METHODS}
    with reading(engine) as conn:
        for method, fen, count in conn.execute(
            select(a.method, safe_sum(a.amount_fen), func.count())
            .where(
                a.terminal_id == caller.terminal_id,
                a.state == "paid",
                a.created_at >= low,
                a.created_at < high,
            )
            .group_by(a.method)
        ):
            if method in answer:
                answer[method] |= {"paid_fen": int(fen), "count": int(count)}
        for method, fen in conn.execute(
            select(r.method, safe_sum(r.amount_fen))
            .where(
                r.terminal_id == caller.terminal_id,
                r.state != "failed",
                r.created_at >= low,
                r.created_at < high,
            )
            .group_by(r.method)
        ):
            if method in answer:
                answer[method]["refunded_fen"] = int(fen)
    return answer
