"""The print queue table: receipts and Z reports written before they print (call inside
Store.write/read)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class PrintJob:
    id: int
    kind: str  # receipt (the first print) or copy (a reprint, marked as such)
    seq: int  # the journal entry printed: a sale (its receipt) or a z_close (the Z report)
    kick: bool  # open the cash drawer with it (cash sales)
    created_at: str
    state: str  # waiting, printed or expired
    attempts: int
    last_error: str


_COLUMNS = "id, kind, seq, kick, created_at, state, attempts, last_error"


def _job(row) -> PrintJob:
    return PrintJob(row[0], row[1], row[2], bool(row[3]), row[4], row[5], row[6], row[7])


def add(conn: sqlite3.Connection, kind: str, seq: int, kick: bool, created_at: str) -> int:
    cursor = conn.execute(
        "INSERT INTO print_jobs (kind, seq, kick, created_at) VALUES (?, ?, ?, ?)",
        (kind, seq, int(kick), created_at),
    )
    return cursor.lastrowid


def add_done(conn: sqlite3.Connection, kind: str, seq: int, at: str) -> int:
    """A job already done: the paper of an entry recovered from HQ, never printed again."""
    cursor = conn.execute(
        "INSERT INTO print_jobs (kind, seq, kick, created_at, state, printed_at) "
        "VALUES (?, ?, 0, ?, 'printed', ?)",
        (kind, seq, at, at),
    )
    return cursor.lastrowid


def get(conn: sqlite3.Connection, job_id: int) -> PrintJob | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM print_jobs WHERE id = ?", (job_id,)).fetchone()
    return _job(row) if row else None


def next_waiting(conn: sqlite3.Connection) -> PrintJob | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM print_jobs WHERE state = 'waiting' ORDER BY id LIMIT 1"
    ).fetchone()
    return _job(row) if row else None


def waiting_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM print_jobs WHERE state = 'waiting'").fetchone()[0]


def expired_count(conn: sqlite3.Connection) -> int:
    """Receipts that stopped waiting for the printer (reprint still prints them)."""
    return conn.execute("SELECT count(*) FROM print_jobs WHERE state = 'expired'").fetchone()[0]


def mark_printed(conn: sqlite3.Connection, job_id: int, at: str) -> None:
    conn.execute(
        "UPDATE print_jobs SET state = 'printed', printed_at = ?, attempts = attempts + 1,"
        " last_error = '' WHERE id = ?",
        (at, job_id),
    )


def mark_failed(conn: sqlite3.Connection, job_id: int, error: str, kicked: bool = False) -> None:
    """The job stays waiting; once the drawer has opened for it, it will not open again."""
    conn.execute(
        "UPDATE print_jobs SET attempts = attempts + 1, last_error = ?,"
        " kick = CASE WHEN ? THEN 0 ELSE kick END WHERE id = ?",
        (error, int(kicked), job_id),
    )


def expire_before(conn: sqlite3.Connection, cutoff: str) -> int:
    """Waiting receipts created before ``cutoff`` stop printing by themselves (the customer
    left); a Z report keeps waiting, as the manager still needs it on paper."""
    cursor = conn.execute(
        "UPDATE print_jobs SET state = 'expired' WHERE state = 'waiting' AND created_at < ?"
        " AND NOT EXISTS (SELECT 1 FROM journal"
        " WHERE journal.seq = print_jobs.seq AND journal.type = 'z_close')",
        (cutoff,),
    )
    return cursor.rowcount


def retry(conn: sqlite3.Connection, job_id: int, at: str) -> None:
    """Asked for again: wait anew from ``at`` (without opening the drawer this late)."""
    conn.execute(
        "UPDATE print_jobs SET state = 'waiting', created_at = ?, kick = 0 WHERE id = ?",
        (at, job_id),
    )


def latest_for(conn: sqlite3.Connection, seq: int) -> PrintJob | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM print_jobs WHERE seq = ? ORDER BY id DESC LIMIT 1", (seq,)
    ).fetchone()
    return _job(row) if row else None
