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
    #: from a paid answer: what the customer paid (None: the gateway did not say) and the
    #: vouchers that covered the rest, [{"id", "name", "amount_fen", "funder"}]
    customer_paid_fen: int | None = None
    vouchers: tuple = ()


@dataclass(frozen=True)
class RefundAnswer:
    """A gateway's answer to a refund or a refund query: ``state`` done, failed or pending
    (asked, not final yet: ask again), ``absent`` when it has no refund of that number."""

    state: str
    code: str
    detail: str = ""
    refund_id: str | None = None
    absent: bool = False
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True)
class BillLine:
    """One line of a provider's daily bill, in HQ's words: a payment (``trade``) or a
    refund, its money in fen and what vouchers covered of it."""

    provider: str
    merchant: str  # WeChat sub_mchid; Alipay: the booth's id
    kind: str  # trade or refund
    out_trade_no: str
    out_refund_no: str
    amount_fen: int  # the full price (trade) or the refund's full amount
    subsidy_fen: int  # what vouchers covered (trade) or went back to them (refund)
    status: str  # SUCCESS, REVOKED, REFUND ...
    at: str = ""


def no_answer(exc: BaseException) -> Answer:
    """No answer at all (timeout, connection dropped, a signature that does not verify):
    the gateway may or may not have done it."""
    return Answer("unknown", "unknown", "NO_ANSWER", f"{type(exc).__name__}: {exc}"[:300])


class Gateway(Protocol):
    def pay(self, order: Order, auth_code: str) -> Answer: ...

    def query(self, order: Order) -> Answer: ...

    def cancel(self, order: Order) -> Answer: ...

    def refund(self, order: Order, out_refund_no: str, amount_fen: int) -> RefundAnswer: ...

    def refund_query(self, order: Order, out_refund_no: str) -> RefundAnswer: ...


def no_refund_answer(exc: BaseException) -> RefundAnswer:
    """No answer to a refund call: it may or may not have been made (ask again)."""
    return RefundAnswer("pending", "NO_ANSWER", f"{type(exc).__name__}: {exc}"[:300])
