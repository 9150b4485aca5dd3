"""When a terminal's call is written on its row: what it says of itself changed, or the row's
last contact is older than the refresh interval (a poll that says nothing new writes nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, update

from sync.protocol.journal import parse_utc
from sync.server import clock
from sync.server.tables import terminals

#: At most this many seconds between two writes of an unchanged terminal's last contact
#: (a quarter of the stale threshold when that is shorter), so booth health never calls a
#: terminal stale that called within ``stale_after_s``.
CONTACT_REFRESH_S = 300
#: A clock skew that moved by more than this is written at once.
SKEW_MOVE_MS = 1000


@dataclass(frozen=True)
class Contact:
    """What HQ last wrote of a terminal (its row, read with its token)."""

    last_seen_at: str | None = None
    clock_skew_ms: int | None = None
    app_version: str | None = None
    unsynced: int | None = None
    printer: str | None = None
    acked_seq: int = 0
    head_hash: str = "0" * 64


COLUMNS = (
    terminals.c.last_seen_at,
    terminals.c.clock_skew_ms,
    terminals.c.app_version,
    terminals.c.unsynced,
    terminals.c.printer,
    terminals.c.acked_seq,
    terminals.c.head_hash,
)


def from_row(row) -> Contact:
    return Contact(**{column.name: getattr(row, column.name) for column in COLUMNS})


def refresh_s(stale_after_s: float) -> float:
    """Seconds after which an unchanged terminal's contact is written again."""
    return min(CONTACT_REFRESH_S, stale_after_s / 4)


def status_values(status: dict | None, now: str) -> dict:
    return {**status, "status_at": now} if status else {}


def skew_ms(terminal_clock: str | None) -> int | None:
    """The terminal's clock minus HQ's, in ms; None when it did not say or said nonsense."""
    if not terminal_clock:
        return None
    try:
        moment = parse_utc(terminal_clock)
        return int((moment - clock.now()).total_seconds() * 1000)
    except (ValueError, TypeError, OverflowError):
        return None


def news(
    seen: Contact | None,
    terminal_clock: str | None,
    status: dict | None,
    now: datetime,
    stale_after_s: float,
) -> dict | None:
    """The row's new values when this call says something HQ has not written (another
    version, backlog or printer state, a skew that moved, or a last contact older than
    ``refresh_s``); None when writing it would change nothing anyone reads."""
    stamp = clock.stamp(now)
    values = {"last_seen_at": stamp, **status_values(status, stamp)}
    skew = skew_ms(terminal_clock)
    if skew is not None:
        values["clock_skew_ms"] = skew
    if seen is None or seen.last_seen_at is None:
        return values
    try:
        age = (now - parse_utc(seen.last_seen_at)).total_seconds()
    except (ValueError, TypeError, OverflowError):
        return values
    if not 0 <= age < refresh_s(stale_after_s):
        return values
    if any(getattr(seen, key) != value for key, value in (status or {}).items()):
        return values
    if skew is not None and (
        seen.clock_skew_ms is None or abs(skew - seen.clock_skew_ms) > SKEW_MOVE_MS
    ):
        return values
    return None


def note(
    engine: Engine,
    terminal_id: str,
    seen: Contact | None,
    terminal_clock: str | None,
    status: dict | None,
    stale_after_s: float,
) -> bool:
    """Write the terminal's contact, clock skew and status when there is news; True if written."""
    values = news(seen, terminal_clock, status, clock.now(), stale_after_s)
    if values is None:
        return False
    with engine.begin() as conn:
        conn.execute(update(terminals).where(terminals.c.id == terminal_id).values(**values))
    return True
