"""The terminal benchmark (benchmarks/terminal.py): one small run, checked through its JSON."""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
import tempfile
from pathlib import Path

import pytest

from benchmarks.common import percentile
from benchmarks.terminal import SALE_TABLES, create_raw_tables, main, run_bench
from pos.store.db import DB_NAME, connect
from pos.terminal import Terminal
from tests.support.figures import ordered, positive

PRODUCTS, SAMPLES = 2000, 50


@pytest.fixture(scope="module")
def bench_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bench")


@pytest.fixture(scope="module")
def result(bench_dir: Path) -> dict:
    """One small run for the whole module: 2,000 products, 50 lookups and 50 checkouts."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = run_bench(PRODUCTS, str(bench_dir), json_output=True, samples=SAMPLES)
    assert code == 0
    return json.loads(out.getvalue())


def test_the_machine_and_the_import_are_what_was_asked(result: dict):
    machine = result["machine"]
    assert machine["python"] and machine["sqlite"] == sqlite3.sqlite_version
    assert machine["cpus"] >= 1
    assert result["products"] == PRODUCTS
    imported = result["import"]
    assert imported["rows"] == imported["added"] == PRODUCTS
    positive(imported, "seconds", "rows_per_s", "csv_bytes")
    assert imported["rows_per_s"] == pytest.approx(PRODUCTS / imported["seconds"], rel=0.01)
    assert imported["pass"] == (imported["rows_per_s"] >= imported["target_rows_per_s"])


@pytest.mark.parametrize(("section", "unit"), [("lookup", "us"), ("checkout", "ms")])
def test_lookups_and_checkouts_have_ordered_percentiles_and_finite_ratios(result, section, unit):
    figures = result[section]
    assert figures["samples"] == SAMPLES
    for side in ("ours", "raw"):
        ordered(figures, f"{side}_p50_{unit}", f"{side}_p99_{unit}")
    for pct in (50, 99):
        positive(figures, f"ratio_p{pct}")
        expected = figures[f"ours_p{pct}_{unit}"] / figures[f"raw_p{pct}_{unit}"]
        assert figures[f"ratio_p{pct}"] == pytest.approx(expected, abs=0.001)
    assert figures["pass"] == (
        figures["ratio_p50"] <= figures["target_ratio"]
        and figures["ratio_p99"] <= figures["target_ratio"]
    )


def test_checkouts_are_real_verified_sales(result: dict):
    assert result["checkout"]["lines_per_sale"] == 5
    positive(result["checkout"], "journal_line_chars")
    journal = result["journal"]
    assert journal["verified"] is True
    # The shift_open, 20 warm-up sales and one sale per timed checkout.
    assert journal["entries"] == 1 + 20 + SAMPLES
    assert result["all_targets_met"] == (
        result["import"]["pass"] and result["lookup"]["pass"] and result["checkout"]["pass"]
    )


def test_the_files_are_kept_and_raw_writes_stay_in_scratch_tables(result: dict, bench_dir: Path):
    database = Path(result["database"])
    assert database.exists() and bench_dir in database.parents
    conn = sqlite3.connect(database)
    try:
        sales = conn.execute("SELECT count(*) FROM sales").fetchone()[0]
        raw_sales = conn.execute("SELECT count(*) FROM raw_sales").fetchone()[0]
        journal = conn.execute("SELECT count(*) FROM journal").fetchone()[0]
    finally:
        conn.close()
    assert sales == raw_sales == 20 + SAMPLES
    assert journal == 1 + sales == result["journal"]["entries"]


def test_the_raw_tables_have_the_terminals_own_shapes(tmp_path: Path):
    terminal, _ = Terminal.init(tmp_path / "booth", "T1", "测试")
    terminal.close()
    conn = connect(tmp_path / "booth" / DB_NAME)
    try:
        create_raw_tables(conn)
        for table in SALE_TABLES:
            real = conn.execute(f"PRAGMA table_info({table})").fetchall()
            raw = conn.execute(f"PRAGMA table_info(raw_{table})").fetchall()
            assert raw == real, table
            keys = [row[2:5] for row in conn.execute(f"PRAGMA foreign_key_list(raw_{table})")]
            wanted = [
                (f"raw_{t}" if t in SALE_TABLES else t, src, dst)
                for _, _, t, src, dst, *_ in conn.execute(f"PRAGMA foreign_key_list({table})")
            ]
            assert keys == wanted, table
        indexed = {row[0] for row in conn.execute("SELECT tbl_name FROM sqlite_schema WHERE type = 'index' AND name LIKE 'raw_%'")}  # fmt: skip
        assert indexed >= {"raw_stock_movements", "raw_journal"}
    finally:
        conn.close()


def test_the_table_report_through_the_command(tmp_path: Path, capsys):
    assert main(["--products", "300", "--samples", "10", "--dir", str(tmp_path / "b")]) == 0
    out = capsys.readouterr().out
    for text in ("barcode lookup (10)", "5-line checkout (10)", "catalog import", "300 rows"):
        assert text in out
    assert "31 entries, verified" in out


def test_percentile_interpolates():
    assert percentile([5], 99) == 5
    assert percentile([1, 2, 3, 4, 5], 50) == 3
    assert percentile([0, 100], 99) == pytest.approx(99)
    with pytest.raises(ValueError):
        percentile([], 50)


def test_the_temporary_directory_is_removed(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert run_bench(products=300, directory=None, json_output=True, samples=5) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["database"] is None and result["lookup"]["samples"] == 5
    assert list(tmp_path.iterdir()) == []


def test_sizes_too_small_to_measure_are_refused_in_one_line(tmp_path: Path, capsys):
    assert main(["--products", "3", "--dir", str(tmp_path)]) == 1
    assert "too few" in capsys.readouterr().err
    assert main(["--samples", "0", "--dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "--samples 0" in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []
