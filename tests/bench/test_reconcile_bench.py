"""The reconciliation benchmark (benchmarks/reconcile.py) on a small day: it seeds, reconciles
against the simulator's bills, finds the 6 planted mismatches and agrees with the raw join."""

from __future__ import annotations

import json
import os

import psycopg
import pytest

from benchmarks import reconcile
from benchmarks.common import DEFAULT_PG

PG_ADMIN = os.environ.get("BOOTH_POS_TEST_PG", DEFAULT_PG)


def test_a_small_reconciliation_benchmark_finds_the_planted_mismatches(capsys):
    try:
        psycopg.connect(PG_ADMIN, connect_timeout=3).close()
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    assert reconcile.main(["--pg", PG_ADMIN, "--payments", "400", "--booths", "8", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["mismatches"] == 6 and result["matched"] == 400 - 3
    assert result["raw_join"]["matched"] == result["matched"]


def test_bad_options_are_refused_in_one_line(capsys):
    assert reconcile.main(["--pg", "off"]) == 1
    assert "needs PostgreSQL" in capsys.readouterr().err
