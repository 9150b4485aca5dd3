"""What HQ asks a gateway and what it gets back, whichever gateway it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Order:
    """One payment as HQ asks a gateway about it."""

    out_trade_no: str
    method: str
    amount_fen: int
    description: str
    booth_id: str
    #: the booth's id at the gateway: WeChat's sub_mchid or Alipay's app_auth_token
    booth_key: str = field(repr=False)


@dataclass(frozen=True)
class Answer:
    """A gateway's answer in HQ's words: ``state`` (sync.protocol.payments.STATES),
    ``reason`` (a key of its MESSAGES), and what the gateway said (kept in payment_events)."""

    state: str
    reason: str
    code: str
    detail: str = ""
    transaction_id: str | None = None
    #: the gateway has no order of this number (it never arrived, or was refused)
    absent: bool = False
    raw: dict = field(default_factory=dict)


def no_answer(exc: BaseException) -> Answer:
    """No answer at all (timeout, connection dropped, a signature that does not verify):
    the gateway may or may not have done it."""
    return Answer("unknown", "unknown", "NO_ANSWER", f"{type(exc).__name__}: {exc}"[:300])


class Gateway(Protocol):
    def pay(self, order: Order, auth_code: str) -> Answer: ...

    def query(self, order: Order) -> Answer: ...

    def cancel(self, order: Order) -> Answer: ...
