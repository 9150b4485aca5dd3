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

from sync.server.payments.config import WeChatSettings
from sync.server.payments.gateway import Answer, Order, no_answer

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
            return Answer("paid", "paid", "SUCCESS", "", body.get("transaction_id"), raw=body)
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


def _json(text) -> dict:
    try:
        value = json.loads(text) if text else {}
    except (TypeError, ValueError):
        return {"text": str(text)[:300]}
    return value if isinstance(value, dict) else {"value": value}
