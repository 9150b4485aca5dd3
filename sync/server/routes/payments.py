"""Mobile payments for terminals: collect a payment code through HQ, ask how it stands,
revoke it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field

from sync.server.deps import EngineDep, TerminalDep
from sync.server.payments import service

router = APIRouter(prefix="/api/v1/payments", tags=["payments"])

REFUSALS = {
    401: {"description": "Missing, wrong or revoked terminal token."},
    403: {
        "description": "The out_trade_no is another terminal's, or mobile payments of this "
        "method are not set up for the booth (HQ's payments settings or the booth's id at the "
        "gateway): then `reason` is `not_set_up` and `detail` HQ's fixed sentence. Nothing "
        "reached the gateway."
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


class PaymentState(BaseModel):
    out_trade_no: str
    state: str = Field(description="paid, waiting, failed, cancelled or unknown.")
    transaction_id: str | None = Field(description="The gateway's transaction id once paid.")
    amount_fen: int
    message: str = Field(
        description="One of HQ's fixed sentences (sync.protocol.payments.MESSAGES): what "
        "happened and what to do."
    )


OutTradeNo = Annotated[str, Path(max_length=64)]


def _payments(request: Request):
    return request.app.state.payments


@router.post(
    "",
    response_model=PaymentState,
    summary="Collect a payment code (the same out_trade_no again is the same payment)",
    responses={
        **REFUSALS,
        409: {
            "description": "The out_trade_no is already a payment with another amount, code or "
            "method, or the terminal cancelled it before HQ received it (`reason`: "
            "`never_received`)."
        },
        422: {
            "description": "Unknown method, an amount of 0, negative or above the cap, a code "
            "of the wrong shape, or a malformed out_trade_no (nothing reached the gateway)."
        },
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
    description="A number HQ never received is recorded as cancelled (`message`: HQ never "
    "received it), so a request for it arriving later is refused with 409.",
    responses={
        **REFUSALS,
        503: {"description": "HQ's payments settings no longer have this method: ask again later."},
    },
)
def cancel_payment(out_trade_no: OutTradeNo, caller: TerminalDep, engine: EngineDep, http: Request):
    return service.cancel(engine, _payments(http), caller, out_trade_no)
