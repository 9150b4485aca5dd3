"""Server time as the ISO 8601 UTC text every record carries."""

from __future__ import annotations

from datetime import UTC, datetime

from sync.protocol.journal import utc_timestamp


def now() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime | None = None) -> str:
    return utc_timestamp(moment or now())
