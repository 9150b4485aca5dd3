"""WeChat Pay code payments (付款码支付) in service-provider mode, through ``wechatpayv3``.

wechatpayv3 (2.x) speaks API v3 and covers code payments for service providers:
``pay(pay_type=CODEPAY)`` posts to ``/v3/pay/partner/transactions/codepay`` with
``sp_mchid``/``sub_mchid`` and ``payer.auth_code``, ``query`` reads
``/v3/pay/partner/transactions/out-trade-no/{no}`` and ``codepay_reverse`` posts
``.../{no}/reverse``. It signs requests with the merchant's RSA key and verifies answers with
the WeChat Pay platform public key (public-key mode: no certificate download). The v2
XML ``micropay`` API is not needed. The SDK has no base-URL option: the one attribute it
keeps it in (``_core._gate_way``) is set after construction, so the same code talks to the
simulator.
"""

from __future__ import annotations

import json

from wechatpayv3 import WeChatPay, WeChatPayType

from sync.server.payments import bills
from sync.server.payments.config import WeChatSettings
from sync.server.payments.gateway import (
    Answer,
    BillLine,
    Order,
    RefundAnswer,
    no_answer,
    no_refund_answer,
)

FAILED = {
    "NOT_ENOUGH": "insufficient_balance",
    "NOTENOUGH": "insufficient_balance",
    "AUTH_CODE_INVALID": "code_invalid",
    "AUTH_CODE_ERROR": "code_invalid",
    "AUTHCODEEXPIRE": "code_used",
    "AUTH_CODE_EXPIRE": "code_used",
}
QUERY_STATES = {
    "SUCCESS": ("paid", "paid"),
    "USERPAYING": ("waiting", "waiting"),
    "NOTPAY": ("waiting", "waiting"),
    "ACCEPT": ("waiting", "waiting"),
    "PAYERROR": ("failed", "declined"),
    "CLOSED": ("cancelled", "cancelled"),
    "REVOKED": ("cancelled", "cancelled"),
    "REFUND": ("cancelled", "cancelled"),
}


class WeChatGateway:
    def __init__(self, settings: WeChatSettings, timeout_s: float):
        self._client = WeChatPay(
            wechatpay_type=WeChatPayType.CODEPAY,
            mchid=settings.sp_mchid,
            private_key=settings.merchant_private_key,
            cert_serial_no=settings.merchant_serial_no,
            appid=settings.sp_appid,
            apiv3_key=settings.apiv3_key,
            partner_mode=True,
            timeout=(min(5.0, timeout_s), timeout_s),
            public_key=settings.platform_public_key,
            public_key_id=settings.platform_public_key_id,
        )
        self._client._core._gate_way = settings.base_url  # no public option for it

    def pay(self, order: Order, auth_code: str) -> Answer:
        try:
            status, text = self._client.pay(
                description=order.description,
                out_trade_no=order.out_trade_no,
                amount={"total": order.amount_fen, "currency": "CNY"},
                payer={"auth_code": auth_code},
                scene_info={"store_info": {"out_id": order.booth_id}},
                sub_mchid=order.booth_key,
                pay_type=WeChatPayType.CODEPAY,
            )
        except Exception as exc:  # requests' errors and the SDK's bare Exception alike
            return no_answer(exc)
        body = _json(text)
        code = body.get("code") or body.get("trade_state") or str(status)
        if status == 200 and body.get("trade_state") == "SUCCESS":
            return Answer(
                "paid", "paid", "SUCCESS", "", body.get("transaction_id"), raw=body,
                **subsidy_of(body),
            )  # fmt: skip
        if code == "USERPAYING" or body.get("trade_state") == "USERPAYING":
            return Answer("waiting", "waiting", "USERPAYING", body.get("message", ""), raw=body)
        if code in ("ORDER_REVERSED", "ORDERREVERSED", "ORDER_CLOSED", "ORDERCLOSED"):
            return Answer("cancelled", "cancelled", code, body.get("message", ""), raw=body)
        if status >= 500 or code in ("SYSTEM_ERROR", "SYSTEMERROR", "BANK_ERROR", "BANKERROR"):
            return Answer("unknown", "unknown", code, body.get("message", ""), raw=body)
        if 400 <= status < 500:
            reason = FAILED.get(code, "declined")
            return Answer("failed", reason, code, body.get("message", ""), raw=body)
        return Answer("unknown", "unknown", code, body.get("message", ""), raw=body)

    def query(self, order: Order) -> Answer:
        try:
            status, text = self._client.query(
                out_trade_no=order.out_trade_no, sub_mchid=order.booth_key
            )
        except Exception as exc:
            return no_answer(exc)
        body = _json(text)
        if status == 200 and body.get("trade_state") in QUERY_STATES:
            state, reason = QUERY_STATES[body["trade_state"]]
            return Answer(
                state, reason, body["trade_state"], body.get("trade_state_desc", ""),
                body.get("transaction_id"), raw=body,
                **(subsidy_of(body) if state == "paid" else {}),
            )  # fmt: skip
        code = body.get("code", str(status))
        absent = status == 404 or code in ("ORDER_NOT_EXIST", "ORDERNOTEXIST")
        return Answer("unknown", "unknown", code, body.get("message", ""), absent=absent, raw=body)

    def cancel(self, order: Order) -> Answer:
        try:
            status, text = self._client.codepay_reverse(
                out_trade_no=order.out_trade_no, sub_mchid=order.booth_key
            )
        except Exception as exc:
            return no_answer(exc)
        body = _json(text)
        code = body.get("code", str(status))
        if 200 <= status < 300 or code in ("ORDER_NOT_EXIST", "ORDERNOTEXIST"):
            return Answer("cancelled", "cancelled", code, body.get("message", ""), raw=body)
        return Answer("unknown", "revoke_pending", code, body.get("message", ""), raw=body)

    def refund(self, order: Order, out_refund_no: str, amount_fen: int) -> RefundAnswer:
        """POST /v3/refund/domestic/refunds with the till's out_refund_no."""
        try:
            status, text = self._client.refund(
                out_refund_no=out_refund_no,
                amount={"refund": amount_fen, "total": order.amount_fen, "currency": "CNY"},
                out_trade_no=order.out_trade_no,
                sub_mchid=order.booth_key,
            )
        except Exception as exc:
            return no_refund_answer(exc)
        return _refund_answer(status, _json(text))

    def refund_query(self, order: Order, out_refund_no: str) -> RefundAnswer:
        """GET /v3/refund/domestic/refunds/{out_refund_no}."""
        try:
            status, text = self._client.query_refund(out_refund_no, sub_mchid=order.booth_key)
        except Exception as exc:
            return no_refund_answer(exc)
        body = _json(text)
        if status == 404 or body.get("code") == "RESOURCE_NOT_EXISTS":
            return RefundAnswer("pending", body.get("code", "404"), "", absent=True, raw=body)
        return _refund_answer(status, body)

    def bill(self, day: str) -> list[BillLine]:
        """The service provider's trade bill of ``day`` (all sub-merchants): GET
        /v3/bill/tradebill, then its download_url."""
        status, text = self._client._core.request(
            f"/v3/bill/tradebill?bill_date={day}&bill_type=ALL"
        )
        body = _json(text)
        if status != 200 or "download_url" not in body:
            raise bills.BillError(
                f"WeChat Pay gave no bill for {day}: {body.get('code', status)} {body.get('message', '')}"
            )
        status, data = self._client.download_bill(body["download_url"])
        if status != 200:
            raise bills.BillError(f"WeChat Pay's bill for {day} could not be downloaded ({status})")
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        return bills.wechat_tradebill(text)


#: WeChat Pay refund statuses -> HQ's refund answer states.
REFUND_STATES = {"SUCCESS": "done", "PROCESSING": "pending", "CLOSED": "failed", "ABNORMAL": "failed"}  # fmt: skip


def _refund_answer(status: int, body: dict) -> RefundAnswer:
    if 200 <= status < 300 and body.get("status") in REFUND_STATES:
        return RefundAnswer(
            REFUND_STATES[body["status"]], body["status"], body.get("user_received_account", ""),
            body.get("refund_id"), raw=body,
        )  # fmt: skip
    code = body.get("code", str(status))
    if status >= 500 or code in ("SYSTEM_ERROR", "FREQUENCY_LIMITED"):
        return RefundAnswer("pending", code, body.get("message", ""), raw=body)
    return RefundAnswer("failed", code, body.get("message", ""), raw=body)


def subsidy_of(body: dict) -> dict:
    """customer_paid_fen and vouchers from a paid order (amount.payer_total and
    promotion_detail; the campaign's vouchers are funded by others: other_contribute)."""
    vouchers = []
    for promo in body.get("promotion_detail") or ():
        if not isinstance(promo, dict) or not isinstance(promo.get("amount"), int):
            continue
        if promo.get("other_contribute"):
            funder = "campaign"
        elif promo.get("merchant_contribute"):
            funder = "merchant"
        else:
            funder = "provider"
        vouchers.append(
            {
                "id": str(promo.get("coupon_id", ""))[:64] or "?",
                "name": str(promo.get("name", ""))[:100],
                "amount_fen": promo["amount"],
                "funder": funder,
            }
        )
    payer = (body.get("amount") or {}).get("payer_total")
    return {
        "customer_paid_fen": payer if isinstance(payer, int) else None,
        "vouchers": tuple(vouchers),
    }


def _json(text) -> dict:
    try:
        value = json.loads(text) if text else {}
    except (TypeError, ValueError):
        return {"text": str(text)[:300]}
    return value if isinstance(value, dict) else {"value": value}
