"""The hot mentions' sort key and the bounded candidate ranking (api/storage/hot.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from api.engine import TopMentionCandidate
from api.storage import hot, keys

AT = datetime(2026, 12, 2, 13, 40, tzinfo=UTC)


def candidate(mention_id: str, published: datetime, risk: int) -> TopMentionCandidate:
    return TopMentionCandidate(mention_id=mention_id, published_at=published, risk=risk)


def test_the_key_sorts_by_hour_then_risk_then_time_then_id() -> None:
    hour = AT.replace(minute=0)
    ordered = [
        hot.sort_key(hour + timedelta(minutes=59), 99, "z"),  # an earlier hour, whatever its risk
        hot.sort_key(hour + timedelta(hours=1, minutes=50), 7, "a"),
        hot.sort_key(hour + timedelta(hours=1, minutes=10), 40, "a"),
        hot.sort_key(hour + timedelta(hours=1, minutes=20), 40, "a"),
        hot.sort_key(hour + timedelta(hours=1, minutes=20), 40, "b"),
        hot.sort_key(hour + timedelta(hours=1, minutes=1), 100, "a"),
    ]
    assert sorted(ordered) == ordered
    assert hot.sort_key(hour, 5, "m_x") == "2026-12-02T13#005#2026-12-02T13:00:00.000000Z#m_x"


def test_a_risk_that_does_not_fit_the_key_is_refused() -> None:
    with pytest.raises(ValueError, match="risk"):
        hot.sort_key(AT, 1000, "m")


def test_both_key_formats_parse_to_the_published_instant() -> None:
    published = AT.replace(microsecond=123456)
    assert hot.parse_sort_key(hot.sort_key(published, 77, "m_a#b")) == published
    assert hot.parse_sort_key(keys.time_sort_key(published, "m_a")) == published


def test_an_old_key_sorts_within_its_hour_among_the_new_ones() -> None:
    """Read backwards by hour, a key written before the hour#risk format comes with its hour:
    after the next hour's keys, before the earlier hour's (so no backfill is needed)."""
    old = keys.time_sort_key(AT, "m_old")
    assert hot.sort_key(AT - timedelta(hours=1), 100, "m") < old
    assert hot.sort_key(AT.replace(minute=59), 100, "m") < old
    assert old < hot.sort_key(AT + timedelta(hours=1), 0, "m")
    assert hot.hour_key(AT) <= old <= hot.hour_key(AT) + "~"


def test_ranked_takes_the_newest_hours_riskiest_first_within_the_window() -> None:
    start = AT - timedelta(hours=24)
    inside = [
        candidate("old-risky", AT - timedelta(hours=3), 95),
        candidate("recent-mild", AT - timedelta(minutes=30), 41),
        candidate("recent-risky", AT - timedelta(minutes=35), 90),
        candidate("same-hour-newer", AT - timedelta(minutes=5), 41),
    ]
    outside = [
        candidate("before", start - timedelta(seconds=1), 100),
        candidate("after", AT + timedelta(seconds=1), 100),
    ]
    assert [c.mention_id for c in hot.ranked([*outside, *inside], start, AT)] == [
        "recent-risky",
        "same-hour-newer",
        "recent-mild",
        "old-risky",
    ]
    assert [c.mention_id for c in hot.ranked(inside, start, AT, limit=2)] == [
        "recent-risky",
        "same-hour-newer",
    ]


def test_ranked_keeps_a_mention_once_and_at_most_the_limit() -> None:
    start = AT - timedelta(hours=24)
    many = [candidate(f"m{i:03d}", AT - timedelta(minutes=i), 40 + i % 60) for i in range(120)]
    chosen = hot.ranked([*many, many[0]], start, AT)
    assert len(chosen) == hot.HOT_CANDIDATES
    assert len({c.mention_id for c in chosen}) == hot.HOT_CANDIDATES
