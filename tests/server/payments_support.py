"""What the payment tests share: a terminal enrolled at a booth set up for both gateways,
its payment numbers and codes, and calls to HQ's payment API."""

from __future__ import annotations

import itertools

import requests

from sync.protocol.payments import make_out_trade_no
from sync.server.payments import booths
from sync.server.settings import ServerSettings
from tests.support.live import LiveServer, bearer, enrol, serve_in

WECHAT_SUB_MCHID = "1900000109"
ALIPAY_TOKEN = "202611BBsecret-app-auth-token-B1x07"
_numbers = itertools.count(1)


def payment_settings(db_url: str, simulator, **extra) -> ServerSettings:
    """HQ's settings for the simulator; the customer's confirmation limit is short."""
    values = {
        "db": db_url,
        "payments_config": str(simulator.config),
        "payments_wechat_wait_s": 2,
        "payments_alipay_wait_s": 2,
        "payments_gateway_timeout_s": 5,
    }
    return ServerSettings(**(values | extra))


def serve_payments(http_server, engine, db_url, simulator, **extra) -> LiveServer:
    return serve_in(http_server, engine, payment_settings(db_url, simulator, **extra))


def set_up_booth(live: LiveServer, booth: str = "B1", terminal: str = "T1") -> str:
    """Enrol ``terminal`` at ``booth``, give the booth its gateway ids; return the token."""
    token = enrol(live, booth, terminal)
    with live.engine.begin() as conn:
        booths.set_booth(conn, booth, "cli:test", WECHAT_SUB_MCHID, ALIPAY_TOKEN)
    return token


def number(terminal: str = "T1") -> str:
    return make_out_trade_no(terminal, f"t{next(_numbers):06d}")


def code(method: str, n: int = 0) -> str:
    """A fresh payment code of the method's shape (the simulator refuses a code used twice)."""
    serial = next(_numbers) * 1000 + n
    return f"13{serial:016d}" if method == "wechat" else f"28{serial:016d}"


def pay(live: LiveServer, token: str, method: str, amount_fen: int, out_trade_no=None, auth_code=None, **extra):  # fmt: skip
    body = {
        "out_trade_no": out_trade_no or number(),
        "method": method,
        "auth_code": auth_code or code(method),
        "amount_fen": amount_fen,
        "description": "奉节脐橙",
    } | extra
    return requests.post(live.api("/payments"), json=body, headers=bearer(token), timeout=30)


def ask(live: LiveServer, token: str, out_trade_no: str) -> requests.Response:
    return requests.get(live.api(f"/payments/{out_trade_no}"), headers=bearer(token), timeout=30)


def revoke(live: LiveServer, token: str, out_trade_no: str) -> requests.Response:
    return requests.post(
        live.api(f"/payments/{out_trade_no}/cancel"), headers=bearer(token), timeout=30
    )
