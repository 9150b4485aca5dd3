"""Booths, HQ admins, enrolment codes and terminals (call inside a transaction)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, insert, select, update

from sync.server import auth, clock
from sync.server.errors import ApiError, conflict, forbidden, invalid, not_found, unauthorized
from sync.server.tables import admins, booths, enrol_codes, terminals

IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")


@dataclass(frozen=True)
class TerminalIdentity:
    """Who is calling: an enrolled, unrevoked terminal and its booth."""

    terminal_id: str
    booth_id: str


def check_identifier(value: str, what: str) -> str:
    if not isinstance(value, str) or not IDENTIFIER.fullmatch(value):
        raise invalid(f"{what} must be 1 to 32 letters, digits, - or _ (got {value!r}).")
    return value


def add_booth(conn: Connection, booth_id: str, name: str, district: str = "") -> None:
    check_identifier(booth_id, "A booth id")
    if not name.strip():
        raise invalid("A booth needs a name.")
    if conn.execute(select(booths.c.id).where(booths.c.id == booth_id)).first():
        raise conflict(f"Booth {booth_id} already exists.")
    conn.execute(
        insert(booths).values(
            id=booth_id, name=name.strip(), district=district, created_at=clock.stamp()
        )
    )


def booth(conn: Connection, booth_id: str) -> dict:
    row = conn.execute(select(booths).where(booths.c.id == booth_id)).mappings().first()
    if row is None:
        raise not_found(f"There is no booth {booth_id}: add it with 'booth-pos-server booth add'.")
    return dict(row)


def add_enrol_code(
    conn: Connection, booth_id: str, hours: float, now: datetime | None = None
) -> str:
    """Make a one-time code for a booth; only its hash is kept."""
    booth(conn, booth_id)
    if not 0 < hours <= 24 * 30:
        raise invalid("An enrolment code lasts between a minute and 30 days (--expires HOURS).")
    code = auth.new_enrol_code()
    expires = (now or clock.now()) + timedelta(hours=hours)
    conn.execute(
        insert(enrol_codes).values(
            code_hash=auth.hash_secret(auth.normalize_code(code)),
            booth_id=booth_id,
            expires_at=clock.stamp(expires),
        )
    )
    return code


def enroll(
    conn: Connection, code: str, terminal_id: str, now: datetime | None = None
) -> tuple[str, dict]:
    """Spend a code: (token, booth). The token is returned once and stored only as a hash."""
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
    existing = (
        conn.execute(select(terminals).where(terminals.c.id == terminal_id)).mappings().first()
    )
    if existing is not None and existing["booth_id"] != row["booth_id"]:
        raise conflict(
            f"Terminal {terminal_id} is enrolled at another booth: choose another terminal id."
        )
    token = auth.new_terminal_token()
    token_hash = auth.hash_secret(token)
    if existing is None:
        conn.execute(
            insert(terminals).values(
                id=terminal_id,
                booth_id=row["booth_id"],
                token_hash=token_hash,
                enrolled_at=clock.stamp(moment),
            )
        )
    else:  # a replacement PC for the same terminal: the old token stops working
        conn.execute(
            update(terminals)
            .where(terminals.c.id == terminal_id)
            .values(token_hash=token_hash, revoked_at=None, enrolled_at=clock.stamp(moment))
        )
    conn.execute(
        update(enrol_codes)
        .where(enrol_codes.c.code_hash == row["code_hash"])
        .values(used_at=clock.stamp(moment), used_by=terminal_id)
    )
    return token, booth(conn, row["booth_id"])


def revoke_terminal(conn: Connection, terminal_id: str) -> None:
    done = conn.execute(
        update(terminals).where(terminals.c.id == terminal_id).values(revoked_at=clock.stamp())
    )
    if done.rowcount == 0:
        raise not_found(f"There is no terminal {terminal_id}.")


def terminal_for_token(conn: Connection, token: str | None) -> TerminalIdentity:
    if not token:
        raise unauthorized("This call needs 'Authorization: Bearer TOKEN' from enrolment.")
    row = conn.execute(
        select(terminals.c.id, terminals.c.booth_id, terminals.c.revoked_at).where(
            terminals.c.token_hash == auth.hash_secret(token)
        )
    ).first()
    if row is None or row.revoked_at is not None:
        raise unauthorized()
    return TerminalIdentity(row.id, row.booth_id)


def add_admin(conn: Connection, name: str) -> str:
    check_identifier(name, "An admin name")
    if conn.execute(select(admins.c.name).where(admins.c.name == name)).first():
        raise conflict(f"Admin {name} already exists.")
    token = auth.new_admin_token()
    conn.execute(
        insert(admins).values(
            name=name, token_hash=auth.hash_secret(token), created_at=clock.stamp()
        )
    )
    return token


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
