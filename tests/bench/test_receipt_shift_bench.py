"""The receipt and the shift benchmarks (benchmarks/receipt.py, benchmarks/shift.py) at
small sizes: every figure is measured, and they add up."""

from __future__ import annotations

import json

import pytest

from benchmarks import receipt, shift
from tests.support.figures import positive


def test_the_receipt_is_measured_in_every_mode_on_both_papers(capsys):
    assert receipt.main(["--runs", "4", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    rows = result["rows"]
    assert [(r["paper_mm"], r["mode"].split(",")[0].split(" ")[0]) for r in rows] == [
        (paper, mode) for paper in (58, 80) for mode in ("text", "text", "raster")
    ]
    for row in rows:
        positive(row, "bytes", "render_ms_median", "send_s_9600", "send_s_115200")
        assert row["send_s_9600"] == pytest.approx(row["bytes"] * 10 / 9600, abs=0.01)
    for paper in (58, 80):
        text, image, raster = (r["bytes"] for r in rows if r["paper_mm"] == paper)
        assert text < image < raster
        assert text < result["target_bytes"]


def test_the_x_report_and_the_z_close_are_timed_on_the_sales_asked_for(capsys):
    assert shift.main(["--sales", "2000", "--day", "50", "--runs", "2", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert (figures["sales"], figures["shift_sales"]) == (2000, 50)
    positive(figures, "fill_s", "x_ms_median", "raw_ms_median", "x_ratio", "z_ms_median")
    assert figures["x_ratio"] == pytest.approx(figures["x_ms_median"] / figures["raw_ms_median"], abs=0.02)  # fmt: skip
    assert figures["pass"] == (figures["x_ms_median"] < 100 and figures["z_ms_median"] < 100)


def test_a_shift_larger_than_the_year_is_refused_in_one_line(capsys):
    assert shift.main(["--sales", "10", "--day", "50"]) == 1
    err = capsys.readouterr().err
    assert "--sales must be more than --day" in err and err.count("\n") == 1
