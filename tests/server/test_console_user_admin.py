"""IT's users page on SQLite and PostgreSQL: adding users with a typed or a one-time
password, changing roles, resetting passwords, disabling; the last admin always stays; bad
input refused beside its field with nothing changed; each change in the audit log."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from sqlalchemy import func, select

from sync.server import audit
from sync.server.console import users
from sync.server.db import reading
from sync.server.tables import audit_log, console_sessions, hq_users
from tests.support.console import PEOPLE, add_people, browser, csrf_of, sign_in

USERS = "/console/users"


@pytest.fixture
def hq(server):
    add_people(server.engine)
    return server


def _state(engine) -> dict:
    with reading(engine) as conn:
        return {
            "users": [
                dict(r) for r in conn.execute(select(hq_users).order_by(hq_users.c.name)).mappings()
            ],
            "sessions": conn.execute(select(func.count()).select_from(console_sessions)).scalar(),
            # Signing in and out is logged too; nothing else may be.
            "audit": conn.execute(
                select(func.count())
                .select_from(audit_log)
                .where(audit_log.c.action.not_in(("signed_in", "signed_out")))
            ).scalar(),
        }


def _post(http, live, path: str, data: dict):
    token = csrf_of(http.get(live.url + USERS, timeout=10).text)
    return http.post(live.url + path, data={"csrf_token": token, **data}, timeout=10)


def _problem(text: str, field: str) -> str:
    found = re.search(rf'id="problem-{field}"[^>]*>([^<]+)<', text)
    assert found, f"no problem shown beside {field}"
    return htmllib.unescape(found.group(1))


def _shown_password(text: str) -> str:
    found = re.search(r'id="one-time-password">.*?<p class="code">([^<]+)</p>', text, re.S)
    assert found, "no one-time password shown"
    return htmllib.unescape(found.group(1))


def _last_audit(engine, action: str) -> dict:
    with reading(engine) as conn:
        rows = audit.entries(conn, action=action, limit=1)["rows"]
    assert rows, f"no audit row {action}"
    return rows[0]


def _signs_in(live, name: str, password: str) -> bool:
    http = browser(live)
    form = http.get(f"{live.url}/console/sign-in", timeout=10)
    answer = http.post(
        f"{live.url}/console/sign-in",
        data={"csrf_token": csrf_of(form.text), "name": name, "password": password},
        allow_redirects=False,
        timeout=10,
    )
    return answer.status_code == 303


def test_only_an_admin_manages_users_and_every_change_needs_its_csrf_token(hq):
    before = _state(hq.engine)
    posts = {
        USERS: {"name": "sunmei", "role": "viewer", "mode": "one_time"},
        USERS + "/wangfang/role": {"role": "admin"},
        USERS + "/wangfang/password": {},
        USERS + "/wangfang/disable": {},
    }
    for name in ("wangfang", "zhaolei"):
        http = sign_in(hq, name)
        csrf = csrf_of(http.get(hq.url + "/console/password", timeout=10).text)
        assert http.get(hq.url + USERS, timeout=10).status_code == 403
        for path, data in posts.items():
            answer = http.post(hq.url + path, data={"csrf_token": csrf, **data}, timeout=10)
            assert answer.status_code == 403 and "for the admin role" in answer.text, path
    admin = sign_in(hq, "liqiang")
    for path, data in posts.items():
        answer = admin.post(hq.url + path, data=data, timeout=10)
        assert answer.status_code == 403 and "nothing was changed" in answer.text, path
    after = _state(hq.engine)
    assert after["users"] == before["users"] and after["audit"] == before["audit"]


def test_a_one_time_password_is_shown_once_and_signs_the_new_user_in(hq):
    admin = sign_in(hq, "liqiang")
    answer = _post(admin, hq, USERS, {"name": "sunmei", "role": "supervisor", "mode": "one_time"})
    assert answer.status_code == 200 and "User sunmei was added as supervisor." in answer.text
    password = _shown_password(answer.text)
    assert len(password) == 16
    assert password not in admin.get(hq.url + USERS, timeout=10).text  # shown this once only
    assert _signs_in(hq, "sunmei", password)
    logged = _last_audit(hq.engine, "user_added")
    assert logged["actor"] == "user:liqiang" and logged["after"]["role"] == "supervisor"
    assert password not in str(logged)


def test_a_typed_password_is_not_shown_and_must_meet_the_rules(hq):
    admin = sign_in(hq, "liqiang")
    good = {"name": "sunmei", "role": "viewer", "mode": "typed"}
    before = _state(hq.engine)
    for data, field, reason in (
        (
            {"password": "short", "again": "short"},
            "password",
            "A password needs at least 10 characters.",
        ),
        ({"password": "sunmei", "again": "sunmei"}, "password", "A password needs at least 10"),
        (
            {"password": "aaaaaaaaaaaa", "again": "aaaaaaaaaaaa"},
            "password",
            "A password needs more than three",
        ),
        (
            {"password": "sunmei-pass-1", "again": "sunmei-pass-2"},
            "again",
            "The two passwords differ.",
        ),
        (
            {"name": "sun mei", "password": "sunmei-pass-1", "again": "sunmei-pass-1"},
            "name",
            "A user name is 1 to 32",
        ),
        (
            {"name": "wangfang", "password": "sunmei-pass-1", "again": "sunmei-pass-1"},
            "name",
            "There is already a user wangfang.",
        ),
        (
            {"role": "root", "password": "sunmei-pass-1", "again": "sunmei-pass-1"},
            "role",
            "Pick one of the roles",
        ),
        ({"mode": "guess", "password": "x", "again": "x"}, "mode", "Pick how the first password"),
    ):
        bad = _post(admin, hq, USERS, {**good, **data})
        assert bad.status_code == 422, data
        assert _problem(bad.text, field).startswith(reason), data
        assert "Nothing was saved" in bad.text
    assert _state(hq.engine) == before
    done = _post(admin, hq, USERS, {**good, "password": "sunmei-pass-1", "again": "sunmei-pass-1"})
    assert done.status_code == 200 and 'id="one-time-password"' not in done.text
    assert _signs_in(hq, "sunmei", "sunmei-pass-1")


def test_changing_a_role_takes_effect_on_the_next_page(hq):
    viewer = sign_in(hq, "wangfang")
    assert viewer.get(hq.url + "/console/closes", timeout=10).status_code == 403
    admin = sign_in(hq, "liqiang")
    answer = _post(admin, hq, USERS + "/wangfang/role", {"role": "supervisor"})
    assert answer.status_code == 200 and "User wangfang is now supervisor." in answer.text
    assert viewer.get(hq.url + "/console/closes", timeout=10).status_code == 200
    logged = _last_audit(hq.engine, "user_role_changed")
    assert (logged["before"], logged["after"]) == ({"role": "viewer"}, {"role": "supervisor"})
    before = _state(hq.engine)
    bad = _post(admin, hq, USERS + "/wangfang/role", {"role": "owner"})
    assert (
        bad.status_code == 409 and _problem(bad.text, "row") == "Pick one of the roles in the list."
    )
    assert _state(hq.engine) == before


def test_the_last_admin_can_be_neither_disabled_nor_demoted(hq):
    admin = sign_in(hq, "liqiang")
    before = _state(hq.engine)
    own = _post(admin, hq, USERS + "/liqiang/role", {"role": "viewer"})
    assert own.status_code == 409 and "lower your own role" in _problem(own.text, "row")
    own = _post(admin, hq, USERS + "/liqiang/disable", {})
    assert own.status_code == 409 and "cannot disable yourself" in _problem(own.text, "row")
    assert _state(hq.engine) == before
    # With a second admin, one may demote the other; then the one left is the last admin,
    # whom nothing may disable or demote (the CLI's functions included).
    assert _post(admin, hq, USERS + "/zhaolei/role", {"role": "admin"}).status_code == 200
    other = sign_in(hq, "zhaolei")
    assert _post(other, hq, USERS + "/liqiang/role", {"role": "viewer"}).status_code == 200
    assert admin.get(hq.url + USERS, timeout=10).status_code == 403  # demoted at once
    lone = _state(hq.engine)
    with hq.engine.begin() as conn:
        with pytest.raises(users.LastAdmin):
            users.keep_an_admin(conn, "zhaolei")
        with pytest.raises(users.LastAdmin):
            users.set_role(conn, "zhaolei", "viewer", by="cli:root")
    assert _state(hq.engine) == lone


def test_resetting_a_password_shows_a_new_one_once_and_ends_their_sessions(hq):
    viewer = sign_in(hq, "wangfang")
    admin = sign_in(hq, "liqiang")
    answer = _post(admin, hq, USERS + "/wangfang/password", {})
    assert answer.status_code == 200 and "their sessions were ended" in answer.text
    password = _shown_password(answer.text)
    assert viewer.get(hq.url + "/console/", allow_redirects=False, timeout=10).status_code == 303
    assert not _signs_in(hq, "wangfang", PEOPLE["wangfang"][1])
    assert _signs_in(hq, "wangfang", password)
    logged = _last_audit(hq.engine, "password_changed")
    assert logged["actor"] == "user:liqiang" and logged["target_id"] == "wangfang"
    own = _post(admin, hq, USERS + "/liqiang/password", {})
    assert own.status_code == 409


def test_disabling_signs_the_user_out_and_is_logged(hq):
    viewer = sign_in(hq, "wangfang")
    admin = sign_in(hq, "liqiang")
    answer = _post(admin, hq, USERS + "/wangfang/disable", {})
    assert answer.status_code == 200 and "User wangfang was disabled" in answer.text
    assert viewer.get(hq.url + "/console/", allow_redirects=False, timeout=10).status_code == 303
    logged = _last_audit(hq.engine, "user_disabled")
    assert logged["actor"] == "user:liqiang" and logged["after"]["disabled_at"]
    unknown = _post(admin, hq, USERS + "/nobody/disable", {})
    assert unknown.status_code == 404
