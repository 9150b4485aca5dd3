"""HQ users of the console and their sessions (call inside a transaction).

A session is a random token in an HttpOnly cookie; the database keeps only its SHA-256, so
a copy of the database signs nobody in. Signing out deletes the row; disabling a user or
changing their password deletes all of theirs.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, insert, select, update

from sync.server import audit, auth, clock
from sync.server.console import passwords
from sync.server.console.i18n import N_
from sync.server.errors import conflict, invalid, not_found
from sync.server.registry import check_identifier
from sync.server.tables import console_sessions, hq_users

#: Roles from least to most: each sees what the ones before it see.
ROLES = ("viewer", "supervisor", "admin")


@dataclass(frozen=True)
class HqUser:
    name: str
    role: str

    def may(self, role: str) -> bool:
        """Whether this user has ``role`` or a higher one."""
        return ROLES.index(self.role) >= ROLES.index(role)


def add_user(conn: Connection, name: str, role: str, password: str, by: str = "unknown") -> None:
    check_identifier(name, "A user name")
    if role not in ROLES:
        raise invalid(f"The role is {role!r}: it must be one of {', '.join(ROLES)}.")
    problem = passwords.weakness(password, name)
    if problem:
        raise invalid(f"{problem} Nothing was changed.")
    if conn.execute(select(hq_users.c.name).where(hq_users.c.name == name)).first():
        raise conflict(f"There is already a user {name}: pick another name.")
    now = clock.stamp()
    conn.execute(
        insert(hq_users).values(
            name=name,
            role=role,
            password_hash=passwords.hash_password(password),
            created_at=now,
            password_changed_at=now,
        )
    )
    after = {"name": name, "role": role, "created_at": now, "disabled_at": None}
    audit.record(conn, by, "user_added", "user", name, None, after)  # never the password


def list_users(conn: Connection) -> list[dict]:
    rows = conn.execute(
        select(hq_users.c.name, hq_users.c.role, hq_users.c.created_at, hq_users.c.disabled_at)
    ).mappings()
    return sorted((dict(row) for row in rows), key=lambda row: row["name"])


def disable_user(conn: Connection, name: str, by: str = "unknown") -> None:
    """Refuse the user from now on and end every session they have open."""
    row = conn.execute(select(hq_users.c.disabled_at).where(hq_users.c.name == name)).first()
    if row is None:
        raise not_found(f"There is no user {name}.")
    if row.disabled_at is None:
        now = clock.stamp()
        conn.execute(update(hq_users).where(hq_users.c.name == name).values(disabled_at=now))
        audit.record(
            conn, by, "user_disabled", "user", name, {"disabled_at": None}, {"disabled_at": now}
        )
    conn.execute(delete(console_sessions).where(console_sessions.c.user_name == name))


def authenticate(conn: Connection, name: str, password: str) -> HqUser | None:
    """The user when ``password`` is theirs and they are not disabled, else None."""
    row = conn.execute(select(hq_users).where(hq_users.c.name == name)).mappings().first()
    if row is None:
        passwords.dummy_check(password)
        return None
    if not passwords.password_matches(password, row["password_hash"]):
        return None
    if row["disabled_at"] is not None:
        return None
    return HqUser(row["name"], row["role"])


def change_password(
    conn: Connection, name: str, new: str, keep_token: str | None, by: str = "unknown"
) -> None:
    """Store a new password and end the user's other sessions (a leaked one stops working)."""
    before = conn.execute(
        select(hq_users.c.password_changed_at).where(hq_users.c.name == name)
    ).scalar()
    now = clock.stamp()
    conn.execute(
        update(hq_users)
        .where(hq_users.c.name == name)
        .values(password_hash=passwords.hash_password(new), password_changed_at=now)
    )
    # The hashes never go into the log: only when the password changed.
    audit.record(
        conn, by, "password_changed", "user", name,
        {"password_changed_at": before}, {"password_changed_at": now},
    )  # fmt: skip
    others = delete(console_sessions).where(console_sessions.c.user_name == name)
    if keep_token is not None:
        others = others.where(console_sessions.c.token_hash != auth.hash_secret(keep_token))
    conn.execute(others)


def start_session(conn: Connection, user: HqUser, hours: float, now: datetime | None = None) -> str:
    """A new session for ``user``: the token for the cookie (only its hash is stored)."""
    moment = now or clock.now()
    token = secrets.token_urlsafe(32)
    conn.execute(
        insert(console_sessions).values(
            token_hash=auth.hash_secret(token),
            user_name=user.name,
            created_at=clock.stamp(moment),
            expires_at=clock.stamp(moment + timedelta(hours=hours)),
        )
    )
    # Expired sessions of anyone are dropped as new ones start: the table stays small.
    conn.execute(
        delete(console_sessions).where(console_sessions.c.expires_at < clock.stamp(moment))
    )
    return token


def session_user(conn: Connection, token: str, now: datetime | None = None) -> HqUser | None:
    """Who a session token belongs to, if it is live and its user is not disabled."""
    row = conn.execute(
        select(hq_users.c.name, hq_users.c.role, console_sessions.c.expires_at)
        .select_from(console_sessions.join(hq_users))
        .where(
            console_sessions.c.token_hash == auth.hash_secret(token),
            hq_users.c.disabled_at.is_(None),
        )
    ).first()
    if row is None or row.expires_at <= clock.stamp(now):
        return None
    return HqUser(row.name, row.role)


def end_session(conn: Connection, token: str) -> None:
    conn.execute(
        delete(console_sessions).where(console_sessions.c.token_hash == auth.hash_secret(token))
    )


# --- IT's users page: roles, and the rule that the console keeps an admin ---------------------

#: Why a change is refused when it would leave the console without an admin.
LAST_ADMIN = N_(
    "This is the last admin who can sign in: make another user admin first, or nobody could manage the console."
)


class LastAdmin(Exception):
    """Disabling or demoting this user would leave no admin who can sign in."""


def exists(conn: Connection, name: str) -> bool:
    return conn.execute(select(hq_users.c.name).where(hq_users.c.name == name)).first() is not None


def keep_an_admin(conn: Connection, name: str) -> None:
    """Raise LastAdmin when ``name`` is the only enabled admin (before disabling or demoting)."""
    # FOR UPDATE: two admins demoting each other at once cannot both pass (PostgreSQL; SQLite
    # lets one writer at a time through).
    admins = conn.execute(
        select(hq_users.c.name)
        .where(hq_users.c.role == "admin", hq_users.c.disabled_at.is_(None))
        .with_for_update()
    ).scalars().all()  # fmt: skip
    if admins == [name]:
        raise LastAdmin(name)


def set_role(conn: Connection, name: str, role: str, by: str = "unknown") -> None:
    """Give ``name`` another role; their sessions carry on with it (a session reads the
    role on every page)."""
    if role not in ROLES:
        raise invalid(f"The role is {role!r}: it must be one of {', '.join(ROLES)}.")
    row = conn.execute(select(hq_users.c.role).where(hq_users.c.name == name)).first()
    if row is None:
        raise not_found(f"There is no user {name}.")
    if row.role == role:
        return
    if row.role == "admin":
        keep_an_admin(conn, name)
    conn.execute(update(hq_users).where(hq_users.c.name == name).values(role=role))
    audit.record(conn, by, "user_role_changed", "user", name, {"role": row.role}, {"role": role})
