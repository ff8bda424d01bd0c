"""Brand risk assessment from hourly aggregate buckets (and the newest 5-minute
slots, for bursts): score, tier, stage, playbook."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from api.engine.config import EngineConfig
from api.engine.counters import NEGATIVE_WEIGHT, POSITIVE_WEIGHT, UNKNOWN
from api.engine.factors import (
    SPIKE,
    FactorSheet,
    brand_factors,
    gated_volume_series,
    tier_floor,
    tier_floor_factor,
)
from api.engine.playbook import brand_playbook
from api.engine.schemas import (
    AggregateBucket,
    BrandRiskAssessment,
    Factor,
    Level,
    Reason,
    Stage,
    Tier,
    TopMentionCandidate,
    Window,
)
from api.engine.series import (
    SLOT_SECONDS,
    AssessmentInputs,
    RecentColumns,
    RecentSums,
    _spans,
    dense_slots,
    period_seconds,
    periods_in,
)
from api.engine.spike import (
    SeasonalBaseline,
    SharedProfiles,
    burst_examined_slots,
    burst_reading,
    burst_slot_floor,
    spike_reading,
)
from api.engine.stage import StageReading, crisis_stage
from api.engine.tiers import TierDecision, brand_tier, held_tier
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


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    """What a point of a risk history shows of the assessment at that instant."""

    score: int
    level: Level
    tier: Tier
    stage: Stage
    spike: bool
    """The spike factor earns points."""


@dataclass(frozen=True, slots=True)
class _Assessed:
    """An assessment before its presentation (playbook, window, top mentions)."""

    score: int
    sheet: FactorSheet
    decision: TierDecision
    stage: StageReading
    topics: tuple[str, ...]

    def point(self, config: EngineConfig) -> HistoryPoint:
        return HistoryPoint(
            score=self.score,
            level=level_for_score(self.score, config),
            tier=self.decision.tier,
            stage=self.stage.stage,
            spike=self.sheet.earns(SPIKE),
        )

    def factors(self, config: EngineConfig) -> list[Factor]:
        """The factors as presented, sentences written, the tier's floor last if it lifts."""
        factors = self.sheet.factors
        score, decision = self.sheet.signals.score, self.decision
        floor = tier_floor_factor(score, decision.tier, decision.message, config)
        return [*factors, floor] if floor is not None else factors


def history_point(assessment: BrandRiskAssessment) -> HistoryPoint:
    """What a history shows of a full assessment."""
    return HistoryPoint(
        score=assessment.score,
        level=assessment.level,
        tier=assessment.tier,
        stage=assessment.stage,
        spike=_spiking(assessment.factors),
    )


def _spiking(factors: Sequence[Factor]) -> bool:
    return any(f.name == SPIKE and f.contribution > 0 for f in factors)


def _assessed(
    inputs: AssessmentInputs,
    volume: list[float],
    config: EngineConfig,
    top_candidates: Sequence[TopMentionCandidate] = (),
    seasonal: SeasonalBaseline | None = None,
    sums: RecentSums | None = None,
    earlier: Callable[[], AssessmentInputs] | None = None,
) -> BrandRiskAssessment:
    """`assess_brand` once the hourly attention volume of its inputs is known (and its recent
    sums, when computed another way to the same floats)."""
    at = inputs.at
    assessed = _scored(inputs, volume, config, seasonal, sums, earlier)
    decision, stage = assessed.decision, assessed.stage
    window_start = at - timedelta(hours=config.window_hours)
    return BrandRiskAssessment(
        score=assessed.score,
        level=level_for_score(assessed.score, config),
        tier=decision.tier,
        stage=stage.stage,
        factors=assessed.factors(config),
        playbook=brand_playbook(decision.tier, stage.stage, assessed.topics, at, config),
        window=Window(from_=window_start, to=at),
        as_of=at,
        top_mentions=top_mentions(top_candidates, window_start, at, config),
        model_version=MODEL_VERSION,
        topics=list(assessed.topics),
        reasons=[
            Reason(code=decision.code, message=decision.message),
            Reason(code=f"stage.{stage.stage.value}", message=stage.reason),
        ],
    )


def _scored(
    inputs: AssessmentInputs,
    volume: list[float],
    config: EngineConfig,
    seasonal: SeasonalBaseline | None = None,
    sums: RecentSums | None = None,
    earlier: Callable[[], AssessmentInputs] | None = None,
) -> _Assessed:
    """`earlier`: the inputs whose recent sums hours before `at` the tier hysteresis may read
    (`inputs` when None), built only if it does."""
    if seasonal is None:
        seasonal = SeasonalBaseline(volume, config)
    baseline = seasonal.at(len(volume) - 1)
    spike = spike_reading(volume, baseline, config)
    negative_slots, unknown_slots, positive_slots = map(inputs.slot_values, BURST_COUNTERS)
    slot_volume = gated_volume_series(negative_slots, unknown_slots, positive_slots, config)
    burst = burst_reading(slot_volume, baseline, config) if slot_volume else None
    if sums is None:
        sums = inputs.recent_sums()
    sheet = brand_factors(sums, baseline, spike, config, burst)
    signals = sheet.signals
    stage = crisis_stage(volume, seasonal, config, burst)
    decision = brand_tier(signals, stage.stage, config)
    decision = held_tier(
        decision,
        signals,
        lambda hours: earlier_score(
            earlier() if earlier is not None else inputs, seasonal, volume, hours, config
        ),
        config,
    )
    # Below its tier's least score, the score is raised to it (a `tier_floor` factor says why).
    floor = tier_floor(decision.tier, config)
    score = signals.score if signals.score >= floor else max(0, min(100, floor))
    return _Assessed(score, sheet, decision, stage, signals.topics)


class HistoryAssessor:
    """`assess_brand` at many instants of one read: what the points share is computed once.

    Given the buckets and slots of a whole history (sorted by start), `at(point)` equals
    `assess_brand(<buckets of [point - history_hours, point)>, at=point, slots=<slots of the
    last burst_slots x 5 minutes>)` exactly (the same floats). When every bucket is one whole
    period on the period grid and the point is on it too, each bucket falls in one trailing
    period of every point whole (`hourly_many` adds `value * 1.0` to 0.0), so the hourly series
    and its attention volume are computed once for the whole range and sliced per point, and
    the recency sums read only the buckets they can weigh; any other point is assessed in full.

    The slots can come later (`use_slots`): only those of the points that `needs_slots` names
    change anything. `point(point)` is what a history shows of `at(point)`, without building
    the rest of the assessment.
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
        self._padded: list[float] = []
        self._shared = SharedProfiles([])
        self._columns: RecentColumns | None = None
        self._windows: dict[datetime, tuple[list[float], SeasonalBaseline]] = {}
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
            volume = gated_volume_series(negative, unknown, positive, config)
            self._padded = [0.0] * self._count + volume + [0.0] * self._count
            self._shared = SharedProfiles(self._padded)
            self._columns = RecentColumns(regular, origin, config)

    def visible(self, at: datetime) -> list[AggregateBucket]:
        """The buckets `GET /risk?at=` reads: [at - history_hours, at)."""
        starts = self._starts
        return self._buckets[bisect_left(starts, at - self._history) : bisect_left(starts, at)]

    def recent_slots(self, at: datetime) -> list[AggregateBucket]:
        starts = self._slot_starts
        return self._slots[bisect_left(starts, at - self._slot_span) : bisect_left(starts, at)]

    def use_slots(self, slots: Sequence[AggregateBucket]) -> None:
        """The 5-minute slots the points read (sorted by start): at least those of every point
        `needs_slots` names; a point that needs none is the same with any of its slots."""
        self._slots = list(slots)
        self._slot_starts = [s.start for s in self._slots]

    def needs_slots(self, at: datetime) -> bool:
        """`needs_slots` of the point's own buckets, from what the points share."""
        at = at.replace(tzinfo=UTC) if at.tzinfo is None else at
        window = self._window(at)
        if window is None:
            return needs_slots(self.visible(at), at=at, config=self._config)
        series, seasonal = window
        self._windows[at] = window  # `at(at)` reads the same window next
        starts = self._starts
        reach = at - timedelta(seconds=(burst_examined_slots(self._config) + 1) * SLOT_SECONDS)
        near = self._buckets[
            bisect_left(
                starts, max(reach - timedelta(seconds=self._period), at - self._history)
            ) : bisect_left(starts, at)
        ]
        return _may_burst(seasonal, len(series) - 1, near, at, self._config)

    def _window(self, at: datetime) -> tuple[list[float], SeasonalBaseline] | None:
        """The point's hourly volume and seasonal baseline sliced from the shared series, or
        None when the point must be assessed in full (off the grid, or sees an odd bucket)."""
        origin, irregular = self._origin, self._irregular
        if (
            origin is None
            or not _on_grid(at, self._period)
            or bisect_left(irregular, at) > bisect_left(irregular, at - self._history)
        ):
            return None
        known = self._windows.pop(at, None)
        if known is not None:
            return known
        count = self._count
        # The window is volume[first:end], zeros outside the read: a slice of the padded series,
        # whose 24 h volumes and hour profiles it shares with every other point.
        # `count` zeros ahead of the read: the window ending at `at` starts where `at` is in
        # the read.
        first = _periods_between(origin, at, self._period)
        series = self._padded[first : first + count]
        if first < 0 or len(series) < count:
            return None  # nothing read in the point's history: assessed in full (and cheaply)
        return series, SeasonalBaseline(series, self._config, (first, self._shared))

    def at(self, at: datetime) -> BrandRiskAssessment:
        at = at.replace(tzinfo=UTC) if at.tzinfo is None else at
        shared = self._shared_parts(at)
        if shared is None:
            return assess_brand(
                self.visible(at), at=at, config=self._config, slots=self.recent_slots(at)
            )
        inputs, series, seasonal, sums, earlier = shared
        return _assessed(
            inputs, series, self._config, seasonal=seasonal, sums=sums, earlier=earlier
        )

    def point(self, at: datetime) -> HistoryPoint:
        """`at(at)` as a history shows it (no playbook, window nor factors to present)."""
        at = at.replace(tzinfo=UTC) if at.tzinfo is None else at
        shared = self._shared_parts(at)
        if shared is None:
            return history_point(self.at(at))
        inputs, series, seasonal, sums, earlier = shared
        return _scored(inputs, series, self._config, seasonal, sums, earlier).point(self._config)

    def _shared_parts(
        self, at: datetime
    ) -> (
        tuple[
            AssessmentInputs,
            list[float],
            SeasonalBaseline,
            RecentSums,
            Callable[[], AssessmentInputs],
        ]
        | None
    ):
        """`_assessed`'s arguments for the point from what the points share (None: assessed in
        full)."""
        window, columns = self._window(at), self._columns
        if window is None or columns is None:  # (the columns are there with the window)
            return None
        config = self._config
        series, seasonal = window
        starts = self._starts
        recent = self._buckets[
            bisect_left(starts, max(at - self._recent, at - self._history)) : bisect_left(
                starts, at
            )
        ]
        slots = self.recent_slots(at)
        dense = tuple(dense_slots(slots, at, config.burst_slots)) if slots else ()
        # The recent sums come from the columns; the buckets' spans only if the tier hysteresis
        # reads earlier sums (a score just under the bar).
        inputs = AssessmentInputs((), at, config, dense)
        built: list[AssessmentInputs] = []

        def earlier() -> AssessmentInputs:
            if not built:
                built.append(AssessmentInputs(tuple(_spans(recent, at)), at, config, dense))
            return built[0]

        return inputs, series, seasonal, columns.sums(at), earlier


def _on_grid(moment: datetime, period: int) -> bool:
    return moment.microsecond == 0 and int(moment.timestamp()) % period == 0


def _periods_between(origin: datetime, moment: datetime, period: int) -> int:
    return int((moment - origin).total_seconds()) // period


def needs_slots(buckets: Sequence[AggregateBucket], *, at: datetime, config: EngineConfig) -> bool:
    """Whether the assessment as of `at` can read anything from its 5-minute slots.

    Slots count only through a burst (a reading without one is read by the factors and the
    stage exactly as no slots), and the burst detector judges only once the seasonal baseline
    is warm, and only slots above `burst_slot_floor`. So an assessment whose baseline is cold,
    or whose examined slots hold too little volume (bounded by their hourly buckets), is the
    same with or without its slots: a history need not read them for that point.
    """
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at
    inputs = AssessmentInputs.of(buckets, at, config)
    negative, unknown, positive = inputs.hourly_many((NEGATIVE_WEIGHT, UNKNOWN, POSITIVE_WEIGHT))
    volume = gated_volume_series(negative, unknown, positive, config)
    if not volume:
        return False
    return _may_burst(SeasonalBaseline(volume, config), len(volume) - 1, buckets, at, config)


def _may_burst(
    seasonal: SeasonalBaseline,
    newest: int,
    buckets: Sequence[AggregateBucket],
    at: datetime,
    config: EngineConfig,
) -> bool:
    if not seasonal.warm(newest):
        return False
    expected = seasonal.expected(newest)
    floor = config.burst_min_slots * burst_slot_floor(expected, seasonal.spread(), config)
    # A margin for the float sums (slots and their bucket add the same counters in another
    # order): when in doubt, the slots are read.
    return burst_volume_bound(buckets, at, config) >= floor * (1.0 - 1e-6)


def burst_volume_bound(
    buckets: Sequence[AggregateBucket], at: datetime, config: EngineConfig
) -> float:
    """The most volume the slots `burst_reading` examines as of `at` can hold, from the buckets.

    A slot's volume is its negative + unknown-sentiment volume, muted by a gate of at most 1,
    and an hourly bucket holds the sum of its slots (storage adds a mention's counters to both
    in one update, and counters are never negative): the ungated volume of the buckets the
    examined slots fall in bounds theirs.
    """
    end = math.ceil(at.timestamp() / SLOT_SECONDS) * SLOT_SECONDS
    first = datetime.fromtimestamp(end - burst_examined_slots(config) * SLOT_SECONDS, UTC)
    reach = first - timedelta(seconds=period_seconds(config))
    weight = config.unknown_volume_weight
    total = 0.0
    for bucket in buckets:
        if reach < bucket.start < at:
            counters = bucket.counters
            total += counters.get(NEGATIVE_WEIGHT, 0.0) + weight * counters.get(UNKNOWN, 0.0)
    return total


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
