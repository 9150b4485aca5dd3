"""Who is signed in to the console, and what keeps a page safe: the session cookie, CSRF
tokens, roles, and the sign-in throttle."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import parse_qs, quote

from fastapi import Depends, Request

from sync.server.console import users
from sync.server.console.i18n import N_
from sync.server.db import reading
from sync.server.rate_limits import SharedCounter, client_address, limits_of

SESSION_COOKIE = "booth_console_session"
#: Before sign-in there is no session to tie a CSRF token to: the sign-in form's token is
#: also set as this cookie, and the two must match (a double-submit token).
SIGNIN_COOKIE = "booth_console_signin"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
#: Form bodies the console reads at most (a sign-in or password form is a few hundred bytes).
MAX_FORM_BYTES = 16 * 1024


class ConsoleRefusal(Exception):
    """A page that cannot be shown: an HTTP status and a message id (translated when shown)."""

    def __init__(self, status: int, message: str, headers: dict | None = None, **params):
        super().__init__(message)
        self.status = status
        self.message = message
        self.params = params
        self.headers = headers or {}


class SignInNeeded(Exception):
    """No live session: the browser is sent to the sign-in page and back afterwards."""

    def __init__(self, next_path: str):
        super().__init__(next_path)
        self.next_path = next_path


@dataclass(frozen=True)
class Signed:
    """The signed-in user of this request, their session token and its CSRF token."""

    user: users.HqUser
    token: str

    @property
    def csrf(self) -> str:
        return csrf_for(self.token)


def csrf_for(session_token: str) -> str:
    """A session's CSRF token: derived from the session's secret, so every worker can check
    it without storing it, and a page of one session is useless to another."""
    return hmac.new(session_token.encode(), b"console-csrf", hashlib.sha256).hexdigest()


def new_signin_token() -> str:
    return secrets.token_urlsafe(24)


def cookie_secure(request: Request) -> bool:
    mode = request.app.state.settings.console_secure_cookie
    if mode == "auto":
        return request.url.scheme == "https"
    return mode == "always"


def set_cookie(response, request: Request, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=cookie_secure(request),
    )


def current_session(request: Request) -> Signed | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > 128:
        return None
    with reading(request.app.state.engine) as conn:
        user = users.session_user(conn, token)
    return Signed(user, token) if user else None


def signed_in(request: Request) -> Signed:
    signed = current_session(request)
    if signed is None:
        raise SignInNeeded(_this_page(request))
    return signed


def _this_page(request: Request) -> str:
    path = request.url.path
    return path + ("?" + request.url.query if request.url.query else "")


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a console page of this server only (no open redirect)."""
    if (
        value
        and value.startswith("/console/")
        and not value.startswith("/console//")
        and "\\" not in value
        and not any(ord(ch) < 32 for ch in value)
    ):
        return value
    return "/console/"


def sign_in_url(next_path: str) -> str:
    return "/console/sign-in?next=" + quote(safe_next(next_path), safe="")


def role_needed(role: str):
    """A dependency: the signed-in user, who must have ``role`` or a higher one (else 403)."""

    def check(signed: Annotated[Signed, Depends(signed_in)]) -> Signed:
        if not signed.user.may(role):
            raise ConsoleRefusal(
                403,
                N_(
                    "This page is for the {role} role and above; you are signed in as {name} ({own}). Ask IT for a higher role if you need it."
                ),
                role=role,
                name=signed.user.name,
                own=signed.user.role,
            )
        return signed

    return check


Viewer = Annotated[Signed, Depends(role_needed("viewer"))]
Supervisor = Annotated[Signed, Depends(role_needed("supervisor"))]
Admin = Annotated[Signed, Depends(role_needed("admin"))]


async def read_form(request: Request) -> dict[str, str]:
    """A url-encoded form's fields (the first value of each); anything else reads as empty."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        return {}
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise ConsoleRefusal(413, N_("The form is too large to be read: nothing was changed."))
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {key: values[0] for key, values in fields.items()}


Form = Annotated[dict[str, str], Depends(read_form)]


def check_csrf(request: Request, form: dict[str, str], expected: str | None) -> None:
    """Refuse a change whose CSRF token (form field or htmx header) is missing or wrong."""
    sent = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise ConsoleRefusal(
            403,
            N_(
                "This form has expired or did not come from this console, so nothing was changed. Go back, reload the page and send it again."
            ),
        )


def signin_wait(request: Request, name: str) -> int | None:
    """Seconds before this name or this address may try a password again, else None."""
    limits = limits_of(request)
    waits = [
        _wait(limits.signin_names, name.casefold()),
        _wait(limits.signin_addresses, client_address(request)),
    ]
    waits = [w for w in waits if w is not None]
    return max(waits) if waits else None


def count_failed_signin(request: Request, name: str) -> None:
    limits = limits_of(request)
    limits.signin_names.add(name.casefold())
    limits.signin_addresses.add(client_address(request))


def _wait(counter: SharedCounter, key: str) -> int | None:
    return counter.wait_s(key)


def api_reader(request: Request) -> str | None:
    """A signed-in console user reading /api/v1/reports with GET (the pages' download
    links): ``console:NAME`` when their role may see that report, else None."""
    if request.method != "GET" or not request.url.path.startswith("/api/v1/reports/"):
        return None
    signed = current_session(request)
    if signed is None:
        return None
    # The whole-report files (sales.csv, closes.xlsx) are the same reports as the JSON.
    report = request.url.path.removeprefix("/api/v1/reports/").split("/")[0].split(".")[0]
    needed = "viewer" if report in VIEWER_REPORTS else "supervisor"
    return f"console:{signed.user.name}" if signed.user.may(needed) else None


#: The API reports a viewer may download; the others (booth health, stock, closes) need a
#: supervisor, as their pages do.
VIEWER_REPORTS = frozenset({"sales", "campaign", "dashboard", "tenders"})
