"""The closes page in headless Chromium after a booth closed one shift online (WeChat Pay and
Alipay verified by HQ) and one offline (WeChat Pay typed by hand: unverified): the marks
and the range's money closed unverified are on screen, nothing is cut off at 1366x768, and
a screenshot in each language is kept under build/screenshots/console/ to be looked at."""

from __future__ import annotations

import pytest

from tests.browser.test_console_browser import VIEWPORT, _shoot
from tests.server.test_z_verified import _range, closed, hq  # noqa: F401 (fixtures)
from tests.support.console import PEOPLE

WORDS = {"zh_CN": ("已核对", "未核对", "￥87.00"), "en": ("verified", "unverified", "￥87.00")}


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_closes_page_shows_verified_and_unverified_mobile_money(hq, closed, chromium, language):  # noqa: F811
    live = hq[0]
    context = chromium.new_context(viewport=VIEWPORT, locale="zh-CN")
    try:
        context.add_cookies([{"name": "booth_console_lang", "value": language, "url": live.url}])
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(live.url + "/console/sign-in")
        page.fill("input[name=name]", "zhaolei")
        page.fill("input[name=password]", PEOPLE["zhaolei"][1])
        page.click("form[action='/console/sign-in'] button[type=submit]")
        page.wait_for_url(live.url + "/console/")
        span = _range(live, closed)
        page.goto(f"{live.url}/console/closes?from={span['from']}&to={span['to']}&booth=B1")
        yes, no, typed = WORDS[language]
        marks = page.locator("#closes-table tbody td[data-verified] .verified").all_inner_texts()
        assert marks == [yes, yes, no]  # alipay and wechat online, wechat offline
        assert page.locator("#closed-unverified").inner_text() == typed
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= VIEWPORT["width"], f"the closes page is {width} px wide"
        _shoot(page, f"{language}-closes-verified")
        assert errors == []
    finally:
        context.close()
