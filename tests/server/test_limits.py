"""A terminal's valid token cannot make HQ answer 500: out-of-range figures and times,
bodies nested absurdly deep, sums past int64 and an exhausted connection pool."""

from __future__ import annotations

import copy
import json

import pytest
import requests
from sqlalchemy import select, update

from sync.protocol import journal
from sync.server.db import make_engine
from sync.server.settings import ServerSettings
from sync.server.tables import sale_lines, sales, stock_movements
from tests.server.test_ingest import entries, push  # noqa: F401 (the fixture, used by pushed)
from tests.support.live import bearer, enrol, serve_in

DAYS = {"from": "2025-12-01", "to": "2027-12-31"}


def _reports(server, admin: dict) -> dict:
    answers = {
        "campaign": requests.get(server.api("/reports/campaign"), headers=admin, timeout=30),
        "sales": requests.get(server.api("/reports/sales"), params=DAYS, headers=admin, timeout=30),
        "products": requests.get(
            server.api("/reports/sales"),
            params={**DAYS, "group_by": "product"},
            headers=admin,
            timeout=30,
        ),
        "stock": requests.get(
            server.api("/reports/stock"), params={"booth": "B1"}, headers=admin, timeout=30
        ),
    }
    for name, response in answers.items():
        assert response.status_code == 200, (name, response.text)
    return {name: response.json() for name, response in answers.items()}


@pytest.fixture
def pushed(server, entries, admin_token):  # noqa: F811
    """T1 has pushed its real journal; the reports as they stand."""
    token = enrol(server, "B1", "T1")
    assert push(server, token, entries).status_code == 200
    admin = bearer(admin_token)
    return {"token": token, "entries": entries, "admin": admin, "before": _reports(server, admin)}


def _next(written: list[dict], entry_type: str, body: dict, at: str = "2026-11-28T09:15:02.120Z"):
    """An entry chained on the terminal's real head, as a forged terminal would send it."""
    head = written[-1]
    return journal.make_entry("T1", head["seq"] + 1, entry_type, at, body, head["hash"])


def _sale(written: list[dict], change) -> dict:
    sale = next(e for e in reversed(written) if e["type"] == "sale")
    body = copy.deepcopy(sale["body"])
    body["sale_id"] = "forged"
    change(body)
    return body


def _stock(written: list[dict], **extra) -> dict:
    move = next(e for e in written if e["type"] == "stock_receive")
    return {**copy.deepcopy(move["body"]), **extra}


def _nested(depth: int):
    value: object = 1
    for _ in range(depth):
        value = [value]
    return value


def _set_line(key, value):
    def change(body):
        body["lines"][0][key] = value

    return change


def _set(key, value):
    def change(body):
        body[key] = value

    return change


CASES = {
    "at in year 9999": ("stock_receive", {}, "9999-12-31T23:59:59.999Z", "at"),
    "at in year 1": ("stock_receive", {}, "0001-01-01T00:00:00.000Z", "at"),
    "at a bare date": ("stock_receive", {}, "2026-11-28", "at"),
    "delta of 2**62": ("stock_receive", {"delta": 2**62}, None, "delta"),
    "body 400 deep": ("stock_receive", {"note": _nested(400)}, None, "deeper"),
    "line amount 2**62": ("sale", _set_line("amount_fen", 2**62), None, "amount_fen"),
    "unit price 2**62": ("sale", _set_line("unit_price_fen", 2**62), None, "unit_price_fen"),
    "qty 0": ("sale", _set_line("qty", 0), None, "qty"),
    "grand total past int64": ("sale", _set("grand_total_fen", 2**63 + 5), None, "grand_total"),
    "total 9e18": ("sale", _set("total_fen", 9 * 10**18), None, "total_fen"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_out_of_range_entries_are_422_and_change_no_report(server, pushed, case):
    entry_type, change, at, word = CASES[case]
    written = pushed["entries"]
    body = _sale(written, change) if entry_type == "sale" else _stock(written, **change)
    entry = _next(written, entry_type, body, at or "2026-11-28T09:15:02.120Z")
    response = push(server, pushed["token"], [entry])
    assert response.status_code == 422, response.text
    assert word in response.json()["detail"]
    assert _reports(server, pushed["admin"]) == pushed["before"]


@pytest.mark.parametrize("depth", [400, 100_000])
def test_a_request_nested_too_deep_is_422_not_500(server, pushed, depth):
    payload = '{"entries": [' + "[" * depth + "]" * depth + "]}"
    response = requests.post(
        server.api("/journal"),
        data=payload.encode(),
        headers={**bearer(pushed["token"]), "Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code in (413, 422), response.text
    assert response.json()["detail"]
    assert _reports(server, pushed["admin"]) == pushed["before"]


def test_sums_past_int64_stored_before_the_checks_do_not_break_reports(server, pushed):
    """Rows from before the bounds (two sales of 9x10^18 fen) still give 200 answers."""
    huge = 9 * 10**18
    with server.engine.begin() as conn:
        two = conn.execute(select(sales.c.id).limit(2)).scalars().all()
        conn.execute(update(sales).where(sales.c.id.in_(two)).values(total_fen=huge))
        conn.execute(
            update(sale_lines).where(sale_lines.c.sale_key.in_(two)).values(amount_fen=huge)
        )
        # A sale's stock moves are its lines' pieces or grams.
        conn.execute(update(sale_lines).values(qty=huge, weight_g=None))
        conn.execute(update(stock_movements).values(delta=huge))
    after = _reports(server, pushed["admin"])
    assert after["campaign"]["amount_fen"] >= 2 * huge
    assert after["campaign"]["sales"] == pushed["before"]["campaign"]["sales"]


@pytest.mark.pg
def test_an_exhausted_pool_answers_503_with_retry_after(http_server, db_url, server):
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite has no connection pool to exhaust")
    token = enrol(server, "B1", "T1")
    engine = make_engine(db_url, pool_size=1, max_overflow=0, pool_timeout=0.3)
    busy = serve_in(http_server, engine, ServerSettings(db=db_url))
    try:
        with engine.connect():  # the only connection, held
            response = requests.get(busy.api("/journal/head"), headers=bearer(token), timeout=30)
        assert response.status_code == 503, response.text
        assert int(response.headers["Retry-After"]) > 0
        assert "busy" in response.json()["detail"]
        again = requests.get(busy.api("/journal/head"), headers=bearer(token), timeout=30)
        assert again.status_code == 200, again.text
    finally:
        engine.dispose()


def test_the_documented_pool_fits_four_workers_in_postgresql_defaults():
    settings = ServerSettings()
    assert 4 * (settings.pool_size + settings.pool_overflow) < 100


def test_rows_keep_their_values(pushed):
    assert json.loads(json.dumps(pushed["before"])) == pushed["before"]
