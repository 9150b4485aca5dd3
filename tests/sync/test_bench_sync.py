"""The terminal-side sync benchmark runs end to end with consistent figures."""

from __future__ import annotations

import json
import math

import pytest

from sync import bench_client
from tests.support.pg import REQUIRE_PG

pytestmark = pytest.mark.bench  # runs the benchmark: make test-fast leaves it out


def test_bench_sync_drains_pulls_and_measures_an_idle_round(capsys):
    assert bench_client.run(entries=60, products=200, json_output=True) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) >= {"sqlite", "postgresql"}
    for label in ("sqlite", "postgresql"):
        figures = result[label]
        if "skipped" in figures:
            assert label == "postgresql" and not REQUIRE_PG, figures["skipped"]
            continue
        assert figures["backlog_entries"] == 60 and figures["pushed"] == 60
        assert figures["catalog_products"] == 200 and figures["pulled_changes"] == 200
        assert figures["active_products_on_terminal"] >= 200
        assert 0 <= figures["drain_s"] < 60 and 0 <= figures["pull_s"] < 60  # rounded to 10 ms
        assert 0 < figures["drain_entries_per_s"] < math.inf
        assert 0 < figures["idle_round_cpu_ms"] <= figures["idle_round_wall_ms"] * 50
