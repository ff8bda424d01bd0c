from __future__ import annotations

import json
from typing import Any

from api.engine.mention import AuthorKind, Network, PostType
from api.hooks.adapters.talkwalker import parse
from tests.hooks.deliveries import fixture_body


def chunks() -> list[dict[str, Any]]:
    payload: list[dict[str, Any]] = json.loads(fixture_body("talkwalker"))
    return payload


def document(index: int) -> dict[str, Any]:
    data: dict[str, Any] = chunks()[index]["chunk_result"]["data"]["data"]
    return data


def test_result_chunks_become_mentions_and_control_chunks_are_skipped() -> None:
    comment, tweet = parse(chunks())
    assert comment.network is Network.reddit
    assert comment.post_type is PostType.comment
    assert comment.external_id == document(1)["url"]  # Talkwalker's key when no external_id
    assert comment.sentiment is not None
    assert comment.sentiment.score == -0.8  # -4 on Talkwalker's -5..5 scale
    assert comment.author is not None
    assert comment.author.name == "parent_inquiet_75"
    assert comment.parent_external_id == document(1)["parent_url"]

    assert tweet.external_id == "1898615553344221100"
    assert tweet.url is None  # X documents come without url, title or content
    assert tweet.text is None
    assert tweet.network is Network.twitter
    assert tweet.author is not None
    assert tweet.author.kind is AuthorKind.influencer
    assert tweet.engagement is not None
    assert (tweet.engagement.likes, tweet.engagement.shares) == (310, 128)
    assert tweet.published_at.isoformat() == "2026-03-09T08:31:40+00:00"  # epoch ms


def test_one_chunk_a_search_page_and_bare_documents_are_accepted() -> None:
    single = parse(chunks()[2])
    page = parse({"status_code": "0", "result_content": {"data": [{"data": document(2)}]}})
    bare = parse([document(2)])
    wrapped = parse({"documents": [document(2)]})
    assert [m.external_id for m in single + page + bare + wrapped] == ["1898615553344221100"] * 4


def test_a_long_url_key_is_digested_and_total_engagement_is_kept() -> None:
    news = {
        "url": "https://news.example/" + "a" * 300,
        "published": 1773045100000,
        "source_type": ["ONLINENEWS", "ONLINENEWS_NEWSPAPER"],
        "engagement": 141,
        "extra_source_attributes": {"name": "News Example"},
    }
    (article,) = parse(news)
    assert article.external_id.startswith("sha256:")
    assert article.network is Network.news
    assert article.post_type is PostType.article
    assert article.engagement is not None
    assert article.engagement.likes == 141
    assert article.author is not None
    assert article.author.kind is AuthorKind.media
