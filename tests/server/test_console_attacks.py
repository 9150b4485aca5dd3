"""The console attacked, on SQLite and PostgreSQL: forms without their CSRF token, a viewer
reaching for a supervisor's pages and files, dates the wrong way round, ten-year ranges,
page numbers, limits and offsets past 64 bits or negative, booth ids carrying SQL or HTML.
Each gets a clear sentence and a 4xx (never a 500), and nothing changes."""

from __future__ import annotations

import pytest
import requests
from sqlalchemy import func, select

from sync.server.db import reading
from sync.server.tables import booths, console_sessions, hq_users
from tests.support.console import BOOTH, PEOPLE, add_people, csrf_of, sell_and_sync, sign_in
from tests.support.live import bearer

HOSTILE_BOOTHS = [
    "B1'; DROP TABLE booths;--",
    "<script>alert(1)</script>",
    'B1" onmouseover="alert(1)',
    "%00",
    "x" * 5000,
]


@pytest.fixture
def hq(server, terminal):
    add_people(server.engine)
    sell_and_sync(terminal, server)
    return server


def _state(engine) -> dict:
    """What an attack must leave as it was."""
    with reading(engine) as conn:
        return {
            "booths": conn.execute(select(booths.c.id, booths.c.name).order_by(booths.c.id)).all(),
            "users": conn.execute(
                select(hq_users.c.name, hq_users.c.password_hash, hq_users.c.disabled_at).order_by(
                    hq_users.c.name
                )
            ).all(),  # fmt: skip
            "sessions": conn.execute(select(func.count()).select_from(console_sessions)).scalar(),
        }


def test_forms_posted_without_their_csrf_token_change_nothing(hq):
    before = _state(hq.engine)
    admin = sign_in(hq, "liqiang")
    after_sign_in = _state(hq.engine)
    forms = {
        "/console/password": {
            "current": PEOPLE["liqiang"][1],
            "new": "a-brand-new-password",
            "again": "a-brand-new-password",
        },
        "/console/users/wangfang/disable": {},
        "/console/sign-out": {},
    }
    for path, fields in forms.items():
        for token in (None, "", "0" * 64):
            data = fields if token is None else {**fields, "csrf_token": token}
            answer = admin.post(hq.url + path, data=data, allow_redirects=False, timeout=10)
            assert answer.status_code == 403, (path, token, answer.status_code)
            assert "nothing was changed" in answer.text
    assert _state(hq.engine) == after_sign_in
    assert after_sign_in["sessions"] == before["sessions"] + 1
    assert admin.get(hq.url + "/console/users", timeout=10).status_code == 200  # still signed in


def test_a_viewer_gets_no_supervisor_page_nor_file(hq):
    viewer = sign_in(hq, "wangfang")
    for path in (
        "/console/booths",
        f"/console/booths/{BOOTH}",
        "/console/closes",
        "/console/users",
    ):
        answer = viewer.get(hq.url + path, allow_redirects=False, timeout=10)
        assert answer.status_code == 403, path
        assert "Ask IT for a higher role" in answer.text
    for path in (
        "/api/v1/reports/closes.csv?from=2026-11-01&to=2026-11-07",
        "/api/v1/reports/closes.xlsx?from=2026-11-01&to=2026-11-07",
        "/api/v1/reports/booths",
        "/api/v1/reports/stock?booth=B1",
    ):
        answer = viewer.get(hq.url + path, timeout=10)
        assert answer.status_code == 401, path
    # ... while a supervisor downloads the closes, and the viewer the sales report's files.
    supervisor = sign_in(hq, "zhaolei")
    closes = "/api/v1/reports/closes.csv?from=2026-11-01&to=2026-11-07"
    assert supervisor.get(hq.url + closes, timeout=10).status_code == 200
    sales = "/api/v1/reports/sales.xlsx?from=2026-11-01&to=2026-11-07"
    assert viewer.get(hq.url + sales, timeout=10).status_code == 200


@pytest.mark.parametrize(
    ("path", "sentence"),
    [
        ("/console/reports?from=2026-11-30&to=2026-11-01", "swap them"),
        ("/console/closes?from=2026-11-30&to=2026-11-01", "swap them"),
        ("/console/reports?from=2016-01-01&to=2026-01-01", "at most 1096 days"),
        (f"/console/closes?from=2016-01-01&to=2026-01-01&booth={BOOTH}", "at most 1096 days"),
        ("/console/closes?from=2026-01-01&to=2026-03-01", "pick a booth"),
        ("/console/reports?from=2026-02-30", "YYYY-MM-DD"),
        ("/console/reports?to=99999-01-01", "YYYY-MM-DD"),
        ("/console/reports?page=-1", "whole number from 1"),
        ("/console/reports?page=0", "whole number from 1"),
        ("/console/reports?page=1e3", "whole number from 1"),
        ("/console/closes?page=-18446744073709551617", "whole number from 1"),
        ("/console/reports?group=tender&county=奉节县", "payments are per sale"),
        ("/console/reports?county=%01bad", "without control characters"),
        ("/console/reports?supplier=" + "S" * 65, "at most 64 characters"),
    ],
)
def test_bad_ranges_pages_and_filters_get_a_sentence_and_a_4xx(hq, path, sentence):
    before = _state(hq.engine)
    http = sign_in(hq, "zhaolei")
    answer = http.get(hq.url + path, timeout=10)
    assert answer.status_code == 422, (path, answer.status_code)
    assert sentence in answer.text
    assert 'role="alert"' in answer.text  # shown as a problem, the form still there
    assert 'id="report-table"' not in answer.text and 'id="closes-table"' not in answer.text
    assert _state(hq.engine)["booths"] == before["booths"]


def test_a_page_past_the_last_or_past_64_bits_shows_the_last_page(hq):
    http = sign_in(hq, "wangfang")
    for page in ("2", str(2**64), "9" * 40):
        answer = http.get(hq.url + f"/console/reports?group=product&page={page}", timeout=10)
        assert answer.status_code == 200, page
        assert 'id="report-table"' in answer.text


@pytest.mark.parametrize(
    "query",
    [
        "limit=18446744073709551616",
        "limit=-1",
        "limit=0",
        "offset=-1",
        "offset=18446744073709551616",
        "offset=99999999999999999999999999999999",
    ],
)
def test_the_api_refuses_limits_and_offsets_out_of_range(hq, admin_token, query):
    for path in (
        "/reports/sales?from=2026-11-01&to=2026-11-30",
        "/reports/closes?from=2026-11-01&to=2026-11-07",
    ):
        answer = requests.get(hq.api(f"{path}&{query}"), headers=bearer(admin_token), timeout=10)
        assert answer.status_code == 422, (path, query, answer.text)
        assert answer.json()["detail"]


def test_the_api_refuses_reversed_and_ten_year_ranges_for_json_and_files(hq, admin_token):
    for path in ("/reports/sales", "/reports/sales.csv", "/reports/sales.xlsx"):
        for first, last, sentence in (
            ("2026-11-30", "2026-11-01", "swap them"),
            ("2016-01-01", "2026-01-01", "narrow the range"),
        ):
            answer = requests.get(
                hq.api(f"{path}?from={first}&to={last}"), headers=bearer(admin_token), timeout=10
            )
            assert answer.status_code == 422, (path, first)
            assert sentence in answer.json()["detail"]


@pytest.mark.parametrize("booth_id", HOSTILE_BOOTHS)
def test_a_booth_id_with_sql_or_html_is_refused_and_shown_escaped(hq, admin_token, booth_id):
    http = sign_in(hq, "zhaolei")
    before = _state(hq.engine)
    booth_page = http.get(hq.url + "/console/booths/" + requests.utils.quote(booth_id, safe=""))
    assert booth_page.status_code == 404
    report = http.get(hq.url + "/console/reports", params={"booth": booth_id}, timeout=10)
    assert report.status_code == 422 and "There is no booth" in report.text
    closes = http.get(hq.url + "/console/closes", params={"booth": booth_id}, timeout=10)
    assert closes.status_code == 422 and "There is no booth" in closes.text
    search = http.get(hq.url + "/console/booths", params={"q": booth_id}, timeout=10)
    assert search.status_code == 200 and "No terminal matches." in search.text
    for page in (booth_page, report, closes, search):
        assert "<script>alert(1)" not in page.text
        assert 'onmouseover="alert' not in page.text
        assert len(page.text) < 20_000 + len(booth_id) * 3  # echoed at most a few times
    api = requests.get(
        hq.api("/reports/sales"),
        params={"from": "2026-11-01", "to": "2026-11-30", "booth": booth_id},
        headers=bearer(admin_token),
        timeout=10,
    )
    assert api.status_code == 422
    assert _state(hq.engine) == before
    if "<script>" in booth_id:  # shown, as text
        assert "There is no booth &lt;script&gt;alert(1)&lt;/script&gt;." in report.text


def test_the_csrf_token_of_one_session_is_useless_to_another(hq):
    viewer = sign_in(hq, "wangfang")
    stolen = csrf_of(viewer.get(hq.url + "/console/password", timeout=10).text)
    admin = sign_in(hq, "liqiang")
    before = _state(hq.engine)
    answer = admin.post(
        hq.url + "/console/users/zhaolei/disable", data={"csrf_token": stolen}, timeout=10
    )
    assert answer.status_code == 403
    assert _state(hq.engine) == before
