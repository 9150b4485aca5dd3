"""IT's page of HQ users (admin only): add one with a typed or a one-time password, change a
role, reset a password, disable; the last admin always stays."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request

from sync.server.console import guard, passwords, users
from sync.server.console.guard import Admin, Form, Signed
from sync.server.console.i18n import N_
from sync.server.console.render import render
from sync.server.db import reading
from sync.server.registry import IDENTIFIER

router = APIRouter(prefix="/console/users", include_in_schema=False)

Problems = dict[str, tuple[str, dict]]
#: A one-time password: 16 characters from an alphabet without look-alikes (about 90 bits).
ONE_TIME_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ"
ONE_TIME_LENGTH = 16


def one_time_password() -> str:
    while True:
        password = "".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(ONE_TIME_LENGTH))
        if passwords.weakness(password) is None:
            return password


def _actor(signed: Signed) -> str:
    return f"user:{signed.user.name}"


def _page(
    request: Request,
    signed: Signed,
    problems: Problems | None = None,
    fields: dict | None = None,
    notice: tuple[str, dict] | None = None,
    shown_password: tuple[str, str] | None = None,
    row_problem: tuple[str, str, dict] | None = None,
    status: int = 200,
):
    with reading(request.app.state.engine) as conn:
        rows = users.list_users(conn)
    page = {
        "rows": rows,
        "roles": users.ROLES,
        "problems": problems or {},
        "fields": fields or {"name": "", "role": "viewer", "mode": "one_time"},
        "notice": notice,
        "shown_password": shown_password,
        "row_problem": row_problem,
    }
    # htmx swaps the table alone when it asks (hx-post from the table's buttons).
    template = "_user_rows.html" if request.headers.get("HX-Request") else "users.html"
    return render(request, template, page, status, signed)


@router.get("")
def users_page(request: Request, signed: Admin):
    return _page(request, signed)


@router.post("")
def add_user(request: Request, signed: Admin, form: Form):
    guard.check_csrf(request, form, signed.csrf)
    name = form.get("name", "").strip()
    role = form.get("role", "")
    mode = form.get("mode", "one_time")
    fields = {"name": name, "role": role, "mode": mode}
    problems: Problems = {}
    if not IDENTIFIER.fullmatch(name):
        problems["name"] = (
            N_("A user name is 1 to 32 letters, digits, - or _, e.g. wangfang."),
            {},
        )
    if role not in users.ROLES:
        problems["role"] = (N_("Pick one of the roles in the list."), {})
    if mode == "typed":
        password = form.get("password", "")
        if weakness := passwords.weakness(password, name):
            problems["password"] = (weakness, {})
        elif form.get("again", "") != password:
            problems["again"] = (N_("The two passwords differ."), {})
    elif mode == "one_time":
        password = one_time_password()
    else:
        problems["mode"] = (N_("Pick how the first password is made."), {})
    with request.app.state.engine.begin() as conn:
        if "name" not in problems and users.exists(conn, name):
            problems["name"] = (N_("There is already a user {name}."), {"name": name})
        if problems:
            return _page(request, signed, problems, fields, status=422)
        users.add_user(conn, name, role, password, by=_actor(signed))
    notice = (N_("User {name} was added as {role}."), {"name": name, "role": role})
    shown = (name, password) if mode == "one_time" else None
    return _page(request, signed, notice=notice, shown_password=shown)


def _refuse_row(request, signed, name: str, message: str, **params):
    return _page(request, signed, row_problem=(name, message, params), status=409)


def _known(conn, name: str) -> None:
    if not users.exists(conn, name):
        raise guard.ConsoleRefusal(404, N_("There is no user {name}."), name=name[:64])


@router.post("/{name}/disable")
def disable_user(request: Request, signed: Admin, name: str, form: Form):
    guard.check_csrf(request, form, signed.csrf)
    if name == signed.user.name:
        return _refuse_row(
            request, signed, name, N_("You cannot disable yourself: ask another admin.")
        )
    with request.app.state.engine.begin() as conn:
        _known(conn, name)
        try:
            users.keep_an_admin(conn, name)
            users.disable_user(conn, name, by=_actor(signed))
        except users.LastAdmin:
            return _refuse_row(request, signed, name, users.LAST_ADMIN)
    notice = (N_("User {name} was disabled and signed out everywhere."), {"name": name})
    return _page(request, signed, notice=notice)


@router.post("/{name}/role")
def change_role(request: Request, signed: Admin, name: str, form: Form):
    guard.check_csrf(request, form, signed.csrf)
    role = form.get("role", "")
    if role not in users.ROLES:
        return _refuse_row(request, signed, name, N_("Pick one of the roles in the list."))
    if name == signed.user.name and role != "admin":
        return _refuse_row(
            request, signed, name,
            N_("You cannot lower your own role: ask another admin."),
        )  # fmt: skip
    with request.app.state.engine.begin() as conn:
        _known(conn, name)
        try:
            users.set_role(conn, name, role, by=_actor(signed))
        except users.LastAdmin:
            return _refuse_row(request, signed, name, users.LAST_ADMIN)
    notice = (N_("User {name} is now {role}."), {"name": name, "role": role})
    return _page(request, signed, notice=notice)


@router.post("/{name}/password")
def reset_password(request: Request, signed: Admin, name: str, form: Form):
    """A new one-time password, shown once; the user's sessions all end."""
    guard.check_csrf(request, form, signed.csrf)
    if name == signed.user.name:
        return _refuse_row(
            request, signed, name,
            N_("Change your own password on your password page."),
        )  # fmt: skip
    password = one_time_password()
    with request.app.state.engine.begin() as conn:
        _known(conn, name)
        users.change_password(conn, name, password, keep_token=None, by=_actor(signed))
    notice = (N_("The password of {name} was reset; their sessions were ended."), {"name": name})
    return _page(request, signed, notice=notice, shown_password=(name, password))
