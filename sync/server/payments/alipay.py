"""Alipay code payments (当面付, scene ``bar_code``) in service-provider mode, through
``python-alipay-sdk``.

Its ``ISVAliPay`` adds the booth's ``app_auth_token`` to every call (one client per booth),
signs requests RSA2 with HQ's app key and verifies each answer's ``sign`` with the Alipay
public key it is given. ``alipay.trade.pay``, ``alipay.trade.query`` and
``alipay.trade.cancel`` are its ``api_alipay_trade_*`` methods. The gateway URL is one
attribute (``_gateway``), set after construction so the same code talks to the simulator.
"""

from __future__ import annotations

import threading

from alipay import ISVAliPay
from alipay.utils import AliPayConfig

from sync.server.payments.config import AlipaySettings
from sync.server.payments.gateway import Answer, Order, no_answer

FAILED = {
    "ACQ.BUYER_BALANCE_NOT_ENOUGH": "insufficient_balance",
    "ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH": "insufficient_balance",
    "ACQ.PAYMENT_AUTH_CODE_INVALID": "code_invalid",
}
UNKNOWN = ("ACQ.SYSTEM_ERROR", "ACQ.TRADE_HAS_SUCCESS", "aop.ACQ.SYSTEM_ERROR")
QUERY_STATES = {
    "TRADE_SUCCESS": ("paid", "paid"),
    "TRADE_FINISHED": ("paid", "paid"),
    "WAIT_BUYER_PAY": ("waiting", "waiting"),
    "TRADE_CLOSED": ("cancelled", "cancelled"),
}


class AlipayGateway:
    def __init__(self, settings: AlipaySettings, timeout_s: float):
        self._settings = settings
        self._timeout = timeout_s
        self._clients: dict[str, ISVAliPay] = {}
        self._lock = threading.Lock()

    def _client(self, app_auth_token: str) -> ISVAliPay:
        with self._lock:
            client = self._clients.get(app_auth_token)
            if client is None:
                client = ISVAliPay(
                    appid=self._settings.app_id,
                    app_private_key_string=self._settings.app_private_key,
                    alipay_public_key_string=self._settings.alipay_public_key,
                    sign_type="RSA2",
                    app_auth_token=app_auth_token,
                )
                client._gateway = self._settings.base_url  # no public option for it
                client._config = AliPayConfig(timeout=self._timeout)
                self._clients[app_auth_token] = client
            return client

    def pay(self, order: Order, auth_code: str) -> Answer:
        try:
            body = self._client(order.booth_key).api_alipay_trade_pay(
                out_trade_no=order.out_trade_no,
                scene="bar_code",
                auth_code=auth_code,
                subject=order.description,
                total_amount=_yuan(order.amount_fen),
            )
        except Exception as exc:  # no answer, a dropped connection, an unsigned answer
            return no_answer(exc)
        code, sub = body.get("code", ""), body.get("sub_code", "")
        detail = body.get("sub_msg") or body.get("msg", "")
        if code == "10000":
            return Answer("paid", "paid", code, detail, body.get("trade_no"), raw=body)
        if code == "10003":
            return Answer("waiting", "waiting", code, detail, body.get("trade_no"), raw=body)
        if code == "40004" and sub == "ACQ.TRADE_HAS_CLOSE":
            return Answer("cancelled", "cancelled", sub, detail, raw=body)
        if code == "40004" and sub not in UNKNOWN:
            return Answer("failed", FAILED.get(sub, "declined"), sub, detail, raw=body)
        return Answer("unknown", "unknown", sub or code, detail, raw=body)

    def query(self, order: Order) -> Answer:
        try:
            body = self._client(order.booth_key).api_alipay_trade_query(
                out_trade_no=order.out_trade_no
            )
        except Exception as exc:
            return no_answer(exc)
        code, sub = body.get("code", ""), body.get("sub_code", "")
        status = body.get("trade_status", "")
        if code == "10000" and status in QUERY_STATES:
            state, reason = QUERY_STATES[status]
            return Answer(state, reason, status, "", body.get("trade_no"), raw=body)
        absent = sub == "ACQ.TRADE_NOT_EXIST"
        detail = body.get("sub_msg") or body.get("msg", "")
        return Answer("unknown", "unknown", sub or code, detail, absent=absent, raw=body)

    def cancel(self, order: Order) -> Answer:
        try:
            body = self._client(order.booth_key).api_alipay_trade_cancel(
                out_trade_no=order.out_trade_no
            )
        except Exception as exc:
            return no_answer(exc)
        code, sub = body.get("code", ""), body.get("sub_code", "")
        detail = body.get("sub_msg") or body.get("msg", "")
        if code == "10000" and body.get("retry_flag", "N") != "Y":
            return Answer("cancelled", "cancelled", body.get("action", code), detail, raw=body)
        return Answer("unknown", "revoke_pending", sub or code, detail, raw=body)


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"
