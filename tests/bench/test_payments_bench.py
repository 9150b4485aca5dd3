"""The mobile payments benchmark runs end to end and reports HQ's overhead."""

from __future__ import annotations

import json

from benchmarks import payments


def test_the_payments_benchmark_reports_hqs_overhead(capsys):
    assert payments.main(["--payments", "10", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["payments"] == 10
    assert figures["through_hq_p50_ms"] > 0 and figures["direct_p50_ms"] > 0
    assert figures["overhead_p99_ms"] == round(
        figures["through_hq_p99_ms"] - figures["direct_p99_ms"], 2
    )


def test_too_few_payments_are_refused_in_one_line(capsys):
    assert payments.main(["--payments", "3"]) == 1
    assert "10 or more" in capsys.readouterr().err
