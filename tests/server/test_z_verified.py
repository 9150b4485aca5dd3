"""Verified and unverified WeChat Pay / Alipay on the Z, at HQ, on SQLite and PostgreSQL: a real
till sells through the real HQ and the gateway simulator, closes one shift online (the
figures are HQ's: verified) and one offline (typed by hand: unverified), reconnects and
syncs; the closes report's JSON, CSV and .xlsx, the console's closes page (with the range's
mobile money closed unverified) and its booth page all say which is which, as the
z_close entries do."""

from __future__ import annotations

import csv
import io
import json
import re
import socket

import openpyxl
import pytest
import requests

from pos.usecases.mobile_pay import HqUnreachable
from sync.client import SyncClient
from sync.protocol.journal import parse_utc
from tests.server.payments_support import code, serve_payments, set_up_booth
from tests.support import (
    CASHIER,
    CASHIER_PIN,
    MANAGER,
    MANAGER_PIN,
    OIL,
    RICE,
    open_shift,
    pin_file,
)
from tests.support.console import add_people, sign_in
from tests.support.live import bearer
from tests.support.pay_hq import enrol_with
from tests.support.ui import configure


@pytest.fixture
def hq(http_server, engine, db_url, simulator, admin_token):
    live = serve_payments(http_server, engine, db_url, simulator)
    token = set_up_booth(live)
    add_people(engine)
    yield live, token, bearer(admin_token)
    http_server[1].app = None


def _sell(cli, barcode: str, method: str) -> dict:
    result = cli("sale", "--cashier", CASHIER, *pin_file(CASHIER_PIN), "--item", barcode,
                 "--code", code(method), "--json")  # fmt: skip
    assert result.code == 0, result
    return json.loads(result.out)


def _nobody_listening() -> str:
    """An address on this machine where no HQ answers (the booth's line is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


@pytest.fixture
def closed(hq, terminal, home, cli):
    """Shift 1 closed online (WeChat Pay and Alipay from HQ), shift 2 offline (WeChat Pay
    typed by hand one yuan short), then synced; returns the two z_close entries."""
    live, token, _ = hq
    enrol_with(terminal, live.url, token)
    configure(home, "[payments]\npoll_ms = 50\n")
    manager = terminal.authenticate(MANAGER, MANAGER_PIN)
    _sell(cli, OIL, "wechat")
    _sell(cli, RICE, "alipay")
    figures = terminal.verified_totals(SyncClient(terminal))
    assert figures == {"wechat": 8800, "alipay": 6980}
    online = terminal.close_shift(manager, {}, figures, verified=set(figures))
    open_shift(terminal)
    _sell(cli, OIL, "wechat")
    enrol_with(terminal, _nobody_listening(), token)
    with pytest.raises(HqUnreachable):
        terminal.verified_totals(SyncClient(terminal))
    offline = terminal.close_shift(manager, {}, {"wechat": 8700}, "微信账单少一元")
    enrol_with(terminal, live.url, token)  # the line is back
    result = SyncClient(terminal).round()
    assert result.error is None and result.unsynced == 0, result
    return online, offline


def _range(live, zs) -> dict:
    days = sorted(parse_utc(z["at"]).astimezone(live.settings.zone).date() for z in zs)
    return {"from": days[0].isoformat(), "to": days[-1].isoformat(), "booth": "B1"}


def _get(live, admin, path: str, params: dict) -> requests.Response:
    response = requests.get(live.api(path), params=params, headers=admin, timeout=30)
    assert response.status_code == 200, response.text
    return response


def test_the_closes_report_says_which_mobile_figures_hq_verified(hq, closed):
    live, _, admin = hq
    online, offline = closed
    assert online["body"]["tenders"]["wechat"]["verified"] is True
    assert offline["body"]["tenders"]["wechat"]["verified"] is False
    report = _get(live, admin, "/reports/closes", _range(live, closed)).json()
    zs = {z["seq"]: z for day in report["days"] for z in day["closes"]}
    assert sorted(zs) == [online["seq"], offline["seq"]]
    for z in closed:  # as the journal says; cash does not say (null)
        assert zs[z["seq"]]["tenders"] == {
            method: {"verified": None} | figures for method, figures in z["body"]["tenders"].items()
        }
    assert zs[online["seq"]]["tenders"]["alipay"]["verified"] is True
    assert zs[online["seq"]]["tenders"]["cash"]["verified"] is None
    assert zs[offline["seq"]]["tenders"]["wechat"] == {
        "expected_fen": 8800, "counted_fen": 8700, "variance_fen": -100, "verified": False
    }  # fmt: skip
    assert report["total"]["closed_verified_fen"] == 8800 + 6980
    assert report["total"]["closed_unverified_fen"] == 8700
    assert report["total"]["variance_fen"] == -100


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_closes_export_has_a_verified_column(hq, closed, kind):
    live, _, admin = hq
    online, offline = closed
    exported = _get(live, admin, f"/reports/closes.{kind}", _range(live, closed))
    if kind == "csv":
        rows = list(csv.DictReader(io.StringIO(exported.content[3:].decode("utf-8"))))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(exported.content), read_only=True).active
        values = list(sheet.iter_rows(values_only=True))
        rows = [dict(zip(values[0], row, strict=True)) for row in values[1:]]
    said = {(int(row["seq"]), row["method"]): row["verified"] for row in rows}
    blank = "" if kind == "csv" else None
    assert said == {
        (online["seq"], "alipay"): "true",
        (online["seq"], "cash"): blank,
        (online["seq"], "wechat"): "true",
        (offline["seq"], "cash"): blank,
        (offline["seq"], "wechat"): "false",
    }


def _tender_cells(html: str) -> list[tuple[str, list[str]]]:
    """The closes table's tender cells, in order: their data-verified, and their words."""
    cells = re.findall(r'<td data-verified="(\w+)">(.*?)</td>', html, flags=re.S)
    return [(said, re.sub(r"<[^>]+>", " ", text).split()) for said, text in cells]


@pytest.mark.parametrize(
    ("language", "words"),
    [("zh_CN", ("现金", "微信支付", "支付宝", "已核对", "未核对")),
     ("en", ("cash", "WeChat Pay", "Alipay", "verified", "unverified"))],
)  # fmt: skip
def test_the_console_shows_verified_and_unverified_and_the_money_closed_unverified(
    hq, closed, language, words
):
    live, _, _ = hq
    cash, wechat, alipay, yes, no = (word.split() for word in words)
    http = sign_in(live, "zhaolei", language=language)
    page = http.get(f"{live.url}/console/closes", params=_range(live, closed), timeout=10)
    assert page.status_code == 200, page.text
    # The online Z (by close time) then the offline one, each's tenders by method.
    assert _tender_cells(page.text) == [
        ("true", alipay + yes), ("null", cash), ("true", wechat + yes),
        ("null", cash), ("false", wechat + no),
    ]  # fmt: skip
    assert 'id="closed-verified" data-fen="15780"' in page.text
    assert 'id="closed-unverified" data-fen="8700"' in page.text
    booth = http.get(f"{live.url}/console/booths/B1", timeout=10)
    assert booth.status_code == 200, booth.text
    for z, marks in zip(closed, ({"WeChat": yes, "Alipay": yes}, {"WeChat": no}), strict=True):
        printed = re.search(
            rf'<pre class="z" id="z-T1-{z["seq"]}">(.*?)</pre>', booth.text, flags=re.S
        ).group(1)
        said = {
            method: [line.split()[-1] for line in printed.splitlines() if line.startswith(shown)]
            for method, shown in (("WeChat", " ".join(wechat)), ("Alipay", " ".join(alipay)))
        }
        assert {m: s for m, s in said.items() if s} == {m: [v[0]] for m, v in marks.items()}
    offline = re.search(rf'id="z-T1-{closed[1]["seq"]}">(.*?)</pre>', booth.text, flags=re.S)
    assert "-￥1.00" in next(line for line in offline.group(1).splitlines() if no[0] in line)
