from __future__ import annotations

import json
from typing import Any

import pytest

from api.engine.mention import AuthorKind, Network, PostType
from api.hooks.adapters.brandwatch import parse
from tests.hooks.deliveries import fixture_body


def results() -> list[dict[str, Any]]:
    payload: list[dict[str, Any]] = json.loads(fixture_body("brandwatch"))["results"]
    return payload


def test_the_results_page_becomes_mentions() -> None:
    tweet, article = parse(json.loads(fixture_body("brandwatch")))
    assert tweet.external_id == "1898611000000000001"
    assert tweet.network is Network.twitter
    assert tweet.published_at.isoformat() == "2026-03-09T08:14:51+00:00"  # "+0000" offset
    assert tweet.reach == 231_000
    assert tweet.author is not None
    assert tweet.author.verified is True
    assert tweet.author.kind is AuthorKind.influencer
    assert tweet.engagement is not None
    assert (tweet.engagement.likes, tweet.engagement.shares, tweet.engagement.comments) == (
        1840,
        2310,
        212,
    )
    assert article.network is Network.news
    assert article.post_type is PostType.article
    assert article.author is None  # no byline: author and fullname are empty


@pytest.mark.parametrize(
    ("engagement_type", "expected"),
    [("RETWEET", PostType.repost), ("REPLY", PostType.reply), ("QUOTE", PostType.repost)],
)
def test_engagement_types_are_post_types(engagement_type: str, expected: PostType) -> None:
    (found,) = parse({**results()[0], "engagementType": engagement_type})
    assert found.post_type is expected


def test_guid_stands_in_for_a_missing_resource_id() -> None:
    mention = {key: value for key, value in results()[0].items() if key != "resourceId"}
    (found,) = parse(mention)
    assert found.external_id == mention["guid"]


def test_journalists_and_organisations_are_recognised() -> None:
    journalist = {**results()[1], "author": "c.dubois", "professions": [{"name": "Journalist"}]}
    outlet = {**results()[1], "author": "EcoExpress", "accountType": "organisational"}
    kinds = [mention.author.kind for mention in parse([journalist, outlet]) if mention.author]
    assert kinds == [AuthorKind.journalist, AuthorKind.media]
