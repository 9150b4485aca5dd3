"""The bundled binary runs on its own: --version, a fresh booth, and `doctor --json` offscreen,
which loads Qt, the translations and the assets from the frozen bundle."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import time
from pathlib import Path

import pytest

from pos import __version__

pytestmark = pytest.mark.packaging  # make test-fast leaves the kiosk package out


def _env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    return {**env, "QT_QPA_PLATFORM": "offscreen", **extra}


def _run(bundle: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(bundle / "booth-pos"), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=_env(),
        timeout=120,
        **kwargs,
    )


def _wall(bundle: Path, *args: str) -> float:
    started = time.perf_counter()
    _run(bundle, *args)
    return time.perf_counter() - started


@pytest.fixture(scope="module")
def booth(bundle, tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("kiosk") / "booth"
    result = _run(bundle, "--home", str(home), "init", "--terminal", "CQ-FJ-001-T1",
                  "--booth-name", "奉节县扶贫专柜")  # fmt: skip
    assert result.returncode == 0, result.stderr
    return home


def test_the_bundle_says_its_version(bundle):
    result = _run(bundle, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"booth-pos {__version__}"


def test_doctor_passes_on_a_fresh_booth_from_the_bundle(bundle, booth):
    result = _run(bundle, "--home", str(booth), "doctor", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["version"] == __version__
    checks = {check["name"]: check for check in report["checks"]}
    assert checks["database"]["status"] == "ok"
    assert checks["journal"]["status"] == "ok"
    # Qt, our .qm files, Qt's own qtbase_zh_CN.qm and a CJK font, all found while frozen.
    assert checks["ui"]["status"] == "ok", checks["ui"]["message"]


def test_doctor_from_the_bundle_fails_on_a_missing_booth(bundle, tmp_path):
    result = _run(bundle, "--home", str(tmp_path / "none"), "doctor")
    assert result.returncode == 1
    assert "fail  database" in result.stdout and "booth-pos init" in result.stdout


def test_the_bundle_sells_with_its_bundled_demo_catalog(bundle, tmp_path):
    result = _run(bundle, "--home", str(tmp_path / "demo"), "demo")
    assert result.returncode == 0, result.stderr
    assert "Journal OK" in result.stdout


def test_the_bundle_starts_quickly(bundle, booth):
    """Start-up figures (median of several runs): reported in docs/deployment.md."""
    version = statistics.median(_wall(bundle, "--version") for _ in range(5))
    doctor = statistics.median(
        _wall(bundle, "--home", str(booth), "doctor", "--json") for _ in range(3)
    )
    print(f"bundle start-up: --version {version:.2f} s, doctor --json {doctor:.2f} s")
    assert version < 5.0
    assert doctor < 20.0
