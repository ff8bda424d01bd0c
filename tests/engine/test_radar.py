"""The brand radar at assessment level: unknown sentiment, spike size, sustained negativity,
score/level/tier coherence, network counts, tier hysteresis and warm-up."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import timedelta

from api.engine import AggregateBucket, BrandRiskAssessment, Tier, assess_brand
from api.engine import counters as names
from api.engine.assessment import level_for_score
from api.engine.mention import Mention
from api.engine.schemas import Stage
from api.engine.tiers import TierDecision, held_tier
from tests.engine.factories import (
    CALM_SIGNALS,
    CONFIG,
    NOW,
    add_counters,
    counters_of,
    hourly_buckets,
    make_mention,
)

UNKNOWN = make_mention(None, score=None, followers=None)
NEGATIVE_NO_TEXT = make_mention(None, label="negative", followers=None)
PRAISE = make_mention("Love it, best shop in town", score=0.8)
NEUTRAL = make_mention("Is the shop open on Sunday?", score=0.0)
ACTIVE = {Stage.emerging, Stage.growing, Stage.peak}


def stream(
    per_hour: Callable[[int], Sequence[tuple[Mention, int]]], hours: int = 7 * 24
) -> list[AggregateBucket]:
    """`hours` of mentions ending at NOW; `per_hour(hours_before)` says which and how many."""
    buckets: dict[int, dict[str, float]] = {}
    for hours_before in range(hours, 0, -1):
        counters: dict[str, float] = {}
        for mention, count in per_hour(hours_before):
            add_counters(counters, counters_of(mention), times=count)
        if counters:
            buckets[hours_before] = counters
    return hourly_buckets(buckets)


def surge(mention: Mention, usual: int, last_hour: int) -> list[AggregateBucket]:
    def per_hour(hours_before: int) -> list[tuple[Mention, int]]:
        count = last_hour if hours_before == 1 else usual + hours_before % 3
        return [(mention, count), (NEUTRAL, 1)]

    return stream(per_hour)


def assess(buckets: Sequence[AggregateBucket]) -> BrandRiskAssessment:
    return assess_brand(buckets, at=NOW, config=CONFIG)


def factor(assessment: BrandRiskAssessment, name: str) -> tuple[float, str]:
    found = next(f for f in assessment.factors if f.name == name)
    return found.contribution, found.detail


def test_a_mention_without_text_or_sentiment_counts_as_unknown() -> None:
    counters = counters_of(UNKNOWN)
    assert counters[names.UNKNOWN] == 1
    assert names.NEUTRAL not in counters
    assert names.UNKNOWN not in counters_of(NEUTRAL)


def test_a_surge_of_unknown_sentiment_is_seen_but_counted_at_half() -> None:
    result = assess(surge(UNKNOWN, usual=10, last_hour=300))
    assert result.stage in ACTIVE
    points, detail = factor(result, "volume_spike")
    assert 0 < points <= CONFIG.unknown_score_weight * CONFIG.weight_spike
    assert "no known sentiment" in detail
    assert result.playbook[0].action == "review_surge"
    assert result.level == level_for_score(result.score, CONFIG)


def test_the_same_surge_known_negative_scores_higher() -> None:
    unknown = assess(surge(UNKNOWN, usual=10, last_hour=300))
    negative = assess(surge(NEGATIVE_NO_TEXT, usual=10, last_hour=300))
    assert negative.score > unknown.score


def test_a_surge_known_to_be_positive_stays_watch_and_quiet() -> None:
    result = assess(surge(PRAISE, usual=10, last_hour=300))
    assert (result.tier, result.stage) == (Tier.watch, Stage.quiet)
    assert factor(result, "volume_spike")[0] == 0.0


def test_a_100x_spike_scores_higher_than_a_5x_spike() -> None:
    five = assess(surge(NEGATIVE_NO_TEXT, usual=10, last_hour=50))
    hundred = assess(surge(NEGATIVE_NO_TEXT, usual=10, last_hour=1000))
    assert factor(hundred, "volume_spike")[0] > factor(five, "volume_spike")[0] + 5
    assert hundred.score > five.score
    assert "log of the size" in factor(hundred, "volume_spike")[1]


def test_a_sustained_high_negative_share_raises_the_brand_without_a_spike() -> None:
    # ~500 mentions a day, 85 % negative, every day alike: no spike, still a crisis.
    result = assess(stream(lambda _: [(NEGATIVE_NO_TEXT, 18), (NEUTRAL, 3)]))
    assert result.stage is Stage.quiet
    assert result.tier is Tier.respond_publicly
    assert result.reasons[0].code == "tier.sustained_negativity"
    assert result.score >= CONFIG.respond_min_score
    assert "without a spike" in factor(result, "negative_share")[1]


def test_a_leadership_tier_never_sits_beside_a_low_score() -> None:
    press = make_mention(
        "Journalists report the charger caught fire and burned a child",
        score=-0.8,
        kind="journalist",
        followers=200_000,
    )
    result = assess(stream(lambda h: [(NEUTRAL, 1)] + ([(press, 1)] if h == 1 else [])))
    assert result.tier is Tier.executive_statement
    assert result.score >= CONFIG.executive_min_score
    floor = [f for f in result.factors if f.name == "tier_floor"]
    if floor:  # the factors alone did not reach the tier's level: one factor says why
        assert "executive_statement" in floor[0].detail
    assert result.level == level_for_score(result.score, CONFIG)


def test_networks_carrying_criticism_are_counted_over_the_window() -> None:
    on_x = make_mention(None, label="negative", network="twitter")
    on_facebook = make_mention(None, label="negative", network="facebook")
    # One negative every few hours on each network: decayed sums below 1, window sums above.
    result = assess(
        stream(
            lambda h: (
                [(NEUTRAL, 1)]
                + ([(on_x, 1)] if h % 7 == 3 else [])
                + ([(on_facebook, 1)] if h % 9 == 5 else [])
            )
        )
    )
    detail = factor(result, "spread")[1]
    assert "carried by 2 network(s) (facebook, twitter)" in detail


def test_the_tier_holds_while_the_score_eases_just_under_the_bar() -> None:
    bar = CONFIG.respond_min_score
    watch = TierDecision(Tier.watch, "tier.watch", "Nothing spreads.")
    signals = replace(CALM_SIGNALS, score=bar - 3, negative_gate=1.0)
    held = held_tier(watch, signals, lambda hours: bar + 5 if hours == 8 else 0, CONFIG)
    assert (held.tier, held.code) == (Tier.respond_publicly, "tier.held")
    assert held_tier(watch, signals, lambda _: bar - 1, CONFIG) is watch
    low = replace(signals, score=bar - int(CONFIG.tier_hysteresis_points) - 1)
    assert held_tier(watch, low, lambda _: 100, CONFIG) is watch


def test_the_tier_is_stable_on_a_steady_stream() -> None:
    critique = make_mention("Terrible service again, nobody answers", score=-0.7, likes=20)
    buckets = stream(lambda h: [(critique, 3 + h % 2), (NEUTRAL, 2)], hours=10 * 24)
    tiers = {
        assess_brand(buckets, at=NOW - timedelta(hours=back), config=CONFIG).tier
        for back in range(0, 48, 3)
    }
    assert len(tiers) == 1


def test_a_new_brand_is_quiet_and_never_resolved_during_warm_up() -> None:
    wave = [(NEGATIVE_NO_TEXT, 40)]

    def per_hour(hours_before: int) -> list[tuple[Mention, int]]:
        return wave if 20 <= hours_before <= 26 else [(NEUTRAL, 2)]

    buckets = stream(per_hour, hours=40)
    stages = {
        assess_brand(buckets, at=NOW - timedelta(hours=back), config=CONFIG).stage
        for back in range(0, 20)
    }
    assert stages == {Stage.quiet}
