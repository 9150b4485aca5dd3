"""The console's browser suite: Debian's chromium (/usr/bin/chromium) driven by Playwright.

Without chromium the suite is skipped on a developer's machine and fails in CI (.ci/run sets
BOOTH_POS_REQUIRE_BROWSER=1), so a CI machine missing it cannot pass by skipping."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("BOOTH_POS_CHROMIUM", "/usr/bin/chromium"))
REQUIRE_BROWSER = os.environ.get("BOOTH_POS_REQUIRE_BROWSER") == "1"


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium (tools/apt-packages lists it)"
        if REQUIRE_BROWSER:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield browser
        browser.close()
