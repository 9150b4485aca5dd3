"""The kiosk bundle and .deb under test: built once per session by `make deb` when
BOOTH_POS_BUILD_DEB=1 (CI sets it: .ci/run), otherwise the ones already in dist/, otherwise
the tests that need them are skipped. Building takes a minute or two.

The ``bundle`` and ``deb`` fixtures built on these are in tests/packaging/conftest.py.
"""

from __future__ import annotations

import fcntl
import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "bundle" / "booth-pos"
BUILD_ENV = "BOOTH_POS_BUILD_DEB"
sys.path.insert(0, str(ROOT / "packaging"))

import build_deb  # noqa: E402 - packaging/ is not a package
import libs  # noqa: E402, F401 - re-exported for the tests

UNIT = ROOT / "packaging" / "systemd" / "booth-pos-kiosk.service"


@functools.cache
def _make_deb() -> str:
    """Run `make deb` once per test run; '' or its failure (kept, not retried).

    `make test` runs the tests in two pytest-xdist worker processes and either may need the
    package first: a lock makes the other wait, and a stamp naming this run tells it the
    build is done (or how it failed) instead of building again over the first one's files.
    """
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", f"pid-{os.getpid()}")
    (ROOT / "build").mkdir(exist_ok=True)
    stamp = ROOT / "build" / "deb-test-run"
    with open(ROOT / "build" / "deb-test-run.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        done = stamp.read_text(encoding="utf-8") if stamp.exists() else ""
        if done.startswith(run + "\n"):
            return done.removeprefix(run + "\n")
        result = subprocess.run(
            ["make", "deb"], cwd=ROOT, capture_output=True, text=True, encoding="utf-8"
        )
        failure = ""
        if result.returncode != 0:
            failure = f"make deb failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        stamp.write_text(f"{run}\n{failure}", encoding="utf-8")
        return failure


def artefacts() -> tuple[Path, Path] | None:
    """(bundle folder, .deb), built first if asked; None when there are none."""
    if os.environ.get(BUILD_ENV) == "1":
        failure = _make_deb()
        if failure:
            raise RuntimeError(failure)
    deb = build_deb.deb_name(ROOT / "dist")
    if deb.is_file() and (BUNDLE / "booth-pos").is_file():
        return BUNDLE, deb
    return None


def _need() -> tuple[Path, Path]:
    found = artefacts()
    if found is None:
        pytest.skip(f"no kiosk package: run 'make deb' or set {BUILD_ENV}=1")
    return found


def need() -> tuple[Path, Path]:
    """(bundle folder, .deb), or the test is skipped."""
    return _need()


def unit_settings(path: Path = UNIT) -> dict[str, str]:
    """The [Service] settings of a unit file (the last value of each key)."""
    settings, section = {}, ""
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
        elif "=" in line and not line.startswith("#") and section == "[Service]":
            key, _, value = line.partition("=")
            settings[key] = value
    return settings


def seconds(value: str) -> float:
    """A systemd time span as written in our units: '30s', '2s' or '2'."""
    return float(value.removesuffix("s"))
