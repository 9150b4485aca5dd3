"""Who this terminal is: the meta keys written once at set-up (terminal id, booth name)."""

from __future__ import annotations

import sqlite3


def read_all(conn: sqlite3.Connection) -> dict[str, str]:
    """Every meta key and its value (terminal id, booth name, sync state, ...)."""
    return dict(conn.execute("SELECT key, value FROM meta"))


def record_terminal(
    conn: sqlite3.Connection, terminal_id: str, booth_name: str, created_at: str
) -> None:
    """Set up a new data directory as ``terminal_id`` of ``booth_name``, catalog version 0."""
    conn.executemany(
        "INSERT INTO meta (key, value) VALUES (?, ?)",
        [
            ("terminal_id", terminal_id),
            ("booth_name", booth_name),
            ("created_at", created_at),
            ("catalog_version", "0"),
        ],
    )
