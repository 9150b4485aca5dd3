"""The kiosk bundle and .deb, built or found once per session (tests/packaging/deb_build.py).
Every test in this directory is marked ``packaging``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.packaging import deb_build


@pytest.fixture(scope="session")
def bundle() -> Path:
    return deb_build.need()[0]


@pytest.fixture(scope="session")
def deb() -> Path:
    return deb_build.need()[1]
