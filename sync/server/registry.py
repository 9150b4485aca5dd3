"""Booths, HQ admins, enrolment codes and terminals (call inside a transaction)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Connection, insert, select, update

from sync.server import audit, auth, clock, contact
from sync.server.errors import ApiError, conflict, forbidden, invalid, not_found, unauthorized
from sync.server.tables import (
    BOOTH_KINDS,
    admins,
    booths,
    enrol_codes,
    enrolment_log,
    terminals,
)

IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")


@dataclass(frozen=True)
class TerminalIdentity:
    """Who is calling: an enrolled, unrevoked terminal and its booth."""

    terminal_id: str
    booth_id: str
    # Its row as read with the token (head, last contact, status): the head request and the
    # poll need nothing more. None where an identity is made without a request.
    seen: contact.Contact | None = field(default=None, compare=False)


def check_identifier(value: str, what: str) -> str:
    if not isinstance(value, str) or not IDENTIFIER.fullmatch(value):
        raise invalid(f"{what} must be 1 to 32 letters, digits, - or _ (got {value!r}).")
    return value


def add_booth(
    conn: Connection,
    booth_id: str,
    name: str,
    district: str = "",
    kind: str | None = None,
    by: str = "unknown",
    **details: str,
) -> None:
    """Register a booth; ``details`` are any of BOOTH_DETAILS (address, manager)."""
    check_identifier(booth_id, "A booth id")
    if not name.strip():
        raise invalid("A booth needs a name.")
    check_booth_kind(kind)
    _check_details(details)
    if conn.execute(select(booths.c.id).where(booths.c.id == booth_id)).first():
        raise conflict(f"Booth {booth_id} already exists.")
    conn.execute(
        insert(booths).values(
            id=booth_id,
            name=name.strip(),
            district=district,
            created_at=clock.stamp(),
            kind=kind,
            **details,
        )
    )
    audit.record(conn, by, "booth_added", "booth", booth_id, None, _shown(booth(conn, booth_id)))


#: What a booth's record holds besides its id, name, district and kind (from Alembic 0013).
BOOTH_DETAILS = ("address", "manager_name", "manager_phone")


def _check_details(details: dict) -> None:
    unknown = set(details) - set(BOOTH_DETAILS)
    if unknown:
        raise invalid(f"A booth has no {', '.join(sorted(unknown))}.")


def check_booth_kind(kind: str | None) -> None:
    if kind is not None and kind not in BOOTH_KINDS:
        raise invalid(f"A booth's kind is one of {', '.join(BOOTH_KINDS)} (got {kind!r}).")


#: ``edit_booth``'s way of saying "make the kind unknown again".
UNKNOWN_KIND = "unknown"


def edit_booth(
    conn: Connection,
    booth_id: str,
    name: str | None = None,
    district: str | None = None,
    kind: str | None = None,
    by: str = "unknown",
    **details: str,
) -> dict:
    """Change a booth's name, district, kind (``UNKNOWN_KIND``: not known) or any of
    BOOTH_DETAILS; the booth after."""
    before = booth(conn, booth_id)
    _check_details(details)
    values: dict = dict(details)
    if name is not None:
        if not name.strip():
            raise invalid("A booth needs a name.")
        values["name"] = name.strip()
    if district is not None:
        values["district"] = district
    if kind is not None:
        values["kind"] = None if kind == UNKNOWN_KIND else kind
        check_booth_kind(values["kind"])
    if not values:
        raise invalid("Say what to change: --name, --district or --kind.")
    conn.execute(update(booths).where(booths.c.id == booth_id).values(**values))
    after = booth(conn, booth_id)
    audit.record(conn, by, "booth_edited", "booth", booth_id, _shown(before), _shown(after))
    return after


def _shown(row: dict) -> dict:
    """A booth as the audit log keeps it."""
    return {key: row.get(key) for key in ("id", "name", "district", "kind", *BOOTH_DETAILS)}


def booth(conn: Connection, booth_id: str) -> dict:
    row = conn.execute(select(booths).where(booths.c.id == booth_id)).mappings().first()
    if row is None:
        raise not_found(f"There is no booth {booth_id}: add it with 'booth-pos-server booth add'.")
    return dict(row)


def all_booths(conn: Connection) -> list[dict]:
    """Every registered booth (id, name, district), by id."""
    rows = conn.execute(select(booths.c.id, booths.c.name, booths.c.district))
    return sorted((dict(row) for row in rows.mappings()), key=lambda row: row["id"])


def log(
    conn: Connection,
    action: str,
    actor: str,
    booth_id: str | None = None,
    terminal_id: str | None = None,
    detail: str = "",
    at: datetime | None = None,
) -> None:
    """Append one line to the enrolment log (the table refuses updates and deletes)."""
    conn.execute(
        insert(enrolment_log).values(
            at=clock.stamp(at),
            action=action,
            actor=actor,
            booth_id=booth_id,
            terminal_id=terminal_id,
            detail=detail,
        )
    )


def _terminal(conn: Connection, terminal_id: str) -> dict | None:
    row = conn.execute(select(terminals).where(terminals.c.id == terminal_id)).mappings().first()
    return dict(row) if row is not None else None


def _revoked(terminal: dict) -> ApiError:
    return conflict(
        f"Terminal {terminal['id']} at booth {terminal['booth_id']} was revoked at "
        f"{terminal['revoked_at']}: a revoked terminal stays revoked; enrol the PC as a new "
        "terminal id."
    )


def add_enrol_code(
    conn: Connection,
    booth_id: str,
    hours: float,
    now: datetime | None = None,
    replaces: str | None = None,
    by: str = "unknown",
) -> str:
    """Make a one-time code for a booth; only its hash is kept. A plain code enrols a new
    terminal only; a code that ``replaces`` a terminal re-enrols that terminal only."""
    booth(conn, booth_id)
    if not 0 < hours <= 24 * 30:
        raise invalid("An enrolment code lasts between a minute and 30 days (--expires HOURS).")
    if replaces is not None:
        check_identifier(replaces, "The terminal to replace")
        old = _terminal(conn, replaces)
        if old is None:
            raise not_found(
                f"There is no terminal {replaces} to replace: a plain code enrols a new terminal."
            )
        if old["booth_id"] != booth_id:
            raise conflict(
                f"Terminal {replaces} is enrolled at booth {old['booth_id']}, not {booth_id}: "
                f"issue the replacement code for its own booth (enroll-code {old['booth_id']} "
                f"--replaces {replaces})."
            )
        if old["revoked_at"] is not None:
            raise _revoked(old)
    code = auth.new_enrol_code()
    moment = now or clock.now()
    expires = moment + timedelta(hours=hours)
    conn.execute(
        insert(enrol_codes).values(
            code_hash=auth.hash_secret(auth.normalize_code(code)),
            booth_id=booth_id,
            expires_at=clock.stamp(expires),
            replaces=replaces,
            issued_by=by,
        )
    )
    what = f"replaces terminal {replaces}" if replaces else "enrols a new terminal"
    log(
        conn, "code_issued", by, booth_id, replaces,
        f"a code that {what}, expires {clock.stamp(expires)}", moment,
    )  # fmt: skip
    issued = {"expires_at": clock.stamp(expires), "replaces": replaces}  # never the code itself
    audit.record(conn, by, "enrol_code_issued", "booth", booth_id, None, issued, moment)
    return code


def enroll(
    conn: Connection,
    code: str,
    terminal_id: str,
    now: datetime | None = None,
    source: str = "",
) -> tuple[str, dict]:
    """Spend a code: (token, booth). The token is returned once and stored only as a hash.

    A plain code enrols a new terminal id; a replacement code re-enrols the terminal it names
    (same journal, new token; the old token stops working). Nothing re-enrols a revoked
    terminal. A refusal with 409 leaves the code unspent (the caller logs it: log_refusal)."""
    check_identifier(terminal_id, "The terminal id")
    moment = now or clock.now()
    row = conn.execute(
        select(enrol_codes).where(enrol_codes.c.code_hash == auth.hash_secret(auth.normalize_code(code)))
    ).mappings().first()  # fmt: skip
    if row is None:
        raise unauthorized("That enrolment code is not known: check it, or ask HQ for a new one.")
    if row["used_at"] is not None:
        raise unauthorized("That enrolment code was already used: ask HQ for a new one.")
    if row["expires_at"] <= clock.stamp(moment):
        raise unauthorized("That enrolment code has expired: ask HQ for a new one.")
    booth_id, replaces = row["booth_id"], row["replaces"]
    issuer = row["issued_by"] or "unknown"
    existing = _terminal(conn, terminal_id)

    def refuse(detail: str) -> ApiError:
        error = conflict(detail)
        error.refused_enrolment = (issuer, booth_id, terminal_id, source)  # see log_refusal
        return error

    if existing is not None and existing["booth_id"] != booth_id:
        raise refuse(
            f"Terminal {terminal_id} is enrolled at another booth: choose another terminal id."
        )
    if existing is not None and existing["revoked_at"] is not None:
        error = _revoked(existing)
        raise refuse(error.detail)
    if replaces is not None and replaces != terminal_id:
        raise refuse(
            f"This code replaces terminal {replaces} only, not {terminal_id}: enrol as "
            f"{replaces}, or ask HQ for a code for a new terminal (enroll-code {booth_id})."
        )
    if existing is not None and replaces is None:
        raise refuse(
            f"Terminal {terminal_id} is already enrolled at booth {booth_id}: ask HQ for a "
            f"replacement code (enroll-code {booth_id} --replaces {terminal_id})."
        )
    if existing is None and replaces is not None:  # terminals are never deleted; kept safe
        raise refuse(f"There is no terminal {terminal_id} to replace.")
    token = auth.new_terminal_token()
    token_hash = auth.hash_secret(token)
    if existing is None:
        conn.execute(
            insert(terminals).values(
                id=terminal_id,
                booth_id=booth_id,
                token_hash=token_hash,
                enrolled_at=clock.stamp(moment),
            )
        )
    else:  # the replacement PC continues the journal HQ holds; the old token stops working
        conn.execute(
            update(terminals)
            .where(terminals.c.id == terminal_id)
            .values(token_hash=token_hash, enrolled_at=clock.stamp(moment))
        )
    conn.execute(
        update(enrol_codes)
        .where(enrol_codes.c.code_hash == row["code_hash"])
        .values(used_at=clock.stamp(moment), used_by=terminal_id)
    )
    where = f" from {source}" if source else ""
    enrolled = {"booth_id": booth_id, "enrolled_at": clock.stamp(moment), "code_issued_by": issuer}
    if existing is None:
        log(conn, "enrolled", issuer, booth_id, terminal_id, f"new terminal{where}", moment)
        audit.record(
            conn, f"terminal:{terminal_id}", "terminal_enrolled", "terminal", terminal_id,
            None, enrolled, moment,
        )  # fmt: skip
    else:
        audit.record(
            conn, f"terminal:{terminal_id}", "terminal_replaced", "terminal", terminal_id,
            {"booth_id": booth_id, "enrolled_at": existing["enrolled_at"]}, enrolled, moment,
        )  # fmt: skip
        detail = (
            f"replacement PC{where}; journal kept at seq {existing['acked_seq']}, old token revoked"
        )
        log(conn, "replaced", issuer, booth_id, terminal_id, detail, moment)
    return token, booth(conn, booth_id)


def log_refusal(conn: Connection, error: ApiError) -> None:
    """Record a refused enrolment (a valid code aimed at a terminal it may not enrol)."""
    issuer, booth_id, terminal_id, source = error.refused_enrolment
    where = f" from {source}" if source else ""
    detail = f"a code issued by {issuer}{where}: {error.detail}"
    log(conn, "enrol_refused", f"code of {issuer}", booth_id, terminal_id, detail)


def revoke_terminal(
    conn: Connection, terminal_id: str, by: str = "unknown", reason: str = ""
) -> None:
    """Stop a terminal's token for good; ``reason`` (why IT revoked it) goes in both logs."""
    old = _terminal(conn, terminal_id)
    if old is None:
        raise not_found(f"There is no terminal {terminal_id}.")
    if old["revoked_at"] is not None:
        raise conflict(f"Terminal {terminal_id} was already revoked at {old['revoked_at']}.")
    moment = clock.now()
    conn.execute(
        update(terminals)
        .where(terminals.c.id == terminal_id)
        .values(revoked_at=clock.stamp(moment))
    )
    detail = f"token revoked: {reason}" if reason else "token revoked"
    log(conn, "terminal_revoked", by, old["booth_id"], terminal_id, detail, moment)
    audit.record(
        conn, by, "terminal_revoked", "terminal", terminal_id,
        {"booth_id": old["booth_id"], "revoked_at": None},
        {"booth_id": old["booth_id"], "revoked_at": clock.stamp(moment), "reason": reason},
        moment,
    )  # fmt: skip


def terminal_for_token(conn: Connection, token: str | None) -> TerminalIdentity:
    if not token:
        raise unauthorized("This call needs 'Authorization: Bearer TOKEN' from enrolment.")
    row = conn.execute(
        select(
            terminals.c.id, terminals.c.booth_id, terminals.c.revoked_at, *contact.COLUMNS
        ).where(terminals.c.token_hash == auth.hash_secret(token))
    ).first()
    if row is None or row.revoked_at is not None:
        raise unauthorized()
    return TerminalIdentity(row.id, row.booth_id, contact.from_row(row))


def add_admin(conn: Connection, name: str, by: str = "unknown") -> str:
    check_identifier(name, "An admin name")
    if conn.execute(select(admins.c.name).where(admins.c.name == name)).first():
        raise conflict(f"Admin {name} already exists.")
    token = auth.new_admin_token()
    conn.execute(
        insert(admins).values(
            name=name, token_hash=auth.hash_secret(token), created_at=clock.stamp()
        )
    )
    log(conn, "admin_added", by, detail=f"admin {name}")
    audit.record(conn, by, "admin_added", "admin", name, None, {"name": name, "revoked_at": None})
    return token


def revoke_admin(conn: Connection, name: str, by: str = "unknown") -> None:
    row = conn.execute(select(admins.c.revoked_at).where(admins.c.name == name)).first()
    if row is None:
        raise not_found(f"There is no admin {name}.")
    if row.revoked_at is not None:
        raise conflict(f"Admin {name} was already revoked at {row.revoked_at}.")
    revoked_at = clock.stamp()
    conn.execute(update(admins).where(admins.c.name == name).values(revoked_at=revoked_at))
    log(conn, "admin_revoked", by, detail=f"admin {name}")
    audit.record(
        conn, by, "admin_revoked", "admin", name,
        {"name": name, "revoked_at": None}, {"name": name, "revoked_at": revoked_at},
    )  # fmt: skip


def enrolment_log_rows(conn: Connection, limit: int = 1000) -> list[dict]:
    """The newest ``limit`` lines of the enrolment log, oldest first."""
    rows = conn.execute(
        select(enrolment_log).order_by(enrolment_log.c.id.desc()).limit(limit)
    ).mappings().all()  # fmt: skip
    return [dict(row) for row in reversed(rows)]


def admin_for_token(conn: Connection, token: str | None) -> str:
    if not token:
        raise unauthorized("This HQ call needs 'Authorization: Bearer ADMIN_TOKEN'.")
    row = conn.execute(
        select(admins.c.name, admins.c.revoked_at).where(
            admins.c.token_hash == auth.hash_secret(token)
        )
    ).first()
    if row is None or row.revoked_at is not None:
        if token.startswith("bpt_"):
            raise forbidden("A terminal token cannot call HQ endpoints.")
        raise unauthorized("Missing, wrong or revoked admin token.")
    return row.name


__all__ = ["ApiError", "TerminalIdentity"]
