"""What one mention adds to its hourly bucket."""

from __future__ import annotations

import re

from api.engine import counters as names
from api.engine import mention_counters, triage_mention
from tests.engine.factories import CONFIG, NOW, make_mention

_NAME = re.compile(r"^[a-z0-9_]{1,40}$")


def test_a_negative_mention_counts_its_audience_reactions_network_and_topics() -> None:
    mention = make_mention(
        "Outage again, site down", score=-0.8, followers=500, likes=10, shares=2, comments=3
    )
    triage = triage_mention(mention, now=NOW, config=CONFIG)
    counters = mention_counters(mention, triage)
    assert counters[names.MENTIONS] == 1
    assert counters[names.NEGATIVE] == 1
    assert counters[names.NEGATIVE_WEIGHT] == 0.9
    assert counters[names.NEGATIVE_AUDIENCE] == 500
    assert counters[names.NEGATIVE_REACTIONS] == 15
    assert counters["neg_net_twitter"] == 0.9
    assert counters["topic_outage"] == 1
    assert counters[names.RISK_SUM] == triage.risk


def test_praise_counts_as_positive_and_its_topics_are_not_risks() -> None:
    mention = make_mention("Fast delivery, great price!", score=0.9)
    counters = mention_counters(mention, triage_mention(mention, now=NOW, config=CONFIG))
    assert counters[names.POSITIVE] == 1
    assert names.NEGATIVE_WEIGHT not in counters
    assert not any(name.startswith(names.TOPIC_PREFIX) for name in counters)


def test_a_severe_topic_counts_even_in_a_sarcastic_positive_mention() -> None:
    mention = make_mention("Great, the brakes failed again, love it", score=0.8)
    counters = mention_counters(mention, triage_mention(mention, now=NOW, config=CONFIG))
    assert counters["topic_safety"] == 1


def test_press_and_influencer_mentions_carrying_an_issue_are_counted() -> None:
    article = make_mention("Recall: the heater can catch fire", score=-0.5, kind="media")
    post = make_mention("Their app is broken", score=-0.5, kind="influencer")
    for mention, name in ((article, names.PRESS_ISSUE), (post, names.INFLUENCER_ISSUE)):
        counters = mention_counters(mention, triage_mention(mention, now=NOW, config=CONFIG))
        assert counters[name] == 1


def test_the_tier_is_counted() -> None:
    mention = make_mention("My order #48213 never arrived", score=-0.6)
    counters = mention_counters(mention, triage_mention(mention, now=NOW, config=CONFIG))
    assert counters["t_private"] == 1


def test_a_hidden_mention_counts_only_as_a_mention() -> None:
    mention = make_mention("Bande d'escrocs, allez vous faire voir", score=-0.9)
    counters = mention_counters(mention, triage_mention(mention, now=NOW, config=CONFIG))
    assert counters == {names.MENTIONS: 1, names.HIDDEN: 1}


def test_counter_names_and_values_suit_storage() -> None:
    mention = make_mention(
        "Journalist: the charger exploded, data breach, lawsuit, my order #1234 late",
        score=-0.95,
        kind="journalist",
        network="news",
        followers=2_000_000,
        likes=10_000,
    )
    counters = mention_counters(mention, triage_mention(mention, now=NOW, config=CONFIG))
    assert len(counters) <= 30
    for name, value in counters.items():
        assert _NAME.fullmatch(name), name
        assert isinstance(value, int) or round(value, 3) == value
