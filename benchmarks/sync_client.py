"""The terminal's side of sync against a local server (`python -m benchmarks.sync_client`).

In one run, for SQLite and (when reachable) PostgreSQL servers started as child processes:
1. **Backlog**: a real terminal with N unsynced journal entries (a week offline) drains
   them with its sync client: seconds from the first push to nothing unsynced.
2. **Initial catalog pull**: HQ holds P products; the terminal pulls them all from cursor 0
   and applies them to its own catalog.
3. **Idle round**: a round with nothing to push or pull (clock, head, empty poll): the
   terminal's CPU time (process time) and wall time, medians of 20.
Targets: backlog under 10 s, 100,000-product pull under 15 s, idle round under 50 ms CPU.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import DEFAULT_PG, PgDatabases, machine, pg_admin, run_main
from benchmarks.server import (
    BENCH_BOOTH,
    BENCH_BOOTH_ID,
    ServerProcess,
    make_journal,
    prepare_database,
)
from pos.demo_catalog import write_csv
from pos.terminal import Terminal
from sync.client import SyncClient, enroll
from sync.server import catalog, registry

BACKLOG_TARGET_S = 10.0
PULL_TARGET_S = 15.0
IDLE_TARGET_MS = 50.0


def _enrolled_copy(source: Path, target: Path, server: ServerProcess, engine) -> Terminal:
    shutil.copytree(source, target)
    terminal = Terminal.open(target)
    with engine.begin() as conn:
        code = registry.add_enrol_code(conn, BENCH_BOOTH_ID, 1)
    enroll(terminal, server.url, code)
    return terminal


def bench_database(
    label: str, db_url: str, journal_home: Path, catalog_csv: bytes, base: Path
) -> dict:
    engine = prepare_database(db_url)
    with engine.begin() as conn:
        registry.add_booth(conn, BENCH_BOOTH_ID, BENCH_BOOTH)
    server = ServerProcess(db_url, base / f"server-{label}.log")
    try:
        terminal = _enrolled_copy(journal_home, base / f"terminal-{label}", server, engine)
        client = SyncClient(terminal)
        backlog = terminal.unsynced_count()
        start = time.perf_counter()
        pushed = client.push()
        drain_s = time.perf_counter() - start
        if terminal.unsynced_count():
            raise RuntimeError("the backlog did not drain")
        summary = catalog.import_csv(engine, catalog_csv)
        start = time.perf_counter()
        pulled = client.pull()
        pull_s = time.perf_counter() - start
        active = terminal.store.conn.execute(
            "SELECT count(*) FROM products WHERE active = 1"
        ).fetchone()[0]
        idle_cpu, idle_wall = [], []
        for _ in range(20):
            cpu, wall = time.process_time(), time.perf_counter()
            result = client.round()
            idle_cpu.append((time.process_time() - cpu) * 1000)
            idle_wall.append((time.perf_counter() - wall) * 1000)
            if result.error or result.pushed or result.pulled:
                raise RuntimeError(f"an idle round did work: {result.as_dict()}")
        terminal.close()
    finally:
        server.stop()
        engine.dispose()
    return {
        "backlog_entries": backlog,
        "pushed": pushed,
        "drain_s": round(drain_s, 2),
        "drain_entries_per_s": round(backlog / drain_s),
        "catalog_products": summary["added"],
        "pulled_changes": pulled,
        "active_products_on_terminal": active,
        "pull_s": round(pull_s, 2),
        "idle_round_cpu_ms": round(statistics.median(idle_cpu), 2),
        "idle_round_wall_ms": round(statistics.median(idle_wall), 2),
        "pass": drain_s < BACKLOG_TARGET_S
        and pull_s < PULL_TARGET_S
        and statistics.median(idle_cpu) < IDLE_TARGET_MS,
    }


def measure(entries: int, products: int, pg: str | None) -> dict:
    """SQLite, then PostgreSQL through the admin URL ``pg`` (None: skipped)."""
    with tempfile.TemporaryDirectory(prefix="booth-bench-sync-") as tmp:
        base = Path(tmp)
        made = make_journal(base, entries)
        csv_path = base / "hq-catalog.csv"
        write_csv(csv_path, products, seed=7)
        data = csv_path.read_bytes()
        result = {
            "machine": machine(),
            "entries": entries,
            "products": products,
            "journal": made["figures"],
        }
        result["sqlite"] = bench_database(
            "sqlite", f"sqlite:///{base / 'server.db'}", base / "terminal", data, base
        )
        if pg is None:
            result["postgresql"] = {"skipped": "not requested (--pg off)"}
            return result
        try:
            databases = PgDatabases(pg)
        except Exception as exc:  # PostgreSQL is optional here: say why it was skipped
            result["postgresql"] = {"skipped": f"{type(exc).__name__}: {str(exc).splitlines()[0]}"}
            return result
        try:
            result["postgresql"] = bench_database(
                "postgresql", databases.create("sync"), base / "terminal", data, base
            )
        finally:
            databases.close()
    return result


def run(
    entries: int = 10_000,
    products: int = 100_000,
    pg: str | None = DEFAULT_PG,
    json_output: bool = False,
) -> int:
    result = measure(entries, products, pg_admin(pg))
    if json_output:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    verdict = {True: "PASS", False: "FAIL"}
    print(
        f"Booth POS sync, terminal side: {entries:,} entries, {products:,} products ({result['machine']['cpus']} CPUs)"
    )
    for label in ("sqlite", "postgresql"):
        r = result[label]
        if "skipped" in r:
            print(f"  {label}: skipped ({r['skipped']})")
            continue
        print(f"  {label} server:")
        print(
            f"    backlog of {r['backlog_entries']:,} drained in {r['drain_s']:.2f} s ({r['drain_entries_per_s']:,}/s)   target < {BACKLOG_TARGET_S:g} s   {verdict[r['drain_s'] < BACKLOG_TARGET_S]}"
        )
        print(
            f"    initial pull of {r['catalog_products']:,} products in {r['pull_s']:.2f} s   target < {PULL_TARGET_S:g} s   {verdict[r['pull_s'] < PULL_TARGET_S]}"
        )
        print(
            f"    idle round: {r['idle_round_cpu_ms']:.2f} ms CPU, {r['idle_round_wall_ms']:.2f} ms wall (median of 20)   target < {IDLE_TARGET_MS:g} ms CPU   {verdict[r['idle_round_cpu_ms'] < IDLE_TARGET_MS]}"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.sync_client",
        description="Measure sync from the terminal's side: backlog, initial pull, idle round.",
    )
    parser.add_argument("--entries", type=int, default=10_000, help="journal backlog to drain")
    parser.add_argument("--products", type=int, default=100_000, help="catalog size to pull")
    parser.add_argument("--pg", metavar="ADMIN_URL", default=DEFAULT_PG, help="PostgreSQL admin URL (default: the local socket); 'off' skips")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return run_main(parser, lambda a: run(a.entries, a.products, a.pg, json_output=a.json), argv)


if __name__ == "__main__":
    sys.exit(main())
