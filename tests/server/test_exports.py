"""Whole reports as CSV and .xlsx: every figure equals the JSON report's, for every
grouping and the Z list, with Chinese names and amounts past 2**53; an export is always the
whole report, never a page. And the JSON reports read from the daily figures equal the same
reports read from the projections, with and without filters and paging."""

# ruff: noqa: F811  (pytest fixtures imported from the module that builds the journals)
from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest
import requests
from sqlalchemy import update

from sync.server import figures, reports
from sync.server.db import reading
from sync.server.tables import booths
from tests.server.test_reports import (  # noqa: F401  (fixtures)
    FIRST,
    LAST,
    journals,
    loaded,
)

GROUPS = reports.GROUPS
EVER = {"from": "2026-01-01", "to": "2026-12-31"}


def _get(server, path: str, headers: dict, **params) -> requests.Response:
    response = requests.get(server.api(path), params=params, headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    return response


def _csv_rows(response: requests.Response) -> list[dict]:
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 BOM"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.content[3:].decode("utf-8"))))


def _xlsx_rows(response: requests.Response) -> list[dict]:
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    header = values[0]
    return [dict(zip(header, row, strict=True)) for row in values[1:]]


def _yuan(fen: int) -> str:
    return f"{'-' if fen < 0 else ''}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def _check(rows: list[dict], want: list[dict], key: str, as_text: bool) -> None:
    assert len(rows) == len(want)
    for got, row in zip(rows, want, strict=True):
        assert got[key] == row["key"]
        if "name" in row:
            assert got["name"] == row["name"]
        for field, value in row.items():
            if field in ("key", "name"):
                continue
            cell = got[field]
            assert (str(cell) if not as_text and cell is not None else cell) == str(value), field
            if field.endswith("_fen"):
                assert got[field.removesuffix("_fen") + "_yuan"] == _yuan(value)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_sales_exports_equal_the_json_for_every_grouping(server, loaded, kind):
    params = {"from": FIRST, "to": LAST}
    for group_by in GROUPS:
        report = _get(server, "/reports/sales", loaded["admin"], group_by=group_by, **params)
        whole = report.json()
        page = _get(
            server, "/reports/sales", loaded["admin"], group_by=group_by, limit=1, **params
        ).json()
        assert len(page["rows"]) == 1 and page["row_count"] == whole["row_count"] > 1
        assert page["total"] == whole["total"]
        exported = _get(
            server,
            f"/reports/sales.{kind}",
            loaded["admin"],
            group_by=group_by,
            limit=1,  # not a parameter of an export: the whole report comes anyway
            **params,
        )
        rows = _csv_rows(exported) if kind == "csv" else _xlsx_rows(exported)
        want = [*whole["rows"], {"key": "TOTAL", **whole["total"]}]
        _check(rows, want, group_by, as_text=kind == "csv")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_chinese_names_and_64_bit_amounts_survive_the_export(server, loaded, kind):
    big = 2**62 + 123  # far past 2**53: a double (Excel's number) would round it
    with server.engine.begin() as conn:
        conn.execute(update(booths).where(booths.c.id == "B2").values(name="=巫山县扶贫专柜"))
        made = figures.Figures()
        made.add_day(date(2026, 11, 28), "booth", "B1", sales=1, sales_fen=big)
        figures.store(conn, made, accumulate=True)
    params = {"group_by": "booth", "from": FIRST, "to": LAST}
    whole = _get(server, "/reports/sales", loaded["admin"], **params).json()
    b1 = next(row for row in whole["rows"] if row["key"] == "B1")
    assert b1["amount_fen"] > big and b1["name"] == "奉节县扶贫专柜"
    exported = _get(server, f"/reports/sales.{kind}", loaded["admin"], **params)
    rows = _csv_rows(exported) if kind == "csv" else _xlsx_rows(exported)
    got = {row["booth"]: row for row in rows}
    assert str(got["B1"]["amount_fen"]) == str(b1["amount_fen"])  # exact, as text in .xlsx
    assert got["B1"]["amount_yuan"] == _yuan(b1["amount_fen"])
    assert got["B1"]["name"] == "奉节县扶贫专柜"
    assert got["B2"]["name"] == "'=巫山县扶贫专柜"  # never run as a formula
    assert str(got["TOTAL"]["amount_fen"]) == str(whole["total"]["amount_fen"])


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_z_list_export_equals_the_json(server, loaded, kind):
    params = {"from": "2026-11-27", "to": "2026-12-03"}
    report = _get(server, "/reports/closes", loaded["admin"], **params).json()
    exported = _get(server, f"/reports/closes.{kind}", loaded["admin"], **params)
    rows = _csv_rows(exported) if kind == "csv" else _xlsx_rows(exported)
    want = [
        (day["business_day"], day["booth_name"], close["seq"], method, figures_)
        for day in report["days"]
        for close in day["closes"]
        for method, figures_ in (close["tenders"].items() or [("", {})])
    ]
    assert len(rows) == len(want)
    for got, (day, booth_name, seq, method, figures_) in zip(rows, want, strict=True):
        assert (got["business_day"], got["booth_name"], str(got["seq"])) == (
            day,
            booth_name,
            str(seq),
        )
        assert (got["method"] or "") == method
        for key, value in figures_.items():
            assert str(got[key]) == str(value)
            assert got[key.removesuffix("_fen") + "_yuan"] == _yuan(value)


def test_reports_from_the_figures_equal_the_reports_from_the_projections(server, loaded):
    first, last = date.fromisoformat(FIRST), date(2026, 12, 31)
    with reading(server.engine) as conn:
        for group_by in GROUPS:
            raw = reports.sales(conn, group_by, first, last, source="raw")
            fast = reports.sales(conn, group_by, first, last, source="figures")
            assert fast == raw, group_by
            assert raw["rows"], group_by
            for row in raw["rows"][:2]:  # a filter on the grouping's own key
                column = {"county": "county", "supplier": "supplier", "product": "product"}
                if group_by in column:
                    one = {column[group_by]: row["key"]}
                    assert reports.sales(conn, group_by, first, last, **one, source="figures") == (
                        reports.sales(conn, group_by, first, last, **one, source="raw")
                    )
            for booth in ("B1", "B2"):
                if group_by in ("day", "booth", "tender"):
                    continue
                auto = reports.sales(conn, group_by, first, last, booth)  # reads the projections
                assert auto["rows"] and auto["booth"] == booth
        for group_by in ("day", "booth"):
            for booth in ("B1", "B2"):
                raw = reports.sales(conn, group_by, first, last, booth, source="raw")
                fast = reports.sales(conn, group_by, first, last, booth, source="figures")
                assert fast == raw, (group_by, booth)


def test_filters_and_paging_of_the_sales_report(server, loaded):
    whole = _get(server, "/reports/sales", loaded["admin"], group_by="product", **EVER).json()
    county = next(row["key"] for row in _get(
        server, "/reports/sales", loaded["admin"], group_by="county", **EVER
    ).json()["rows"])  # fmt: skip
    by_day = _get(
        server, "/reports/sales", loaded["admin"], group_by="day", county=county, **EVER
    ).json()
    only = _get(
        server, "/reports/sales", loaded["admin"], group_by="county", county=county, **EVER
    ).json()
    (row,) = only["rows"]
    # a day report of one county's lines adds up to that county's row
    for figure in ("amount_fen", "refunded_fen", "lines", "qty", "weight_g"):
        assert by_day["total"][figure] == row[figure], figure
    assert by_day["county"] == county and by_day["row_count"] == len(by_day["rows"])
    # paging walks the whole list once
    seen = []
    for offset in range(0, whole["row_count"], 3):
        page = _get(
            server,
            "/reports/sales",
            loaded["admin"],
            group_by="product",
            limit=3,
            offset=offset,
            **EVER,
        ).json()
        assert page["total"] == whole["total"] and page["offset"] == offset
        seen += page["rows"]
    assert seen == whole["rows"]
    refused = requests.get(
        server.api("/reports/sales"),
        params={"group_by": "tender", "county": county, **EVER},
        headers=loaded["admin"],
        timeout=10,
    )
    assert refused.status_code == 422 and "tender" in refused.json()["detail"]
