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


class Ledger:
    """Every order the simulator saw and the money it holds, behind one lock."""

    def __init__(self, limits: dict[str, float]):
        self.limits = limits
        self.lock = threading.Lock()
        self.orders: dict[tuple[str, str], SimOrder] = {}
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
            self.used_codes.clear()
            self.tombstones.clear()
            self.calls.clear()
            self.answer_delay_s = 0.0
            self.pay_committed.clear()

    def snapshot(self) -> dict:
        with self.lock:
            orders = [
                asdict(o) | {"money_fen": o.collected_fen - o.refunded_fen}
                for o in self.orders.values()
            ]
            calls = dict(self.calls)
        for order in orders:
            order.pop("created")
        return {
            "orders": orders,
            "calls": calls,
            "total_calls": sum(calls.values()),
            "money_fen": sum(o["money_fen"] for o in orders),
            "waiting": sum(1 for o in orders if o["state"] == "PAYING"),
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
        if path == "/gateway.do":
            return self._alipay(method, body)
        if path.startswith("/v3/pay/partner/transactions/"):
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


def _fen(yuan: str) -> int:
    whole, _, part = str(yuan).partition(".")
    if not whole.isdigit() or (part and not (part.isdigit() and len(part) <= 2)):
        raise ValueError(yuan)
    return int(whole) * 100 + int((part or "0").ljust(2, "0"))


def _wechat_order(order: SimOrder) -> dict:
    return {
        "sp_mchid": SP_MCHID,
        "sub_mchid": order.merchant,
        "out_trade_no": order.out_trade_no,
        "transaction_id": order.transaction_id if order.collected_fen else "",
        "trade_type": "MICROPAY",
        "trade_state": WECHAT_QUERY[order.state],
        "trade_state_desc": order.state,
        "amount": {"total": order.amount_fen, "currency": "CNY"},
    }


def _alipay_order(order: SimOrder) -> dict:
    yuan = f"{order.amount_fen // 100}.{order.amount_fen % 100:02d}"
    return {
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
