"""IT's booth pages on SQLite and PostgreSQL: booths added and edited with their details,
payment merchant ids (the Alipay token never shown), enrolment codes shown with a QR code a
scanner reads back, terminals revoked with a reason; bad input refused beside its field with
nothing changed; supervisors look, only admins change; every change in the audit log."""

from __future__ import annotations

import html as htmllib
import re

import pytest
import requests
import zxingcpp
from sqlalchemy import func, select

from sync.server import audit
from sync.server.db import reading
from sync.server.payments import booths as booth_payments
from sync.server.tables import audit_log, booths, enrol_codes, terminals
from sync.server.tables import booth_payments as booth_payments_table
from tests.support.console import add_people, csrf_of, sign_in
from tests.support.live import bearer, enrol

BOOTH_PAGE = "/console/registry/booths/B1"
GOOD_BOOTH = {
    "id": "B-0412",
    "name": "巫山县扶贫产品展销中心",
    "kind": "shopping_centre",
    "district": "巫山县",
    "address": "重庆市巫山县广东东路 88 号一楼",
    "manager_name": "陈静",
    "manager_phone": "138 0000 0412",
}


@pytest.fixture
def hq(server):
    add_people(server.engine)
    from sync.server import registry

    with server.engine.begin() as conn:
        registry.add_booth(conn, "B1", "奉节县扶贫专柜", "奉节县", by="user:test")
    return server


def _state(engine) -> dict:
    """Everything the booth pages may change, to prove a refusal changed nothing."""
    with reading(engine) as conn:
        return {
            "booths": [
                dict(r) for r in conn.execute(select(booths).order_by(booths.c.id)).mappings()
            ],
            "codes": conn.execute(select(func.count()).select_from(enrol_codes)).scalar(),
            "terminals": [
                dict(r) for r in conn.execute(select(terminals).order_by(terminals.c.id)).mappings()
            ],
            "payments": [dict(r) for r in conn.execute(select(booth_payments_table)).mappings()],
            # Signing in and out is logged too; nothing else may be.
            "audit": conn.execute(
                select(func.count())
                .select_from(audit_log)
                .where(audit_log.c.action.not_in(("signed_in", "signed_out")))
            ).scalar(),
        }


def _post(http, live, path: str, data: dict, page: str = BOOTH_PAGE):
    token = csrf_of(http.get(live.url + page, timeout=10).text)
    return http.post(live.url + path, data={"csrf_token": token, **data}, timeout=10)


def _last_audit(engine, action: str) -> dict:
    with reading(engine) as conn:
        rows = audit.entries(conn, action=action, limit=1)["rows"]
    assert rows, f"no audit row {action}"
    return rows[0]


def _problem(text: str, field: str) -> str:
    found = re.search(rf'id="problem-{field}"[^>]*>([^<]+)<', text)
    assert found, f"no problem shown beside {field}"
    return htmllib.unescape(found.group(1))


# --- who may do what -------------------------------------------------------------------------


def test_a_supervisor_sees_booths_and_their_terminals_but_no_form(hq):
    supervisor = sign_in(hq, "zhaolei")
    listing = supervisor.get(hq.url + "/console/registry", timeout=10)
    assert listing.status_code == 200 and 'data-key="B1"' in listing.text
    assert "/console/registry/new-booth" not in listing.text
    page = supervisor.get(hq.url + BOOTH_PAGE, timeout=10)
    assert page.status_code == 200 and "奉节县扶贫专柜" in page.text
    assert '<form method="post" action="/console/registry' not in page.text
    viewer = sign_in(hq, "wangfang")
    assert viewer.get(hq.url + "/console/registry", timeout=10).status_code == 403


def test_only_an_admin_changes_booths_and_every_change_needs_its_csrf_token(hq):
    enrol(hq, "B1", "T1", as_selling_booth=False)
    before = _state(hq.engine)
    supervisor = sign_in(hq, "zhaolei")
    csrf = csrf_of(supervisor.get(hq.url + "/console/password", timeout=10).text)
    posts = {
        "/console/registry/new-booth": GOOD_BOOTH,
        BOOTH_PAGE: {**GOOD_BOOTH, "name": "改名"},
        BOOTH_PAGE + "/payments": {"wechat_sub_mchid": "1900000109"},
        BOOTH_PAGE + "/codes": {"hours": "24"},
        "/console/registry/terminals/T1/revoke": {"reason": "stolen", "confirm": "1"},
    }
    for path, data in posts.items():
        answer = supervisor.post(hq.url + path, data={"csrf_token": csrf, **data}, timeout=10)
        assert answer.status_code == 403, path
        assert "for the admin role" in answer.text
    admin = sign_in(hq, "liqiang")
    for path, data in posts.items():
        answer = admin.post(hq.url + path, data=data, timeout=10)  # no token
        assert answer.status_code == 403 and "nothing was changed" in answer.text, path
    assert (
        supervisor.get(hq.url + "/console/registry/terminals/T1/revoke", timeout=10).status_code
        == 403
    )
    assert _state(hq.engine) == before


# --- booths ------------------------------------------------------------------------------------


def test_an_admin_adds_a_booth_with_its_details_and_the_audit_log_keeps_it(hq):
    admin = sign_in(hq, "liqiang")
    answer = _post(
        admin, hq, "/console/registry/new-booth", GOOD_BOOTH, "/console/registry/new-booth"
    )
    assert answer.status_code == 200 and "The booth was added." in answer.text
    with reading(hq.engine) as conn:
        row = dict(conn.execute(select(booths).where(booths.c.id == "B-0412")).mappings().one())
    assert {k: row[k] for k in GOOD_BOOTH if k != "id"} == {
        k: v for k, v in GOOD_BOOTH.items() if k != "id"
    }
    logged = _last_audit(hq.engine, "booth_added")
    assert logged["actor"] == "user:liqiang" and logged["target_id"] == "B-0412"
    assert logged["before"] is None and logged["after"]["manager_phone"] == "138 0000 0412"
    listing = admin.get(hq.url + "/console/registry", timeout=10).text
    assert 'data-key="B-0412"' in listing and "陈静" in listing and "shopping centre" in listing


BAD_BOOTHS = [
    ("id", {"id": "B 1"}, "A booth id is 1 to 32 letters, digits, - or _, e.g. B-0412."),
    ("id", {"id": "B1"}, "There is already a booth B1."),
    ("name", {"name": "  "}, "A booth needs a name."),
    ("name", {"name": "x" * 81}, "At most 80 characters."),
    ("kind", {"kind": "kiosk"}, "Pick one of the kinds in the list."),
    ("address", {"address": "一楼\n二楼"}, "Remove the control characters (tabs, line breaks)."),
    ("manager_phone", {"manager_phone": "call me"}, "A phone number is digits"),
    ("manager_name", {"manager_name": "陈" * 65}, "At most 64 characters."),
]


@pytest.mark.parametrize(
    ("field", "change", "reason"), BAD_BOOTHS, ids=[b[0] + str(i) for i, b in enumerate(BAD_BOOTHS)]
)
def test_a_bad_new_booth_gets_the_reason_beside_the_field_and_nothing_is_saved(
    hq, field, change, reason
):
    admin = sign_in(hq, "liqiang")
    before = _state(hq.engine)
    answer = _post(
        admin,
        hq,
        "/console/registry/new-booth",
        {**GOOD_BOOTH, **change},
        "/console/registry/new-booth",
    )
    assert answer.status_code == 422
    assert _problem(answer.text, field).startswith(reason)
    assert "Nothing was saved" in answer.text
    if field != "kind":  # what was typed stays in the form, to be fixed
        assert htmllib.escape(change[field].strip(), quote=True)[:20] in answer.text
    assert _state(hq.engine) == before


def test_editing_a_booth_keeps_before_and_after_and_refuses_a_bad_phone_beside_it(hq):
    admin = sign_in(hq, "liqiang")
    edited = {k: v for k, v in GOOD_BOOTH.items() if k != "id"}
    answer = _post(admin, hq, BOOTH_PAGE, {**edited, "name": "奉节县扶贫专柜（二号）"})
    assert answer.status_code == 200 and "The booth was saved." in answer.text
    logged = _last_audit(hq.engine, "booth_edited")
    assert logged["before"]["name"] == "奉节县扶贫专柜" and logged["before"]["address"] == ""
    assert logged["after"]["name"] == "奉节县扶贫专柜（二号）"
    assert (
        logged["after"]["kind"] == "shopping_centre" and logged["after"]["manager_name"] == "陈静"
    )
    before = _state(hq.engine)
    bad = _post(admin, hq, BOOTH_PAGE, {**edited, "manager_phone": "12"})
    assert bad.status_code == 422 and _problem(bad.text, "manager_phone").startswith("A phone")
    assert _state(hq.engine) == before
    kind_unknown = _post(admin, hq, BOOTH_PAGE, {**edited, "kind": ""})
    assert kind_unknown.status_code == 200
    with reading(hq.engine) as conn:
        assert conn.execute(select(booths.c.kind).where(booths.c.id == "B1")).scalar() is None


def test_an_unknown_booth_is_a_404_page(hq):
    admin = sign_in(hq, "liqiang")
    answer = admin.get(hq.url + "/console/registry/booths/NOPE", timeout=10)
    assert answer.status_code == 404 and "There is no booth NOPE." in answer.text


# --- payment merchant ids ---------------------------------------------------------------------


def test_the_alipay_token_is_write_only_and_bad_ids_change_nothing(hq):
    admin = sign_in(hq, "liqiang")
    secret = "202611BB8c1c3dd5e7f24a8d9d3b1e0123"
    answer = _post(
        admin, hq, BOOTH_PAGE + "/payments",
        {"wechat_sub_mchid": "1900000109", "alipay_app_auth_token": secret},
    )  # fmt: skip
    assert answer.status_code == 200 and "The payment ids were saved." in answer.text
    assert secret not in answer.text and "1900000109" in answer.text
    with reading(hq.engine) as conn:
        assert booth_payments.key_of(conn, "B1", "alipay") == secret
        assert booth_payments.key_of(conn, "B1", "wechat") == "1900000109"
    with reading(hq.engine) as conn:
        assert secret not in str(audit.entries(conn, limit=1000)["rows"])
    for who in ("liqiang", "zhaolei"):
        assert secret not in sign_in(hq, who).get(hq.url + BOOTH_PAGE, timeout=10).text
    before = _state(hq.engine)
    for data, field in (
        ({"wechat_sub_mchid": "19000-0109"}, "wechat_sub_mchid"),
        ({"alipay_app_auth_token": "has space in it"}, "alipay_app_auth_token"),
        ({"alipay_app_auth_token": "x" * 129}, "alipay_app_auth_token"),
        (
            {
                "wechat_sub_mchid": "1900000109",
                "alipay_app_auth_token": "newtoken123",
                "clear_alipay": "1",
            },
            "alipay_app_auth_token",
        ),
    ):
        bad = _post(admin, hq, BOOTH_PAGE + "/payments", data)
        assert bad.status_code == 422 and _problem(bad.text, field), data
    assert _state(hq.engine) == before
    kept = _post(admin, hq, BOOTH_PAGE + "/payments", {"wechat_sub_mchid": "1900000109"})
    assert kept.status_code == 200
    with reading(hq.engine) as conn:
        assert booth_payments.key_of(conn, "B1", "alipay") == secret  # empty field: kept
    cleared = _post(
        admin, hq, BOOTH_PAGE + "/payments", {"wechat_sub_mchid": "", "clear_alipay": "1"}
    )
    assert cleared.status_code == 200
    with reading(hq.engine) as conn:
        assert booth_payments.key_of(conn, "B1", "alipay") is None
        assert booth_payments.key_of(conn, "B1", "wechat") is None


# --- enrolment codes ----------------------------------------------------------------------------


def _qr_text(page: str) -> str:
    """What a scanner reads from the page's QR code: its SVG path drawn as pixels, decoded
    by zxing-cpp (an independent reader)."""
    svg = re.search(r'<figure class="qr-box" id="enrol-qr"><svg[^>]*>(.*?)</svg>', page, re.S)
    assert svg, "the page has no inline SVG QR code"
    assert "<script" not in svg.group(1)
    path = re.search(r'class="qrline"[^>]* d="([^"]+)"', svg.group(1)).group(1)
    dark = set()
    x = y = 0.0
    for op, a, b in re.findall(r"([Mmhv])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        elif op == "h":
            for step in range(int(float(a))):
                dark.add((int(x) + step, int(y)))
            x += float(a)
    size = max(max(px for px, _ in dark), max(py for _, py in dark)) + 5
    scale = 4
    rows = bytearray()
    for py in range(size * scale):
        for px in range(size * scale):
            rows.append(0 if (px // scale, py // scale) in dark else 255)
    found = zxingcpp.read_barcodes(memoryview(bytes(rows)).cast("B", (size * scale, size * scale)))
    assert len(found) == 1 and found[0].format == zxingcpp.BarcodeFormat.QRCode
    return found[0].text


def test_a_code_is_shown_large_with_a_qr_code_a_terminal_enrols_with(hq):
    admin = sign_in(hq, "liqiang")
    answer = _post(admin, hq, BOOTH_PAGE + "/codes", {"hours": "4", "replaces": ""})
    assert answer.status_code == 200
    code = re.search(r'id="enrol-code">([^<]+)<', answer.text).group(1)
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    assert _qr_text(answer.text) == code  # exactly what `booth-pos enroll --code` takes
    assert f"booth-pos enroll --server {hq.url} --code {code}" in answer.text
    assert (
        "Content-Security-Policy" in answer.headers
        and "script-src 'self'" in answer.headers["Content-Security-Policy"]
    )
    logged = _last_audit(hq.engine, "enrol_code_issued")
    assert logged["actor"] == "user:liqiang" and code not in str(logged)
    with reading(hq.engine) as conn:
        expires = conn.execute(select(enrol_codes.c.expires_at)).scalar()
    assert f'data-expires="{expires}"' in answer.text
    page = admin.get(hq.url + BOOTH_PAGE, timeout=10).text
    assert code not in page and "a new terminal" in page.split('id="open-codes"')[1]
    spent = requests.post(hq.api("/enroll"), json={"code": code, "terminal": "T7"}, timeout=10)
    assert spent.status_code == 200, spent.text
    listed = admin.get(hq.url + BOOTH_PAGE, timeout=10).text
    assert 'data-terminal="T7"' in listed


def test_a_replacement_code_names_its_terminal_and_bad_code_requests_change_nothing(hq):
    enrol(hq, "B1", "T1", as_selling_booth=False)
    enrol(hq, "B2", "T2", "另一个展台", as_selling_booth=False)
    admin = sign_in(hq, "liqiang")
    before = _state(hq.engine)
    for data, field, reason in (
        ({"hours": "0"}, "hours", "A code lasts a whole number of hours from 1 to 720."),
        ({"hours": "721"}, "hours", "A code lasts a whole number of hours"),
        ({"hours": "1.5"}, "hours", "A code lasts a whole number of hours"),
        (
            {"hours": "24", "replaces": "T2"},
            "replaces",
            "Terminal T2 is not enrolled at this booth.",
        ),
        ({"hours": "24", "replaces": "T404"}, "replaces", "Terminal T404 is not enrolled"),
    ):
        bad = _post(admin, hq, BOOTH_PAGE + "/codes", data)
        assert bad.status_code == 422 and _problem(bad.text, field).startswith(reason), data
    assert _state(hq.engine) == before
    answer = _post(admin, hq, BOOTH_PAGE + "/codes", {"hours": "24", "replaces": "T1"})
    assert "This code re-enrols terminal T1 only" in answer.text
    code = re.search(r'id="enrol-code">([^<]+)<', answer.text).group(1)
    wrong = requests.post(hq.api("/enroll"), json={"code": code, "terminal": "T8"}, timeout=10)
    assert wrong.status_code == 409
    right = requests.post(hq.api("/enroll"), json={"code": code, "terminal": "T1"}, timeout=10)
    assert right.status_code == 200


# --- revoking -------------------------------------------------------------------------------------


def test_revoking_needs_a_reason_and_a_tick_then_the_terminal_is_refused(hq):
    token = enrol(hq, "B1", "T1", as_selling_booth=False)
    admin = sign_in(hq, "liqiang")
    confirm_page = admin.get(hq.url + "/console/registry/terminals/T1/revoke", timeout=10)
    assert confirm_page.status_code == 200 and "can never sync again" not in confirm_page.text
    before = _state(hq.engine)
    page = "/console/registry/terminals/T1/revoke"
    for data, field in (
        ({"reason": "", "confirm": "1"}, "reason"),
        ({"reason": "stolen\nat night", "confirm": "1"}, "reason"),
        ({"reason": "x" * 201, "confirm": "1"}, "reason"),
        ({"reason": "PC stolen"}, "confirm"),
    ):
        bad = _post(admin, hq, page, data, page)
        assert bad.status_code == 422 and _problem(bad.text, field), data
    assert _state(hq.engine) == before
    assert (
        requests.get(hq.api("/catalog/changes"), headers=bearer(token), timeout=10).status_code
        == 200
    )
    done = _post(admin, hq, page, {"reason": "PC stolen from the booth", "confirm": "1"}, page)
    assert done.status_code == 200 and "Terminal T1 was revoked" in done.text
    refused = requests.get(hq.api("/catalog/changes"), headers=bearer(token), timeout=10)
    assert refused.status_code == 401
    logged = _last_audit(hq.engine, "terminal_revoked")
    assert logged["actor"] == "user:liqiang" and logged["target_id"] == "T1"
    assert logged["after"]["reason"] == "PC stolen from the booth"
    again = _post(admin, hq, page, {"reason": "twice", "confirm": "1"}, BOOTH_PAGE)
    assert again.status_code == 422 and "was already revoked" in _problem(again.text, "confirm")
    unknown = admin.get(hq.url + "/console/registry/terminals/T404/revoke", timeout=10)
    assert unknown.status_code == 404
