"""The cashier-screen benchmark runs end to end and reports consistent figures."""

from __future__ import annotations

import json

import pytest

from pos.ui import bench

pytestmark = pytest.mark.bench  # runs the benchmark: make test-fast leaves it out


def test_bench_ui_reports_start_up_memory_and_scan_to_row(capsys):
    assert bench.run(products=300, runs=1, scans=12, json_output=True) == 0
    result = json.loads(capsys.readouterr().out)
    start, scan = result["start"], result["scan"]
    assert start["runs"] == 1 and 0 < start["start_median_s"] < 60
    assert 10 < start["rss_median_mb"] < 2000
    assert scan["scans"] == 12
    assert 0 < scan["scan_to_row_p50_ms"] <= scan["scan_to_row_p99_ms"] < 60_000
    # Turning a scan into a row costs at least the lookup under it, and stays finite.
    assert 0 < scan["raw_lookup_p50_ms"] <= scan["scan_to_row_p50_ms"]
    assert scan["pass"] == (scan["scan_to_row_p99_ms"] < bench.FRAME_MS)
