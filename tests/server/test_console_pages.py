"""The console's pages over a booth's real synced sales, on SQLite and PostgreSQL: every
figure shown equals the JSON API's, filters and paging work, stale terminals are red."""

from __future__ import annotations

import json
import re
from datetime import datetime

import requests
from sqlalchemy import insert, update

from sync.server.console import views
from sync.server.tables import tamper_alerts, terminals
from tests.support import MANAGER, MANAGER_PIN
from tests.support.console import BOOTH, add_people, marked, sell_and_sync, sign_in
from tests.support.live import bearer, enrol


def _today(live) -> str:
    return datetime.now(live.settings.zone).date().isoformat()


def _fen(html: str, element_id: str) -> list[int]:
    """The data-fen figures inside the element with this id."""
    start = html.index(f'id="{element_id}"')
    end = html.find("</article>", start)
    end = html.find("</table>", start) if end < 0 else end
    return [int(v) for v in re.findall(r'data-fen="(-?\d+)"', html[start:end])]


def _api(live, token: str, path: str, **params):
    answer = requests.get(live.api(path), params=params, headers=bearer(token), timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _number(attrs: dict) -> int:
    return int(attrs.get("data-fen", attrs.get("data-count")))


def _table(html: str, element_id: str) -> dict[str, list[int]]:
    """Each row's figures (data-fen / data-count) of a table, by row key (a total row's key
    is "total"; rows without a key or figures are left out)."""
    rows: dict[str, list[int]] = {}
    key = None
    for attrs in marked(html, element_id):
        if attrs["tag"] == "tr":
            key = "total" if "total" in attrs.get("class", "") else attrs.get("data-key")
            if key is not None:
                rows[key] = []
        elif key is not None and ("data-fen" in attrs or "data-count" in attrs):
            rows[key].append(_number(attrs))
    return rows


def _refund_one(terminal, sale: dict) -> None:
    manager = terminal.authenticate(MANAGER, MANAGER_PIN)
    terminal.refund(sale["seq"], {1: 1}, "bruised", manager)
    import sync.client

    assert sync.client.SyncClient(terminal).round().unsynced == 0


def test_every_figure_of_the_dashboard_is_the_apis(server, terminal, admin_token):
    add_people(server.engine)
    sales = sell_and_sync(terminal, server)
    _refund_one(terminal, sales[0])
    page = sign_in(server, "wangfang").get(server.url + "/console/", timeout=10)
    api = _api(server, admin_token, "/reports/dashboard")
    assert page.status_code == 200
    assert api["today"]["refunds"] == 1 and api["today"]["sales"] == 3
    for period in ("today", "week", "campaign"):
        shown = {a["data-figure"]: _number(a) for a in marked(page.text, f"total-{period}")}
        assert shown == api[period], period
    for dimension in ("county", "supplier"):
        want = {
            row["key"] or "": [row["sales"], row["sales_fen"], row["refunds_fen"], row["net_fen"]]
            for row in api[f"by_{dimension}"]
            if not row["rest"] or row["keys"]
        }
        assert _table(page.text, f"table-by-{dimension}") == want, dimension
    for row in api["by_supplier"][:-1]:
        assert row["name"] in page.text  # the supplier's name from the catalog, not only its id
    assert any(row["name"] != row["key"] for row in api["by_supplier"][:-1])
    kinds = {
        row["kind"] or "": [row["booths"], row["sales"], row["net_fen"]]
        for row in api["by_booth_kind"]
    }
    assert _table(page.text, "table-by-kind") == kinds
    chart = [a for a in marked(page.text, "chart-by-hour") if "data-chart" in a][0]
    assert json.loads(chart["data-chart"])["fen"] == [row["sales_fen"] for row in api["by_hour"]]
    expiring = [a["data-key"] for a in marked(page.text, "table-expiring") if "data-key" in a]
    assert expiring == [row["id"] for row in api["expiring_certificates"][:20]]
    attention = {a["id"]: _number(a) for a in marked(page.text, "attention") if "id" in a}
    assert attention["quarantined"] == api["quarantined"]
    assert attention["open-alerts"] == api["open_alerts"]["count"]
    health = _api(server, admin_token, "/reports/booths", stale="true")
    assert attention["stale"] == len(health)


def test_the_dashboard_counts_what_is_held_back_and_links_to_where_it_is_shown(
    server, terminal, admin_token
):
    add_people(server.engine)
    sell_and_sync(terminal, server)
    with server.engine.begin() as conn:  # a tamper alert raised by ingest, unresolved
        conn.execute(
            insert(tamper_alerts).values(
                terminal_id="T1", seq=1, kind="tamper", reason="test", at="2026-11-28T01:00:00.000Z"
            )
        )
    api = _api(server, admin_token, "/reports/dashboard")
    assert api["open_alerts"]["count"] == 1
    viewer = sign_in(server, "wangfang").get(server.url + "/console/", timeout=10).text
    supervisor = sign_in(server, "zhaolei").get(server.url + "/console/", timeout=10).text
    assert 'data-count="1"' in viewer.split('id="open-alerts"')[1][:40]
    assert "/console/booths?state=alerts" not in viewer  # a viewer cannot open booth health
    assert 'href="/console/booths?state=alerts&amp;sort=-alerts"' in supervisor
    listed = sign_in(server, "zhaolei").get(
        server.url + "/console/booths?state=alerts&sort=-alerts", timeout=10
    )
    assert 'data-terminal="T1"' in listed.text


def _terminals(html: str) -> list[str]:
    return re.findall(r'<tr class="[^"]*" data-terminal="([^"]+)">', html)


def test_booth_health_shows_the_apis_rows_with_its_filters_and_sorts(server, terminal, admin_token):
    add_people(server.engine)
    sell_and_sync(terminal, server)
    enrol(server, "B2", "T9", "巫山县<b>扶贫</b>专柜", as_selling_booth=False)  # never syncs
    http = sign_in(server, "zhaolei")
    page = http.get(server.url + "/console/booths", timeout=10)
    api = {row["terminal_id"]: row for row in _api(server, admin_token, "/reports/booths")}
    assert _terminals(page.text) == ["T1", "T9"]
    t1 = page.text.split('data-terminal="T1">')[1].split("</tr>")[0]
    assert api["T1"]["app_version"] in t1 and f'data-count="{api["T1"]["unsynced"]}"' in t1
    assert "open since" in t1 and api["T1"]["shift_open"]
    row = re.search(r'<tr class="([^"]*)" data-terminal="T9">', page.text)
    assert "stale" in row.group(1) and api["T9"]["stale"]
    assert "&lt;b&gt;扶贫&lt;/b&gt;" in page.text and "<b>扶贫</b>" not in page.text
    with server.engine.begin() as conn:
        conn.execute(
            update(terminals)
            .where(terminals.c.id == "T1")
            .values(last_seen_at="2026-01-01T00:00:00.000Z", unsynced=7)
        )
    # Every sort of the API, both ways, gives the API's order.
    for key in ("booth", "terminal", "last_contact", "unsynced", "clock_skew", "alerts"):
        for sort in (key, "-" + key):
            shown = _terminals(http.get(server.url + f"/console/booths?sort={sort}").text)
            want = [
                r["terminal_id"] for r in _api(server, admin_token, "/reports/booths", sort=sort)
            ]
            assert shown == want, sort
    stale = http.get(server.url + "/console/booths?state=stale", timeout=10)
    assert _terminals(stale.text) == ["T1", "T9"]
    # htmx asks for the table only; a filter that matches nothing says so.
    partial = http.get(
        server.url + "/console/booths?q=nowhere", headers={"HX-Request": "true"}, timeout=10
    )
    assert partial.status_code == 200 and "<html" not in partial.text
    assert "No terminal matches." in partial.text and 'data-terminal="T1"' not in partial.text
    assert _terminals(http.get(server.url + "/console/booths?q=巫山").text) == ["T9"]
    unknown = http.get(server.url + "/console/booths?sort=nonsense&state=nonsense", timeout=10)
    assert unknown.status_code == 200 and _terminals(unknown.text) == ["T1", "T9"]


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


def test_a_report_page_is_the_apis_page_and_links_the_whole_report_as_files(
    server, terminal, admin_token, monkeypatch
):
    add_people(server.engine)
    sell_and_sync(terminal, server)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)  # three products: two pages
    today = _today(server)
    http = sign_in(server, "wangfang")
    query = {"from": today, "to": today, "booth": BOOTH}
    whole = _api(server, admin_token, "/reports/sales", group_by="product", **query)
    assert whole["row_count"] == 3
    for number, offset in ((1, 0), (2, 2), (99, 2), ("99999999999999999999999", 2)):
        page = http.get(
            server.url + "/console/reports",
            params={"group": "product", **query, "page": number},
            timeout=10,
        )
        assert page.status_code == 200, page.text
        api = _api(
            server,
            admin_token,
            "/reports/sales",
            group_by="product",
            limit=2,
            offset=offset,
            **query,
        )
        rows = _table(page.text, "report-table")
        total = rows.pop("total")
        assert list(rows) == [row["key"] for row in api["rows"]]
        assert list(rows.values()) == [
            [row["sales"], row["amount_fen"], row["refunded_fen"], row["net_fen"]]
            for row in api["rows"]
        ]
        assert total == [
            api["total"]["sales"],
            api["total"]["amount_fen"],
            api["total"]["refunded_fen"],
            api["total"]["net_fen"],
        ]
        assert f"Page {offset // 2 + 1} of 2 (3 rows)" in page.text
    # Filtered by one product: the same as the API so filtered; the link drills into it.
    product = whole["rows"][0]["key"]
    page = http.get(
        server.url + "/console/reports",
        params={"group": "day", **query, "product": product},
        timeout=10,
    )
    api = _api(server, admin_token, "/reports/sales", group_by="day", product=product, **query)
    assert _table(page.text, "report-table")["total"] == [
        api["total"]["sales"],
        api["total"]["amount_fen"],
        api["total"]["refunded_fen"],
        api["total"]["net_fen"],
    ]
    assert api["total"]["amount_fen"] == whole["rows"][0]["amount_fen"]
    # Downloads: the whole report (not the page), the same bytes with the cookie or a token.
    for kind in ("csv", "xlsx"):
        link = re.search(rf'id="download-{kind}" href="([^"]+)"', page.text).group(1)
        link = link.replace("&amp;", "&")
        assert link.startswith(f"/api/v1/reports/sales.{kind}?") and "page" not in link
        assert f"product={product}" in link
        by_cookie = http.get(server.url + link, timeout=10)
        by_token = requests.get(server.url + link, headers=bearer(admin_token), timeout=10)
        assert by_cookie.status_code == 200, by_cookie.text
        assert by_cookie.content == by_token.content or kind == "xlsx"
        if kind == "xlsx":
            assert _cells(by_cookie.content) == _cells(by_token.content)
            assert by_cookie.headers["content-type"].startswith("application/vnd.openxmlformats")
        else:
            assert by_cookie.headers["content-type"].startswith("text/csv")
    # A supplier report names each supplier as the catalog does.
    monkeypatch.setattr(views, "PAGE_SIZE", 50)
    page = http.get(server.url + "/console/reports", params={"group": "supplier", **query})
    names = _api(server, admin_token, "/reports/dashboard")["by_supplier"]
    for row in names[:-1]:
        assert row["name"] in page.text


def _cells(content: bytes) -> list[list]:
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


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
