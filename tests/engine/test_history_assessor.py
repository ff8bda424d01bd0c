"""`HistoryAssessor.at` is `assess_brand` of the point's own buckets and slots, to the byte."""

from __future__ import annotations

import math
import random
from datetime import timedelta

import pytest

from api.engine import assess_brand
from api.engine.assessment import HistoryAssessor
from api.engine.config import EngineConfig
from api.engine.counters import NEGATIVE_WEIGHT, POSITIVE_WEIGHT, UNKNOWN
from api.engine.schemas import AggregateBucket
from tests.engine.factories import NOW

CONFIG = EngineConfig()
SLOT = 300


def _brand(
    days: int, seed: int, *, wave_hours_ago: float = 30.0, partial: bool = False
) -> tuple[list[AggregateBucket], list[AggregateBucket]]:
    """Hourly buckets (two shards) and 5-minute slots of a brand `days` old, a wave in it."""
    rng = random.Random(seed)
    buckets: list[AggregateBucket] = []
    slots: list[AggregateBucket] = []
    for hour in range(days * 24, 0, -1):
        start = NOW - timedelta(hours=hour)
        cycle = 1.0 + 0.6 * math.sin(2 * math.pi * (start.hour - 9) / 24)
        wave = 12.0 if wave_hours_ago >= hour > wave_hours_ago - 6 else 1.0
        hour_total: dict[str, float] = {}
        for slot in range(12):
            counters = {
                NEGATIVE_WEIGHT: round(rng.uniform(0, 2.0) * cycle * wave, 3),
                UNKNOWN: float(rng.randrange(3)),
                POSITIVE_WEIGHT: round(rng.uniform(0, 1.5) * cycle, 3),
                "n": float(rng.randrange(1, 6)),
                "neg": float(rng.randrange(3)),
            }
            slots.append(AggregateBucket(start + timedelta(seconds=slot * SLOT), SLOT, counters))
            for name, value in counters.items():
                hour_total[name] = hour_total.get(name, 0.0) + value
        half = {name: value / 2 for name, value in hour_total.items()}
        buckets += [AggregateBucket(start, 3600, half), AggregateBucket(start, 3600, half)]
    if partial:  # the current hour, 25 minutes in
        buckets.append(AggregateBucket(NOW, 1500, {NEGATIVE_WEIGHT: 3.0, "n": 4.0}))
    return buckets, slots


def _direct(buckets: list[AggregateBucket], slots: list[AggregateBucket], at: object) -> str:
    assert isinstance(at, type(NOW))
    seen = [b for b in buckets if at - timedelta(hours=CONFIG.history_hours) <= b.start < at]
    span = timedelta(seconds=CONFIG.burst_slots * SLOT)
    recent = [s for s in slots if at - span <= s.start < at]
    return assess_brand(seen, at=at, config=CONFIG, slots=recent).model_dump_json()


@pytest.mark.parametrize(("days", "seed"), [(16, 1), (15, 2), (5, 3)])
def test_every_hourly_point_of_a_14_day_history_is_the_direct_assessment(
    days: int, seed: int
) -> None:
    buckets, slots = _brand(days, seed)
    history = HistoryAssessor(buckets, CONFIG, slots)
    points = [NOW - timedelta(hours=h) for h in range(14 * 24, -1, -1)]
    assessed = [history.at(at).model_dump_json() for at in points]
    assert assessed == [_direct(buckets, slots, at) for at in points]
    # Not a flat brand: the points differ, and the wave shows.
    assert len(set(assessed)) > len(points) // 2


def test_points_off_the_grid_or_seeing_a_partial_bucket_are_the_direct_assessment() -> None:
    buckets, slots = _brand(15, 4, wave_hours_ago=3, partial=True)
    history = HistoryAssessor(buckets, CONFIG, slots)
    points = [NOW - timedelta(hours=h, minutes=m) for h in range(0, 40, 3) for m in (0, 17)]
    points += [NOW + timedelta(minutes=25)]  # sees the partial current hour
    for at in points:
        assert history.at(at).model_dump_json() == _direct(buckets, slots, at)
