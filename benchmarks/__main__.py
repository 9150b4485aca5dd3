"""`python -m benchmarks` (what `make bench` runs): every benchmark of docs/benchmarks.md at
the sizes reported there, one after another, each printing all its figures. PostgreSQL is
measured when it is reachable (``--pg URL`` for another server, ``--pg off`` to skip)."""

from __future__ import annotations

import argparse
import sys
import time

from benchmarks import (
    console,
    fleet,
    payments,
    receipt,
    server,
    shift,
    stock,
    sync_client,
    terminal,
    ui,
)
from benchmarks.common import DEFAULT_PG, PG_OFF

FLEET_TERMINALS = 1000  # docs/benchmarks.md, "The fleet"


def steps(pg: str) -> list[tuple[str, object, list[str]]]:
    """(title, the benchmark's main, its arguments): the sizes of docs/benchmarks.md."""
    return [
        (
            "Terminal: catalog import, barcode lookup, checkout",
            terminal.main,
            ["--products", "100000"],
        ),  # fmt: skip
        ("Receipts: bytes and render time", receipt.main, []),
        ("Shifts: X report and Z close on a year of sales", shift.main, ["--sales", "300000"]),
        (
            "Stock: finishing a count of 2,000 products on a year of sales",
            stock.main,
            ["--products", "2000", "--sales", "300000"],
        ),  # fmt: skip
        ("Cashier screen: start-up, memory, scan to row", ui.main, ["--products", "100000"]),
        (
            "Sync, terminal side",
            sync_client.main,
            ["--entries", "10000", "--products", "100000", "--pg", pg],
        ),  # fmt: skip
        (
            "Central server",
            server.main,
            ["--entries", "10000", "--products", "100000", "--pg", pg],
        ),  # fmt: skip
        ("Mobile payments: HQ's overhead against the gateway simulator", payments.main, []),
        (
            "HQ console: dashboard, booth health, a month by county (PostgreSQL)",
            console.main,
            ["--pg", pg],
        ),  # fmt: skip
        (
            "The fleet: virtual terminals against a real HQ",
            fleet.main,
            [
                "--terminals",
                str(FLEET_TERMINALS),
                "--seconds",
                "90",
                *(["--db", pg] if pg != PG_OFF else []),
            ],
        ),  # fmt: skip
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Run every benchmark at the sizes docs/benchmarks.md reports.",
    )
    parser.add_argument("--pg", metavar="ADMIN_URL", default=DEFAULT_PG, help="PostgreSQL admin URL (default: the local socket); 'off' skips")  # fmt: skip
    args = parser.parse_args(argv)
    failed = []
    started = time.perf_counter()
    for title, run, options in steps(args.pg):
        if run is console.main and args.pg == PG_OFF:
            continue  # it needs PostgreSQL
        print(f"\n== {title} ==", flush=True)
        began = time.perf_counter()
        code = run(options)
        print(f"({time.perf_counter() - began:.0f} s)", flush=True)
        if code:
            failed.append(title)
    print(f"\nEvery benchmark ran in {time.perf_counter() - started:.0f} s; figures are reported, not asserted.")  # fmt: skip
    if failed:
        print("These did not run to the end: " + "; ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
