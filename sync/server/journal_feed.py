"""A terminal's own journal as HQ stores it, page by page: what a terminal that lost its
tail (a PC restored from an older backup, a replacement PC) fetches to recover it."""

from __future__ import annotations

from sqlalchemy import Connection, select

from sync.server.tables import journal, terminals


def head(conn: Connection, terminal_id: str) -> tuple[int, str]:
    """(acked seq, its hash) of what HQ holds of the terminal's journal."""
    row = conn.execute(
        select(terminals.c.acked_seq, terminals.c.head_hash).where(terminals.c.id == terminal_id)
    ).one()
    return row.acked_seq, row.head_hash


def page(conn: Connection, terminal_id: str, after: int, limit: int) -> tuple[list[str], bool]:
    """The stored entries with seq > ``after``, oldest first, exactly as pushed (canonical
    JSON text), at most ``limit``; and whether more follow."""
    lines = conn.execute(
        select(journal.c.line)
        .where(journal.c.terminal_id == terminal_id, journal.c.seq > after)
        .order_by(journal.c.seq)
        .limit(limit + 1)
    ).scalars().all()  # fmt: skip
    return list(lines[:limit]), len(lines) > limit
