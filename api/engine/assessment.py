"""Brand risk assessment from hourly aggregate buckets (and the newest 5-minute
slots, for bursts): score, tier, stage, playbook."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Final

from api.engine.config import EngineConfig
from api.engine.counters import NEGATIVE_WEIGHT, POSITIVE_WEIGHT, UNKNOWN
from api.engine.factors import brand_factors, gated_volume_series, tier_floor_factor
from api.engine.playbook import brand_playbook
from api.engine.schemas import (
    AggregateBucket,
    BrandRiskAssessment,
    Level,
    Reason,
    TopMentionCandidate,
    Window,
)
from api.engine.series import AssessmentInputs
from api.engine.spike import SeasonalBaseline, burst_reading, spike_reading
from api.engine.stage import crisis_stage
from api.engine.tiers import brand_tier, held_tier
from api.engine.version import MODEL_VERSION

BURST_COUNTERS: Final = (NEGATIVE_WEIGHT, UNKNOWN, POSITIVE_WEIGHT)
"""The only counters of the 5-minute slots the assessment reads (the burst detector's volume):
storage need not return the others."""


def assess_brand(
    buckets: Sequence[AggregateBucket],
    *,
    at: datetime,
    config: EngineConfig,
    top_candidates: Sequence[TopMentionCandidate] = (),
    slots: Sequence[AggregateBucket] = (),
) -> BrandRiskAssessment:
    """The brand's risk as of `at`, from the buckets of `[at - history_hours, at)` and the
    5-minute `slots` of the last `burst_slots` x 5 minutes (optional: bursts need them)."""
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at
    inputs = AssessmentInputs.of(buckets, at, config, slots)
    negative, unknown, positive = inputs.hourly_many((NEGATIVE_WEIGHT, UNKNOWN, POSITIVE_WEIGHT))
    volume = gated_volume_series(negative, unknown, positive, config)
    seasonal = SeasonalBaseline(volume, config)
    baseline = seasonal.at(len(volume) - 1)
    spike = spike_reading(volume, baseline, config)
    negative_slots, unknown_slots, positive_slots = map(inputs.slot_values, BURST_COUNTERS)
    slot_volume = gated_volume_series(negative_slots, unknown_slots, positive_slots, config)
    burst = burst_reading(slot_volume, baseline, config) if slot_volume else None
    sheet = brand_factors(inputs.recent_sums(), baseline, spike, config, burst)
    signals = sheet.signals
    stage = crisis_stage(volume, seasonal, config, burst)
    decision = brand_tier(signals, stage.stage, config)
    decision = held_tier(
        decision,
        signals,
        lambda hours: earlier_score(inputs, seasonal, volume, hours, config),
        config,
    )
    factors = sheet.factors
    score = signals.score
    floor = tier_floor_factor(score, decision.tier, decision.message, config)
    if floor is not None:
        factors = [*factors, floor]
        score = max(0, min(100, score + round(floor.contribution)))
    window_start = at - timedelta(hours=config.window_hours)
    return BrandRiskAssessment(
        score=score,
        level=level_for_score(score, config),
        tier=decision.tier,
        stage=stage.stage,
        factors=factors,
        playbook=brand_playbook(decision.tier, stage.stage, signals.topics, at, config),
        window=Window(from_=window_start, to=at),
        as_of=at,
        top_mentions=top_mentions(top_candidates, window_start, at, config),
        model_version=MODEL_VERSION,
        topics=list(signals.topics),
        reasons=[
            Reason(code=decision.code, message=decision.message),
            Reason(code=f"stage.{stage.stage.value}", message=stage.reason),
        ],
    )


def reads_slots(buckets: Sequence[AggregateBucket], *, at: datetime, config: EngineConfig) -> bool:
    """Whether the assessment as of `at` reads its 5-minute slots at all.

    The burst detector judges only once the seasonal baseline is warm; before, any slots give a
    reading without burst nor strength, which the factors and the stage read exactly as no
    slots. So a history need not read the slots of points before its first warm one.
    """
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at
    inputs = AssessmentInputs.of(buckets, at, config)
    negative, unknown, positive = inputs.hourly_many((NEGATIVE_WEIGHT, UNKNOWN, POSITIVE_WEIGHT))
    volume = gated_volume_series(negative, unknown, positive, config)
    return bool(volume) and SeasonalBaseline(volume, config).warm(len(volume) - 1)


def earlier_score(
    inputs: AssessmentInputs,
    seasonal: SeasonalBaseline,
    volume: Sequence[float],
    hours: int,
    config: EngineConfig,
) -> int:
    """The score `hours` before `at`, from the same read (no burst: its slots are gone)."""
    index = len(volume) - 1 - hours
    if index < 0:
        return 0
    baseline = seasonal.at(index)
    spike = spike_reading([volume[index]], baseline, config)
    return brand_factors(inputs.recent_sums(hours), baseline, spike, config).signals.score


def level_for_score(score: int, config: EngineConfig) -> Level:
    if score >= config.level_critical:
        return Level.critical
    if score >= config.level_high:
        return Level.high
    if score >= config.level_moderate:
        return Level.moderate
    return Level.low


def top_mentions(
    candidates: Sequence[TopMentionCandidate],
    window_start: datetime,
    at: datetime,
    config: EngineConfig,
) -> list[str]:
    """The riskiest mentions of the window, newest first among equals; each id once."""
    in_window = [c for c in candidates if window_start <= _aware(c.published_at) <= at]
    ranked = sorted(
        in_window, key=lambda c: (-c.risk, -_aware(c.published_at).timestamp(), c.mention_id)
    )
    chosen: list[str] = []
    for candidate in ranked:
        if len(chosen) >= config.top_mentions_count:
            break
        if candidate.mention_id not in chosen:
            chosen.append(candidate.mention_id)
    return chosen


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
