"""The console's stock pages in headless Chromium over two booths' real synced stock: the
figures on the page are the API's, a booth running out is highlighted, the ledger and the
transfers in transit show; screenshots in both languages at 1366x768 (build/screenshots/console/)."""

from __future__ import annotations

import pytest
import requests

from tests.browser.test_console_browser import VIEWPORT, _shoot, _sign_in
from tests.support.console import add_people
from tests.support.live import bearer
from tests.support.stock_hq import OIL_ID, RICE_ID, stock_day


@pytest.fixture
def stock_console(server, admin_token, tmp_path):
    add_people(server.engine)
    terminals = stock_day(server, admin_token, tmp_path)
    yield server, admin_token
    for term in terminals.values():
        term.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    page.errors = []
    page.on("console", lambda msg: msg.type == "error" and page.errors.append(msg.text))
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("response", lambda r: r.status >= 400 and page.errors.append(f"{r.status} {r.url}"))
    yield page
    context.close()


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_stock_pages_show_the_apis_figures_and_who_runs_out(stock_console, page, language):
    live, token = stock_console
    api = requests.get(
        live.api("/reports/stock/levels"), params={"booth": "B1"}, headers=bearer(token), timeout=10
    ).json()
    page.context.add_cookies([{"name": "booth_console_lang", "value": language, "url": live.url}])
    _sign_in(page, live, "zhaolei")  # a supervisor
    page.click("nav a[href='/console/stock']")
    page.wait_for_url(live.url + "/console/stock")
    # Campaign-wide: oil is short at one booth, highlighted.
    assert page.locator(f"#stock-table tr.low[data-product='{OIL_ID}']").count() == 1
    _shoot(page, f"{language}-stock")
    page.select_option("select[name=booth]", "B1")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(live.url + "/console/stock?booth=B1*")
    shown = {
        row.get_attribute("data-product"): int(row.get_attribute("data-on-hand"))
        for row in page.locator("#stock-table tbody tr[data-product]").all()
    }
    assert shown == {row["product_id"]: row["on_hand"] for row in api}
    assert shown[OIL_ID] == 21 and shown[RICE_ID] == 7
    assert page.locator(f"#stock-table tr.low[data-product='{OIL_ID}']").count() == 1
    assert page.locator(f"#stock-table tr.low[data-product='{RICE_ID}']").count() == 0
    assert page.locator(f"#low-table tr[data-product='{OIL_ID}'][data-booth='B1']").count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORT["width"], f"the stock page is {width} px wide"
    _shoot(page, f"{language}-stock-booth")
    page.goto(live.url + "/console/stock/ledger?booth=B1")
    deltas = [
        int(r.get_attribute("data-delta"))
        for r in page.locator("#ledger-table tr[data-delta]").all()
    ]
    assert sorted(deltas) == sorted([24, 12, -3, -5])
    _shoot(page, f"{language}-stock-ledger")
    page.goto(live.url + "/console/stock/transfers")
    assert page.locator("#transfers-table tr[data-transfer]").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"]
    _shoot(page, f"{language}-stock-transfers")
    assert page.errors == []
