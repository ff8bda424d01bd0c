"""Vendor vocabularies: networks, author kinds, post types and sentiments."""

from __future__ import annotations

from typing import Any

import pytest

from api.engine.mention import AuthorKind, Network, PostType
from api.hooks.adapters.vocabulary import (
    author_kind,
    network_for,
    post_type_from_words,
    sentiment_from_score,
)


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
