"""The brand's tier rules."""

from __future__ import annotations

from dataclasses import replace

import pytest

from api.engine.schemas import Stage, Tier
from api.engine.tiers import brand_tier
from tests.engine.factories import CALM_SIGNALS, CONFIG


def tier_of(stage: Stage = Stage.growing, /, **changes: float) -> Tier:
    return brand_tier(replace(CALM_SIGNALS, **changes), stage, CONFIG).tier  # type: ignore[arg-type]


def test_a_calm_brand_is_watched() -> None:
    assert tier_of(Stage.quiet) is Tier.watch


def test_recent_executive_mentions_call_for_the_leadership() -> None:
    assert tier_of(executive_mentions=1.0) is Tier.executive_statement


@pytest.mark.parametrize("amplification", [{"amplifiers": 1.0}, {"spike_strength": 0.8}])
def test_a_severe_issue_that_spreads_calls_for_the_leadership(
    amplification: dict[str, float],
) -> None:
    assert tier_of(severe_mentions=5.0, score=60, **amplification) is Tier.executive_statement


def test_a_wave_of_false_claims_is_answered_with_facts() -> None:
    tier = tier_of(severe_mentions=10.0, misinformation_mentions=6.0, spike_strength=1.0, score=70)
    assert tier is Tier.respond_publicly


def test_a_major_outage_in_the_press_calls_for_the_leadership() -> None:
    assert tier_of(major_mentions=5.0, amplifiers=1.0, score=60) is Tier.executive_statement
    assert tier_of(major_mentions=5.0, score=60) is Tier.respond_publicly


def test_a_high_score_gets_a_public_answer() -> None:
    assert tier_of(score=CONFIG.respond_min_score, public_mentions=5.0) is Tier.respond_publicly


def test_mostly_individual_cases_without_a_wave_go_private() -> None:
    tier = tier_of(score=40, public_mentions=1.0, private_mentions=4.0)
    assert tier is Tier.move_to_private
    assert tier_of(score=40, private_mentions=4.0, spike_strength=0.9) is Tier.respond_publicly


def test_a_severe_issue_in_the_window_is_never_left_at_watch() -> None:
    assert tier_of(score=10, executive_mentions_in_window=1.0) is Tier.respond_publicly
    assert tier_of(score=10, severe_mentions=1.0) is Tier.respond_publicly


def test_once_resolved_the_leadership_tier_becomes_a_public_follow_up() -> None:
    assert tier_of(Stage.resolved, executive_mentions=5.0) is Tier.respond_publicly
    assert tier_of(Stage.declining, executive_mentions=5.0) is Tier.executive_statement
