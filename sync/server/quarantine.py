"""Quarantined journal entries: listing them, releasing one (recorded: who, when, why), and
how much each booth has held back.

Ingest (``sync.server.ingest``) stores an entry that breaks a business rule in the journal
with a ``quarantine`` row and an alert instead of its projections. Releasing it writes the
projections it would have had (the same ``projection_rows``), so from then on it counts in
every report, and resolves its alert. An entry never released is left out for good.
"""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select, update

from sync.server import audit, clock, figures, journal_store, stock
from sync.server.db import safe_sum
from sync.server.errors import conflict, invalid, not_found
from sync.server.ingest import insert_projections, projection_rows
from sync.server.registry import TerminalIdentity
from sync.server.tables import journal, quarantine, tamper_alerts

MAX_REASON = 1000
MAX_BY = 200
SHOWN = (
    "terminal_id", "seq", "booth_id", "type", "rule", "reason", "at", "amount_fen",
    "quarantined_at", "released_at", "released_by", "release_reason",
)  # fmt: skip


def _row(row) -> dict:
    out = {key: row[key] for key in SHOWN}
    out["seq"], out["amount_fen"] = int(out["seq"]), int(out["amount_fen"])
    return out


def entries(
    conn: Connection, booth_id: str | None = None, released: bool = False, limit: int = 1000
) -> list[dict]:
    """Quarantined entries still held (or, with ``released``, those released), oldest first."""
    query = select(quarantine).where(
        quarantine.c.released_at.is_not(None) if released else quarantine.c.released_at.is_(None)
    )
    if booth_id is not None:
        query = query.where(quarantine.c.booth_id == booth_id)
    rows = [_row(row) for row in conn.execute(query).mappings()]
    rows.sort(key=lambda row: (row["quarantined_at"], row["terminal_id"], row["seq"]))
    return rows[:limit]


def held_by_booth(conn: Connection, booth_id: str | None = None) -> dict[str, dict]:
    """booth id -> entries still held: ``quarantined`` (count) and ``quarantined_fen`` (the
    sales' and refunds' totals among them)."""
    query = (
        select(
            quarantine.c.booth_id,
            func.count().label("entries"),
            safe_sum(quarantine.c.amount_fen).label("fen"),
        )
        .where(quarantine.c.released_at.is_(None))
        .group_by(quarantine.c.booth_id)
    )
    if booth_id is not None:
        query = query.where(quarantine.c.booth_id == booth_id)
    return {
        row.booth_id: {"quarantined": int(row.entries), "quarantined_fen": int(row.fen or 0)}
        for row in conn.execute(query)
    }


def release(
    conn: Connection,
    terminal_id: str,
    seq: int,
    reason: str,
    by: str,
    zone: ZoneInfo,
    actor: str | None = None,
) -> dict:
    """Count a quarantined entry from now on: write its projections, record who, when, why.

    A sale's refunds held only because the sale was held are released with it. A refund
    of a sale still held cannot be released on its own. ``by`` is the name kept with the
    entry; ``actor`` who did it, for the audit log (``by`` when not given).
    """
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise invalid(f"Say why the entry is released: 1 to {MAX_REASON} characters.")
    by = (by or "").strip()
    if not by or len(by) > MAX_BY:
        raise invalid("Say who releases the entry (--by NAME).")
    held = conn.execute(
        select(quarantine)
        .where(quarantine.c.terminal_id == terminal_id, quarantine.c.seq == seq)
        .with_for_update()
    ).mappings().first()  # fmt: skip
    if held is None:
        raise not_found(f"{terminal_id} seq {seq} is not quarantined: see 'quarantine list'.")
    if held["released_at"] is not None:
        raise conflict(
            f"{terminal_id} seq {seq} was already released by {held['released_by']} "
            f"at {held['released_at']}."
        )
    if held["rule"] == "sale_quarantined":
        raise conflict(
            f"{terminal_id} seq {seq} refunds a sale that is still quarantined: "
            "release that sale, and this refund is released with it."
        )
    now = clock.stamp()
    released = [held]
    if held["type"] == "sale":
        released += list(
            conn.execute(
                select(quarantine).where(
                    quarantine.c.terminal_id == terminal_id,
                    quarantine.c.type == "refund",
                    quarantine.c.sale_id == held["ref_id"],
                    quarantine.c.rule == "sale_quarantined",
                    quarantine.c.released_at.is_(None),
                )
            ).mappings()
        )
    seqs = [int(row["seq"]) for row in released]
    lines = journal_store.lines(conn, terminal_id, seqs)
    stored = [json.loads(lines[s]) for s in sorted(seqs)]
    caller = TerminalIdentity(terminal_id, held["booth_id"])
    projections = [
        (table, rows)
        for table, rows in projection_rows(caller, stored, zone, now)
        if table is not journal  # the journal rows are stored already
    ]
    stock.relay_versions(conn, projections)  # a transfer released goes to its booth's feed now
    insert_projections(conn, projections)  # a gateway refund is the refund worker's from now on
    figures.add(conn, projections, zone, terminal_id)
    conn.execute(
        update(quarantine)
        .where(quarantine.c.terminal_id == terminal_id, quarantine.c.seq.in_(seqs))
        .values(released_at=now, released_by=by, release_reason=reason)
    )
    conn.execute(
        update(tamper_alerts)
        .where(
            tamper_alerts.c.terminal_id == terminal_id,
            tamper_alerts.c.seq.in_(seqs),
            tamper_alerts.c.kind == "quarantine",
            tamper_alerts.c.resolved_at.is_(None),
        )
        .values(resolved_at=now)
    )
    result = _row({**held, "released_at": now, "released_by": by, "release_reason": reason})
    result["released_with"] = [s for s in sorted(seqs) if s != seq]
    audit.record(
        conn, actor or by, "quarantine_released", "entry", f"{terminal_id}/{seq}",
        {"released_at": None}, {key: result[key] for key in AUDITED},
    )  # fmt: skip
    return result


#: What the audit log keeps of a release.
AUDITED = ("booth_id", "type", "rule", "amount_fen", "released_at", "released_by",
           "release_reason", "released_with")  # fmt: skip
