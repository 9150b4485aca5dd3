"""Sync under faults: a real server on 127.0.0.1 (SQLite and PostgreSQL), a fault proxy
(tests/sync/proxy.py) between it and a real terminal, and SIGKILLed terminal processes.

Every case ends with the same check, ``assert_exact``: the server's journal for the
terminal equals the terminal's journal line for line, every sale is on the server exactly
once, the chain verifies, the reports' totals (per business day, and over HTTP) equal the
terminal's, and the terminal's ``acked_through`` is its head.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

import sync.client
from pos.cart import Cart, Payment
from pos.store import sync_state
from pos.terminal import Terminal
from sync.client import SyncClient as RetryingSyncClient
from sync.protocol import journal
from sync.protocol.barcodes import ean_check_digit
from sync.protocol.catalog import normalize_plu
from sync.protocol.journal import parse_utc
from sync.server import catalog, journal_store, quarantine, registry, reports
from sync.server.db import reading
from sync.server.errors import ApiError
from sync.server.settings import ServerSettings
from sync.server.tables import payments, products, sale_lines, tamper_alerts
from sync.server.tables import sales as sales_table
from tests.support import MANAGER, MANAGER_PIN, open_shift
from tests.support.live import date_enrolment
from tests.support.pg import pg_admin_conn

# Each case injects one fault and checks what that fault does, so the client here tries
# each request once; test_a_single_dropped_request_is_retried_within_the_round and the
# dropping link of case 7 use the real client, which retries a dropped request at once.
SyncClient = functools.partial(RetryingSyncClient, attempts=1)

ROOT = Path(__file__).resolve().parents[2]
DEMO_CATALOG = ROOT / "assets" / "demo" / "catalog.csv"
BOOTH_POS = Path(sys.executable).with_name("booth-pos")
CASHIER, PIN = "李娜", "2468"
BOOTH = "B1"
CODES = [
    "6970006000011",  # 酉阳茶油500ml
    "6970005000012",  # 秀山土家米5kg装
    "6970001000016",
    "2110001012341",  # a weighed label, PLU 10001
    "2010003015909",  # a priced label
]
KILLS = int(os.environ.get("BOOTH_POS_SYNC_KILLS", "110"))

# Fixtures (tests/sync/conftest.py): the server's database on SQLite and PostgreSQL, the
# restartable server, the fault proxy in front of it, and the fork server of terminals.


# --- helpers -------------------------------------------------------------------------------


def utc_now() -> datetime:
    return datetime.now(UTC)


def enrol(
    terminal: Terminal, hq, url: str, booth: str = BOOTH, replaces: str | None = None
) -> dict:
    """Enrol the way a booth does: HQ makes a one-time code (a replacement code when the
    terminal is already enrolled), the terminal spends it."""
    with hq.engine.begin() as conn:
        with contextlib.suppress(ApiError):
            registry.add_booth(conn, booth, "奉节县扶贫专柜")
        code = registry.add_enrol_code(conn, booth, 1, replaces=replaces)
    enrolled = sync.client.enroll(terminal, url, code)
    # HQ's catalog has the products the booth sells (its sales pass HQ's business checks),
    # and the booth counts as enrolled before its first sale.
    import_demo_catalog(hq)
    date_enrolment(hq.engine, terminal.terminal_id)
    return enrolled


class Seller:
    """Rings up small random sales on a terminal, as a cashier would."""

    def __init__(self, terminal: Terminal, seed: int = 7):
        self.terminal = terminal
        self.cashier = terminal.authenticate(CASHIER, PIN)
        self.rng = random.Random(seed)

    def sell(self, count: int, fast: bool = False) -> list[dict]:
        """``fast`` skips fsync while the backlog is built (setup only, not under test)."""
        conn = self.terminal.store.conn
        if fast:
            conn.execute("PRAGMA synchronous=OFF")
        try:
            return [self.one() for _ in range(count)]
        finally:
            if fast:
                conn.execute("PRAGMA synchronous=FULL")

    def one(self) -> dict:
        cart = Cart()
        for _ in range(self.rng.randint(1, 3)):
            code = self.rng.choice(CODES)
            qty = 1 if code.startswith("2") else self.rng.randint(1, 3)
            self.terminal.add_to_cart(cart, code, qty)
        paid = cart.total_fen + self.rng.choice([0, 0, 50, 1000])
        method = self.rng.choice(["cash", "cash", "wechat"])
        if method != "cash":
            paid = cart.total_fen
        return self.terminal.checkout(cart, [Payment(method, paid)], self.cashier)


def server_lines(hq, terminal_id: str = "T1") -> list[str]:
    with reading(hq.engine) as conn:
        return [line for _, line in journal_store.walk(conn, terminal_id)]


def acked_through(terminal: Terminal) -> int:
    return int(sync_state.get(terminal.store.conn, "acked_through", "0"))


def head_seq(terminal: Terminal) -> int:
    row = terminal.store.conn.execute("SELECT max(seq) FROM journal").fetchone()
    return row[0] or 0


def assert_sentence(text: str | None) -> None:
    """An error the status bar can show: one sentence for people, no traceback."""
    assert text, "no error was reported"
    assert "Traceback" not in text and "\n" not in text.strip(), text
    assert text[0].isupper() and text.rstrip().endswith((".", "。")), text


def assert_prefix(hq, terminal: Terminal) -> int:
    """Whatever the server holds is exactly the start of the terminal's journal."""
    held = server_lines(hq, terminal.terminal_id)
    assert held == list(terminal.export_journal())[: len(held)]
    assert acked_through(terminal) <= len(held)
    return len(held)


def _business_day(at: str, zone) -> str:
    return parse_utc(at).astimezone(zone).date().isoformat()


def assert_exact(terminal: Terminal, hq, booth: str = BOOTH) -> journal.Verdict:
    """The end state every case must reach: nothing lost, nothing doubled, all agreed."""
    tid = terminal.terminal_id
    lines = list(terminal.export_journal())
    entries = [json.loads(line) for line in lines]
    terminal_sales = {e["body"]["sale_id"]: e for e in entries if e["type"] == "sale"}
    with reading(hq.engine) as conn:
        held = [line for _, line in journal_store.walk(conn, tid)]
        stored_sales = conn.execute(
            select(sales_table.c.sale_id, sales_table.c.seq, sales_table.c.total_fen).where(
                sales_table.c.terminal_id == tid
            )
        ).all()
        sold_ids = [row.sale_id for row in stored_sales]
        line_counts = dict(
            conn.execute(
                select(sales_table.c.sale_id, func.count())
                .join(sale_lines, sales_table.c.id == sale_lines.c.sale_key)
                .where(sales_table.c.terminal_id == tid)
                .group_by(sales_table.c.sale_id)
            ).all()
        )
        pay_counts = dict(
            conn.execute(
                select(sales_table.c.sale_id, func.count())
                .join(payments, sales_table.c.id == payments.c.sale_key)
                .where(sales_table.c.terminal_id == tid)
                .group_by(sales_table.c.sale_id)
            ).all()
        )
        alerts = conn.execute(  # tamper alerts, and quarantine alerts not yet released
            select(func.count())
            .select_from(tamper_alerts)
            .where(
                tamper_alerts.c.terminal_id == tid,
                (tamper_alerts.c.kind == "tamper") | tamper_alerts.c.resolved_at.is_(None),
            )
        ).scalar_one()
        by_day = reports.sales(conn, "day", date(2000, 1, 1), date(2199, 12, 31), booth)
        health = {row["terminal_id"]: row for row in reports.booth_health(conn, utc_now(), booth)}

    # 1. The server's journal is the terminal's, line for line.
    if held != lines:
        first = next(
            (i for i, (a, b) in enumerate(zip(held, lines, strict=False)) if a != b),
            min(len(held), len(lines)),
        )
        raise AssertionError(
            f"the server holds {len(held)} entries, the terminal {len(lines)}; "
            f"first difference at seq {first + 1}"
        )
    # 2. The chain verifies on the server's copy.
    verdict = journal.verify(held, tid)
    assert verdict.ok, verdict
    assert verdict.head_seq == len(lines)
    # 3. Every sale exactly once, with all its lines and payments.
    assert len(sold_ids) == len(set(sold_ids)), "a sale is on the server twice"
    assert {row.sale_id: row.seq for row in stored_sales} == {
        sale_id: e["seq"] for sale_id, e in terminal_sales.items()
    }
    for sale_id, entry in terminal_sales.items():
        assert line_counts[sale_id] == len(entry["body"]["lines"]), sale_id
        assert pay_counts[sale_id] == len(entry["body"]["payments"]), sale_id
    assert alerts == 0, f"{alerts} tamper alert(s) were raised for {tid}"
    # 4. Report totals equal the terminal's: per business day, in total, and over HTTP.
    # Sales count on the day they were made, refunds (and post-voids) on the day the money
    # went back; net is sold less refunded. (These cases only sell: refunds are 0, net is
    # the amount sold.)
    expected_days: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(REPORT_FIGURES, 0))  # fmt: skip
    for entry in entries:
        if entry["type"] not in ("sale", "refund"):
            continue
        day = expected_days[_business_day(entry["at"], hq.settings.zone)]
        if entry["type"] == "sale":
            day["sales"] += 1
            day["amount_fen"] += entry["body"]["total_fen"]
        else:
            day["refunds"] += 1
            day["refunded_fen"] += entry["body"]["total_fen"]
        day["net_fen"] = day["amount_fen"] - day["refunded_fen"]
    expected_total = {
        name: sum(day[name] for day in expected_days.values()) for name in REPORT_FIGURES
    }
    assert expected_total["sales"] == len(terminal_sales)
    assert {row["key"]: _report_figures(row) for row in by_day["rows"]} == dict(expected_days)
    assert _report_figures(by_day["total"]) == expected_total
    if expected_days:
        assert _report_figures(_http_sales_total(hq, booth, sorted(expected_days))) == expected_total  # fmt: skip
    if lines:
        assert health[tid]["acked_seq"] == len(lines)
        assert health[tid]["grand_total_fen"] == verdict.grand_total_fen
        assert health[tid]["open_alerts"] == 0
    # 5. The terminal knows it is all acknowledged.
    assert acked_through(terminal) == head_seq(terminal) == len(lines)
    assert terminal.unsynced_count() == 0
    assert not sync_state.get(terminal.store.conn, "sync_blocked")
    return verdict


# The figures a sales report row and total carry for sales and refunds; rows may carry more.
REPORT_FIGURES = ("sales", "amount_fen", "refunds", "refunded_fen", "net_fen")


def _report_figures(row: dict) -> dict[str, int]:
    missing = set(REPORT_FIGURES) - set(row)
    assert not missing, f"the sales report lacks {sorted(missing)}: {row}"
    return {name: row[name] for name in REPORT_FIGURES}


def _http_sales_total(hq, booth: str, days: list[str]) -> dict:
    """The sales report as HQ reads it: GET /api/v1/reports/sales with an admin token."""
    with hq.engine.begin() as conn:
        token = registry.add_admin(conn, f"audit{random.randrange(10**9)}")
    first = date.fromisoformat(days[0]) - timedelta(days=1)
    last = date.fromisoformat(days[-1]) + timedelta(days=1)
    response = requests.get(
        f"{hq.url}/api/v1/reports/sales",
        params={"group_by": "booth", "from": first, "to": last, "booth": booth},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()["total"]


def import_demo_catalog(hq) -> None:
    catalog.import_csv(hq.engine, DEMO_CATALOG.read_bytes())


def server_catalog(hq) -> dict[str, tuple]:
    """HQ's products as a terminal should hold them: withdrawn ones inactive, without PLU."""
    with reading(hq.engine) as conn:
        rows = conn.execute(
            select(
                products.c.id,
                products.c.name,
                products.c.price_fen,
                products.c.plu,
                products.c.barcodes,
                products.c.deleted,
                products.c.version,
            )
        ).all()
    out = {}
    for row in rows:
        gtins = frozenset(c.zfill(14) for c in row.barcodes.split("|") if c)
        plu = normalize_plu(row.plu) if row.plu and not row.deleted else None
        out[row.id] = (row.name, int(row.price_fen), plu, gtins, not row.deleted, int(row.version))
    return out


def terminal_catalog(terminal: Terminal) -> dict[str, tuple]:
    conn = terminal.store.conn
    gtins: dict[str, set] = defaultdict(set)
    for gtin, product_id in conn.execute("SELECT gtin, product_id FROM barcodes"):
        gtins[product_id].add(gtin)
    return {
        pid: (name, price, plu, frozenset(gtins[pid]), bool(active), version)
        for pid, name, price, plu, active, version in conn.execute(
            "SELECT id, name, price_fen, plu, active, catalog_version FROM products"
        )
    }


def _sellable(state: tuple) -> tuple:
    """A withdrawn product's tombstone carries only its id: compare what it says."""
    name, price, plu, gtins, active, version = state
    return state if active else (None, None, plu, gtins, False, version)


def assert_same_catalog(terminal: Terminal, hq) -> None:
    held = {pid: _sellable(state) for pid, state in terminal_catalog(terminal).items()}
    expected = {pid: _sellable(state) for pid, state in server_catalog(hq).items()}
    # A product withdrawn before this terminal ever pulled it comes as a bare tombstone, which
    # a terminal without the product has nothing to apply to: it need not hold it.
    missing = sorted(pid for pid in set(expected) - set(held) if expected[pid][4])
    expected = {pid: state for pid, state in expected.items() if pid in held or state[4]}
    extra = sorted(set(held) - set(expected))
    assert not missing and not extra, f"missing {missing[:5]}, extra {extra[:5]}"
    wrong = {pid: (held[pid], expected[pid]) for pid in expected if held[pid] != expected[pid]}
    assert not wrong, f"{len(wrong)} product(s) differ, e.g. {next(iter(wrong.items()))}"


def deliveries_match(terminal: Terminal, hq, booth: str = BOOTH) -> None:
    from sync.server.tables import deliveries

    with reading(hq.engine) as conn:
        sent = {
            (row.id, row.product_id, int(row.qty))
            for row in conn.execute(select(deliveries).where(deliveries.c.booth_id == booth))
        }
    got = set(
        terminal.store.conn.execute("SELECT delivery_id, product_id, qty FROM expected_receipts")
    )
    assert got == sent


# --- 1 ---------------------------------------------------------------------------------------


def test_01_connection_refused_then_the_server_appears(terminal, hq, proxy):
    enrol(terminal, hq, proxy.url)
    client = SyncClient(terminal)
    hq.stop()
    proxy.refuse()  # nothing listens at the address: connect() is refused
    Seller(terminal).sell(5)
    connections, seen = proxy.connections, proxy.requests

    result = client.round()
    assert not result.online and result.pushed == 0
    assert result.unsynced == 1 + 5 and result.acked_through == 0  # the shift_open, 5 sales
    assert_sentence(result.error)
    print(result.error)
    assert proxy.connections == connections, "the connection was not refused"

    # The address answers again but the server behind it is still down: reset.
    proxy.listen()
    result = client.round()
    assert not result.online and result.unsynced == 1 + 5
    assert_sentence(result.error)
    assert proxy.connections > connections and proxy.requests == seen

    hq.start()  # the server appears
    result = client.round()
    assert result.online and result.error is None, result
    assert result.pushed == 1 + 5 and result.unsynced == 0
    assert_exact(terminal, hq)


# --- 2 ---------------------------------------------------------------------------------------


def test_02_connection_cut_after_the_request_before_the_server_commits(terminal, hq, proxy):
    enrol(terminal, hq, proxy.url)
    client = SyncClient(terminal, batch=4)
    Seller(terminal).sell(6)

    for action in ("cut_request", "reset"):
        proxy.inject(action, path="/journal", method="POST")
        result = client.round()
        assert not result.online and result.acked_through == 0 and result.unsynced == 1 + 6
        assert_sentence(result.error)
        assert proxy.faults[action] == 1
        assert server_lines(hq) == [], "a request the server never received was stored"

    # A gateway in the way answers 502 itself (a captive portal, a broken reverse proxy).
    proxy.inject("bad_gateway", path="/journal", method="POST")
    result = client.round()
    assert result.error and result.acked_through == 0 and result.unsynced == 1 + 6
    assert server_lines(hq) == []  # (how the error is worded: test_02b)

    # The second batch is cut: the first is stored and acknowledged, the second is not.
    proxy.inject("pass", path="/journal", method="POST")
    proxy.inject("cut_request", path="/journal", method="POST")
    result = client.round()
    assert not result.online and result.acked_through == 4
    assert proxy.faults["cut_request"] == 2 and proxy.pending_rules == 0
    assert assert_prefix(hq, terminal) == 4

    result = client.round()
    assert result.online and result.error is None and result.unsynced == 0
    assert_exact(terminal, hq)


def test_02b_a_gateway_error_reads_as_offline_in_words(terminal, hq, proxy):
    enrol(terminal, hq, proxy.url)
    Seller(terminal).sell(2)
    proxy.inject("bad_gateway", path="/journal", method="POST")
    result = SyncClient(terminal).round()
    assert result.unsynced == 1 + 2 and server_lines(hq) == []
    assert_sentence(result.error)
    assert not result.online


# --- 3 ---------------------------------------------------------------------------------------


def test_03_server_commits_the_response_is_lost_the_client_retries(terminal, hq, proxy):
    enrol(terminal, hq, proxy.url)
    client = SyncClient(terminal, batch=3)
    seller = Seller(terminal)
    seller.sell(5)

    proxy.inject("drop_response", path="/journal", method="POST")
    result = client.round()
    assert not result.online and result.acked_through == 0
    assert_sentence(result.error)
    (lost,) = proxy.seen("/journal", "drop_response")
    assert lost.response_status == 200 and not lost.delivered  # answered, never heard
    assert assert_prefix(hq, terminal) == 3  # the server committed the first batch

    # More sales meanwhile; this time the second batch's answer is lost.
    seller.sell(2)
    proxy.inject("pass", path="/journal", method="POST")
    proxy.inject("drop_response", path="/journal", method="POST")
    result = client.round()
    assert not result.online and result.acked_through == 3
    assert assert_prefix(hq, terminal) == 6

    # A catalog page whose answer is lost is asked for again, not skipped.
    with hq.engine.begin() as conn:
        catalog.upsert_product(
            conn,
            {
                "id": "NEW-1",
                "name": "城口老腊肉",
                "unit": "piece",
                "price_fen": 5800,
                "supplier_id": "S9",
                "supplier_name": "城口县腊肉合作社",
                "county": "城口县",
                "barcodes": [_ean13("697009900001")],
            },
        )
    proxy.inject("drop_response", path="/catalog/changes")
    result = client.round()
    assert result.acked_through == 1 + 7 and not result.online and result.catalog_cursor == 0
    result = client.round()
    assert result.online and result.error is None and result.unsynced == 0
    assert result.pulled >= 1 and "NEW-1" in terminal_catalog(terminal)
    assert proxy.faults["drop_response"] == 3
    assert_exact(terminal, hq)


def _ean13(first12: str) -> str:
    return first12 + str(ean_check_digit(first12))


# --- 4 ---------------------------------------------------------------------------------------


def test_04_response_truncated_mid_body_and_a_slow_link(terminal, hq, proxy, monkeypatch):
    import_demo_catalog(hq)
    enrol(terminal, hq, proxy.url)
    client = SyncClient(terminal, batch=20, page=10)
    seller = Seller(terminal)
    seller.sell(5)

    proxy.inject("truncate", path="/journal", method="POST")
    result = client.round()
    assert not result.online and result.acked_through == 0
    assert_sentence(result.error)
    (cut,) = proxy.seen("/journal", "truncate")
    assert cut.response_status == 200
    assert assert_prefix(hq, terminal) == 1 + 5  # committed; the client heard half an answer

    proxy.inject("truncate", path="/catalog/changes")
    result = client.round()
    assert result.acked_through == 1 + 5 and not result.online and result.catalog_cursor == 0

    # A slow link: every answer arrives a few bytes at a time, in several batches and pages.
    seller.sell(45)
    proxy.default = "trickle"
    started = time.monotonic()
    result = client.round()
    took = time.monotonic() - started
    assert result.online and result.error is None, result
    assert result.unsynced == 0 and result.pulled >= 50
    assert proxy.faults["trickle"] >= 8 and took > 8 * 10 * proxy.trickle_delay
    assert_same_catalog(terminal, hq)

    # A slow uplink: the pushes themselves trickle to the server.
    proxy.default = "trickle_request"
    seller.sell(5)
    result = client.round()
    assert result.online and result.error is None and result.unsynced == 0
    assert proxy.faults["trickle_request"] >= 3
    proxy.default = "pass"

    # An answer that stalls past the read timeout: the client gives up in time.
    monkeypatch.setattr(sync.client, "TIMEOUT", (1.0, 0.3))
    proxy.stall_s = 1.5
    seller.sell(3)
    proxy.inject("stall", path="/journal", method="POST")
    started = time.monotonic()
    result = client.round()
    assert not result.online and time.monotonic() - started < 1.4
    assert_sentence(result.error)
    assert "Timeout" in result.error
    result = client.round()
    assert result.online and result.error is None and result.unsynced == 0
    assert_exact(terminal, hq)


# --- 5 ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_05_server_restarted_in_the_middle_of_a_batch(terminal, hq, proxy):
    enrol(terminal, hq, proxy.url)
    seller = Seller(terminal)
    seller.sell(30)

    # Graceful restart while a batch is still being uploaded.
    client = SyncClient(terminal, batch=10)
    proxy.trickle_delay = 0.01
    proxy.inject("pass", path="/journal", method="POST")
    proxy.inject("trickle_request", path="/journal", method="POST")
    restarted = threading.Event()

    def restart_when_uploading():
        if proxy.uplink_started.wait(10):
            hq.stop()  # graceful: uvicorn lets the request in flight finish
            hq.start()
            restarted.set()

    restarter = threading.Thread(target=restart_when_uploading)
    restarter.start()
    result = client.round()  # the terminal's connection belongs to this thread
    restarter.join(30)
    assert restarted.is_set(), "the server was not restarted during the upload"
    assert result.acked_through >= 10
    assert_prefix(hq, terminal)
    result = client.round()
    assert result.online and result.error is None and result.unsynced == 0, result
    assert_exact(terminal, hq)

    # A crash (SIGKILL) of the server while it ingests a 500-entry batch.
    hq.stop()
    hq.spawn()
    seller.sell(1500, fast=True)
    client = SyncClient(terminal, batch=500)
    rng = random.Random(5)
    # Early (the body is still being parsed), mid-ingest, and after the commit.
    for attempt, (low, high) in enumerate([(0.0, 0.03), (0.08, 0.25), (1.5, 1.6)]):
        killed = threading.Event()
        delay = rng.uniform(low, high)

        def kill_mid_ingest(seen, delay=delay, killed=killed):
            if seen.path.endswith("/journal") and not killed.is_set():
                time.sleep(delay)
                hq.kill()
                killed.set()

        proxy.on_forwarded = kill_mid_ingest
        before = len(server_lines(hq))  # hq.engine reads the database directly
        result = client.round()
        proxy.on_forwarded = None
        assert killed.is_set(), f"attempt {attempt}: the server was not killed"
        assert not result.online
        assert_sentence(result.error)
        after = assert_prefix(hq, terminal)  # a batch is stored whole or not at all
        print(f"server killed {delay * 1000:.0f} ms into a push: held {before}, then {after}")
        hq.spawn()
    result = client.round()
    assert result.online and result.error is None and result.unsynced == 0, result
    assert_exact(terminal, hq)


# --- 6 ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_06_two_processes_push_the_same_backlog_at_the_same_moment(terminal, hq, proxy, home):
    import_demo_catalog(hq)  # both processes pull it too
    enrol(terminal, hq, proxy.url)
    Seller(terminal).sell(1200, fast=True)

    # Line the two processes' first pushes up so they reach the server together.
    barrier = threading.Barrier(2, timeout=30)
    lined_up: list[int] = []
    lock = threading.Lock()

    def line_up(seen):
        if seen.path.endswith("/journal"):
            with lock:
                if len(lined_up) >= 2:
                    return
                lined_up.append(seen.connection)
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()

    proxy.before_forward = line_up
    command = [str(BOOTH_POS), "--home", str(home), "sync", "--once", "--json"]
    procs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outcomes = [(proc.wait(120), proc.stdout.read(), proc.stderr.read()) for proc in procs]
    for proc in procs:
        proc.stdout.close()
        proc.stderr.close()
    proxy.before_forward = None
    assert len(set(lined_up)) == 2, "the two pushes did not meet at the server"
    for code, out, err in outcomes:
        assert "Traceback" not in err, err
        if code != 0:  # a transient error is allowed, said in one line
            assert code == 1 and len(err.strip().splitlines()) == 1, (code, out, err)
        json.loads(out)
    assert any(code == 0 for code, _, _ in outcomes), outcomes
    for code, out, err in outcomes:
        print(f"exit {code}: pushed {json.loads(out)['pushed']}, error {err.strip()!r}")

    result = SyncClient(terminal).round()
    assert result.online and result.error is None and result.unsynced == 0, result
    assert result.pulled == 0  # the two processes pulled the whole catalog between them
    assert_same_catalog(terminal, hq)
    assert_exact(terminal, hq)


# --- 7 ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_07_ten_thousand_entries_after_a_week_offline_over_a_dropping_link(terminal, hq, proxy):
    enrol(terminal, hq, proxy.url)
    # A week offline: 10,000 sales spread over seven days of the terminal's clock.
    moment = [utc_now() - timedelta(days=7)]
    terminal.clock = lambda: moment[0]
    seller = Seller(terminal)
    conn = terminal.store.conn
    conn.execute("PRAGMA synchronous=OFF")  # setup only: the backlog, not its durability
    for _ in range(10_000):
        seller.one()
        moment[0] += timedelta(seconds=60)
    conn.execute("PRAGMA synchronous=FULL")
    terminal.clock = utc_now
    assert terminal.unsynced_count() == 1 + 10_000  # the shift_open and the sales

    # Every third request fails one way or another, and every fourth connection is reset.
    proxy.every(3, "drop_response", "cut_request", "truncate", "reset")
    proxy.drop_every_nth_connection = 4
    client = RetryingSyncClient(terminal)  # the real client: a periodic fault never stalls it
    started, rounds, failed = time.monotonic(), 0, 0
    while terminal.unsynced_count() and rounds < 300:
        result = client.round()
        rounds += 1
        failed += not result.online
        if not result.online:
            assert_sentence(result.error)
    took = time.monotonic() - started
    assert terminal.unsynced_count() == 0, f"{rounds} rounds left {terminal.unsynced_count()}"
    assert set(proxy.faults) >= {
        "drop_response",
        "cut_request",
        "truncate",
        "reset",
        "drop_connection",
    }, proxy.faults
    proxy.clear()
    result = client.round()
    assert result.online and result.error is None, result
    print(f"10,000 entries drained in {took:.1f} s, {rounds} rounds, {dict(proxy.faults)}")
    verdict = assert_exact(terminal, hq)
    assert verdict.entries == 1 + 10_000  # the shift_open and the sales


# --- 8 ---------------------------------------------------------------------------------------


def _edit_catalog(hq, rng: random.Random, serial: list[int]) -> None:
    """One HQ session of catalog work: prices, names, withdrawals, new products, deliveries."""
    with hq.engine.begin() as conn:
        live = [pid for pid, row in _rows(conn).items() if not row["deleted"]]
        dead = [pid for pid, row in _rows(conn).items() if row["deleted"]]
        for _ in range(rng.randint(1, 4)):
            kind = rng.choice(["price", "price", "rename", "delete", "restore", "new", "deliver"])
            if kind in ("price", "rename") and live:
                product = catalog.get_product(conn, rng.choice(live))
                fields = {k: v for k, v in product.items() if k not in ("deleted", "version")}
                if kind == "price":
                    fields["price_fen"] = rng.randint(100, 20000)
                else:
                    fields["name"] = product["name"].split("·")[0] + f"·{rng.randint(1, 99)}"
                catalog.upsert_product(conn, fields)
            elif kind == "delete" and len(live) > 5:
                pid = rng.choice(live)
                catalog.delete_product(conn, pid)
                live.remove(pid)
                dead.append(pid)
            elif kind == "restore" and dead:
                pid = rng.choice(dead)
                product = catalog.get_product(conn, pid)
                fields = {k: v for k, v in product.items() if k not in ("deleted", "version")}
                if fields["barcodes"]:
                    fields["plu"] = None  # its PLU may have been given to another product
                try:
                    catalog.upsert_product(conn, fields)
                except ApiError:  # its PLU is another product's now: leave it withdrawn
                    continue
                dead.remove(pid)
                live.append(pid)
            elif kind == "new":
                serial[0] += 1
                pid = f"NEW-{serial[0]}"
                catalog.upsert_product(
                    conn,
                    {
                        "id": pid,
                        "name": f"巫溪洋芋{serial[0]}",
                        "unit": "piece",
                        "price_fen": rng.randint(100, 5000),
                        "supplier_id": "S77",
                        "supplier_name": "巫溪县洋芋合作社",
                        "county": "巫溪县",
                        "barcodes": [_ean13(f"69700990{serial[0]:04d}")],
                    },
                )
                live.append(pid)
            elif kind == "deliver" and live:
                catalog.add_delivery(conn, BOOTH, rng.choice(live), rng.randint(1, 50), "补货")


def _reprice(hq, rng: random.Random, count: int) -> None:
    """HQ changes the price of ``count`` live products (one version each)."""
    with hq.engine.begin() as conn:
        live = [pid for pid, row in _rows(conn).items() if not row["deleted"]]
        for pid in rng.sample(live, min(count, len(live))):
            product = catalog.get_product(conn, pid)
            fields = {k: v for k, v in product.items() if k not in ("deleted", "version")}
            fields["price_fen"] = product["price_fen"] + rng.randint(1, 500)
            catalog.upsert_product(conn, fields)


def _rows(conn) -> dict[str, dict]:
    return {
        row["id"]: dict(row)
        for row in conn.execute(
            select(products.c.id, products.c.deleted).order_by(
                products.c.id
            )  # same run, same choices
        ).mappings()
    }


@pytest.mark.slow
def test_08_sigkill_between_a_catalog_page_and_what_follows(tmp_path, hq, proxy, workers):
    import_demo_catalog(hq)
    rng, serial = random.Random(8), [0]
    _edit_catalog(hq, rng, serial)
    home = tmp_path / "bare"
    terminal, _ = Terminal.init(home, "T8", "巫山县扶贫专柜")  # no catalog: all of it comes by sync
    try:
        enrol(terminal, hq, proxy.url)

        # Exactly between pages: the child dies right after page k-1 and its cursor committed.
        for kill_before in (2, 3, 2, 4):
            _reprice(hq, rng, 20)  # four pages of five changes at least
            pid = workers.fork("pull", home, kill_before, 5, kill_before)
            assert workers.reap(pid) == -9, "|".join(" ".join(w) for w in workers.of(pid))
            assert ["self-kill", str(kill_before)] in workers.of(pid)
            _edit_catalog(hq, rng, serial)

        # At random moments, while HQ keeps editing.
        finished = killed_mid = 0
        for attempt in range(16):
            _reprice(hq, rng, rng.randint(10, 30))
            pid = workers.fork("pull", home, attempt, 5)
            workers.expect(pid, "ready")
            time.sleep(rng.uniform(0, 0.08))
            status = workers.kill(pid)
            words = [w[0] for w in workers.of(pid) if w]
            if "pulled" in words:
                finished += 1
            else:
                assert status == -9
                killed_mid += words.count("page") > 1
            _edit_catalog(hq, rng, serial)
        assert killed_mid >= 4, (killed_mid, finished)
        print(f"catalog pulls killed mid-way {killed_mid} times, finished {finished} times")

        pulled = SyncClient(terminal, page=5).pull()
        assert pulled >= 0
        assert SyncClient(terminal, page=5).pull() == 0  # nothing left, nothing replayed
        assert_same_catalog(terminal, hq)
        deliveries_match(terminal, hq)

        # The pulled catalog sells at HQ's prices, and the sale syncs exactly once.
        terminal.add_user(CASHIER, "cashier", PIN)
        terminal.add_user(MANAGER, "manager", MANAGER_PIN)
        open_shift(terminal)
        seller = Seller(terminal)
        seller.sell(3)
        result = SyncClient(terminal).round()
        assert result.online and result.error is None and result.unsynced == 0, result
        assert_exact(terminal, hq)
    finally:
        terminal.close()


# --- 9 ---------------------------------------------------------------------------------------


def _db_name(url: str) -> str:
    return url.split("?", 1)[0].rsplit("/", 1)[1]


def _sqlite_path(url: str) -> str:
    return url.split("///", 1)[1]


def _copy_sqlite(source: str, target: str) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def back_up(hq) -> None:
    """Back the server's database up while the server is stopped."""
    hq.stop()
    hq.engine.dispose()
    if hq.db_url.startswith("sqlite"):
        _copy_sqlite(_sqlite_path(hq.db_url), _sqlite_path(hq.db_url) + ".bak")
    else:
        name = _db_name(hq.db_url)
        with pg_admin_conn() as conn:
            conn.execute(f'CREATE DATABASE "{name}_bak" TEMPLATE "{name}"')
    hq.start()


def restore(hq) -> None:
    """Put the backup back, as an operator would after losing the disk, and restart."""
    hq.stop()
    hq.engine.dispose()
    if hq.db_url.startswith("sqlite"):
        _copy_sqlite(_sqlite_path(hq.db_url) + ".bak", _sqlite_path(hq.db_url))
    else:
        name = _db_name(hq.db_url)
        with pg_admin_conn() as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{name}_bak"')
            conn.execute(f'DROP DATABASE "{name}_bak"')
    hq.start()


@pytest.fixture
def backups(hq):
    """Backs up and restores the server's database; drops a leftover PostgreSQL copy."""
    yield
    if not hq.db_url.startswith("sqlite"):
        with pg_admin_conn() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{_db_name(hq.db_url)}_bak" WITH (FORCE)')


def test_09_server_restored_from_an_older_backup(terminal, hq, proxy, backups):
    enrol(terminal, hq, proxy.url)
    client = SyncClient(terminal, batch=4)
    seller = Seller(terminal)
    seller.sell(10)
    assert client.round().unsynced == 0
    back_up(hq)
    seller.sell(10)
    assert client.round().acked_through == 1 + 20
    restore(hq)
    assert len(server_lines(hq)) == 1 + 10  # the server lost seq 12-21

    seller.sell(3)
    result = client.round()
    assert result.online and result.error is None and result.unsynced == 0, result
    assert result.blocked is None
    assert_exact(terminal, hq)


def test_09b_restored_server_is_completed_without_a_new_sale(terminal, hq, proxy, backups):
    enrol(terminal, hq, proxy.url)
    client = SyncClient(terminal)
    seller = Seller(terminal)
    seller.sell(5)
    assert client.round().unsynced == 0
    back_up(hq)
    seller.sell(5)
    assert client.round().acked_through == 1 + 10
    restore(hq)
    result = client.round()  # the booth sells nothing more today
    assert result.online and result.error is None, result
    assert_exact(terminal, hq)


def test_09c_restored_server_catalog_changes_still_reach_the_terminal(terminal, hq, proxy, backups):
    import_demo_catalog(hq)
    enrol(terminal, hq, proxy.url)
    client = SyncClient(terminal)
    assert client.round().online
    back_up(hq)
    rng, serial = random.Random(9), [0]
    _edit_catalog(hq, rng, serial)
    _edit_catalog(hq, rng, serial)
    assert client.round().online  # the terminal's cursor moves past the backup's versions
    restore(hq)
    # HQ changes a price after the restore; the terminal must sell at that price.
    with hq.engine.begin() as conn:
        oil = catalog.get_product(conn, "06970006000011")
        fields = {k: v for k, v in oil.items() if k not in ("deleted", "version")}
        changed = catalog.upsert_product(conn, {**fields, "price_fen": oil["price_fen"] + 100})
    result = client.round()
    assert result.online and result.error is None, result
    cursor = int(sync_state.get(terminal.store.conn, "catalog_cursor"))
    price = terminal.store.conn.execute(
        "SELECT price_fen FROM products WHERE id = '06970006000011'"
    ).fetchone()[0]
    assert price == changed["price_fen"], (
        f"HQ's new price (version {changed['version']}) never reached the terminal, "
        f"whose cursor is at {cursor}"
    )
    assert_same_catalog(terminal, hq)


# --- 10 --------------------------------------------------------------------------------------


def test_10_terminal_clock_days_behind_then_a_year_ahead(terminal, hq, proxy, home):
    enrol(terminal, hq, proxy.url)
    result = SyncClient(terminal).round()
    assert result.online and not result.skew_warning and abs(result.skew_ms) < 5000

    for offset in (timedelta(days=-3), timedelta(days=365)):

        def clock(offset=offset):
            return utc_now() + offset

        booth = Terminal.open(home, clock=clock)
        try:
            entries = Seller(booth).sell(4)  # never refused for the clock
            for entry in entries:
                at = parse_utc(entry["at"])
                assert abs((at - clock()).total_seconds()) < 60
            result = SyncClient(booth, clock=clock).round()
        finally:
            booth.close()
        assert result.online and result.error is None and result.unsynced == 0, result
        assert result.skew_warning
        expected_ms = offset.total_seconds() * 1000
        assert abs(result.skew_ms - expected_ms) < 5000
        with reading(hq.engine) as conn:
            (health,) = reports.booth_health(conn, utc_now(), BOOTH)
        assert health["clock_skew_ms"] is not None
        assert abs(health["clock_skew_ms"] - expected_ms) < 60_000, health
    # Days behind is fine; a year ahead is after HQ's clock: those sales are kept (the chain
    # went on) but quarantined, and count once HQ releases them.
    with reading(hq.engine) as conn:
        held = quarantine.entries(conn, BOOTH)
    assert [(row["type"], row["rule"]) for row in held] == [("sale", "at_in_future")] * 4
    assert health["quarantined"] == 4
    with hq.engine.begin() as conn:
        for row in held:
            quarantine.release(
                conn, row["terminal_id"], row["seq"], "clock fixed", "hq", ServerSettings().zone
            )
    assert_exact(terminal, hq)


def test_10b_an_idle_terminal_s_wrong_clock_shows_in_booth_health(terminal, hq, proxy, home):
    enrol(terminal, hq, proxy.url)
    Seller(terminal).sell(1)
    assert SyncClient(terminal).round().unsynced == 0

    def clock():
        return utc_now() + timedelta(days=365)

    result = SyncClient(terminal, clock=clock).round()  # nothing sold since: nothing to push
    assert result.online and result.skew_warning
    with reading(hq.engine) as conn:
        (health,) = reports.booth_health(conn, utc_now(), BOOTH)
    assert health["clock_skew_ms"] is not None
    assert abs(health["clock_skew_ms"] - 365 * 86_400_000) < 60_000, health


# --- 11 --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_11_sigkill_of_the_terminal_during_sync_a_hundred_times(terminal, home, hq, proxy, workers):
    import_demo_catalog(hq)  # the first rounds pull pages too
    enrol(terminal, hq, proxy.url)
    rng = random.Random(11)
    reported: dict[str, int] = {}
    in_round = 0
    started = time.monotonic()
    for kill in range(KILLS):
        pid = workers.fork("sell-sync", home, kill)
        workers.expect(pid, "ready")
        time.sleep(rng.uniform(0, 0.06))
        assert workers.kill(pid) == -9
        markers = [w[0] for w in workers.of(pid) if w and w[0] in ("round-start", "round-end")]
        in_round += bool(markers) and markers[-1] == "round-start"
        for words in workers.of(pid):
            if words and words[0] == "sale":
                reported[words[1]] = int(words[2])
    took = time.monotonic() - started
    assert in_round >= KILLS // 4, f"only {in_round} of {KILLS} kills landed inside a round"

    result = SyncClient(terminal).round()
    assert result.online and result.error is None and result.unsynced == 0, result
    assert_exact(terminal, hq)
    assert_same_catalog(terminal, hq)
    entries = {json.loads(line)["body"].get("sale_id"): json.loads(line)["seq"]
               for line in server_lines(hq)}  # fmt: skip
    for sale_id, seq in reported.items():
        assert entries[sale_id] == seq
    print(
        f"{KILLS} kills in {took:.1f} s, {in_round} inside a sync round, "
        f"{len(reported)} sales reported, {proxy.requests} requests"
    )


# --- extra: the enrolment answer is lost -----------------------------------------------------


def test_12_enrolment_answer_lost_then_retried(terminal, hq, proxy):
    """The code is spent on the server but the token never arrives: the retry must say what
    to do (ask HQ for a new code); a plain code is refused (the terminal is enrolled now),
    and a replacement code enrols it."""
    with hq.engine.begin() as conn:
        registry.add_booth(conn, BOOTH, "奉节县扶贫专柜")
        code = registry.add_enrol_code(conn, BOOTH, 1)
    proxy.inject("drop_response", path="/enroll")
    with pytest.raises(sync.client.SyncError) as lost:
        sync.client.enroll(terminal, proxy.url, code)
    assert_sentence(str(lost.value))
    assert proxy.faults["drop_response"] == 1
    with pytest.raises(sync.client.SyncError) as retried:
        sync.client.enroll(terminal, proxy.url, code)
    assert_sentence(str(retried.value))
    assert "new one" in str(retried.value)
    with pytest.raises(sync.client.SyncError) as plain:
        enrol(terminal, hq, proxy.url)
    assert f"--replaces {terminal.terminal_id}" in str(plain.value)
    enrol(terminal, hq, proxy.url, replaces=terminal.terminal_id)
    Seller(terminal).sell(2)
    result = SyncClient(terminal).round()
    assert result.online and result.error is None and result.unsynced == 0, result
    assert_exact(terminal, hq)


def test_a_single_dropped_request_is_retried_within_the_round(terminal, hq, proxy):
    enrol(terminal, hq, proxy.url)
    Seller(terminal).sell(3)
    proxy.inject("cut_request", path="/journal", method="POST")
    result = RetryingSyncClient(terminal).round()
    assert result.online and result.error is None and result.unsynced == 0, result
    assert len(proxy.seen(path="/journal", action="cut_request")) == 1
    assert_exact(terminal, hq)
