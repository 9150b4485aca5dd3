"""Appending to and reading the journal table (call inside Store.write / Store.read)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator

from pos.errors import journal_behind_hq
from pos.store import sync_state
from sync.protocol import entries
from sync.protocol.business import business_problem
from sync.protocol.journal import GENESIS, GRAND_TOTAL_SIGN, canonical, make_entry, parse_utc


def head(conn: sqlite3.Connection) -> tuple[int, str, int]:
    """(seq, hash, grand_total_fen) of the last entry, or the genesis values."""
    row = conn.execute(
        "SELECT seq, hash, grand_total_fen FROM journal ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    return row if row else (0, GENESIS, 0)


def last_seq(conn: sqlite3.Connection, entry_type: str) -> int:
    """The seq of the newest entry of ``entry_type``, 0 if there is none (index journal_type)."""
    row = conn.execute("SELECT max(seq) FROM journal WHERE type = ?", (entry_type,)).fetchone()
    return row[0] or 0


def refuse_if_behind_hq(conn: sqlite3.Connection) -> None:
    """Refuse (JournalBehindHq) while HQ holds more of this journal than this PC, or another
    entry: the next entry would fork it (cleared by `booth-pos journal recover`)."""
    state = sync_state.behind_hq(conn)
    if state is not None:
        raise journal_behind_hq(state["kind"], state["hq_seq"], state["local_seq"])


def append(conn: sqlite3.Connection, terminal: str, entry_type: str, body: dict, at: str) -> dict:
    """Seal and store the next entry; for sales and refunds, stamp the grand total.

    Refused while the terminal is behind HQ (``refuse_if_behind_hq``)."""
    refuse_if_behind_hq(conn)
    seq, prev, grand_total = head(conn)
    sign = GRAND_TOTAL_SIGN.get(entry_type)
    if sign is not None:
        grand_total += sign * body["total_fen"]
        body = {**body, "grand_total_fen": grand_total}
    entry = make_entry(terminal, seq + 1, entry_type, at, body, prev)
    problem = entries.problem(entry)  # the same rules HQ checks on receipt
    if problem is not None or entry_type not in entries.ENTRY_TYPES:
        raise ValueError(f"not a valid {entry_type} entry: {problem or 'unknown type'}")
    # HQ's business checks too, against this terminal's own catalog (HQ would quarantine
    # what fails them). The time rules judge this PC's clock, which only HQ can: they are
    # given the entry's own time and pass.
    when = parse_utc(at)
    found = business_problem(entry, lambda product: catalog_prices(conn, product), when, when)
    if found is not None:
        raise ValueError(f"not a valid {entry_type} entry: {found.reason} ({found.rule})")
    conn.execute(
        "INSERT INTO journal (seq, type, at, hash, grand_total_fen, line) VALUES (?, ?, ?, ?, ?, ?)",
        (entry["seq"], entry_type, at, entry["hash"], grand_total, canonical(entry)),
    )
    return entry


def catalog_prices(conn: sqlite3.Connection, product_id: str) -> set[int] | None:
    """Every price this terminal's catalog ever gave the product; None if it never had it."""
    rows = conn.execute(
        "SELECT price_fen FROM catalog_prices WHERE product_id = ?", (product_id,)
    ).fetchall()
    return {price for (price,) in rows} or None


def lines(conn: sqlite3.Connection, after_seq: int = 0) -> Iterator[str]:
    """Stored entries in seq order, exactly as hashed, starting after ``after_seq``."""
    cursor = conn.execute("SELECT line FROM journal WHERE seq > ? ORDER BY seq", (after_seq,))
    for (line,) in cursor:
        yield line


def entry_at(conn: sqlite3.Connection, seq: int) -> dict | None:
    """The stored entry with this seq, parsed, or None."""
    row = conn.execute("SELECT line FROM journal WHERE seq = ?", (seq,)).fetchone()
    return json.loads(row[0]) if row else None


def newest_of_type(conn: sqlite3.Connection, entry_type: str, limit: int) -> list[dict]:
    """The last ``limit`` entries of ``entry_type``, parsed, newest first."""
    rows = conn.execute(
        "SELECT line FROM journal WHERE type = ? ORDER BY seq DESC LIMIT ?", (entry_type, limit)
    ).fetchall()
    return [json.loads(line) for (line,) in rows]
