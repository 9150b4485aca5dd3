"""A WeChat Pay and Alipay gateway simulator on 127.0.0.1, for the tests, the demo and the
benchmark (``booth-pos-server payments simulate``).

It speaks the gateways' HTTP closely enough for the real adapters (and their SDKs) to
talk to it by changing only the base URL: WeChat Pay API v3 code payments for service
providers (requests signed ``WECHATPAY2-SHA256-RSA2048`` with the merchant key, answers
signed with the platform key), and Alipay's ``gateway.do`` (RSA2 both ways). The amount
picks the scenario, as WeChat's own sandbox does (:data:`SCENARIOS`, docs/payments.md).
It keeps a ledger of the money it holds per order (``GET /_sim/ledger``).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import secrets
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

#: amount_fen -> scenario. Every other amount is paid at once.
SCENARIOS = {
    101: "waiting_then_paid",  # the customer confirms after 2 queries
    102: "waiting_forever",  # never confirms: closed at the simulator's limit
    103: "insufficient_balance",
    104: "invalid_code",
    105: "code_used",
    106: "system_error_then_paid",  # the pay call answers a system error; the order is paid
    107: "answer_lost",  # paid, then the connection is dropped before the answer
    108: "reverse_races_payment",  # waiting; the payment completes just before a reverse
}
QUERIES_BEFORE_PAID = 2

#: Vouchers (消费券) the simulator grants, by the amount's last two digits (fen), for an
#: amount of at least ``min_fen``: (id, name, amount_fen, funder) of each.
VOUCHER_RULES = {
    44: (4000, (("CP-MAN40JIAN10", "满40减10", 1000, "campaign"),)),
    88: (2000, (("CP-MAN20JIAN5", "满20减5", 500, "campaign"), ("PROVIDER-LIJIAN1", "立减1元", 100, "provider"))),
}  # fmt: skip
#: refund amount_fen -> scenario; every other refund is done at once.
REFUND_SCENARIOS = {
    111: "refused",  # the customer's account is abnormal: the gateway refuses
    112: "pending_then_done",  # processing at first, done at the next query
}

SP_MCHID = "1900000100"
SP_APPID = "wx00000000000000s1"
MERCHANT_SERIAL = "5157F09EFDC096DE15EBE81A47057A72SIM"
PLATFORM_KEY_ID = "PUB_KEY_ID_0000000000000000000000SIM"
ALIPAY_APP_ID = "2021000000000001"

#: file -> whether it is a secret (written 0600); HQ's side and the simulator's side.
KEY_FILES = (
    "wechat_merchant_key.pem",
    "wechat_platform_key.pem",
    "alipay_app_key.pem",
    "alipay_platform_key.pem",
)


# --- keys ------------------------------------------------------------------------------------


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    path.chmod(0o600)


def ensure_keys(folder: Path) -> None:
    """Create the demo key pairs in ``folder`` (once): HQ's merchant keys, the simulated
    gateways' own keys, and their public halves."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name in KEY_FILES:
        key_path = folder / name
        if key_path.exists():
            continue
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        _write_private(
            key_path,
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
        )
        public = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        (folder / name.replace("_key.pem", "_public.pem")).write_bytes(public)
    apiv3 = folder / "wechat_apiv3_key.txt"
    if not apiv3.exists():
        _write_private(apiv3, secrets.token_hex(16).encode())


def write_hq_config(folder: Path, url: str) -> Path:
    """HQ's payments settings (BOOTH_POS_SERVER_PAYMENTS_CONFIG) for this simulator."""
    ensure_keys(folder)
    text = f"""# HQ's payments settings for the gateway simulator at {url}
[wechat]
base_url = "{url}"
sp_mchid = "{SP_MCHID}"
sp_appid = "{SP_APPID}"
merchant_serial_no = "{MERCHANT_SERIAL}"
merchant_private_key_file = "wechat_merchant_key.pem"
apiv3_key_file = "wechat_apiv3_key.txt"
platform_public_key_file = "wechat_platform_public.pem"
platform_public_key_id = "{PLATFORM_KEY_ID}"

[alipay]
base_url = "{url}/gateway.do"
app_id = "{ALIPAY_APP_ID}"
app_private_key_file = "alipay_app_key.pem"
alipay_public_key_file = "alipay_platform_public.pem"
"""
    path = folder / "payments.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _load_private(path: Path):
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def _load_public(path: Path):
    return serialization.load_pem_public_key(path.read_bytes())


def _sign(key, text: str) -> str:
    signature = key.sign(text.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode()


def _verify(key, text: str, signature: str) -> bool:
    try:
        key.verify(
            base64.b64decode(signature), text.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256()
        )
    except (InvalidSignature, ValueError):
        return False
    return True


# --- the ledger ------------------------------------------------------------------------------


@dataclass
class SimOrder:
    provider: str
    out_trade_no: str
    merchant: str  # WeChat sub_mchid, or the Alipay booth's app_auth_token (masked)
    amount_fen: int
    scenario: str
    state: str  # PAYING, PAID, FAILED, CLOSED, REVOKED
    transaction_id: str
    created: float
    queries: int = 0
    collected_fen: int = 0
    refunded_fen: int = 0
    failure: str = ""
    answered: bool = False  # the first pay call of a scenario that misbehaves once
    vouchers: tuple = ()  # (id, name, amount_fen, funder) granted when paid
    day: str = ""  # the bill day (Asia/Shanghai) of the payment
    in_bill: bool = True  # False: dropped from the bill (a sale with no money, for tests)

    @property
    def subsidy_fen(self) -> int:
        return sum(v[2] for v in self.vouchers) if self.collected_fen else 0


@dataclass
class SimRefund:
    provider: str
    out_refund_no: str
    out_trade_no: str
    amount_fen: int
    state: str  # PROCESSING, SUCCESS, ABNORMAL (refused)
    refund_id: str
    subsidy_fen: int  # what went back to the vouchers
    day: str
    queries: int = 0


class Ledger:
    """Every order the simulator saw and the money it holds, behind one lock."""

    def __init__(self, limits: dict[str, float]):
        self.limits = limits
        self.lock = threading.Lock()
        self.orders: dict[tuple[str, str], SimOrder] = {}
        self.refunds: dict[tuple[str, str], SimRefund] = {}
        #: bill lines of money no sale asked for (injected by tests: money with no sale)
        self.extra_orders: list[SimOrder] = []
        self.used_codes: set[str] = set()
        self.tombstones: set[tuple[str, str]] = set()
        self.calls: Counter = Counter()
        self.counter = 0
        #: a slow gateway: seconds between committing a payment and answering the pay call
        self.answer_delay_s = 0.0
        #: set when a pay call has been committed (tests wait on it to crash HQ mid-call)
        self.pay_committed = threading.Event()

    def reset(self) -> None:
        with self.lock:
            self.orders.clear()
            self.refunds.clear()
            self.extra_orders.clear()
            self.used_codes.clear()
            self.tombstones.clear()
            self.calls.clear()
            self.answer_delay_s = 0.0
            self.pay_committed.clear()

    def snapshot(self) -> dict:
        with self.lock:
            orders = [
                asdict(o)
                | {"money_fen": o.collected_fen - o.refunded_fen, "subsidy_fen": o.subsidy_fen}
                for o in self.orders.values()
            ]
            refunds = [asdict(r) for r in self.refunds.values()]
            calls = dict(self.calls)
        for order in orders:
            order.pop("created")
        return {
            "orders": orders,
            "calls": calls,
            "total_calls": sum(calls.values()),
            "money_fen": sum(o["money_fen"] for o in orders),
            "waiting": sum(1 for o in orders if o["state"] == "PAYING"),
            "refunds": refunds,
        }

    def _tick(self, order: SimOrder) -> None:
        """Time and queries move a waiting order on."""
        if order.state != "PAYING":
            return
        if order.scenario == "waiting_then_paid" and order.queries >= QUERIES_BEFORE_PAID:
            self._collect(order)
        elif time.monotonic() - order.created > self.limits[order.provider]:
            order.state = "CLOSED"

    def _collect(self, order: SimOrder) -> None:
        order.state = "PAID"
        order.collected_fen = order.amount_fen
        order.vouchers = vouchers_for(order.amount_fen)

    # -- refunds --

    def refund(self, provider: str, no: str, refund_no: str, amount: int) -> SimRefund | str:
        """A refund of a paid order under the merchant's refund number (the same number
        again is the same refund), or why it is refused (an error code)."""
        with self.lock:
            self.calls[f"{provider}.refund"] += 1
            existing = self.refunds.get((provider, refund_no))
            if existing is not None:
                return existing
            order = self.orders.get((provider, no))
            if order is None or order.state != "PAID":
                return "TRADE_NOT_EXIST"
            if amount <= 0 or amount > order.collected_fen - order.refunded_fen:
                return "AMOUNT_EXCEEDED"
            scenario = REFUND_SCENARIOS.get(amount, "done")
            if scenario == "refused":
                return "ACCOUNT_ABNORMAL"
            self.counter += 1
            refund = SimRefund(
                provider, refund_no, no, amount,
                "PROCESSING" if scenario == "pending_then_done" else "SUCCESS",
                f"50{time.strftime('%Y%m%d')}{self.counter:014d}",
                order.subsidy_fen * amount // order.amount_fen, bill_day(),
            )  # fmt: skip
            order.refunded_fen += amount
            self.refunds[(provider, refund_no)] = refund
            return refund

    def refund_query(self, provider: str, refund_no: str) -> SimRefund | None:
        with self.lock:
            self.calls[f"{provider}.refund_query"] += 1
            refund = self.refunds.get((provider, refund_no))
            if refund is not None:
                refund.queries += 1
                if refund.state == "PROCESSING" and refund.queries >= 1:
                    refund.state = "SUCCESS"
            return refund

    # -- what tests inject, and the daily bills --

    def inject(self, provider: str, merchant: str, out_trade_no: str, amount: int) -> None:
        """Money with no sale (单边账): a paid order only the bill knows of."""
        with self.lock:
            self.counter += 1
            order = SimOrder(
                provider, out_trade_no, merchant, amount, "paid", "PAID",
                f"4200{time.strftime('%Y%m%d')}{self.counter:012d}", time.monotonic(),
                collected_fen=amount, day=bill_day(),
            )  # fmt: skip
            self.extra_orders.append(order)

    def drop_from_bill(self, provider: str, out_trade_no: str) -> bool:
        """A sale with no money: the provider's bill leaves this paid order out."""
        with self.lock:
            order = self.orders.get((provider, out_trade_no))
            if order is None:
                return False
            order.in_bill = False
            return True

    def bill(self, provider: str, day: str, merchant: str | None = None) -> tuple[list, list]:
        """The orders and refunds of a bill day (one merchant, or all of them)."""
        with self.lock:
            orders = [
                o for o in [*self.orders.values(), *self.extra_orders]
                if o.provider == provider and o.day == day and o.in_bill
                and o.state in ("PAID", "REVOKED") and o.collected_fen
                and (merchant is None or o.merchant == merchant)
            ]  # fmt: skip
            merchants = {(o.provider, o.out_trade_no): o.merchant for o in self.orders.values()}
            refunds = [
                r for r in self.refunds.values()
                if r.provider == provider and r.day == day and r.state == "SUCCESS"
                and (merchant is None or merchants.get((provider, r.out_trade_no)) == merchant)
            ]  # fmt: skip
            return orders, refunds

    def pay(self, provider: str, no: str, merchant: str, amount: int, code: str) -> SimOrder:
        """The order after a pay call (an existing order is returned as it stands)."""
        with self.lock:
            self.calls[f"{provider}.pay"] += 1
            key = (provider, no)
            order = self.orders.get(key)
            if order is not None:
                self._tick(order)
                return order
            self.counter += 1
            prefix = "4200" if provider == "wechat" else "2026"
            order = SimOrder(
                provider, no, merchant, amount, SCENARIOS.get(amount, "paid"), "PAYING",
                f"{prefix}{time.strftime('%Y%m%d')}{self.counter:012d}", time.monotonic(),
                day=bill_day(),
            )  # fmt: skip
            if key in self.tombstones:
                order.state, order.failure = "CLOSED", "reversed"
            elif order.scenario in ("insufficient_balance", "invalid_code"):
                order.state, order.failure = "FAILED", order.scenario
            elif order.scenario == "code_used" or code in self.used_codes:
                order.state, order.failure = "FAILED", "code_used"
            else:
                self.used_codes.add(code)
                if order.scenario in ("paid", "system_error_then_paid", "answer_lost"):
                    self._collect(order)
            self.orders[key] = order
        self.pay_committed.set()
        if self.answer_delay_s:
            time.sleep(self.answer_delay_s)  # the gateway is slow to answer, not the test
        return order

    def query(self, provider: str, no: str) -> SimOrder | None:
        with self.lock:
            self.calls[f"{provider}.query"] += 1
            order = self.orders.get((provider, no))
            if order is not None:
                order.queries += 1
                self._tick(order)
            return order

    def cancel(self, provider: str, no: str) -> SimOrder | None:
        """Revoke: an unpaid order closes, a paid one is refunded in full."""
        with self.lock:
            self.calls[f"{provider}.cancel"] += 1
            order = self.orders.get((provider, no))
            if order is None:
                self.tombstones.add((provider, no))  # a pay arriving later is refused
                return None
            self._tick(order)
            if order.state == "PAYING" and order.scenario == "reverse_races_payment":
                self._collect(order)  # the customer confirmed a moment before the reverse
            if order.state == "PAID":
                order.refunded_fen = order.collected_fen
            if order.state in ("PAYING", "PAID", "FAILED"):
                order.state = "REVOKED"
            return order


def vouchers_for(amount_fen: int) -> tuple:
    """The vouchers the simulator grants a payment of this amount (:data:`VOUCHER_RULES`)."""
    rule = VOUCHER_RULES.get(amount_fen % 100)
    if rule is None or amount_fen < rule[0]:
        return ()
    return rule[1]


BILL_ZONE = "Asia/Shanghai"


def bill_day(moment: float | None = None) -> str:
    """The providers' bill day of a moment: its date in China (UTC+8)."""
    return time.strftime("%Y-%m-%d", time.gmtime((moment or time.time()) + 8 * 3600))


def bill_time(moment: float | None = None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime((moment or time.time()) + 8 * 3600))


# --- HTTP ------------------------------------------------------------------------------------

WECHAT_FAILURES = {
    "insufficient_balance": (403, "NOT_ENOUGH", "用户余额不足"),
    "invalid_code": (400, "AUTH_CODE_INVALID", "付款码无效，请用户刷新后重新扫码"),
    "code_used": (400, "AUTHCODEEXPIRE", "付款码已使用或已过期，请用户刷新后重新扫码"),
    "reversed": (400, "ORDER_REVERSED", "订单已撤销"),
}
ALIPAY_FAILURES = {
    "insufficient_balance": ("ACQ.BUYER_BALANCE_NOT_ENOUGH", "买家余额不足"),
    "invalid_code": ("ACQ.PAYMENT_AUTH_CODE_INVALID", "支付失败，获取顾客账户信息失败"),
    "code_used": ("ACQ.PAYMENT_AUTH_CODE_INVALID", "付款码已使用或已过期"),
    "reversed": ("ACQ.TRADE_HAS_CLOSE", "交易已经关闭"),
}
WECHAT_QUERY = {"PAID": "SUCCESS", "PAYING": "USERPAYING", "FAILED": "PAYERROR", "CLOSED": "CLOSED", "REVOKED": "REVOKED"}  # fmt: skip
ALIPAY_QUERY = {"PAID": "TRADE_SUCCESS", "PAYING": "WAIT_BUYER_PAY", "CLOSED": "TRADE_CLOSED", "REVOKED": "TRADE_CLOSED"}  # fmt: skip


class Keys:
    def __init__(self, folder: Path):
        ensure_keys(folder)
        self.wechat_merchant = _load_public(folder / "wechat_merchant_public.pem")
        self.wechat_platform = _load_private(folder / "wechat_platform_key.pem")
        self.alipay_app = _load_public(folder / "alipay_app_public.pem")
        self.alipay_platform = _load_private(folder / "alipay_platform_key.pem")


class Handler(BaseHTTPRequestHandler):
    server: SimulatorServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass  # request lines carry payment codes and tokens: the simulator logs nothing

    # -- plumbing --

    def _body(self) -> str:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length).decode("utf-8") if length else ""

    def _send(self, status: int, body: str, headers: dict | None = None) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the caller died
            self.wfile.write(data)

    def _send_bytes(self, status: int, data: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(data)

    def _sim_change(self, path: str, body: str) -> None:
        """Tests inject money with no sale, or drop a paid order from its bill."""
        try:
            data = json.loads(body or "{}")
            provider, no = data["provider"], data["out_trade_no"]
        except (ValueError, KeyError, TypeError):
            return self._send(400, '{"code":"PARAM_ERROR"}')
        ledger = self.server.ledger
        if path == "/_sim/inject":
            ledger.inject(provider, str(data.get("merchant", "")), no, int(data["amount_fen"]))
            return self._send(200, "{}")
        found = ledger.drop_from_bill(provider, no)
        return self._send(200 if found else 404, json.dumps({"dropped": found}))

    def _bill_file(self, data: bytes, content_type: str) -> str:
        key = secrets.token_hex(16)
        self.server.bill_files[key] = (data, content_type)
        host = self.server.server_address
        return f"http://{host[0]}:{host[1]}/_sim/billfile/{key}"

    def _drop(self) -> None:
        """Commit done, answer lost: close the connection without a word."""
        self.close_connection = True

    def do_GET(self):
        self._route("GET")

    def do_POST(self):
        self._route("POST")

    def _route(self, method: str) -> None:
        path = urlsplit(self.path).path
        body = self._body()
        if path == "/_sim/ledger":
            return self._send(200, json.dumps(self.server.ledger.snapshot(), ensure_ascii=False))
        if path == "/_sim/reset" and method == "POST":
            self.server.ledger.reset()
            return self._send(200, "{}")
        if path in ("/_sim/inject", "/_sim/drop") and method == "POST":
            return self._sim_change(path, body)
        if path.startswith("/_sim/billfile/"):
            data = self.server.bill_files.pop(path.rsplit("/", 1)[-1], None)
            if data is None:
                return self._send(404, '{"code":"NOT_FOUND"}')
            return self._send_bytes(200, data[0], data[1])
        if path == "/gateway.do":
            return self._alipay(method, body)
        if path.startswith(("/v3/pay/partner/transactions/", "/v3/refund/", "/v3/bill/")):
            return self._wechat(method, body)
        self._send(404, json.dumps({"code": "NOT_FOUND", "message": "no such API"}))

    # -- WeChat Pay v3 --

    def _wechat_send(self, status: int, payload: dict) -> None:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        stamp, nonce = str(int(time.time())), secrets.token_hex(16).upper()
        signature = _sign(self.server.keys.wechat_platform, f"{stamp}\n{nonce}\n{body}\n")
        self._send(
            status,
            body,
            {
                "Wechatpay-Timestamp": stamp,
                "Wechatpay-Nonce": nonce,
                "Wechatpay-Signature": signature,
                "Wechatpay-Serial": PLATFORM_KEY_ID,
                "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
            },
        )

    def _wechat_signed(self, method: str, body: str) -> bool:
        auth = self.headers.get("Authorization", "")
        scheme, _, rest = auth.partition(" ")
        fields = dict(
            (k.strip(), v.strip().strip('"'))
            for k, _, v in (p.partition("=") for p in rest.split(","))
        )
        if scheme != "WECHATPAY2-SHA256-RSA2048" or fields.get("mchid") != SP_MCHID:
            return False
        message = (
            f"{method}\n{self.path}\n{fields.get('timestamp')}\n{fields.get('nonce_str')}\n{body}\n"
        )
        return _verify(self.server.keys.wechat_merchant, message, fields.get("signature", ""))

    def _wechat(self, method: str, body: str) -> None:
        if not self._wechat_signed(method, body):
            return self._wechat_send(401, {"code": "SIGN_ERROR", "message": "签名错误"})
        ledger = self.server.ledger
        path = urlsplit(self.path).path
        try:
            data = json.loads(body) if body else {}
        except ValueError:
            return self._wechat_send(400, {"code": "PARAM_ERROR", "message": "JSON"})
        query = dict(parse_qsl(urlsplit(self.path).query))
        if path == "/v3/refund/domestic/refunds" and method == "POST":
            return self._wechat_refund(data)
        if path.startswith("/v3/refund/domestic/refunds/") and method == "GET":
            refund = ledger.refund_query("wechat", path.rsplit("/", 1)[-1])
            if refund is None:
                return self._wechat_send(404, {"code": "RESOURCE_NOT_EXISTS", "message": "退款单不存在"})  # fmt: skip
            return self._wechat_send(200, _wechat_refund(refund, query.get("sub_mchid", "")))
        if path == "/v3/bill/tradebill" and method == "GET":
            day = query.get("bill_date", "")
            text = wechat_tradebill(ledger, day, query.get("sub_mchid"))
            url = self._bill_file(text.encode("utf-8"), "text/plain; charset=utf-8")
            digest = hashlib.sha1(text.encode("utf-8")).hexdigest()
            return self._wechat_send(200, {"hash_type": "SHA1", "hash_value": digest, "download_url": url})  # fmt: skip
        if method == "POST" and path.endswith("/codepay"):
            code = (data.get("payer") or {}).get("auth_code", "")
            amount = (data.get("amount") or {}).get("total")
            if not (data.get("sub_mchid") and data.get("out_trade_no") and isinstance(amount, int) and code):  # fmt: skip
                return self._wechat_send(400, {"code": "PARAM_ERROR", "message": "参数错误"})
            order = ledger.pay("wechat", data["out_trade_no"], data["sub_mchid"], amount, code)
            return self._wechat_pay_answer(order)
        no = path.split("/out-trade-no/", 1)[-1]
        if method == "POST" and no.endswith("/reverse"):
            order = ledger.cancel("wechat", no.removesuffix("/reverse"))
            return self._wechat_send(200, {"out_trade_no": no.removesuffix("/reverse")})
        if method == "GET" and "/out-trade-no/" in path:
            order = ledger.query("wechat", no)
            if order is None:
                return self._wechat_send(404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"})
            return self._wechat_send(200, _wechat_order(order))
        self._wechat_send(404, {"code": "NOT_FOUND", "message": "no such API"})

    def _wechat_refund(self, data: dict) -> None:
        amount = (data.get("amount") or {}).get("refund")
        if not (data.get("sub_mchid") and data.get("out_trade_no") and data.get("out_refund_no") and isinstance(amount, int)):  # fmt: skip
            return self._wechat_send(400, {"code": "PARAM_ERROR", "message": "参数错误"})
        refund = self.server.ledger.refund(
            "wechat", data["out_trade_no"], data["out_refund_no"], amount
        )
        if isinstance(refund, str):
            status, code, message = WECHAT_REFUND_FAILURES[refund]
            return self._wechat_send(status, {"code": code, "message": message})
        self._wechat_send(200, _wechat_refund(refund, data["sub_mchid"]))

    def _wechat_pay_answer(self, order: SimOrder) -> None:
        first = order.queries == 0
        if order.state == "FAILED" or (order.state == "CLOSED" and order.failure):
            status, code, message = WECHAT_FAILURES[order.failure]
            return self._wechat_send(status, {"code": code, "message": message})
        if first and order.scenario == "answer_lost" and not order.answered:
            order.answered = True  # the next pay call with this number is answered
            return self._drop()
        if first and order.scenario == "system_error_then_paid" and not order.answered:  # fmt: skip
            order.answered = True
            return self._wechat_send(500, {"code": "SYSTEM_ERROR", "message": "系统繁忙"})
        if order.state == "PAYING":
            return self._wechat_send(202, {"code": "USERPAYING", "message": "需要用户输入支付密码"})
        self._wechat_send(200, _wechat_order(order))

    # -- Alipay --

    def _alipay_send(self, method: str, payload: dict) -> None:
        inner = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        signature = _sign(self.server.keys.alipay_platform, inner)
        name = method.replace(".", "_") + "_response"
        self._send(200, f'{{"{name}":{inner},"sign":"{signature}"}}')

    def _alipay(self, http_method: str, body: str) -> None:
        params = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
        if http_method == "POST" and body:
            params.update(parse_qsl(body, keep_blank_values=True))
        method = params.get("method", "")
        signature = params.pop("sign", "")
        text = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
        if params.get("app_id") != ALIPAY_APP_ID or not _verify(
            self.server.keys.alipay_app, text, signature
        ):
            return self._alipay_send(method or "error", {"code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.invalid-signature", "sub_msg": "验签出错"})  # fmt: skip
        try:
            biz = json.loads(params.get("biz_content") or "{}")
        except ValueError:
            biz = {}
        token = params.get("app_auth_token", "")
        no = biz.get("out_trade_no", "")
        ledger = self.server.ledger
        if method == "alipay.data.dataservice.bill.downloadurl.query" and token:
            data = alipay_bill_zip(ledger, biz.get("bill_date", ""), "****" + token[-4:])
            url = self._bill_file(data, "application/zip")
            return self._alipay_send(method, {"code": "10000", "msg": "Success", "bill_download_url": url})  # fmt: skip
        if method == "alipay.trade.refund" and token and no:
            try:
                amount = _fen(biz.get("refund_amount", ""))
            except ValueError:
                return self._alipay_send(method, _alipay_fail("ACQ.INVALID_PARAMETER", "金额无效"))
            refund = ledger.refund("alipay", no, biz.get("out_request_no") or no, amount)
            if isinstance(refund, str):
                return self._alipay_send(method, _alipay_fail(*ALIPAY_REFUND_FAILURES[refund]))
            return self._alipay_send(method, _alipay_refund(refund) | {"fund_change": "Y" if refund.state == "SUCCESS" else "N"})  # fmt: skip
        if method == "alipay.trade.fastpay.refund.query" and token and no:
            refund = ledger.refund_query("alipay", biz.get("out_request_no", ""))
            if refund is None:
                return self._alipay_send(method, {"code": "10000", "msg": "Success", "out_trade_no": no})  # fmt: skip
            return self._alipay_send(method, _alipay_refund(refund) | {"refund_status": "REFUND_SUCCESS" if refund.state == "SUCCESS" else "REFUND_PROCESSING"})  # fmt: skip
        if not token or not no:
            return self._alipay_send(method, _alipay_fail("ACQ.INVALID_PARAMETER", "参数无效"))
        if method == "alipay.trade.pay":
            try:
                amount = _fen(biz.get("total_amount", ""))
            except ValueError:
                return self._alipay_send(method, _alipay_fail("ACQ.INVALID_PARAMETER", "金额无效"))
            if biz.get("scene") != "bar_code" or not biz.get("auth_code"):
                return self._alipay_send(method, _alipay_fail("ACQ.INVALID_PARAMETER", "参数无效"))
            merchant = "****" + token[-4:]
            order = ledger.pay("alipay", no, merchant, amount, biz["auth_code"])
            return self._alipay_pay_answer(method, order)
        if method == "alipay.trade.query":
            order = ledger.query("alipay", no)
            if order is None or order.state == "FAILED":
                return self._alipay_send(method, _alipay_fail("ACQ.TRADE_NOT_EXIST", "交易不存在"))
            return self._alipay_send(method, _alipay_order(order) | {"trade_status": ALIPAY_QUERY[order.state]})  # fmt: skip
        if method == "alipay.trade.cancel":
            order = ledger.cancel("alipay", no)
            action = "refund" if order is not None and order.refunded_fen else "close"
            return self._alipay_send(method, {"code": "10000", "msg": "Success", "out_trade_no": no, "retry_flag": "N", "action": action})  # fmt: skip
        self._alipay_send(method or "error", _alipay_fail("ACQ.INVALID_PARAMETER", "不支持的接口"))

    def _alipay_pay_answer(self, method: str, order: SimOrder) -> None:
        first = order.queries == 0
        if order.state == "FAILED" or (order.state == "CLOSED" and order.failure):
            sub_code, message = ALIPAY_FAILURES[order.failure]
            return self._alipay_send(method, _alipay_fail(sub_code, message))
        if first and order.scenario == "answer_lost" and not order.answered:
            order.answered = True
            return self._drop()
        if first and order.scenario == "system_error_then_paid" and not order.answered:  # fmt: skip
            order.answered = True
            return self._alipay_send(method, {"code": "20000", "msg": "Service Currently Unavailable", "sub_code": "aop.ACQ.SYSTEM_ERROR", "sub_msg": "系统繁忙"})  # fmt: skip
        if order.state == "PAYING":
            return self._alipay_send(method, _alipay_order(order) | {"code": "10003", "msg": "Waiting Payment"})  # fmt: skip
        if order.state in ("CLOSED", "REVOKED"):
            return self._alipay_send(method, _alipay_fail("ACQ.TRADE_HAS_CLOSE", "交易已经关闭"))
        self._alipay_send(method, _alipay_order(order))


WECHAT_REFUND_FAILURES = {
    "ACCOUNT_ABNORMAL": (403, "USER_ACCOUNT_ABNORMAL", "退款请求失败：用户账户异常"),
    "AMOUNT_EXCEEDED": (400, "INVALID_REQUEST", "申请退款金额超过订单可退金额"),
    "TRADE_NOT_EXIST": (404, "RESOURCE_NOT_EXISTS", "订单不存在"),
}
ALIPAY_REFUND_FAILURES = {
    "ACCOUNT_ABNORMAL": ("ACQ.BUYER_ERROR", "买家账户异常"),
    "AMOUNT_EXCEEDED": ("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限"),
    "TRADE_NOT_EXIST": ("ACQ.TRADE_NOT_EXIST", "交易不存在"),
}


def _wechat_refund(refund: SimRefund, sub_mchid: str) -> dict:
    return {
        "refund_id": refund.refund_id,
        "out_refund_no": refund.out_refund_no,
        "out_trade_no": refund.out_trade_no,
        "sub_mchid": sub_mchid,
        "status": refund.state,
        "user_received_account": "支付用户零钱",
        "amount": {
            "refund": refund.amount_fen,
            "payer_refund": refund.amount_fen - refund.subsidy_fen,
            "discount_refund": refund.subsidy_fen,
            "currency": "CNY",
        },
    }


def _alipay_refund(refund: SimRefund) -> dict:
    return {
        "code": "10000",
        "msg": "Success",
        "out_trade_no": refund.out_trade_no,
        "out_request_no": refund.out_refund_no,
        "trade_no": refund.refund_id,
        "refund_amount": _yuan(refund.amount_fen),
        "refund_fee": _yuan(refund.amount_fen),
    }


def _yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


WECHAT_BILL_HEADER = (
    "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,"
    "交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,"
    "充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"
)


def wechat_tradebill(ledger: Ledger, day: str, sub_mchid: str | None) -> str:
    """A WeChat Pay v3 trade bill (bill_type ALL) as the provider writes it: a header, one
    line per payment and per refund with every field prefixed by a backtick, then the
    summary header and its line."""
    orders, refunds = ledger.bill("wechat", day, sub_mchid or None)
    merchants = {o.out_trade_no: o for o in orders}
    with ledger.lock:
        merchants |= {o.out_trade_no: o for o in ledger.orders.values() if o.provider == "wechat"}
    lines = [WECHAT_BILL_HEADER]
    settled = refunded = 0
    for o in orders:
        status = "SUCCESS" if o.state == "PAID" else "REVOKED"
        fields = [
            f"{day} 10:00:00", SP_APPID, SP_MCHID, o.merchant, "", o.transaction_id, o.out_trade_no,
            "oSIMuser", "MICROPAY", status, "OTHERS", "CNY", _yuan(o.amount_fen),
            _yuan(o.subsidy_fen), "0", "0", "0.00", "0.00", "", "", "奉节脐橙", "", "0.00000",
            "0.60%", _yuan(o.amount_fen), "0.00", "",
        ]  # fmt: skip
        settled += o.amount_fen if status == "SUCCESS" else 0
        lines.append(",".join("`" + f for f in fields))
    for r in refunds:
        o = merchants.get(r.out_trade_no)
        fields = [
            f"{day} 11:00:00", SP_APPID, SP_MCHID, o.merchant if o else "", "",
            o.transaction_id if o else "", r.out_trade_no, "oSIMuser", "MICROPAY", "REFUND",
            "OTHERS", "CNY", "0.00", "0.00", r.refund_id, r.out_refund_no, _yuan(r.amount_fen),
            _yuan(r.subsidy_fen), "ORIGINAL", "SUCCESS", "奉节脐橙", "", "0.00000", "0.60%",
            _yuan(o.amount_fen if o else 0), _yuan(r.amount_fen), "",
        ]  # fmt: skip
        refunded += r.amount_fen
        lines.append(",".join("`" + f for f in fields))
    lines.append(
        "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
    )
    summary = [str(len(orders) + len(refunds)), _yuan(settled), _yuan(refunded), "0.00", "0.00000", _yuan(settled), _yuan(refunded)]  # fmt: skip
    lines.append(",".join("`" + f for f in summary))
    return "\r\n".join(lines) + "\r\n"


ALIPAY_BILL_HEADER = (
    "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,"
    "终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,"
    "商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,"
    "退款批次号/请求号,服务费（元）,分润（元）,备注"
)
ALIPAY_PID = "2088000000000001"


def alipay_bill_zip(ledger: Ledger, day: str, merchant: str) -> bytes:
    """An Alipay trade bill as alipay.data.dataservice.bill.downloadurl.query points to: a
    zip of two GBK CSV files (the details and the summary) with '#' comment lines."""
    import io
    import zipfile

    orders, refunds = ledger.bill("alipay", day, merchant)
    orders = [o for o in orders if o.state == "PAID"]
    by_no = {o.out_trade_no: o for o in orders}
    with ledger.lock:
        by_no |= {o.out_trade_no: o for o in ledger.orders.values() if o.provider == "alipay"}
    compact = day.replace("-", "")
    rows = [
        "#支付宝业务明细查询",
        f"#账号：[{ALIPAY_PID}0156]",
        f"#起始日期：[{day[:4]}年{day[5:7]}月{day[8:10]}日 00:00:00]   终止日期：[{day[:4]}年{day[5:7]}月{day[8:10]}日 23:59:59]",
        "#-----------------------------------------业务明细列表----------------------------------------",
        ALIPAY_BILL_HEADER,
    ]
    income = back = 0
    for o in orders:
        campaign = sum(v[2] for v in o.vouchers if v[3] == "campaign")
        provider = sum(v[2] for v in o.vouchers if v[3] == "provider")
        merchant_off = sum(v[2] for v in o.vouchers if v[3] == "merchant")
        names = "|".join(v[1] for v in o.vouchers if v[3] == "campaign")
        fields = [
            o.transaction_id, o.out_trade_no, "交易", "奉节脐橙", f"{day} 10:00:00",
            f"{day} 10:00:01", "", "", "", "", "sim***@example.com", _yuan(o.amount_fen),
            _yuan(o.amount_fen), "0.00", "0.00", _yuan(provider), _yuan(merchant_off),
            _yuan(campaign), names, "0.00", "0.00", "", "0.00", "0.00", "",
        ]  # fmt: skip
        income += o.amount_fen
        rows.append(",".join(f + "\t" for f in fields))
    for r in refunds:
        o = by_no.get(r.out_trade_no)
        fields = [
            o.transaction_id if o else "", r.out_trade_no, "退款", "奉节脐橙", f"{day} 11:00:00",
            f"{day} 11:00:01", "", "", "", "", "sim***@example.com", _yuan(-r.amount_fen),
            _yuan(-r.amount_fen), "0.00", "0.00", "0.00", "0.00", _yuan(-r.subsidy_fen), "",
            "0.00", "0.00", r.out_refund_no, "0.00", "0.00", "",
        ]  # fmt: skip
        back += r.amount_fen
        rows.append(",".join(f + "\t" for f in fields))
    rows += [
        "#-----------------------------------------业务明细列表结束------------------------------------",
        f"#交易合计：{len(orders)}笔，商家实收共{_yuan(income)}元，商家优惠共0.00元",
        f"#退款合计：{len(refunds)}笔，商家实收退款共{_yuan(-back)}元，商家优惠退款共0.00元",
        f"#导出时间：[{day[:4]}年{day[5:7]}月{day[8:10]}日 23:59:59]",
    ]
    summary = [
        "#支付宝业务汇总查询",
        f"#账号：[{ALIPAY_PID}0156]",
        "门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）",
        f"合计,,{len(orders)},{len(refunds)},{_yuan(income - back)},{_yuan(income - back)}",
        "#-----------------------------------------业务汇总列表结束-----------------------------------",
    ]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            f"{ALIPAY_PID}0156_{compact}_业务明细.csv", "\r\n".join(rows).encode("gbk")
        )
        archive.writestr(
            f"{ALIPAY_PID}0156_{compact}_业务明细(汇总).csv", "\r\n".join(summary).encode("gbk")
        )
    return out.getvalue()


def _fen(yuan: str) -> int:
    whole, _, part = str(yuan).partition(".")
    if not whole.isdigit() or (part and not (part.isdigit() and len(part) <= 2)):
        raise ValueError(yuan)
    return int(whole) * 100 + int((part or "0").ljust(2, "0"))


def _wechat_order(order: SimOrder) -> dict:
    promotions = [
        {
            "coupon_id": v[0], "name": v[1], "amount": v[2],
            "scope": "SINGLE", "type": "CASH" if v[3] == "campaign" else "NOCASH",
            "stock_id": v[0], "wechatpay_contribute": v[2] if v[3] == "provider" else 0,
            "merchant_contribute": v[2] if v[3] == "merchant" else 0,
            "other_contribute": v[2] if v[3] == "campaign" else 0, "currency": "CNY",
        }
        for v in (order.vouchers if order.collected_fen else ())
    ]  # fmt: skip
    extra = {"promotion_detail": promotions} if promotions else {}
    return extra | {
        "sp_mchid": SP_MCHID,
        "sub_mchid": order.merchant,
        "out_trade_no": order.out_trade_no,
        "transaction_id": order.transaction_id if order.collected_fen else "",
        "trade_type": "MICROPAY",
        "trade_state": WECHAT_QUERY[order.state],
        "trade_state_desc": order.state,
        "amount": {
            "total": order.amount_fen,
            "payer_total": order.amount_fen - order.subsidy_fen,
            "currency": "CNY",
        },
    }


def _alipay_order(order: SimOrder) -> dict:
    yuan = f"{order.amount_fen // 100}.{order.amount_fen % 100:02d}"
    vouchers = order.vouchers if order.collected_fen else ()
    extra = {}
    if vouchers:
        extra = {
            "buyer_pay_amount": _yuan(order.amount_fen - order.subsidy_fen),
            "receipt_amount": yuan,
            "discount_amount": _yuan(order.subsidy_fen),
            "voucher_detail_list": [
                {
                    "id": v[0], "name": v[1], "type": "ALIPAY_CASH_VOUCHER", "amount": _yuan(v[2]),
                    "merchant_contribute": _yuan(v[2]) if v[3] == "merchant" else "0.00",
                    "other_contribute": _yuan(v[2]) if v[3] == "campaign" else "0.00",
                }
                for v in vouchers
            ],
        }  # fmt: skip
    return extra | {
        "code": "10000",
        "msg": "Success",
        "out_trade_no": order.out_trade_no,
        "trade_no": order.transaction_id,
        "total_amount": yuan,
        "buyer_logon_id": "sim***@example.com",
    }


def _alipay_fail(sub_code: str, sub_msg: str) -> dict:
    return {"code": "40004", "msg": "Business Failed", "sub_code": sub_code, "sub_msg": sub_msg}


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, keys: Keys, ledger: Ledger):
        self.keys, self.ledger = keys, ledger
        self.bill_files: dict[str, tuple[bytes, str]] = {}
        super().__init__(("127.0.0.1", port), Handler)

    def handle_error(self, request, client_address):
        pass  # a caller that hung up (HQ killed mid-call) is part of the game


class Simulator:
    """The simulator in a thread: ``url``, ``config`` (HQ's payments.toml for it),
    ``ledger()`` and ``stop()``."""

    def __init__(self, keys_dir: Path, port: int = 0, wechat_limit_s: float = 45, alipay_limit_s: float = 180):  # fmt: skip
        keys_dir = Path(keys_dir)
        self.ledger_book = Ledger({"wechat": wechat_limit_s, "alipay": alipay_limit_s})
        self.server = SimulatorServer(port, Keys(keys_dir), self.ledger_book)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.config = write_hq_config(keys_dir, self.url)
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> Simulator:
        self._thread.start()
        return self

    def ledger(self) -> dict:
        return self.ledger_book.snapshot()

    def reset(self) -> None:
        self.ledger_book.reset()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)
