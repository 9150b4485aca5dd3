"""The cashier-screen benchmark (benchmarks/ui.py) runs end to end with consistent figures."""

from __future__ import annotations

import json

from benchmarks import ui as bench
from tests.support.figures import ordered, positive


def test_start_up_memory_and_scan_to_row_are_measured_as_asked(capsys):
    assert bench.main(["--products", "300", "--runs", "2", "--scans", "12", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["products"] == 300
    start, scan = result["start"], result["scan"]
    assert start["runs"] == 2
    ordered(start, "start_median_s", "start_max_s")
    assert start["start_max_s"] < 60  # the bench gives up on a start-up after 60 s
    positive(start, "rss_median_mb")
    assert 10 < start["rss_median_mb"] < 2000
    assert scan["scans"] == 12
    ordered(scan, "scan_to_row_p50_ms", "scan_to_row_p99_ms")
    ordered(scan, "raw_lookup_p50_ms", "raw_lookup_p99_ms")
    assert scan["pass"] == (scan["scan_to_row_p99_ms"] < bench.FRAME_MS)
