"""The console's stock pages without a browser, on SQLite and PostgreSQL: a supervisor reads
them and downloads the CSV with the session; a viewer is refused both, as for the API."""

from __future__ import annotations

import csv
import io

import requests

from tests.support.console import add_people, sign_in
from tests.support.live import bearer
from tests.support.stock_hq import OIL_ID, stock_day


def test_supervisors_read_stock_and_download_it_viewers_are_refused(server, admin_token, tmp_path):
    add_people(server.engine)
    terminals = stock_day(server, admin_token, tmp_path)
    try:
        supervisor = sign_in(server, "zhaolei")
        page = supervisor.get(server.url + "/console/stock?booth=B1&low=1", timeout=10)
        assert page.status_code == 200
        assert f'<tr class="low" data-product="{OIL_ID}" data-on-hand="21">' in page.text
        assert (
            'data-product="06970005000012" data-on-hand' not in page.text.split('id="low-table"')[0]
        )
        download = supervisor.get(
            server.url + "/api/v1/reports/stock/levels?booth=B1&format=csv", timeout=10
        )
        assert download.status_code == 200
        rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
        api = requests.get(
            server.api("/reports/stock/levels"),
            params={"booth": "B1"},
            headers=bearer(admin_token),
            timeout=10,
        ).json()
        assert [(r["product_id"], r["on_hand"], r["low"]) for r in rows] == [
            (r["product_id"], str(r["on_hand"]), "true" if r["low"] else "false") for r in api
        ]
        missing = supervisor.get(server.url + "/console/stock?booth=NOPE", timeout=10)
        assert missing.status_code == 404 and "There is no booth NOPE." in missing.text
        viewer = sign_in(server, "wangfang")
        assert viewer.get(server.url + "/console/stock", timeout=10).status_code == 403
        refused = viewer.get(server.url + "/api/v1/reports/stock/levels", timeout=10)
        assert refused.status_code == 401
    finally:
        for term in terminals.values():
            term.close()
