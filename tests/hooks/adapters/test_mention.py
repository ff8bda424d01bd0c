from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.engine.mention import AuthorKind, Network, PostType
from api.hooks.adapters.mention import parse
from tests.hooks.deliveries import deliver, fixture_body, register_hook, strongest_auth


def mention(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(fixture_body("mention"))
    payload.update(overrides)
    return payload


def test_the_fixture_maps_to_a_negative_news_article() -> None:
    (article,) = parse(mention())
    assert article.external_id == "758124993"
    assert article.network is Network.news
    assert article.post_type is PostType.article
    assert article.sentiment is not None
    assert article.sentiment.label == "negative"
    assert article.published_at.microsecond == 412007  # 8 fractional digits, truncated
    assert article.reach == 1_840_000
    assert article.author is not None
    assert article.author.followers == 15400
    assert article.author.kind is AuthorKind.journalist


@pytest.mark.parametrize(
    ("tone", "label"), [(-1, "negative"), (0, "neutral"), (1, "positive"), ("1", "positive")]
)
def test_tone_is_the_sentiment_label(tone: Any, label: str) -> None:
    (found,) = parse(mention(tone=tone))
    assert found.sentiment is not None
    assert found.sentiment.label == label


# A superscript two passes str.isdigit() and int() refuses it; int() reads an Arabic-Indic or a
# fullwidth one as 1; int() refuses more than 4,300 digits.
@pytest.mark.parametrize(
    "tone",
    [2, None, "bad", True, "\u00b2", "-\u00b2", "\u0661", "\uff11", "9" * 5000, " ", "1_0"],
)
def test_an_unknown_tone_is_left_to_the_engine(tone: Any) -> None:
    (found,) = parse(mention(tone=tone))
    assert found.sentiment is None


def test_a_video_on_youtube_is_a_youtube_mention() -> None:
    (video,) = parse(
        mention(source_type="videos", original_url="https://www.youtube.com/watch?v=abc")
    )
    assert video.network is Network.youtube


def test_the_api_page_of_mentions_is_accepted() -> None:
    first = mention()
    second = mention(id="758124994", source_type="twitter", original_url=None)
    found = parse({"mentions": [first, second], "_links": {}})
    assert [m.external_id for m in found] == ["758124993", "758124994"]
    assert found[1].network is Network.twitter


def test_a_delivery_with_a_superscript_tone_is_stored_not_a_500(
    client: TestClient, tool: TestClient, brand_id: str
) -> None:
    hook = register_hook(client, "mention", strongest_auth("mention"), brand_id)
    response = deliver(tool, hook, json.dumps(mention(tone="\u00b2")).encode())
    assert response.status_code == 200, response.text
    assert response.json()["stored"] == 1
