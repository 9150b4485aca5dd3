"""Every test here runs a benchmark (benchmarks/ at the repository root)."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/bench/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.bench)
