"""The catalog, supplier, county and audit pages on SQLite and PostgreSQL: search and
filters, edits with their reasons beside each field, roles, the CSV import's preview (every
bad row, nothing written) and its import, the export, and the audit log's page and files."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from pos.pinyin import initials as terminal_initials
from sync.server import catalog
from sync.server.db import reading
from sync.server.pinyin import initials as server_initials
from tests.support import DEMO_CATALOG
from tests.support.console import add_people, csrf_of, marked, sign_in
from tests.support.live import hold_demo_catalog

OIL_ID = "06970006000011"
ORANGES_ID = "PLU10001"


def _product(engine, product_id: str) -> dict:
    with reading(engine) as conn:
        return catalog.get_product(conn, product_id)


def _audit(engine, action: str) -> list[dict]:
    from sync.server import audit

    with reading(engine) as conn:
        return audit.entries(conn, action=action, limit=1000)["rows"]


def _keys(html: str, element_id: str) -> list[str]:
    return [a["data-key"] for a in marked(html, element_id) if a["tag"] == "tr" and "data-key" in a]


@pytest.fixture
def office(server):
    """HQ holds the demo catalog; the three people of tests/support/console.py exist."""
    hold_demo_catalog(server.engine)
    add_people(server.engine)
    return server


def _edit(http, office, product_id: str, **changes):
    page = http.get(f"{office.url}/console/catalog/products/{product_id}", timeout=10)
    assert page.status_code == 200, page.text
    form = {"csrf_token": csrf_of(page.text)}
    for field in ("name", "name_en", "price", "certificate_no", "certificate_expires"):
        found = re.search(rf'name="{field}" value="([^"]*)"', page.text)
        form[field] = found.group(1) if found else ""
    form.update(changes)
    return http.post(f"{office.url}/console/catalog/products/{product_id}", data=form, timeout=10)


def test_the_server_and_the_terminal_agree_on_every_pinyin_initial():
    names = [row["name"] for row in csv.DictReader(io.StringIO(DEMO_CATALOG.read_text("utf-8")))]
    assert len(names) > 20
    for name in [*names, "重庆", "长寿柚子", "ABC 123"]:
        assert server_initials(name) == terminal_initials(name), name


def test_a_viewer_searches_by_barcode_name_pinyin_supplier_county_and_certificate(office):
    http = sign_in(office, "wangfang")
    base = f"{office.url}/console/catalog"
    for query, expected in (
        ("6970006000011", OIL_ID),  # barcode
        ("茶油", OIL_ID),  # name
        ("yycy", OIL_ID),  # pinyin initials of 酉阳茶油
        ("Youyang tea", OIL_ID),  # English name
        ("CQFP-2025-007666", OIL_ID),  # certificate
        ("fjqc", ORANGES_ID),
    ):
        page = http.get(base, params={"q": query}, timeout=10)
        assert page.status_code == 200
        assert expected in _keys(page.text, "catalog-table"), query
    by_county = http.get(base, params={"county": "奉节县"}, timeout=10).text
    keys = _keys(by_county, "catalog-table")
    assert ORANGES_ID in keys and OIL_ID not in keys
    by_supplier = http.get(base, params={"supplier": "S0006"}, timeout=10).text
    assert OIL_ID in _keys(by_supplier, "catalog-table")
    nothing = http.get(base, params={"q": "no-such-thing-at-all"}, timeout=10).text
    assert _keys(nothing, "catalog-table") == []


def test_the_certificate_filters_find_expired_and_expiring_products(office):
    admin = sign_in(office, "liqiang")
    from datetime import date, timedelta

    soon = (date.today() + timedelta(days=10)).isoformat()
    assert _edit(admin, office, OIL_ID, certificate_expires="2020-01-31").status_code == 200
    assert _edit(admin, office, ORANGES_ID, certificate_expires=soon).status_code == 200
    expired = admin.get(f"{office.url}/console/catalog?cert=expired", timeout=10).text
    expiring = admin.get(f"{office.url}/console/catalog?cert=expiring", timeout=10).text
    assert OIL_ID in _keys(expired, "catalog-table")
    assert ORANGES_ID not in _keys(expired, "catalog-table")
    states = {a.get("class") for a in marked(expired, "catalog-table") if "data-key" in a}
    assert states == {"cert-expired"}
    assert ORANGES_ID in _keys(expiring, "catalog-table")
    assert OIL_ID not in _keys(expiring, "catalog-table")


def test_a_supervisor_edits_a_price_and_terminals_get_it_through_the_feed(office):
    http = sign_in(office, "zhaolei")
    with reading(office.engine) as conn:
        before = catalog.current_version(conn)
    answer = _edit(http, office, OIL_ID, price="92.50", name_en="Youyang tea oil 500 ml")
    assert answer.status_code == 200 and "problem-" not in answer.text
    stored = _product(office.engine, OIL_ID)
    assert stored["price_fen"] == 9250 and stored["version"] > before
    with reading(office.engine) as conn:
        feed = catalog.changes(conn, "B1", before, 100)
    assert [c["product"]["price_fen"] for c in feed["changes"]] == [9250]
    saved = _audit(office.engine, "product_saved")[0]
    assert saved["actor"] == "user:zhaolei" and saved["target_id"] == OIL_ID
    assert (saved["before"]["price_fen"], saved["after"]["price_fen"]) == (8800, 9250)
    page = http.get(f"{office.url}/console/catalog/products/{OIL_ID}", timeout=10).text
    assert "8800" in page and "9250" in page  # history and prices it has had


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("price", "12.345", "at most two decimals"),
        ("price", "-3", "at most two decimals"),
        ("name", "", "name"),
        ("certificate_expires", "2026-02-30", "certificate_expires"),
        ("name", "茶油\x07", "control"),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_changes_nothing(office, field, value, reason):
    http = sign_in(office, "zhaolei")
    before = _product(office.engine, OIL_ID)
    answer = _edit(http, office, OIL_ID, **{field: value})
    assert answer.status_code == 422
    problems = re.findall(r'id="problem-([a-z_]+)">([^<]*)<', answer.text)
    assert problems, answer.text
    assert any(reason in text or reason == name for name, text in problems), problems
    assert _product(office.engine, OIL_ID) == before
    assert _audit(office.engine, "product_saved") == []


def test_a_viewer_reads_but_cannot_edit_withdraw_import_or_see_the_audit_log(office):
    http = sign_in(office, "wangfang")
    page = http.get(f"{office.url}/console/catalog/products/{OIL_ID}", timeout=10)
    assert page.status_code == 200 and 'name="price"' not in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    form = {"csrf_token": csrf, "price": "1.00", "name": "x"}
    for path in (
        f"/console/catalog/products/{OIL_ID}",
        f"/console/catalog/products/{OIL_ID}/withdraw",
    ):
        assert http.post(office.url + path, data=form, timeout=10).status_code == 403
    for path in ("/console/catalog/import", "/console/audit", "/console/audit.csv"):
        assert http.get(office.url + path, timeout=10).status_code == 403
    assert _product(office.engine, OIL_ID)["price_fen"] == 8800
    # Without the CSRF token, nothing changes even for a supervisor.
    boss = sign_in(office, "zhaolei")
    answer = boss.post(f"{office.url}/console/catalog/products/{OIL_ID}/withdraw", data={})
    assert answer.status_code == 403 and not _product(office.engine, OIL_ID)["deleted"]


def test_withdrawing_a_product_sends_terminals_a_tombstone(office):
    http = sign_in(office, "liqiang")
    page = http.get(f"{office.url}/console/catalog/products/{OIL_ID}", timeout=10)
    with reading(office.engine) as conn:
        before = catalog.current_version(conn)
    answer = http.post(
        f"{office.url}/console/catalog/products/{OIL_ID}/withdraw",
        data={"csrf_token": csrf_of(page.text)},
        timeout=10,
    )
    assert answer.status_code == 200
    with reading(office.engine) as conn:
        feed = catalog.changes(conn, "B1", before, 100)["changes"]
    assert feed == [{"version": before + 1, "kind": "product_deleted", "id": OIL_ID}]
    listed = http.get(f"{office.url}/console/catalog", timeout=10).text
    assert OIL_ID not in _keys(listed, "catalog-table")
    gone = http.get(f"{office.url}/console/catalog?withdrawn=1", timeout=10).text
    assert _keys(gone, "catalog-table") == [OIL_ID]
    assert _audit(office.engine, "product_withdrawn")[0]["actor"] == "user:liqiang"


def _upload(http, office, data: bytes):
    page = http.get(f"{office.url}/console/catalog/import", timeout=10)
    assert page.status_code == 200
    return http.post(
        f"{office.url}/console/catalog/import",
        data={"csrf_token": csrf_of(page.text)},
        files={"sheet": ("catalog.csv", data, "text/csv")},
        timeout=30,
    )


def _confirm(http, office, preview_html: str):
    fields = dict(re.findall(r'name="(csrf_token|confirmed|digest)" value="([^"]*)"', preview_html))
    return http.post(
        f"{office.url}/console/catalog/import",
        files={key: (None, value) for key, value in fields.items()},
        timeout=30,
    )


BAD_SHEET = (
    "barcode,plu,name,name_en,unit,price_fen,category,supplier_id,supplier_name,county,"
    "certificate_no,certificate_expires\n"
    "6970006000011,,酉阳茶油500ml,,piece,abc,粮油,S0006,酉阳县花田农业开发有限公司,酉阳县,,\n"
    "6970006000012,,新茶,,box,100,粮油,S0006,酉阳县花田农业开发有限公司,酉阳县,,\n"
)


def test_an_import_with_bad_rows_lists_each_reason_and_writes_nothing(office):
    http = sign_in(office, "zhaolei")
    with reading(office.engine) as conn:
        before = catalog.current_version(conn)
    answer = _upload(http, office, BAD_SHEET.encode("utf-8"))
    assert answer.status_code == 422
    errors = re.findall(r'<li class="field-problem">([^<]*)</li>', answer.text)
    assert any(e.startswith("line 2, column price_fen:") for e in errors), errors
    assert any(e.startswith("line 3, column unit:") for e in errors), errors
    assert 'name="confirmed"' not in answer.text
    with reading(office.engine) as conn:
        assert catalog.current_version(conn) == before
    # The CLI's import says the same, line for line.
    with pytest.raises(catalog.ApiError) as refused:
        catalog.import_csv(office.engine, BAD_SHEET.encode("utf-8"))
    assert refused.value.extra["errors"] == [e.replace("&#39;", "'") for e in errors]


def test_a_gbk_sheet_previews_then_imports_all_rows_and_the_export_reads_back(office):
    http = sign_in(office, "zhaolei")
    rows = list(csv.DictReader(io.StringIO(DEMO_CATALOG.read_text("utf-8"))))
    for row in rows:
        if row["barcode"].startswith("6970006000011"):
            row["price_fen"] = "9900"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    preview = _upload(http, office, out.getvalue().encode("gbk"))
    assert preview.status_code == 200, preview.text
    assert "gbk" in preview.text and _keys(preview.text, "preview") == [OIL_ID]
    assert _product(office.engine, OIL_ID)["price_fen"] == 8800  # nothing written yet
    done = _confirm(http, office, preview.text)
    assert done.status_code == 200 and 'id="imported"' in done.text
    assert _product(office.engine, OIL_ID)["price_fen"] == 9900
    imported = [r for r in _audit(office.engine, "product_imported") if r["actor"] != "unknown"]
    assert [(r["actor"], r["target_id"]) for r in imported] == [("user:zhaolei", OIL_ID)]
    # A tampered confirmation is refused and writes nothing.
    forged = preview.text.replace('name="digest" value="', 'name="digest" value="0')
    assert _confirm(http, office, forged).status_code == 422
    # The export is a sheet the import reads back unchanged.
    exported = http.get(f"{office.url}/console/catalog.csv", timeout=10)
    assert exported.status_code == 200 and exported.content.startswith(b"\xef\xbb\xbf")
    again = catalog.preview_csv(office.engine, exported.content)
    assert again["errors"] == [] and again["changes"] == []
    assert again["unchanged"] == len(rows)


def test_suppliers_and_counties_show_products_certificates_and_the_reports_sales(office, terminal):
    from tests.support.console import sell_and_sync

    sell_and_sync(terminal, office)
    http = sign_in(office, "wangfang")
    page = http.get(f"{office.url}/console/suppliers", timeout=10)
    assert page.status_code == 200
    from datetime import date, timedelta

    from sync.server import reports

    today = date.today()
    with reading(office.engine) as conn:
        api = reports.sales(conn, "supplier", today - timedelta(days=29), today)["rows"]
    shown = {
        a["data-key"]: a
        for a in marked(page.text, "groups")
        if a["tag"] == "tr" and "data-key" in a
    }
    assert {row["key"] for row in api} <= set(shown)
    fen = dict(
        re.findall(r'<tr data-key="([^"]+)">(?:(?!</tr>).)*?data-fen="(-?\d+)"', page.text, re.S)
    )
    for row in api:
        assert int(fen[row["key"]]) == row["net_fen"]
    assert "CQFP-2025-007666" in page.text
    counties = http.get(f"{office.url}/console/counties", timeout=10)
    assert counties.status_code == 200 and "奉节县" in counties.text


def test_the_audit_page_filters_pages_and_downloads_the_whole_log(office):
    http = sign_in(office, "zhaolei")
    for price in ("90.00", "91.00", "92.00"):
        assert _edit(http, office, OIL_ID, price=price).status_code == 200
    page = http.get(
        f"{office.url}/console/audit", params={"action": "product_saved", "who": "zhao"}, timeout=10
    )
    assert page.status_code == 200
    assert len(_keys(page.text, "audit")) == 3
    none = http.get(f"{office.url}/console/audit", params={"who": "nobody"}, timeout=10).text
    assert _keys(none, "audit") == []
    bad = http.get(f"{office.url}/console/audit", params={"from": "2026-02-30"}, timeout=10)
    assert bad.status_code == 422 and 'id="problem-dates"' in bad.text
    sheet = http.get(f"{office.url}/console/audit.csv?action=product_saved", timeout=10)
    assert sheet.status_code == 200
    rows = list(csv.DictReader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    assert [r["actor"] for r in rows] == ["user:zhaolei"] * 3
    assert '"price_fen":9200' in rows[-1]["after"]
    book = http.get(f"{office.url}/console/audit.xlsx?action=product_saved", timeout=10)
    assert book.status_code == 200
    sheet_rows = list(load_workbook(io.BytesIO(book.content)).active.values)
    assert len(sheet_rows) == 4 and sheet_rows[0][2] == "actor"


def audit_exercises(server, people) -> dict:
    """For tests/server/test_audit.py: each route of these pages that changes data, called
    once, with the audit row it must leave."""

    def session():
        if "zhaolei" not in people:
            people["zhaolei"] = sign_in(server, "zhaolei")
        return people["zhaolei"]

    def edit():
        assert _edit(session(), server, OIL_ID, price="93.00").status_code == 200
        return [("user:zhaolei", "product_saved", "product", OIL_ID)]

    def withdraw():
        page = session().get(f"{server.url}/console/catalog/products/PLU10002", timeout=10)
        answer = session().post(
            f"{server.url}/console/catalog/products/PLU10002/withdraw",
            data={"csrf_token": csrf_of(page.text)},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        return [("user:zhaolei", "product_withdrawn", "product", "PLU10002")]

    def cancel_scheduled():
        from datetime import datetime, timedelta
        from zoneinfo import ZoneInfo

        later = datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=2)
        page = _edit(session(), server, ORANGES_ID, price="9.90",
                     effective_at=later.strftime("%Y-%m-%dT%H:%M"))  # fmt: skip
        assert page.status_code == 200, page.text
        key = re.search(r"scheduled/(\d+)/cancel", page.text).group(1)
        answer = session().post(
            f"{server.url}/console/catalog/products/{ORANGES_ID}/scheduled/{key}/cancel",
            data={"csrf_token": csrf_of(page.text)},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        return [
            ("user:zhaolei", "product_change_scheduled", "product", ORANGES_ID),
            ("user:zhaolei", "product_change_cancelled", "product", ORANGES_ID),
        ]

    def import_():
        from tests.server.test_audit import catalog_sheet

        preview = _upload(session(), server, catalog_sheet(price=9700))
        assert preview.status_code == 200, preview.text
        assert _confirm(session(), server, preview.text).status_code == 200
        return [("user:zhaolei", "product_imported", "product", OIL_ID)]

    return {
        ("POST", "/console/catalog/products/{product_id}"): edit,
        ("POST", "/console/catalog/products/{product_id}/withdraw"): withdraw,
        ("POST", "/console/catalog/products/{product_id}/scheduled/{schedule_id}/cancel"): (
            cancel_scheduled
        ),
        ("POST", "/console/catalog/import"): import_,
    }
