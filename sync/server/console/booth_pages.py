"""IT's booth pages under /console/registry: the booths with their details, creating and
editing one, its payment merchant ids, enrolment codes shown large with a QR code, and
revoking a terminal. Supervisors may look; only admins change anything."""

from __future__ import annotations

import re
from datetime import timedelta

import segno
from fastapi import APIRouter, Request
from markupsafe import Markup

from sync.server import audit, booth_records, clock, registry
from sync.server.console import guard
from sync.server.console.guard import Admin, Form, Signed, Supervisor
from sync.server.console.i18n import N_
from sync.server.console.render import render
from sync.server.db import reading
from sync.server.errors import ApiError
from sync.server.payments import booths as booth_payments
from sync.server.tables import BOOTH_KINDS

router = APIRouter(prefix="/console/registry", include_in_schema=False)

#: The longest text each booth field takes (characters), and the phone number's shape.
LIMITS = {"name": 80, "district": 64, "address": 200, "manager_name": 64, "manager_phone": 20}
PHONE = re.compile(r"^\+?[0-9][0-9 -]{4,19}$")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: WeChat's sub-merchant ids are digits; Alipay's app auth tokens are printable ASCII.
SUB_MCHID = re.compile(r"^[0-9]{8,32}$")
APP_AUTH_TOKEN = re.compile(r"^[\x21-\x7e]{8,128}$")
#: How long a new enrolment code lasts unless IT says otherwise, and at most (hours).
CODE_HOURS, MAX_CODE_HOURS = 24, 24 * 30
REASON_LENGTH = 200

Problems = dict[str, tuple[str, dict]]


def _actor(signed: Signed) -> str:
    return f"user:{signed.user.name}"


def _booth_or_404(conn, booth_id: str) -> dict:
    try:
        return registry.booth(conn, booth_id)
    except ApiError:
        raise guard.ConsoleRefusal(
            404, N_("There is no booth {booth}."), booth=booth_id[:64]
        ) from None


# --- reading and checking the booth form ------------------------------------------------------


def booth_fields(form: dict[str, str]) -> dict[str, str]:
    fields = {key: form.get(key, "").strip() for key in LIMITS}
    fields["kind"] = form.get("kind", "").strip()
    return fields


def booth_problems(fields: dict[str, str]) -> Problems:
    """Each field's problem (a message id and its parameters); empty when all is well."""
    problems: Problems = {}
    for key, limit in LIMITS.items():
        value = fields[key]
        if CONTROL.search(value):
            problems[key] = (N_("Remove the control characters (tabs, line breaks)."), {})
        elif len(value) > limit:
            problems[key] = (N_("At most {limit} characters."), {"limit": limit})
    if "name" not in problems and not fields["name"]:
        problems["name"] = (N_("A booth needs a name."), {})
    if fields["kind"] and fields["kind"] not in BOOTH_KINDS:
        problems["kind"] = (N_("Pick one of the kinds in the list."), {})
    phone = fields["manager_phone"]
    if "manager_phone" not in problems and phone and not PHONE.fullmatch(phone):
        problems["manager_phone"] = (
            N_("A phone number is digits, spaces and dashes, e.g. 138 0000 0000 or 023-5555 1234."),
            {},
        )
    return problems


def _details(fields: dict[str, str]) -> dict[str, str]:
    return {key: fields[key] for key in registry.BOOTH_DETAILS}


# --- the booths ----------------------------------------------------------------------------------


@router.get("")
def booth_list(request: Request, signed: Supervisor):
    with reading(request.app.state.engine) as conn:
        rows = booth_records.booth_list(conn)
    return render(request, "registry.html", {"rows": rows}, signed=signed)


@router.get("/new-booth")
def new_booth_page(request: Request, signed: Admin):
    fields = booth_fields({}) | {"id": ""}
    return _booth_form(request, signed, fields, {}, 200)


def _booth_form(request, signed, fields, problems, status):
    page = {"fields": fields, "problems": problems, "kinds": BOOTH_KINDS}
    return render(request, "booth_form.html", page, status, signed)


@router.post("/new-booth")
def add_booth(request: Request, signed: Admin, form: Form):
    guard.check_csrf(request, form, signed.csrf)
    fields = booth_fields(form) | {"id": form.get("id", "").strip()}
    problems = booth_problems(fields)
    if not registry.IDENTIFIER.fullmatch(fields["id"]):
        problems["id"] = (N_("A booth id is 1 to 32 letters, digits, - or _, e.g. B-0412."), {})
    with request.app.state.engine.begin() as conn:
        if "id" not in problems and _exists(conn, fields["id"]):
            problems["id"] = (N_("There is already a booth {booth}."), {"booth": fields["id"]})
        if problems:
            return _booth_form(request, signed, fields, problems, 422)
        registry.add_booth(
            conn, fields["id"], fields["name"], fields["district"], fields["kind"] or None,
            by=_actor(signed), **_details(fields),
        )  # fmt: skip
    return _booth_page(request, signed, fields["id"], notice=N_("The booth was added."))


def _exists(conn, booth_id: str) -> bool:
    try:
        registry.booth(conn, booth_id)
    except ApiError:
        return False
    return True


@router.get("/booths/{booth_id}")
def booth_page(request: Request, signed: Supervisor, booth_id: str):
    return _booth_page(request, signed, booth_id)


def _booth_page(
    request: Request,
    signed: Signed,
    booth_id: str,
    notice: str | tuple[str, dict] | None = None,
    fields: dict | None = None,
    problems: Problems | None = None,
    payment_problems: Problems | None = None,
    code_problems: Problems | None = None,
    code_form: dict | None = None,
    status: int = 200,
):
    if isinstance(notice, str):
        notice = (notice, {})
    with reading(request.app.state.engine) as conn:
        found = _booth_or_404(conn, booth_id)
        page = {
            "booth": found,
            "fields": fields or {key: found[key] or "" for key in (*LIMITS, "kind")},
            "problems": problems or {},
            "kinds": BOOTH_KINDS,
            "terminals": booth_records.booth_terminals(conn, booth_id),
            "codes": booth_records.open_codes(conn, booth_id),
            "payments": booth_payments.describe(conn, booth_id),
            "payment_problems": payment_problems or {},
            "code_problems": code_problems or {},
            "code_form": code_form or {"hours": str(CODE_HOURS), "replaces": ""},
            "notice": notice,
            "history": audit.history(conn, "booth", booth_id, limit=20),
        }
    return render(request, "registry_booth.html", page, status, signed)


@router.post("/booths/{booth_id}")
def edit_booth(request: Request, signed: Admin, booth_id: str, form: Form):
    guard.check_csrf(request, form, signed.csrf)
    fields = booth_fields(form)
    problems = booth_problems(fields)
    if problems:
        return _booth_page(request, signed, booth_id, fields=fields, problems=problems, status=422)
    with request.app.state.engine.begin() as conn:
        _booth_or_404(conn, booth_id)
        registry.edit_booth(
            conn, booth_id, fields["name"], fields["district"],
            fields["kind"] or registry.UNKNOWN_KIND, by=_actor(signed), **_details(fields),
        )  # fmt: skip
    return _booth_page(request, signed, booth_id, notice=N_("The booth was saved."))


@router.post("/booths/{booth_id}/payments")
def set_payment_ids(request: Request, signed: Admin, booth_id: str, form: Form):
    """The booth's WeChat sub-merchant id (shown) and Alipay app auth token (write-only:
    an empty field keeps the token, the "clear" box removes it)."""
    guard.check_csrf(request, form, signed.csrf)
    sub_mchid = form.get("wechat_sub_mchid", "").strip()
    token = form.get("alipay_app_auth_token", "").strip()
    clear = form.get("clear_alipay") == "1"
    problems: Problems = {}
    if sub_mchid and not SUB_MCHID.fullmatch(sub_mchid):
        problems["wechat_sub_mchid"] = (
            N_("A WeChat sub-merchant id is 8 to 32 digits (WeChat Pay's merchant platform shows it)."),
            {},
        )  # fmt: skip
    if token and not APP_AUTH_TOKEN.fullmatch(token):
        problems["alipay_app_auth_token"] = (
            N_("An Alipay app auth token is 8 to 128 letters, digits and signs, without spaces."),
            {},
        )
    if token and clear:
        problems["alipay_app_auth_token"] = (
            N_("Either type a new token or clear it, not both."),
            {},
        )
    if problems:
        return _booth_page(request, signed, booth_id, payment_problems=problems, status=422)
    with request.app.state.engine.begin() as conn:
        _booth_or_404(conn, booth_id)
        # set_booth records the change in the audit log (whether a token is set, never it).
        booth_payments.set_booth(
            conn, booth_id, _actor(signed), sub_mchid, "" if clear else (token or None)
        )
    return _booth_page(request, signed, booth_id, notice=N_("The payment ids were saved."))


# --- enrolment codes and revoking ----------------------------------------------------------------


@router.post("/booths/{booth_id}/codes")
def issue_code(request: Request, signed: Admin, booth_id: str, form: Form):
    guard.check_csrf(request, form, signed.csrf)
    hours_text = form.get("hours", "").strip()
    replaces = form.get("replaces", "").strip()
    code_form = {"hours": hours_text, "replaces": replaces}
    problems: Problems = {}
    hours = int(hours_text) if hours_text.isascii() and hours_text.isdigit() else 0
    if not 1 <= hours <= MAX_CODE_HOURS:
        problems["hours"] = (
            N_("A code lasts a whole number of hours from 1 to {hours}."),
            {"hours": MAX_CODE_HOURS},
        )
    with request.app.state.engine.begin() as conn:
        _booth_or_404(conn, booth_id)
        if replaces:
            old = booth_records.terminal(conn, replaces)
            if old is None or old["booth_id"] != booth_id:
                problems["replaces"] = (
                    N_("Terminal {terminal} is not enrolled at this booth."),
                    {"terminal": replaces[:64]},
                )
            elif old["revoked_at"] is not None:
                problems["replaces"] = (
                    N_("Terminal {terminal} is revoked and stays revoked: issue a code for a new terminal instead."),
                    {"terminal": replaces},
                )  # fmt: skip
        if not problems:
            now = clock.now()
            code = registry.add_enrol_code(
                conn, booth_id, hours, now, replaces or None, by=_actor(signed)
            )
            found = registry.booth(conn, booth_id)
    if problems:
        return _booth_page(
            request, signed, booth_id, code_problems=problems, code_form=code_form, status=422
        )
    expires = clock.stamp(now + timedelta(hours=hours))
    page = {
        "booth": found,
        "code": code,
        "qr": qr_svg(code),
        "expires_at": expires,
        "hours": hours,
        "replaces": replaces,
        "server_url": _server_url(request),
    }
    return render(request, "enrol_code.html", page, signed=signed)


def _server_url(request: Request) -> str:
    """The address terminals enrol with: this server as the browser reached it."""
    return str(request.base_url).rstrip("/")


def qr_svg(text: str) -> Markup:
    """``text`` as a QR code in inline SVG (no script, no image file: the page's CSP holds).

    Always a full QR code, never a Micro QR (segno's ``make`` picks one for short texts,
    and many 2D scanners at the booths do not read them); error correction M."""
    qr = segno.make_qr(text, error="m", boost_error=False)
    svg = qr.svg_inline(scale=10, border=4, dark="#000", light="#fff", omitsize=True, svgclass="qr")
    return Markup(svg.replace("<svg ", '<svg role="img" aria-label="QR" ', 1))


@router.get("/terminals/{terminal_id}/revoke")
def revoke_page(request: Request, signed: Admin, terminal_id: str):
    with reading(request.app.state.engine) as conn:
        old = _terminal_or_404(conn, terminal_id)
    return _revoke_form(request, signed, old, "", {}, 200)


def _terminal_or_404(conn, terminal_id: str) -> dict:
    old = booth_records.terminal(conn, terminal_id)
    if old is None:
        raise guard.ConsoleRefusal(
            404, N_("There is no terminal {terminal}."), terminal=terminal_id[:64]
        )
    return old


def _revoke_form(request, signed, old, reason, problems, status):
    page = {"terminal": old, "reason": reason, "problems": problems}
    return render(request, "revoke.html", page, status, signed)


@router.post("/terminals/{terminal_id}/revoke")
def revoke(request: Request, signed: Admin, terminal_id: str, form: Form):
    guard.check_csrf(request, form, signed.csrf)
    reason = form.get("reason", "").strip()
    problems: Problems = {}
    if not reason:
        problems["reason"] = (N_("Say why the terminal is revoked (stolen, broken, replaced)."), {})
    elif len(reason) > REASON_LENGTH or CONTROL.search(reason):
        problems["reason"] = (
            N_("At most {limit} characters, on one line."),
            {"limit": REASON_LENGTH},
        )
    if form.get("confirm") != "1":
        problems["confirm"] = (
            N_("Tick the box to confirm: a revoked terminal can never sync again."),
            {},
        )
    with request.app.state.engine.begin() as conn:
        old = _terminal_or_404(conn, terminal_id)
        if old["revoked_at"] is not None:
            problems["confirm"] = (
                N_("Terminal {terminal} was already revoked at {at}."),
                {"terminal": terminal_id, "at": old["revoked_at"]},
            )
        if problems:
            return _revoke_form(request, signed, old, reason, problems, 422)
        registry.revoke_terminal(conn, terminal_id, by=_actor(signed), reason=reason)
    notice = N_("Terminal {terminal} was revoked: its next sync is refused.")
    return _booth_page(request, signed, old["booth_id"], notice=(notice, {"terminal": terminal_id}))
