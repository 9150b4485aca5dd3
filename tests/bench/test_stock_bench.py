"""The stock benchmark (benchmarks/stock.py) at a small size: the finish and the raw SELECT
are both timed and agree on every variance; bad options are refused in one line."""

from __future__ import annotations

import json

from benchmarks import stock
from tests.support.figures import positive


def test_finishing_a_count_is_timed_against_the_raw_figures(capsys):
    args = ["--products", "150", "--sales", "1500", "--during", "40", "--runs", "2", "--json"]
    assert stock.main(args) == 0
    result = json.loads(capsys.readouterr().out)
    positive(result, "finish_ms_median", "raw_ms_median", "ratio", "lines_with_variance")
    assert (result["products"], result["sales"], result["sales_during_count"]) == (150, 1500, 40)
    assert result["pass"] == (result["finish_ms_median"] < result["target_ms"] == 200.0)


def test_a_bad_size_is_refused_in_one_line(capsys):
    assert stock.main(["--runs", "0"]) == 1
    assert "at least 1" in capsys.readouterr().err
