"""Lenient field readers: dates, counters, ids and per-network counters as vendors send them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from api.hooks.adapters.fields import (
    count,
    engagement_by_suffix,
    external_id,
    followers_by_suffix,
    instant,
)

MOMENT = datetime(2026, 3, 9, 8, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        "2026-03-09T08:15:00Z",
        "2026-03-09T08:15:00.000Z",
        "2026-03-09T08:15:00.000+0000",  # Brandwatch
        "2026-03-09T09:15:00+01:00",
        "2026-03-09T08:15:00.00000000+00:00",  # Mention: 8 fractional digits
        "2026-03-09T08:15:00",  # no offset: the vendors document UTC
        1773044100,
        1773044100000,  # Talkwalker: epoch milliseconds
        1773044100000.0,
        "1773044100000",
    ],
)
def test_vendor_dates_are_read_as_aware_utc(value: Any) -> None:
    assert instant(value) == MOMENT


@pytest.mark.parametrize(
    "value", [None, True, "", "yesterday", -5, float("nan"), 10**30, "9" * 80, [], {}]
)
def test_unusable_dates_are_none(value: Any) -> None:
    assert instant(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, 3), (3.9, 3), ("12", 12), ("1,204", 1204), (-1, None), (True, None), ("x", None)],
)
def test_counters_are_lenient(value: Any, expected: int | None) -> None:
    assert count(value) == expected


def test_counters_are_capped_at_the_canonical_maximum() -> None:
    assert count(10**20) == 10**12


def test_a_long_vendor_id_becomes_a_stable_digest() -> None:
    url = "https://example.org/" + "a" * 400
    assert external_id(url) == external_id(url)
    assert str(external_id(url)).startswith("sha256:")
    assert len(str(external_id(url))) <= 256
    assert external_id(1139842057) == "1139842057"
    assert external_id(" ") is None
    assert external_id(False) is None


def test_per_network_counters_are_summed_into_canonical_engagement() -> None:
    counters = {
        "twitter_retweets": 4,
        "facebookShares": 2,
        "twitterLikeCount": 10,
        "youtube_views": 1000,
        "twitterReplyCount": 3,
        "alexa_pageviews": 99,
        "redditScore": 7,
    }
    assert engagement_by_suffix(counters) == {
        "shares": 6,
        "likes": 10,
        "views": 1000,
        "comments": 3,
    }
    assert engagement_by_suffix({"alexa_pageviews": 1}) is None
    assert followers_by_suffix({"twitterFollowers": 10, "instagramFollowerCount": 40}) == 40
