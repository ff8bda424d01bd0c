"""Labelled scenario files: the model, loading, time shifting, check evaluators and an
in-memory replay through the engine.

The check evaluators and the `Scenario` model are shared with the HTTP/DynamoDB replay; the
in-memory replay reproduces storage's aggregate semantics (`InMemoryAggregates`) so both replays
see the same buckets and give the same assessments.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import AwareDatetime, BaseModel, Field

from api.engine import (
    AggregateBucket,
    BrandRiskAssessment,
    EngineConfig,
    MentionTriage,
    TopMentionCandidate,
    assess_brand,
    mention_counters,
    triage_mention,
)
from api.engine.mention import Mention
from api.engine.schemas import Moderation, Stage, Tier
from api.storage import hot
from api.storage.buckets import (
    FINE_SECONDS,
    BucketWindow,
    add_counters,
    assemble_buckets,
    assemble_slots,
    floor_to,
    slot_starts,
)


class ScenarioBrand(BaseModel):
    id: str
    name: str


class AssessmentCheck(BaseModel):
    """What the brand assessment must be at a moment of the stream."""

    at: AwareDatetime
    tier: list[Tier] | None = Field(default=None, description="Allowed tiers.")
    stage: list[Stage] | None = Field(default=None, description="Allowed stages.")
    score_min: int | None = None
    score_max: int | None = None
    why: str = ""


class MentionCheck(BaseModel):
    """What one mention's triage must be."""

    external_id: str
    tier: list[Tier] | None = Field(default=None, description="Allowed tiers.")
    moderation: list[Moderation] | None = Field(default=None, description="Allowed moderation.")
    why: str = ""


class Scenario(BaseModel):
    """A labelled mention stream, times anchored on a fixed date."""

    brand: ScenarioBrand
    description: str = ""
    mentions: list[Mention]
    checks: list[AssessmentCheck] = Field(default_factory=list)
    mention_checks: list[MentionCheck] = Field(default_factory=list)


def load_scenario(path: str | Path) -> Scenario:
    return Scenario.model_validate_json(Path(path).read_text(encoding="utf-8"))


def stream_end(scenario: Scenario) -> datetime:
    """When the stream's last mention was published."""
    if not scenario.mentions:
        raise ValueError("a scenario without mentions has no end")
    return max(mention.published_at for mention in scenario.mentions)


class UnshiftableScenarioError(ValueError):
    """Moving the stream to end at `now` would take a timestamp outside years 1-9999."""


def shifted_to_end_at(scenario: Scenario, now: datetime) -> Scenario:
    """The same scenario with every timestamp moved by one amount, so its stream ends at `now`."""
    end = stream_end(scenario)
    delta = now - end
    try:
        return scenario.model_copy(
            update={
                "mentions": [
                    mention.model_copy(update={"published_at": mention.published_at + delta})
                    for mention in scenario.mentions
                ],
                "checks": [
                    check.model_copy(update={"at": check.at + delta}) for check in scenario.checks
                ],
            }
        )
    except OverflowError:
        raise UnshiftableScenarioError(
            f"the stream ends at {end.isoformat()}: it cannot be moved to end now without a "
            "timestamp leaving the years 1 to 9999"
        ) from None


def check_assessment(check: AssessmentCheck, assessment: BrandRiskAssessment) -> list[str]:
    """Why an assessment fails a check; empty when it passes."""
    failures: list[str] = []
    if check.tier is not None and assessment.tier not in check.tier:
        failures.append(f"tier {assessment.tier.value} not in {_values(check.tier)}")
    if check.stage is not None and assessment.stage not in check.stage:
        failures.append(f"stage {assessment.stage.value} not in {_values(check.stage)}")
    if check.score_min is not None and assessment.score < check.score_min:
        failures.append(f"score {assessment.score} < {check.score_min}")
    if check.score_max is not None and assessment.score > check.score_max:
        failures.append(f"score {assessment.score} > {check.score_max}")
    return failures


def check_mention(check: MentionCheck, triage: MentionTriage) -> list[str]:
    """Why a mention's triage fails a check; empty when it passes."""
    failures: list[str] = []
    if check.tier is not None and triage.tier not in check.tier:
        failures.append(f"tier {triage.tier.value} not in {_values(check.tier)}")
    if check.moderation is not None and triage.moderation not in check.moderation:
        failures.append(f"moderation {triage.moderation.value} not in {_values(check.moderation)}")
    return failures


def _values(allowed: Sequence[Tier | Stage | Moderation]) -> list[str]:
    return [item.value for item in allowed]


class InMemoryAggregates:
    """Storage's aggregate semantics without DynamoDB, for replays and tests.

    Counters add up per hourly bucket (by `published_at`) and per 5-minute slot; `buckets(at)`
    returns the non-empty hours of `[at - history_hours, at)` in time order, the hour holding `at`
    partial: only mentions published before `at` rounded up to 5 minutes, `seconds` being that
    elapsed part. A mention already added (same `source` + `external_id`) counts nothing twice.
    """

    def __init__(self, config: EngineConfig) -> None:
        self._config = config
        self._hourly: dict[datetime, dict[str, float]] = {}
        self._fine: dict[datetime, dict[str, float]] = {}
        self._hot: list[TopMentionCandidate] = []
        self._seen: set[tuple[str, str]] = set()

    def add(
        self,
        mention: Mention,
        triage: MentionTriage,
        counters: Mapping[str, float],
        *,
        mention_id: str | None = None,
    ) -> bool:
        """Count one mention; False (and nothing counted) when it was already added."""
        key = (mention.source, mention.external_id)
        if key in self._seen:
            return False
        self._seen.add(key)
        published = mention.published_at.astimezone(UTC)
        for store, width in (
            (self._hourly, self._config.bucket_seconds),
            (self._fine, FINE_SECONDS),
        ):
            add_counters(store.setdefault(floor_to(published, width), {}), counters)
        if triage.risk >= self._config.hot_mention_risk:
            self._hot.append(
                TopMentionCandidate(
                    mention_id=mention_id or mention.external_id,
                    published_at=published,
                    risk=triage.risk,
                )
            )
        return True

    def add_repeated(
        self, mention: Mention, triage: MentionTriage, counters: Mapping[str, int], times: int
    ) -> None:
        """Count `times` identical mentions published at `mention.published_at` at once, exactly
        as `times` calls of `add` with distinct external ids would (integer counters only, and
        no hot candidate: the sums of equal integers are exact)."""
        if triage.risk >= self._config.hot_mention_risk:
            raise ValueError("a hot mention must be added one by one (it is a top candidate)")
        if any(not isinstance(value, int) for value in counters.values()):
            raise ValueError("only integer counters add up exactly in bulk")
        published = mention.published_at.astimezone(UTC)
        scaled = {name: value * times for name, value in counters.items()}
        for store, width in (
            (self._hourly, self._config.bucket_seconds),
            (self._fine, FINE_SECONDS),
        ):
            add_counters(store.setdefault(floor_to(published, width), {}), scaled)

    def buckets(self, at: datetime, config: EngineConfig) -> list[AggregateBucket]:
        window = BucketWindow.at(at, config.bucket_seconds, config.history_hours)
        # Looked up hour by hour and slot by slot: the cost does not grow with the stream.
        hourly: dict[datetime, Mapping[str, float]] = {}
        start = window.first_hour
        step = timedelta(seconds=config.bucket_seconds)
        while start < window.current_hour:
            counters = self._hourly.get(start)
            if counters is not None:
                hourly[start] = counters  # assemble_buckets copies it
            start += step
        slot = window.current_hour
        partial: dict[str, float] = {}
        while slot < window.partial_end:
            counters = self._fine.get(slot)
            if counters is not None:
                add_counters(partial, counters)
            slot += timedelta(seconds=FINE_SECONDS)
        if partial:
            hourly[window.current_hour] = partial
        return assemble_buckets(window, hourly)

    def slots(self, at: datetime, config: EngineConfig) -> list[AggregateBucket]:
        """The 5-minute slots the burst detector reads (`burst_slots` ending with `at`'s)."""
        fine = {
            start: self._fine[start]
            for start in slot_starts(at, config.burst_slots)
            if start in self._fine
        }
        return assemble_slots(fine)

    def top_candidates(self, at: datetime, config: EngineConfig) -> list[TopMentionCandidate]:
        """Hot mentions published in the assessment window, as storage reads them (the same
        bounded ranking, `storage.hot.ranked`)."""
        return hot.ranked(self._hot, at - timedelta(hours=config.window_hours), at)

    def assess(self, at: datetime, config: EngineConfig) -> BrandRiskAssessment:
        return assess_brand(
            self.buckets(at, config),
            at=at,
            config=config,
            top_candidates=self.top_candidates(at, config),
            slots=self.slots(at, config),
        )


class AssessmentCheckResult(BaseModel):
    at: AwareDatetime = Field(description="Check time, shifted like the stream.")
    scenario_at: AwareDatetime = Field(description="Check time as written in the scenario.")
    why: str
    score: int
    level: str
    tier: Tier
    stage: Stage
    topics: list[str]
    failures: list[str]


class MentionCheckResult(BaseModel):
    external_id: str
    why: str
    tier: Tier | None
    moderation: Moderation | None
    risk: int | None
    failures: list[str]


class ScenarioReport(BaseModel):
    brand: ScenarioBrand
    description: str
    now: AwareDatetime
    checks: list[AssessmentCheckResult]
    mention_checks: list[MentionCheckResult]

    @property
    def failures(self) -> list[str]:
        found = [f"check at {c.scenario_at}: {f}" for c in self.checks for f in c.failures]
        found += [f"{m.external_id}: {f}" for m in self.mention_checks for f in m.failures]
        return found

    @property
    def passed(self) -> bool:
        return not self.failures


def replay_in_memory(
    scenario: Scenario,
    config: EngineConfig,
    now: datetime,
    *,
    brand_context: bool = False,
) -> ScenarioReport:
    """Replay a scenario through the engine as if its stream ended at `now`.

    Mentions are ingested in time order and triaged at their own published time; with
    `brand_context`, each triage also gets the brand's assessment of that moment (a mention on a
    running crisis's topic escalates). Each check is assessed at its shifted time.
    """
    shifted = shifted_to_end_at(scenario, now)
    aggregates = InMemoryAggregates(config)
    triages: dict[str, MentionTriage] = {}
    for mention in sorted(shifted.mentions, key=lambda m: m.published_at):
        moment = mention.published_at
        context = aggregates.assess(moment, config) if brand_context else None
        triage = triage_mention(mention, now=moment, config=config, brand_assessment=context)
        if aggregates.add(mention, triage, mention_counters(mention, triage)):
            triages.setdefault(mention.external_id, triage)

    return report_for(scenario, shifted, now, lambda at: aggregates.assess(at, config), triages)


def report_for(
    scenario: Scenario,
    shifted: Scenario,
    now: datetime,
    assess: Callable[[datetime], BrandRiskAssessment],
    triages: Mapping[str, MentionTriage],
) -> ScenarioReport:
    """Evaluate a replayed scenario: `assess(at)` gives the assessment at a shifted check time,
    `triages` the triage each external_id got. Shared by the in-memory and the HTTP replays.
    """
    check_results = []
    for original, check in zip(scenario.checks, shifted.checks, strict=True):
        assessment = assess(check.at)
        check_results.append(
            AssessmentCheckResult(
                at=check.at,
                scenario_at=original.at,
                why=check.why,
                score=assessment.score,
                level=assessment.level.value,
                tier=assessment.tier,
                stage=assessment.stage,
                topics=assessment.topics,
                failures=check_assessment(check, assessment),
            )
        )
    mention_results = []
    for mention_check in scenario.mention_checks:
        found = triages.get(mention_check.external_id)
        mention_results.append(
            MentionCheckResult(
                external_id=mention_check.external_id,
                why=mention_check.why,
                tier=found.tier if found else None,
                moderation=found.moderation if found else None,
                risk=found.risk if found else None,
                failures=(
                    check_mention(mention_check, found)
                    if found
                    else ["no mention with this external_id in the scenario"]
                ),
            )
        )
    return ScenarioReport(
        brand=scenario.brand,
        description=scenario.description,
        now=now,
        checks=check_results,
        mention_checks=mention_results,
    )
