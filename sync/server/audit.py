"""The audit log: every change made at HQ, who made it, when, and the record before and after.

Call ``record`` inside the change's own transaction (the same ``Connection``), so a change
and its audit row are committed together or not at all. The table refuses UPDATE and
DELETE (triggers from migration 0012).

Who (``actor``) is written as ``user:NAME`` (a console user), ``admin:NAME`` (an admin token
calling the API), ``cli:UNIXUSER`` (``booth-pos-server`` on the server's shell) or
``terminal:ID`` (a terminal spending an enrolment code). ``unknown`` is what library code
records when its caller did not say; HQ's pages, routes and commands always say.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, func, insert, select

from sync.server import clock
from sync.server.tables import audit_log

#: Any one line names someone; HQ's own pages, routes and commands use the forms above.
ACTOR = re.compile(r"^[^\x00-\x1f\x7f]{1,200}$")
#: The columns of an audit row, as the API, the CLI and the exports give them.
COLUMNS = ("id", "at", "actor", "action", "target_kind", "target_id", "before", "after")
#: Rows read at a time when an export walks the whole log.
EXPORT_BATCH = 1000


def as_json(value) -> str | None:
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def record(
    conn: Connection,
    actor: str,
    action: str,
    target_kind: str,
    target_id: str = "",
    before=None,
    after=None,
    at: datetime | None = None,
) -> None:
    """Append one audit row in the caller's transaction (before/after: anything JSON)."""
    if not isinstance(actor, str) or not ACTOR.fullmatch(actor):
        raise ValueError(f"An audit row needs who made the change on one line, not {actor!r}")
    conn.execute(
        insert(audit_log).values(
            at=clock.stamp(at),
            actor=actor,
            action=action,
            target_kind=target_kind,
            target_id=str(target_id),
            before_json=as_json(before),
            after_json=as_json(after),
        )
    )


def record_many(conn: Connection, actor: str, action: str, target_kind: str, changes) -> None:
    """Append one row per (target_id, before, after) at once (a catalog import's products)."""
    if not ACTOR.fullmatch(actor):
        raise ValueError(f"An audit row needs who made the change on one line, not {actor!r}")
    at = clock.stamp()
    rows = [
        {
            "at": at,
            "actor": actor,
            "action": action,
            "target_kind": target_kind,
            "target_id": str(target_id),
            "before_json": as_json(before),
            "after_json": as_json(after),
        }
        for target_id, before, after in changes
    ]
    if rows:
        conn.execute(insert(audit_log), rows)


def day_bounds(
    first: date | None, last: date | None, zone: ZoneInfo
) -> tuple[str | None, str | None]:
    """Business days (local dates) as the UTC stamps that bound them: [start, end)."""
    start = clock.stamp(datetime.combine(first, time(), zone)) if first else None
    end = clock.stamp(datetime.combine(last + timedelta(days=1), time(), zone)) if last else None
    return start, end


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _where(who, action, target_kind, target_id, start, end):
    conditions = []
    if who:
        conditions.append(audit_log.c.actor.like(_like(who), escape="\\"))
    if action:
        conditions.append(audit_log.c.action == action)
    if target_kind:
        conditions.append(audit_log.c.target_kind == target_kind)
    if target_id:
        conditions.append(audit_log.c.target_id.like(_like(target_id), escape="\\"))
    if start:
        conditions.append(audit_log.c.at >= start)
    if end:
        conditions.append(audit_log.c.at < end)
    return and_(True, *conditions)


def _row(row) -> dict:
    out = {key: row[key] for key in COLUMNS[:6]}
    out["before"] = json.loads(row["before_json"]) if row["before_json"] is not None else None
    out["after"] = json.loads(row["after_json"]) if row["after_json"] is not None else None
    return out


def entries(
    conn: Connection,
    who: str = "",
    action: str = "",
    target_kind: str = "",
    target_id: str = "",
    start: str | None = None,
    end: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict:
    """A page of the log, newest first, and how many rows the filters match."""
    where = _where(who, action, target_kind, target_id, start, end)
    count = conn.execute(select(func.count()).select_from(audit_log).where(where)).scalar_one()
    rows = conn.execute(
        select(audit_log).where(where).order_by(audit_log.c.id.desc()).limit(limit).offset(offset)
    ).mappings()
    return {"rows": [_row(row) for row in rows], "row_count": count}


def every_entry(
    conn: Connection,
    who: str = "",
    action: str = "",
    target_kind: str = "",
    target_id: str = "",
    start: str | None = None,
    end: str | None = None,
) -> Iterator[dict]:
    """Every matching row, oldest first, read in batches (for the exports)."""
    where = _where(who, action, target_kind, target_id, start, end)
    after = 0
    while True:
        batch = conn.execute(
            select(audit_log)
            .where(where, audit_log.c.id > after)
            .order_by(audit_log.c.id)
            .limit(EXPORT_BATCH)
        ).mappings().all()  # fmt: skip
        if not batch:
            return
        for row in batch:
            yield _row(row)
        after = batch[-1]["id"]


def history(conn: Connection, target_kind: str, target_id: str, limit: int = 200) -> list[dict]:
    """One record's changes, newest first (a product's page, a booth's page)."""
    rows = conn.execute(
        select(audit_log)
        .where(audit_log.c.target_kind == target_kind, audit_log.c.target_id == target_id)
        .order_by(audit_log.c.id.desc())
        .limit(limit)
    ).mappings()
    return [_row(row) for row in rows]


def actions(conn: Connection) -> list[str]:
    """The actions the log holds, for a filter's choices."""
    return sorted(conn.execute(select(audit_log.c.action).distinct()).scalars())


def target_kinds(conn: Connection) -> list[str]:
    return sorted(conn.execute(select(audit_log.c.target_kind).distinct()).scalars())
