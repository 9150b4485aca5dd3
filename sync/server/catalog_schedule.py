"""Catalog changes that take effect later: a new price, names or certificate the office
schedules for a given time, kept pending (terminals see nothing) until the server applies
it when it is due. Applying is an ordinary catalog edit: a new version, so terminals get it
through the feed, and the new price enters the price history from the scheduled time.

Two server processes (or the loop and ``booth-pos-server catalog apply-due``) may try the
same change at once: each claims it with ``UPDATE ... WHERE applied_at IS NULL`` inside the
transaction that applies it, so exactly one of them applies it.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, insert, select, update

from sync.protocol.journal import parse_utc
from sync.server import audit, catalog, clock
from sync.server.errors import ApiError, conflict, invalid
from sync.server.tables import scheduled_changes

#: The product fields a scheduled change may set.
FIELDS = ("name", "name_en", "price_fen", "certificate_no", "certificate_expires")
#: A time this far in the past still counts as "now" (the form took a while to fill in).
GRACE = timedelta(minutes=1)
#: How far ahead a change may be scheduled.
MAX_AHEAD = timedelta(days=366)
#: Who applies a due change when the server's own loop does it.
SERVER_ACTOR = "server:scheduled-changes"

_pending = scheduled_changes.c.applied_at.is_(None) & scheduled_changes.c.cancelled_at.is_(None)


def check_when(moment: datetime, now: datetime) -> str | None:
    """Why a change cannot take effect at ``moment`` ('past' or 'too_far'), else None."""
    if moment < now - GRACE:
        return "past"
    if moment > now + MAX_AHEAD:
        return "too_far"
    return None


def schedule(
    conn: Connection, product_id: str, changes: dict, effective_at: datetime, by: str
) -> dict:
    """Keep ``changes`` (some of FIELDS) to apply to the product at ``effective_at``; they
    are checked now exactly as an edit is, so a pending change applies cleanly later."""
    if check_when(effective_at, clock.now()) is not None:
        raise invalid("A change takes effect from now to a year ahead, not in the past.")
    catalog.lock(conn)
    current = catalog.get_product(conn, product_id)
    if current["deleted"]:
        raise conflict(f"Product {product_id} is withdrawn: import it again to change it.")
    changes = {k: v for k, v in changes.items() if k in FIELDS and current[k] != v}
    if not changes:
        raise invalid("The change sets nothing new: change a field first.")
    catalog.checked({**current, **changes})  # the same reasons as an edit, now not later
    when = clock.stamp(effective_at)
    schedule_id = conn.execute(
        insert(scheduled_changes)
        .values(
            product_id=product_id,
            changes_json=audit.as_json(changes),
            effective_at=when,
            scheduled_at=clock.stamp(),
            scheduled_by=by,
        )
        .returning(scheduled_changes.c.id)
    ).scalar_one()
    before = {k: current[k] for k in changes}
    after = {**changes, "effective_at": when, "schedule_id": schedule_id}
    audit.record(conn, by, "product_change_scheduled", "product", product_id, before, after)
    return {"id": schedule_id, "product_id": product_id, "changes": changes, "effective_at": when}


def _shown(row) -> dict:
    return {
        "id": row.id,
        "product_id": row.product_id,
        "changes": json.loads(row.changes_json),
        "effective_at": row.effective_at,
        "scheduled_by": row.scheduled_by,
        "scheduled_at": row.scheduled_at,
    }


def pending(conn: Connection, product_id: str | None = None) -> list[dict]:
    """Changes not yet applied nor cancelled (one product's, or all), soonest first."""
    query = select(scheduled_changes).where(_pending)
    if product_id is not None:
        query = query.where(scheduled_changes.c.product_id == product_id)
    query = query.order_by(scheduled_changes.c.effective_at, scheduled_changes.c.id)
    return [_shown(row) for row in conn.execute(query)]


def cancel(conn: Connection, product_id: str, schedule_id: int, by: str) -> dict:
    """Cancel a pending change; one already applied or cancelled is refused (409)."""
    row = conn.execute(
        select(scheduled_changes).where(
            scheduled_changes.c.id == schedule_id, scheduled_changes.c.product_id == product_id
        )
    ).first()
    taken = conn.execute(
        update(scheduled_changes)
        .where(scheduled_changes.c.id == schedule_id, _pending)
        .values(cancelled_at=clock.stamp(), cancelled_by=by)
    ).rowcount
    if row is None or not taken:
        raise conflict("This scheduled change was already applied or cancelled: nothing changed.")
    change = _shown(row)
    audit.record(
        conn, by, "product_change_cancelled", "product", product_id,
        {**change["changes"], "effective_at": change["effective_at"], "schedule_id": row.id},
        None,
    )  # fmt: skip
    return change


def apply_due(engine: Engine, by: str, now: datetime | None = None) -> list[dict]:
    """Apply every pending change whose time has come, each in its own transaction; returns
    what happened to each ({id, product_id, version} or {id, product_id, problem})."""
    stamp = clock.stamp(now)
    with engine.connect() as conn:
        due = conn.execute(
            select(scheduled_changes.c.id)
            .where(_pending, scheduled_changes.c.effective_at <= stamp)
            .order_by(scheduled_changes.c.effective_at, scheduled_changes.c.id)
        ).scalars().all()  # fmt: skip
    done = []
    for schedule_id in due:
        try:
            with engine.begin() as conn:
                result = _apply_one(conn, schedule_id, stamp, by)
        except ApiError as exc:  # the product changed under it (withdrawn, code taken)
            with engine.begin() as conn:
                result = _give_up(conn, schedule_id, stamp, by, exc.detail)
        if result is not None:
            done.append(result)
    return done


def _apply_one(conn: Connection, schedule_id: int, stamp: str, by: str) -> dict | None:
    catalog.lock(conn)  # the catalog's lock first, as every catalog writer takes it
    claimed = conn.execute(
        update(scheduled_changes)
        .where(scheduled_changes.c.id == schedule_id, _pending)
        .values(applied_at=stamp)
    ).rowcount
    if not claimed:
        return None  # another server process applied or someone cancelled it meanwhile
    row = conn.execute(select(scheduled_changes).where(scheduled_changes.c.id == schedule_id)).one()
    change = _shown(row)
    current = catalog.get_product(conn, row.product_id)
    if current["deleted"]:
        raise conflict(f"Product {row.product_id} was withdrawn before the change was due.")
    edited = {**current, **change["changes"]}
    saved = catalog.upsert_product(
        conn, edited, by, since=_not_before(row.effective_at, row.scheduled_at),
        action="product_change_applied",
    )  # fmt: skip
    if saved["version"] == current["version"]:  # the product already said so: audit anyway
        audit.record(
            conn, by, "product_change_applied", "product", row.product_id,
            None, {**change["changes"], "version": saved["version"]},
        )  # fmt: skip
    conn.execute(
        update(scheduled_changes)
        .where(scheduled_changes.c.id == schedule_id)
        .values(applied_version=saved["version"])
    )
    return {"id": schedule_id, "product_id": row.product_id, "version": saved["version"]}


def _not_before(effective_at: str, scheduled_at: str) -> str:
    """When a new price holds from: the scheduled time ("now" changes: when scheduled)."""
    return max(effective_at, scheduled_at, key=parse_utc)


def _give_up(conn: Connection, schedule_id: int, stamp: str, by: str, why: str) -> dict | None:
    row = conn.execute(select(scheduled_changes).where(scheduled_changes.c.id == schedule_id)).one()
    claimed = conn.execute(
        update(scheduled_changes)
        .where(scheduled_changes.c.id == schedule_id, _pending)
        .values(applied_at=stamp, problem=why)
    ).rowcount
    if not claimed:
        return None
    change = _shown(row)
    audit.record(
        conn, by, "product_change_failed", "product", row.product_id,
        {**change["changes"], "effective_at": change["effective_at"], "schedule_id": row.id},
        {"problem": why},
    )  # fmt: skip
    return {"id": schedule_id, "product_id": row.product_id, "problem": why}
