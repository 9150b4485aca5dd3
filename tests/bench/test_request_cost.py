"""What one request of a terminal's round costs HQ (benchmarks/request_cost.py), on SQLite:
the idle requests write nothing, an unchanged feed with its ETag is a 304, the clock check
runs no SQL, and a one-entry push writes its entry."""

from __future__ import annotations

import json

import pytest

from benchmarks import request_cost


@pytest.mark.bench
def test_idle_requests_write_nothing_and_a_push_writes_its_entry(capsys):
    capsys.readouterr()
    assert request_cost.main(["--requests", "10", "--pg", "off", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)["databases"]["sqlite"]
    assert set(figures) == set(request_cost.KINDS)
    for kind in ("head", "poll", "poll_etag", "time"):
        assert figures[kind]["writes"] == 0, (kind, figures[kind])
    assert figures["time"]["statements"] == 0
    assert figures["poll_etag"]["statuses"] == [304]
    assert figures["poll"]["statuses"] == figures["head"]["statuses"] == [200]
    # the entry, its sale, line, payment and stock rows, the figures and the terminal's head
    assert figures["push"]["statuses"] == [200] and figures["push"]["writes"] >= 6
    for kind in request_cost.KINDS:
        assert figures[kind]["cpu_ms_median"] > 0 and figures[kind]["cpu_ms_mean"] > 0


def test_too_few_requests_are_refused_in_one_line(capsys):
    assert request_cost.main(["--requests", "3", "--pg", "off"]) == 1
    assert "--requests is at least 10" in capsys.readouterr().err
