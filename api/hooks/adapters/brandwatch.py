"""`brandwatch`: Brandwatch Consumer Research mentions.

The mention object of Brandwatch's Mentions API ("Mention Field Definitions",
developers.brandwatch.com): `resourceId` (→ external_id; `guid` when absent), `date`
(`YYYY-MM-DD'T'hh:mm:ss.SSS+0000`), `title`, `fullText` / `snippet`, `url`, `language`,
`pageType` (`twitter`, `facebook`, `instagram`, `news`, `blog`, `forum`, `review`, `reddit`,
`tiktok`, `youtube`, `tumblr`, `bluesky`…), `sentiment` (`positive`/`neutral`/`negative`),
`reachEstimate`, `author` (handle) and `fullname`, per-network audiences (`twitterFollowers`,
`instagramFollowerCount`…) and counters (`twitterRetweets`, `twitterLikeCount`,
`facebookComments`, `youtubeViewCount`…), `twitterVerified` / `authorVerifiedType`,
`accountType`, `threadEntryType` and `engagementType` (reply, share/retweet, quote…),
`parentGuid` / `replyTo`. Accepts one mention, an array, `{"mentions": [...]}` or the API's
page `{"results": [...], "resultsTotal": …}`.

Brandwatch does not sign what it sends: register the source with `auth: url_token`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from api.engine.mention import AuthorKind, Mention, Network, PostType
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
    post_type_from_words,
    sentiment_from_label,
)

NAME: Final = "brandwatch"
_CONSUMED: Final = (
    "resourceId",
    "date",
    "title",
    "fullText",
    "url",
    "language",
    "sentiment",
    "reachEstimate",
    "author",
    "fullname",
    "parentGuid",
)


def _kind(item: Mapping[str, Any], network: Network, followers: int | None) -> AuthorKind:
    professions = item.get("professions")
    if isinstance(professions, list) and any(
        "journalist" in str(entry).lower() for entry in professions
    ):
        return AuthorKind.journalist
    organisational = str(item.get("accountType") or "").lower() == "organisational"
    if organisational and network is Network.news:
        return AuthorKind.media
    return author_kind(network, followers)


def _convert(item: Mapping[str, Any]) -> Fields:
    mention_id = require(
        external_id(first(item.get("resourceId"), item.get("guid"), item.get("id"))),
        "resourceId",
        "Brandwatch's resourceId (or guid) is required",
    )
    published = require(instant(item.get("date")), "date", "a publication date is required")
    network = network_for(
        [item.get("pageType"), item.get("contentSourceName"), item.get("contentSource")],
        [item.get("url"), item.get("originalUrl"), item.get("domain")],
    )
    post_type = post_type_from_words(item.get("engagementType"), item.get("threadEntryType"))
    if post_type in {None, PostType.post}:
        post_type = article_or_review(network) or PostType.post
    followers = followers_by_suffix(item)
    verified_type = item.get("authorVerifiedType")
    verified = item.get("twitterVerified")
    if not isinstance(verified, bool):
        verified = True if isinstance(verified_type, str) and verified_type.strip() else None
    return {
        "external_id": mention_id,
        "source": NAME,
        "network": network,
        "published_at": published,
        "title": text(item.get("title"), MAX_TITLE),
        "text": text(first(item.get("fullText"), item.get("snippet"))),
        "url": url(first(item.get("url"), item.get("originalUrl"))),
        "language": bcp47_language(item.get("language")),
        "author": author_fields(
            handle=text(item.get("author"), MAX_SHORT),
            name=text(item.get("fullname"), MAX_SHORT),
            followers=followers,
            verified=verified,
            kind=_kind(item, network, followers),
        ),
        "engagement": engagement_by_suffix(item),
        "reach": count(item.get("reachEstimate")),
        "sentiment": sentiment_from_label(item.get("sentiment")),
        "post_type": post_type,
        "parent_external_id": external_id(
            first(item.get("parentGuid"), item.get("parentPostId"), item.get("replyTo"))
        ),
        "raw": unmapped(item, _CONSUMED),
    }


def parse(payload: Any) -> list[Mention]:
    return build_mentions(items_of(payload, "results", "mentions"), _convert)


ADAPTER: Final = HookAdapter(
    name=NAME,
    title="Brandwatch",
    summary="Brandwatch Consumer Research mentions: one, an array, or the {results: [...]} page.",
    parse=parse,
    request_schema={
        "type": "object",
        "description": 'A Brandwatch mention, or `{"results": [...]}` of them.',
        "properties": {
            "resourceId": {"type": "string", "description": "→ external_id (else guid)"},
            "guid": {"type": "string"},
            "date": {"type": "string", "example": "2026-03-09T08:15:00.000+0000"},
            "pageType": {"type": "string"},
            "sentiment": {"type": "string", "enum": ["positive", "neutral", "negative"]},
            "reachEstimate": {"type": "integer"},
            "author": {"type": "string"},
            "fullname": {"type": "string"},
        },
        "additionalProperties": True,
    },
    example={
        "resourceId": "bw-1898611234567890123",
        "guid": "1898611234567890123",
        "date": "2026-03-09T08:15:00.000+0000",
        "pageType": "twitter",
        "contentSourceName": "X",
        "author": "jane_doe",
        "fullname": "Jane Doe",
        "sentiment": "negative",
        "reachEstimate": 240,
        "twitterFollowers": 240,
        "twitterRetweets": 1,
        "twitterLikeCount": 2,
        "language": "en",
        "threadEntryType": "post",
    },
    documentation="https://developers.brandwatch.com/docs/mention-metadata-field-definitions",
)
