"""Brand risk assessment (SPEC §2.3) from hourly aggregate buckets: score, tier, stage, playbook."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from api.engine.config import EngineConfig
from api.engine.counters import NEGATIVE_WEIGHT, POSITIVE_WEIGHT
from api.engine.factors import brand_factors, gated_negative_series
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
from api.engine.spike import brand_baseline, spike_reading
from api.engine.stage import crisis_stage
from api.engine.tiers import brand_tier
from api.engine.version import MODEL_VERSION


def assess_brand(
    buckets: Sequence[AggregateBucket],
    *,
    at: datetime,
    config: EngineConfig,
    top_candidates: Sequence[TopMentionCandidate] = (),
) -> BrandRiskAssessment:
    """The brand's risk as of `at`, from the buckets of `[at - history_hours, at)`."""
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at
    inputs = AssessmentInputs.of(buckets, at, config)
    negative = inputs.hourly(NEGATIVE_WEIGHT)
    baseline = brand_baseline(negative, config)
    spike = spike_reading(negative, baseline, config)
    sheet = brand_factors(inputs.recent_sums(), baseline, spike, config)
    signals = sheet.signals
    episode = gated_negative_series(negative, inputs.hourly(POSITIVE_WEIGHT), config)
    stage = crisis_stage(episode, baseline, config)
    decision = brand_tier(signals, stage.stage, config)
    window_start = at - timedelta(hours=config.window_hours)
    return BrandRiskAssessment(
        score=signals.score,
        level=level_for_score(signals.score, config),
        tier=decision.tier,
        stage=stage.stage,
        factors=sheet.factors,
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
