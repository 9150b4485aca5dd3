"""Mobile payments for terminals: collect a payment code through HQ, ask how it stands,
revoke it; the booth's refunds returned through the gateway; the verified close figures."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from sync.server.deps import EngineDep, TerminalDep
from sync.server.payments import refunds, service, totals

router = APIRouter(prefix="/api/v1/payments", tags=["payments"])

REFUSALS = {
    401: {"description": "Missing, wrong or revoked terminal token."},
    403: {
        "description": "The out_trade_no is another terminal's, or the booth is not set up for "
        "this method at HQ (nothing reached the gateway)."
    },
}


class PaymentRequest(BaseModel):
    out_trade_no: str = Field(
        max_length=64,
        description="The terminal's payment prefix, '-', then 1 to 21 of [A-Za-z0-9_] "
        "(sync.protocol.payments.make_out_trade_no); at most 32 characters.",
        examples=["3f2a9c41d7-20261128091502_01"],
    )
    method: str = Field(max_length=16, description="wechat or alipay.", examples=["wechat"])
    auth_code: str = Field(
        max_length=32,
        description="The customer's payment code: WeChat 18 digits starting 10-15, "
        "Alipay 16-24 digits starting 25-30. HQ keeps only its last 4 digits.",
        examples=["134567890123456789"],
    )
    amount_fen: int = Field(
        strict=True, description="More than 0, at most HQ's cap.", examples=[1580]
    )
    description: str = Field(
        default="", max_length=200, description="What the customer sees on the phone."
    )


class Voucher(BaseModel):
    id: str = Field(description="The provider's voucher (coupon) id.")
    name: str = Field(description="Its name, e.g. 满40减10.")
    amount_fen: int = Field(description="What it covered of this payment.")
    funder: str = Field(description="Who pays for it: campaign, merchant or provider.")


class PaymentState(BaseModel):
    out_trade_no: str
    state: str = Field(description="paid, waiting, failed, cancelled or unknown.")
    transaction_id: str | None = Field(description="The gateway's transaction id once paid.")
    amount_fen: int = Field(description="The full price: what the booth receives.")
    message: str = Field(
        description="One of HQ's fixed sentences (sync.protocol.payments.MESSAGES): what "
        "happened and what to do."
    )
    customer_paid_fen: int | None = Field(
        default=None, description="What the customer paid (amount_fen less the vouchers); null until paid."
    )  # fmt: skip
    subsidy_fen: int = Field(default=0, description="What vouchers covered (0 without).")
    vouchers: list[Voucher] = Field(default_factory=list, description="The vouchers applied.")


class RefundState(BaseModel):
    out_refund_no: str = Field(description="The provider's refund number the till made.")
    out_trade_no: str = Field(description="The sale's payment it gives back from.")
    state: str = Field(description="pending, done or failed.")
    amount_fen: int
    message: str = Field(
        description="One of HQ's fixed sentences (sync.protocol.payments.REFUND_MESSAGES)."
    )
    updated_at: str
    reason: str = Field(description="The key of message: pending, done, refused, not_collected.")
    detail: str = Field(description="What the gateway said when it refused, in its words.")
    arrival: str = Field(description="When the money reaches the customer: 1-3 working days.")


class RefundFeed(BaseModel):
    refunds: list[RefundState] = Field(description="Changed after since, oldest change first.")
    cursor: int = Field(description="Send it back as since; unchanged when nothing changed.")


class MethodTotal(BaseModel):
    paid_fen: int = Field(description="Paid at HQ in the window, revoked payments left out.")
    count: int
    refunded_fen: int = Field(description="Given back through the gateway in the window.")


class Totals(BaseModel):
    wechat: MethodTotal
    alipay: MethodTotal


OutTradeNo = Annotated[str, Path(max_length=64)]


def _payments(request: Request):
    return request.app.state.payments


@router.get(
    "/refunds",
    response_model=RefundFeed,
    summary="The booth's refunds through the gateway that changed after a cursor",
    responses={401: REFUSALS[401]},
)
def refund_feed(
    caller: TerminalDep,
    engine: EngineDep,
    since: Annotated[
        int, Query(ge=0, le=refunds.MAX_CURSOR, description="0 first, then the last cursor.")
    ] = 0,
):
    return refunds.feed(engine, caller, since)


@router.get(
    "/refunds/{out_refund_no}",
    response_model=RefundState,
    summary="How one refund of this booth stands",
    responses={
        401: REFUSALS[401],
        404: {"description": "HQ has no refund of that number for this booth (yet)."},
        422: {"description": "Not a refund number (prefix, '-', 1 to 53 of [A-Za-z0-9_])."},
    },
)
def refund_state(
    out_refund_no: Annotated[str, Path(max_length=64)], caller: TerminalDep, engine: EngineDep
):
    return refunds.one(engine, caller, out_refund_no)


@router.get(
    "/totals",
    response_model=Totals,
    summary="What HQ collected for this terminal per method in a window (verified close figures)",
    responses={401: REFUSALS[401], 422: {"description": "from or to is not an ISO time."}},
)
def payment_totals(
    caller: TerminalDep,
    engine: EngineDep,
    start: Annotated[str, Query(alias="from", max_length=40, description="ISO 8601, inclusive.")],
    end: Annotated[str, Query(alias="to", max_length=40, description="ISO 8601, exclusive.")],
):
    return totals.totals(engine, caller, start, end)


@router.post(
    "",
    response_model=PaymentState,
    summary="Collect a payment code (the same out_trade_no again is the same payment)",
    responses={
        **REFUSALS,
        409: {
            "description": "The out_trade_no is already a payment with another amount, code or method."
        },  # fmt: skip
        422: {
            "description": "Unknown method, an amount of 0, negative or above the cap, a code "
            "of the wrong shape, or a malformed out_trade_no (nothing reached the gateway)."
        },
        503: {"description": "HQ is not set up for this method at all."},
    },
)
def create_payment(body: PaymentRequest, caller: TerminalDep, engine: EngineDep, http: Request):
    return service.create(
        engine,
        _payments(http),
        caller,
        body.out_trade_no,
        body.method,
        body.auth_code,
        body.amount_fen,
        body.description,
    )


@router.get(
    "/{out_trade_no}",
    response_model=PaymentState,
    summary="How a payment stands (HQ asks the gateway while it is waiting or unknown)",
    responses={**REFUSALS, 404: {"description": "HQ has no payment of that number."}},
)
def get_payment(out_trade_no: OutTradeNo, caller: TerminalDep, engine: EngineDep, http: Request):
    return service.get(engine, _payments(http), caller, out_trade_no)


@router.post(
    "/{out_trade_no}/cancel",
    response_model=PaymentState,
    summary="Revoke a payment (idempotent); a paid one is refunded to the customer",
    responses={**REFUSALS, 404: {"description": "HQ has no payment of that number."}},
)
def cancel_payment(out_trade_no: OutTradeNo, caller: TerminalDep, engine: EngineDep, http: Request):
    return service.cancel(engine, _payments(http), caller, out_trade_no)
