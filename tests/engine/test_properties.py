"""Properties of the engine over generated inputs: bounded, deterministic, monotone in negative
signal, and total (any canonical mention is triaged)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from api.engine import (
    AggregateBucket,
    BrandContext,
    Tier,
    assess_brand,
    mention_counters,
    triage_mention,
)
from api.engine.mention import AuthorKind, Mention, Network, PostType
from api.engine.risk import is_severe
from api.engine.signals import mention_signals
from tests.engine.factories import CONFIG, NOW

ACME = BrandContext(handles=("@acme",), aliases=("Acme",))

WORDS = [
    "brand",
    "great",
    "awful",
    "order",
    "#48213",
    "brakes",
    "failed",
    "dangerous",
    "outage",
    "down",
    "racist",
    "lawsuit",
    "data",
    "breach",
    "refund",
    "charged",
    "twice",
    "cancer",
    "share",
    "before",
    "they",
    "delete",
    "idiots",
    "panne",
    "commande",
    "remboursement",
    "service",
    "client",
    "injoignable",
    "dangereux",
    "intoxication",
    "prix",
    "trop",
    "cher",
    "http://bit.ly/x",
    "gratuit",
    "gagnez",
    "😡",
    "!!!",
    "n°12345",
    "everyone",
    "late",
    # speech acts (issue 10): addressed, asks, first-person problems, politeness, sarcasm
    "@acme",
    "my",
    "parcel",
    "won't",
    "never",
    "arrived",
    "I",
    "can't",
    "help",
    "?",
    "please",
    "thanks",
    "great",
    "je",
    "n'arrive",
    "pas",
    "toujours",
    "depuis",
    "3",
    "jours",
    "merci",
    "bravo",
    "remboursez",
    "assaulted",
]
_NAME = re.compile(r"^[a-z0-9_]{1,40}$")

texts = st.lists(st.sampled_from(WORDS), max_size=14).map(" ".join) | st.text(max_size=200)
mention_payloads = st.fixed_dictionaries(
    {
        "external_id": st.just("m-1"),
        "published_at": st.just(NOW.isoformat()),
    },
    optional={
        "network": st.sampled_from([n.value for n in Network]),
        "text": texts,
        "title": texts,
        "language": st.sampled_from(["fr", "en", "de"]),
        "author": st.fixed_dictionaries(
            {},
            optional={
                "followers": st.integers(0, 10**9),
                "verified": st.booleans(),
                "kind": st.sampled_from([k.value for k in AuthorKind]),
            },
        ),
        "engagement": st.fixed_dictionaries(
            {},
            optional={
                "likes": st.integers(0, 10**7),
                "shares": st.integers(0, 10**7),
                "comments": st.integers(0, 10**6),
                "views": st.integers(0, 10**9),
            },
        ),
        "reach": st.integers(0, 10**10),
        "sentiment": st.fixed_dictionaries(
            {},
            optional={
                "score": st.floats(-1, 1),
                "label": st.sampled_from(["negative", "neutral", "positive"]),
            },
        ),
        "post_type": st.sampled_from([p.value for p in PostType]),
        "parent_external_id": st.just("parent"),
    },
)


@settings(max_examples=300, deadline=None)
@given(mention_payloads)
def test_any_mention_is_triaged_without_error(payload: dict[str, Any]) -> None:
    mention = Mention.model_validate(payload)
    triage = triage_mention(mention, now=NOW, config=CONFIG)
    assert 0 <= triage.risk <= 100
    assert 0.0 < triage.confidence <= 1.0
    assert (triage.respond_by is None) == (triage.tier is Tier.watch)
    assert triage.reasons
    counters = mention_counters(mention, triage)
    assert len(counters) <= 30
    assert all(_NAME.fullmatch(name) for name in counters)
    assert triage == triage_mention(mention, now=NOW, config=CONFIG)


@settings(max_examples=300, deadline=None)
@given(mention_payloads, st.floats(-1, 1), st.floats(-1, 1))
def test_raising_a_mentions_negativity_never_lowers_its_risk(
    payload: dict[str, Any], first: float, second: float
) -> None:
    milder, harsher = max(first, second), min(first, second)
    risks = []
    for score in (milder, harsher):
        mention = Mention.model_validate({**payload, "sentiment": {"score": score}})
        risks.append(triage_mention(mention, now=NOW, config=CONFIG).risk)
    assert risks[0] <= risks[1]


counter_values = st.dictionaries(
    st.sampled_from(
        [
            "n",
            "neg",
            "pos",
            "neu",
            "neg_w",
            "pos_w",
            "risk",
            "neg_aud",
            "neg_react",
            "neg_net_twitter",
            "neg_net_news",
            "neg_net_facebook",
            "press_issue",
            "infl_issue",
            "topic_safety",
            "topic_outage",
            "topic_price",
            "topic_misinformation",
            "t_exec",
            "t_public",
            "t_private",
            "hidden",
            "unknown_counter",
        ]
    ),
    st.floats(0, 1e6, allow_nan=False),
    max_size=12,
)
bucket_lists = st.lists(
    st.tuples(st.integers(1, CONFIG.history_hours + 5), counter_values), max_size=40
)


def buckets_of(
    hours_and_counters: list[tuple[int, dict[str, float]]], at: datetime
) -> list[AggregateBucket]:
    top = at.replace(minute=0, second=0, microsecond=0)
    return sorted(
        (
            AggregateBucket(start=top - timedelta(hours=hours), seconds=3600, counters=counters)
            for hours, counters in hours_and_counters
        ),
        key=lambda b: b.start,
    )


@settings(max_examples=200, deadline=None)
@given(bucket_lists, st.integers(0, 59))
def test_the_score_is_bounded_and_deterministic(
    hours_and_counters: list[tuple[int, dict[str, float]]], minute: int
) -> None:
    at = NOW + timedelta(minutes=minute)
    buckets = buckets_of(hours_and_counters, at)
    first = assess_brand(buckets, at=at, config=CONFIG)
    assert 0 <= first.score <= 100
    assert first == assess_brand(buckets, at=at, config=CONFIG)


negative_mentions = mention_payloads.map(
    lambda payload: Mention.model_validate({**payload, "sentiment": {"score": -0.8}})
)


@settings(max_examples=200, deadline=None)
@given(bucket_lists, st.integers(1, 59), negative_mentions, st.integers(1, 50))
def test_adding_negative_mentions_never_lowers_the_score(
    hours_and_counters: list[tuple[int, dict[str, float]]],
    minute: int,
    negative: Mention,
    copies: int,
) -> None:
    at = NOW + timedelta(minutes=minute)
    buckets = buckets_of(hours_and_counters, at)
    counters = mention_counters(negative, triage_mention(negative, now=at, config=CONFIG))
    # The new mentions arrive now: they land in the partial bucket of the current hour.
    current = at.replace(minute=0, second=0, microsecond=0)
    seconds = (minute + 4) // 5 * 5 * 60
    previous = {
        name: value for b in buckets if b.start == current for name, value in b.counters.items()
    }
    added = dict(previous)
    for name, value in counters.items():
        added[name] = added.get(name, 0.0) + value * copies
    before = [b for b in buckets if b.start != current]
    with_partial = [*before, AggregateBucket(start=current, seconds=seconds, counters=previous)]
    with_added = [*before, AggregateBucket(start=current, seconds=seconds, counters=added)]
    score_before = assess_brand(with_partial, at=at, config=CONFIG).score
    score_after = assess_brand(with_added, at=at, config=CONFIG).score
    assert score_after >= score_before


@settings(max_examples=400, deadline=None)
@given(mention_payloads, st.booleans())
def test_severe_or_addressed_requests_are_never_watched(
    payload: dict[str, Any], with_brand: bool
) -> None:
    """Under-escalation is the costly error: a severe topic is never `watch` (unless hidden, or a
    false claim nobody sees), and neither is a request or complaint written to the brand."""
    mention = Mention.model_validate(payload)
    brand = ACME if with_brand else None
    signals = mention_signals(mention, CONFIG, brand)
    triage = triage_mention(mention, now=NOW, config=CONFIG, brand=brand)
    if signals.moderation.hide:
        return
    severe = any(is_severe(topic, CONFIG) for topic in signals.topics)
    unseen_claim = "misinformation" in signals.topics and not (
        signals.press or signals.visible or signals.real_reach
    )
    if severe and not unseen_claim:
        assert triage.tier is not Tier.watch
    speech = signals.speech
    if speech.addressed and (speech.asks or signals.complains) and not unseen_claim:
        assert triage.tier is not Tier.watch
