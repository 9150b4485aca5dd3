"""booth-pos doctor's disk speed check: durable commits timed next to the data directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from pos import doctor
from pos.store import disk_check


def test_a_real_disk_is_measured_and_the_scratch_files_are_removed(tmp_path: Path):
    speed = disk_check.measure(tmp_path, commits=5)
    assert speed.commits == 5
    assert 0 < speed.median_ms <= speed.max_ms
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("median_ms", "status", "words"),
    [(2.0, "ok", "A durable commit takes 2.0 ms"), (60.0, "warn", "The disk is slow"),
     (400.0, "fail", "Move the data directory to an SSD")],
)  # fmt: skip
def test_the_verdict_follows_the_median_commit(tmp_path, monkeypatch, median_ms, status, words):
    monkeypatch.setattr(
        disk_check,
        "measure",
        lambda where, commits=20: disk_check.DiskSpeed(where, commits, median_ms, median_ms * 2),
    )
    got, message = disk_check.verdict(tmp_path)
    assert got == status and words in message and str(tmp_path) in message


def test_a_directory_that_cannot_be_written_fails_in_words(tmp_path: Path):
    status, message = disk_check.verdict(tmp_path / "missing" / "booth")
    assert status == "fail" and "Cannot write a test file" in message


def test_doctor_runs_it_after_the_free_space(tmp_path: Path):
    report = doctor.run_checks(tmp_path / "booth", ui=False)
    names = [check.name for check in report.checks]
    assert names[:3] == ["config", "disk", "disk speed"]
    assert report.checks[2].status in (doctor.OK, doctor.WARN)
