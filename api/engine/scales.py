"""The bounded curves the model turns raw signals into points with."""

from __future__ import annotations

import math


def clamp01(value: float) -> float:
    return 0.0 if value <= 0.0 else 1.0 if value >= 1.0 else value


def ramp(value: float, low: float, high: float) -> float:
    """0 at `low`, 1 at `high`, linear in between."""
    if high <= low:
        return 1.0 if value >= high else 0.0
    return clamp01((value - low) / (high - low))


def saturating(value: float, scale: float) -> float:
    """0 at 0, ~0.63 at `scale`, towards 1: diminishing returns of repeated signal."""
    return 1.0 - math.exp(-max(0.0, value) / scale)
