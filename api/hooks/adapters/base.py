"""What every source adapter shares: its type, lenient field readers and the vendors' vocabularies.

An adapter turns the JSON a listening tool pushes into canonical mentions (SPEC §2.1). Tools send
what they have: X posts without text or author, counters as strings, dates in three formats. So
readers here are lenient per field — a value that cannot be used is dropped (and stays in `raw`)
rather than failing the mention. Only a mention without an id or a publication date is refused,
and then the whole delivery is refused with the JSON path of every such item (422).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, NoReturn, TypeVar
from urllib.parse import urlsplit

from pydantic import ValidationError

from api.engine.mention import AuthorKind, Mention, Network, PostType, SentimentLabel
from api.problems import InvalidParam, ValidationFailed

Fields = dict[str, Any]
_T = TypeVar("_T")

# Canonical limits (api/engine/mention.py): longer values are cut rather than refused.
MAX_TEXT: Final = 40_000
MAX_TITLE: Final = 2_000
MAX_URL: Final = 2_048
MAX_SHORT: Final = 200
MAX_EXTERNAL_ID: Final = 256
MAX_COUNT: Final = 10**12
# Listing only the first problems keeps a refusal of a 1,000-item delivery readable.
MAX_REPORTED_PROBLEMS: Final = 20
# Above this audience a social account is treated as an influencer when the tool says nothing.
INFLUENCER_FOLLOWERS: Final = 100_000


@dataclass(frozen=True, slots=True)
class HookAdapter:
    """One listening tool's native push format, and how it becomes canonical mentions."""

    name: str
    title: str
    summary: str
    parse: Callable[[Any], list[Mention]]
    request_schema: Mapping[str, Any]
    example: Mapping[str, Any]
    documentation: str
    signs_natively: bool = field(default=False)


class ItemRejected(Exception):
    """This item cannot become a mention (no id, no date): `field` says where, `reason` why."""

    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(f"{field_name}: {reason}")
        self.field_name = field_name
        self.reason = reason


# --- assembling mentions ---------------------------------------------------------------------


def build_mentions(
    entries: Iterable[tuple[str, Any]], convert: Callable[[Mapping[str, Any]], Fields]
) -> list[Mention]:
    """Convert every `(JSON path, item)`, or refuse the delivery naming each unusable item (422)."""
    mentions: list[Mention] = []
    problems: list[InvalidParam] = []
    for where, item in entries:
        if not isinstance(item, Mapping):
            problems.append(InvalidParam(name=where or "body", reason="expected a JSON object"))
            continue
        try:
            mentions.append(Mention.model_validate(convert(item)))
        except ItemRejected as rejected:
            problems.append(
                InvalidParam(name=json_path(where, rejected.field_name), reason=rejected.reason)
            )
        except ValidationError as error:
            problems.extend(
                InvalidParam(
                    name=json_path(where, *(str(part) for part in e["loc"])),
                    reason=str(e["msg"]),
                )
                for e in error.errors(include_url=False, include_input=False)
            )
    if problems:
        raise_invalid(problems)
    return mentions


def indexed(items: Sequence[Any], path: str) -> list[tuple[str, Any]]:
    """`(path.i, item)` for every item of a list found at `path`."""
    return [(json_path(path, str(index)), item) for index, item in enumerate(items)]


def json_path(*parts: str) -> str:
    return ".".join(part for part in parts if part)


def list_at(payload: Mapping[str, Any], key: str) -> list[Any]:
    """`payload[key]` when it is a list; a 422 naming the field otherwise."""
    value = payload.get(key)
    if not isinstance(value, list):
        raise_invalid([InvalidParam(name=key, reason="expected a JSON array")])
    assert isinstance(value, list)
    return value


def raise_invalid(problems: Sequence[InvalidParam]) -> NoReturn:
    raise ValidationFailed.for_params(problems, limit=MAX_REPORTED_PROBLEMS)


def unmapped(item: Mapping[str, Any], consumed: Iterable[str]) -> dict[str, Any] | None:
    """The item's fields Vigie does not model, kept as sent in `raw` for audit."""
    taken = set(consumed)
    rest = {key: value for key, value in item.items() if key not in taken}
    return rest or None


# --- lenient readers ----------------------------------------------------------------------


def first(*values: _T | None) -> _T | None:
    """The first value that is not None (vendors spread one fact over several field names)."""
    return next((value for value in values if value is not None), None)


def dig(item: Any, *path: str) -> Any:
    """`item[path[0]][path[1]]…`, or None as soon as a step is missing or not an object."""
    for key in path:
        if not isinstance(item, Mapping):
            return None
        item = item.get(key)
    return item


def text(value: Any, limit: int = MAX_TEXT) -> str | None:
    if isinstance(value, str):
        stripped = value.strip()
        return stripped[:limit] or None
    return None


def count(value: Any) -> int | None:
    """A non-negative counter from an int, a finite float or a numeric string; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip().replace(",", "")
        try:
            value = float(value)
        except ValueError:
            return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and math.isfinite(value):
        number = int(value)
    else:
        return None
    return min(number, MAX_COUNT) if number >= 0 else None


_FRACTION: Final = re.compile(r"(\.\d{6})\d+")
_COMPACT_OFFSET: Final = re.compile(r"([+-]\d{2})(\d{2})$")
_EPOCH_MILLIS_FROM: Final = 100_000_000_000  # seconds this large would be the year 5138


def instant(value: Any) -> datetime | None:
    """An aware UTC datetime from ISO 8601 text or epoch seconds/milliseconds; else None.

    Handles what vendors actually send: `Z`, `+0000` (Brandwatch), 7-8 fractional digits
    (Mention), epoch milliseconds (Talkwalker). A date without an offset is taken as UTC, which
    is what every one of these tools documents.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _from_epoch(float(value))
    if not isinstance(value, str):
        return None
    raw = value.strip()
    if not raw or len(raw) > 64:
        return None
    if re.fullmatch(r"\d{9,14}(\.\d+)?", raw):
        return _from_epoch(float(raw))
    normalized = _FRACTION.sub(r"\1", raw.replace("Z", "+00:00").replace("z", "+00:00"))
    normalized = _COMPACT_OFFSET.sub(r"\1:\2", normalized)
    try:
        moment = datetime.fromisoformat(normalized)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def _from_epoch(seconds: float) -> datetime | None:
    if not math.isfinite(seconds) or seconds < 0:
        return None
    if seconds >= _EPOCH_MILLIS_FROM:
        seconds /= 1000
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def external_id(value: Any) -> str | None:
    """The vendor's id as text; ids longer than the canonical limit (URLs) become a digest."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        return None
    identifier: str = value.strip()
    if not identifier:
        return None
    if len(identifier) > MAX_EXTERNAL_ID:
        digest = hashlib.sha256(identifier.encode("utf-8", "surrogatepass")).hexdigest()
        return "sha256:" + digest
    return identifier


def url(value: Any) -> str | None:
    candidate = text(value, MAX_URL + 1)
    if candidate is None or len(candidate) > MAX_URL:
        return None
    return candidate


# The counter a vendor field holds, by its last word(s): `twitter_retweets`, `facebookLikes`,
# `youtubeViewCount`. Whole words only, so `alexa_pageviews` is not mistaken for views.
_ENGAGEMENT_WORDS: Final = {
    "likes": "likes",
    "likecount": "likes",
    "favorites": "likes",
    "favoritecount": "likes",
    "shares": "shares",
    "sharecount": "shares",
    "retweets": "shares",
    "retweetcount": "shares",
    "reposts": "shares",
    "repostcount": "shares",
    "comments": "comments",
    "commentcount": "comments",
    "replies": "comments",
    "replycount": "comments",
    "views": "views",
    "viewcount": "views",
}
_FOLLOWER_WORDS: Final = frozenset(
    {"followers", "followercount", "followerscount", "subscribers", "subscribercount"}
)
_KEY_WORD: Final = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def _tail_words(key: str) -> tuple[str, ...]:
    """The last word and the last two words joined: `youtubeViewCount` → (count, viewcount)."""
    words = [word.lower() for word in _KEY_WORD.findall(key)]
    return tuple(words[-1:]) + (("".join(words[-2:]),) if len(words) > 1 else ())


def engagement_by_suffix(*sources: Any) -> dict[str, int] | None:
    """Per-network counters (`twitter_retweets`, `facebookLikes`, `youtubeViewCount`…) summed
    into the canonical likes / shares / comments / views."""
    totals: dict[str, int] = {}
    for source in sources:
        if not isinstance(source, Mapping):
            continue
        for key, value in source.items():
            name = next(
                (_ENGAGEMENT_WORDS[w] for w in _tail_words(str(key)) if w in _ENGAGEMENT_WORDS),
                None,
            )
            number = count(value) if name else None
            if name and number is not None:
                totals[name] = min(totals.get(name, 0) + number, MAX_COUNT)
    return totals or None


def followers_by_suffix(*sources: Any) -> int | None:
    """The largest audience among per-network follower counters (`twitterFollowers`…)."""
    found = [
        number
        for source in sources
        if isinstance(source, Mapping)
        for key, value in source.items()
        if any(word in _FOLLOWER_WORDS for word in _tail_words(str(key)))
        and (number := count(value)) is not None
    ]
    return max(found) if found else None


# --- vocabularies ---------------------------------------------------------------------------

# Social networks named by a label or a host: the most specific answer, preferred first.
_NETWORK_WORDS: Final = {
    "twitter": Network.twitter,
    "x": Network.twitter,
    "tweet": Network.twitter,
    "facebook": Network.facebook,
    "fb": Network.facebook,
    "instagram": Network.instagram,
    "tiktok": Network.tiktok,
    "douyin": Network.tiktok,
    "youtube": Network.youtube,
    "linkedin": Network.linkedin,
    "reddit": Network.reddit,
}
# Kinds of media: used when no social network is named.
_CATEGORY_WORDS: Final = {
    "news": Network.news,
    "onlinenews": Network.news,
    "print": Network.news,
    "press": Network.news,
    "broadcast": Network.news,
    "tv": Network.news,
    "radio": Network.news,
    "newspaper": Network.news,
    "newspapers": Network.news,
    "magazine": Network.news,
    "blog": Network.blog,
    "blogs": Network.blog,
    "tumblr": Network.blog,
    "forum": Network.forum,
    "forums": Network.forum,
    "messageboard": Network.forum,
    "review": Network.review,
    "reviews": Network.review,
}
_HOSTS: Final = {
    "twitter.com": Network.twitter,
    "x.com": Network.twitter,
    "t.co": Network.twitter,
    "facebook.com": Network.facebook,
    "fb.com": Network.facebook,
    "fb.watch": Network.facebook,
    "instagram.com": Network.instagram,
    "tiktok.com": Network.tiktok,
    "youtube.com": Network.youtube,
    "youtu.be": Network.youtube,
    "linkedin.com": Network.linkedin,
    "lnkd.in": Network.linkedin,
    "reddit.com": Network.reddit,
    "redd.it": Network.reddit,
}
_WORD: Final = re.compile(r"[a-z0-9]+")


def _words(label: Any) -> list[str]:
    return _WORD.findall(label.lower()) if isinstance(label, str) else []


def host_network(address: Any) -> Network | None:
    """The network of a URL or a bare host (`www.instagram.com`, `https://x.com/…`)."""
    if not isinstance(address, str) or not address.strip():
        return None
    candidate = address.strip().lower()
    try:
        host = urlsplit(candidate if "//" in candidate else "//" + candidate).hostname or ""
    except ValueError:
        return None
    parts = host.split(".")
    for start in range(len(parts) - 1):
        network = _HOSTS.get(".".join(parts[start:]))
        if network is not None:
            return network
    return None


def network_for(labels: Iterable[Any], addresses: Iterable[Any] = ()) -> Network:
    """Pick the network from the vendor's labels and the mention's URLs.

    A named social network wins over a kind of media (a news outlet's Facebook post is a Facebook
    post), a label wins over a URL, and `other` is the answer when nothing is recognised.
    """
    labels = list(labels)
    for label in labels:
        for word in _words(label):
            if word in _NETWORK_WORDS:
                return _NETWORK_WORDS[word]
    for address in addresses:
        network = host_network(address)
        if network is not None:
            return network
    for label in labels:
        for word in _words(label):
            if word in _CATEGORY_WORDS:
                return _CATEGORY_WORDS[word]
    return Network.other


_SOCIAL: Final = frozenset(_NETWORK_WORDS.values())


def author_kind(
    network: Network, followers: int | None, *, publication: bool = False
) -> AuthorKind:
    """A sensible author kind when the tool gives none.

    On news sites the author of an article is a journalist and the outlet itself is media; on
    social networks an audience above INFLUENCER_FOLLOWERS makes an influencer.
    """
    if network is Network.news:
        return AuthorKind.media if publication else AuthorKind.journalist
    if network in _SOCIAL and followers is not None and followers >= INFLUENCER_FOLLOWERS:
        return AuthorKind.influencer
    return AuthorKind.person


def sentiment_from_label(value: Any) -> dict[str, Any] | None:
    """`positive`/`neutral`/`negative` (any case, common synonyms) → a provided sentiment."""
    if not isinstance(value, str):
        return None
    label = value.strip().lower()
    aliases = {"pos": "positive", "neg": "negative", "neu": "neutral", "mixed": "neutral"}
    label = aliases.get(label, label)
    if label in SentimentLabel.__members__:
        return {"label": label}
    return None


def sentiment_from_score(value: Any, scale: float) -> dict[str, Any] | None:
    """A numeric sentiment on [-scale, scale] → score in [-1, 1] with its label."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    score = max(-1.0, min(1.0, value / scale))
    label = "negative" if score < 0 else "positive" if score > 0 else "neutral"
    return {"score": round(score, 3), "label": label}


def engagement(
    likes: int | None, shares: int | None, comments: int | None, views: int | None
) -> dict[str, int] | None:
    values = {"likes": likes, "shares": shares, "comments": comments, "views": views}
    present = {name: value for name, value in values.items() if value is not None}
    return present or None


_POST_TYPE_WORDS: Final = {
    "post": PostType.post,
    "reply": PostType.reply,
    "replies": PostType.reply,
    "isreply": PostType.reply,
    "comment": PostType.comment,
    "comments": PostType.comment,
    "iscomment": PostType.comment,
    "retweet": PostType.repost,
    "isretweet": PostType.repost,
    "repost": PostType.repost,
    "extendedrepost": PostType.repost,
    "share": PostType.repost,
    "quote": PostType.repost,
    "article": PostType.article,
    "review": PostType.review,
}


def post_type_from_words(*labels: Any) -> PostType | None:
    """The first post type named in the vendor's labels (`reply`, `isComment`, `RETWEET`…)."""
    for label in labels:
        for word in _words(label):
            if word in _POST_TYPE_WORDS:
                return _POST_TYPE_WORDS[word]
    return None


def article_or_review(network: Network) -> PostType | None:
    """An original post on a news site or a blog is an article; on a review site, a review."""
    if network in {Network.news, Network.blog}:
        return PostType.article
    if network is Network.review:
        return PostType.review
    return None


def require(value: Any, field_name: str, reason: str) -> Any:
    if value is None:
        raise ItemRejected(field_name, reason)
    return value


def author_fields(
    *,
    handle: str | None,
    name: str | None,
    followers: int | None,
    kind: AuthorKind,
    verified: bool | None = None,
) -> Fields | None:
    """The canonical author, or None when the tool sent nothing that identifies one (X data)."""
    if handle is None and name is None and followers is None:
        return None
    return {
        "handle": handle,
        "name": name,
        "followers": followers,
        "verified": verified,
        "kind": kind,
    }


def outlet_as_author(network: Network, outlet: str | None) -> str | None:
    """A news or blog article without a byline is signed by its outlet; a social post is not
    (`X` or a subreddit's name is where it was posted, not who wrote it)."""
    return outlet if network in {Network.news, Network.blog} else None
