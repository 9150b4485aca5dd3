"""What every benchmark shares: percentiles and medians, the machine it ran on, one-line
refusals of bad options, and throw-away PostgreSQL databases."""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sqlite3
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

#: The local PostgreSQL socket, as the current user (tried when --pg is not given).
DEFAULT_PG = "postgresql://@/postgres?host=/var/run/postgresql"
#: --pg value that skips PostgreSQL.
PG_OFF = "off"


class BenchRefused(ValueError):
    """A bad option: the message is one line saying what to use instead."""


def percentile(values: list[float], pct: float) -> float:
    """The pct-th percentile (0-100) with linear interpolation between closest ranks."""
    if not values:
        raise ValueError("no values to take a percentile of")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median_ms(fn: Callable[[], object], runs: int) -> tuple[float, object]:
    """The median wall time of ``runs`` calls, in ms, and what the last call returned."""
    times, out = [], b""
    for _ in range(runs):
        started = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), out


def ratio(ours: float, raw: float) -> float:
    return round(ours / raw, 3) if raw > 0 else float("inf")


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
    }


def pg_admin(value: str | None) -> str | None:
    """The --pg option as an admin URL, or None when PostgreSQL is to be skipped."""
    return None if value in (None, "", PG_OFF) else value


def run_main(parser: argparse.ArgumentParser, run: Callable[[argparse.Namespace], int], argv) -> int:  # fmt: skip
    """Parse ``argv`` and run; a refused option is one line on standard error and exit 1."""
    args = parser.parse_args(argv)
    try:
        return run(args)
    except BenchRefused as exc:
        print(f"{parser.prog}: {exc}", file=sys.stderr)
        return 1


def pg_database_url(admin_url: str, database: str) -> str:
    """The admin URL pointing at another database (same host, user, options)."""
    parts = urlsplit(admin_url)
    return urlunsplit(parts._replace(path="/" + database))


class PgDatabases:
    """Temporary PostgreSQL databases made through an admin URL and dropped at the end."""

    def __init__(self, admin_url: str):
        import psycopg

        self.admin_url = admin_url
        self.conn = psycopg.connect(admin_url, autocommit=True, connect_timeout=5)
        self.version = self.conn.execute("SHOW server_version").fetchone()[0]
        self.names: list[str] = []

    def create(self, label: str) -> str:
        name = f"booth_bench_{os.getpid()}_{uuid.uuid4().hex[:8]}_{label}"
        self.conn.execute(f'CREATE DATABASE "{name}"')
        self.names.append(name)
        return pg_database_url(self.admin_url, name)

    def close(self) -> None:
        for name in self.names:
            with contextlib.suppress(Exception):
                self.conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.conn.close()
