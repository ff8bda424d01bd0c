"""Lenient field readers: dates, counters, ids and per-network counters as vendors send them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from api.engine import EngineConfig
from api.hooks.adapters.fields import (
    count,
    direct_message,
    engagement_by_suffix,
    external_id,
    followers_by_suffix,
    instant,
    reply_to_handle,
)

MOMENT = datetime(2026, 3, 9, 8, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        "2026-03-09T08:15:00Z",
        "2026-03-09T08:15:00.000Z",
        "2026-03-09T08:15:00.000+0000",  # Brandwatch
        "2026-03-09T09:15:00+01:00",
        "2026-03-09T08:15:00.00000000+00:00",  # Mention: 8 fractional digits
        "2026-03-09T08:15:00",  # no offset: the vendors document UTC
        1773044100,
        1773044100000,  # Talkwalker: epoch milliseconds
        1773044100000.0,
        "1773044100000",
    ],
)
def test_vendor_dates_are_read_as_aware_utc(value: Any) -> None:
    assert instant(value) == MOMENT


# 1773044100 written in Arabic-Indic and in fullwidth digits.
ARABIC_INDIC_EPOCH = "".join(chr(0x0660 + int(d)) for d in "1773044100")
FULLWIDTH_EPOCH = "".join(chr(0xFF10 + int(d)) for d in "1773044100")


@pytest.mark.parametrize(
    "value",
    [
        *(None, True, "", "yesterday", -5, float("nan"), 10**30, "9" * 80, [], {}),
        # Digits of other scripts are not epoch seconds (int() and float() would read them).
        ARABIC_INDIC_EPOCH,
        FULLWIDTH_EPOCH,
        "2026-03-09T08:15:00." + FULLWIDTH_EPOCH[:7] + "+00:00",
    ],
)
def test_unusable_dates_are_none(value: Any) -> None:
    assert instant(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *((3, 3), (3.9, 3), ("12", 12), ("1,204", 1204), (-1, None), (True, None), ("x", None)),
        # ASCII digits only: superscripts, other scripts' digits and `_` separators are no count.
        *(("\u00b2", None), (ARABIC_INDIC_EPOCH[:2], None), (FULLWIDTH_EPOCH[:2], None)),
        ("1_000", None),
    ],
)
def test_counters_are_lenient(value: Any, expected: int | None) -> None:
    assert count(value) == expected


def test_counters_are_capped_at_the_canonical_maximum() -> None:
    assert count(10**20) == 10**12


def test_a_long_vendor_id_becomes_a_stable_digest() -> None:
    url = "https://example.org/" + "a" * 400
    assert external_id(url) == external_id(url)
    assert str(external_id(url)).startswith("sha256:")
    assert len(str(external_id(url))) <= 256
    assert external_id(1139842057) == "1139842057"
    assert external_id(" ") is None
    assert external_id(False) is None


def test_per_network_counters_are_summed_into_canonical_engagement() -> None:
    counters = {
        "twitter_retweets": 4,
        "facebookShares": 2,
        "twitterLikeCount": 10,
        "youtube_views": 1000,
        "twitterReplyCount": 3,
        "alexa_pageviews": 99,
        "redditScore": 7,
    }
    assert engagement_by_suffix(counters) == {
        "shares": 6,
        "likes": 10,
        "views": 1000,
        "comments": 3,
    }
    assert engagement_by_suffix({"alexa_pageviews": 1}) is None
    assert followers_by_suffix({"twitterFollowers": 10, "instagramFollowerCount": 40}) == 40


@pytest.mark.parametrize(
    ("item", "handle"),
    [
        ({"in_reply_to_screen_name": "AcmeHelp"}, "@AcmeHelp"),
        ({"replyTo": "@acme"}, "@acme"),
        ({"replyTo": "1498231123"}, None),  # an id is a parent, not a handle
        ({"replyTo": "https://x.com/acme/status/1"}, None),
        ({"parent": {"author": {"handle": "acme_fr"}}}, "@acme_fr"),
        ({}, None),
    ],
)
def test_the_account_a_post_replies_to_is_read_when_the_vendor_gives_it(
    item: dict[str, Any], handle: str | None
) -> None:
    assert reply_to_handle(item) == handle


@pytest.mark.parametrize(
    ("item", "direct"),
    [
        ({"isDirectMessage": True}, True),
        ({"isDirectMessage": False}, None),
        ({"messageType": "Direct Message"}, True),
        ({"postType": "comment"}, None),
        ({}, None),
    ],
)
def test_a_direct_message_marker_addresses_the_brand(
    item: dict[str, Any], direct: bool | None
) -> None:
    assert direct_message(item) is direct


def test_a_brandwatch_reply_to_the_brand_reaches_the_triage() -> None:
    from api.engine import BrandContext, Tier, triage_mention
    from api.hooks.adapters import brandwatch

    [mention] = brandwatch.parse(
        {
            "resourceId": "bw-1",
            "date": "2026-03-09T08:00:00.000+0000",
            "fullText": "still nothing, 3 days later",
            "pageType": "twitter",
            "threadEntryType": "reply",
            "threadAuthor": "AcmeHelp",
        }
    )
    assert mention.in_reply_to == "@AcmeHelp"
    brand = BrandContext(handles=("@acmehelp",))
    triage = triage_mention(mention, now=mention.published_at, config=EngineConfig(), brand=brand)
    assert triage.tier is not Tier.watch
