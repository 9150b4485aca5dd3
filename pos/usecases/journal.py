"""The journal as a whole: its head, what the server has not acknowledged, verifying the
hash chain and exporting it."""

from __future__ import annotations

from collections.abc import Iterator

from pos.store import journal as journal_db
from pos.store import sync_state
from pos.usecases.context import Context
from sync.protocol import journal


def head_seq(ctx: Context) -> int:
    """The newest journal entry's seq (0 before the first)."""
    with ctx.store.read() as conn:
        return journal_db.head(conn)[0]


def unsynced_count(ctx: Context) -> int:
    """Journal entries the central server has not acknowledged yet."""
    conn = ctx.store.conn
    return journal_db.head(conn)[0] - sync_state.acked_through(conn)


def verify(ctx: Context) -> journal.Verdict:
    """The hash chain checked from the first entry to the last."""
    with ctx.store.read() as conn:
        return journal.verify(journal_db.lines(conn), ctx.terminal_id)


def export(ctx: Context, after_seq: int = 0) -> Iterator[str]:
    """The entries after ``after_seq``, exactly as hashed, read in one snapshot."""
    with ctx.store.read() as conn:
        yield from journal_db.lines(conn, after_seq)
