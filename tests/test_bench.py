"""booth-pos bench: one small run, checked through its JSON report."""

from __future__ import annotations

import contextlib
import io
import json
import math
import sqlite3
import tempfile
from pathlib import Path

import pytest

from pos.bench import percentile, run_bench
from pos.cli import main


@pytest.fixture(scope="module")
def bench_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bench")


@pytest.fixture(scope="module")
def result(bench_dir: Path) -> dict:
    """One small run for the whole module: 2,000 products, 50 lookups and 50 checkouts."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = run_bench(products=2000, directory=str(bench_dir), json_output=True, samples=50)
    assert code == 0
    return json.loads(out.getvalue())


@pytest.mark.bench
def test_bench_json_report(result: dict):
    assert set(result) >= {
        "machine", "products", "database", "import", "lookup", "checkout", "journal",
        "all_targets_met",
    }  # fmt: skip
    machine = result["machine"]
    assert machine["python"] and machine["sqlite"] == sqlite3.sqlite_version
    assert machine["cpus"] >= 1
    assert result["products"] == 2000

    imported = result["import"]
    assert imported["rows"] == 2000
    assert imported["added"] == 2000
    assert imported["seconds"] > 0
    assert imported["rows_per_s"] == pytest.approx(2000 / imported["seconds"], rel=0.01)
    assert imported["target_rows_per_s"] == 10_000
    assert imported["pass"] == (imported["rows_per_s"] >= imported["target_rows_per_s"])

    for section, unit, samples in (("lookup", "us", 50), ("checkout", "ms", 50)):
        figures = result[section]
        assert figures["samples"] == samples
        for pct in (50, 99):
            ours = figures[f"ours_p{pct}_{unit}"]
            raw = figures[f"raw_p{pct}_{unit}"]
            assert 0 < ours < math.inf and 0 < raw < math.inf
            assert 0 < figures[f"ratio_p{pct}"] < math.inf
            assert figures[f"ratio_p{pct}"] == pytest.approx(ours / raw, abs=0.001)
        assert figures[f"ours_p99_{unit}"] >= figures[f"ours_p50_{unit}"]
        assert figures[f"raw_p99_{unit}"] >= figures[f"raw_p50_{unit}"]
        assert figures["target_ratio"] == 3.0
        assert figures["pass"] == (figures["ratio_p50"] <= 3.0 and figures["ratio_p99"] <= 3.0)
    assert result["checkout"]["lines_per_sale"] == 5
    assert result["checkout"]["journal_line_chars"] > 0

    journal = result["journal"]
    assert journal["verified"] is True
    # Warm-up sales are journalled too, so there are at least as many entries as timed ones,
    # plus the shift_open the manager wrote before the first sale.
    assert journal["entries"] >= 1 + 50

    assert result["all_targets_met"] == (
        imported["pass"] and result["lookup"]["pass"] and result["checkout"]["pass"]
    )


@pytest.mark.bench
def test_bench_keeps_its_files_in_the_given_directory(result: dict, bench_dir: Path):
    database = Path(result["database"])
    assert database.exists() and bench_dir in database.parents
    conn = sqlite3.connect(database)
    try:
        # Raw writes went to scratch tables; the real sales are the terminal's checkouts.
        sales = conn.execute("SELECT count(*) FROM sales").fetchone()[0]
        raw_sales = conn.execute("SELECT count(*) FROM raw_sales").fetchone()[0]
        journal = conn.execute("SELECT count(*) FROM journal").fetchone()[0]
    finally:
        conn.close()
    # The journal holds the shift_open, then one entry per sale.
    assert 1 + sales == journal == result["journal"]["entries"]
    assert raw_sales == sales


@pytest.mark.bench
def test_bench_table_output_through_the_cli(tmp_path: Path, capsys):
    code = main(["bench", "--products", "300", "--samples", "10", "--dir", str(tmp_path / "b")])
    assert code == 0
    out = capsys.readouterr().out
    for text in ("barcode lookup", "5-line checkout", "catalog import", "SQLite", "CPU"):
        assert text in out
    assert "verified" in out
    assert "PASS" in out or "FAIL" in out


def test_percentile_interpolates():
    assert percentile([5], 99) == 5
    assert percentile([1, 2, 3, 4, 5], 50) == 3
    assert percentile([0, 100], 99) == pytest.approx(99)
    with pytest.raises(ValueError):
        percentile([], 50)


@pytest.mark.bench
def test_bench_removes_its_temporary_directory(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert run_bench(products=300, directory=None, json_output=True, samples=5) == 0
    assert json.loads(capsys.readouterr().out)["database"] is None
    assert list(tmp_path.iterdir()) == []


def test_bench_refuses_sizes_too_small_to_measure(tmp_path: Path, capsys):
    assert main(["bench", "--products", "3", "--dir", str(tmp_path)]) == 1
    assert "too few" in capsys.readouterr().err
    assert main(["bench", "--samples", "0", "--dir", str(tmp_path)]) == 1
    assert "--samples 0" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
