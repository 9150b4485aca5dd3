"""A stand-in for HQ's terminal payments API, on a real HTTP server on 127.0.0.1, for the few
till tests the real HQ and the gateway simulator cannot drive (e.g. looking into the till's
database at the moment the request arrives); every other payment test runs against the real
HQ and the simulator. ``enrol_with`` enrols a terminal with any HQ. The stand-in's gateway
picks the scenario by the amount's last two fen:

| amount ends in | the gateway                                              |
|----------------|----------------------------------------------------------|
| 01             | paid at once                                             |
| 02             | waiting (password) for 2 queries, then paid              |
| 03             | waiting until cancelled                                  |
| 04             | failed: insufficient balance                             |
| 05             | failed: the code was already used                        |
| 06             | paid, but the answer to the create call is lost (500)    |
| anything else  | paid at once                                             |
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MESSAGES = {
    "paid": "Paid.",
    "waiting": "The customer is confirming the payment on the phone.",
    "cancelled": "The payment was revoked; any money taken goes back to the customer.",
    "insufficient_balance": "The customer's balance is not enough: ask for another way to pay.",
    "code_used": "The payment code was already used or has expired: ask the customer to refresh it and scan again.",  # noqa: E501
}


@dataclass
class Order:
    out_trade_no: str
    method: str
    amount_fen: int
    code: str
    state: str = "waiting"
    transaction_id: str = ""
    reason: str = ""
    queries: int = 0
    reversed: bool = False  # cancelled after money was taken: given back
    collected: bool = False  # money taken at some point


@dataclass
class PayHq:
    """The fake HQ: its orders, and hooks a test sets (``on_create`` runs before answering)."""

    orders: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    on_create: object = None
    down: bool = False  # answers 503 to everything
    url: str = ""

    def answer(self, order: Order) -> dict:
        message = MESSAGES.get(order.reason or order.state, order.state)
        return {
            "out_trade_no": order.out_trade_no,
            "state": order.state,
            "transaction_id": order.transaction_id,
            "amount_fen": order.amount_fen,
            "message": message,
        }

    def create(self, body: dict) -> tuple[int, dict]:
        with self.lock:
            number = body["out_trade_no"]
            if number in self.orders:
                return 200, self.answer(self.orders[number])
            order = Order(number, body["method"], body["amount_fen"], body["auth_code"])
            self.orders[number] = order
            scenario = order.amount_fen % 100
            if scenario in (2, 3):
                order.state = "waiting"
            elif scenario == 4:
                order.state, order.reason = "failed", "insufficient_balance"
            elif scenario == 5:
                order.state, order.reason = "failed", "code_used"
            else:
                self._pay(order)
            if scenario == 6:
                return 500, {"detail": "the gateway's answer was lost"}
            return 200, self.answer(order)

    def _pay(self, order: Order) -> None:
        order.state, order.collected = "paid", True
        order.transaction_id = f"4200{len(self.orders):012d}"

    def query(self, number: str) -> tuple[int, dict]:
        with self.lock:
            order = self.orders.get(number)
            if order is None:
                return 404, {"detail": "no such payment"}
            order.queries += 1
            if order.state == "waiting" and order.amount_fen % 100 == 2 and order.queries >= 2:
                self._pay(order)
            return 200, self.answer(order)

    def cancel(self, number: str) -> tuple[int, dict]:
        with self.lock:
            order = self.orders.get(number)
            if order is None:
                return 404, {"detail": "no such payment"}
            if order.state in ("waiting", "unknown", "paid"):
                order.reversed = order.state == "paid"
                order.state, order.reason = "cancelled", ""
            return 200, self.answer(order)

    def money_kept(self) -> dict[str, int]:
        """out_trade_no -> fen the gateway holds (paid and never given back)."""
        with self.lock:
            return {n: o.amount_fen for n, o in self.orders.items() if o.state == "paid"}

    def waiting(self) -> list[str]:
        with self.lock:
            return [n for n, o in self.orders.items() if o.state in ("waiting", "unknown")]


def _handler(hq: PayHq):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def _send(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _route(self, verb: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}") if length else {}
            if hq.down:
                self._send(503, {"detail": "down"})
                return
            parts = self.path.split("?")[0].split("/")  # '', api, v1, payments, [n], [cancel]
            if parts[:4] != ["", "api", "v1", "payments"]:
                self._send(404, {"detail": "not here"})
                return
            if verb == "POST" and len(parts) == 4:
                if hq.on_create is not None:
                    hq.on_create(body)
                self._send(*hq.create(body))
            elif verb == "GET" and len(parts) == 5:
                self._send(*hq.query(parts[4]))
            elif verb == "POST" and len(parts) == 6 and parts[5] == "cancel":
                self._send(*hq.cancel(parts[4]))
            else:
                self._send(404, {"detail": "not here"})

        def do_GET(self) -> None:  # noqa: N802
            self._route("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._route("POST")

    return Handler


def start_pay_hq() -> tuple[PayHq, ThreadingHTTPServer]:
    hq = PayHq()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(hq))
    hq.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return hq, server


def enrol_with(terminal, url: str, token: str = "bpt_test") -> None:
    """The terminal enrolled at ``url`` (its sync settings and a token), as `enroll` leaves it."""
    from pos.store import sync_state
    from sync.client import TOKEN_FILE

    with terminal.store.write() as conn:
        sync_state.put(conn, "sync_server", url)
    (terminal.home / TOKEN_FILE).write_text(token, encoding="utf-8")
