"""Cashiers and managers: adding them, PINs and lockouts, and a manager's approval."""

from __future__ import annotations

from datetime import datetime

from pos import pins
from pos.errors import NotFound, Refused
from pos.store import users as users_db
from pos.store.users import User
from pos.usecases.context import Context

ROLES = ("cashier", "manager")


class NeedsManager(Refused):
    """The action is allowed only with a manager's approval: ask for their PIN and retry."""


def add_user(ctx: Context, name: str, role: str, pin: str) -> None:
    name = name.strip()
    if not name:
        raise Refused("The name is empty.")
    if role not in ROLES:
        raise Refused("Role '{role}' is unknown: use cashier or manager.", role=role)
    try:
        pins.check_pin_format(pin)
    except ValueError:
        raise Refused(
            "A PIN is {low} to {high} digits.", low=pins.MIN_DIGITS, high=pins.MAX_DIGITS
        ) from None
    pin_hash = pins.hash_pin(pin)
    with ctx.store.write() as conn:
        if users_db.get(conn, name) is not None:
            raise Refused("There is already a user named {name}.", name=name)
        users_db.insert(conn, name, role, pin_hash, ctx.now())


def users(ctx: Context) -> list[User]:
    return users_db.all_users(ctx.store.conn)


def authenticate(ctx: Context, name: str, pin: str) -> User:
    """Check a PIN; wrong PINs count towards a lockout that doubles each time."""
    user = users_db.get(ctx.store.conn, name)
    if user is None:
        raise NotFound("There is no cashier named '{name}' on this terminal.", name=name)
    now = ctx.clock()
    if user.locked_until and datetime.fromisoformat(user.locked_until) > now:
        wait = int((datetime.fromisoformat(user.locked_until) - now).total_seconds()) + 1
        raise Refused(
            "Too many wrong PINs for {name}: try again in {seconds} s.", name=name, seconds=wait
        )
    if pins.pin_matches(pin, user.pin_hash):
        if user.failed_attempts:
            with ctx.store.write() as conn:
                users_db.record_attempt(conn, name, 0, None)
        return user
    settings = ctx.settings
    failures = user.failed_attempts + 1
    until = pins.lockout_until(
        failures, now, settings.pin_free_attempts, settings.pin_lockout_seconds
    )
    with ctx.store.write() as conn:
        users_db.record_attempt(conn, name, failures, until.isoformat() if until else None)
    if until:
        raise Refused(
            "Wrong PIN for {name}. Locked for {seconds} s after too many wrong PINs.",
            name=name,
            seconds=int((until - now).total_seconds()),
        )
    left = settings.pin_free_attempts - failures
    raise Refused("Wrong PIN for {name}: {left} more tries before a lockout.", name=name, left=left)


def require_manager(manager: User) -> None:
    """Refused unless ``manager`` is one."""
    if manager.role != "manager":
        raise Refused("{name} is a cashier: only a manager may approve this.", name=manager.name)  # fmt: skip


def approver(user: User, manager: User | None) -> User | None:
    """The manager approving: the user themself if a manager, else ``manager``, if any."""
    if user.role == "manager":
        return user
    if manager is not None:
        require_manager(manager)
    return manager
