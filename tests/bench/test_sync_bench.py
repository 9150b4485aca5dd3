"""The terminal-side sync benchmark (benchmarks/sync_client.py) runs end to end with
consistent figures, on SQLite and, when reachable, PostgreSQL."""

from __future__ import annotations

import json
import os

from benchmarks import sync_client as bench
from benchmarks.common import DEFAULT_PG
from tests.support.figures import positive

PG_ADMIN = os.environ.get("BOOTH_POS_TEST_PG", DEFAULT_PG)
REQUIRE_PG = os.environ.get("BOOTH_POS_REQUIRE_PG") == "1"
ENTRIES, PRODUCTS = 60, 200


def test_the_backlog_drains_the_catalog_arrives_and_an_idle_round_is_timed(capsys):
    assert bench.run(ENTRIES, PRODUCTS, PG_ADMIN, json_output=True) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["entries"], result["products"]) == (ENTRIES, PRODUCTS)
    assert result["journal"]["entries"] == ENTRIES
    if "skipped" in result["postgresql"]:
        assert not REQUIRE_PG, result["postgresql"]["skipped"]
    for label in ("sqlite", "postgresql"):
        figures = result[label]
        if "skipped" in figures:
            continue
        assert figures["backlog_entries"] == figures["pushed"] == ENTRIES
        assert figures["catalog_products"] == figures["pulled_changes"] == PRODUCTS
        assert figures["active_products_on_terminal"] >= PRODUCTS
        positive(figures, "drain_s", "drain_entries_per_s", "pull_s", "idle_round_cpu_ms")
        # drain_s is printed to 0.01 s, so the rate lies between what its rounding allows
        low, high = figures["drain_s"] - 0.005, figures["drain_s"] + 0.005
        assert ENTRIES / high - 1 <= figures["drain_entries_per_s"] <= ENTRIES / max(low, 1e-3) + 1
        positive(figures, "idle_round_wall_ms")


def test_postgresql_can_be_left_out(capsys):
    assert bench.main(["--entries", "50", "--products", "100", "--pg", "off", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["postgresql"] == {"skipped": "not requested (--pg off)"}
    assert result["sqlite"]["pushed"] == 50
