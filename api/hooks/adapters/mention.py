"""`mention`: Mention (mention.com) alert mentions.

The mention object of Mention's API (dev.mention.com, version 1.x): `id` (→ external_id),
`published_at` (W3C date-time with up to 8 fractional digits), `title`, `description`,
`original_url`, `tone` (-1 negative, 0 neutral, 1 positive), `source_type` (`twitter`,
`facebook`, `instagram`, `news`, `blogs`, `forums`, `videos`, `web`…), `source_name`,
`source_url`, `language_code`, reach estimates (`direct_reach`, `cumulative_reach`) and the
author's audience (`followers_count`, under `author` or `author_influence`). Accepts one mention
per POST (Mention's stream and alert integrations push them one by one), an array, or the
`{"mentions": [...]}` page of its API.

Mention does not sign what it sends: register the source with `auth: url_token`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from api.engine.mention import Mention, PostType
from api.hooks.adapters.adapter import (
    Fields,
    HookAdapter,
    build_mentions,
    items_of,
    require,
    unmapped,
)
from api.hooks.adapters.fields import (
    MAX_SHORT,
    MAX_TITLE,
    author_fields,
    count,
    dig,
    direct_message,
    engagement,
    external_id,
    first,
    instant,
    integer_text,
    reply_to_handle,
    text,
    url,
)
from api.hooks.adapters.languages import bcp47_language
from api.hooks.adapters.vocabulary import (
    article_or_review,
    author_kind,
    network_for,
    outlet_as_author,
)

NAME: Final = "mention"
_TONES: Final = {-1: "negative", 0: "neutral", 1: "positive"}
_CONSUMED: Final = (
    "id",
    "published_at",
    "title",
    "description",
    "original_url",
    "tone",
    "language_code",
)
# Where Mention puts who wrote the mention, depending on the source and the API version.
_AUTHOR_OBJECTS: Final = ("author", "author_influence", "metadata")


def _tone(value: Any) -> dict[str, Any] | None:
    if isinstance(value, str):
        value = integer_text(value)
    if isinstance(value, int) and not isinstance(value, bool) and value in _TONES:
        return {"label": _TONES[value]}
    return None


def _author_value(item: Mapping[str, Any], *names: str) -> Any:
    return first(*(dig(item, holder, name) for holder in _AUTHOR_OBJECTS for name in names))


def _counter(item: Mapping[str, Any], *names: str) -> int | None:
    return first(
        *(count(item.get(name)) for name in names),
        *(count(dig(item, "metadata", name)) for name in names),
    )


def _convert(item: Mapping[str, Any]) -> Fields:
    mention_id = require(external_id(item.get("id")), "id", "Mention's mention id is required")
    published = require(
        instant(item.get("published_at")), "published_at", "a publication date-time is required"
    )
    network = network_for(
        [item.get("source_type")],
        [item.get("original_url"), item.get("source_url"), item.get("unique_id")],
    )
    followers = first(
        count(_author_value(item, "followers_count")), count(_author_value(item, "followers"))
    )
    handle = text(_author_value(item, "username", "screen_name", "handle"), MAX_SHORT)
    # `author` is an object in recent API versions and the author's name in older ones.
    name = text(first(_author_value(item, "name"), item.get("author")), MAX_SHORT)
    verified = _author_value(item, "verified")
    outlet = text(item.get("source_name"), MAX_SHORT)
    return {
        "external_id": mention_id,
        "source": NAME,
        "network": network,
        "published_at": published,
        "title": text(item.get("title"), MAX_TITLE),
        "text": text(item.get("description")),
        "url": url(item.get("original_url")),
        "language": bcp47_language(item.get("language_code")),
        "author": author_fields(
            handle=handle,
            name=name or (outlet_as_author(network, outlet) if not handle else None),
            followers=followers,
            verified=verified if isinstance(verified, bool) else None,
            kind=author_kind(network, followers, publication=name is None and handle is None),
        ),
        "engagement": engagement(
            _counter(item, "likes_count", "favorite_count", "likes"),
            _counter(item, "shares_count", "retweet_count", "shares"),
            _counter(item, "comments_count", "reply_count", "comments"),
            _counter(item, "views_count", "view_count", "views"),
        ),
        "reach": first(
            count(item.get("direct_reach")),
            count(item.get("cumulative_reach")),
            count(item.get("reach")),
        ),
        "sentiment": _tone(item.get("tone")),
        "in_reply_to": reply_to_handle(item),
        "addressed_to_brand": direct_message(item),
        "post_type": article_or_review(network) or PostType.post,
        "raw": unmapped(item, _CONSUMED),
    }


def parse(payload: Any) -> list[Mention]:
    return build_mentions(items_of(payload, "mentions"), _convert)


ADAPTER: Final = HookAdapter(
    name=NAME,
    title="Mention",
    summary='A mention.com mention object (tone -1/0/1), an array, or {"mentions": [...]}.',
    parse=parse,
    request_schema={
        "type": "object",
        "required": ["id", "published_at"],
        "properties": {
            "id": {"type": "string", "description": "→ external_id"},
            "published_at": {"type": "string", "format": "date-time"},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "original_url": {"type": "string"},
            "tone": {"type": "integer", "enum": [-1, 0, 1]},
            "source_type": {"type": "string"},
            "language_code": {"type": "string"},
            "direct_reach": {"type": "integer"},
        },
        "additionalProperties": True,
    },
    example={
        "id": "527849933",
        "alert_id": 112233,
        "title": "ACME recalls baby food jars",
        "description": "ACME recalls baby food jars after glass found, investigation opened",
        "original_url": "https://www.lequotidien.example/acme-rappel",
        "published_at": "2026-03-09T08:15:00.10090700+00:00",
        "tone": -1,
        "source_type": "news",
        "source_name": "Le Quotidien",
        "language_code": "fr",
        "direct_reach": 2500000,
    },
    documentation="https://dev.mention.com/current/src/account/alert/mention/GetMention.html",
)
