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

from sync.server.payments import bills
from sync.server.payments.config import AlipaySettings
from sync.server.payments.gateway import (
    Answer,
    BillLine,
    Order,
    RefundAnswer,
    no_answer,
    no_refund_answer,
)

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
            return Answer(
                "paid", "paid", code, detail, body.get("trade_no"), raw=body, **subsidy_of(body)
            )
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
            extra = subsidy_of(body) if state == "paid" else {}
            return Answer(state, reason, status, "", body.get("trade_no"), raw=body, **extra)
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

    def refund(self, order: Order, out_refund_no: str, amount_fen: int) -> RefundAnswer:
        """alipay.trade.refund with out_request_no = the till's out_refund_no."""
        try:
            body = self._client(order.booth_key).api_alipay_trade_refund(
                _yuan(amount_fen), out_trade_no=order.out_trade_no, out_request_no=out_refund_no
            )
        except Exception as exc:
            return no_refund_answer(exc)
        code, sub = body.get("code", ""), body.get("sub_code", "")
        detail = body.get("sub_msg") or body.get("msg", "")
        if code == "10000":
            state = "done" if body.get("fund_change") == "Y" else "pending"
            return RefundAnswer(state, code, detail, body.get("trade_no"), raw=body)
        if code == "40004" and sub not in UNKNOWN:
            return RefundAnswer("failed", sub, detail, raw=body)
        return RefundAnswer("pending", sub or code, detail, raw=body)

    def refund_query(self, order: Order, out_refund_no: str) -> RefundAnswer:
        """alipay.trade.fastpay.refund.query: no refund_status means no such refund."""
        try:
            body = self._client(order.booth_key).api_alipay_trade_fastpay_refund_query(
                out_refund_no, out_trade_no=order.out_trade_no
            )
        except Exception as exc:
            return no_refund_answer(exc)
        code = body.get("code", "")
        status = body.get("refund_status")
        if code == "10000" and status == "REFUND_SUCCESS":
            return RefundAnswer("done", status, "", body.get("trade_no"), raw=body)
        if code == "10000" and not status:
            return RefundAnswer("pending", "NOT_EXIST", "", absent=True, raw=body)
        return RefundAnswer("pending", status or code, body.get("sub_msg", ""), raw=body)

    def bill(self, day: str, booth_key: str, merchant: str) -> list[BillLine]:
        """The booth's trade bill of ``day``: alipay.data.dataservice.bill.downloadurl.query
        (with its app auth token), then the zip it points to."""
        import requests

        client = self._client(booth_key)
        data = client.build_body(
            "alipay.data.dataservice.bill.downloadurl.query",
            {"bill_type": "trade", "bill_date": day},
        )
        body = client.verified_sync_response(
            data, "alipay_data_dataservice_bill_downloadurl_query_response"
        )
        if body.get("code") != "10000" or not body.get("bill_download_url"):
            raise bills.BillError(
                f"Alipay gave no bill for {merchant} on {day}: {body.get('sub_code') or body.get('code')} {body.get('sub_msg', '')}"
            )
        answer = requests.get(body["bill_download_url"], timeout=self._timeout)
        if answer.status_code != 200:
            raise bills.BillError(f"Alipay's bill for {merchant} on {day} could not be downloaded ({answer.status_code})")  # fmt: skip
        return bills.alipay_bill(answer.content, merchant)


def subsidy_of(body: dict) -> dict:
    """customer_paid_fen and vouchers from a paid trade (buyer_pay_amount and
    voucher_detail_list; a voucher others fund is the campaign's)."""
    vouchers = []
    for item in body.get("voucher_detail_list") or ():
        try:
            amount = bills.fen(str(item.get("amount", "")))
        except (bills.BillError, AttributeError):
            continue
        if bills.fen(str(item.get("other_contribute") or "0")):
            funder = "campaign"
        elif bills.fen(str(item.get("merchant_contribute") or "0")):
            funder = "merchant"
        else:
            funder = "provider"
        vouchers.append(
            {
                "id": str(item.get("id", ""))[:64] or "?",
                "name": str(item.get("name", ""))[:100],
                "amount_fen": amount,
                "funder": funder,
            }
        )
    try:
        paid = bills.fen(body["buyer_pay_amount"]) if "buyer_pay_amount" in body else None
    except bills.BillError:
        paid = None
    return {"customer_paid_fen": paid, "vouchers": tuple(vouchers)}


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"
