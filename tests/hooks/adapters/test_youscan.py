from __future__ import annotations

import json
from typing import Any

import pytest

from api.engine.mention import AuthorKind, Network, PostType
from api.hooks.adapters.youscan import parse
from api.problems import ValidationFailed
from tests.hooks.deliveries import fixture_body


def youscan(**overrides: Any) -> dict[str, Any]:
    payload = json.loads(fixture_body("youscan"))
    payload.update(overrides)
    return {key: value for key, value in payload.items() if value is not None}


def test_the_fixture_maps_to_a_facebook_comment() -> None:
    (mention,) = parse(youscan())
    assert mention.external_id == "1139842057"
    assert mention.source == "youscan"
    assert mention.network is Network.facebook
    assert mention.post_type is PostType.comment
    assert mention.language == "fr"
    assert mention.author is not None
    assert mention.author.handle == "julie.martin.3581"
    assert mention.author.followers == 412
    assert mention.engagement is not None
    assert (mention.engagement.likes, mention.engagement.comments) == (14, 3)
    assert mention.reach == 412  # potentialReach, no `reach` sent
    assert mention.raw is not None
    assert mention.raw["reactions"]["angry"] == 9
    assert mention.raw["channel"]["name"] == "ACME France"


@pytest.mark.parametrize(
    ("post_type", "resource_type", "source_name", "network", "expected"),
    [
        ("extendedRepost", "social", "twitter.com", Network.twitter, PostType.repost),
        ("post", "news", "lemonde.fr", Network.news, PostType.article),
        ("post", "blog", "medium.com", Network.blog, PostType.article),
        ("post", "reviews", "trustpilot.com", Network.review, PostType.review),
        ("post", "forum", "forum.hardware.fr", Network.forum, PostType.post),
        ("post", "messenger", "t.me", Network.other, PostType.post),
    ],
)
def test_post_and_resource_types_are_mapped(
    post_type: str, resource_type: str, source_name: str, network: Network, expected: PostType
) -> None:
    minimal = {"mentionId": 7, "published": "2026-03-09T08:12:41Z"}
    (mention,) = parse(
        {**minimal, "postType": post_type, "resourceType": resource_type, "sourceName": source_name}
    )
    assert mention.network is network
    assert mention.post_type is expected


def test_an_article_without_author_is_published_by_its_channel() -> None:
    article = {
        "mentionId": 8,
        "published": "2026-03-09T08:12:41Z",
        "sourceName": "leparisien.fr",
        "url": "https://www.leparisien.fr/economie/acme.php",
        "channel": {"url": "https://www.leparisien.fr", "name": "Le Parisien"},
        "postType": "post",
        "resourceType": "news",
    }
    (mention,) = parse(article)
    assert mention.author is not None
    assert mention.author.name == "Le Parisien"
    assert mention.author.kind is AuthorKind.media


def test_undefined_sentiment_is_left_to_the_engine() -> None:
    (mention,) = parse(youscan(sentiment="undefined"))
    assert mention.sentiment is None


def test_a_mention_without_id_or_date_is_refused_with_its_field() -> None:
    with pytest.raises(ValidationFailed) as refusal:
        parse(youscan(mentionId=None, published="soon"))
    names = [p.name for p in refusal.value.invalid_params or []]
    assert names == ["mentionId"]
    with pytest.raises(ValidationFailed) as refusal:
        parse(youscan(published="soon"))
    assert [p.name for p in refusal.value.invalid_params or []] == ["published"]
