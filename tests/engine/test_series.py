"""Buckets resampled on trailing hours aligned on `at`, and recency-weighted sums."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from api.engine import AggregateBucket
from api.engine.series import AssessmentInputs, RecentColumns
from tests.engine.factories import CONFIG, NOW, bucket

NAMES = ("neg_w", "pos_w", "unk", "neg", "n", "neg_net_x", "topic_price", "t_public")


def test_on_the_hour_each_bucket_is_one_sample() -> None:
    inputs = AssessmentInputs.of([bucket(2, {"n": 4}), bucket(1, {"n": 6})], NOW, CONFIG)
    series = inputs.hourly("n")
    assert len(series) == CONFIG.history_hours
    assert series[-2:] == [4.0, 6.0]


def test_mid_hour_the_last_sample_is_the_trailing_hour() -> None:
    at = NOW + timedelta(minutes=30)
    # 6 in the last full hour (half of it is within the trailing hour), 3 in the partial one.
    buckets = [bucket(1.5, {"n": 6}, at=at), bucket(0.5, {"n": 3}, at=at, seconds=1800)]
    series = AssessmentInputs.of(buckets, at, CONFIG).hourly("n")
    assert series[-1] == pytest.approx(3 + 3)
    assert series[-2] == pytest.approx(3)


def test_a_partial_bucket_rounded_past_at_counts_before_at() -> None:
    at = NOW + timedelta(minutes=2)
    partial = bucket(2 / 60, {"n": 5}, at=at, seconds=300)  # ends at at + 3 min
    assert AssessmentInputs.of([partial], at, CONFIG).hourly("n")[-1] == pytest.approx(5)


def test_buckets_after_at_are_ignored() -> None:
    series = AssessmentInputs.of([bucket(-1, {"n": 5})], NOW, CONFIG).hourly("n")
    assert sum(series) == 0


def test_recent_sums_weigh_recent_hours_more_and_stay_in_the_window() -> None:
    inputs = AssessmentInputs.of(
        [bucket(30, {"n": 100}), bucket(12, {"n": 1}), bucket(1, {"n": 1})], NOW, CONFIG
    )
    sums = inputs.recent_sums()
    assert sums.window["n"] == 2  # the bucket 30 h ago is outside the 24 h window
    assert 1 < sums["n"] < 2
    assert sums.rate("n") > 0
    assert sums["missing"] == 0.0


def test_prefixed_counters_are_grouped() -> None:
    sums = AssessmentInputs.of(
        [bucket(1, {"neg_net_twitter": 2, "neg_net_news": 1, "n": 3})], NOW, CONFIG
    ).recent_sums()
    assert set(sums.with_prefix("neg_net_")) == {"twitter", "news"}


def test_recent_columns_are_the_recent_sums_of_every_point_on_the_grid() -> None:
    rng = random.Random(11)
    buckets = [
        bucket(hours, {name: float(rng.randrange(4)) * 0.37 for name in rng.sample(NAMES, 4)})
        for hours in range(60, 0, -1)
        for _ in range(rng.randrange(3))  # no bucket, one, or two shards of the hour
    ]
    _assert_columns_sum_as_recent_sums(buckets, range(0, 40))


def test_recent_columns_add_each_shard_in_order_past_either_end_of_the_read() -> None:
    # Values whose sums depend on the order they are added in: the columns must add the same
    # terms in the same order as `recent_sums`, zeros of absent periods and shards included.
    rng = random.Random(12)
    buckets = [
        bucket(hours, {name: rng.uniform(0.0, 50.0) for name in rng.sample(NAMES, 5)})
        for hours in range(90, 10, -1)
        if rng.random() > 0.2  # gaps
        for _ in range(rng.choice((1, 1, 2, 3)))  # shards of the hour
    ]
    # from after the last bucket to before the first
    _assert_columns_sum_as_recent_sums(buckets, range(-30, 120))


def test_recent_columns_of_whole_counts_sum_as_recent_sums_do() -> None:
    # Whole counts (ints or floats) take a shortcut for the plain sums; a column with one
    # fraction, or too large for exact sums, does not: the same floats either way.
    rng = random.Random(13)
    huge = float(2**53)
    buckets = [
        bucket(
            hours,
            {
                "n": rng.randrange(50),
                "neg": float(rng.randrange(20)),
                "neg_w": rng.randrange(20) + (0.5 if hours == 30 else 0.0),
                "neg_aud": huge if hours == 41 else float(rng.randrange(10**6)),
            },
        )
        for hours in range(70, 0, -1)
        for _ in range(rng.choice((1, 2)))
    ]
    columns = RecentColumns(buckets, buckets[0].start, CONFIG)
    for hours in range(-2, 75):
        at = NOW - timedelta(hours=hours)
        expected = AssessmentInputs.of([b for b in buckets if b.start < at], at, CONFIG)
        got = columns.sums(at)
        assert got.weighted == expected.recent_sums().weighted
        assert got.window == expected.recent_sums().window


def _assert_columns_sum_as_recent_sums(
    buckets: list[AggregateBucket], hours_before_now: range
) -> None:
    columns = RecentColumns(buckets, buckets[0].start, CONFIG)
    for hours in hours_before_now:
        at = NOW - timedelta(hours=hours)
        seen = [b for b in buckets if b.start < at]
        expected = AssessmentInputs.of(seen, at, CONFIG).recent_sums()
        got = columns.sums(at)
        # The same floats and the same counters (none at 0 for a counter the window lacks).
        assert got.weighted == expected.weighted
        assert got.window == expected.window
        assert got.weighted_hours == expected.weighted_hours
