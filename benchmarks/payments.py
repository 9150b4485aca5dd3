"""HQ's overhead on a mobile payment paid at once: p50/p99 of terminal -> HQ -> gateway
simulator (a real `booth-pos-server serve` on SQLite, the terminal's HTTP call with its
token) against the same adapter calling the simulator directly, in one run.

    python -m benchmarks.payments [--payments 300] [--method wechat] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from benchmarks.common import BenchRefused, machine, percentile, run_main
from sync.protocol.payments import make_out_trade_no
from sync.server import registry
from sync.server.db import make_engine, migrate
from sync.server.payments import booths
from sync.server.payments.config import load_config
from sync.server.payments.gateway import Order
from sync.server.payments.service import Payments
from sync.server.payments.simulator import Simulator
from sync.server.settings import ServerSettings

SERVER_BIN = Path(sys.executable).with_name("booth-pos-server")
AMOUNT_FEN = 1580  # paid at once (docs/payments.md, the scenarios)


def _code(method: str, n: int) -> str:
    return f"13{n:016d}" if method == "wechat" else f"28{n:016d}"


def _serve(db: Path, config: Path, port: int) -> subprocess.Popen:
    env = os.environ | {"BOOTH_POS_SERVER_PAYMENTS_CONFIG": str(config), "BOOTH_POS_SERVER_LOG_LEVEL": "warning"}  # fmt: skip
    proc = subprocess.Popen(
        [str(SERVER_BIN), "--db", str(db), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                return proc
        except requests.RequestException:
            time.sleep(0.05)  # waiting for the process to listen
    proc.kill()
    raise RuntimeError("the server did not start")


def run(count: int, method: str, json_output: bool) -> int:
    if count < 10:
        raise BenchRefused("--payments must be 10 or more (p99 needs them)")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        sim = Simulator(folder / "keys", wechat_limit_s=600, alipay_limit_s=600).start()
        db = folder / "server.db"
        engine = make_engine(f"sqlite:///{db}")
        migrate(engine)
        with engine.begin() as conn:
            registry.add_booth(conn, "B1", "基准测试专柜")
            code = registry.add_enrol_code(conn, "B1", 1, by="cli:bench")
            booths.set_booth(conn, "B1", "cli:bench", "1900000109", "202611BBbench-token")
        engine.dispose()
        with socket_port() as port:
            pass  # a free port, released for the server
        proc = _serve(db, sim.config, port)
        try:
            url = f"http://127.0.0.1:{port}/api/v1"
            token = requests.post(f"{url}/enroll", json={"code": code, "terminal": "BENCH-T1"}, timeout=10).json()["token"]  # fmt: skip
            session = requests.Session()
            session.headers["Authorization"] = f"Bearer {token}"
            gateway = Payments.from_config(load_config(sim.config), ServerSettings()).gateways[
                method
            ]
            key = "1900000109" if method == "wechat" else "202611BBbench-token"
            through_hq, direct = [], []
            for n in range(count + 10):  # the first 10 of each warm up
                started = time.perf_counter()
                answer = session.post(
                    f"{url}/payments",
                    json={
                        "out_trade_no": make_out_trade_no("BENCH-T1", f"h{n}"),
                        "method": method,
                        "auth_code": _code(method, 2 * n),
                        "amount_fen": AMOUNT_FEN,
                    },  # fmt: skip
                    timeout=30,
                ).json()
                took = (time.perf_counter() - started) * 1000
                assert answer["state"] == "paid", answer
                started = time.perf_counter()
                order = Order(make_out_trade_no("BENCH-T1", f"d{n}"), method, AMOUNT_FEN, "基准", "B1", key)  # fmt: skip
                assert gateway.pay(order, _code(method, 2 * n + 1)).state == "paid"
                took_direct = (time.perf_counter() - started) * 1000
                if n >= 10:
                    through_hq.append(took)
                    direct.append(took_direct)
        finally:
            proc.terminate()
            proc.wait(10)
            sim.stop()
    figures = {
        "method": method,
        "payments": count,
        "through_hq_p50_ms": round(percentile(through_hq, 50), 2),
        "through_hq_p99_ms": round(percentile(through_hq, 99), 2),
        "direct_p50_ms": round(percentile(direct, 50), 2),
        "direct_p99_ms": round(percentile(direct, 99), 2),
    }
    figures["overhead_p50_ms"] = round(figures["through_hq_p50_ms"] - figures["direct_p50_ms"], 2)
    figures["overhead_p99_ms"] = round(figures["through_hq_p99_ms"] - figures["direct_p99_ms"], 2)
    figures["target_p99_ms"] = 30
    figures["machine"] = machine()
    if json_output:
        print(json.dumps(figures))
    else:
        print(f"{count} {method} payments paid at once, terminal -> HQ -> simulator vs adapter -> simulator")  # fmt: skip
        print(f"  through HQ: p50 {figures['through_hq_p50_ms']} ms, p99 {figures['through_hq_p99_ms']} ms")  # fmt: skip
        print(f"  direct:     p50 {figures['direct_p50_ms']} ms, p99 {figures['direct_p99_ms']} ms")
        print(f"  HQ adds:    p50 {figures['overhead_p50_ms']} ms, p99 {figures['overhead_p99_ms']} ms (target < 30 ms p99)")  # fmt: skip
    return 0


class socket_port:  # noqa: N801 (used as a context manager that yields a free port)
    def __enter__(self) -> int:
        import socket

        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        return self._sock.getsockname()[1]

    def __exit__(self, *exc) -> None:
        self._sock.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.payments",
        description="HQ's overhead on a mobile payment paid at once, against the gateway simulator.",
    )
    parser.add_argument("--payments", type=int, default=300, help="payments to time each way")
    parser.add_argument("--method", choices=("wechat", "alipay"), default="wechat")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return run_main(parser, lambda a: run(a.payments, a.method, a.json), argv)


if __name__ == "__main__":
    sys.exit(main())
