"""What the console's booth pages read of the registry: every booth with its details and
how many terminals it has, a booth's terminals, and its enrolment codes not yet spent."""

from __future__ import annotations

from sqlalchemy import Connection, and_, case, func, select

from sync.server import clock
from sync.server.tables import booths, enrol_codes, terminals


def booth_list(conn: Connection) -> list[dict]:
    """Every booth with its details and its live (unrevoked) and revoked terminals, by id."""
    live = func.sum(case((terminals.c.revoked_at.is_(None), 1), else_=0))
    counts = (
        select(
            terminals.c.booth_id,
            func.count().label("terminals"),
            live.label("live_terminals"),
        )
        .group_by(terminals.c.booth_id)
        .subquery()
    )
    rows = conn.execute(
        select(booths, counts.c.terminals, counts.c.live_terminals)
        .select_from(booths.outerjoin(counts, counts.c.booth_id == booths.c.id))
        .order_by(booths.c.id)
    ).mappings()
    return [
        dict(row)
        | {"terminals": row["terminals"] or 0, "live_terminals": row["live_terminals"] or 0}
        for row in rows
    ]


def booth_terminals(conn: Connection, booth_id: str) -> list[dict]:
    """A booth's terminals, revoked ones too (terminals are never deleted), by id."""
    rows = conn.execute(
        select(
            terminals.c.id,
            terminals.c.enrolled_at,
            terminals.c.revoked_at,
            terminals.c.last_seen_at,
            terminals.c.acked_seq,
            terminals.c.app_version,
        )
        .where(terminals.c.booth_id == booth_id)
        .order_by(terminals.c.id)
    ).mappings()
    return [dict(row) for row in rows]


def terminal(conn: Connection, terminal_id: str) -> dict | None:
    row = conn.execute(
        select(terminals.c.id, terminals.c.booth_id, terminals.c.revoked_at).where(
            terminals.c.id == terminal_id
        )
    ).mappings().first()  # fmt: skip
    return dict(row) if row is not None else None


def open_codes(conn: Connection, booth_id: str) -> list[dict]:
    """A booth's enrolment codes neither spent nor expired (only when and by whom: the codes
    themselves are kept as hashes), soonest to expire first."""
    rows = conn.execute(
        select(enrol_codes.c.expires_at, enrol_codes.c.replaces, enrol_codes.c.issued_by)
        .where(
            and_(
                enrol_codes.c.booth_id == booth_id,
                enrol_codes.c.used_at.is_(None),
                enrol_codes.c.expires_at > clock.stamp(),
            )
        )
        .order_by(enrol_codes.c.expires_at)
    ).mappings()
    return [dict(row) for row in rows]
