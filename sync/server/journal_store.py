"""HQ's journal table, the one place its rows are written and read: each entry stored once,
compressed, with its hash as 32 bytes, in the month (partition) it was received.

Ingest, the journal feed, quarantine, the CLI and the archive call these functions; nothing
else reads ``journal.line`` or ``journal.hash`` itself, so how an entry is stored can change
here alone.

How a line is stored (``encode``): the canonical JSON as UTF-8, its own ``hash`` value left
out (the ``hash`` column holds it), deflated with a preset dictionary of the contract's field
names, behind one format byte. ``decode`` gives back the exact canonical text, byte for byte.

On PostgreSQL the table is partitioned by month of ``received_on`` (RANGE), with a DEFAULT
partition so that a push never fails for a missing month; ``ensure_partitions`` makes the
coming months' partitions ahead and moves any rows the DEFAULT partition caught into their
month. SQLite keeps one plain table.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime

from sqlalchemy import Connection, func, insert, select, text

from sync.server.tables import journal

#: The format byte of a stored line. Never reuse a number: stored rows keep theirs.
DEFLATE_V1 = 1  # deflate (raw, window 15) with PRESET_V1, the hash value left out
PLAIN = 0  # the canonical UTF-8 text as is (a line the elision cannot round-trip)

#: The preset dictionary of format 1: the contract's field names and common values, the
#: most frequent last (cheaper to reach). Part of the stored format: never edit it; a better
#: dictionary is a new format byte.
PRESET_V1 = (
    b'"type":"refund","type":"z_close","type":"shift_open","type":"stock_receive",'
    b'"type":"stock_adjust","approved_by":"","reason":"","shift_id":"","opened_seq":,'
    b'"float_fen":,"kind":"refund","refund_id":"","sale_seq":,"method":"alipay",'
    b'"method":"card","method":"cash","amount_fen":,"out_trade_no":"","transaction_id":"",'
    b'"subsidy_fen":,"weight_g":,"unit":"kg","unit_price_fen":"},{"amount_fen":,"barcode":"69",'
    b'"county":"","name":"","product_id":"","qty":1,"supplier_id":"S00","unit":"piece",'
    b'"unit_price_fen":],"payments":[{"amount_fen":,"method":"wechat","reference":"13"}],'
    b'"sale_id":"-4-","total_fen":"},"hash":"","prev":"","seq":,"terminal":"","type":"sale",'
    b'"v":1}{"at":"2026-12-01T00:00:00.000Z","body":{"cashier":"","catalog_version":,'
    b'"change_fen":0,"grand_total_fen":,"lines":[{"amount_fen":'
)

_HASH_KEY = b'"hash":"'
PARTITION_PREFIX = "journal_p"
DEFAULT_PARTITION = "journal_default"


# --- one line -------------------------------------------------------------------------------


def _elide(raw: bytes, hash_hex: str) -> bytes | None:
    """The line without its hash value, or None when that would not round-trip."""
    at = raw.rfind(_HASH_KEY) + len(_HASH_KEY)
    if at < len(_HASH_KEY) or raw[at : at + 64] != hash_hex.encode("ascii"):
        return None
    return raw[:at] + raw[at + 64 :]


def encode(line: str, hash_hex: str) -> bytes:
    """A canonical line as stored: format byte, then the deflated line without its hash."""
    raw = line.encode("utf-8")
    elided = _elide(raw, hash_hex)
    if elided is None:
        return bytes([PLAIN]) + raw
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, PRESET_V1)
    return bytes([DEFLATE_V1]) + packer.compress(elided) + packer.flush()


def decode(stored: bytes, hash_bytes: bytes) -> str:
    """The exact canonical text of a stored line."""
    stored = bytes(stored)
    if stored[0] == PLAIN:
        return stored[1:].decode("utf-8")
    if stored[0] != DEFLATE_V1:
        raise ValueError(f"unknown stored journal line format {stored[0]}")
    unpacker = zlib.decompressobj(-15, PRESET_V1)
    elided = unpacker.decompress(stored[1:]) + unpacker.flush()
    at = elided.rfind(_HASH_KEY) + len(_HASH_KEY)
    return (elided[:at] + bytes(hash_bytes).hex().encode("ascii") + elided[at:]).decode("utf-8")


def received_day(stamp: str) -> date:
    """The UTC day of a server stamp (``clock.stamp()``): what partitions by month."""
    return date.fromisoformat(stamp[:10])


def row(terminal_id: str, entry: dict, line: str, received_on: date) -> dict:
    """The journal row of one checked entry (``line`` is its canonical JSON)."""
    return {
        "terminal_id": terminal_id,
        "seq": entry["seq"],
        "received_on": received_on,
        "hash": bytes.fromhex(entry["hash"]),
        "line": encode(line, entry["hash"]),
    }


def insert_rows(conn: Connection, rows: list[dict]) -> None:
    if rows:
        conn.execute(insert(journal), rows)


# --- reading --------------------------------------------------------------------------------


def hashes(conn: Connection, terminal_id: str, seqs: Iterable[int]) -> dict[int, str]:
    """seq -> hex hash of the stored entries among ``seqs``."""
    found = conn.execute(
        select(journal.c.seq, journal.c.hash).where(
            journal.c.terminal_id == terminal_id, journal.c.seq.in_(list(seqs))
        )
    )
    return {int(seq): bytes(h).hex() for seq, h in found}


def lines(conn: Connection, terminal_id: str, seqs: Iterable[int]) -> dict[int, str]:
    """seq -> canonical line of the stored entries among ``seqs``."""
    found = conn.execute(
        select(journal.c.seq, journal.c.hash, journal.c.line).where(
            journal.c.terminal_id == terminal_id, journal.c.seq.in_(list(seqs))
        )
    )
    return {int(seq): decode(line, h) for seq, h, line in found}


def page(conn: Connection, terminal_id: str, after: int, limit: int) -> list[tuple[int, str]]:
    """(seq, line) of the stored entries with seq > ``after``, oldest first, at most
    ``limit``."""
    found = conn.execute(
        select(journal.c.seq, journal.c.hash, journal.c.line)
        .where(journal.c.terminal_id == terminal_id, journal.c.seq > after)
        .order_by(journal.c.seq)
        .limit(limit)
    )
    return [(int(seq), decode(line, h)) for seq, h, line in found]


def walk(conn: Connection, terminal_id: str, after: int = 0, chunk: int = 5000) -> Iterator[tuple[int, str]]:  # fmt: skip
    """Every stored (seq, line) of a terminal after ``after``, oldest first, in chunks."""
    while True:
        got = page(conn, terminal_id, after, chunk)
        yield from got
        if len(got) < chunk:
            return
        after = got[-1][0]


def first_seq(conn: Connection, terminal_id: str) -> int | None:
    """The lowest seq HQ still holds live for a terminal (None: none)."""
    return conn.execute(
        select(func.min(journal.c.seq)).where(journal.c.terminal_id == terminal_id)
    ).scalar()


def month_bounds(month: str) -> tuple[date, date]:
    """'2026-11' -> (2026-11-01, 2026-12-01)."""
    start = date.fromisoformat(month + "-01")
    end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start, end


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_rows(conn: Connection, month: str) -> Iterator:
    """Every row received in ``month``, by terminal and seq (seq, hash, line decoded)."""
    start, end = month_bounds(month)
    found = conn.execute(
        select(journal.c.terminal_id, journal.c.seq, journal.c.received_on, journal.c.hash, journal.c.line)
        .where(journal.c.received_on >= start, journal.c.received_on < end)
        .order_by(journal.c.terminal_id, journal.c.seq)
    ).yield_per(2000)  # fmt: skip
    for terminal_id, seq, received_on, h, line in found:
        yield terminal_id, int(seq), _as_date(received_on), decode(line, h)


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def delete_month(conn: Connection, month: str) -> int:
    """Remove a month's rows from the live journal (SQLite; PostgreSQL drops the partition:
    ``drop_partition``). Returns how many rows went."""
    start, end = month_bounds(month)
    return conn.execute(
        journal.delete().where(journal.c.received_on >= start, journal.c.received_on < end)
    ).rowcount


# --- PostgreSQL partitions --------------------------------------------------------------------


def partition_name(month: str) -> str:
    return PARTITION_PREFIX + month.replace("-", "_")


def partitions(conn: Connection) -> dict[str, str]:
    """The journal's monthly partitions: month -> table name (PostgreSQL; {} on SQLite)."""
    if conn.dialect.name != "postgresql":
        return {}
    names = conn.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'journal'::regclass"
        )
    ).scalars()
    found = {}
    for name in names:
        if name.startswith(PARTITION_PREFIX):
            found[name[len(PARTITION_PREFIX) :].replace("_", "-")] = name
    return found


def next_months(today: date, ahead: int) -> list[str]:
    """This month and the ``ahead`` months after it."""
    months, year, month = [], today.year, today.month
    for _ in range(ahead + 1):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def create_partition(conn: Connection, month: str) -> bool:
    """Make ``month``'s partition (PostgreSQL), moving in any rows of that month the DEFAULT
    partition caught. False when it existed already or on SQLite."""
    if conn.dialect.name != "postgresql" or month in partitions(conn):
        return False
    start, end = month_bounds(month)
    name = partition_name(month)
    bounds = {"start": start, "end": end}
    conn.execute(text("LOCK TABLE journal IN SHARE ROW EXCLUSIVE MODE"))
    caught = conn.execute(
        text(
            f"SELECT count(*) FROM {DEFAULT_PARTITION} WHERE received_on >= :start AND received_on < :end"
        ),  # fmt: skip
        bounds,
    ).scalar()
    if not caught:
        conn.execute(
            text(
                f"CREATE TABLE {name} PARTITION OF journal "
                f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
            )
        )
        return True
    # Rows the DEFAULT partition holds for the month move into its new partition. The
    # quarantine's foreign key is checked at commit (DEFERRABLE), when they are back.
    conn.execute(text("SET CONSTRAINTS ALL DEFERRED"))
    conn.execute(text(f"CREATE TABLE {name} (LIKE journal INCLUDING ALL)"))
    conn.execute(
        text(
            f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION} WHERE received_on >= :start "
            f"AND received_on < :end RETURNING *) INSERT INTO {name} SELECT * FROM moved"
        ),
        bounds,
    )
    conn.execute(
        text(
            f"ALTER TABLE journal ATTACH PARTITION {name} "
            f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
        )
    )
    return True


def ensure_partitions(conn: Connection, today: date | None = None, ahead: int = 2) -> list[str]:
    """This month's partition and the next ``ahead`` months' (PostgreSQL): the months made."""
    today = today or datetime.now(UTC).date()
    return [month for month in next_months(today, ahead) if create_partition(conn, month)]


def drop_partition(conn: Connection, month: str) -> int:
    """Detach and drop ``month``'s partition (PostgreSQL); the rows it held."""
    name = partitions(conn).get(month)
    if name is None:
        return delete_month(conn, month)  # rows the DEFAULT partition caught
    count = conn.execute(text(f"SELECT count(*) FROM {name}")).scalar()
    conn.execute(text(f"ALTER TABLE journal DETACH PARTITION {name}"))
    conn.execute(text(f"DROP TABLE {name}"))
    return int(count)
