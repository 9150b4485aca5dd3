"""Checks on a benchmark's figures: numbers that can be wrong, not fields that exist."""

from __future__ import annotations

import math


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
