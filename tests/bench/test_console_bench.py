"""The console benchmark (benchmarks/console.py) on a small seed: it seeds, rebuilds the
daily figures, checks they equal the raw tables' and reports ordered percentiles."""

from __future__ import annotations

import json
import os

import psycopg
import pytest

from benchmarks import console
from benchmarks.common import DEFAULT_PG
from tests.support.figures import ordered, positive

PG_ADMIN = os.environ.get("BOOTH_POS_TEST_PG", DEFAULT_PG)


def test_a_small_console_benchmark_runs_and_its_figures_add_up(capsys):
    try:
        psycopg.connect(PG_ADMIN, connect_timeout=3).close()
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    code = console.main(
        ["--pg", PG_ADMIN, "--sales", "2000", "--booths", "20", "--products", "200"]
        + ["--suppliers", "40", "--days", "3", "--runs", "5", "--json"]
    )
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert 1900 <= result["seed"]["sales"] <= 2000 and result["seed"]["lines"] >= 2000
    assert result["seed"]["day_rows"] > 0
    for name in ("dashboard", "booth_health", "month_by_county"):
        ordered(result[name], "p50_ms", "p95_ms")
        ordered(result[name], "raw_p50_ms", "raw_p95_ms")
        positive(result[name], "ratio_p95")


def test_bad_options_are_refused_in_one_line(capsys):
    assert console.main(["--pg", "off"]) == 1
    assert "needs PostgreSQL" in capsys.readouterr().err
    assert console.main(["--sales", "0"]) == 1
    assert "--sales must be 1 or more" in capsys.readouterr().err
