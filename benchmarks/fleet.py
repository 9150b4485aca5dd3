"""The fleet: N virtual terminals selling against one real HQ (`python -m benchmarks.fleet`).

HQ is a real ``booth-pos-server serve`` process on 127.0.0.1 (a free port, ``--workers``),
on a fresh migrated database that holds the demo catalog (assets/demo/catalog.csv) and one
booth. Each virtual terminal is enrolled with its own one-time code through the real API
(``POST /api/v1/enroll``) and then sends what a terminal's sync worker sends
(sync/client.py, pos/ui/sync_worker.py), in its rhythm:

- **A sync round**: the clock check (``GET /time``), HQ's head of its journal
  (``GET /journal/head``), a push of what HQ lacks (``POST /journal``, only when there is
  something) and the catalog poll (``GET /catalog/changes`` from its cursor, page after page
  while ``more``); the first round pulls the whole catalog. Rounds run every ``--poll-s``
  and ~300 ms after each sale, as the worker does; after a 429 or 503 the next round waits
  for the server's Retry-After (``sync.client.next_delay``) and no push follows a sale.
- **Sales** at ``--sales-per-minute`` (gaps of 0.5 to 1.5 times the mean): valid chained
  entries made with the contract (``sync.protocol.journal.make_entry``), one to three lines
  of demo-catalog products at catalog prices (pieces, or kilograms with a weight scale
  label), paid by WeChat or in cash with change, dated now: HQ's business checks pass
  and nothing is quarantined.

Terminals start staggered over the first poll interval. When the time is up each terminal
pushes what it still holds, then every terminal's journal at HQ
(``GET /journal/entries``) is compared hash by hash with what it sent.

Reported: requests per second, p50/p95/p99 latency per kind, errors by status, the CPU
seconds of HQ's processes (/proc/PID/stat of the server and its workers), and on
PostgreSQL the peak number of connections (pg_stat_activity). The exit code is 1 only when
a journal differs or a request failed; the figures are reported, not asserted.
docs/benchmarks.md ("The fleet") explains every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import multiprocessing
import os
import queue
import random
import ssl
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import func, insert, select

from benchmarks import topology
from benchmarks.common import (
    DEFAULT_PG,
    BenchRefused,
    PgDatabases,
    machine,
    percentile,
    run_main,
)
from benchmarks.server import ServerProcess, prepare_database
from sync import protocol
from sync.client import MAX_BACKOFF_S, next_delay
from sync.protocol import journal, wire
from sync.protocol.barcodes import ean_check_digit
from sync.server import catalog, clock, ingest, registry
from sync.server.db import make_engine, reading
from sync.server.registry import TerminalIdentity
from sync.server.settings import ServerSettings, normalize_db_url
from sync.server.tables import booths, quarantine, terminals

REPO = Path(__file__).resolve().parent.parent
DEMO_CATALOG = REPO / "assets" / "demo" / "catalog.csv"
BOOTH_ID, BOOTH_NAME = "FLEET-B1", "压力测试专柜"
TERMINALS_PER_BOOTH = 2  # a booth has one or two tills: the fleet is many booths, not one


def booth_of(index: int) -> str:
    """The booth of the fleet's terminal number ``index`` (from 0)."""
    return f"FLEET-B{index // TERMINALS_PER_BOOTH + 1:05d}"


AFTER_SALE_S = 0.3  # pos/ui/sync_worker.py AFTER_SALE_DELAY_MS
KINDS = ("push", "head", "poll", "time")
HTTP_TIMEOUT_S = 60.0
ENROL_AT_ONCE = 20  # enrolments (and journal checks) in flight at once
DRAIN_ROUNDS = 20  # rounds a terminal gets after the time is up to push what it holds
PG_SAMPLE_S = 0.5
CASHIERS = ("李娜", "王芳", "张伟")
MAX_TERMINALS = 20_000
MAX_NODES = 8
GENERATOR_BUSY = 0.8  # of one core: above it the generator, not HQ, sets the latencies
# Terminals one generator process drives at 1 sale a minute and a round every 30 s while
# staying under GENERATOR_BUSY (measured: about 0.4 of a core for 3,000 in one process
# with a head every round).
TERMINALS_PER_PROCESS = 2000
MAX_PROCESSES = 16
ROLLOUT_RAISE_FEN = 100  # the price change rolled out during the run: this much dearer
CATALOG_FIELDS = (
    "barcodes", "plu", "name", "name_en", "unit", "price_fen", "category", "supplier_id",
    "supplier_name", "county", "certificate_no", "certificate_expires",
)  # fmt: skip


@dataclass
class Terminal:
    """One virtual terminal: its identity, its journal as sent, and its sync state."""

    id: str
    token: str = ""
    seq: int = 0
    head: str = journal.GENESIS
    grand_total: int = 0
    hashes: list[str] = field(default_factory=list)  # every entry made, in order
    sent: list[str] = field(default_factory=list)  # every entry made, as canonical JSON
    unacked: list[str] = field(default_factory=list)  # canonical lines HQ has not acked
    cursor: int = 0
    products: dict[str, dict] = field(default_factory=dict)
    more: bool = False  # the last catalog page said more follow
    failures: int = 0
    retry_after_s: int | None = None
    sales: int = 0
    index: int = 0  # its place in the whole fleet (the staggered start)
    # HQ's last word on this journal, (seq, hash), and the ETag of the last empty catalog
    # page with its cursor: as sync/client.py keeps them, to skip the head and get 304s.
    hq_said: tuple[int, str] | None = None
    feed_etag: tuple[int, str] | None = None
    rollout_seen_at: float | None = None  # wall clock when it pulled the rolled-out price
    sold_new_price: int = 0  # lines of the rolled-out product at its new price
    sold_old_price_after: int = 0  # ... at the old price once the new one was pulled

    @property
    def acked(self) -> int:
        return self.seq - len(self.unacked)

    def headers(self) -> dict:
        return {
            "Authorization": f"Bearer {self.token}",
            "X-Terminal-Clock": journal.utc_timestamp(datetime.now(UTC)),
        }


@dataclass
class Tally:
    """Every request of the load: latency per kind, statuses that were not 200."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    errors: dict[str, int] = field(default_factory=dict)
    entries_pushed: int = 0
    retried: int = 0  # requests dropped by the link and tried again at once

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1

    def merge(self, other: dict) -> None:
        for kind, times in other["latencies"].items():
            self.latencies[kind].extend(times)
        for what, count in other["errors"].items():
            self.errors[what] = self.errors.get(what, 0) + count
        self.entries_pushed += other["entries_pushed"]
        self.retried += other["retried"]


class Busy(Exception):
    """429 or 503: the round stops and the next waits for Retry-After."""

    def __init__(self, retry_after_s: int | None):
        super().__init__(retry_after_s)
        self.retry_after_s = retry_after_s


class Failed(Exception):
    """A request HQ did not answer with 200 (already counted in the tally)."""


# --- what a terminal sends ------------------------------------------------------------


def _scale_label(plu: str, grams: int) -> str:
    body = f"21{int(plu):05d}{grams:05d}"
    return body + str(ean_check_digit(body))


def sale_line(product: dict, rng: random.Random) -> dict | None:
    """A cart line of ``product`` at its catalog price, as the cart works it out; None for a
    product a terminal cannot ring up (no barcode and no PLU)."""
    price = int(product["price_fen"])
    line = {"product_id": product["id"], "name": product["name"], "unit": product["unit"]}
    if product["unit"] == "kg":
        if not product.get("plu"):
            return None
        grams = rng.randrange(200, 2500)
        line.update(
            barcode=_scale_label(product["plu"], grams),
            weight_g=grams,
            unit_price_fen=price,
            amount_fen=(grams * price + 500) // 1000,
        )
    else:
        if not product.get("barcodes"):
            return None
        qty = rng.randint(1, 3)
        line.update(
            barcode=product["barcodes"][0], qty=qty, unit_price_fen=price, amount_fen=qty * price
        )
    line["supplier_id"] = product.get("supplier_id") or ""
    line["county"] = product.get("county") or ""
    return line


def make_sale(term: Terminal, rng: random.Random, rollout: tuple[str, int] | None = None) -> None:
    """Ring up a sale: one sealed entry chained on the terminal's head, kept to be pushed.
    ``rollout``: (product id, new price) of the price change rolled out during the run."""
    choices = list(term.products.values())
    lines = []
    while not lines:
        for product in rng.sample(choices, min(rng.randint(1, 3), len(choices))):
            line = sale_line(product, rng)
            if line is not None:
                lines.append(line)
    total = sum(line["amount_fen"] for line in lines)
    if rng.random() < 0.6:
        payments = [{"method": "wechat", "amount_fen": total, "reference": f"13{rng.randrange(10**16):016d}"}]  # fmt: skip
        change = 0
    else:
        paid = -(-total // 1000) * 1000  # up to whole 10 yuan
        payments, change = [{"method": "cash", "amount_fen": paid}], paid - total
    if rollout is not None and term.rollout_seen_at is not None:
        for line in lines:
            if line["product_id"] == rollout[0]:
                if line["unit_price_fen"] == rollout[1]:
                    term.sold_new_price += 1
                else:
                    term.sold_old_price_after += 1
    term.grand_total += total
    body = {
        "sale_id": str(uuid.uuid4()),
        "cashier": rng.choice(CASHIERS),
        "lines": lines,
        "payments": payments,
        "total_fen": total,
        "change_fen": change,
        "grand_total_fen": term.grand_total,
        "catalog_version": term.cursor,
    }
    stamp = journal.utc_timestamp(datetime.now(UTC))
    entry = journal.make_entry(term.id, term.seq + 1, "sale", stamp, body, term.head)
    term.seq, term.head = entry["seq"], entry["hash"]
    term.hashes.append(entry["hash"])
    term.unacked.append(journal.canonical(entry))
    term.sent.append(term.unacked[-1])
    term.sales += 1


def _retry_after(response: httpx.Response) -> int | None:
    value = response.headers.get("Retry-After", "").strip()
    return min(int(value), MAX_BACKOFF_S) if value.isdigit() else None


async def call(http: httpx.AsyncClient, tally: Tally, kind: str, method: str, path: str, **kw):
    """One timed request, tried a second time at once when the link drops it (as
    ``SyncClient._request`` does: HQ may close an idle keep-alive connection just as the
    terminal reuses it); a status other than 200 is counted, 429/503 raise Busy."""
    for attempt in (1, 2):
        started = time.perf_counter()
        try:
            response = await http.request(method, protocol.API_PREFIX + path, **kw)
        except httpx.TransportError as exc:
            if attempt == 2:
                tally.error(type(exc).__name__)
                raise Failed(type(exc).__name__) from None
            tally.retried += 1
            continue
        if response.status_code >= 500 and attempt == 1 and "Retry-After" not in response.headers:
            tally.retried += 1
            continue
        break
    tally.latencies[kind].append(time.perf_counter() - started)
    if response.status_code == 304 and kind == "poll":
        return response
    if response.status_code != 200:
        tally.error(str(response.status_code))
        if response.status_code in (429, 503):
            raise Busy(_retry_after(response))
        raise Failed(f"{kind}: HTTP {response.status_code} {response.text[:200]}")
    return response


async def sync_round(
    http: httpx.AsyncClient, tally: Tally, term: Terminal, rollout: tuple[str, int] | None = None
) -> None:
    """Clock, head when in doubt, push, pull: a round of sync/client.py SyncClient.round."""
    try:
        await call(http, tally, "time", "GET", "/time")
        if term.hq_said is None or term.hq_said[0] != term.acked:
            response = await call(http, tally, "head", "GET", "/journal/head", headers=term.headers())  # fmt: skip
            answer = response.json()
            term.hq_said = (int(answer["acked_through"]), answer["head"])
            if term.hq_said[0] != term.acked:
                tally.error("head not what was acked")
                raise Failed(f"{term.id}: HQ holds {term.hq_said[0]} of {term.seq}, acked {term.acked}")  # fmt: skip
        if term.unacked:
            lines = term.unacked[: protocol.MAX_BATCH]
            body = ('{"entries":[' + ",".join(lines) + "]}").encode("utf-8")
            headers = {**term.headers(), "Content-Type": "application/json"}
            response = await call(http, tally, "push", "POST", "/journal", content=body, headers=headers)  # fmt: skip
            answer = response.json()
            acked = int(answer["acked_through"])
            taken = len(term.unacked) - (term.seq - acked)
            if taken <= 0:
                raise Failed(f"{term.id}: HQ acked {acked} of {term.seq}")
            tally.entries_pushed += taken
            del term.unacked[:taken]
            term.hq_said = (acked, answer["head"])
        more = True
        while more:
            await _poll(http, tally, term, rollout)
            more = term.more
        term.failures, term.retry_after_s = 0, None
    except Busy as exc:
        term.failures, term.retry_after_s, term.hq_said = term.failures + 1, exc.retry_after_s, None  # fmt: skip
    except Failed:
        term.failures, term.retry_after_s, term.hq_said = term.failures + 1, None, None


async def _poll(
    http: httpx.AsyncClient, tally: Tally, term: Terminal, rollout: tuple[str, int] | None
) -> None:
    """One catalog page from the terminal's cursor, with the ETag of the last empty page."""
    params = {"since": term.cursor, "limit": protocol.CATALOG_PAGE_DEFAULT}
    headers = term.headers()
    if term.feed_etag is not None and term.feed_etag[0] == term.cursor:
        headers["If-None-Match"] = term.feed_etag[1]
    response = await call(http, tally, "poll", "GET", "/catalog/changes", params=params, headers=headers)  # fmt: skip
    said = wire.parse_journal_head(response.headers.get(wire.JOURNAL_HEAD_HEADER))
    if said != term.hq_said:
        term.hq_said = None  # the next round asks the head
    term.more = False
    if response.status_code == 304:
        return
    page = response.json()
    for change in page["changes"]:
        if change["kind"] == "product":
            product = change["product"]
            term.products[product["id"]] = product
            if rollout and product["id"] == rollout[0] and product["price_fen"] == rollout[1]:
                term.rollout_seen_at = term.rollout_seen_at or time.time()
        elif change["kind"] == "product_deleted":
            term.products.pop(change["id"], None)
    quiet = not page["changes"] and not page["more"]
    etag = response.headers.get("ETag")
    term.feed_etag = (term.cursor, etag) if quiet and etag else None
    term.cursor, term.more = page["next"], page["more"]


async def run_terminal(
    http: httpx.AsyncClient, tally: Tally, term: Terminal, start: float, end: float,
    poll_s: float, sale_gap_s: float, rng: random.Random, rollout: tuple[str, int] | None,
) -> None:  # fmt: skip
    """One terminal from its staggered start to ``end``, then until HQ holds its journal."""
    loop = asyncio.get_running_loop()
    await asyncio.sleep(max(start - loop.time(), 0))
    await sync_round(http, tally, term, rollout)
    now = loop.time()
    next_sale = now + sale_gap_s * rng.uniform(0.2, 1.0)
    next_round = now + next_delay(term.failures, poll_s, rng, term.retry_after_s)
    while True:
        wake = min(next_sale, next_round)
        if wake >= end:
            break
        await asyncio.sleep(max(wake - loop.time(), 0))
        if next_sale <= next_round:
            if term.products:
                make_sale(term, rng, rollout)
                if term.failures == 0:  # the worker's "soon" timer (sync_worker.sale_recorded)
                    next_round = min(next_round, loop.time() + AFTER_SALE_S)
            next_sale += sale_gap_s * rng.uniform(0.5, 1.5)
        else:
            await sync_round(http, tally, term, rollout)
            next_round = loop.time() + next_delay(term.failures, poll_s, rng, term.retry_after_s)
    for _ in range(DRAIN_ROUNDS):
        if not term.unacked:
            return
        if term.failures:
            await asyncio.sleep(next_delay(term.failures, 1.0, rng, term.retry_after_s))
        await sync_round(http, tally, term, rollout)


async def saturate_terminal(
    http: httpx.AsyncClient, tally: Tally, term: Terminal, end: float, rng: random.Random
) -> None:
    """One-entry pushes back to back until ``end``: a sale, its push, the next sale."""
    loop = asyncio.get_running_loop()
    await sync_round(http, tally, term)  # the catalog, and HQ's head
    while loop.time() < end:
        make_sale(term, rng)
        await sync_round_push_only(http, tally, term)
    for _ in range(DRAIN_ROUNDS):
        if not term.unacked:
            return
        await sync_round_push_only(http, tally, term)


async def sync_round_push_only(http: httpx.AsyncClient, tally: Tally, term: Terminal) -> None:
    """The push of what the terminal holds, nothing else (the saturation's round)."""
    lines = term.unacked[: protocol.MAX_BATCH]
    body = ('{"entries":[' + ",".join(lines) + "]}").encode("utf-8")
    headers = {**term.headers(), "Content-Type": "application/json"}
    try:
        response = await call(http, tally, "push", "POST", "/journal", content=body, headers=headers)  # fmt: skip
    except (Busy, Failed):
        return
    acked = int(response.json()["acked_through"])
    taken = len(term.unacked) - (term.seq - acked)
    if taken > 0:
        tally.entries_pushed += taken
        del term.unacked[:taken]


# --- one generator process: its share of the fleet ----------------------------------------


def generator(share: dict, go, out) -> None:
    """A child process: drive ``share["terminals"]`` against HQ once ``go`` is set, then put
    its figures on ``out``. Terminals keep their place in the whole fleet's stagger."""
    terms = [Terminal(t["id"], token=t["token"], index=t["index"]) for t in share["terminals"]]
    try:
        result = asyncio.run(_generate(share, terms, go, out))
    except BaseException as exc:  # the parent must hear of it rather than wait
        out.put(("failed", share["number"], f"{type(exc).__name__}: {exc}"))
        raise
    out.put(("done", share["number"], result))


async def _generate(share: dict, terms: list[Terminal], go, out) -> dict:
    shared_tls = ssl.create_default_context()  # one context, not one per terminal (unused on http)
    async with contextlib.AsyncExitStack() as clients:
        # Each terminal its own client and connection, as on a booth: one shared pool of
        # thousands of connections costs the load generator more than HQ (httpcore scans it).
        own = [
            await clients.enter_async_context(
                httpx.AsyncClient(
                    base_url=share["url"], timeout=HTTP_TIMEOUT_S, verify=shared_tls,
                    limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
                )
            )
            for _ in terms
        ]  # fmt: skip
        tally = Tally()
        out.put(("ready", share["number"], None))
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, go.wait)
        began = loop.time()
        mine_before = time.process_time()
        end = began + share["seconds"]
        rollout = share["rollout"]
        stagger = share["poll_s"] / share["fleet"]
        rng = random.Random(share["seed"])
        if share["saturate"]:
            runs = [saturate_terminal(own[i], tally, term, end, random.Random(rng.random()))
                    for i, term in enumerate(terms)]  # fmt: skip
        else:
            runs = [
                run_terminal(
                    own[i], tally, term, began + term.index * stagger, end, share["poll_s"],
                    60.0 / share["sales_per_minute"], random.Random(rng.random()), rollout,
                )
                for i, term in enumerate(terms)
            ]  # fmt: skip
        await asyncio.gather(*runs)
        await asyncio.sleep(max(end - loop.time(), 0))  # the run lasts its --seconds
        wall = loop.time() - began
    return {
        "latencies": tally.latencies,
        "errors": tally.errors,
        "entries_pushed": tally.entries_pushed,
        "retried": tally.retried,
        "cpu_s": time.process_time() - mine_before,
        "wall_s": wall,
        "terminals": [
            {
                "id": t.id,
                "token": t.token,
                "seq": t.seq,
                "hashes": t.hashes,
                "unacked": len(t.unacked),
                "sales": t.sales,
                "sent": t.sent if share["saturate"] else [],
                "rollout_seen_at": t.rollout_seen_at,
                "sold_new_price": t.sold_new_price,
                "sold_old_price_after": t.sold_old_price_after,
            }
            for t in terms
        ],  # fmt: skip
    }


# --- HQ: its database, its processes, its connections ---------------------------------


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) of ``pid`` and every live descendant, with the children
    they have reaped: the server and its uvicorn workers."""
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                text = (entry / "stat").read_text()
                fields = text[text.rindex(")") + 2 :].split()
                stats[int(entry.name)] = (int(fields[1]), sum(int(f) for f in fields[11:15]))
    family, total = {pid}, 0
    grew = True
    while grew:
        grew = False
        for child, (parent, _) in stats.items():
            if parent in family and child not in family:
                family.add(child)
                grew = True
    for member in family:
        total += stats.get(member, (0, 0))[1]
    return total / os.sysconf("SC_CLK_TCK")


async def watch_pg(admin_url: str, database: str, stop: asyncio.Event) -> int:
    """The peak number of connections to ``database`` while the load runs."""
    import psycopg

    conn = await psycopg.AsyncConnection.connect(admin_url, autocommit=True)
    peak = 0
    try:
        while not stop.is_set():
            cur = await conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (database,)
            )
            peak = max(peak, (await cur.fetchone())[0])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), PG_SAMPLE_S)
    finally:
        await conn.close()
    return peak


async def enrol_all(http: httpx.AsyncClient, terms: list[Terminal], codes: list[str]) -> None:
    gate = asyncio.Semaphore(ENROL_AT_ONCE)

    async def one(term: Terminal, code: str) -> None:
        async with gate:
            response = await http.post(
                protocol.API_PREFIX + "/enroll", json={"code": code, "terminal": term.id}
            )
            if response.status_code != 200:
                raise RuntimeError(f"enrolment of {term.id} refused: {response.text[:200]}")
            term.token = response.json()["token"]

    await asyncio.gather(*(one(t, c) for t, c in zip(terms, codes, strict=True)))


async def held_hashes(http: httpx.AsyncClient, term: Terminal) -> tuple[int, list[str]]:
    """(acked_through, every entry hash) of the terminal's journal as HQ holds it."""
    hashes: list[str] = []
    acked, more = 0, True
    while more:
        response = await http.get(
            protocol.API_PREFIX + "/journal/entries",
            params={"after": len(hashes), "limit": protocol.MAX_BATCH},
            headers=term.headers(),
        )
        response.raise_for_status()
        page = response.json()
        acked, more = page["acked_through"], page["more"]
        hashes.extend(entry["hash"] for entry in page["entries"])
    return acked, hashes


async def verify_all(http: httpx.AsyncClient, terms: list[Terminal]) -> list[str]:
    """Terminal ids whose journal at HQ is not exactly what they sent."""
    gate = asyncio.Semaphore(ENROL_AT_ONCE)
    mismatched: list[str] = []

    async def one(term: Terminal) -> None:
        async with gate:
            acked, hashes = await held_hashes(http, term)
        if hashes != term.hashes or acked != term.seq:
            mismatched.append(term.id)

    await asyncio.gather(*(one(t) for t in terms))
    return sorted(mismatched)


# --- the run ----------------------------------------------------------------------------


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def default_processes(terminals: int) -> int:
    """Generator processes enough that each stays under GENERATOR_BUSY at the default rhythm."""
    return max(1, math.ceil(terminals / TERMINALS_PER_PROCESS))


def rollout_at_s(seconds: float, poll_s: float) -> float:
    """When the price change is made: half-way, or earlier so that every terminal has two
    timer rounds (``poll_s``) after it before the time is up (one round late on a busy
    machine must not leave a terminal without it), but never before a quarter of the run
    (the terminals have started and pulled the catalog)."""
    return max(min(seconds / 2, seconds - 2 * poll_s), seconds / 4)


async def _expect(out, processes: list, what: str) -> dict[int, object]:
    """Wait for ``what`` from every generator process; a failed or dead one stops the run."""
    loop = asyncio.get_running_loop()
    heard: dict[int, object] = {}
    while len(heard) < len(processes):
        try:
            kind, number, payload = await loop.run_in_executor(None, out.get, True, 1.0)
        except queue.Empty:
            dead = [p.exitcode for p in processes if p.exitcode not in (None, 0)]
            if dead:
                raise RuntimeError(f"a load generator process died (exit {dead[0]})") from None
            continue
        if kind == "failed":
            raise RuntimeError(f"load generator {number} failed: {payload}")
        if kind == what:
            heard[number] = payload
    return heard


async def change_price(server: ServerProcess, admin_token: str, product: dict, price: int) -> float:
    """HQ's real catalog path: the admin API's PUT of the product at ``price``; returns the
    wall-clock time HQ answered (the change is committed)."""
    fields = {k: product[k] for k in CATALOG_FIELDS}
    async with httpx.AsyncClient(base_url=server.url, timeout=HTTP_TIMEOUT_S) as http:
        response = await http.put(
            protocol.API_PREFIX + f"/catalog/products/{product['id']}",
            json={**fields, "price_fen": price},
            headers={"Authorization": f"Bearer {admin_token}"},
        )
    if response.status_code != 200:
        raise RuntimeError(f"the price change was refused: {response.text[:200]}")
    return time.time()


async def load(
    server: ServerProcess, terms: list[Terminal], args, pg: tuple | None, rollout: dict | None
) -> dict:
    """Spread the terminals over generator processes, start them together, make the price
    change on time, merge their figures and compare every journal at HQ."""
    processes_n = min(args.processes or default_processes(len(terms)), len(terms))
    context = multiprocessing.get_context("spawn")  # a clean interpreter, nothing inherited
    go, out = context.Event(), context.Queue()
    plan = (rollout["product"]["id"], rollout["price_fen"]) if rollout else None
    shares = [
        {
            "number": number, "url": server.url, "seconds": args.seconds, "poll_s": args.poll_s,
            "sales_per_minute": args.sales_per_minute, "fleet": len(terms), "rollout": plan,
            "seed": args.seed * 1000 + number, "saturate": args.saturate,
            "terminals": [{"id": t.id, "token": t.token, "index": t.index}
                          for t in terms[number::processes_n]],
        }
        for number in range(processes_n)
    ]  # fmt: skip
    processes = [context.Process(target=generator, args=(share, go, out), daemon=True) for share in shares]  # fmt: skip
    for process in processes:
        process.start()
    try:
        await _expect(out, processes, "ready")
        stop = asyncio.Event()
        watcher = asyncio.create_task(watch_pg(*pg, stop)) if pg else None
        cpu_before = cpu_seconds(server.process.pid)
        began = time.time()
        go.set()
        changed_at = None
        if rollout:
            await asyncio.sleep(rollout_at_s(args.seconds, args.poll_s))
            changed_at = await change_price(server, rollout["admin_token"], rollout["product"], rollout["price_fen"])  # fmt: skip
        done = await _expect(out, processes, "done")
        wall = time.time() - began
        hq_cpu = cpu_seconds(server.process.pid) - cpu_before
        stop.set()
        peak = await watcher if watcher else None
    finally:
        for process in processes:
            process.join(10)
            if process.is_alive():
                process.kill()
    tally = Tally()
    for result in done.values():
        tally.merge(result)
    held = {t["id"]: t for result in done.values() for t in result["terminals"]}
    for term in terms:
        mine = held[term.id]
        term.seq, term.hashes, term.sales = mine["seq"], mine["hashes"], mine["sales"]
    async with httpx.AsyncClient(base_url=server.url, timeout=HTTP_TIMEOUT_S) as http:
        mismatched = await verify_all(http, terms)
    kinds = {}
    for kind in KINDS:
        times = tally.latencies[kind]
        kinds[kind] = {
            "requests": len(times),
            "per_s": round(len(times) / wall, 1),
            **{f"p{p}_ms": _ms(percentile(times, p)) if times else None for p in (50, 95, 99)},
        }
    cpu = [result["cpu_s"] for result in done.values()]
    report = {
        "wall_s": round(wall, 1),
        "sales": sum(t.sales for t in terms),
        "entries_pushed": tally.entries_pushed,
        "requests": sum(k["requests"] for k in kinds.values()),
        "requests_per_s": round(sum(k["requests"] for k in kinds.values()) / wall, 1),
        "kinds": kinds,
        "errors": dict(sorted(tally.errors.items())),
        "retried": tally.retried,
        "hq_cpu_s": round(hq_cpu, 2),
        "hq_cpu_share": round(hq_cpu / wall, 3),  # of one core
        "generator_processes": processes_n,
        "generator_cpu_s": round(sum(cpu), 2),
        "generator_cpu_share": round(max(cpu) / wall, 3),  # the busiest process, of one core
        "pg_peak_connections": peak,
        "unpushed_entries": sum(t["unacked"] for t in held.values()),
        "journals_checked": len(terms),
        "journals_mismatched": mismatched,
    }
    if rollout:
        report["rollout"] = _rollout_report(rollout, changed_at - began, changed_at, held.values())
    if args.saturate:
        report["sent"] = [(t.id, booth_of(t.index), held[t.id]["sent"]) for t in terms]
    return report


def _rollout_report(rollout: dict, at_s: float, changed_at: float, terms) -> dict:
    seen = [t["rollout_seen_at"] - changed_at for t in terms if t["rollout_seen_at"] is not None]
    terms = list(terms)
    return {
        "product": rollout["product"]["id"],
        "old_price_fen": rollout["product"]["price_fen"],
        "new_price_fen": rollout["price_fen"],
        "changed_at_s": round(at_s, 1),
        "terminals_updated": len(seen),
        "terminals": len(terms),
        "p50_s": round(percentile(seen, 50), 2) if seen else None,
        "p99_s": round(percentile(seen, 99), 2) if seen else None,
        "all_within_s": round(max(seen), 2) if seen else None,
        "lines_sold_at_new_price": sum(t["sold_new_price"] for t in terms),
        "lines_sold_at_old_price_after": sum(t["sold_old_price_after"] for t in terms),
    }


def raw_baseline(url: str, sent: list[tuple[str, list[str]]]) -> dict:
    """The same journal rows as the saturation's pushes (HQ's own ``projection_rows`` of each
    entry, made before the clock starts) inserted one entry per transaction over one pooled
    connection into a fresh database: no HTTP, no JSON, no checks."""
    engine = make_engine(normalize_db_url(url), pool_size=1, max_overflow=0)
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(booths),
                [{"id": booth, "name": BOOTH_NAME, "created_at": clock.stamp()}
                 for booth in sorted({booth for _, booth, _ in sent})],
            )  # fmt: skip
            conn.execute(
                insert(terminals),
                [{"id": tid, "booth_id": booth, "token_hash": f"{n:064d}", "enrolled_at": clock.stamp()}
                 for n, (tid, booth, _) in enumerate(sent)],
            )  # fmt: skip
        zone, received = ServerSettings().zone, clock.stamp()
        batches = [
            ingest.projection_rows(TerminalIdentity(tid, booth), [json.loads(line)], zone, received)
            for tid, booth, lines in sent
            for line in lines
        ]
        started = time.perf_counter()
        for batch in batches:
            with engine.begin() as conn:
                ingest.insert_projections(conn, batch)  # the rows as ingest stores them
        seconds = time.perf_counter() - started
    finally:
        engine.dispose()
    return {"entries": len(batches), "seconds": round(seconds, 3), "per_s": round(len(batches) / seconds, 1)}  # fmt: skip


def _database(args, base: Path, stack: contextlib.ExitStack) -> tuple[str, tuple | None, object]:
    """The server's database URL; on PostgreSQL (admin URL, database name) to watch; and a
    maker of one more fresh database of the same kind (the raw baseline's)."""
    if args.db in (None, ""):
        return str(base / "hq.sqlite3"), None, lambda label: str(base / f"{label}.sqlite3")
    if args.db == "pg" or args.db.startswith(("postgresql://", "postgres://")):
        admin = DEFAULT_PG if args.db == "pg" else args.db
        try:
            databases = PgDatabases(admin)
        except Exception as exc:
            raise BenchRefused(f"PostgreSQL at {admin} cannot be reached ({exc}); use --db PATH for SQLite") from None  # fmt: skip
        stack.callback(databases.close)
        url = databases.create("fleet")
        return url, (admin, databases.names[-1]), databases.create
    if Path(args.db).exists():
        raise BenchRefused(f"{args.db} exists: the fleet starts from a fresh database, name a new file")  # fmt: skip
    return args.db, None, lambda label: str(base / f"{label}.sqlite3")


def _rollout_plan(engine, admin_token: str) -> dict:
    """The product whose price goes up during the run: the first piece product with a barcode."""
    with reading(engine) as conn:
        products = catalog.all_products(conn)
    product = next(p for p in products if p["unit"] == "piece" and p["barcodes"] and not p["deleted"])  # fmt: skip
    return {"product": product, "price_fen": product["price_fen"] + ROLLOUT_RAISE_FEN, "admin_token": admin_token}  # fmt: skip


def start_hq(args, url: str, pg: tuple | None, base: Path, env: dict):
    """HQ: one ``serve`` process, or ``--nodes`` of them behind ``--proxy`` (and PgBouncer
    with ``--pgbouncer``), see benchmarks/topology.py."""
    if args.saturate:  # back-to-back pushes: the per-terminal limit would answer 429
        env = {**env, "BOOTH_POS_SERVER_PUSHES_PER_MINUTE": str(10**9)}
    if args.nodes == 1 and not args.proxy and not args.pgbouncer:
        return ServerProcess(url, base / "server.log", env=env, workers=args.workers)
    if args.pgbouncer and pg is None:
        raise BenchRefused("--pgbouncer needs PostgreSQL: add --db pg")
    cluster = topology.Cluster(
        url, base, nodes=args.nodes, workers=args.workers, proxy=args.proxy or "haproxy",
        pgbouncer=pg if args.pgbouncer else None, env=env,
    )  # fmt: skip
    if args.kill_node_after is not None:
        cluster.kill_after(f"node{args.nodes}", args.kill_node_after)
    return cluster


def run(args) -> int:
    if not 1 <= args.terminals <= MAX_TERMINALS:
        raise BenchRefused(f"--terminals is 1 to {MAX_TERMINALS}, not {args.terminals}")
    if args.poll_s <= 0 or args.sales_per_minute <= 0:
        raise BenchRefused("--poll-s and --sales-per-minute must be more than 0")
    if not 1 <= args.nodes <= MAX_NODES:
        raise BenchRefused(f"--nodes is 1 to {MAX_NODES}, not {args.nodes}")
    if args.kill_node_after is not None and args.nodes < 2:
        raise BenchRefused("--kill-node-after needs --nodes 2 or more: one node must stay")
    if args.processes is not None and not 1 <= args.processes <= MAX_PROCESSES:
        raise BenchRefused(f"--processes is 1 to {MAX_PROCESSES}, not {args.processes}")
    if args.seconds < args.poll_s and not args.saturate:
        raise BenchRefused(
            f"--seconds ({args.seconds:g}) must be at least --poll-s ({args.poll_s:g}): terminals start over the first poll interval"
        )  # fmt: skip
    with contextlib.ExitStack() as stack:
        base = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="booth-fleet-")))
        url, pg, another = _database(args, base, stack)
        engine = prepare_database(url)
        stack.callback(engine.dispose)
        catalog.import_csv(engine, DEMO_CATALOG.read_bytes())
        terms = [Terminal(f"FLEET-T{n:05d}", index=n - 1) for n in range(1, args.terminals + 1)]
        with engine.begin() as conn:
            for booth in sorted({booth_of(t.index) for t in terms}):
                registry.add_booth(conn, booth, BOOTH_NAME)
            codes = [registry.add_enrol_code(conn, booth_of(t.index), 1) for t in terms]
            admin_token = registry.add_admin(conn, "fleet", by="cli:fleet")
        rollout = None if args.saturate or args.no_rollout else _rollout_plan(engine, admin_token)
        engine.dispose()
        env = {"BOOTH_POS_SERVER_LOG_LEVEL": "warning"}
        server = start_hq(args, url, pg, base, env)
        stack.callback(server.stop)

        async def main() -> dict:
            async with httpx.AsyncClient(base_url=server.url, timeout=HTTP_TIMEOUT_S) as http:
                await enrol_all(http, terms, codes)
            return await load(server, terms, args, pg, rollout)

        result = asyncio.run(main())
        if isinstance(server, topology.Cluster):
            result["cluster"] = server.figures()
        with reading(engine) as conn:  # HQ's business checks held none of it back
            result["quarantined"] = conn.execute(
                select(func.count()).select_from(quarantine)
            ).scalar_one()
        if args.saturate:
            server.stop()  # the raw baseline runs alone, as HQ did
            raw_url = another("raw")
            prepare_database(raw_url).dispose()
            raw = raw_baseline(raw_url, result.pop("sent"))
            ours = result["kinds"]["push"]["per_s"]
            result["saturation"] = {
                "pushes_per_s": ours,
                "raw_inserts_per_s": raw["per_s"],
                "raw_entries": raw["entries"],
                "ratio": round(ours / raw["per_s"], 3) if raw["per_s"] else None,
            }
    report = {
        "machine": machine(),
        "database": "postgresql" if pg else "sqlite",
        "mode": "saturation" if args.saturate else "fleet",
        "terminals": args.terminals,
        "seconds": args.seconds,
        "sales_per_minute": args.sales_per_minute,
        "poll_s": args.poll_s,
        "workers": args.workers,
        "nodes": args.nodes,
        **result,
    }
    rolled = result.get("rollout")
    report["pass"] = (
        not result["journals_mismatched"]
        and not result["errors"]
        and result["unpushed_entries"] == 0
        and (rolled is None or (rolled["terminals_updated"] == rolled["terminals"]
                                and rolled["lines_sold_at_old_price_after"] == 0))
    )  # fmt: skip
    shown = text_report(report)
    if "cluster" in report:
        shown += "\n" + topology.text(report["cluster"])
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else shown)
    return 0 if report["pass"] else 1


def text_report(r: dict) -> str:
    out = [
        (
            f"{r['terminals']} terminals for {r['seconds']:g} s on {r['database']} "
            f"({r['workers']} worker(s)), {r['sales_per_minute']:g} sales/min each, "
            f"a round every {r['poll_s']:g} s and after each sale"
        )
        if r["mode"] == "fleet"
        else (
            f"{r['terminals']} terminals pushing one entry at a time, back to back, for "
            f"{r['seconds']:g} s on {r['database']} ({r['workers']} worker(s))"
        ),
        f"sales {r['sales']}, entries pushed {r['entries_pushed']}, "
        f"{r['requests']} requests in {r['wall_s']:g} s ({r['requests_per_s']:g}/s)",
        f"{'kind':<6}{'requests':>10}{'per s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}",
    ]
    for kind, k in r["kinds"].items():
        p = [f"{k[f'p{n}_ms']:>9}" if k[f"p{n}_ms"] is not None else f"{'-':>9}" for n in (50, 95, 99)]  # fmt: skip
        out.append(f"{kind:<6}{k['requests']:>10}{k['per_s']:>9}{''.join(p)}")
    errors = ", ".join(f"{status}: {n}" for status, n in r["errors"].items()) or "none"
    out.append(
        f"errors: {errors}; dropped and tried again at once: {r['retried']}; "
        f"entries HQ quarantined: {r['quarantined']}"
    )
    out.append(
        f"HQ CPU {r['hq_cpu_s']:g} s ({r['hq_cpu_share']:.0%} of one core); "
        f"load generator CPU {r['generator_cpu_s']:g} s in {r['generator_processes']} "
        f"process(es), the busiest {r['generator_cpu_share']:.0%} of one core"
    )
    if r["generator_cpu_share"] > GENERATOR_BUSY:
        out.append(
            "a load generator process kept a core busy: the latencies include its own "
            "delays, run more --processes"
        )
    rolled = r.get("rollout")
    if rolled:
        out.append(
            f"price change at {rolled['changed_at_s']:g} s ({rolled['product']} "
            f"{rolled['old_price_fen']} -> {rolled['new_price_fen']} fen, admin API): pulled by "
            f"{rolled['terminals_updated']} of {rolled['terminals']} terminals, p50 "
            f"{rolled['p50_s']} s, all within {rolled['all_within_s']} s; lines sold at the new "
            f"price {rolled['lines_sold_at_new_price']}, at the old one after pulling it "
            f"{rolled['lines_sold_at_old_price_after']}"
        )
    sat = r.get("saturation")
    if sat:
        out.append(
            f"saturation: {sat['pushes_per_s']:g} one-entry pushes/s against "
            f"{sat['raw_inserts_per_s']:g} raw one-entry transactions/s over one pooled "
            f"connection ({sat['raw_entries']} entries): ratio {sat['ratio']}"
        )
    if r["pg_peak_connections"] is not None:
        out.append(f"PostgreSQL connections at peak: {r['pg_peak_connections']}")
    mismatched = r["journals_mismatched"]
    verdict = "PASS" if r["pass"] else "FAIL"
    out.append(
        f"journals at HQ equal to what was sent: {r['journals_checked'] - len(mismatched)} of "
        f"{r['journals_checked']}"
        + (f" (differ: {', '.join(mismatched[:10])})" if mismatched else "")  # fmt: skip
    )
    out.append(verdict)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.fleet",
        description="N virtual terminals selling against a real HQ process; see docs/benchmarks.md.",
    )
    parser.add_argument("--terminals", type=int, default=100, help="virtual terminals (default 100)")  # fmt: skip
    parser.add_argument("--seconds", type=float, default=60, help="how long they sell (default 60)")  # fmt: skip
    parser.add_argument("--sales-per-minute", type=float, default=1.0, help="per terminal (default 1)")  # fmt: skip
    parser.add_argument("--poll-s", type=float, default=30.0, help="seconds between sync rounds (default 30)")  # fmt: skip
    parser.add_argument("--db", metavar="PATH|pg|ADMIN_URL", help="a new SQLite file; 'pg' for the local PostgreSQL or a PostgreSQL admin URL (a temporary database is made); default: a temporary SQLite file")  # fmt: skip
    parser.add_argument("--workers", type=int, default=2, help="HQ's serve --workers (default 2, one per core)")  # fmt: skip
    parser.add_argument("--nodes", type=int, default=1, help="HQ's app nodes (serve processes), behind --proxy when more than 1 (default 1)")  # fmt: skip
    parser.add_argument("--proxy", choices=topology.PROXIES, help="the reverse proxy in front of the nodes (default haproxy when --nodes > 1 or --pgbouncer)")  # fmt: skip
    parser.add_argument("--pgbouncer", action="store_true", help="the nodes reach PostgreSQL through PgBouncer in transaction mode (needs --db pg)")  # fmt: skip
    parser.add_argument("--kill-node-after", type=float, metavar="S", help="SIGKILL the last node S seconds after HQ answered (enrolment included)")  # fmt: skip
    parser.add_argument("--processes", type=int, help="load generator processes, each driving a share of the terminals (default: one per 2,000 terminals)")  # fmt: skip
    parser.add_argument("--saturate", action="store_true", help="one-entry pushes back to back for --seconds (no polls), against a raw INSERT of the same rows")  # fmt: skip
    parser.add_argument("--no-rollout", action="store_true", help="no price change during the run")  # fmt: skip
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    return run_main(parser, run, argv)


if __name__ == "__main__":
    sys.exit(main())
