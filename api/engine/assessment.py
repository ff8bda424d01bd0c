"""Brand risk assessment from hourly aggregate buckets (and the newest 5-minute
slots, for bursts): score, tier, stage, playbook."""

from __future__ import annotations

from bisect import bisect_left
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
from api.engine.series import (
    SLOT_SECONDS,
    AssessmentInputs,
    _spans,
    dense_slots,
    period_seconds,
    periods_in,
)
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
    return _assessed(inputs, volume, config, top_candidates)


def _assessed(
    inputs: AssessmentInputs,
    volume: list[float],
    config: EngineConfig,
    top_candidates: Sequence[TopMentionCandidate] = (),
    seasonal: SeasonalBaseline | None = None,
) -> BrandRiskAssessment:
    """`assess_brand` once the hourly attention volume of its inputs is known."""
    at = inputs.at
    if seasonal is None:
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


class HistoryAssessor:
    """`assess_brand` at many instants of one read: what the points share is computed once.

    Given the buckets and slots of a whole history (sorted by start), `at(point)` equals
    `assess_brand(<buckets of [point - history_hours, point)>, at=point, slots=<slots of the
    last burst_slots x 5 minutes>)` exactly (the same floats). When every bucket is one whole
    period on the period grid and the point is on it too, each bucket falls in one trailing
    period of every point whole (`hourly_many` adds `value * 1.0` to 0.0), so the hourly series
    and its attention volume are computed once for the whole range and sliced per point, and
    the recency sums read only the buckets they can weigh; any other point is assessed in full.
    """

    def __init__(
        self,
        buckets: Sequence[AggregateBucket],
        config: EngineConfig,
        slots: Sequence[AggregateBucket] = (),
    ) -> None:
        self._config = config
        self._buckets = list(buckets)
        self._starts = [b.start for b in self._buckets]
        self._slots = list(slots)
        self._slot_starts = [s.start for s in self._slots]
        self._slot_span = timedelta(seconds=config.burst_slots * SLOT_SECONDS)
        self._history = timedelta(hours=config.history_hours)
        # Buckets the recency sums can weigh: the window, `tier_hold_hours` earlier at most.
        self._recent = timedelta(hours=config.window_hours + config.tier_hold_hours + 1)
        period = period_seconds(config)
        self._period = period
        self._count = periods_in(config.history_hours, config)
        self._origin: datetime | None = None
        self._volume: list[float] = []
        self._levels: dict[tuple[int, int], float] = {}
        # Buckets off the grid or not one whole period (a partial current hour): a point that
        # sees one is assessed in full.
        self._irregular = [
            b.start
            for b in self._buckets
            if not (_on_grid(b.start, period) and b.seconds == period)
        ]
        regular = [b for b in self._buckets if _on_grid(b.start, period) and b.seconds == period]
        if regular and self._count * period == config.history_hours * 3600:
            origin = regular[0].start
            length = _periods_between(origin, regular[-1].start, period) + 1
            names = (NEGATIVE_WEIGHT, UNKNOWN, POSITIVE_WEIGHT)
            series = [[0.0] * length for _ in names]
            for bucket in regular:
                values = [bucket.counters.get(name, 0.0) for name in names]
                if not any(values):
                    continue
                index = _periods_between(origin, bucket.start, period)
                for target, value in zip(series, values, strict=True):
                    if value:
                        target[index] += value * 1.0  # `hourly_many`'s whole-bucket share
            negative, unknown, positive = series
            self._origin = origin
            self._volume = gated_volume_series(negative, unknown, positive, config)

    def visible(self, at: datetime) -> list[AggregateBucket]:
        """The buckets `GET /risk?at=` reads: [at - history_hours, at)."""
        starts = self._starts
        return self._buckets[bisect_left(starts, at - self._history) : bisect_left(starts, at)]

    def recent_slots(self, at: datetime) -> list[AggregateBucket]:
        starts = self._slot_starts
        return self._slots[bisect_left(starts, at - self._slot_span) : bisect_left(starts, at)]

    def at(self, at: datetime) -> BrandRiskAssessment:
        at = at.replace(tzinfo=UTC) if at.tzinfo is None else at
        config, origin = self._config, self._origin
        slots = self.recent_slots(at)
        irregular = self._irregular
        if (
            origin is None
            or not _on_grid(at, self._period)
            or bisect_left(irregular, at) > bisect_left(irregular, at - self._history)
        ):
            return assess_brand(self.visible(at), at=at, config=config, slots=slots)
        end = _periods_between(origin, at, self._period)  # the period starting at `at`
        count, volume = self._count, self._volume
        first = end - count
        series = volume[max(first, 0) : max(end, 0)]
        if first < 0:
            series = [0.0] * min(-first, count) + series
        if len(series) < count:
            series += [0.0] * (count - len(series))
        starts = self._starts
        recent = self._buckets[
            bisect_left(starts, max(at - self._recent, at - self._history)) : bisect_left(
                starts, at
            )
        ]
        dense = tuple(dense_slots(slots, at, config.burst_slots)) if slots else ()
        inputs = AssessmentInputs(tuple(_spans(recent, at)), at, config, dense)
        # The window is volume[first:end] (zeros outside the read): its hour-of-day medians
        # are the longer series' own, shared with every other point.
        seasonal = SeasonalBaseline(series, config, (first, self._levels))
        return _assessed(inputs, series, config, seasonal=seasonal)


def _on_grid(moment: datetime, period: int) -> bool:
    return moment.microsecond == 0 and int(moment.timestamp()) % period == 0


def _periods_between(origin: datetime, moment: datetime, period: int) -> int:
    return int((moment - origin).total_seconds()) // period


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
