"""`talkwalker`: Talkwalker documents, as its Streaming API and Search API deliver them.

A Talkwalker document (developer.talkwalker.com, "Talkwalker documents"): `url` (Talkwalker's
document key), `external_id` (the platform's post id, sent for X), `published` (epoch
milliseconds), `title`, `content`, `lang`, `sentiment` (an integer from -5 to 5), `source_type`
(a list, most general first: `["SOCIALMEDIA", "SOCIALMEDIA_TWITTER"]`, `["ONLINENEWS", …]`,
`["MESSAGEBOARD", "MESSAGEBOARD_REDDIT"]`, `["BLOG"]`…), `reach`, `engagement` (total
interactions) with per-network counters in `article_extended_attributes` (`twitter_retweets`,
`facebook_likes`, `youtube_views`…), the author in `extra_author_attributes`, the outlet in
`extra_source_attributes`, `parent_url`, and `tags_internal` (`isComment`…).

Accepted envelopes: the Streaming API's result chunk (`{"chunk_type": "CT_RESULT",
"chunk_result": {"data": {"data": {…}}}}`, control chunks are skipped), an array of chunks,
the Search API page (`{"result_content": {"data": [{"data": {…}}]}}`), `{"documents": [...]}`,
an array of documents, or one document. The external_id is `external_id` when Talkwalker sends
one and the document's `url` otherwise (a digest when longer than 256 characters).

Talkwalker does not sign what it sends: register the source with `auth: url_token`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from api.engine.mention import Mention, PostType
from api.hooks.adapters.adapter import (
    Fields,
    HookAdapter,
    build_mentions,
    indexed,
    json_path,
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
    engagement_by_suffix,
    external_id,
    first,
    followers_by_suffix,
    instant,
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
    sentiment_from_score,
)

NAME: Final = "talkwalker"
_SENTIMENT_SCALE: Final = 5.0
_CONSUMED: Final = (
    "external_id",
    "url",
    "published",
    "title",
    "content",
    "lang",
    "sentiment",
    "reach",
)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [entry for entry in value if isinstance(entry, str)]
    return []


def _convert(item: Mapping[str, Any]) -> Fields:
    document_url = url(item.get("url"))
    document_id = require(
        external_id(first(item.get("external_id"), item.get("url"))),
        "external_id",
        "Talkwalker's external_id or the document url is required",
    )
    published = require(
        instant(item.get("published")), "published", "epoch milliseconds are required"
    )
    # Most specific label first: `SOCIALMEDIA_TWITTER` names the network, `SOCIALMEDIA` doesn't.
    source_types = list(reversed(_strings(item.get("source_type"))))
    network = network_for(
        [*source_types, item.get("external_provider")],
        [document_url, item.get("host_url"), item.get("domain_url")],
    )
    parent = url(item.get("parent_url"))
    if parent == document_url:
        parent = None  # Talkwalker repeats the document's own url for top-level posts
    post_type = post_type_from_words(*_strings(item.get("tags_internal"))) or (
        PostType.comment if parent else None
    )
    if post_type in {None, PostType.post}:
        post_type = article_or_review(network) or PostType.post

    author_attributes = item.get("extra_author_attributes")
    followers = followers_by_suffix(author_attributes, item.get("source_extended_attributes"), item)
    handle = text(dig(author_attributes, "short_name"), MAX_SHORT)
    name = text(dig(author_attributes, "name"), MAX_SHORT)
    outlet = text(dig(item, "extra_source_attributes", "name"), MAX_SHORT)
    counters = engagement_by_suffix(item.get("article_extended_attributes"))
    if counters is None and (total := count(item.get("engagement"))) is not None:
        # Without a per-kind breakdown the total still tells the engine the post is active;
        # likes are the commonest interaction, so that is where it is counted.
        counters = {"likes": total}
    return {
        "external_id": document_id,
        "source": NAME,
        "network": network,
        "published_at": published,
        "title": text(item.get("title"), MAX_TITLE),
        "text": text(item.get("content")),
        "url": document_url,
        "language": bcp47_language(item.get("lang")),
        "author": author_fields(
            handle=handle,
            name=name or (outlet_as_author(network, outlet) if not handle else None),
            followers=followers,
            kind=author_kind(network, followers, publication=name is None and handle is None),
        ),
        "engagement": counters,
        "reach": count(item.get("reach")),
        "sentiment": sentiment_from_score(item.get("sentiment"), _SENTIMENT_SCALE),
        "post_type": post_type,
        "parent_external_id": external_id(parent),
        "raw": unmapped(item, _CONSUMED),
    }


def _document_of(entry: Any, path: str) -> list[tuple[str, Any]]:
    """The document inside a stream chunk or a `{"data": {…}}` wrapper; none for control chunks."""
    if not isinstance(entry, Mapping):
        return [(path, entry)]
    if "chunk_type" in entry:
        if entry.get("chunk_type") != "CT_RESULT":
            return []
        return [
            (json_path(path, "chunk_result.data.data"), dig(entry, "chunk_result", "data", "data"))
        ]
    if isinstance(entry.get("data"), Mapping):
        return [(json_path(path, "data"), entry["data"])]
    return [(path, entry)]


def _documents(entries: Sequence[Any], path: str) -> list[tuple[str, Any]]:
    return [
        found for where, entry in indexed(entries, path) for found in _document_of(entry, where)
    ]


def parse(payload: Any) -> list[Mention]:
    if isinstance(payload, list):
        return build_mentions(_documents(payload, ""), _convert)
    if isinstance(payload, Mapping):
        if "result_content" in payload:
            data = dig(payload, "result_content", "data")
            if not isinstance(data, list):
                return build_mentions([("result_content.data", data)], _convert)
            return build_mentions(_documents(data, "result_content.data"), _convert)
        if "documents" in payload:
            return build_mentions(_documents(list_at(payload, "documents"), "documents"), _convert)
    return build_mentions(_document_of(payload, ""), _convert)


ADAPTER: Final = HookAdapter(
    name=NAME,
    title="Talkwalker",
    summary="Talkwalker documents: a streaming result chunk, a search page or documents.",
    parse=parse,
    request_schema={
        "type": "object",
        "description": "A Talkwalker document, or an envelope of them (see the operation).",
        "properties": {
            "url": {"type": "string"},
            "external_id": {"type": "string", "description": "→ external_id (else url)"},
            "published": {"type": "integer", "description": "Epoch milliseconds"},
            "source_type": {"type": "array", "items": {"type": "string"}},
            "sentiment": {"type": "integer", "minimum": -5, "maximum": 5},
            "reach": {"type": "integer"},
            "engagement": {"type": "integer"},
        },
        "additionalProperties": True,
    },
    example={
        "chunk_type": "CT_RESULT",
        "chunk_result": {
            "data": {
                "data": {
                    "url": "https://x.com/i/web/status/1898611234567890123",
                    "published": 1773044100000,
                    "lang": "en",
                    "sentiment": -5,
                    "source_type": ["SOCIALMEDIA", "SOCIALMEDIA_TWITTER"],
                    "post_type": ["TEXT"],
                    "external_provider": "twitter",
                    "external_id": "1898611234567890123",
                    "external_author_id": "2714573408",
                    "reach": 12400,
                    "engagement": 57,
                    "article_extended_attributes": {"twitter_retweets": 41, "twitter_likes": 16},
                }
            }
        },
    },
    documentation="https://developer.talkwalker.com/docs/talkwalker-documents/field-information",
)
