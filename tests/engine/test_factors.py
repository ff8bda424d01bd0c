"""Each factor of the brand score: bounded by its weight, growing with its own signal."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from api.engine.factors import FactorSheet, brand_factors, negative_gate, weighted_negative_share
from api.engine.series import AssessmentInputs
from api.engine.spike import Baseline, SpikeReading
from tests.engine.factories import CONFIG, NOW, bucket

COLD = Baseline(mean=0.0, deviation=1.0, warm=False, history_hours=0.0)
NO_SPIKE = SpikeReading(volume=0.0, z=0.0, strength=0.0)
NEGATIVE_HOUR = {"n": 10, "neg": 10, "neg_w": 8.0, "neg_net_twitter": 8.0}
WEIGHT_FIELDS = {
    "engagement_velocity": "weight_engagement",
    "network_virality": "weight_virality",
    "author_kinds": "weight_authors",
    "risk_topics": "weight_topics",
    "mention_tiers": "weight_mentions",
}


def sheet(
    counters: Mapping[str, float], spike: SpikeReading = NO_SPIKE, baseline: Baseline = COLD
) -> FactorSheet:
    sums = AssessmentInputs.of([bucket(1, counters)], NOW, CONFIG).recent_sums()
    return brand_factors(sums, baseline, spike, CONFIG)


def points(
    counters: Mapping[str, float],
    name: str,
    spike: SpikeReading = NO_SPIKE,
    baseline: Baseline = COLD,
) -> float:
    found = {factor.name: factor for factor in sheet(counters, spike, baseline).factors}
    return found[name].contribution


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("audience", {"neg_aud": 2_000_000}),
        ("engagement_velocity", {"neg_react": 20_000}),
        ("network_virality", {"neg_net_twitter": 60.0}),
        ("author_kinds", {"press_issue": 3, "infl_issue": 2}),
        ("risk_topics", {"topic_safety": 12}),
        ("spread", {"neg_net_facebook": 3, "neg_net_news": 2, "press_issue": 2}),
        ("mention_tiers", {"t_exec": 3, "t_public": 20}),
        ("negative_share", {"neg_w": 30.0}),
    ],
)
def test_a_factor_grows_with_its_signal_and_stays_within_its_weight(
    name: str, extra: Mapping[str, float]
) -> None:
    base = points(NEGATIVE_HOUR, name)
    stronger = points({**NEGATIVE_HOUR, **extra}, name)
    weight = getattr(CONFIG, WEIGHT_FIELDS.get(name, f"weight_{name}"))
    assert base <= stronger <= weight
    assert stronger > base


def test_the_spike_counts_when_warm_and_negative() -> None:
    warm = Baseline(mean=1.0, deviation=1.0, warm=True, history_hours=200.0)
    strong = SpikeReading(volume=30.0, z=29.0, strength=1.0)
    assert points(NEGATIVE_HOUR, "volume_spike", spike=strong, baseline=warm) == (
        CONFIG.weight_spike
    )
    assert "Warming up" in sheet(NEGATIVE_HOUR).factors[0].detail


def test_praise_mutes_the_volume_factors() -> None:
    campaign = {**NEGATIVE_HOUR, "neg_react": 20_000, "pos": 200, "pos_w": 180.0}
    strong = SpikeReading(volume=30.0, z=29.0, strength=1.0)
    warm = Baseline(mean=1.0, deviation=1.0, warm=True, history_hours=200.0)
    result = sheet(campaign, spike=strong, baseline=warm)
    muted = {f.name: f.contribution for f in result.factors}
    assert muted["volume_spike"] == 0
    assert muted["engagement_velocity"] == 0
    assert result.signals.negative_gate == 0


def test_negativity_weighs_more_than_praise() -> None:
    # As many negative as positive mentions: the weighted share is 3.3 / 4.3.
    assert weighted_negative_share(1.0, 1.0, CONFIG) == pytest.approx(3.3 / 4.3)
    assert negative_gate(1.0, 1.0, CONFIG) == 1.0
    assert negative_gate(1.0, 20.0, CONFIG) == 0.0


def test_severe_topics_count_whatever_the_sentiment_mild_ones_only_in_negative_times() -> None:
    praise = {"n": 50, "pos": 50, "pos_w": 45.0}
    severe = sheet({**praise, "topic_safety": 5}).signals
    mild = sheet({**praise, "topic_price": 5}).signals
    assert severe.severe_mentions > 0
    assert severe.topics == ("safety",)
    assert mild.topics == ()


def test_the_score_is_the_sum_of_contributions_and_at_most_100() -> None:
    everything = {
        **NEGATIVE_HOUR,
        "neg_w": 500.0,
        "neg_aud": 10**9,
        "neg_react": 10**7,
        "neg_net_news": 100.0,
        "neg_net_facebook": 100.0,
        "neg_net_youtube": 100.0,
        "press_issue": 50,
        "infl_issue": 50,
        "topic_safety": 100,
        "t_exec": 100,
        "t_public": 100,
    }
    strong = SpikeReading(volume=500.0, z=100.0, strength=1.0)
    warm = Baseline(mean=1.0, deviation=1.0, warm=True, history_hours=200.0)
    result = sheet(everything, spike=strong, baseline=warm)
    assert 95 <= result.signals.score <= 100
    assert result.signals.score == round(sum(f.contribution for f in result.factors))


def test_every_factor_explains_itself() -> None:
    for factor in sheet(NEGATIVE_HOUR).factors:
        assert factor.detail
        assert factor.contribution >= 0
