"""The console's dashboard figures, checked against what this file works out on its own
from the journals three real terminals pushed (tests/server/test_reports.py builds them),
and the JSON endpoint against the function the console's page calls."""

# ruff: noqa: F811  (pytest fixtures imported from the module that builds the journals)
from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
import requests
from sqlalchemy import select

from sync.server import clock, dashboard, figures
from sync.server.cli import main as server_main
from sync.server.db import reading
from sync.server.tables import products
from tests.server.test_reports import (  # noqa: F401  (fixtures)
    ZONE,
    _local_day,
    _sales,
    expected_sales,
    journals,
    loaded,
)
from tests.support.live import bearer

#: 14:00 local on Saturday 28 November 2026: the week began on Monday the 23rd.
NOW = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)
TODAY, MONDAY = "2026-11-28", "2026-11-23"
EVER = ("2000-01-01", "2100-12-31")


def _summary(engine, now=NOW) -> dict:
    with reading(engine) as conn:
        return dashboard.summary(conn, now)


def _certified(engine) -> set[str]:
    with reading(engine) as conn:
        return set(
            conn.execute(select(products.c.id).where(products.c.certificate_no != "")).scalars()
        )


def _expected_totals(journals, first: str, last: str, certified: set[str]) -> dict:
    total = expected_sales(journals, "day", first, last)["total"]
    sold = [(b, body) for b, day, body in _sales(journals) if first <= day <= last]
    return {
        "sales_fen": total["amount_fen"],
        "refunds_fen": total["refunded_fen"],
        "net_fen": total["amount_fen"] - total["refunded_fen"],
        "sales": total["sales"],
        "refunds": total["refunds"],
        "booths_selling": len({booth for booth, _ in sold}),
        "products_sold": len(
            {line["product_id"] for _, body in sold for line in body["lines"]} & certified
        ),
    }


def test_totals_for_today_the_week_and_the_campaign_match_the_journals(server, journals, loaded):
    certified = _certified(server.engine)
    got = _summary(server.engine)
    assert (got["business_day"], got["week_from"]) == (TODAY, MONDAY)
    assert got["today"] == _expected_totals(journals, TODAY, TODAY, certified)
    assert got["week"] == _expected_totals(journals, MONDAY, TODAY, certified)
    assert got["campaign"] == _expected_totals(journals, *EVER, certified)
    # not trivially empty: refunds today, several booths and products, certified or not
    assert got["today"]["refunds"] >= 1 and got["today"]["booths_selling"] == 2
    assert got["campaign"]["products_sold"] >= 5
    # the campaign report (read from the projections) agrees
    campaign = requests.get(server.api("/reports/campaign"), headers=loaded["admin"], timeout=10)
    figures_ = campaign.json()
    assert got["campaign"]["sales"] == figures_["sales"]
    assert got["campaign"]["sales_fen"] == figures_["amount_fen"]
    assert got["campaign"]["net_fen"] == figures_["net_fen"]


def test_sales_by_local_hour_today(server, journals, loaded):
    want = defaultdict(lambda: [0, 0])
    for entries in journals.values():
        for entry in entries:
            if entry["type"] == "sale" and _local_day(entry["at"]) == TODAY:
                hour = figures.local_hour(entry["at"], ZONE)
                want[hour][0] += 1
                want[hour][1] += entry["body"]["total_fen"]
    got = _summary(server.engine)["by_hour"]
    assert [row["hour"] for row in got] == list(range(24))
    assert {row["hour"]: [row["sales"], row["sales_fen"]] for row in got if row["sales"]} == want
    assert 23 in want and 0 in want  # 23:59:30 and 00:00 local both land on the 28th


def test_counties_and_suppliers_are_ranked_by_net(server, journals, loaded):
    got = _summary(server.engine)
    for dimension in ("county", "supplier"):
        report = expected_sales(journals, dimension, *EVER)
        want = [
            {
                "key": row["key"],
                "sales_fen": row["amount_fen"],
                "refunds_fen": row["refunded_fen"],
                "net_fen": row["net_fen"],
                "sales": row["sales"],
            }
            for row in report["rows"]
        ]
        want.sort(key=lambda row: (-row["net_fen"], row["key"]))
        rows = got[f"by_{dimension}"]
        assert [{k: r[k] for k in want[0]} for r in rows[:-1]] == want
        assert rows[-1] == {
            "key": None,
            "name": None,
            "rest": True,
            "keys": 0,
            "sales_fen": 0,
            "refunds_fen": 0,
            "net_fen": 0,
            "sales": 0,
        }
    suppliers = {row["key"]: row["name"] for row in got["by_supplier"][:-1]}
    assert suppliers["S0001"] == "奉节县脐橙种植专业合作社"  # the catalog's name
    assert got["by_county"][0]["name"] == got["by_county"][0]["key"]


def test_only_the_top_twenty_are_named_and_the_rest_is_summed(engine):
    made = figures.Figures()
    day = date(2026, 11, 28)
    for n in range(25):
        made.add_day(day, "county", f"县{n:02d}", sales=n + 1, sales_fen=1000 * n, refunds_fen=n)
    big = 2**62  # 64-bit-large amounts sum exactly on both databases
    made.add_day(day, "county", "大县", sales=1, sales_fen=big)
    made.add_day(day + timedelta(days=1), "county", "大县", sales=1, sales_fen=big // 2)
    with engine.begin() as conn:
        figures.store(conn, made, accumulate=True)
    rows = _summary(engine)["by_county"]
    assert len(rows) == 21
    assert rows[0]["key"] == "大县" and rows[0]["net_fen"] == big + big // 2
    assert [row["key"] for row in rows[1:20]] == [f"县{n:02d}" for n in range(24, 5, -1)]
    rest = rows[-1]
    assert rest["rest"] and rest["keys"] == 6 and rest["name"] is None
    assert rest["sales_fen"] == sum(1000 * n for n in range(6))
    assert rest["net_fen"] == sum(1000 * n - n for n in range(6))
    assert rest["sales"] == sum(n + 1 for n in range(6))


def test_figures_by_kind_of_booth(server, journals, loaded, db_url, capsys):
    edit = ["--db", db_url, "booth", "edit"]
    assert server_main([*edit, "B1", "--kind", "shopping_centre"]) == 0
    capsys.readouterr()
    assert server_main([*edit, "B1", "--kind", "street_booth", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["kind"] == "street_booth"
    with pytest.raises(SystemExit):  # not one of the kinds: argparse refuses it
        server_main([*edit, "B1", "--kind", "kiosk"])
    assert server_main([*edit, "B1"]) == 1  # nothing to change
    assert "Say what to change" in capsys.readouterr().err
    report = expected_sales(journals, "booth", *EVER)
    by_booth = {row["key"]: row for row in report["rows"]}
    got = _summary(server.engine)["by_booth_kind"]
    want = [
        {"kind": "street_booth", "booth": "B1"},
        {"kind": None, "booth": "B2"},  # B2's kind is not known
    ]
    want = [
        {
            "kind": w["kind"],
            "net_fen": by_booth[w["booth"]]["net_fen"],
            "sales": by_booth[w["booth"]]["sales"],
            "booths": 1,
        }
        for w in want
    ]
    want.sort(key=lambda row: (-row["net_fen"], row["kind"] or "~"))
    assert got == want


def test_certificates_expiring_within_30_days_soonest_first(server, loaded):
    with reading(server.engine) as conn:
        catalog = conn.execute(
            select(
                products.c.id,
                products.c.name,
                products.c.certificate_no,
                products.c.certificate_expires,
            )
        ).all()
    today = date.fromisoformat(TODAY)
    want = sorted(
        (row.certificate_expires, row.id, row.name, row.certificate_no)
        for row in catalog
        if row.certificate_expires
        and today <= date.fromisoformat(row.certificate_expires) <= today + timedelta(days=30)
    )
    got = _summary(server.engine)["expiring_certificates"]
    assert [(r["expires_on"], r["id"], r["name"], r["certificate"]) for r in got] == want
    assert got, "the demo catalog has a certificate expiring in this window"
    assert all(r["days_left"] == (date.fromisoformat(r["expires_on"]) - today).days for r in got)
    assert got[0]["supplier"]


def test_the_endpoint_returns_exactly_the_summary_and_only_to_admins(server, loaded):
    response = requests.get(server.api("/reports/dashboard"), headers=loaded["admin"], timeout=10)
    assert response.status_code == 200, response.text
    assert response.json() == _summary(server.engine, clock.now())
    assert requests.get(server.api("/reports/dashboard"), timeout=10).status_code == 401
    as_terminal = bearer(loaded["tokens"]["T1"])
    refused = requests.get(server.api("/reports/dashboard"), headers=as_terminal, timeout=10)
    assert refused.status_code == 403


def test_an_empty_server_has_a_dashboard_of_zeros(engine):
    got = _summary(engine)
    assert got["campaign"] == dict.fromkeys(got["campaign"], 0)
    assert got["by_hour"] == [{"hour": h, "sales_fen": 0, "sales": 0} for h in range(24)]
    assert got["by_county"][-1]["rest"] and len(got["by_county"]) == 1
    assert got["by_booth_kind"] == [] and got["expiring_certificates"] == []
    assert got["quarantined"] == 0 and got["open_alerts"] == {"count": 0, "latest": []}
