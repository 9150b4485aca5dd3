"""Helpers for the recovery tests (tests/sync/test_recover.py, tests/ui/test_behind_hq.py):
a terminal enrolled at a real server, ten entries of every kind, a booth.db backup and its
restore, and what HQ and booth.db hold, to compare entry by entry."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import sync.client
from pos.cart import Cart, Payment
from pos.store import DB_NAME
from pos.terminal import Terminal
from sync.server import catalog, journal_store, registry
from sync.server.errors import ApiError
from tests.support import (
    CASHIER,
    CASHIER_PIN,
    DEMO_CATALOG,
    GIFT_BOX,
    MANAGER,
    MANAGER_PIN,
    OIL,
    RICE,
    open_shift,
)

BOOTH_POS = Path(sys.executable).with_name("booth-pos")
BOOTH = "B1"


# --- helpers -------------------------------------------------------------------------------


def cli(home: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BOOTH_POS), "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def code(server, replaces: str | None = None) -> str:
    with server.engine.begin() as conn:
        with contextlib.suppress(ApiError):
            registry.add_booth(conn, BOOTH, "奉节县扶贫专柜")
        return registry.add_enrol_code(conn, BOOTH, 1, replaces=replaces, by="admin:test")


def enrol(server, terminal: Terminal) -> None:
    catalog.import_csv(server.engine, DEMO_CATALOG.read_bytes())  # HQ knows what booths sell
    sync.client.enroll(terminal, server.url, code(server))


def sell(terminal: Terminal, code: str = OIL, qty: int = 1) -> dict:
    cart = Cart()
    terminal.add_to_cart(cart, code, qty)
    cashier = terminal.authenticate(CASHIER, CASHIER_PIN)
    return terminal.checkout(cart, [Payment("cash", cart.total_fen)], cashier)


def sync_round(terminal: Terminal) -> sync.client.RoundResult:
    result = sync.client.SyncClient(terminal).round()
    assert result.online and result.error is None and result.unsynced == 0, result
    return result


def ten_entries(terminal: Terminal) -> None:
    """Ten entries of every kind a booth writes: sales, a refund, a delivery, an adjustment,
    cash in, a receipt copy, a Z (ending the shift) and a new shift."""
    manager = terminal.authenticate(MANAGER, MANAGER_PIN)
    cashier = terminal.authenticate(CASHIER, CASHIER_PIN)
    sale = sell(terminal, OIL, 2)  # 1
    sell(terminal, RICE)  # 2
    terminal.refund(sale["seq"], {1: 1}, "spoiled", cashier, manager)  # 3
    terminal.receive_stock(GIFT_BOX, 24, "HQ delivery")  # 4
    terminal.adjust_stock(RICE, -1, "damaged in transit")  # 5
    terminal.move_cash("cash_in", 5000, "change from the bank", manager)  # 6
    terminal.record_copy(sale["seq"], CASHIER)  # 7
    sell(terminal, GIFT_BOX)  # 8
    expected = terminal.x_report()["expected_cash_fen"]
    assert expected % 10 == 0
    terminal.close_shift(manager, {10: expected // 10})  # 9
    open_shift(terminal, 10000)  # 10


def snapshot(home: Path, to: Path) -> Path:
    """A backup of booth.db as IT would take one (SQLite's online backup)."""
    source, target = sqlite3.connect(home / DB_NAME), sqlite3.connect(to)
    with target:
        source.backup(target)
    source.close()
    target.close()
    return to


def restore(home: Path, backup: Path) -> None:
    """The booth PC restored from the older backup: booth.db replaced, its WAL gone."""
    for suffix in ("-wal", "-shm"):
        (home / (DB_NAME + suffix)).unlink(missing_ok=True)
    shutil.copyfile(backup, home / DB_NAME)


def hq_lines(server, terminal_id: str = "T1") -> list[str]:
    with server.engine.connect() as conn:
        return [line for _, line in journal_store.walk(conn, terminal_id)]


def local_lines(home: Path) -> list[str]:
    conn = sqlite3.connect(home / DB_NAME)
    try:
        return [line for (line,) in conn.execute("SELECT line FROM journal ORDER BY seq")]
    finally:
        conn.close()


def books(home: Path) -> dict:
    """What the journal projects into booth.db, as a manager's reports read it."""
    conn = sqlite3.connect(home / DB_NAME)
    try:
        queries = {
            "journal": "SELECT seq, type, at, hash, grand_total_fen FROM journal",
            "sales": "SELECT * FROM sales",
            "sale_lines": "SELECT * FROM sale_lines",
            "payments": "SELECT * FROM payments",
            "refund_lines": "SELECT * FROM refund_lines",
            "stock": "SELECT product_id, delta, kind, seq FROM stock_movements",
            "on_hand": "SELECT product_id, sum(delta) FROM stock_movements GROUP BY product_id",
        }
        return {name: sorted(conn.execute(sql).fetchall()) for name, sql in queries.items()}
    finally:
        conn.close()


def print_jobs(home: Path) -> list[tuple]:
    conn = sqlite3.connect(home / DB_NAME)
    try:
        return conn.execute("SELECT kind, seq, state FROM print_jobs ORDER BY id").fetchall()
    finally:
        conn.close()


def lost_tail(server, terminal: Terminal, home: Path, tmp_path: Path) -> dict:
    """T1 enrolled, 4 entries synced and backed up, then 10 more synced; the PC is then
    restored from the backup. Returns what the booth held before the restore."""
    enrol(server, terminal)
    for barcode in (OIL, RICE, GIFT_BOX):
        sell(terminal, barcode)
    sync_round(terminal)
    backup = snapshot(home, tmp_path / "backup.db")
    ten_entries(terminal)
    sync_round(terminal)
    before = {
        "lines": local_lines(home),
        "books": books(home),
        "x_report": terminal.x_report(),
        "z_reports": terminal.z_reports(),
        "stock": terminal.stock(),
    }
    assert hq_lines(server) == before["lines"] and len(before["lines"]) == 14
    terminal.close()
    restore(home, backup)
    return before
