"""Brand assessments from stored aggregates, history series, and stateless triage."""

from __future__ import annotations

from bisect import bisect_left
from datetime import UTC, datetime, timedelta

from api.aggregates.repository import AggregateRepository
from api.assessments.live import LiveAssessments
from api.assessments.schemas import RiskHistory, RiskPoint
from api.engine import (
    AggregateBucket,
    BrandContext,
    BrandRiskAssessment,
    MentionTriage,
    assess_brand,
    triage_mention,
)
from api.engine.assessment import HistoryAssessor, HistoryPoint, history_point
from api.engine.config import EngineConfig
from api.engine.counters import MENTIONS, NEGATIVE
from api.engine.mention import EARLIEST_INSTANT, Mention
from api.engine.series import SLOT_SECONDS
from api.engine.version import MODEL_VERSION
from api.problems import InvalidParam, ValidationFailed
from api.settings import Settings
from api.storage.buckets import floor_to

MAX_HISTORY_POINTS = 500
MAX_SLOT_READS = 4


# Triage context is the brand's assessment as of the start of the current 5-minute slot: the
# same in every container and for every batch of the slot, so the same mentions get the same
# tiers whether they come one by one or in batches (a crisis is not over in 5 minutes). It is
# read once per slot and container, not once per batch.
CONTEXT_SLOT_SECONDS = 300


class AssessmentService:
    def __init__(self, aggregates: AggregateRepository, settings: Settings) -> None:
        self._aggregates = aggregates
        self._settings = settings
        self._contexts: dict[tuple[str, str], tuple[datetime, BrandRiskAssessment]] = {}
        # The assessment ingest answers with: cached inputs plus this container's own writes.
        self.live = LiveAssessments(aggregates, settings.engine, settings.live_assessment_seconds)

    def assess(
        self, workspace: str, brand_id: str, at: datetime, *, live: bool = False
    ) -> BrandRiskAssessment:
        """The brand's assessment as of `at`; `live` when `at` is the present moment."""
        config = self._settings.engine
        buckets = self._aggregates.read_buckets(workspace, brand_id, at, config, live=live)
        slots = self._aggregates.read_slots(workspace, brand_id, at, config)
        candidates = self._aggregates.hot_candidates(workspace, brand_id, at, config)
        return assess_brand(buckets, at=at, config=config, top_candidates=candidates, slots=slots)

    def context(
        self, workspace: str, brand_id: str, now: datetime | None = None
    ) -> BrandRiskAssessment:
        """The brand's assessment as triage context: as of the start of the current slot.

        It only counts mentions published before the slot began, so mentions arriving during
        the slot (however they are batched) do not change it: same input, same tiers.
        """
        slot = floor_to((now or datetime.now(UTC)).astimezone(UTC), CONTEXT_SLOT_SECONDS)
        cached = self._contexts.get((workspace, brand_id))
        if cached is not None and cached[0] == slot:
            return cached[1]
        assessment = self.assess(workspace, brand_id, slot)
        if len(self._contexts) > 1024:
            self._contexts.clear()
        self._contexts[(workspace, brand_id)] = (slot, assessment)
        return assessment

    def forget(self, workspace: str, brand_id: str) -> None:
        """Drop the brand's cached triage context and live inputs (its mentions were erased)."""
        self._contexts.pop((workspace, brand_id), None)
        self.live.forget(workspace, brand_id)

    def resolve_at(
        self, at: datetime | None, now: datetime | None = None, *, name: str = "at"
    ) -> datetime:
        """`at` checked and in UTC (now when None); errors name the parameter `name`."""
        now = now or datetime.now(UTC)
        if at is None:
            return now
        horizon = now + timedelta(seconds=self._settings.future_tolerance_seconds)
        if at < EARLIEST_INSTANT:
            raise ValidationFailed(
                f"{name}: must be on or after 1970-01-01T00:00:00Z.",
                invalid_params=[InvalidParam(name=name, reason="before 1970")],
            )
        if at > horizon:
            raise ValidationFailed(
                f"{name}: {at.isoformat()} is in the future; risk is known up to now.",
                invalid_params=[InvalidParam(name=name, reason="in the future")],
            )
        return at.astimezone(UTC)

    def history(
        self,
        workspace: str,
        brand_id: str,
        start: datetime | None,
        end: datetime | None,
        step_seconds: int,
    ) -> RiskHistory:
        """Assessments at hour-aligned points: each equals `GET /risk?at=<point>`."""
        config = self._settings.engine
        bucket = config.bucket_seconds
        if step_seconds % bucket:
            raise ValidationFailed(
                f"step: must be a multiple of {bucket} seconds (the aggregate bucket width).",
                invalid_params=[InvalidParam(name="step", reason=f"not a multiple of {bucket}")],
            )
        end = floor_to(self.resolve_at(end, name="to"), bucket)
        start = (
            floor_to(self.resolve_at(start, name="from"), bucket)
            if start
            else end - timedelta(days=1)
        )
        if start > end:
            raise ValidationFailed(
                "from: must not be after `to`.",
                invalid_params=[InvalidParam(name="from", reason="after `to`")],
            )
        count = int((end - start).total_seconds()) // step_seconds + 1
        if count > MAX_HISTORY_POINTS:
            raise ValidationFailed(
                f"The range holds {count} points; at most {MAX_HISTORY_POINTS}: widen `step`.",
                invalid_params=[InvalidParam(name="step", reason="too many points")],
            )
        # One read for the whole range; each point sees only the buckets before it.
        since = start - timedelta(hours=config.history_hours)
        buckets = self._aggregates.read_buckets(workspace, brand_id, end, config, since=since)
        bucket_starts = [b.start for b in buckets]
        history_span = timedelta(hours=config.history_hours)

        def visible_at(at: datetime) -> list[AggregateBucket]:
            # Sorted reads: each point slices them in O(log n), not in a scan of the range.
            return buckets[
                bisect_left(bucket_starts, at - history_span) : bisect_left(bucket_starts, at)
            ]

        # The slots (twelve items an hour) are most of what a history would read, and a point
        # reads anything from them only through a burst (`needs_slots`: a warm baseline and
        # enough volume in its last buckets): only those points' slots are read, a run of
        # nearby points in one query.
        points_at = [start + timedelta(seconds=index * step_seconds) for index in range(count)]
        reader = HistoryAssessor(buckets, config)
        slotted = [at for at in points_at if reader.needs_slots(at)]
        reader.use_slots(self._slots_of(workspace, brand_id, slotted, config))
        # A point with nothing published in its window (the range reaches back before the
        # brand's first mention: a new brand, or a history longer than its life) reads nothing:
        # its score, level, tier, stage and factors are those of no buckets and no slots, the
        # same at every such instant (only the window and playbook dates move, not in a point).
        # Assessed once, not once per point: most of a new brand's 14-day history.
        nothing_read: HistoryPoint | None = None
        points = []
        for at in points_at:
            if visible_at(at) or reader.recent_slots(at):
                point = reader.point(at)
            else:
                if nothing_read is None:
                    nothing_read = history_point(assess_brand([], at=at, config=config))
                point = nothing_read
            step_start = at - timedelta(seconds=step_seconds)
            in_step = buckets[
                bisect_left(bucket_starts, step_start) : bisect_left(bucket_starts, at)
            ]
            mentions = round(sum(b.counters.get(MENTIONS, 0) for b in in_step))
            negative = sum(b.counters.get(NEGATIVE, 0) for b in in_step)
            points.append(
                RiskPoint(
                    at=at,
                    score=point.score,
                    level=point.level,
                    tier=point.tier,
                    stage=point.stage,
                    mentions=mentions,
                    negative_share=round(min(1.0, negative / mentions), 3) if mentions else 0.0,
                    spike=point.spike,
                )
            )
        return RiskHistory(
            brand_id=brand_id, step_seconds=step_seconds, points=points, model_version=MODEL_VERSION
        )

    def _slots_of(
        self, workspace: str, brand_id: str, points: list[datetime], config: EngineConfig
    ) -> list[AggregateBucket]:
        """The slots the points read (sorted), nearby points' in one query: a gap of a few
        slots more is cheaper read than asked for again. Past `MAX_SLOT_READS` separate runs,
        one read from the first point to the last: a query costs more than a few hours of
        slots."""
        span = timedelta(seconds=config.burst_slots * SLOT_SECONDS)
        runs: list[list[datetime]] = []
        for at in points:
            if runs and at - runs[-1][-1] <= 2 * span:
                runs[-1].append(at)
            else:
                runs.append([at])
        if len(runs) > MAX_SLOT_READS:
            runs = [[runs[0][0], runs[-1][-1]]]
        slots: list[AggregateBucket] = []
        for run in runs:
            slots += self._aggregates.read_slots(workspace, brand_id, run[-1], config, since=run[0])
        return slots

    def triage(
        self,
        mention: Mention,
        brand_assessment: BrandRiskAssessment | None,
        brand: BrandContext | None = None,
        *,
        now: datetime | None = None,
    ) -> MentionTriage:
        now = now or datetime.now(UTC)
        tolerance = self._settings.future_tolerance_seconds
        if mention.published_at > now + timedelta(seconds=tolerance):
            # The same rule as ingest: a triage preview must not accept what ingest refuses.
            raise ValidationFailed(
                f"mention.published_at: {mention.published_at.isoformat()} is more than "
                f"{tolerance} s in the future",
                invalid_params=[InvalidParam(name="mention.published_at", reason="in the future")],
            )
        return triage_mention(
            mention,
            now=now,
            config=self._settings.engine,
            brand_assessment=brand_assessment,
            brand=brand,
        )
