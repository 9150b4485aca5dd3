"""The central server benchmark (benchmarks/server.py) at tiny sizes: it runs on SQLite and PostgreSQL, its figures add
up, the text report prints them, and it cleans up its temporary databases."""

from __future__ import annotations

import json
import os

import psycopg
import pytest

from benchmarks import server as bench
from benchmarks.common import DEFAULT_PG
from tests.support.figures import ordered, positive

PG_ADMIN = os.environ.get("BOOTH_POS_TEST_PG", DEFAULT_PG)
REQUIRE_PG = os.environ.get("BOOTH_POS_REQUIRE_PG") == "1"
ENTRIES, PRODUCTS = 200, 500


def _run(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        code = bench.main(list(args))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _pg_reachable() -> bool:
    try:
        psycopg.connect(PG_ADMIN, connect_timeout=5).close()
    except psycopg.Error:
        return False
    return True


@pytest.mark.bench
def test_bench_runs_on_both_databases_and_its_figures_add_up(capsys):
    reachable = _pg_reachable()
    if REQUIRE_PG:
        assert reachable, f"PostgreSQL is required but {PG_ADMIN} is not reachable"
    code, out, err = _run(
        capsys, "--entries", str(ENTRIES), "--products", str(PRODUCTS),
        "--pg", PG_ADMIN, "--json",
    )  # fmt: skip
    assert code == 0, err
    result = json.loads(out)
    assert set(result) >= {"machine", "entries", "products", "journal", "databases"}
    assert (result["entries"], result["products"]) == (ENTRIES, PRODUCTS)
    assert result["machine"]["cpus"] >= 1

    journal = result["journal"]
    assert journal["entries"] == ENTRIES
    assert sum(journal["types"].values()) == ENTRIES
    sold = journal["types"]["sale"]
    assert journal["types"]["shift_open"] == 1  # a terminal sells only in an open shift
    stock_entries = ENTRIES - sold - 1
    assert sold > 0 and journal["types"].get("stock_receive", 0) > 0
    assert journal["sale_lines"] >= sold and journal["payments"] >= sold
    assert journal["split_tenders"] > 0 and journal["weighed_lines"] > 0
    positive(journal, "bytes", "bytes_per_entry", "generate_seconds")

    databases = result["databases"]
    assert set(databases) == {"sqlite", "postgresql"}
    expected_status = {"sqlite": "ok", "postgresql": "ok" if reachable else "skipped"}
    for name, db in databases.items():
        assert db["status"] == expected_status[name], (name, db)
    if not reachable:
        assert databases["postgresql"]["reason"].startswith("not reachable")
        assert result["all_targets_met"] is False

    verdicts = []
    for name, db in databases.items():
        if db["status"] != "ok":
            continue
        ingest = db["ingest"]
        assert ingest["entries"] == ENTRIES and ingest["acked_through"] == ENTRIES
        assert ingest["batches"] == -(-ENTRIES // bench.BATCH)
        assert ingest["verified"] is True and ingest["stored_exactly"] is True
        rows = ingest["rows"]
        assert rows == ingest["raw_rows"], name  # the raw baseline wrote the same rows
        assert rows == {
            "journal": ENTRIES,
            "sales": sold,
            "sale_lines": journal["sale_lines"],
            "payments": journal["payments"],
            "stock_movements": stock_entries,  # a sale's moves are its lines
        }
        positive(
            ingest, "seconds", "entries_per_s", "raw_seconds", "raw_entries_per_s",
            "push_p50_ms", "raw_batch_p50_ms", "ratio", "push_bytes",
        )  # fmt: skip
        assert ingest["ratio"] == round(ingest["entries_per_s"] / ingest["raw_entries_per_s"], 3)
        # "seconds" is rounded to the millisecond; the rate comes from the unrounded sum.
        assert ingest["entries_per_s"] == pytest.approx(ENTRIES / ingest["seconds"], rel=0.01)
        assert ingest["raw_entries_per_s"] == pytest.approx(
            ENTRIES / ingest["raw_seconds"], rel=0.01
        )
        if name == "postgresql":
            assert ingest["target_entries_per_s"] == bench.INGEST_TARGET_PER_S
            assert ingest["pass"] is (ingest["entries_per_s"] >= bench.INGEST_TARGET_PER_S)
        else:
            assert ingest["target_entries_per_s"] is None and ingest["pass"] is None
        # The real journal passes HQ's business checks; the same pushes were timed with them
        # off, on a second server, in the same run.
        assert ingest["quarantined"] == 0
        assert ingest["unchecked_entries_per_s"] > 0 and ingest["checks_ratio"] > 0
        assert ingest["checks_pass"] is (ingest["checks_ratio"] <= bench.CHECKS_TARGET_RATIO)

        feed = db["catalog"]
        assert feed["products"] == feed["import_added"] == PRODUCTS
        # HQ holds the selling terminal's catalog before the pushes, then imports PRODUCTS.
        assert feed["version"] == bench.TERMINAL_PRODUCTS + PRODUCTS
        assert feed["pull_changes"] == feed["pull_products"] == PRODUCTS
        assert feed["pull_pages"] == 1 and feed["polls"] == bench.POLLS
        positive(
            feed, "import_seconds", "pull_seconds", "pull_bytes", "poll_feed_p50_ms",
            "poll_server_p50_ms", "poll_http_p50_ms",
        )  # fmt: skip
        ordered(feed, "poll_server_p50_ms", "poll_server_p99_ms")
        ordered(feed, "poll_http_p50_ms", "poll_http_p99_ms")
        assert feed["pull_pass"] is (feed["pull_seconds"] < bench.PULL_TARGET_S)
        assert feed["poll_pass"] is (feed["poll_server_p50_ms"] < bench.POLL_TARGET_MS)

        live = db["live"]
        assert live["terminals"] == bench.LIVE_TERMINALS
        assert live["pushes"] == live["polls"] == bench.LIVE_TERMINALS * bench.live_rounds(ENTRIES)
        positive(
            live, "push_seconds", "pushes_per_s", "push_p50_ms", "push_p99_ms",
            "poll_seconds", "polls_per_s", "poll_p50_ms", "poll_p99_ms",
        )  # fmt: skip
        ordered(live, "push_p50_ms", "push_p99_ms")
        ordered(live, "poll_p50_ms", "poll_p99_ms")
        assert live["pushes_per_s"] == pytest.approx(
            live["pushes"] / live["push_seconds"], rel=0.01
        )

        storage = db["storage"]
        assert set(storage["bytes"]) == set(bench.INGEST_TABLES)
        assert all(size > 0 for size in storage["bytes"].values())
        assert storage["total_bytes"] == sum(storage["bytes"].values())
        assert storage["total_bytes_per_entry"] == round(storage["total_bytes"] / ENTRIES, 1)
        verdicts += [ingest["pass"], feed["pull_pass"], feed["poll_pass"]]

    if reachable:
        assert result["all_targets_met"] is all(v is not False for v in verdicts)
        assert result["machine"]["postgresql"]
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            left = conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s",
                (f"booth_bench_{os.getpid()}_%",),
            ).fetchall()
        assert left == [], "the bench left its temporary databases behind"

    report = bench.format_report(result)
    assert "journal ingest" in report and "initial pull" in report and "polls/s" in report
    assert "SQLite" in report and "PostgreSQL" in report
    assert "PASS" in report or "FAIL" in report


@pytest.mark.bench
def test_unreachable_postgresql_is_reported_as_skipped(capsys):
    code, out, err = _run(
        capsys, "--entries", str(bench.MIN_ENTRIES), "--products",
        str(bench.MIN_PRODUCTS), "--pg", "postgresql://@/postgres?host=/nonexistent-dir",
    )  # fmt: skip
    assert code == 0, err
    assert "postgresql: skipped, not reachable" in out
    assert "all targets met: no" in out


@pytest.mark.parametrize(
    "args, words",
    [
        (["--entries", "3"], "--entries 3"),
        (["--products", "0"], "--products 0"),
    ],
)
def test_bad_options_exit_1_with_one_line(capsys, args, words):
    code, out, err = _run(capsys, *args, "--pg", "off")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and words in err
