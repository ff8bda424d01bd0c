"""`meltwater`: Meltwater Streaming API (Data Streams) hooks, batches of documents.

A hook created with `POST /v3/hooks` (a saved search and a `target_url`) pushes
`{"request": {...}, "documents": [...]}`. Documents follow Meltwater's output templates; this
adapter reads the recommended `api.json` template and falls back to the legacy template's flat
names: `id` (Meltwater's document id → external_id), `published_date`, `url`, `content.title`,
`content.opening_text` / `content.body`, `source.type` / `source.information_type`,
`author.name` / `author.handle` / `author.followers`, `metrics.reach`, `metrics.engagement.*`,
`enrichments.sentiment`, `enrichments.language_code`, `parent.url`. Meltwater's own
`external_id` (the platform's id, e.g. a tweet id) is kept in `raw`.

Meltwater signs pushes with HMAC-SHA1 of the body (`X-Hub-Signature`) but without a timestamp,
so a replay could not be told apart: register the source with `auth: url_token` (the target_url
then carries the token).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from api.engine.mention import Mention, PostType
from api.hooks.adapters.adapter import (
    URL_TOKEN_ONLY,
    Fields,
    HookAdapter,
    build_mentions,
    indexed,
    list_at,
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
    post_type_from_words,
    sentiment_from_label,
)

NAME: Final = "meltwater"
_CONSUMED: Final = ("id", "document_id", "published_date", "url", "title", "opening_text")


def _metric(item: Mapping[str, Any], *names: str) -> int | None:
    """A counter under `metrics`, `metrics.engagement` or at the top level (legacy template)."""
    return first(
        *(count(dig(item, "metrics", name)) for name in names),
        *(count(dig(item, "metrics", "engagement", name)) for name in names),
        *(count(item.get(name)) for name in names),
    )


def _convert(item: Mapping[str, Any], request: Any) -> Fields:
    document_id = require(
        external_id(first(item.get("id"), item.get("document_id"))),
        "id",
        "Meltwater's document id is required",
    )
    published = require(
        instant(item.get("published_date")),
        "published_date",
        "an ISO 8601 publication date is required",
    )
    source = item.get("source")
    network = network_for(
        [
            dig(source, "type"),
            dig(source, "information_type"),
            item.get("source_type"),
            item.get("source_information_type"),
        ],
        [item.get("url"), dig(source, "url"), item.get("source_url")],
    )
    parent_url = url(dig(item, "parent", "url"))
    post_type = post_type_from_words(
        item.get("content_type"), item.get("document_type"), dig(item, "content", "type")
    ) or (PostType.reply if parent_url else None)
    if post_type in {None, PostType.post}:
        post_type = article_or_review(network) or PostType.post

    followers = first(
        count(dig(item, "author", "followers")),
        count(dig(item, "author", "followers_count")),
        count(item.get("author_followers")),
    )
    handle = text(first(dig(item, "author", "handle"), item.get("author_handle")), MAX_SHORT)
    name = text(first(dig(item, "author", "name"), item.get("author_name")), MAX_SHORT)
    outlet = text(first(dig(source, "name"), item.get("source_name")), MAX_SHORT)
    raw = unmapped(item, _CONSUMED) or {}
    if isinstance(request, Mapping) and request:
        raw["request"] = request
    return {
        "external_id": document_id,
        "source": NAME,
        "network": network,
        "published_at": published,
        "title": text(first(dig(item, "content", "title"), item.get("title")), MAX_TITLE),
        "text": text(
            first(
                dig(item, "content", "body"),
                dig(item, "content", "opening_text"),
                item.get("opening_text"),
                item.get("body"),
            )
        ),
        "url": url(item.get("url")),
        "language": bcp47_language(
            first(
                dig(item, "enrichments", "language_code"),
                item.get("language_code"),
                item.get("lang"),
                item.get("language"),
            )
        ),
        # A news article without a byline is signed by its outlet.
        "author": author_fields(
            handle=handle,
            name=name or (outlet_as_author(network, outlet) if not handle else None),
            followers=followers,
            kind=author_kind(network, followers, publication=name is None and handle is None),
        ),
        "engagement": engagement(
            _metric(item, "likes", "reactions"),
            _metric(item, "shares", "retweets", "reposts"),
            _metric(item, "comments", "replies"),
            _metric(item, "views"),
        ),
        "reach": first(
            count(dig(item, "metrics", "reach")),
            count(item.get("reach")),
            count(dig(item, "metrics", "audience")),
        ),
        "sentiment": sentiment_from_label(
            first(dig(item, "enrichments", "sentiment"), item.get("sentiment"))
        ),
        "post_type": post_type,
        "in_reply_to": reply_to_handle(item),
        "addressed_to_brand": direct_message(item),
        "parent_external_id": external_id(first(dig(item, "parent", "id"), parent_url)),
        "raw": raw or None,
    }


def parse(payload: Any) -> list[Mention]:
    if isinstance(payload, list):
        return build_mentions(indexed(payload, ""), lambda item: _convert(item, None))
    if isinstance(payload, Mapping) and "documents" in payload:
        request = payload.get("request")
        documents = list_at(payload, "documents")
        return build_mentions(indexed(documents, "documents"), lambda d: _convert(d, request))
    return build_mentions([("", payload)], lambda item: _convert(item, None))


ADAPTER: Final = HookAdapter(
    name=NAME,
    title="Meltwater",
    summary="Meltwater Streaming API hook push: {request, documents[]} (api.json template).",
    parse=parse,
    request_schema={
        "type": "object",
        "required": ["documents"],
        "properties": {
            "request": {"type": "object", "description": "The hook and search the push is for."},
            "documents": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "published_date"],
                    "properties": {
                        "id": {"type": "string", "description": "→ external_id"},
                        "published_date": {"type": "string", "format": "date-time"},
                        "url": {"type": "string"},
                        "content": {"type": "object"},
                        "source": {"type": "object"},
                        "author": {"type": "object"},
                        "metrics": {"type": "object"},
                        "enrichments": {"type": "object"},
                    },
                    "additionalProperties": True,
                },
            },
        },
        "additionalProperties": True,
    },
    example={
        "request": {"hook_id": "b6a4e1c2-3f7d-4d8e-9a0b-1c2d3e4f5a6b", "search_id": 2382415},
        "documents": [
            {
                "id": "1773044100000_Kq3vB8xZLm2W",
                "published_date": "2026-03-09T08:15:00.000Z",
                "url": "https://x.com/jane_doe/status/1898611234567890123",
                "external_id": "1898611234567890123",
                "source": {"type": "x", "information_type": "social", "name": "X"},
                "content": {"opening_text": "@acme my order #48213 never arrived"},
                "author": {"name": "Jane Doe", "handle": "@jane_doe", "followers": 240},
                "metrics": {"reach": 240, "engagement": {"likes": 2, "replies": 1}},
                "enrichments": {"sentiment": "negative", "language_code": "en"},
            }
        ],
    },
    documentation="https://developer.meltwater.com/docs/meltwater-api/guides/datastreams-quickstart",
    # Meltwater signs with HMAC-SHA1 and no timestamp, which Vigie does not accept as proof.
    auth_modes=URL_TOKEN_ONLY,
)
