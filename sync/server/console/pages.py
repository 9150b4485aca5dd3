"""The console's pages under /console/: sign-in and sign-out, the dashboard, booth health,
a booth, reports, closes, the password form and (for IT) the users."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import get_args
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from sync.server import audit, clock, registry
from sync.server.console import (
    booth_pages,
    guard,
    i18n,
    passwords,
    stock_pages,
    user_pages,
    users,
    views,
)
from sync.server.console.guard import Form, Signed, Supervisor, Viewer
from sync.server.console.i18n import N_
from sync.server.console.render import SECURITY_HEADERS, render
from sync.server.db import reading
from sync.server.errors import ApiError
from sync.server.rate_limits import client_address
from sync.server.routes import reports as report_routes

STATIC = Path(__file__).resolve().parent / "static"
router = APIRouter(prefix="/console", include_in_schema=False)
YEAR_S = 365 * 24 * 3600
#: Words the pages show from data (roles, report groupings, tenders, kinds of booth,
#: printer states), for the catalogs.
SHOWN_WORDS = (
    N_("viewer"), N_("supervisor"), N_("admin"),
    N_("day"), N_("booth"), N_("supplier"), N_("county"), N_("product"), N_("tender"),
    N_("cash"), N_("wechat"), N_("alipay"), N_("card"), N_("voucher"),
    N_("street_booth"), N_("store_section"), N_("shopping_centre"),
    N_("printer_ok"), N_("printer_paper_out"), N_("printer_offline"), N_("printer_none"),
)  # fmt: skip


def install(app: FastAPI) -> None:
    """Serve the console from ``app``: its pages, its files, and ``/`` leading to it."""
    from sync.server.console import catalog_pages

    app.include_router(router)
    app.include_router(stock_pages.router)
    app.include_router(catalog_pages.router)
    app.include_router(booth_pages.router)
    app.include_router(user_pages.router)
    app.mount("/console/static", StaticFiles(directory=STATIC), name="console-static")

    @app.get("/", include_in_schema=False)
    def _home():
        return RedirectResponse("/console/", status_code=307)

    @app.exception_handler(guard.ConsoleRefusal)
    async def _refused(request: Request, exc: guard.ConsoleRefusal):
        signed = guard.current_session(request) if exc.status != 413 else None
        page = {"status": exc.status, "message": exc.message, "params": exc.params}
        return render(request, "error.html", page, exc.status, signed, exc.headers)

    @app.exception_handler(guard.SignInNeeded)
    async def _sign_in(request: Request, exc: guard.SignInNeeded):
        target = guard.sign_in_url(exc.next_path)
        if request.headers.get("HX-Request"):
            return Response(status_code=200, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def _actor(signed: Signed) -> str:
    """Who a console user is in the audit log."""
    return f"user:{signed.user.name}"


def _engine(request: Request):
    return request.app.state.engine


def _settings(request: Request):
    return request.app.state.settings


def _day(text: str | None, fallback: date) -> tuple[date, bool]:
    """A YYYY-MM-DD date from a filter, or the fallback and False when it is not one."""
    if not text:
        return fallback, True
    try:
        return date.fromisoformat(text), True
    except ValueError:
        return fallback, False


def _int(text: str | None, fallback: int) -> int:
    try:
        return int(text) if text else fallback
    except ValueError:
        return fallback


# --- signing in and out ----------------------------------------------------------------------


@router.get("", include_in_schema=False)
def console_root():
    return _redirect("/console/")


@router.get("/sign-in")
def sign_in_page(request: Request, next: str = "/console/"):
    if guard.current_session(request) is not None:
        return _redirect(guard.safe_next(next))
    return _sign_in_form(request, next, "", None, 200)


def _sign_in_form(request: Request, next_path: str, name: str, problem, status: int):
    token = guard.new_signin_token()
    page = {
        "next": guard.safe_next(next_path),
        "name": name,
        "problem": problem,
        "signin_csrf": token,
    }
    response = render(request, "sign_in.html", page, status)
    guard.set_cookie(response, request, guard.SIGNIN_COOKIE, token, 3600)
    return response


@router.post("/sign-in")
def sign_in(request: Request, form: Form):
    guard.check_csrf(request, form, request.cookies.get(guard.SIGNIN_COOKIE))
    name = form.get("name", "").strip()[:64]
    password = form.get("password", "")
    next_path = form.get("next", "/console/")
    wait = guard.signin_wait(request, name)
    if wait is not None:
        problem = (
            N_("Too many wrong passwords: nothing was checked. Try again in {seconds} s."),
            {"seconds": wait},
        )
        return _with_retry(_sign_in_form(request, next_path, name, problem, 429), wait)
    with _engine(request).begin() as conn:
        user = users.authenticate(conn, name, password)
        token = (
            users.start_session(conn, user, _settings(request).console_session_hours)
            if user
            else None
        )
        if user is not None:
            audit.record(
                conn, f"user:{user.name}", "signed_in", "user", user.name, None,
                {"address": client_address(request)},
            )  # fmt: skip
    if user is None:
        guard.count_failed_signin(request, name)
        problem = (N_("Wrong user name or password, or the user is disabled."), {})
        return _sign_in_form(request, next_path, name, problem, 401)
    response = _redirect(guard.safe_next(next_path))
    max_age = int(_settings(request).console_session_hours * 3600)
    guard.set_cookie(response, request, guard.SESSION_COOKIE, token, max_age)
    response.delete_cookie(guard.SIGNIN_COOKIE, path="/")
    return response


def _with_retry(response: Response, wait: int) -> Response:
    response.headers["Retry-After"] = str(wait)
    return response


@router.post("/sign-out")
def sign_out(request: Request, form: Form):
    signed = guard.signed_in(request)
    guard.check_csrf(request, form, signed.csrf)
    with _engine(request).begin() as conn:
        users.end_session(conn, signed.token)
        audit.record(conn, _actor(signed), "signed_out", "user", signed.user.name)
    response = _redirect("/console/sign-in")
    response.delete_cookie(guard.SESSION_COOKIE, path="/")
    return response


@router.get("/language")
def switch_language(request: Request, lang: str = "", next: str = "/console/"):
    response = _redirect(guard.safe_next(next))
    if lang in i18n.LANGUAGES:
        response.set_cookie(
            i18n.LANGUAGE_COOKIE, lang, max_age=YEAR_S, path="/", samesite="lax",
            secure=guard.cookie_secure(request),
        )  # fmt: skip
    return response


@router.get("/password")
def password_page(request: Request, signed: Viewer):
    return render(request, "password.html", {"problems": {}, "done": False}, signed=signed)


@router.post("/password")
def change_password(request: Request, signed: Viewer, form: Form):
    guard.check_csrf(request, form, signed.csrf)
    current, new, again = (form.get(k, "") for k in ("current", "new", "again"))
    problems: dict[str, str] = {}
    with _engine(request).begin() as conn:
        if users.authenticate(conn, signed.user.name, current) is None:
            problems["current"] = N_("This is not your current password.")
        elif weakness := passwords.weakness(new, signed.user.name):
            problems["new"] = weakness
        elif new == current:
            problems["new"] = N_("The new password is the same as the current one.")
        elif again != new:
            problems["again"] = N_("The two new passwords differ.")
        else:
            users.change_password(
                conn, signed.user.name, new, keep_token=signed.token, by=_actor(signed)
            )
    status = 422 if problems else 200
    page = {"problems": problems, "done": not problems}
    return render(request, "password.html", page, status, signed)


# --- the pages -----------------------------------------------------------------------------------


@router.get("/")
def dashboard(request: Request, signed: Viewer):
    settings = _settings(request)
    with reading(_engine(request)) as conn:
        figures = views.dashboard(conn, clock.now(), settings.zone, settings.stale_after_s)
    return render(request, "dashboard.html", {"d": figures}, signed=signed)


@router.get("/booths")
def booths(
    request: Request, signed: Supervisor, q: str = "", state: str = "all", sort: str = "booth"
):
    settings = _settings(request)
    state = state if state in views.HEALTH_STATES else "all"
    sort = sort if sort in views.HEALTH_SORTS else "booth"
    q = q[:64]
    with reading(_engine(request)) as conn:
        rows = views.booth_health(conn, clock.now(), settings.stale_after_s, q, state, sort)
    page = {
        "rows": rows,
        "q": q,
        "state": state,
        "sort": sort,
        "stale_after_s": settings.stale_after_s,
    }
    template = "_booth_rows.html" if request.headers.get("HX-Request") else "booths.html"
    return render(request, template, page, signed=signed)


@router.get("/booths/{booth_id}")
def booth(request: Request, signed: Supervisor, booth_id: str):
    settings = _settings(request)
    with reading(_engine(request)) as conn:
        try:
            found = registry.booth(conn, booth_id)
        except ApiError:
            raise guard.ConsoleRefusal(
                404, N_("There is no booth {booth}."), booth=booth_id[:64]
            ) from None
        figures = views.booth_page(conn, found, clock.now(), settings.zone, settings.stale_after_s)
    return render(request, "booth.html", figures, signed=signed)


#: The report filters a page takes (besides the booth) and the API's rule for each.
LINE_FILTERS = {
    "county": report_routes.TEXT_FILTER,
    "supplier": report_routes.PRODUCT_ID,
    "product": report_routes.PRODUCT_ID,
}


def _range(request: Request, first: date, last: date, max_days: int, too_long: str):
    """The from/to of a page's address (or the defaults), and a problem with them if any."""
    params = request.query_params
    first, ok_first = _day(params.get("from"), first)
    last, ok_last = _day(params.get("to"), last)
    if not (ok_first and ok_last):
        return first, last, (N_("A date is written YYYY-MM-DD, e.g. 2026-11-28."), {})
    if first > last:
        return first, last, (N_("The first day is after the last day: swap them."), {})
    if (last - first).days + 1 > max_days:
        return first, last, (too_long, {"days": max_days})
    return first, last, None


def _page_number(text: str) -> tuple[int, tuple | None]:
    """A page number from the address: 1 when absent, at most MAX_PAGE (past the last
    page the last one is shown); anything but a whole number from 1 is a problem."""
    if not text:
        return 1, None
    if not (text.isascii() and text.isdigit()) or int(text[:9]) == 0:
        return 1, (N_("A page number is a whole number from 1 on, like 2."), {})
    return (min(int(text), views.MAX_PAGE) if len(text) <= 9 else views.MAX_PAGE), None


def _booth_problem(booth_id: str, booths_known: dict) -> tuple | None:
    if booth_id and booth_id not in booths_known:
        return (N_("There is no booth {booth}."), {"booth": booth_id[:64]})
    return None


@router.get("/reports")
def sales_reports(
    request: Request,
    signed: Viewer,
    group: str = "day",
    booth: str = "",
    county: str = "",
    supplier: str = "",
    product: str = "",
    page: str = "1",
):
    settings = _settings(request)
    today = views.business_day(clock.now(), settings.zone)
    group = group if group in views.REPORT_GROUPS else "day"
    too_long = N_("A report covers at most {days} days: narrow the range.")
    first, last, problem = _range(
        request, today.replace(day=1), today, report_routes.MAX_DAYS, too_long
    )
    number, page_problem = _page_number(page)
    problem = problem or page_problem
    booth_id = booth.strip()
    texts = {"county": county.strip(), "supplier": supplier.strip(), "product": product.strip()}
    for name, value in texts.items():
        if value and not re.fullmatch(LINE_FILTERS[name], value):
            problem = problem or (
                N_("A {what} filter is at most 64 characters, without control characters."),
                {"what": name},
            )
    if group == "tender" and any(texts.values()):
        problem = problem or (
            N_(
                "Sales by tender cannot be limited to a county, supplier or product: payments are per sale, not per line."
            ),
            {},
        )
    report, where = None, None
    with reading(_engine(request)) as conn:
        booths_known = _booth_choices(conn)
        problem = problem or _booth_problem(booth_id, booths_known)
        if problem is None:
            filters = {"booth_id": booth_id or None, **{k: v or None for k, v in texts.items()}}
            report, where = views.sales_report(conn, group, first, last, filters, number)
    api_query = {
        "group_by": group,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "booth": booth_id,
        **texts,
    }
    page_query = {**api_query, "group": group}
    del page_query["group_by"]
    page_ctx = {
        "groups": views.REPORT_GROUPS,
        "group": group,
        "first": first.isoformat(),
        "last": last.isoformat(),
        "booth": booth_id,
        "filters": texts,
        "booths": booths_known,
        "report": report,
        "where": where,
        "problem": problem,
        "downloads": _downloads("sales", api_query) if report else [],
        "query": _query(page_query),
        "drill": _query({k: v for k, v in page_query.items() if k != "group"}),
        "target": "#report",
        "chart": views.chart_series(report["rows"], "key") if report and group == "day" else None,
    }
    template = "_report_table.html" if request.headers.get("HX-Request") else "reports.html"
    return render(request, template, page_ctx, 422 if problem else 200, signed)


def _downloads(report: str, query: dict) -> list[tuple[str, str]]:
    """The whole report as files, from the API's export endpoints (never the page shown)."""
    kinds = get_args(report_routes.FileKind)
    return [(kind, f"/api/v1/reports/{report}.{kind}?" + _query(query)) for kind in kinds]


def _booth_choices(conn) -> dict[str, str]:
    return {row["id"]: row["name"] for row in registry.all_booths(conn)}


def _query(params: dict) -> str:
    return urlencode({k: v for k, v in params.items() if v not in ("", None)})


@router.get("/closes")
def closes(request: Request, signed: Supervisor, booth: str = "", page: str = "1"):
    settings = _settings(request)
    today = views.business_day(clock.now(), settings.zone)
    booth_id = booth.strip()
    limit = report_routes.MAX_DAYS if booth_id else report_routes.MAX_CLOSE_DAYS_ALL_BOOTHS
    too_long = (
        N_("A list of closes covers at most {days} days: narrow the range.")
        if booth_id
        else N_(
            "Closes of every booth cover at most {days} days: narrow the range or pick a booth."
        )
    )
    first, last, problem = _range(request, today - timedelta(days=6), today, limit, too_long)
    number, page_problem = _page_number(page)
    problem = problem or page_problem
    report, where = None, None
    with reading(_engine(request)) as conn:
        booths_known = _booth_choices(conn)
        problem = problem or _booth_problem(booth_id, booths_known)
        if problem is None:
            report, where = views.closes_report(conn, first, last, booth_id or None, number)
    query = {"from": first.isoformat(), "to": last.isoformat(), "booth": booth_id}
    page_ctx = {
        "first": first.isoformat(),
        "last": last.isoformat(),
        "booth": booth_id,
        "booths": booths_known,
        "report": report,
        "where": where,
        "problem": problem,
        "downloads": _downloads("closes", query) if report else [],
        "query": _query(query),
    }
    return render(request, "closes.html", page_ctx, 422 if problem else 200, signed)


__all__ = ["SECURITY_HEADERS", "Signed", "install", "router"]
