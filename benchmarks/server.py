"""Journal ingest and the catalog feed of the central server, on SQLite and PostgreSQL
(`python -m benchmarks.server`).

One run measures both databases with the same data:

1. **A real journal.** A throw-away terminal (``pos.terminal.Terminal``, in a tmpfs
   directory when there is one) sells from a synthetic catalog: sales of 1 to 5 lines with
   pieces, weighed and priced scale labels, cash with change, WeChat, Alipay, card and split
   tenders, plus stock receipts and adjustments, on a simulated clock of 300 sales a day, all
   in one shift a manager opens first (a terminal sells only in an open shift).
   Its exported lines are pushed exactly as the terminal stores them.
2. **Journal ingest** (per database). A real ``booth-pos-server serve`` process on
   127.0.0.1 takes the journal in pushes of 500 entries (``POST /api/v1/journal``), each
   timed from the request to the ack. Alternating with each push, the **raw baseline**
   inserts the same rows (the rows the server's own ingest makes of those entries,
   ``sync.server.ingest.projection_rows``, prepared before the clock starts) into a second
   fresh database with plain SQLAlchemy Core executemany, one transaction per 500 entries:
   no HTTP, no JSON parsing, no checks, no hashing. The ratio is ours ÷ raw in
   entries per second.
3. **Catalog.** N synthetic products (``pos.demo_catalog``) are imported with
   ``catalog.import_csv``; a terminal then pulls the whole feed over HTTP
   (``GET /api/v1/catalog/changes``, pages of 5,000, until ``more`` is false); then it polls
   with nothing changed: the server's own time for that call (the server's real app,
   ``create_app``, called in this process: routing, the token check, the route and its JSON
   answer, without a socket) and the HTTP round trip, medians of 50.
4. **Trading hours.** Eight more terminals of the same booth push at the same time, one
   entry per push as a terminal does after each sale (up to 100 each, re-sealed copies of
   the journal under their own ids), then poll the unchanged catalog as often: requests
   per second over the wall-clock time, and latency percentiles.

The figures are reported, not asserted: the exit code is 0 however the targets come out.
docs/benchmarks.md ("Central server") explains every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import requests
from sqlalchemy import Engine, Table, func, insert, select, text, update

from benchmarks.common import (
    DEFAULT_PG,
    BenchRefused,
    PgDatabases,
    machine,
    percentile,
    pg_admin,
    ratio,
    run_main,
)
from pos.cart import Cart, Payment
from pos.demo_catalog import write_csv
from pos.terminal import Terminal
from sync import protocol
from sync.protocol import journal
from sync.protocol.barcodes import ean_check_digit
from sync.server import catalog, clock, ingest, journal_store, registry
from sync.server.app import create_app
from sync.server.db import make_engine, migrate, reading
from sync.server.registry import TerminalIdentity
from sync.server.settings import ServerSettings, normalize_db_url
from sync.server.tables import (
    booths,
    payments,
    quarantine,
    sale_lines,
    sales,
    stock_movements,
    terminals,
)
from sync.server.tables import journal as journal_table

BATCH = protocol.MAX_BATCH  # entries per push, and per raw transaction
PAGE = protocol.CATALOG_PAGE_MAX  # catalog changes per page in the initial pull
POLLS = 50
WARMUP_POLLS = 20
#: Trading hours: terminals pushing one entry per sale at the same time, then polling.
LIVE_TERMINALS = 8
LIVE_PUSHES = 100  # per terminal, and as many polls; fewer for short journals:
LIVE_SHARE = 20  # at most 1/20 of the journal per terminal, at least 10


#: Targets (docs/benchmarks.md). Ingest is judged on PostgreSQL, the production database.
INGEST_TARGET_PER_S = 2_000
PULL_TARGET_S = 10.0  # stated for 100,000 products
POLL_TARGET_MS = 20.0

MIN_ENTRIES, MAX_ENTRIES = 50, 1_000_000
MIN_PRODUCTS, MAX_PRODUCTS = 100, 1_000_000

SEED = 1
TERMINAL_PRODUCTS = 2_000  # the selling terminal's own catalog (a booth sells a few hundred)
SALES_PER_DAY = 300
TRADING_HOURS = 12
#: Ingest with HQ's business checks may take at most this much longer than without them.
CHECKS_TARGET_RATIO = 1.3


def first_day(entries: int) -> datetime:
    """09:00 in Asia/Shanghai on the day the simulated selling starts, so that the journal
    ends before today: HQ quarantines entries dated ahead of its clock."""
    days = -(-entries // SALES_PER_DAY) + 1
    start = datetime.now(UTC) - timedelta(days=days)
    return start.replace(hour=1, minute=0, second=0, microsecond=0)


RECEIVE_EVERY, ADJUST_EVERY = 60, 250  # one stock receipt per 60 entries, one adjustment per 250

BENCH_TERMINAL, BENCH_BOOTH_ID = "BENCH-T1", "BENCH-B1"
BENCH_BOOTH = "性能测试专柜"
CASHIERS = (("测试收银员", "2468"), ("测试店长", "1357"))
MANAGER = ("测试经理", "8642")  # opens the one shift the journal's sales are made in
SERVER_START_S = 30.0
HTTP_TIMEOUT_S = 120.0

INGEST_TABLES = ("journal", "sales", "sale_lines", "payments", "stock_movements")
_TABLES = {
    "journal": journal_table,
    "sales": sales,
    "sale_lines": sale_lines,
    "payments": payments,
    "stock_movements": stock_movements,
}


def live_rounds(entries: int) -> int:
    """Pushes (and polls) per live terminal for a journal of ``entries``."""
    return min(LIVE_PUSHES, max(entries // LIVE_SHARE, 10))


# --- the journal --------------------------------------------------------------------------


def scale_label(prefix: str, plu: str, value: int) -> str:
    """A 13-digit label as a booth scale prints it (prefix, PLU, value, check digit)."""
    body = f"{prefix}{int(plu):05d}{value:05d}"
    return body + str(ean_check_digit(body))


def _tenders(rng: random.Random, total: int) -> list[Payment]:
    """A mix like a booth's: mostly mobile payment, some cash with change, some split."""
    roll = rng.random()
    if roll < 0.40:
        return [Payment("wechat", total, f"13{rng.randrange(10**16):016d}")]
    if roll < 0.65:
        return [Payment("alipay", total, f"28{rng.randrange(10**16):016d}")]
    if roll < 0.85:
        paid = -(-total // 1000) * 1000 if rng.random() < 0.7 else total  # up to whole 10 yuan
        return [Payment("cash", paid)]
    if roll < 0.92 or total < 200:
        return [Payment("card", total, f"{rng.randrange(10**4):04d}")]
    first = rng.randrange(100, total, 100) if total > 200 else total // 2
    method = rng.choice(("card", "wechat"))
    reference = (
        f"{rng.randrange(10**4):04d}" if method == "card" else f"13{rng.randrange(10**16):016d}"
    )
    rest = total - first
    return [Payment(method, first, reference), Payment("cash", -(-rest // 100) * 100)]


def make_journal(base: Path, entries: int) -> dict:
    """A real terminal's journal of ``entries`` entries: {"lines": [...], figures...}."""
    rng = random.Random(SEED)
    csv_path = base / "terminal-catalog.csv"
    write_csv(csv_path, TERMINAL_PRODUCTS, seed=SEED + 1)
    start = time.perf_counter()
    terminal, _ = Terminal.init(base / "terminal", BENCH_TERMINAL, BENCH_BOOTH)
    try:
        terminal.import_catalog(csv_path.read_bytes())
        for name, pin in CASHIERS:
            terminal.add_user(name, "cashier", pin)
        people = [terminal.authenticate(name, pin) for name, pin in CASHIERS]
        terminal.add_user(MANAGER[0], "manager", MANAGER[1])
        manager = terminal.authenticate(*MANAGER)
        conn = terminal.store.conn
        pieces = [
            code
            for (code,) in conn.execute(
                "SELECT b.code FROM barcodes b JOIN products p ON p.id = b.product_id "
                "WHERE p.unit = 'piece' ORDER BY b.gtin"
            )
        ]
        plus = [
            plu
            for (plu,) in conn.execute("SELECT plu FROM products WHERE unit = 'kg' ORDER BY plu")
        ]
        # A simulated clock: 300 sales a day spread over 12 trading hours, day after day.
        step = timedelta(hours=TRADING_HOURS) / SALES_PER_DAY
        start_day = first_day(entries)
        moment = {"at": start_day, "n": 0}

        def tick() -> datetime:
            moment["n"] += 1
            day, slot = divmod(moment["n"], SALES_PER_DAY)
            moment["at"] = start_day + timedelta(days=day) + slot * step
            return moment["at"]

        terminal.clock = lambda: moment["at"]
        terminal.open_shift(manager, 0)  # seq 1
        for seq in range(2, entries + 1):
            tick()
            if seq % RECEIVE_EVERY == 2:
                terminal.receive_stock(rng.choice(pieces), rng.randint(6, 48), "HQ delivery")
            elif seq % ADJUST_EVERY == 0:
                terminal.adjust_stock(rng.choice(pieces), -rng.randint(1, 2), "damaged")
            else:
                cart = Cart()
                for _ in range(rng.choices((1, 2, 3, 4, 5), weights=(25, 25, 20, 15, 15))[0]):
                    kind = rng.random()
                    if kind < 0.20 and plus:
                        label = scale_label("21", rng.choice(plus), rng.randint(150, 3500))
                        terminal.add_to_cart(cart, label)
                    elif kind < 0.25 and plus:
                        label = scale_label("20", rng.choice(plus), rng.randint(300, 9000))
                        terminal.add_to_cart(cart, label)
                    else:
                        terminal.add_to_cart(cart, rng.choice(pieces), rng.choice((1, 1, 1, 2, 3)))
                terminal.checkout(cart, _tenders(rng, cart.total_fen), rng.choice(people))
        lines = list(terminal.export_journal())
        verdict = terminal.verify_journal()
    finally:
        terminal.close()
    seconds = time.perf_counter() - start
    if not verdict.ok or len(lines) != entries:
        raise RuntimeError(f"the generated journal does not verify: {verdict.reason}")
    parsed = [json.loads(line) for line in lines]
    types = Counter(entry["type"] for entry in parsed)
    sold = [entry["body"] for entry in parsed if entry["type"] == "sale"]
    size = sum(len(line.encode()) for line in lines)
    return {
        "lines": lines,
        "entries": parsed,
        "catalog_csv": csv_path.read_bytes(),  # HQ's catalog holds what the booth sells
        "figures": {
            "entries": len(lines),
            "types": dict(sorted(types.items())),
            "sale_lines": sum(len(body["lines"]) for body in sold),
            "payments": sum(len(body["payments"]) for body in sold),
            "split_tenders": sum(len(body["payments"]) > 1 for body in sold),
            "weighed_lines": sum("weight_g" in line for body in sold for line in body["lines"]),
            "bytes": size,
            "bytes_per_entry": round(size / len(lines), 1),
            "first_at": parsed[0]["at"],
            "last_at": parsed[-1]["at"],
            "generate_seconds": round(seconds, 2),
        },
    }


def push_bodies(lines: list[str]) -> list[bytes]:
    """Push bodies of 500 entries, made of the stored lines as the terminal sends them."""
    return [
        ('{"entries":[' + ",".join(lines[i : i + BATCH]) + "]}").encode()
        for i in range(0, len(lines), BATCH)
    ]


def raw_batches(entries: list[dict], booth_id: str, zone: ZoneInfo) -> list[list[tuple[Table, list[dict]]]]:  # fmt: skip
    """Per batch of 500 entries, the rows the server's ingest stores for them, table by table
    in foreign-key order: the server's own ``projection_rows``, made before the clock starts."""
    caller = TerminalIdentity(BENCH_TERMINAL, booth_id)
    received = clock.stamp()
    return [
        ingest.projection_rows(caller, entries[start : start + BATCH], zone, received)
        for start in range(0, len(entries), BATCH)
    ]


def raw_insert(engine: Engine, batch: list[tuple[Table, list[dict]]]) -> None:
    """One transaction: every table's rows with one executemany each (the sale and ledger
    numbers handed out as ingest does; a sale's stock moves are its lines)."""
    with engine.begin() as conn:
        ingest.insert_projections(conn, batch)


# --- databases and the server process -----------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """`booth-pos-server --db URL serve` as a child process on a free local port."""

    def __init__(self, db_url: str, log_path: Path, env: dict | None = None, workers: int = 1):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        command = [sys.executable, "-m", "sync.server.cli", "--db", db_url, "serve",
                   "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers)]  # fmt: skip
        self.log = open(log_path, "wb")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            command, stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
        )
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"the server did not start: {self._last_line()}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the server did not answer in {SERVER_START_S:g} s")
            time.sleep(0.05)

    def api(self, path: str) -> str:
        return f"{self.url}{protocol.API_PREFIX}{path}"

    def _last_line(self) -> str:
        lines = self.log_path.read_text(errors="replace").strip().splitlines()
        return lines[-1] if lines else "no output"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.log.close()


def prepare_database(url: str) -> Engine:
    """A migrated server database at ``url`` (booth-pos-server migrate)."""
    engine = make_engine(normalize_db_url(url))
    migrate(engine)
    return engine


def _count_rows(engine: Engine) -> dict[str, int]:
    with reading(engine) as conn:
        return {
            name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in _TABLES.items()
        }


def storage(engine: Engine, entries: int) -> dict:
    """Bytes each ingest table takes (rows, indexes, TOAST) and per journal entry."""
    sizes: dict[str, int] = {}
    with reading(engine) as conn:
        if engine.dialect.name == "postgresql":
            for name in INGEST_TABLES:
                sizes[name] = conn.execute(
                    # the journal is partitioned by month (0016): its partitions hold the rows
                    text(
                        "SELECT COALESCE((SELECT SUM(pg_total_relation_size(relid)) "
                        "FROM pg_partition_tree(CAST(:t AS regclass))), "
                        "pg_total_relation_size(CAST(:t AS regclass)))"
                    ),
                    {"t": name},
                ).scalar_one()
        else:
            owners = dict(conn.execute(text("SELECT name, tbl_name FROM sqlite_schema")).all())
            for name, size in conn.execute(
                text("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")
            ).all():
                table = owners.get(name)
                if table in INGEST_TABLES:
                    sizes[table] = sizes.get(table, 0) + int(size)
    sizes = {name: int(sizes.get(name, 0)) for name in INGEST_TABLES}
    total = sum(sizes.values())
    return {
        "bytes": sizes,
        "bytes_per_entry": {name: round(size / entries, 1) for name, size in sizes.items()},
        "total_bytes": total,
        "total_bytes_per_entry": round(total / entries, 1),
    }


# --- measurements -------------------------------------------------------------------------


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def _rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1) if seconds > 0 else float("inf")


def bench_ingest(
    server: ServerProcess,
    engine: Engine,
    raw: Engine,
    token: str,
    data: dict,
    kind: str,
    unchecked: tuple[ServerProcess, str] | None = None,
) -> dict:
    """Pushes over HTTP alternating with raw transactions of the same rows, and with pushes
    to a second server whose business checks are off (``unchecked``: the server and a
    token), the ingest as it was before them."""
    bodies = push_bodies(data["lines"])
    batches = raw_batches(data["entries"], BENCH_BOOTH_ID, ServerSettings().zone)
    count = len(data["lines"])
    session = requests.Session()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    push_s: list[float] = []
    raw_s: list[float] = []
    old_s: list[float] = []
    acked = 0

    def ours(i: int) -> None:
        nonlocal acked
        start = time.perf_counter()
        response = session.post(
            server.api("/journal"), data=bodies[i], headers=headers, timeout=HTTP_TIMEOUT_S
        )
        push_s.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"push {i + 1} was refused: {response.status_code} {response.text}")
        acked = response.json()["acked_through"]

    def bare(i: int) -> None:
        start = time.perf_counter()
        raw_insert(raw, batches[i])
        raw_s.append(time.perf_counter() - start)

    old_session = requests.Session()

    def old(i: int) -> None:
        old_server, old_token = unchecked
        old_headers = {**headers, "Authorization": f"Bearer {old_token}"}
        start = time.perf_counter()
        response = old_session.post(
            old_server.api("/journal"), data=bodies[i], headers=old_headers, timeout=HTTP_TIMEOUT_S
        )
        old_s.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"unchecked push {i + 1}: {response.status_code} {response.text}")

    calls = [ours, bare] + ([old] if unchecked else [])
    for i in range(len(bodies)):
        for call in calls[i % len(calls) :] + calls[: i % len(calls)]:  # each goes first in turn
            call(i)
    session.close()
    old_session.close()
    with reading(engine) as conn:
        stored = [line for _, line in journal_store.walk(conn, BENCH_TERMINAL)]
        held = conn.execute(select(func.count()).select_from(quarantine)).scalar_one()
    verdict = journal.verify(stored, BENCH_TERMINAL)
    ours_rate, raw_rate = _rate(count, sum(push_s)), _rate(count, sum(raw_s))
    old_rate = _rate(count, sum(old_s)) if old_s else None
    # Medians of the per-push rates (500 entries each), as docs/benchmarks.md reports them.
    ours_median = _rate(BATCH, percentile(push_s, 50))
    old_median = _rate(BATCH, percentile(old_s, 50)) if old_s else None
    checks_ratio = ratio(old_median, ours_median) if old_s else None
    target = INGEST_TARGET_PER_S if kind == "postgresql" else None
    return {
        "entries": count,
        "batches": len(bodies),
        "batch_size": BATCH,
        "push_bytes": sum(len(body) for body in bodies),
        "seconds": round(sum(push_s), 6),
        "entries_per_s": ours_rate,
        "push_p50_ms": _ms(percentile(push_s, 50)),
        "push_max_ms": _ms(max(push_s)),
        "raw_seconds": round(sum(raw_s), 6),
        "raw_entries_per_s": raw_rate,
        "raw_batch_p50_ms": _ms(percentile(raw_s, 50)),
        "ratio": ratio(ours_rate, raw_rate),
        "push_median_entries_per_s": ours_median,
        "unchecked_seconds": round(sum(old_s), 6) if old_s else None,
        "unchecked_entries_per_s": old_rate,
        "unchecked_push_median_entries_per_s": old_median,
        "checks_ratio": checks_ratio,
        "checks_target_ratio": CHECKS_TARGET_RATIO,
        "checks_pass": None if checks_ratio is None else checks_ratio <= CHECKS_TARGET_RATIO,
        "quarantined": held,
        "acked_through": acked,
        "verified": verdict.ok and verdict.entries == count,
        "stored_exactly": stored == data["lines"],
        "rows": _count_rows(engine),
        "raw_rows": _count_rows(raw),
        "target_entries_per_s": target,
        "pass": None if target is None else ours_rate >= target,
    }


class InProcessApp:
    """The server's real app (``create_app`` on the bench's engine) called in this process
    through ASGI: middleware, routing, the token check, the route and its JSON answer, all
    but the socket and the HTTP parsing."""

    def __init__(self, engine: Engine):
        self.app = create_app(ServerSettings(), engine=engine)
        self.loop = asyncio.new_event_loop()

    def get_json(self, path: str, query: str, token: str) -> dict:
        full = protocol.API_PREFIX + path
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": "GET", "scheme": "http", "path": full, "raw_path": full.encode(),
            "root_path": "", "query_string": query.encode(),
            "headers": [(b"host", b"127.0.0.1"), (b"authorization", f"Bearer {token}".encode())],
            "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80),
        }  # fmt: skip
        sent: list[dict] = []

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict) -> None:
            sent.append(message)

        self.loop.run_until_complete(self.app(scope, receive, send))
        status = sent[0]["status"]
        body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        if status != 200:
            raise RuntimeError(f"the server answered {status}: {body[:200]!r}")
        return json.loads(body)

    def close(self) -> None:
        self.loop.close()


def bench_catalog(
    server: ServerProcess, engine: Engine, token: str, csv_data: bytes, products: int
) -> dict:
    with reading(engine) as conn:  # the booth's own catalog is already there: pull after it
        first = catalog.current_version(conn)
    start = time.perf_counter()
    summary = catalog.import_csv(engine, csv_data)
    import_s = time.perf_counter() - start

    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    since, pages, changes, received_bytes = first, 0, 0, 0
    ids: set[str] = set()
    start = time.perf_counter()
    while True:
        response = session.get(
            server.api("/catalog/changes"),
            params={"since": since, "limit": PAGE},
            timeout=HTTP_TIMEOUT_S,
        )
        response.raise_for_status()
        page = response.json()
        pages += 1
        received_bytes += len(response.content)
        changes += len(page["changes"])
        ids.update(c["product"]["id"] for c in page["changes"] if c["kind"] == "product")
        since = page["next"]
        if not page["more"]:
            break
    pull_s = time.perf_counter() - start

    # The no-change poll, in-process: what the route runs, minus HTTP and JSON.
    def feed_only() -> dict:
        with reading(engine) as conn:
            return catalog.changes(conn, BENCH_BOOTH_ID, since, PAGE)

    app = InProcessApp(engine)

    def handler() -> dict:
        return app.get_json("/catalog/changes", f"since={since}&limit={PAGE}", token)

    def timed(call) -> list[float]:
        for _ in range(WARMUP_POLLS):
            call()
        out = []
        for _ in range(POLLS):
            start = time.perf_counter()
            result = call()
            out.append(time.perf_counter() - start)
            if isinstance(result, dict) and result["changes"]:
                raise RuntimeError("the no-change poll found changes")
        return out

    def http_poll() -> dict:
        response = session.get(
            server.api("/catalog/changes"), params={"since": since, "limit": PAGE}, timeout=30
        )
        response.raise_for_status()
        return response.json()

    try:
        feed_s, server_s, http_s = timed(feed_only), timed(handler), timed(http_poll)
    finally:
        app.close()
    session.close()
    server_ms = _ms(percentile(server_s, 50))
    return {
        "products": products,
        "import_added": summary["added"],
        "import_seconds": round(import_s, 3),
        "import_rows_per_s": _rate(products, import_s),
        "version": summary["version"],
        "pull_seconds": round(pull_s, 3),
        "pull_pages": pages,
        "pull_changes": changes,
        "pull_products": len(ids),
        "pull_bytes": received_bytes,
        "pull_products_per_s": _rate(changes, pull_s),
        "target_pull_seconds": PULL_TARGET_S,
        "pull_pass": pull_s < PULL_TARGET_S and len(ids) == products,
        "poll_feed_p50_ms": _ms(percentile(feed_s, 50)),
        "poll_server_p50_ms": server_ms,
        "poll_server_p99_ms": _ms(percentile(server_s, 99)),
        "poll_http_p50_ms": _ms(percentile(http_s, 50)),
        "poll_http_p99_ms": _ms(percentile(http_s, 99)),
        "polls": POLLS,
        "target_poll_ms": POLL_TARGET_MS,
        "poll_pass": server_ms < POLL_TARGET_MS,
    }


def reseal(entries: list[dict], terminal_id: str) -> list[str]:
    """The same entries as another terminal's journal: own sale ids, own chain of hashes."""
    lines, prev = [], journal.GENESIS
    for entry in entries:
        body = entry["body"]
        if entry["type"] == "sale":
            body = {
                **body,
                "sale_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{terminal_id}/{body['sale_id']}")),
            }
        sealed = journal.make_entry(
            terminal_id, entry["seq"], entry["type"], entry["at"], body, prev
        )
        lines.append(journal.canonical(sealed))
        prev = sealed["hash"]
    return lines


def bench_live(server: ServerProcess, engine: Engine, entries: list[dict], cursor: int) -> dict:
    """Trading hours: terminals at once, each pushing one entry at a time, then polling."""
    count = live_rounds(len(entries))
    names = [f"{BENCH_TERMINAL}-L{n}" for n in range(1, LIVE_TERMINALS + 1)]
    with engine.begin() as conn:
        codes = [registry.add_enrol_code(conn, BENCH_BOOTH_ID, 1) for _ in names]
    tokens = []
    for name, code in zip(names, codes, strict=True):
        tokens.append(_enrol(server, engine, name, code, entries[0]["at"]))
    journals = [reseal(entries[:count], name) for name in names]
    start_line = threading.Barrier(LIVE_TERMINALS + 1)
    push_s: list[list[float]] = [[] for _ in names]
    poll_s: list[list[float]] = [[] for _ in names]
    walls: dict[str, list[float]] = {"push": [], "poll": []}
    errors: list[str] = []

    def terminal(i: int) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {tokens[i]}"
        session.headers["Content-Type"] = "application/json"
        try:
            start_line.wait()
            for line in journals[i]:
                start = time.perf_counter()
                response = session.post(
                    server.api("/journal"), data=f'{{"entries":[{line}]}}'.encode(), timeout=60
                )
                push_s[i].append(time.perf_counter() - start)
                if response.status_code != 200:
                    raise RuntimeError(f"{response.status_code} {response.text}")
            start_line.wait()
            for _ in range(count):
                start = time.perf_counter()
                response = session.get(
                    server.api("/catalog/changes"),
                    params={"since": cursor, "limit": PAGE},
                    timeout=60,
                )
                poll_s[i].append(time.perf_counter() - start)
                if response.status_code != 200 or response.json()["changes"]:
                    raise RuntimeError(f"{response.status_code} {response.text[:200]}")
        except Exception as exc:  # reported, and the barrier is broken so no one waits
            errors.append(f"{names[i]}: {exc}")
            start_line.abort()
        finally:
            session.close()

    threads = [threading.Thread(target=terminal, args=(i,)) for i in range(LIVE_TERMINALS)]
    for thread in threads:
        thread.start()
    try:
        for phase in ("push", "poll"):
            start_line.wait()
            walls[phase].append(time.perf_counter())
    except threading.BrokenBarrierError:
        pass
    for thread in threads:
        thread.join()
    finished = time.perf_counter()
    if errors:
        raise RuntimeError("a live terminal failed: " + errors[0])
    push_wall = walls["poll"][0] - walls["push"][0]
    poll_wall = finished - walls["poll"][0]
    pushes = [t for series in push_s for t in series]
    polls = [t for series in poll_s for t in series]
    return {
        "terminals": LIVE_TERMINALS,
        "pushes": len(pushes),
        "push_seconds": round(push_wall, 6),
        "pushes_per_s": _rate(len(pushes), push_wall),
        "push_p50_ms": _ms(percentile(pushes, 50)),
        "push_p99_ms": _ms(percentile(pushes, 99)),
        "polls": len(polls),
        "poll_seconds": round(poll_wall, 6),
        "polls_per_s": _rate(len(polls), poll_wall),
        "poll_p50_ms": _ms(percentile(polls, 50)),
        "poll_p99_ms": _ms(percentile(polls, 99)),
    }


def _selling_booth(engine: Engine, data: dict) -> str:
    """The bench booth registered, HQ's catalog holding what its terminal sells; returns an
    enrolment code."""
    catalog.import_csv(engine, data["catalog_csv"])
    with engine.begin() as conn:
        registry.add_booth(conn, BENCH_BOOTH_ID, BENCH_BOOTH)
        return registry.add_enrol_code(conn, BENCH_BOOTH_ID, 1)


def _enrol(server: ServerProcess, engine: Engine, terminal_id: str, code: str, since: str) -> str:
    """Enrol ``terminal_id``; it counts as enrolled from ``since`` (before its first sale,
    as a booth's terminal is: HQ quarantines entries dated over a day before enrolment)."""
    response = requests.post(
        server.api("/enroll"), json={"code": code, "terminal": terminal_id}, timeout=30
    )
    response.raise_for_status()
    with engine.begin() as conn:
        conn.execute(
            update(terminals).where(terminals.c.id == terminal_id).values(enrolled_at=since)
        )
    return response.json()["token"]


def bench_database(
    kind: str,
    urls: tuple[str, str, str],
    data: dict,
    csv_data: bytes,
    products: int,
    base: Path,
) -> dict:
    """``urls``: the server's database, the raw baseline's, and the one of the second server
    with the business checks off."""
    engine, raw, old = (prepare_database(url) for url in urls)
    server = old_server = None
    try:
        code = _selling_booth(engine, data)
        old_code = _selling_booth(old, data)
        with raw.begin() as conn:  # the raw side needs the rows its foreign keys point at
            conn.execute(
                insert(booths).values(id=BENCH_BOOTH_ID, name=BENCH_BOOTH, created_at=clock.stamp())
            )
            conn.execute(
                insert(terminals).values(
                    id=BENCH_TERMINAL, booth_id=BENCH_BOOTH_ID, token_hash="0" * 64,
                    enrolled_at=clock.stamp(),
                )
            )  # fmt: skip
        server = ServerProcess(urls[0], base / f"server-{kind}.log")
        old_server = ServerProcess(
            urls[2],
            base / f"server-{kind}-unchecked.log",
            {"BOOTH_POS_SERVER_BUSINESS_CHECKS": "false"},
        )
        since = data["entries"][0]["at"]
        token = _enrol(server, engine, BENCH_TERMINAL, code, since)
        old_token = _enrol(old_server, old, BENCH_TERMINAL, old_code, since)
        ingest = bench_ingest(server, engine, raw, token, data, kind, (old_server, old_token))
        old_server.stop()
        stored = storage(engine, ingest["entries"])  # before the live pushes add rows
        feed = bench_catalog(server, engine, token, csv_data, products)
        live = bench_live(server, engine, data["entries"], feed["version"])
        return {"status": "ok", "ingest": ingest, "catalog": feed, "live": live, "storage": stored}
    finally:
        for process in (server, old_server):
            if process is not None:
                process.stop()
        for each in (engine, raw, old):
            each.dispose()


def _scratch() -> str | None:
    """A tmpfs for the selling terminal (its fsyncs are not what is measured), if any."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def measure(entries: int, products: int, pg_admin: str | None) -> dict:
    result: dict = {"machine": machine(), "entries": entries, "products": products}
    pg = None
    pg_skip = "not requested (--pg off)" if pg_admin is None else None
    if pg_admin is not None:
        try:
            pg = PgDatabases(pg_admin)
            result["machine"]["postgresql"] = pg.version
        except Exception as exc:  # any failure to connect means: skip, and say why
            pg_skip = "not reachable: " + (str(exc).strip().splitlines() or ["unknown error"])[0]
    try:
        with (
            tempfile.TemporaryDirectory(prefix="booth-server-bench-", dir=_scratch()) as scratch,
            tempfile.TemporaryDirectory(prefix="booth-server-bench-") as d,
        ):
            base = Path(d)
            data = make_journal(Path(scratch), entries)
            result["journal"] = data["figures"]
            csv_path = base / "catalog.csv"
            write_csv(csv_path, products, seed=SEED)
            csv_data = csv_path.read_bytes()
            result["csv_bytes"] = len(csv_data)
            databases = {
                "sqlite": bench_database(
                    "sqlite",
                    tuple(f"sqlite:///{base / name}" for name in ("server.db", "raw.db", "old.db")),
                    data, csv_data, products, base,
                )
            }  # fmt: skip
            if pg is not None:
                databases["postgresql"] = bench_database(
                    "postgresql", (pg.create("ours"), pg.create("raw"), pg.create("old")),
                    data, csv_data, products, base,
                )  # fmt: skip
            else:
                databases["postgresql"] = {"status": "skipped", "reason": pg_skip}
    finally:
        if pg is not None:
            pg.close()
    result["databases"] = databases
    result["all_targets_met"] = all(verdict is not False for verdict in _verdicts(result)) and all(
        db["status"] == "ok" for db in databases.values()
    )
    return result


def _verdicts(result: dict) -> Iterator[bool | None]:
    for db in result["databases"].values():
        if db["status"] == "ok":
            yield db["ingest"]["pass"]
            yield db["ingest"]["checks_pass"]
            yield db["catalog"]["pull_pass"]
            yield db["catalog"]["poll_pass"]


# --- reporting ----------------------------------------------------------------------------


def _verdict(ok: bool | None) -> str:
    return "" if ok is None else ("PASS" if ok else "FAIL")


def format_report(result: dict) -> str:
    m, j = result["machine"], result["journal"]
    dbs = result["databases"]
    cpus = m["cpus"]
    versions = f"SQLite {m['sqlite']}" + (
        f", PostgreSQL {m['postgresql']}" if m.get("postgresql") else ""
    )
    types = ", ".join(f"{n:,} {t}" for t, n in j["types"].items())
    lines = [
        f"Booth POS central server benchmark: {result['entries']:,} journal entries, "
        f"{result['products']:,} products",
        f"Python {m['python']}, {versions}, {cpus} CPU{'s' if cpus != 1 else ''}, {m['platform']}",
        f"Journal of terminal {BENCH_TERMINAL}: {types}; {j['sale_lines']:,} sale lines "
        f"({j['weighed_lines']:,} weighed), {j['payments']:,} payments "
        f"({j['split_tenders']:,} split); {j['bytes_per_entry']:,.0f} bytes per entry; "
        f"made in {j['generate_seconds']:.1f} s",
        "",
    ]
    columns = ["sqlite", "postgresql"]
    header = f"{'measurement':<40}" + "".join(f"{n:>18}" for n in ("SQLite", "PostgreSQL"))
    lines += [header + f"  {'target':<16}", "-" * 94]

    def row(label: str, cell, target: str = "") -> None:
        cells = []
        for name in columns:
            db = dbs[name]
            cells.append(cell(db) if db["status"] == "ok" else "skipped")
        lines.append(f"{label:<40}" + "".join(f"{c:>18}" for c in cells) + f"  {target:<16}")

    def fig(value: float, fmt: str, ok: bool | None = None) -> str:
        text_ = format(value, fmt)
        return f"{text_} {_verdict(ok)}" if ok is not None else text_ + "     "

    row(
        f"journal ingest, {BATCH}/push, entries/s",
        lambda db: fig(db["ingest"]["entries_per_s"], ",.0f", db["ingest"]["pass"]),
        f">= {INGEST_TARGET_PER_S:,} (PG)",
    )
    row("raw executemany, entries/s", lambda db: fig(db["ingest"]["raw_entries_per_s"], ",.0f"))
    row("ours ÷ raw", lambda db: fig(db["ingest"]["ratio"], ".2f"))
    row(
        "ingest, median push, entries/s",
        lambda db: fig(db["ingest"]["push_median_entries_per_s"], ",.0f"),
    )
    row(
        "same, business checks off, entries/s",
        lambda db: fig(db["ingest"]["unchecked_push_median_entries_per_s"], ",.0f"),
    )
    row(
        "checks off ÷ on (medians)",
        lambda db: fig(db["ingest"]["checks_ratio"], ".2f", db["ingest"]["checks_pass"]),
        f"<= {CHECKS_TARGET_RATIO}",
    )
    row(f"push of {BATCH}, p50 ms", lambda db: fig(db["ingest"]["push_p50_ms"], ",.1f"))
    row(
        f"raw transaction of {BATCH}, p50 ms",
        lambda db: fig(db["ingest"]["raw_batch_p50_ms"], ",.1f"),
    )
    row(
        "stored journal verifies",
        lambda db: (
            ("yes" if db["ingest"]["verified"] and db["ingest"]["stored_exactly"] else "NO")
            + "     "
        ),
    )
    row(
        "stored bytes per entry (5 tables)",
        lambda db: fig(db["storage"]["total_bytes_per_entry"], ",.0f"),
    )
    row("catalog import, s", lambda db: fig(db["catalog"]["import_seconds"], ",.2f"))
    row(
        f"initial pull ({PAGE:,}/page), s",
        lambda db: fig(db["catalog"]["pull_seconds"], ",.2f", db["catalog"]["pull_pass"]),
        f"< {PULL_TARGET_S:g} s",
    )
    row(
        "no-change poll, server p50 ms",
        lambda db: fig(db["catalog"]["poll_server_p50_ms"], ",.2f", db["catalog"]["poll_pass"]),
        f"< {POLL_TARGET_MS:g} ms",
    )
    row(
        "no-change poll, HTTP round trip p50 ms",
        lambda db: fig(db["catalog"]["poll_http_p50_ms"], ",.2f"),
    )
    live = f"{LIVE_TERMINALS} terminals at once"
    row(f"{live}: 1-entry pushes/s", lambda db: fig(db["live"]["pushes_per_s"], ",.0f"))
    row(
        "  push p50 / p99 ms",
        lambda db: f"{db['live']['push_p50_ms']:,.1f} / {db['live']['push_p99_ms']:,.1f}     ",
    )
    row(f"{live}: no-change polls/s", lambda db: fig(db["live"]["polls_per_s"], ",.0f"))
    row(
        "  poll p50 / p99 ms",
        lambda db: f"{db['live']['poll_p50_ms']:,.1f} / {db['live']['poll_p99_ms']:,.1f}     ",
    )
    lines.append("-" * 94)
    for name in columns:
        if dbs[name]["status"] != "ok":
            lines.append(f"{name}: skipped, {dbs[name]['reason']}")
    lines.append(
        f"all targets met: {'yes' if result['all_targets_met'] else 'no'} "
        "(figures are reported, not asserted)"
    )
    return "\n".join(lines)


def check_options(entries: int, products: int) -> None:
    if not MIN_ENTRIES <= entries <= MAX_ENTRIES:
        raise BenchRefused(
            f"--entries {entries} is out of range: use {MIN_ENTRIES:,} to {MAX_ENTRIES:,}."
        )
    if not MIN_PRODUCTS <= products <= MAX_PRODUCTS:
        raise BenchRefused(
            f"--products {products} is out of range: use {MIN_PRODUCTS:,} to {MAX_PRODUCTS:,}."
        )


def run_bench(
    entries: int = 10_000,
    products: int = 100_000,
    pg: str | None = DEFAULT_PG,
    json_output: bool = False,
) -> int:
    """Measure SQLite, and PostgreSQL through ``pg`` (an admin URL; "off" or None skips)."""
    check_options(entries, products)
    result = measure(entries, products, pg_admin(pg))
    if json_output:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(format_report(result))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.server",
        description="Measure journal ingest and the catalog feed on SQLite and PostgreSQL "
        "(temporary databases; figures are reported, the exit code is 0).",
    )
    parser.add_argument("--entries", type=int, default=10_000, help="journal entries (default 10000)")  # fmt: skip
    parser.add_argument("--products", type=int, default=100_000, help="catalog products (default 100000)")  # fmt: skip
    parser.add_argument("--pg", metavar="ADMIN_URL", default=DEFAULT_PG, help="PostgreSQL URL allowed to CREATE DATABASE (default: the local socket); 'off' skips")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return run_main(
        parser, lambda a: run_bench(a.entries, a.products, a.pg, json_output=a.json), argv
    )


if __name__ == "__main__":
    sys.exit(main())
