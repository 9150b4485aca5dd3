"""A supervisor schedules a new price for tomorrow 08:00 in headless Chromium: the product
page shows it pending with Cancel (screenshots in both languages at 1366x768 under
build/screenshots/console/), the catalog is unchanged, and Cancel takes it away."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sync.server import catalog, catalog_schedule
from sync.server.db import reading
from tests.browser.test_console_browser import _shoot, _sign_in, console, page  # noqa: F401 (fixtures)

OIL_ID = "06970006000011"


def test_a_price_scheduled_for_tomorrow_is_shown_pending_and_cancelled(
    console,  # noqa: F811
    page,  # noqa: F811
):
    live, _sales, _token = console
    _sign_in(page, live, "zhaolei")
    tomorrow = datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=1)
    page.goto(f"{live.url}/console/catalog/products/{OIL_ID}")
    page.fill("input[name=price]", "96.00")
    page.fill("input[name=effective_at]", f"{tomorrow.isoformat()}T08:00")
    page.click("form[action$='/06970006000011'] button[type=submit]")
    page.wait_for_selector("#scheduled tr[data-key]")
    text = page.locator("#scheduled").inner_text()
    assert f"{tomorrow.isoformat()} 08:00 起 ￥96.00" in text, text
    _shoot(page, "product-scheduled-zh_CN")
    with reading(live.engine) as conn:
        assert catalog.get_product(conn, OIL_ID)["price_fen"] == 8800
        assert len(catalog_schedule.pending(conn, OIL_ID)) == 1

    page.goto(f"{live.url}/console/language?lang=en&next=/console/catalog/products/{OIL_ID}")
    page.wait_for_selector("html[lang=en]")
    text = page.locator("#scheduled").inner_text()
    assert f"￥96.00 from {tomorrow.isoformat()} 08:00" in text, text
    _shoot(page, "product-scheduled-en")

    page.click("#scheduled button[type=submit]")
    page.wait_for_selector("p.ok[role=status]")
    assert page.locator("#scheduled").count() == 0
    with reading(live.engine) as conn:
        assert catalog_schedule.pending(conn, OIL_ID) == []
        assert catalog.get_product(conn, OIL_ID)["price_fen"] == 8800
    assert page.errors == []
