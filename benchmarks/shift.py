"""The X report and the Z close on a terminal holding a year of sales
(`python -m benchmarks.shift`).

A fresh terminal gets ``sales`` journal entries (a year of a busy booth: 300,000 by default,
written in batches of one transaction each through the store's own journal append and sales
projection, pos.store.journal and pos.store.sales), then a shift
with the day's last ``day`` sales. Timed, medians of ``runs``:

- **X report**: ``Terminal.x_report`` (finds the open shift, reads its entries, adds up
  tenders, looks up suppliers and counties);
- **raw**: the same entries read with a bare SELECT on a plain ``sqlite3`` connection and
  summed in a minimal loop, the floor any implementation pays;
- **Z close**: ``Terminal.close_shift`` (the same reading plus one durable write), timed
  once per run on a copy of the database so every run closes the same shift.

Target: X and Z under 100 ms each. The figures are reported, not asserted.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from benchmarks.common import BenchRefused, median_ms, run_main
from pos.store import journal as journal_db
from pos.store import sales as sales_db
from pos.store.db import DB_NAME
from pos.terminal import Terminal

TARGET_MS = 100.0


def _fill(terminal: Terminal, count: int, batch: int = 10_000) -> None:
    """Append ``count`` cash sales of one product as the terminal's store writes them: each
    sealed and checked by its journal append, with its sales rows, ``batch`` to a transaction."""
    product = terminal.search("10001")[0]
    written = 0
    while written < count:
        with terminal.store.write() as conn:
            for _ in range(min(batch, count - written)):
                written += 1
                body = {
                    "sale_id": str(
                        uuid.uuid5(uuid.NAMESPACE_URL, f"bench-shift/{written}/{count}")
                    ),
                    "cashier": "bench",
                    "lines": [
                        {
                            "product_id": product.id,
                            "barcode": "",
                            "name": product.name,
                            "weight_g": 1000,
                            "unit_price_fen": 1280,
                            "amount_fen": 1280,
                        }
                    ],
                    "total_fen": 1280,
                    "payments": [{"method": "cash", "amount_fen": 1280}],
                    "change_fen": 0,
                }
                at = f"2026-{1 + written % 12:02d}-15T02:00:00.000Z"
                entry = journal_db.append(conn, terminal.terminal_id, "sale", body, at)
                sales_db.insert_sale(conn, entry)


def _raw_x(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        start = conn.execute("SELECT max(seq) FROM journal WHERE type = 'shift_open'").fetchone()[0]  # fmt: skip
        cash = 0
        for (line,) in conn.execute("SELECT line FROM journal WHERE seq >= ?", (start,)):
            entry = json.loads(line)
            if entry["type"] == "sale":
                cash += entry["body"]["total_fen"]
        return cash
    finally:
        conn.close()


def run(sales: int = 300_000, day: int = 300, runs: int = 7, json_output: bool = False) -> int:
    if sales < day + 1 or day < 1 or runs < 1:
        raise BenchRefused("--sales must be more than --day, and --day and --runs at least 1.")
    from pos.demo import CASHIER, CASHIER_PIN, DEMO_CATALOG, MANAGER, MANAGER_PIN

    with tempfile.TemporaryDirectory(prefix="bench-shift-") as tmp:
        home = Path(tmp) / "booth"
        terminal, _ = Terminal.init(home, "BENCH-X", "性能测试专柜")
        terminal.import_catalog(DEMO_CATALOG.read_bytes())
        terminal.add_user(CASHIER, "cashier", CASHIER_PIN)
        terminal.add_user(MANAGER, "manager", MANAGER_PIN)
        started = time.perf_counter()
        _fill(terminal, sales - day)
        manager = terminal.authenticate(MANAGER, MANAGER_PIN)
        terminal.open_shift(manager, 50000)
        _fill(terminal, day)
        fill_s = time.perf_counter() - started
        x_ms = median_ms(terminal.x_report, runs)[0]
        raw_ms = median_ms(lambda: _raw_x(home / DB_NAME), runs)[0]
        expected = terminal.x_report()["expected_cash_fen"]
        counts = {10: expected // 10}
        terminal.close()
        z_times = []
        for i in range(runs):
            copy = Path(tmp) / f"copy{i}"
            shutil.copytree(home, copy)
            other = Terminal.open(copy)
            who = other.authenticate(MANAGER, MANAGER_PIN)
            began = time.perf_counter()
            other.close_shift(who, counts)
            z_times.append((time.perf_counter() - began) * 1000)
            other.close()
            shutil.rmtree(copy)
        z_ms = statistics.median(z_times)
    figures = {
        "sales": sales,
        "shift_sales": day,
        "fill_s": round(fill_s, 1),
        "x_ms_median": round(x_ms, 2),
        "raw_ms_median": round(raw_ms, 2),
        "x_ratio": round(x_ms / raw_ms, 2) if raw_ms else None,
        "z_ms_median": round(z_ms, 2),
        "target_ms": TARGET_MS,
        "pass": x_ms < TARGET_MS and z_ms < TARGET_MS,
    }
    if json_output:
        print(json.dumps(figures, ensure_ascii=False))
        return 0
    print(f"Terminal with {sales:,} sales ({fill_s:.1f} s to write); open shift of {day} sales:")
    print(f"  X report   median {x_ms:8.2f} ms   (raw SELECT + sum {raw_ms:.2f} ms, ratio {figures['x_ratio']})")  # fmt: skip
    print(f"  Z close    median {z_ms:8.2f} ms   (one durable write included)")
    verdict = "PASS" if figures["pass"] else "FAIL"
    print(f"Target: X and Z under {TARGET_MS:.0f} ms each: {verdict}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.shift",
        description="Measure the X report and the Z close on a terminal holding a year of sales.",
    )
    parser.add_argument("--sales", type=int, default=300_000, help="sales on the terminal (a year)")  # fmt: skip
    parser.add_argument("--day", type=int, default=300, help="sales in the open shift")
    parser.add_argument("--runs", type=int, default=7, help="timings per figure (median)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return run_main(parser, lambda a: run(a.sales, a.day, a.runs, json_output=a.json), argv)


if __name__ == "__main__":
    sys.exit(main())
