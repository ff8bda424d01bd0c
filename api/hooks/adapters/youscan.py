"""`youscan`: YouScan's webhook integration, one mention per POST.

Field names from YouScan's help centre ("How to use Webhook integration") and the `WebhookMention`
schema of its public API reference: `mentionId`, `published` (ISO 8601), `author` / `channel`
profiles with `subscribers`, `sentiment` (`positive`/`neutral`/`negative`/`undefined`), `postType`
(`post`/`repost`/`extendedRepost`/`comment`), `resourceType` (`social`/`blog`/`forum`/
`messenger`/`news`/`reviews`/`other`), `sourceName` (the domain), `likes`/`reposts`/`comments`/
`views`, `reach`/`potentialReach`, `language` (three-letter ISO 639). Null fields are omitted.
For X, YouScan strips text, URL and the author's name: such mentions still arrive with their id,
date and engagement, and the engine computes what it can.

YouScan does not sign its webhooks (it supports credentials in the URL only): register the source
with `auth: url_token`.
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
    items_of,
    require,
    unmapped,
)
from api.hooks.adapters.fields import (
    MAX_SHORT,
    MAX_TITLE,
    author_fields,
    count,
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
    post_type_from_words,
    sentiment_from_label,
)

NAME: Final = "youscan"
_PROFILE_FIELDS: Final = ("name", "nickname", "subscribers")
_CONSUMED: Final = (
    "mentionId",
    "published",
    "title",
    "text",
    "url",
    "sentiment",
    "language",
    "postType",
    "likes",
    "reposts",
    "comments",
    "views",
    "reach",
    "parentPostId",
)


def _profile(value: Any) -> Mapping[str, Any] | None:
    return value if isinstance(value, Mapping) else None


def _convert(item: Mapping[str, Any]) -> Fields:
    mention_id = require(
        external_id(item.get("mentionId")), "mentionId", "YouScan's mention id is required"
    )
    published = require(
        instant(item.get("published")), "published", "an ISO 8601 publication date is required"
    )
    author_profile = _profile(item.get("author"))
    channel = _profile(item.get("channel"))
    network = network_for(
        [item.get("resourceType")],
        [
            item.get("sourceName"),
            item.get("url"),
            author_profile and author_profile.get("url"),
            channel and channel.get("url"),
        ],
    )
    post_type = (
        post_type_from_words(item.get("postType"), item.get("resourceType")) or PostType.post
    )
    if post_type is PostType.post:
        post_type = article_or_review(network) or PostType.post

    # A post on a page often has no author but a channel: the page is then who published it.
    publisher = author_profile or channel
    author: Fields | None = None
    if publisher is not None:
        followers = count(publisher.get("subscribers"))
        author = author_fields(
            handle=text(publisher.get("nickname"), MAX_SHORT),
            name=text(publisher.get("name"), MAX_SHORT),
            followers=followers,
            kind=author_kind(network, followers, publication=author_profile is None),
        )

    raw = unmapped(item, _CONSUMED) or {}
    if author_profile is not None:
        raw.pop("author", None)
        if rest := unmapped(author_profile, _PROFILE_FIELDS):
            raw["author"] = rest
    return {
        "external_id": mention_id,
        "source": NAME,
        "network": network,
        "published_at": published,
        "title": text(item.get("title"), MAX_TITLE),
        "text": text(item.get("text")),
        "url": url(item.get("url")),
        "language": bcp47_language(item.get("language")),
        "author": author,
        "engagement": engagement(
            count(item.get("likes")),
            count(item.get("reposts")),
            count(item.get("comments")),
            count(item.get("views")),
        ),
        "reach": first(count(item.get("reach")), count(item.get("potentialReach"))),
        "sentiment": sentiment_from_label(item.get("sentiment")),
        "post_type": post_type,
        "in_reply_to": reply_to_handle(item),
        "addressed_to_brand": direct_message(item),
        "parent_external_id": external_id(item.get("parentPostId")),
        "raw": raw or None,
    }


def parse(payload: Any) -> list[Mention]:
    # YouScan posts one mention per request; an array (a manual bulk send) is accepted too.
    return build_mentions(items_of(payload), _convert)


ADAPTER: Final = HookAdapter(
    name=NAME,
    title="YouScan",
    summary="YouScan's WebhookMention: one mention per POST (topic Settings → Integrations).",
    parse=parse,
    request_schema={
        "type": "object",
        "description": "YouScan `WebhookMention`; unlisted fields are kept in `raw`.",
        "required": ["mentionId", "published"],
        "properties": {
            "mentionId": {"type": "integer", "description": "→ external_id"},
            "published": {"type": "string", "format": "date-time"},
            "sourceName": {"type": "string", "description": "Domain, e.g. twitter.com"},
            "resourceType": {
                "type": "string",
                "enum": ["social", "blog", "forum", "messenger", "news", "reviews", "other"],
            },
            "postType": {
                "type": "string",
                "enum": ["post", "repost", "extendedRepost", "comment"],
            },
            "sentiment": {
                "type": "string",
                "enum": ["positive", "neutral", "negative", "undefined"],
            },
            "language": {"type": "string", "description": "ISO 639-3, e.g. eng → en"},
            "author": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "nickname": {"type": "string"},
                    "subscribers": {"type": "integer"},
                },
            },
            "likes": {"type": "integer"},
            "reposts": {"type": "integer"},
            "comments": {"type": "integer"},
            "reach": {"type": "integer"},
        },
        "additionalProperties": True,
    },
    example={
        "topicId": 284116,
        "topicName": "ACME",
        "mentionId": 1139842057,
        "url": "https://www.facebook.com/acme.fr/posts/pfbid02X",
        "published": "2026-03-09T08:12:41Z",
        "addedAt": "2026-03-09T08:14:03.512Z",
        "sourceName": "facebook.com",
        "text": "Commande jamais livrée et le service client ne répond pas.",
        "author": {"name": "Julie Martin", "nickname": "julie.martin", "subscribers": 412},
        "sentiment": "negative",
        "postType": "comment",
        "resourceType": "social",
        "language": "fra",
        "likes": 3,
        "comments": 1,
        "reposts": 0,
    },
    documentation="https://help.youscan.io/en/articles/3371690-how-to-use-webhook-integration",
    # YouScan puts credentials in the URL only: it cannot sign.
    auth_modes=URL_TOKEN_ONLY,
)
