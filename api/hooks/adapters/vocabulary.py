"""The vendors' vocabularies: networks, author kinds, sentiments and post types by their words."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any, Final
from urllib.parse import urlsplit

from api.engine.mention import AuthorKind, Network, PostType, SentimentLabel

# Above this audience a social account is labelled an influencer when the tool names no author
# kind; the label is stored with the mention. Not `EngineConfig.influencer_audience` (50k): that
# rule scores a *verified* account as an influencer whatever its stored kind, and is tuned with
# the engine; this one labels unverified accounts on followers alone, so it asks for more.
INFLUENCER_FOLLOWERS: Final = 100_000

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
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        # A 401-digit integer overflows any float conversion: not a score.
        ratio = float(value) / scale
    except OverflowError:
        return None
    if not math.isfinite(ratio):
        return None
    score = max(-1.0, min(1.0, ratio))
    label = "negative" if score < 0 else "positive" if score > 0 else "neutral"
    return {"score": round(score, 3), "label": label}


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


def outlet_as_author(network: Network, outlet: str | None) -> str | None:
    """A news or blog article without a byline is signed by its outlet; a social post is not
    (`X` or a subreddit's name is where it was posted, not who wrote it)."""
    return outlet if network in {Network.news, Network.blog} else None
