"""`HistoryAssessor.at` is `assess_brand` of the point's own buckets and slots, to the byte."""

from __future__ import annotations

import math
import random
from datetime import timedelta

import pytest

from api.engine import assess_brand
from api.engine.assessment import HistoryAssessor, history_point, needs_slots
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


def _without_slots(buckets: list[AggregateBucket], at: object) -> str:
    assert isinstance(at, type(NOW))
    seen = [b for b in buckets if at - timedelta(hours=CONFIG.history_hours) <= b.start < at]
    return assess_brand(seen, at=at, config=CONFIG).model_dump_json()


def _visible(buckets: list[AggregateBucket], at: object) -> list[AggregateBucket]:
    assert isinstance(at, type(NOW))
    return [b for b in buckets if at - timedelta(hours=CONFIG.history_hours) <= b.start < at]


@pytest.mark.parametrize(("days", "seed", "burst_hours_ago"), [(16, 5, 4), (2, 6, 10)])
def test_a_point_that_needs_no_slots_is_the_same_without_them(
    days: int, seed: int, burst_hours_ago: int
) -> None:
    buckets, slots = _brand(days, seed)
    # A burst: two 5-minute slots of 40 negative mentions, `burst_hours_ago` hours back.
    burst_start = NOW - timedelta(hours=burst_hours_ago, minutes=20)
    loud = {NEGATIVE_WEIGHT: 40.0, "n": 40.0, "neg": 40.0}
    for offset in (0, SLOT):
        start = burst_start + timedelta(seconds=offset)
        index = next(i for i, s in enumerate(slots) if s.start == start)
        counters = {k: slots[index].counters.get(k, 0.0) + v for k, v in loud.items()}
        slots[index] = AggregateBucket(start, SLOT, {**slots[index].counters, **counters})
        hour = start - timedelta(seconds=start.timestamp() % 3600)
        for position, b in enumerate(buckets):
            if b.start == hour:  # the first shard's bucket holds the burst's counters
                added = {k: b.counters.get(k, 0.0) + v for k, v in loud.items()}
                buckets[position] = AggregateBucket(hour, 3600, {**b.counters, **added})
                break
    history = HistoryAssessor(buckets, CONFIG)
    points = [NOW - timedelta(hours=h) for h in range(30, -1, -1)]
    points += [NOW - timedelta(hours=burst_hours_ago, minutes=-m) for m in (5, 17)]
    needed = []
    for at in points:
        needs = needs_slots(_visible(buckets, at), at=at, config=CONFIG)
        assert history.needs_slots(at) == needs
        if needs:
            needed.append(at)
        else:
            assert _direct(buckets, slots, at) == _without_slots(buckets, at)
    if days >= 16:
        # The burst's own points need their slots (and read differently without them); most
        # points do not.
        assert needed
        assert len(needed) < len(points) // 2
        assert any(_direct(buckets, slots, at) != _without_slots(buckets, at) for at in needed)
    else:
        assert not needed  # a baseline that is not warm reads no slots


def test_the_history_reads_the_same_with_only_the_slots_its_points_need() -> None:
    buckets, slots = _brand(16, 7, wave_hours_ago=8)
    history = HistoryAssessor(buckets, CONFIG)
    points = [NOW - timedelta(hours=h) for h in range(14 * 24, -1, -1)]
    needed = [at for at in points if history.needs_slots(at)]
    span = timedelta(seconds=CONFIG.burst_slots * SLOT)
    history.use_slots([s for s in slots if any(at - span <= s.start < at for at in needed)])
    assert [history.at(at).model_dump_json() for at in points] == [
        _direct(buckets, slots, at) for at in points
    ]


def test_a_history_point_shows_what_the_assessment_at_that_instant_says() -> None:
    buckets, slots = _brand(16, 8, wave_hours_ago=20, partial=True)
    history = HistoryAssessor(buckets, CONFIG, slots)
    points = [NOW - timedelta(hours=h) for h in range(14 * 24, -1, -1)]
    points += [NOW - timedelta(hours=3, minutes=17), NOW + timedelta(minutes=25)]
    shown = []
    for at in points:
        point = history.point(at)
        assert point == history_point(history.at(at))
        shown.append(point)
    assert {p.spike for p in shown} == {True, False}  # the wave spikes, the rest does not
    assert len({p.stage for p in shown}) > 2
