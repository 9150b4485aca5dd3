"""The HQ console in headless Chromium against a real server with a booth's synced sales:
sign in, read the dashboard, filter a report, download it, switch language, sign out; no
console error on any page; a screenshot of every page in both languages at 1366x768 (under
build/screenshots/console/, to be looked at)."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

import sync.client
from tests.support import MANAGER, MANAGER_PIN
from tests.support.console import BOOTH, PEOPLE, add_people, sell_and_sync
from tests.support.live import bearer, enrol

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots" / "console"
VIEWPORT = {"width": 1366, "height": 768}


@pytest.fixture
def console(server, terminal, admin_token):
    add_people(server.engine)
    sales = sell_and_sync(terminal, server)
    return server, sales, admin_token


@pytest.fixture
def busy_console(console, terminal):
    """Also a Z closed ten yuan short, a refund, and a second booth whose terminal never
    synced (stale): every page has something to show."""
    live, sales, token = console
    manager = terminal.authenticate(MANAGER, MANAGER_PIN)
    terminal.refund(sales[0]["seq"], {1: 1}, "包装破损", manager)
    short = terminal.x_report()["expected_cash_fen"] - 1000
    notes = {}
    for value in (10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 2, 1):
        notes[value], short = divmod(short, value)
    terminal.close_shift(manager, {k: v for k, v in notes.items() if v}, None, "找零时少了十元")
    assert sync.client.SyncClient(terminal, printer=lambda: "paper_out").round().unsynced == 0
    enrol(live, "B2", "T9", "巫山县扶贫产品展销中心", as_selling_booth=False)
    return console


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport=VIEWPORT, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    page.errors = []
    page.on("console", lambda msg: msg.type == "error" and page.errors.append(msg.text))
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    # Say which address failed (the console message does not).
    page.on(
        "response",
        lambda r: r.status >= 400 and r.status != 403 and page.errors.append(f"{r.status} {r.url}"),
    )
    yield page
    context.close()


def _sign_in(page, live, name: str) -> None:
    page.goto(live.url + "/console/")
    assert "/console/sign-in" in page.url
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PEOPLE[name][1])
    page.click("form[action='/console/sign-in'] button[type=submit]")
    page.wait_for_url(live.url + "/console/")


def _api(live, token: str, path: str) -> dict:
    return requests.get(live.api(path), headers=bearer(token), timeout=10).json()


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_the_campaign_office_reads_filters_downloads_and_signs_out(console, page, tmp_path):
    live, sales, token = console
    today = datetime.now(live.settings.zone).date().isoformat()
    _sign_in(page, live, "liqiang")
    assert page.locator("html").get_attribute("lang") == "zh-CN"  # Chinese first

    # The dashboard's figures are the API's (GET /api/v1/reports/dashboard).
    dashboard = _api(live, token, "/reports/dashboard")
    for period in ("today", "week", "campaign"):
        shown = page.locator(f"#total-{period} dd[data-figure]").evaluate_all(
            "cells => Object.fromEntries(cells.map("
            "c => [c.dataset.figure, Number(c.dataset.fen ?? c.dataset.count)]))"
        )
        assert shown == dashboard[period], period
    assert dashboard["today"]["sales_fen"] == sum(s["body"]["total_fen"] for s in sales)
    suppliers = page.locator("#table-by-supplier tbody tr[data-key]").evaluate_all(
        "rows => rows.map(r => [r.dataset.key, r.cells[0].innerText])"
    )
    assert [key for key, _ in suppliers] == [r["key"] for r in dashboard["by_supplier"][:-1]]
    assert all(
        text.startswith(r["name"])
        for (_, text), r in zip(suppliers, dashboard["by_supplier"], strict=False)
    )
    for chart in ("by-hour", "by-county", "by-supplier"):
        page.wait_for_selector(f"#chart-{chart} canvas")  # ECharts drew the chart

    # Filter a report: htmx swaps the table and the address bar keeps the filter.
    page.goto(live.url + "/console/reports")
    page.select_option("select[name=group]", "product")
    page.wait_for_url(re.compile(r"group=product"))
    page.wait_for_selector("#report-table tbody tr[data-key]")
    month = _api(
        live,
        token,
        f"/reports/sales?group_by=product&from={today[:8]}01&to={today}&county=奉节县",
    )
    assert 0 < month["row_count"] < 3  # the filter leaves some products out
    page.fill("input[name=county]", "奉节县")
    page.wait_for_url(re.compile(r"county="))
    rows = page.locator("#report-table tbody tr[data-key]")
    expect(rows).to_have_count(month["row_count"])
    keys = rows.evaluate_all("rows => rows.map(r => r.dataset.key)")
    assert keys == [row["key"] for row in month["rows"]]

    # Leaving the field fires the form's change trigger: let that swap land first, or the
    # click below can hit a link htmx is replacing (the download then never starts).
    page.locator("input[name=county]").blur()
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    expect(page.locator("#download-csv")).to_have_attribute("href", re.compile("county="))

    # Download the whole report as CSV and .xlsx; each is the API's, cell by cell.
    import openpyxl

    for fmt in ("csv", "xlsx"):
        link = page.locator(f"#download-{fmt}")
        with page.expect_download() as download:
            link.click()
        saved = tmp_path / f"report.{fmt}"
        download.value.save_as(saved)
        href = link.get_attribute("href")
        assert f"/api/v1/reports/sales.{fmt}?" in href and "county=" in href
        by_token = requests.get(live.url + href, headers=bearer(token), timeout=10)
        assert by_token.status_code == 200
        if fmt == "csv":
            assert saved.read_bytes() == by_token.content
            rows = list(csv.reader(io.StringIO(saved.read_bytes().decode("utf-8-sig"))))
        else:
            sheet = openpyxl.load_workbook(saved, read_only=True).active
            rows = [list(row) for row in sheet.iter_rows(values_only=True)]
            other = openpyxl.load_workbook(io.BytesIO(by_token.content), read_only=True).active
            assert rows == [list(row) for row in other.iter_rows(values_only=True)]
        header, *body = rows
        by_key = {row[0]: dict(zip(header, row, strict=True)) for row in body}
        for want in [*month["rows"], {"key": "TOTAL", **month["total"]}]:
            got = by_key[want["key"]]
            for column in ("sales", "amount_fen", "refunded_fen", "net_fen"):
                assert int(got[column]) == want[column], (fmt, want["key"], column)
        assert len(body) == month["row_count"] + 1

    # Switch to English and back.
    page.click("a.lang[lang=en]")
    page.wait_for_selector("html[lang=en]")
    assert page.locator("h1").inner_text() == "Sales reports"
    assert "group=product" in page.url  # the switch comes back to the same view
    page.click("a.lang[lang=zh_CN]")
    page.wait_for_selector("html[lang=zh-CN]")

    # Sign out: the console is closed to this browser until it signs in again.
    page.click("form[action='/console/sign-out'] button")
    page.wait_for_url(re.compile(r"/console/sign-in"))
    page.goto(live.url + "/console/booths")
    assert "/console/sign-in" in page.url
    assert page.errors == []


PAGES = [
    ("sign-in", None),
    ("dashboard", "/console/"),
    ("booths", "/console/booths"),
    ("booth", f"/console/booths/{BOOTH}"),
    ("reports", "/console/reports?group=product"),
    ("closes", "/console/closes"),
    ("password", "/console/password"),
    ("users", "/console/users"),
]


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_page_renders_without_errors_and_is_photographed(busy_console, page, language):
    live, _, _ = busy_console
    page.context.add_cookies([{"name": "booth_console_lang", "value": language, "url": live.url}])
    page.goto(live.url + "/console/sign-in")
    _shoot(page, f"{language}-sign-in")
    _sign_in(page, live, "liqiang")
    for name, path in PAGES[1:]:
        page.goto(live.url + path)
        assert page.url.startswith(live.url + path.split("?")[0]), name
        if page.locator(".chart[data-chart]").count():
            page.wait_for_selector(".chart canvas")
        # Nothing is cut off at 1366 px: the page is no wider than the window.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= VIEWPORT["width"], f"{name} is {width} px wide"
        _shoot(page, f"{language}-{name}")
    # A viewer's 403 page, and the phone's view of the dashboard.
    page.click("form[action='/console/sign-out'] button")
    page.wait_for_url(re.compile(r"/console/sign-in"))
    page.fill("input[name=name]", "wangfang")
    page.fill("input[name=password]", PEOPLE["wangfang"][1])
    page.click("form[action='/console/sign-in'] button[type=submit]")
    page.wait_for_url(live.url + "/console/")
    answer = page.goto(live.url + "/console/users")
    assert answer.status == 403
    # Chromium logs the 403 it was meant to get; that one is not a fault of the page.
    page.errors = [e for e in page.errors if "status of 403" not in e]
    _shoot(page, f"{language}-forbidden")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live.url + "/console/")
    page.wait_for_selector(".chart canvas")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shoot(page, f"{language}-dashboard-phone")
    assert page.errors == []
