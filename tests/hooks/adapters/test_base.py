from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from api.engine.mention import AuthorKind, Network, PostType
from api.hooks.adapters.base import (
    author_kind,
    count,
    engagement_by_suffix,
    external_id,
    followers_by_suffix,
    instant,
    network_for,
    post_type_from_words,
    sentiment_from_score,
)
from api.hooks.adapters.languages import bcp47_language
from api.hooks.adapters.registry import ADAPTERS
from api.hooks.schemas import HookSourceName

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


@pytest.mark.parametrize(
    ("labels", "addresses", "expected"),
    [
        (["MESSAGEBOARD", "MESSAGEBOARD_REDDIT"], [], Network.reddit),
        (["SOCIALMEDIA_TWITTER"], [], Network.twitter),
        (["news"], ["https://www.facebook.com/lemonde/posts/1"], Network.facebook),
        (["social"], ["www.instagram.com"], Network.instagram),
        (["blogs"], ["https://blog.example.org/post"], Network.blog),
        (["reviews"], [], Network.review),
        (["web"], ["https://example.org"], Network.other),
        ([None, 3], ["not a url ::"], Network.other),
        ([], ["https://m.youtube.com/watch?v=1"], Network.youtube),
    ],
)
def test_the_most_specific_network_wins(
    labels: list[Any], addresses: list[Any], expected: Network
) -> None:
    assert network_for(labels, addresses) is expected


def test_author_kinds_follow_the_medium_and_the_audience() -> None:
    assert author_kind(Network.news, None) is AuthorKind.journalist
    assert author_kind(Network.news, None, publication=True) is AuthorKind.media
    assert author_kind(Network.twitter, 250_000) is AuthorKind.influencer
    assert author_kind(Network.twitter, 250) is AuthorKind.person
    assert author_kind(Network.forum, 250_000) is AuthorKind.person


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


def test_post_types_are_read_from_vendor_labels() -> None:
    assert post_type_from_words("extendedRepost") is PostType.repost
    assert post_type_from_words("RETWEET") is PostType.repost
    assert post_type_from_words(None, "isComment") is PostType.comment
    assert post_type_from_words("REPLY") is PostType.reply
    assert post_type_from_words("TEXT", "VIDEO") is None


def test_numeric_sentiment_is_scaled_and_labelled() -> None:
    assert sentiment_from_score(-5, 5.0) == {"score": -1.0, "label": "negative"}
    assert sentiment_from_score(2, 5.0) == {"score": 0.4, "label": "positive"}
    assert sentiment_from_score(0, 5.0) == {"score": 0.0, "label": "neutral"}
    assert sentiment_from_score(99, 5.0) == {"score": 1.0, "label": "positive"}
    assert sentiment_from_score(True, 5.0) is None


@pytest.mark.parametrize(
    ("code", "tag"),
    [
        ("eng", "en"),
        ("fra", "fr"),
        ("fre", "fr"),
        ("ger", "de"),
        ("ukr", "uk"),
        ("cmn", "zh"),
        ("yue", "yue"),
        ("EN", "en"),
        ("en_US", "en-US"),
        ("pt-br", "pt-BR"),
        ("zh-hant", "zh-Hant"),
        ("und", None),
        ("undefined", None),
        ("", None),
        ("e", None),
        ("english", None),
        (12, None),
    ],
)
def test_language_codes_become_bcp47_tags(code: Any, tag: str | None) -> None:
    assert bcp47_language(code) == tag


def test_every_adapter_is_a_source_the_api_accepts_and_the_other_way_round() -> None:
    assert set(ADAPTERS) == {name.value for name in HookSourceName}
    assert all(adapter.name == name for name, adapter in ADAPTERS.items())
