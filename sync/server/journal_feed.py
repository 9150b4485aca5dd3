"""A terminal's own journal as HQ stores it, page by page: what a terminal that lost its
tail (a PC restored from an older backup, a replacement PC) fetches to recover it."""

from __future__ import annotations

from sqlalchemy import Connection, select

from sync.server import journal_store
from sync.server.errors import ApiError
from sync.server.tables import journal_archives, terminals


def head(conn: Connection, terminal_id: str) -> tuple[int, str]:
    """(acked seq, its hash) of what HQ holds of the terminal's journal."""
    row = conn.execute(
        select(terminals.c.acked_seq, terminals.c.head_hash).where(terminals.c.id == terminal_id)
    ).one()
    return row.acked_seq, row.head_hash


def page(conn: Connection, terminal_id: str, after: int, limit: int) -> tuple[list[str], bool]:
    """The stored entries with seq > ``after``, oldest first, exactly as pushed (canonical
    JSON text), at most ``limit``; and whether more follow. Entries of a month archived and
    dropped from the live database are never skipped over: the page stops before them, and a
    page that would start with one is refused (410) with the month to restore."""
    found = journal_store.page(conn, terminal_id, after, limit + 1)
    expected = after + 1
    lines = []
    for seq, line in found[:limit]:
        if seq != expected:
            break
        lines.append(line)
        expected += 1
    if lines or not found and not _archived(conn, terminal_id, after + 1):
        return lines, len(found) > len(lines)
    month = _archived(conn, terminal_id, after + 1) or "(unknown)"
    raise ApiError(
        410,
        f"Entries from seq {after + 1} of {terminal_id} were archived with month {month} and "
        "are no longer in HQ's live database: ask HQ's IT to restore that month "
        "(booth-pos-server journal restore).",
    )


def _archived(conn: Connection, terminal_id: str, seq: int) -> str | None:
    """The month of a dropped archive holding ``seq`` of the terminal, or None."""
    return conn.execute(
        select(journal_archives.c.month).where(
            journal_archives.c.terminal_id == terminal_id,
            journal_archives.c.first_seq <= seq,
            journal_archives.c.last_seq >= seq,
            journal_archives.c.dropped_at.is_not(None),
            journal_archives.c.restored_at.is_(None),
        )
    ).scalar()
