"""How fast the terminal imports, looks up and sells, against raw SQLite
(`python -m benchmarks.terminal`).

One run uses one data directory and one database file for everything:

1. **Import**: a synthetic catalog CSV (``pos.demo_catalog``) is imported end to end with
   ``Terminal.import_catalog`` (decode, parse, check every row, write in one transaction).
2. **Lookup**: random barcodes from the catalog are looked up with ``Terminal.product_for``
   and, alternately, with the bare indexed SELECT on a plain ``sqlite3`` connection.
3. **Checkout**: 5-line cash sales committed with ``Terminal.checkout`` and, alternately, a
   raw durable transaction (same pragmas) inserting the same rows into ``raw_*`` tables,
   made from the terminal's own migrated tables (pos.store's migrations) under other names.
4. **Journal**: the terminal's journal is verified afterwards.

The figures are reported, not asserted: the exit code is 0 however the targets come out,
because shared or busy machines are noisy. docs/benchmarks.md explains every figure.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import random
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from benchmarks.common import BenchRefused, machine, percentile, ratio, run_main
from pos.cart import Cart, Payment
from pos.demo_catalog import write_csv
from pos.store.db import DB_NAME, connect
from pos.terminal import Terminal
from sync.protocol.journal import canonical

#: Import target: 100,000 rows in under 10 s, i.e. at least 10,000 rows per second.
IMPORT_TARGET_ROWS_PER_S = 10_000
#: Lookup and checkout targets: our p50 and p99 within this factor of raw SQLite.
RATIO_TARGET = 3.0
#: Checkouts are durable commits (an fsync each), so fewer of them are timed than lookups.
MAX_CHECKOUTS = 500
LINES_PER_SALE = 5
WARMUP = 20
SEED = 1

BENCH_TERMINAL = "BENCH1"
BENCH_BOOTH = "性能测试专柜"
BENCH_CASHIER, BENCH_PIN = "测试收银员", "2468"
BENCH_MANAGER, BENCH_MANAGER_PIN = "测试店长", "1357"
#: The float the bench manager counts into the drawer when opening the shift (￥500).
BENCH_FLOAT_FEN = 50_000

_RAW_LOOKUP = "SELECT p.* FROM barcodes b JOIN products p ON p.id = b.product_id WHERE b.gtin = ?"

#: The tables a sale writes; the raw side writes the same shapes under a ``raw_`` prefix.
SALE_TABLES = ("journal", "sales", "sale_lines", "payments", "stock_movements")
_SALE_TABLE = re.compile(r"\b(" + "|".join(SALE_TABLES) + r")\b")


def create_raw_tables(conn: sqlite3.Connection) -> list[str]:
    """Scratch copies of the sales tables, so raw writes leave the real journal, sales and
    stock untouched (the journal still verifies after the run). Their columns, keys,
    foreign keys and indexes are read from the terminal's own migrated schema (pos.store),
    with the sales tables renamed ``raw_*``; products stay shared. Returns the statements."""
    marks = ",".join("?" * len(SALE_TABLES))
    rows = conn.execute(
        f"SELECT type, name, sql FROM sqlite_schema WHERE tbl_name IN ({marks}) "
        "AND type IN ('table', 'index') AND sql IS NOT NULL ORDER BY type DESC, rowid",
        SALE_TABLES,
    ).fetchall()
    if sum(kind == "table" for kind, _, _ in rows) != len(SALE_TABLES):
        raise RuntimeError("the terminal's schema lacks a sales table the benchmark writes")
    statements = []
    for kind, name, sql in rows:
        if kind == "table":
            sql = re.sub(r"^CREATE TABLE \S+", f"CREATE TABLE IF NOT EXISTS raw_{name}", sql)
            sql = re.sub(
                r"REFERENCES\s+(\w+)",
                lambda m: "REFERENCES " + _SALE_TABLE.sub(r"raw_\1", m[1]),
                sql,
            )
        else:
            sql = re.sub(
                r"^CREATE (UNIQUE )?INDEX (\S+) ON (\w+)",
                lambda m: f"CREATE {m[1] or ''}INDEX IF NOT EXISTS raw_{m[2]} ON raw_{m[3]}",
                sql,
            )
        statements.append(sql)
    for sql in statements:
        conn.execute(sql)
    return statements


def _compare(ours_ns: list[int], raw_ns: list[int], unit: str) -> dict:
    """p50/p99 of both series in ``unit`` ('us' or 'ms'), with ratios computed from them."""
    scale = 1_000 if unit == "us" else 1_000_000
    figures = {}
    for name, series in (("ours", ours_ns), ("raw", raw_ns)):
        for pct in (50, 99):
            figures[f"{name}_p{pct}_{unit}"] = round(percentile(series, pct) / scale, 3)
    for pct in (50, 99):
        figures[f"ratio_p{pct}"] = ratio(
            figures[f"ours_p{pct}_{unit}"], figures[f"raw_p{pct}_{unit}"]
        )
    figures["target_ratio"] = RATIO_TARGET
    figures["pass"] = figures["ratio_p50"] <= RATIO_TARGET and figures["ratio_p99"] <= RATIO_TARGET
    return figures


def _alternate(
    count: int, ours: Callable[[int], None], raw: Callable[[int], None]
) -> tuple[list[int], list[int]]:
    """Time ours(i) and raw(i) for each i, swapping who goes first, so noise hits both alike."""
    clock = time.perf_counter_ns
    ours_ns: list[int] = []
    raw_ns: list[int] = []
    for i in range(count):
        pair = ((ours, ours_ns), (raw, raw_ns)) if i % 2 == 0 else ((raw, raw_ns), (ours, ours_ns))
        for call, out in pair:
            start = clock()
            call(i)
            out.append(clock() - start)
    return ours_ns, raw_ns


# --- the three measurements -----------------------------------------------------------


def bench_import(terminal: Terminal, csv_path: Path, products: int) -> dict:
    data = csv_path.read_bytes()
    gc.collect()
    start = time.perf_counter_ns()
    summary, encoding = terminal.import_catalog(data)
    seconds = (time.perf_counter_ns() - start) / 1e9
    rows = summary.added + summary.updated + summary.unchanged
    rate = rows / seconds
    return {
        "rows": rows,
        "added": summary.added,
        "encoding": encoding,
        "csv_bytes": len(data),
        "seconds": round(seconds, 3),
        "rows_per_s": round(rate, 1),
        "target_rows_per_s": IMPORT_TARGET_ROWS_PER_S,
        "pass": rows == products and rate >= IMPORT_TARGET_ROWS_PER_S,
    }


def bench_lookup(terminal: Terminal, raw: sqlite3.Connection, samples: int, rng) -> dict:
    """product_for(code) against the bare indexed SELECT, for the same existing barcodes."""
    rows = raw.execute("SELECT code, gtin FROM barcodes ORDER BY gtin").fetchall()
    picks = [rng.choice(rows) for _ in range(samples)]
    codes = [code for code, _ in picks]
    gtins = [gtin for _, gtin in picks]
    product_for = terminal.product_for
    execute = raw.execute

    def ours(i: int) -> None:
        product_for(codes[i])

    def bare(i: int) -> None:
        execute(_RAW_LOOKUP, (gtins[i],)).fetchone()

    for i in range(min(WARMUP, samples)):
        ours(i)
        bare(i)
    # Everything the lookups return must be a real product, on both sides.
    for i in range(min(WARMUP, samples)):
        product, _ = product_for(codes[i])
        row = execute(_RAW_LOOKUP, (gtins[i],)).fetchone()
        if row is None or row[0] != product.id:
            raise RuntimeError(f"lookup of {codes[i]} disagrees with raw SQLite")
    gc.collect()
    ours_ns, raw_ns = _alternate(samples, ours, bare)
    return {"samples": samples, **_compare(ours_ns, raw_ns, "us")}


def bench_checkout(terminal: Terminal, raw: sqlite3.Connection, count: int, rng) -> dict:
    """5-line cash checkouts against a raw BEGIN IMMEDIATE ... COMMIT of the same rows."""
    piece_codes = [
        code
        for (code,) in raw.execute(
            "SELECT b.code FROM barcodes b JOIN products p ON p.id = b.product_id "
            "WHERE p.unit = 'piece' ORDER BY b.gtin"
        )
    ]
    if not piece_codes:
        raise RuntimeError("The benchmark catalog has no piece products with a barcode to sell.")
    cashier = terminal.authenticate(BENCH_CASHIER, BENCH_PIN)
    create_raw_tables(raw)
    raw_seq = raw.execute("SELECT coalesce(max(seq), 0) FROM raw_journal").fetchone()[0]
    total_runs = count + WARMUP

    # Carts are built before timing: only the commit is measured.
    carts: list[tuple[Cart, int]] = []
    for _ in range(total_runs):
        cart = Cart()
        for code in rng.choices(piece_codes, k=LINES_PER_SALE):
            terminal.add_to_cart(cart, code)
        carts.append((cart, cart.total_fen))

    # The raw side writes what a sale writes: the previous real entry's text stands in for
    # the journal line (same size), with its own seq, hash and sale id.
    template: dict = {"line": "", "entry": None}
    raw_rows: list[tuple] = []

    def prepare_raw(i: int) -> None:
        nonlocal raw_seq
        raw_seq += 1
        cart, total = carts[i]
        entry = template["entry"]
        sale_id = hashlib.sha256(f"raw-sale-{raw_seq}-{i}".encode()).hexdigest()[:36]
        digest = hashlib.sha256(f"raw-entry-{raw_seq}-{i}".encode()).hexdigest()
        at = entry["at"] if entry else terminal.now()
        line = template["line"] or canonical({"seq": raw_seq, "lines": []})
        lines = [
            (sale_id, n, ln.product.id, ln.barcode, ln.product.name, ln.qty, None,
             ln.product.price_fen, ln.amount_fen)
            for n, ln in enumerate(cart.live_lines, start=1)
        ]  # fmt: skip
        raw_rows.append(
            (
                (raw_seq, "sale", at, digest, total, line),
                (sale_id, raw_seq, at, BENCH_CASHIER, total, 0),
                lines,
                [(sale_id, 1, "cash", total, "")],
                [(ln.product.id, -(ln.qty or 0), raw_seq) for ln in cart.live_lines],
            )
        )

    def ours(i: int) -> dict:
        cart, total = carts[i]
        return terminal.checkout(cart, [Payment("cash", total)], cashier)

    def bare(i: int) -> None:
        journal_row, sale_row, line_rows, payment_rows, movement_rows = raw_rows[i]
        execute = raw.execute
        execute("BEGIN IMMEDIATE")
        execute(
            "INSERT INTO raw_journal (seq, type, at, hash, grand_total_fen, line) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            journal_row,
        )
        execute(
            "INSERT INTO raw_sales (sale_id, seq, at, cashier, total_fen, change_fen) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            sale_row,
        )
        raw.executemany(
            "INSERT INTO raw_sale_lines (sale_id, line_no, product_id, barcode, name, qty, "
            "weight_g, unit_price_fen, amount_fen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            line_rows,
        )
        raw.executemany(
            "INSERT INTO raw_payments (sale_id, line_no, method, amount_fen, reference) "
            "VALUES (?, ?, ?, ?, ?)",
            payment_rows,
        )
        raw.executemany(
            "INSERT INTO raw_stock_movements (product_id, delta, kind, seq) "
            "VALUES (?, ?, 'sale', ?)",
            movement_rows,
        )
        execute("COMMIT")

    # Warm-up pairs, untimed: they also give the raw side a real journal line to copy.
    for i in range(WARMUP):
        entry = ours(i)
        template["entry"], template["line"] = entry, canonical(entry)
        prepare_raw(i)
        bare(i)
    for i in range(WARMUP, total_runs):
        prepare_raw(i)
    line_chars = len(template["line"])
    gc.collect()
    ours_ns, raw_ns = _alternate(count, lambda i: ours(WARMUP + i), lambda i: bare(WARMUP + i))
    return {
        "samples": count,
        "lines_per_sale": LINES_PER_SALE,
        "journal_line_chars": line_chars,
        **_compare(ours_ns, raw_ns, "ms"),
    }


def bench_journal(terminal: Terminal) -> dict:
    start = time.perf_counter_ns()
    verdict = terminal.verify_journal()
    seconds = (time.perf_counter_ns() - start) / 1e9
    result = {"verified": verdict.ok, "entries": verdict.entries, "seconds": round(seconds, 3)}
    if not verdict.ok:
        result["bad_seq"] = verdict.bad_seq
        result["reason"] = verdict.reason
    return result


# --- running and reporting ------------------------------------------------------------


def measure(products: int, base: Path, samples: int, checkouts: int) -> dict:
    rng = random.Random(SEED)
    csv_path = base / "catalog.csv"
    home = base / "booth"
    write_csv(csv_path, products, seed=SEED)
    with ExitStack() as stack:
        terminal, _ = Terminal.init(home, BENCH_TERMINAL, BENCH_BOOTH)
        stack.callback(terminal.close)
        imported = bench_import(terminal, csv_path, products)
        terminal.add_user(BENCH_CASHIER, "cashier", BENCH_PIN)
        terminal.add_user(BENCH_MANAGER, "manager", BENCH_MANAGER_PIN)
        # As at a booth, a manager opens the shift with its float before anything is sold.
        manager = terminal.authenticate(BENCH_MANAGER, BENCH_MANAGER_PIN)
        terminal.open_shift(manager, BENCH_FLOAT_FEN)
        raw = connect(home / DB_NAME)  # a plain sqlite3 connection, the terminal's pragmas
        stack.callback(raw.close)
        lookup = bench_lookup(terminal, raw, samples, rng)
        checkout = bench_checkout(terminal, raw, checkouts, rng)
        journal = bench_journal(terminal)
    return {
        "machine": machine(),
        "products": products,
        "database": str(home / DB_NAME),
        "import": imported,
        "lookup": lookup,
        "checkout": checkout,
        "journal": journal,
        "all_targets_met": imported["pass"] and lookup["pass"] and checkout["pass"],
    }


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def format_report(result: dict) -> str:
    m, imp, look, co, jr = (
        result["machine"],
        result["import"],
        result["lookup"],
        result["checkout"],
        result["journal"],
    )
    cpus = m["cpus"]
    lines = [
        f"Booth POS benchmark: {result['products']:,} products",
        f"Python {m['python']}, SQLite {m['sqlite']}, {cpus} CPU{'s' if cpus != 1 else ''}, "
        f"{m['platform']}",
        "",
        f"{'measurement':<34}{'ours':>12}{'raw SQLite':>12}{'ratio':>8}  {'target':<20}result",
        "-" * 96,
        f"{'catalog import, rows/s':<34}{imp['rows_per_s']:>12,.0f}{'':>12}{'':>8}  "
        f"{'>= ' + format(imp['target_rows_per_s'], ',') + ' rows/s':<20}{_verdict(imp['pass'])}",
        f"{'catalog import, seconds':<34}{imp['seconds']:>12.2f}{'':>12}{'':>8}  "
        f"{'':<20}{imp['rows']:,} rows",
    ]
    target = f"<= {RATIO_TARGET:g}x"
    for title, data, unit, fmt in (
        (f"barcode lookup ({look['samples']})", look, "us", ".1f"),
        (f"5-line checkout ({co['samples']})", co, "ms", ".2f"),
    ):
        label = "µs" if unit == "us" else "ms"
        for pct in (50, 99):
            ours = data[f"ours_p{pct}_{unit}"]
            raw = data[f"raw_p{pct}_{unit}"]
            ratio = data[f"ratio_p{pct}"]
            ok = ratio <= RATIO_TARGET
            lines.append(
                f"{title + f', p{pct} {label}':<34}{ours:>12{fmt}}{raw:>12{fmt}}"
                f"{ratio:>7.2f}x  {target:<20}{_verdict(ok)}"
            )
    lines += [
        "-" * 96,
        f"journal after the run: {jr['entries']:,} entries, "
        + (
            "verified"
            if jr["verified"]
            else f"NOT verified at seq {jr.get('bad_seq')}: {jr.get('reason')}"
        ),
        f"all targets met: {'yes' if result['all_targets_met'] else 'no'} "
        "(figures are reported, not asserted)",
    ]
    return "\n".join(lines)


def run_bench(
    products: int,
    directory: str | None,
    json_output: bool = False,
    samples: int = 2000,
    checkouts: int | None = None,
) -> int:
    """Run every measurement on one database and print a table (or one JSON object).

    ``directory``: where the catalog and the benchmark's data directory go; a fresh
    subdirectory is made there and kept. Without it, a temporary directory is used and
    removed afterwards. ``checkouts`` defaults to ``min(samples, 500)``.
    """
    if products < 100:
        raise BenchRefused(f"--products {products} is too few to measure: use 100 or more.")
    if samples < 1:
        raise BenchRefused(f"--samples {samples} times nothing: use 1 or more.")
    if checkouts is None:
        checkouts = min(samples, MAX_CHECKOUTS)
    if directory is None:
        with tempfile.TemporaryDirectory(prefix="booth-bench-", ignore_cleanup_errors=True) as d:
            result = measure(products, Path(d), samples, checkouts)
        result["database"] = None  # removed with the temporary directory
    else:
        parent = Path(directory).expanduser()
        parent.mkdir(parents=True, exist_ok=True)
        base = Path(tempfile.mkdtemp(prefix="bench-", dir=parent))
        result = measure(products, base, samples, checkouts)
    if json_output:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(format_report(result))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.terminal",
        description="Measure catalog import, barcode lookup and checkout against raw SQLite.",
    )
    parser.add_argument("--products", type=int, default=100_000, help="catalog rows (default 100000)")  # fmt: skip
    parser.add_argument("--samples", type=int, default=2000, help="lookups to time (default 2000); checkouts timed: min(N, 500)")  # fmt: skip
    parser.add_argument("--dir", metavar="DIR", help="keep the files in a new directory in DIR")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return run_main(
        parser,
        lambda a: run_bench(a.products, a.dir, json_output=a.json, samples=a.samples),
        argv,
    )


if __name__ == "__main__":
    sys.exit(main())
