"""The benchmarks live in benchmarks/ at the repository root, outside the product package:
make them importable however pytest was started."""

from __future__ import annotations

import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def positive(figures: dict, *keys: str) -> None:
    """Each figure is a finite number above zero."""
    for key in keys:
        value = figures[key]
        assert isinstance(value, int | float) and not isinstance(value, bool), key
        assert math.isfinite(value) and value > 0, f"{key} is {value}"


def ordered(figures: dict, low: str, high: str) -> None:
    """Both positive and finite, and the median (or lower percentile) is not above the other."""
    positive(figures, low, high)
    assert figures[low] <= figures[high], f"{low} {figures[low]} > {high} {figures[high]}"
