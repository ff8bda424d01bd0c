from __future__ import annotations

import json
from typing import Any

import pytest

from api.engine.mention import AuthorKind, Network, PostType
from api.hooks.adapters.meltwater import parse
from api.problems import ValidationFailed
from tests.hooks.deliveries import fixture_body


def fixture() -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(fixture_body("meltwater"))
    return payload


def test_a_push_of_documents_becomes_mentions_in_order() -> None:
    news, tweet, stripped = parse(fixture())
    assert news.network is Network.news
    assert news.post_type is PostType.article
    assert news.author is not None
    assert news.author.kind is AuthorKind.journalist
    assert news.reach == 2_500_000
    assert news.engagement is not None
    assert news.engagement.shares == 412
    assert news.sentiment is not None
    assert news.sentiment.label == "negative"

    assert tweet.network is Network.twitter
    assert tweet.language == "en"
    assert tweet.author is not None
    assert tweet.author.handle == "@jane_doe"
    assert tweet.engagement is not None
    assert (tweet.engagement.likes, tweet.engagement.shares, tweet.engagement.comments) == (
        21,
        9,
        4,
    )
    assert tweet.raw is not None
    assert tweet.raw["external_id"] == "1898611234567890123"  # the platform's id, for audit
    assert tweet.raw["request"]["search_id"] == 2382415

    assert stripped.network is Network.twitter  # `source.type: x`, no URL at all
    assert stripped.text is None
    assert stripped.author is None


def test_a_reply_is_recognised_by_its_parent() -> None:
    payload = fixture()
    document = payload["documents"][1]
    document["parent"] = {"url": "https://x.com/acme_fr/status/1898600000000000000"}
    (reply,) = parse({"documents": [document]})
    assert reply.post_type is PostType.reply
    assert reply.parent_external_id == "https://x.com/acme_fr/status/1898600000000000000"


def test_documents_must_be_a_list() -> None:
    with pytest.raises(ValidationFailed) as refusal:
        parse({"request": {}, "documents": {"id": "1"}})
    assert refusal.value.invalid_params is not None
    assert refusal.value.invalid_params[0].name == "documents"
