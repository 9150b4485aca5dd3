"""The fleet load test (benchmarks/fleet.py) on a short run: 100 virtual terminals enrolled
through the real API sell for 20 s against a real HQ process; no request fails, every
journal at HQ equals what its terminal sent, and the figures add up."""

from __future__ import annotations

import json
import os

import psycopg
import pytest

from benchmarks import fleet
from benchmarks.common import DEFAULT_PG

PG_ADMIN = os.environ.get("BOOTH_POS_TEST_PG", DEFAULT_PG)
TERMINALS, SECONDS, POLL_S, SALES_PER_MINUTE = 100, 20, 10, 6


def _run(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = fleet.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _short_run(capsys, *extra: str) -> dict:
    code, out, err = _run(
        capsys, "--terminals", str(TERMINALS), "--seconds", str(SECONDS),
        "--poll-s", str(POLL_S), "--sales-per-minute", str(SALES_PER_MINUTE), "--json", *extra,
    )  # fmt: skip
    result = json.loads(out)
    assert code == 0, (result["errors"], result["journals_mismatched"], err)
    return result


def _check(result: dict) -> None:
    assert result["pass"] is True
    assert result["errors"] == {}
    assert result["journals_checked"] == TERMINALS and result["journals_mismatched"] == []
    assert result["quarantined"] == 0, "HQ's business checks held back a fleet sale"
    assert result["unpushed_entries"] == 0
    kinds = result["kinds"]
    # Sales are 5 s or more apart and each is pushed ~300 ms later: one push per sale.
    sales = result["sales"]
    assert sales >= TERMINALS  # 6 a minute for 10 to 20 s each
    assert result["entries_pushed"] == sales == kinds["push"]["requests"]
    # Every round asks the time, then polls (one page: the first pulls the 50 products, the
    # price change is one more): as many of each, at least a start round per terminal and
    # one round per sale. HQ's head is asked once per terminal, at its first round: after
    # that each push's answer and each page's X-Journal-Head say it (sync/client.py).
    rounds = kinds["time"]["requests"]
    assert rounds == kinds["poll"]["requests"]
    assert rounds >= TERMINALS + sales
    assert kinds["head"]["requests"] == TERMINALS
    # The price change made through the admin API half-way reached every terminal before
    # the end, and no terminal sold at the old price after pulling the new one.
    rolled = result["rollout"]
    assert rolled["terminals_updated"] == rolled["terminals"] == TERMINALS, rolled
    assert rolled["new_price_fen"] == rolled["old_price_fen"] + fleet.ROLLOUT_RAISE_FEN
    assert 0 < rolled["changed_at_s"] < SECONDS
    assert 0 <= rolled["p50_s"] <= rolled["all_within_s"] <= SECONDS
    assert rolled["lines_sold_at_old_price_after"] == 0
    assert result["requests"] == sum(k["requests"] for k in kinds.values())
    assert result["wall_s"] >= SECONDS
    for kind in kinds.values():
        # per_s comes from the unrounded wall time; wall_s is rounded to 0.1 s, per_s too
        wall = result["wall_s"]
        low, high = kind["requests"] / (wall + 0.05), kind["requests"] / (wall - 0.05)
        assert low - 0.05 <= kind["per_s"] <= high + 0.05, (kind, wall)
        assert 0 < kind["p50_ms"] <= kind["p95_ms"] <= kind["p99_ms"]
    assert result["hq_cpu_s"] > 0 and result["generator_cpu_s"] > 0


@pytest.mark.bench
def test_a_short_fleet_on_sqlite_loses_nothing_and_its_figures_add_up(capsys):
    # Two generator processes, each driving half the terminals: their figures are merged.
    result = _short_run(capsys, "--processes", "2")
    assert result["database"] == "sqlite" and result["pg_peak_connections"] is None
    assert result["generator_processes"] == 2
    _check(result)


@pytest.mark.bench
def test_saturation_counts_pushes_against_raw_inserts_of_the_same_rows(capsys):
    code, out, err = _run(
        capsys, "--terminals", "8", "--seconds", "4", "--saturate", "--json"
    )  # fmt: skip
    result = json.loads(out)
    assert code == 0, (result["errors"], err)
    assert result["mode"] == "saturation" and "rollout" not in result
    assert result["journals_mismatched"] == [] and result["unpushed_entries"] == 0
    assert result["quarantined"] == 0
    sat, pushes = result["saturation"], result["kinds"]["push"]
    assert sat["pushes_per_s"] == pushes["per_s"] > 0
    # The raw side inserted exactly the entries HQ took, one transaction each.
    assert sat["raw_entries"] == result["entries_pushed"] == result["sales"] > 0
    assert sat["raw_inserts_per_s"] > 0
    assert sat["ratio"] == round(sat["pushes_per_s"] / sat["raw_inserts_per_s"], 3)
    # No polls beyond each terminal's first round: one time, head and poll each.
    assert result["kinds"]["poll"]["requests"] == result["kinds"]["head"]["requests"] == 8


def test_bad_generator_options_are_refused_in_one_line(capsys):
    code, _, err = _run(capsys, "--processes", "0")
    assert code == 1 and "--processes is 1 to" in err and len(err.strip().splitlines()) == 1


def _pg_reachable() -> bool:
    try:
        psycopg.connect(PG_ADMIN, connect_timeout=5).close()
    except psycopg.Error:
        return False
    return True


@pytest.mark.bench
@pytest.mark.pg
def test_a_short_fleet_on_postgresql_loses_nothing_and_counts_connections(capsys):
    if not _pg_reachable():
        pytest.skip(f"PostgreSQL is not reachable at {PG_ADMIN}")
    result = _short_run(capsys, "--db", PG_ADMIN)
    assert result["database"] == "postgresql"
    _check(result)
    # Two workers' pools (docs/server.md, "Connection budget"): some, never past the budget.
    assert 1 <= result["pg_peak_connections"] <= 2 * 20


@pytest.mark.bench
def test_a_journal_hq_holds_differently_fails_the_run(capsys, monkeypatch):
    real = fleet.held_hashes

    async def one_entry_short(http, term):
        acked, hashes = await real(http, term)
        return acked, hashes[:-1]

    monkeypatch.setattr(fleet, "held_hashes", one_entry_short)
    code, out, _ = _run(
        capsys, "--terminals", "3", "--seconds", "3", "--poll-s", "1", "--sales-per-minute", "60"
    )
    assert code == 1
    assert out.rstrip().endswith("FAIL")
    assert "journals at HQ equal to what was sent: 0 of 3" in out
