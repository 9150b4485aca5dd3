"""Finishing a count (盘点) on a terminal holding a year of sales (`python -m benchmarks.stock`).

A fresh terminal imports ``products`` synthetic products (``pos.demo_catalog``), receives
stock of each, and gets ``sales`` one-line sales spread over them (300,000 by default, in
batches of one transaction each through the store's own journal append and sales
projection). A count of the whole booth starts (the snapshot), ``during`` more sales are
made, every product is counted, then timed, medians of ``runs``:

- **finish**: ``Terminal.finish_count`` (what sold, was refunded and moved after the
  snapshot until each product was counted, the variances, the ``stock_count`` entry
  checked by the contract and HQ's business rules, the stock movements, one durable
  commit), once per run on a copy of the database so every run finishes the same count;
- **raw**: the same figures with one bare SELECT on a plain ``sqlite3`` connection, the
  floor any implementation pays; the benchmark checks both give the same variances.

Target: finish under 200 ms. The figures are reported, not asserted.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from benchmarks.common import BenchRefused, median_ms, run_main
from pos.demo_catalog import write_csv
from pos.store import journal as journal_db
from pos.store import sales as sales_db
from pos.store import stock as stock_db
from pos.store.db import DB_NAME
from pos.terminal import Terminal

TARGET_MS = 200.0
MANAGER, MANAGER_PIN = "王强", "1357"

RAW = """
SELECT l.product_id, l.expected, l.counted,
       coalesce(sum(CASE WHEN m.kind = 'sale' THEN -m.delta END), 0),
       coalesce(sum(CASE WHEN m.kind = 'refund' THEN m.delta END), 0),
       coalesce(sum(CASE WHEN m.kind NOT IN ('sale', 'refund') THEN m.delta END), 0)
FROM stock_count_lines l
LEFT JOIN stock_movements m
       ON m.product_id = l.product_id AND m.seq > ? AND m.seq <= l.counted_seq
WHERE l.count_id = ? AND l.counted IS NOT NULL
GROUP BY l.product_id
"""


def _sell(terminal: Terminal, products: list, count: int, rng: random.Random, batch: int = 10_000) -> None:  # fmt: skip
    """Append ``count`` one-line cash sales of random products, ``batch`` to a transaction."""
    written = 0
    while written < count:
        with terminal.store.write() as conn:
            for _ in range(min(batch, count - written)):
                written += 1
                product = rng.choice(products)
                size = ("weight_g", 500) if product.weighed else ("qty", 1)
                amount = (product.price_fen + 1) // 2 if product.weighed else product.price_fen
                line = {"product_id": product.id, "barcode": "", "name": product.name}
                line.update({size[0]: size[1], "unit_price_fen": product.price_fen})
                line["amount_fen"] = amount
                body = {
                    "sale_id": str(uuid.UUID(int=rng.getrandbits(128))),
                    "cashier": "bench",
                    "lines": [line],
                    "total_fen": amount,
                    "payments": [{"method": "cash", "amount_fen": amount}],
                    "change_fen": 0,
                }
                at = f"2026-{1 + written % 12:02d}-15T02:00:00.000Z"
                entry = journal_db.append(conn, terminal.terminal_id, "sale", body, at)
                sales_db.insert_sale(conn, entry)


def _raw(db: Path, count_id: str, snapshot_seq: int) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(RAW, (snapshot_seq, count_id)).fetchall()
    finally:
        conn.close()
    return {pid: counted - (expected - sold + refunded + moved)
            for pid, expected, counted, sold, refunded, moved in rows}  # fmt: skip


def run(products: int = 2000, sales: int = 300_000, during: int = 500, runs: int = 5,
        json_output: bool = False) -> int:  # fmt: skip
    if products < 1 or sales < 1 or during < 0 or runs < 1:
        raise BenchRefused("--products, --sales and --runs must be at least 1.")
    rng = random.Random(20)
    with tempfile.TemporaryDirectory(prefix="bench-stock-") as tmp:
        home = Path(tmp) / "booth"
        csv_path = Path(tmp) / "catalog.csv"
        write_csv(csv_path, products, seed=20)
        terminal, _ = Terminal.init(home, "BENCH-S", "性能测试专柜")
        terminal.import_catalog(csv_path.read_bytes())
        terminal.add_user(MANAGER, "manager", MANAGER_PIN)
        manager = terminal.authenticate(MANAGER, MANAGER_PIN)
        catalog = [terminal.product_by_id(pid) for (pid,) in terminal.store.conn.execute("SELECT id FROM products")]  # fmt: skip
        started = time.perf_counter()
        with terminal.store.write() as conn:  # opening stock: one delivery of everything
            lines = [{"product_id": p.id, "name": p.name, "unit": "g" if p.weighed else "piece",
                      "expected": 100_000, "received": 100_000} for p in catalog]  # fmt: skip
            body = {"delivery_id": "opening", "by": MANAGER, "lines": lines,
                    "expected_total": 100_000 * len(lines), "received_total": 100_000 * len(lines)}  # fmt: skip
            entry = journal_db.append(conn, terminal.terminal_id, "delivery_received", body, "2026-01-01T00:00:00.000Z")  # fmt: skip
            stock_db.insert_moves(conn, entry)
        _sell(terminal, catalog, sales - during, rng)
        count = terminal.booth_stock.start_count(manager)
        _sell(terminal, catalog, during, rng)
        with terminal.store.write() as conn:  # the manager counts every product
            seq = journal_db.head(conn)[0]
            for line in count.lines:
                found = line.expected - (0 if rng.random() < 0.9 else rng.randint(1, 3))
                stock_db.set_counted(conn, count.count_id, line.product_id, found, seq)
        fill_s = time.perf_counter() - started
        raw_ms, raw = median_ms(lambda: _raw(home / DB_NAME, count.count_id, count.snapshot_seq), runs)  # fmt: skip
        terminal.close()
        times, variances = [], {}
        for i in range(runs):
            copy = Path(tmp) / f"copy{i}"
            shutil.copytree(home, copy)
            other = Terminal.open(copy)
            who = other.authenticate(MANAGER, MANAGER_PIN)
            began = time.perf_counter()
            entry = other.booth_stock.finish_count(who)
            times.append((time.perf_counter() - began) * 1000)
            variances = {line["product_id"]: line["variance"] for line in entry["body"]["lines"]}
            other.close()
            shutil.rmtree(copy)
        finish_ms = statistics.median(times)
    if variances != raw:
        raise BenchRefused("the count's variances differ from the raw SQL's: a bug to fix")
    figures = {
        "products": products,
        "sales": sales,
        "sales_during_count": during,
        "fill_s": round(fill_s, 1),
        "finish_ms_median": round(finish_ms, 2),
        "raw_ms_median": round(raw_ms, 2),
        "ratio": round(finish_ms / raw_ms, 2) if raw_ms else None,
        "lines_with_variance": sum(1 for v in variances.values() if v),
        "target_ms": TARGET_MS,
        "pass": finish_ms < TARGET_MS,
    }
    if json_output:
        print(json.dumps(figures, ensure_ascii=False))
        return 0
    print(f"Terminal with {sales:,} sales ({fill_s:.1f} s to write), a count of {products:,} products "
          f"with {during} sales during it:")  # fmt: skip
    print(f"  finish count  median {finish_ms:8.2f} ms   (one durable write included)")
    print(f"  raw SELECT    median {raw_ms:8.2f} ms   (the same variances, ratio {figures['ratio']})")  # fmt: skip
    print(f"Target: finishing under {TARGET_MS:.0f} ms: {'PASS' if figures['pass'] else 'FAIL'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.stock",
        description="Measure finishing a count of every product on a terminal holding a year of sales.",
    )
    parser.add_argument("--products", type=int, default=2000, help="products counted")
    parser.add_argument("--sales", type=int, default=300_000, help="sales on the terminal")
    parser.add_argument("--during", type=int, default=500, help="sales made during the count")
    parser.add_argument("--runs", type=int, default=5, help="timed finishes (median)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    return run_main(
        parser,
        lambda a: run(a.products, a.sales, a.during, a.runs, a.json),
        argv,
    )


if __name__ == "__main__":
    sys.exit(main())
