"""Signing in to the HQ console, on SQLite and PostgreSQL, over real HTTP: sessions, CSRF,
the throttle, sign-out, the password form, roles, cookies and languages."""

from __future__ import annotations

import subprocess
import sys

import pytest
import requests
from sqlalchemy import func, select

from sync.server.console import guard
from sync.server.db import reading
from sync.server.settings import ServerSettings
from sync.server.tables import console_sessions, hq_users
from tests.support.console import PEOPLE, add_people, browser, csrf_of, sign_in
from tests.support.live import bearer, serve_in

PAGES = {
    "/console/": "viewer",
    "/console/reports": "viewer",
    "/console/password": "viewer",
    "/console/booths": "supervisor",
    "/console/booths/B1": "supervisor",
    "/console/closes": "supervisor",
    "/console/users": "admin",
}
ROLES = ("viewer", "supervisor", "admin")
NAME_OF = {role: name for name, (role, _) in PEOPLE.items()}


@pytest.fixture
def hq(server):
    add_people(server.engine)
    from sync.server import registry

    with server.engine.begin() as conn:
        registry.add_booth(conn, "B1", "奉节县扶贫专柜")
    return server


def _sessions(engine) -> int:
    with reading(engine) as conn:
        return conn.execute(select(func.count()).select_from(console_sessions)).scalar()


def _password_hash(engine, name: str) -> str:
    with reading(engine) as conn:
        return conn.execute(
            select(hq_users.c.password_hash).where(hq_users.c.name == name)
        ).scalar()


def _try_sign_in(http, live, name, password):
    form = http.get(f"{live.url}/console/sign-in", timeout=10)
    return http.post(
        f"{live.url}/console/sign-in",
        data={"csrf_token": csrf_of(form.text), "name": name, "password": password},
        allow_redirects=False,
        timeout=10,
    )


# --- signing in ------------------------------------------------------------------------------


def test_the_root_leads_to_the_console_and_a_stranger_to_the_sign_in_page(hq):
    http = browser(hq)
    root = http.get(hq.url + "/", allow_redirects=False, timeout=10)
    assert root.status_code == 307 and root.headers["location"] == "/console/"
    page = http.get(hq.url + "/console/reports?group=county", allow_redirects=False, timeout=10)
    assert page.status_code == 303
    assert page.headers["location"] == "/console/sign-in?next=%2Fconsole%2Freports%3Fgroup%3Dcounty"


def test_signing_in_opens_the_dashboard_and_keeps_the_session_in_a_safe_cookie(hq):
    http = browser(hq)
    answer = _try_sign_in(http, hq, "wangfang", PEOPLE["wangfang"][1])
    assert answer.status_code == 303 and answer.headers["location"] == "/console/"
    cookie = answer.headers["set-cookie"]
    session = [part for part in cookie.split(", ") if guard.SESSION_COOKIE in part]
    assert session, cookie
    flags = session[0].lower()
    assert "httponly" in flags and "samesite=lax" in flags and "path=/" in flags
    assert "secure" not in flags  # plain HTTP: a Secure cookie would never come back
    assert _sessions(hq.engine) == 1
    dashboard = http.get(hq.url + "/console/", timeout=10)
    assert dashboard.status_code == 200 and "Campaign dashboard" in dashboard.text
    assert "wangfang" in dashboard.text
    # Only the token's hash is stored.
    with reading(hq.engine) as conn:
        stored = conn.execute(select(console_sessions.c.token_hash)).scalar()
    assert http.cookies[guard.SESSION_COOKIE] != stored and len(stored) == 64


def test_the_cookie_is_secure_behind_tls(hq):
    http = browser(hq)
    form = http.get(hq.url + "/console/sign-in", timeout=10)
    answer = http.post(
        hq.url + "/console/sign-in",
        data={
            "csrf_token": csrf_of(form.text),
            "name": "wangfang",
            "password": PEOPLE["wangfang"][1],
        },
        headers={"X-Forwarded-Proto": "https"},  # the TLS proxy on 127.0.0.1 says so
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 303
    assert "secure" in answer.headers["set-cookie"].lower()


def test_a_wrong_password_is_refused_with_a_sentence_and_no_session(hq):
    http = browser(hq)
    answer = _try_sign_in(http, hq, "wangfang", "not-the-password")
    assert answer.status_code == 401
    assert "Wrong user name or password" in answer.text
    assert guard.SESSION_COOKIE not in http.cookies and _sessions(hq.engine) == 0
    unknown = _try_sign_in(http, hq, "nobody", "whatever-it-is")
    assert unknown.status_code == 401 and "Wrong user name or password" in unknown.text


def test_a_sign_in_without_its_csrf_token_is_refused_and_signs_nobody_in(hq):
    http = browser(hq)
    http.get(hq.url + "/console/sign-in", timeout=10)
    answer = http.post(
        hq.url + "/console/sign-in",
        data={"name": "wangfang", "password": PEOPLE["wangfang"][1]},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 403
    assert "did not come from this console, so nothing was changed" in answer.text
    assert _sessions(hq.engine) == 0 and guard.SESSION_COOKIE not in http.cookies


def test_sign_in_is_throttled_per_name_and_says_when_to_try_again(hq):
    http = browser(hq)
    limit = ServerSettings().console_failed_signins_per_name
    for _ in range(limit):
        assert _try_sign_in(http, hq, "wangfang", "wrong-guess-here").status_code == 401
    # The right password now is not even checked.
    answer = _try_sign_in(http, hq, "wangfang", PEOPLE["wangfang"][1])
    assert answer.status_code == 429
    wait = int(answer.headers["Retry-After"])
    assert 0 < wait <= ServerSettings().failure_window_s
    assert f"Try again in {wait} s." in answer.text
    assert _sessions(hq.engine) == 0
    # Another name from the same address is still let in (its own count).
    assert _try_sign_in(http, hq, "zhaolei", PEOPLE["zhaolei"][1]).status_code == 303


def test_sign_in_is_throttled_per_address(http_server, engine, db_url):
    settings = ServerSettings(db=db_url, console_failed_signins_per_address=3)
    live = serve_in(http_server, engine, settings)
    add_people(engine)
    http = browser(live)
    for name in ("a1", "a2", "a3"):
        assert _try_sign_in(http, live, name, "wrong-guess-here").status_code == 401
    answer = _try_sign_in(http, live, "liqiang", PEOPLE["liqiang"][1])
    assert answer.status_code == 429 and "Try again in" in answer.text
    assert _sessions(engine) == 0


def test_signing_out_ends_the_session_for_good(hq):
    http = sign_in(hq, "zhaolei")
    token = http.cookies[guard.SESSION_COOKIE]
    page = http.get(hq.url + "/console/booths", timeout=10)
    # Without its CSRF token the sign-out is refused and the session lives on.
    refused = http.post(hq.url + "/console/sign-out", data={}, allow_redirects=False, timeout=10)
    assert refused.status_code == 403 and _sessions(hq.engine) == 1
    out = http.post(
        hq.url + "/console/sign-out",
        data={"csrf_token": csrf_of(page.text)},
        allow_redirects=False,
        timeout=10,
    )
    assert out.status_code == 303 and out.headers["location"] == "/console/sign-in"
    assert _sessions(hq.engine) == 0
    # The old cookie, replayed, opens nothing.
    replay = requests.get(
        hq.url + "/console/booths",
        cookies={guard.SESSION_COOKIE: token},
        allow_redirects=False,
        timeout=10,
    )
    assert replay.status_code == 303 and replay.headers["location"].startswith("/console/sign-in")


# --- the password ----------------------------------------------------------------------------


def test_changing_the_password_explains_each_refusal_beside_its_field(hq):
    http = sign_in(hq, "wangfang")
    other = sign_in(hq, "wangfang")  # the same person on another PC
    old_hash = _password_hash(hq.engine, "wangfang")
    csrf = csrf_of(http.get(hq.url + "/console/password", timeout=10).text)

    def change(current, new, again, token=csrf):
        return http.post(
            hq.url + "/console/password",
            data={"csrf_token": token, "current": current, "new": new, "again": again},
            timeout=10,
        )

    current = PEOPLE["wangfang"][1]
    cases = [
        (
            ("guess-guess-guess", "new-password-1", "new-password-1"),
            "problem-current",
            "This is not your current password.",
        ),
        ((current, "short", "short"), "problem-new", "at least 10 characters"),
        ((current, "wangfang", "wangfang"), "problem-new", "at least 10 characters"),
        (
            (current, "new-password-1", "new-password-2"),
            "problem-again",
            "The two new passwords differ.",
        ),
        ((current, current, current), "problem-new", "same as the current one"),
    ]
    for fields, where, sentence in cases:
        answer = change(*fields)
        assert answer.status_code == 422, fields
        assert f'id="{where}"' in answer.text and sentence in answer.text, fields
        assert _password_hash(hq.engine, "wangfang") == old_hash
    refused = change(current, "new-password-1", "new-password-1", token="")
    assert refused.status_code == 403 and _password_hash(hq.engine, "wangfang") == old_hash

    done = change(current, "new-password-1", "new-password-1")
    assert done.status_code == 200 and "Your password was changed" in done.text
    assert _password_hash(hq.engine, "wangfang") != old_hash
    # This browser stays signed in; the other one is signed out.
    assert http.get(hq.url + "/console/", allow_redirects=False, timeout=10).status_code == 200
    assert other.get(hq.url + "/console/", allow_redirects=False, timeout=10).status_code == 303
    assert _try_sign_in(browser(hq), hq, "wangfang", current).status_code == 401
    assert _try_sign_in(browser(hq), hq, "wangfang", "new-password-1").status_code == 303


def test_passwords_are_hashed_with_scrypt_at_full_cost_outside_the_tests():
    code = (
        "from sync.server.console import passwords as p; h = p.hash_password('correct horse');"
        "print(h); assert p.password_matches('correct horse', h);"
        "assert not p.password_matches('correct horsf', h)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    scheme, n, r, p, salt, digest = out.stdout.strip().split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", 2**14, 8, 1)
    assert len(bytes.fromhex(salt)) == 16 and len(digest) == 64


# --- roles ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_its_pages_and_gets_a_403_page_for_the_others(hq, role):
    http = sign_in(hq, NAME_OF[role])
    for path, needed in PAGES.items():
        answer = http.get(hq.url + path, allow_redirects=False, timeout=10)
        if ROLES.index(role) >= ROLES.index(needed):
            assert answer.status_code == 200, (role, path, answer.text[:300])
        else:
            assert answer.status_code == 403, (role, path)
            assert "Not allowed" in answer.text and f"for the {needed} role" in answer.text
            assert answer.headers["content-type"].startswith("text/html")


def test_a_viewer_cannot_disable_anyone_and_an_admin_needs_the_csrf_token(hq):
    viewer = sign_in(hq, "wangfang")
    csrf = csrf_of(viewer.get(hq.url + "/console/password", timeout=10).text)
    refused = viewer.post(
        hq.url + "/console/users/zhaolei/disable", headers={"X-CSRF-Token": csrf}, timeout=10
    )
    assert refused.status_code == 403
    admin = sign_in(hq, "liqiang")
    page = admin.get(hq.url + "/console/users", timeout=10)
    no_token = admin.post(
        hq.url + "/console/users/zhaolei/disable", headers={"HX-Request": "true"}, timeout=10
    )
    assert no_token.status_code == 403
    wrong = admin.post(
        hq.url + "/console/users/zhaolei/disable",
        headers={"HX-Request": "true", "X-CSRF-Token": csrf},  # another session's token
        timeout=10,
    )
    assert wrong.status_code == 403
    supervisor = sign_in(hq, "zhaolei")
    assert supervisor.get(hq.url + "/console/booths", timeout=10).status_code == 200
    # htmx sends the page's token in its header (hx-headers on <body>).
    done = admin.post(
        hq.url + "/console/users/zhaolei/disable",
        headers={"HX-Request": "true", "X-CSRF-Token": csrf_of(page.text)},
        timeout=10,
    )
    assert done.status_code == 200 and 'id="users-table"' in done.text
    assert "<html" not in done.text  # the partial htmx swaps in
    gone = supervisor.get(hq.url + "/console/booths", allow_redirects=False, timeout=10)
    assert gone.status_code == 303  # disabling ended their session
    assert _try_sign_in(browser(hq), hq, "zhaolei", PEOPLE["zhaolei"][1]).status_code == 401


# --- the API ---------------------------------------------------------------------------------


def test_admin_tokens_still_work_and_a_console_session_only_reads_reports(hq, admin_token):
    query = "/api/v1/reports/sales?from=2026-11-01&to=2026-11-30"
    assert requests.get(hq.url + query, headers=bearer(admin_token), timeout=10).status_code == 200
    assert requests.get(hq.url + query, timeout=10).status_code == 401
    viewer = sign_in(hq, "wangfang")
    assert viewer.get(hq.url + query, timeout=10).status_code == 200
    assert viewer.get(hq.url + "/api/v1/reports/booths", timeout=10).status_code == 401
    assert viewer.get(hq.url + "/api/v1/quarantine", timeout=10).status_code == 401
    supervisor = sign_in(hq, "zhaolei")
    assert supervisor.get(hq.url + "/api/v1/reports/booths", timeout=10).status_code == 200
    # A cookie never changes anything through the API (no CSRF token there).
    admin = sign_in(hq, "liqiang")
    posted = admin.post(hq.url + "/api/v1/catalog/import", data=b"x", timeout=10)
    assert posted.status_code == 401


# --- languages --------------------------------------------------------------------------------


def test_chinese_first_then_accept_language_then_the_cookie(hq):
    plain = requests.get(hq.url + "/console/sign-in", timeout=10)
    assert '<html lang="zh-CN">' in plain.text and "登录" in plain.text
    english = requests.get(
        hq.url + "/console/sign-in", headers={"Accept-Language": "en-US,en;q=0.9"}, timeout=10
    )
    assert '<html lang="en">' in english.text and "Sign in" in english.text
    http = requests.Session()
    switch = http.get(
        hq.url + "/console/language?lang=zh_CN&next=/console/sign-in",
        headers={"Accept-Language": "en"},
        allow_redirects=False,
        timeout=10,
    )
    assert switch.status_code == 303 and switch.headers["location"] == "/console/sign-in"
    chosen = http.get(hq.url + "/console/sign-in", headers={"Accept-Language": "en"}, timeout=10)
    assert '<html lang="zh-CN">' in chosen.text
    # The switch only ever leads back into the console.
    away = http.get(
        hq.url + "/console/language?lang=en&next=https://evil.example/",
        allow_redirects=False,
        timeout=10,
    )
    assert away.headers["location"] == "/console/"


def test_a_403_page_speaks_chinese_with_the_role_translated(hq):
    http = sign_in(hq, "wangfang", language="zh_CN")
    answer = http.get(hq.url + "/console/users", timeout=10)
    assert answer.status_code == 403
    assert "此页面仅限管理员及以上角色" in answer.text and "查看者" in answer.text
