"""The console's pages over a booth's real synced sales, on SQLite and PostgreSQL: every
figure shown equals the JSON API's, filters and paging work, stale terminals are red."""

from __future__ import annotations

import re
from datetime import datetime

import requests
from sqlalchemy import update

from sync.server.tables import terminals
from tests.support import MANAGER, MANAGER_PIN
from tests.support.console import BOOTH, add_people, sell_and_sync, sign_in
from tests.support.live import bearer

SHANGHAI_TODAY = None


def _today(live) -> str:
    return datetime.now(live.settings.zone).date().isoformat()


def _fen(html: str, element_id: str) -> list[int]:
    """The data-fen figures inside the element with this id."""
    start = html.index(f'id="{element_id}"')
    end = html.find("</article>", start)
    end = html.find("</table>", start) if end < 0 else end
    return [int(v) for v in re.findall(r'data-fen="(-?\d+)"', html[start:end])]


def test_the_dashboard_shows_the_apis_figures(server, terminal, admin_token):
    add_people(server.engine)
    sales = sell_and_sync(terminal, server)
    today = _today(server)
    api = requests.get(
        server.api(f"/reports/sales?from={today}&to={today}"),
        headers=bearer(admin_token),
        timeout=10,
    ).json()
    campaign = requests.get(
        server.api("/reports/campaign"), headers=bearer(admin_token), timeout=10
    ).json()
    assert api["total"]["amount_fen"] == sum(sale["body"]["total_fen"] for sale in sales) > 0

    page = sign_in(server, "wangfang").get(server.url + "/console/", timeout=10)
    assert page.status_code == 200
    net, amount, refunded = _fen(page.text, "total-today")
    assert (net, amount, refunded) == (
        api["total"]["net_fen"],
        api["total"]["amount_fen"],
        api["total"]["refunded_fen"],
    )
    assert _fen(page.text, "total-campaign")[:2] == [campaign["net_fen"], campaign["amount_fen"]]
    assert 'data-count="3"' in page.text  # three sales today
    county = requests.get(
        server.api(f"/reports/sales?group_by=county&from={today}&to={today}"),
        headers=bearer(admin_token),
        timeout=10,
    ).json()
    shown = _fen(page.text, "table-by-county")
    assert shown == [row["net_fen"] for row in county["rows"]]
    assert "奉节" in page.text or "county" in page.text.lower()


def test_booth_health_filters_sorts_and_shows_stale_terminals_in_red(server, terminal):
    add_people(server.engine)
    sell_and_sync(terminal, server)
    http = sign_in(server, "zhaolei")
    page = http.get(server.url + "/console/booths", timeout=10)
    row = re.search(r'<tr class="([^"]*)" data-terminal="T1">', page.text)
    assert row and "stale" not in row.group(1)
    with server.engine.begin() as conn:
        conn.execute(
            update(terminals)
            .where(terminals.c.id == "T1")
            .values(last_seen_at="2026-01-01T00:00:00.000Z")
        )
    page = http.get(server.url + "/console/booths?state=stale", timeout=10)
    row = re.search(r'<tr class="([^"]*)" data-terminal="T1">', page.text)
    assert row and "stale" in row.group(1)
    # htmx asks for the table only; a filter that matches nothing says so.
    partial = http.get(
        server.url + "/console/booths?q=nowhere", headers={"HX-Request": "true"}, timeout=10
    )
    assert partial.status_code == 200 and "<html" not in partial.text
    assert "No terminal matches." in partial.text and 'data-terminal="T1"' not in partial.text
    sorted_ = http.get(server.url + "/console/booths?sort=contact&q=B1", timeout=10)
    assert 'data-terminal="T1"' in sorted_.text


def test_the_booth_page_shows_its_terminals_sales_and_zs_as_printed(server, terminal):
    add_people(server.engine)
    sales = sell_and_sync(terminal, server)
    manager = terminal.authenticate(MANAGER, MANAGER_PIN)
    expected = terminal.x_report()["expected_cash_fen"]
    counted = {10000: expected // 10000}
    rest = expected - 10000 * counted[10000]
    for value in (5000, 2000, 1000, 500, 100, 50, 10, 5, 2, 1):
        counted[value], rest = divmod(rest, value)
    terminal.close_shift(manager, {k: v for k, v in counted.items() if v}, None, "")
    import sync.client

    assert sync.client.SyncClient(terminal).round().unsynced == 0
    page = sign_in(server, "zhaolei").get(server.url + f"/console/booths/{BOOTH}", timeout=10)
    assert page.status_code == 200
    assert "T1" in page.text and 'id="chart-booth"' in page.text
    z = re.search(r'<pre class="z" id="z-T1-\d+">(.*?)</pre>', page.text, flags=re.S)
    assert z, "the booth page shows no Z"
    total = sum(sale["body"]["total_fen"] for sale in sales)
    assert f"{total // 100:,}.{total % 100:02d}" in z.group(1)
    missing = sign_in(server, "zhaolei").get(server.url + "/console/booths/NOPE", timeout=10)
    assert missing.status_code == 404 and "There is no booth NOPE." in missing.text


def test_a_report_on_screen_equals_the_api_and_links_the_whole_download(
    server, terminal, admin_token
):
    add_people(server.engine)
    sell_and_sync(terminal, server)
    today = _today(server)
    http = sign_in(server, "wangfang")
    query = f"from={today}&to={today}&booth={BOOTH}"
    page = http.get(server.url + f"/console/reports?group=product&{query}", timeout=10)
    assert page.status_code == 200
    api = requests.get(
        server.api(f"/reports/sales?group_by=product&{query}"),
        headers=bearer(admin_token),
        timeout=10,
    ).json()
    keys = re.findall(r'<tr data-key="([^"]*)">', page.text)
    assert keys == [row["key"] for row in api["rows"]]
    assert _fen(page.text, "report-total") == [
        api["total"]["amount_fen"],
        api["total"]["refunded_fen"],
        api["total"]["net_fen"],
    ]
    link = re.search(r'id="download-csv" href="([^"]+)"', page.text).group(1).replace("&amp;", "&")
    assert link.startswith("/api/v1/reports/sales?") and "page" not in link
    csv_by_cookie = http.get(server.url + link, timeout=10)
    csv_by_token = requests.get(server.url + link, headers=bearer(admin_token), timeout=10)
    assert csv_by_cookie.status_code == 200 and csv_by_cookie.content == csv_by_token.content
    assert csv_by_cookie.headers["content-type"].startswith("text/csv")


def test_a_report_with_a_bad_range_says_what_to_fix(server):
    add_people(server.engine)
    http = sign_in(server, "wangfang")
    swapped = http.get(server.url + "/console/reports?from=2026-11-30&to=2026-11-01", timeout=10)
    assert swapped.status_code == 422 and "swap them" in swapped.text
    garbled = http.get(server.url + "/console/reports?from=yesterday", timeout=10)
    assert garbled.status_code == 422 and "YYYY-MM-DD" in garbled.text
    unknown = http.get(server.url + "/console/reports?booth=NOPE", timeout=10)
    assert unknown.status_code == 422 and "There is no booth NOPE." in unknown.text


def test_closes_show_expected_counted_and_variance_per_tender(server, terminal):
    add_people(server.engine)
    sell_and_sync(terminal, server)
    manager = terminal.authenticate(MANAGER, MANAGER_PIN)
    expected = terminal.x_report()["expected_cash_fen"]
    short = expected - 1000  # ten yuan missing from the drawer
    notes = {}
    for value in (10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 2, 1):
        notes[value], short = divmod(short, value)
    terminal.close_shift(manager, {k: v for k, v in notes.items() if v}, None, "少了十元")
    import sync.client

    assert sync.client.SyncClient(terminal).round().unsynced == 0
    page = sign_in(server, "zhaolei").get(server.url + "/console/closes", timeout=10)
    assert page.status_code == 200
    row = re.search(r'<tr class="variance">(.*?)</tr>', page.text, flags=re.S)
    assert row, "the cash variance is not marked"
    assert re.findall(r'data-fen="(-?\d+)"', row.group(1)) == [
        str(expected),
        str(expected - 1000),
        "-1000",
    ]
    assert "少了十元" in row.group(1)
    wide = sign_in(server, "zhaolei").get(
        server.url + "/console/closes?from=2026-01-01&to=2026-03-01", timeout=10
    )
    assert wide.status_code == 422 and "pick a booth" in wide.text
