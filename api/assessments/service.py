"""Brand assessments from stored aggregates, history series, and stateless triage."""

from __future__ import annotations

from bisect import bisect_left
from datetime import UTC, datetime, timedelta

from api.aggregates.repository import AggregateRepository
from api.assessments.schemas import RiskHistory, RiskPoint
from api.engine import (
    BrandContext,
    BrandRiskAssessment,
    MentionTriage,
    assess_brand,
    triage_mention,
)
from api.engine.counters import MENTIONS, NEGATIVE
from api.engine.mention import EARLIEST_INSTANT, Mention
from api.engine.version import MODEL_VERSION
from api.problems import InvalidParam, ValidationFailed
from api.settings import Settings
from api.storage.buckets import FINE_SECONDS, floor_to
from api.ttl_cache import TtlCache

MAX_HISTORY_POINTS = 500
SPIKE_FACTOR = "volume_spike"


# How long a brand's latest assessment serves as triage context in this container: a crisis is
# not over in a minute, and a fresh read per ingest batch would double its DynamoDB reads.
CONTEXT_SECONDS = 60.0


class AssessmentService:
    def __init__(self, aggregates: AggregateRepository, settings: Settings) -> None:
        self._aggregates = aggregates
        self._settings = settings
        self._latest: TtlCache[tuple[str, str], BrandRiskAssessment] = TtlCache(CONTEXT_SECONDS)

    def assess(
        self, workspace: str, brand_id: str, at: datetime, *, live: bool = False
    ) -> BrandRiskAssessment:
        """The brand's assessment as of `at`; `live` when `at` is the present moment."""
        config = self._settings.engine
        buckets = self._aggregates.read_buckets(workspace, brand_id, at, config, live=live)
        slots = self._aggregates.read_slots(workspace, brand_id, at, config)
        candidates = self._aggregates.hot_candidates(workspace, brand_id, at, config)
        assessment = assess_brand(
            buckets, at=at, config=config, top_candidates=candidates, slots=slots
        )
        if live:
            self._latest.put((workspace, brand_id), assessment)
        return assessment

    def current(self, workspace: str, brand_id: str) -> BrandRiskAssessment:
        """The brand's assessment now, for triage in context (at most CONTEXT_SECONDS old)."""
        cached = self._latest.get((workspace, brand_id))
        if cached is not None:
            return cached
        return self.assess(workspace, brand_id, datetime.now(UTC), live=True)

    def resolve_at(self, at: datetime | None, now: datetime | None = None) -> datetime:
        now = now or datetime.now(UTC)
        if at is None:
            return now
        horizon = now + timedelta(seconds=self._settings.future_tolerance_seconds)
        if at < EARLIEST_INSTANT:
            raise ValidationFailed(
                "at: must be on or after 1970-01-01T00:00:00Z.",
                invalid_params=[InvalidParam(name="at", reason="before 1970")],
            )
        if at > horizon:
            raise ValidationFailed(
                f"at: {at.isoformat()} is in the future; risk is known up to now.",
                invalid_params=[InvalidParam(name="at", reason="in the future")],
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
        end = floor_to(self.resolve_at(end), bucket)
        start = floor_to(self.resolve_at(start), bucket) if start else end - timedelta(days=1)
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
        slots = self._aggregates.read_slots(workspace, brand_id, end, config, since=start)
        bucket_starts = [b.start for b in buckets]
        slot_starts = [s.start for s in slots]
        slot_span = timedelta(seconds=config.burst_slots * FINE_SECONDS)
        points = []
        for index in range(count):
            at = start + timedelta(seconds=index * step_seconds)
            window_start = at - timedelta(hours=config.history_hours)
            # Sorted reads: each point slices them in O(log n), not in a scan of the range.
            visible = buckets[
                bisect_left(bucket_starts, window_start) : bisect_left(bucket_starts, at)
            ]
            recent = slots[bisect_left(slot_starts, at - slot_span) : bisect_left(slot_starts, at)]
            assessment = assess_brand(visible, at=at, config=config, slots=recent)
            step_start = at - timedelta(seconds=step_seconds)
            in_step = [b for b in visible if b.start >= step_start]
            mentions = round(sum(b.counters.get(MENTIONS, 0) for b in in_step))
            negative = sum(b.counters.get(NEGATIVE, 0) for b in in_step)
            points.append(
                RiskPoint(
                    at=at,
                    score=assessment.score,
                    level=assessment.level,
                    tier=assessment.tier,
                    stage=assessment.stage,
                    mentions=mentions,
                    negative_share=round(min(1.0, negative / mentions), 3) if mentions else 0.0,
                    spike=any(
                        f.name == SPIKE_FACTOR and f.contribution > 0 for f in assessment.factors
                    ),
                )
            )
        return RiskHistory(
            brand_id=brand_id, step_seconds=step_seconds, points=points, model_version=MODEL_VERSION
        )

    def triage(
        self,
        mention: Mention,
        brand_assessment: BrandRiskAssessment | None,
        brand: BrandContext | None = None,
        *,
        now: datetime | None = None,
    ) -> MentionTriage:
        """The mention's triage at `now` (default: the present), in the brand's context if any."""
        return triage_mention(
            mention,
            now=now or datetime.now(UTC),
            config=self._settings.engine,
            brand_assessment=brand_assessment,
            brand=brand,
        )
