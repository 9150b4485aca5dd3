"""Is this PC's disk fast enough for durable sales? The `disk speed` check of booth-pos doctor.

Every sale is committed durably before anything else happens (principle 1: SQLite in WAL
mode with ``synchronous=FULL``, one ``BEGIN IMMEDIATE`` transaction), so each sale waits for
the disk to confirm a flush. This times exactly that: small durable commits, with the
terminal's own pragmas, to a scratch database in a temporary directory next to booth.db
(the same disk), removed afterwards. Nothing of the terminal's own data is touched.
"""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from pos.store.db import connect

COMMITS = 20
#: A sale's commit under this (median) is not felt at the till.
WARN_MS = 25.0
#: A sale's commit over this (median) makes the cashier wait visibly on every sale.
FAIL_MS = 250.0
#: Roughly the size of a sale's journal line: the commit writes a page like a sale does.
ROW_BYTES = 1500


@dataclass(frozen=True)
class DiskSpeed:
    """Durable commits timed in ``directory``: how many, their median and slowest, in ms."""

    directory: Path
    commits: int
    median_ms: float
    max_ms: float


def measure(directory: Path, commits: int = COMMITS) -> DiskSpeed:
    """Time ``commits`` durable one-row commits in a scratch database under ``directory``."""
    with tempfile.TemporaryDirectory(prefix=".disk-check-", dir=directory) as scratch:
        conn = connect(Path(scratch) / "disk-check.db")  # the terminal's pragmas
        try:
            conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, line TEXT NOT NULL)")
            row = "x" * ROW_BYTES
            times = []
            for _ in range(commits + 1):  # the first commit creates the WAL: not timed
                start = time.perf_counter()
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("INSERT INTO t (line) VALUES (?)", (row,))
                conn.execute("COMMIT")
                times.append((time.perf_counter() - start) * 1000)
        finally:
            conn.close()
    timed = times[1:]
    return DiskSpeed(directory, commits, statistics.median(timed), max(timed))


def verdict(home: Path) -> tuple[str, str]:
    """("ok" | "warn" | "fail", a sentence for IT staff) about the disk that holds ``home``."""
    where = home if home.exists() else home.parent
    try:
        speed = measure(where)
    except (OSError, sqlite3.Error) as exc:
        return "fail", f"Cannot write a test file in {where} ({exc}): sales could not be saved there."  # fmt: skip
    figures = (
        f"a durable commit takes {speed.median_ms:.1f} ms "
        f"(median of {speed.commits}, slowest {speed.max_ms:.1f} ms) in {where}"
    )
    if speed.median_ms > FAIL_MS:
        return "fail", (
            f"The disk is too slow for durable sales: {figures}, so every sale would wait on it. "
            f"Move the data directory to an SSD (not an SD card or USB stick), or replace the disk."
        )
    if speed.median_ms > WARN_MS:
        return "warn", (
            f"The disk is slow: {figures}; sales still save, but a busy till may feel it. "
            f"An SSD commits in a few ms."
        )
    return "ok", f"{figures[0].upper()}{figures[1:]}."
