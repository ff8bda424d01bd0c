"""Lenient field readers: a vendor value Vigie can use, or None (it then stays in `raw`).

Canonical limits are those of api/engine/mention.py: longer values are cut rather than refused.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final, TypeVar

from api.engine.mention import AuthorKind
from api.hooks.adapters.adapter import Fields

_T = TypeVar("_T")

MAX_TEXT: Final = 40_000
MAX_TITLE: Final = 2_000
MAX_URL: Final = 2_048
MAX_SHORT: Final = 200
MAX_EXTERNAL_ID: Final = 256
MAX_COUNT: Final = 10**12


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


# Numbers in vendor text are ASCII: str.isdigit() also says yes to a superscript two (which
# int() refuses), and int()/float() read other scripts' digits (Arabic-Indic, fullwidth) and
# "1_000" as numbers.
_INTEGER_TEXT: Final = re.compile(r"[+-]?[0-9]{1,18}")


def integer_text(value: str) -> int | None:
    """The integer an ASCII-digit string writes (at most 18 digits), else None."""
    stripped = value.strip()
    return int(stripped) if _INTEGER_TEXT.fullmatch(stripped) else None


def count(value: Any) -> int | None:
    """A non-negative counter from an int, a finite float or a numeric string; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip().replace(",", "")
        if not value.isascii() or "_" in value:
            return None
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


_FRACTION: Final = re.compile(r"(\.[0-9]{6})[0-9]+")
_COMPACT_OFFSET: Final = re.compile(r"([+-][0-9]{2})([0-9]{2})$")
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
        return _from_epoch(value)
    if not isinstance(value, str):
        return None
    raw = value.strip()
    if not raw or len(raw) > 64:
        return None
    if re.fullmatch(r"[0-9]{9,14}(\.[0-9]+)?", raw):
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


def _from_epoch(number: float) -> datetime | None:
    try:
        seconds = float(number)  # a 401-digit integer overflows here: not a date
    except OverflowError:
        return None
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


def engagement(
    likes: int | None, shares: int | None, comments: int | None, views: int | None
) -> dict[str, int] | None:
    values = {"likes": likes, "shares": shares, "comments": comments, "views": views}
    present = {name: value for name, value in values.items() if value is not None}
    return present or None


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


_HANDLE: Final = re.compile(r"^@?([A-Za-z0-9_.]{1,30})$")
# Where vendors put whom a post answers: X's own `in_reply_to_screen_name` (passed through by
# tools that forward the tweet object), Brandwatch's `replyTo` and `threadAuthor`, the author of a
# `parent` object (Meltwater, Talkwalker, YouScan).
_REPLY_TO_PATHS: Final = (
    ("in_reply_to_screen_name",),
    ("inReplyToScreenName",),
    ("replyToScreenName",),
    ("replyTo",),
    ("reply_to",),
    ("parent", "author", "handle"),
    ("parent", "author", "username"),
    ("parent", "author", "nickname"),
    ("parentPost", "author", "nickname"),
)
# Markers of a private message to the brand's account (owned-channel streams: X DMs, Messenger,
# Instagram Direct), as booleans or as a message/post type.
_DIRECT_FLAGS: Final = ("isDirectMessage", "is_direct_message", "directMessage", "is_dm", "isDm")
_DIRECT_TYPES: Final = frozenset(
    {"dm", "direct", "directmessage", "direct_message", "privatemessage", "private_message",
     "message", "messenger", "inbox", "private"}
)  # fmt: skip
_TYPE_KEYS: Final = ("messageType", "message_type", "postType", "post_type", "engagementType",
                     "threadEntryType", "interactionType", "channelType")  # fmt: skip


def reply_to_handle(item: Mapping[str, Any], *, thread_author: bool = False) -> str | None:
    """The handle of the account this post replies to, when the vendor says so."""
    paths = (*_REPLY_TO_PATHS, ("threadAuthor",)) if thread_author else _REPLY_TO_PATHS
    for path in paths:
        value = dig(item, *path)
        if isinstance(value, str):
            match = _HANDLE.match(value.strip())
            # Ids and URLs are parents, not handles: only a name-shaped value is kept.
            if match is not None and not match.group(1).isdigit():
                return "@" + match.group(1)
    return None


def direct_message(item: Mapping[str, Any]) -> bool | None:
    """True when the vendor marks the item as a private message to the brand; None if silent."""
    for key in _DIRECT_FLAGS:
        value = item.get(key)
        if isinstance(value, bool):
            return value or None
    for key in _TYPE_KEYS:
        value = item.get(key)
        if isinstance(value, str) and value.strip().lower().replace(" ", "") in _DIRECT_TYPES:
            return True
    return None
