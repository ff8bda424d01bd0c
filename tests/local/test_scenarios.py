"""The scenario runner: model, loading, time shifting, check evaluators, in-memory storage and
replay (api/local/scenarios.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from api.engine import BrandRiskAssessment, MentionTriage, triage_mention
from api.engine.schemas import Level, Moderation, Stage, Tier, Window
from api.engine.version import MODEL_VERSION
from api.local.scenarios import (
    AssessmentCheck,
    InMemoryAggregates,
    MentionCheck,
    Scenario,
    check_assessment,
    check_mention,
    load_scenario,
    replay_in_memory,
    shifted_to_end_at,
    stream_end,
)
from tests.engine.factories import CONFIG, counters_of, dev_scenarios_dir, make_mention

T0 = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)


def assessment(
    score: int = 50, tier: Tier = Tier.respond_publicly, stage: Stage = Stage.peak
) -> BrandRiskAssessment:
    return BrandRiskAssessment(
        score=score,
        level=Level.high,
        tier=tier,
        stage=stage,
        factors=[],
        playbook=[],
        window=Window(from_=T0 - timedelta(hours=24), to=T0),
        as_of=T0,
        top_mentions=[],
        model_version=MODEL_VERSION,
    )


def small_scenario() -> Scenario:
    return Scenario.model_validate(
        {
            "brand": {"id": "acme", "name": "Acme"},
            "description": "two mentions",
            "mentions": [
                make_mention("hello", published_at=T0, external_id="a").model_dump(mode="json"),
                make_mention(
                    "Bande d'escrocs, allez vous faire voir",
                    score=-0.9,
                    published_at=T0 + timedelta(hours=2),
                    external_id="b",
                ).model_dump(mode="json"),
            ],
            "checks": [
                {"at": (T0 + timedelta(hours=1)).isoformat(), "tier": ["watch"], "why": "x"}
            ],
            "mention_checks": [
                {"external_id": "b", "moderation": ["hide"], "tier": ["watch"], "why": "insult"}
            ],
        }
    )


# --- checks -----------------------------------------------------------------------------------


def test_an_assessment_passing_every_bound_has_no_failure() -> None:
    check = AssessmentCheck(
        at=T0, tier=[Tier.respond_publicly], stage=[Stage.peak], score_min=40, score_max=60
    )
    assert check_assessment(check, assessment()) == []


def test_each_failed_bound_is_reported() -> None:
    check = AssessmentCheck(
        at=T0, tier=[Tier.watch], stage=[Stage.quiet], score_min=60, score_max=10
    )
    failures = check_assessment(check, assessment())
    assert len(failures) == 4
    assert failures[0] == "tier respond_publicly not in ['watch']"


def test_unset_bounds_are_not_checked() -> None:
    assert check_assessment(AssessmentCheck(at=T0), assessment(score=100)) == []


def test_a_mention_check_reads_tier_and_moderation() -> None:
    mention = make_mention("Bande d'escrocs, allez vous faire voir", score=-0.9)
    triage: MentionTriage = triage_mention(mention, now=T0, config=CONFIG)
    ok = MentionCheck(external_id="m-1", tier=[Tier.watch], moderation=[Moderation.hide])
    bad = MentionCheck(
        external_id="m-1", tier=[Tier.respond_publicly], moderation=[Moderation.keep]
    )
    assert check_mention(ok, triage) == []
    assert len(check_mention(bad, triage)) == 2


# --- loading and shifting ---------------------------------------------------------------------


def test_a_shared_scenario_loads() -> None:
    path = next(
        p for p in sorted(dev_scenarios_dir().glob("*.json")) if p.name != "triage_cases.json"
    )
    scenario = load_scenario(path)
    assert scenario.brand.id
    assert scenario.mentions
    assert scenario.checks or scenario.mention_checks


def test_a_scenario_file_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "scenario.json"
    path.write_text(small_scenario().model_dump_json(by_alias=True), encoding="utf-8")
    assert load_scenario(path) == small_scenario()


def test_shifting_moves_every_timestamp_by_the_same_amount() -> None:
    scenario = small_scenario()
    now = datetime(2030, 1, 1, 8, 17, tzinfo=UTC)
    shifted = shifted_to_end_at(scenario, now)
    delta = now - stream_end(scenario)
    assert stream_end(shifted) == now
    assert [m.published_at for m in shifted.mentions] == [
        m.published_at + delta for m in scenario.mentions
    ]
    assert shifted.checks[0].at == scenario.checks[0].at + delta
    assert scenario.mentions[0].published_at == T0  # the original is untouched


def test_an_empty_stream_has_no_end() -> None:
    with pytest.raises(ValueError, match="without mentions"):
        stream_end(small_scenario().model_copy(update={"mentions": []}))


# --- in-memory storage --------------------------------------------------------------------------


def aggregates_with(*offsets_in_minutes: int) -> InMemoryAggregates:
    aggregates = InMemoryAggregates(CONFIG)
    for index, minutes in enumerate(offsets_in_minutes):
        mention = make_mention(
            "Awful",
            score=-0.8,
            published_at=T0 + timedelta(minutes=minutes),
            external_id=str(index),
        )
        triage = triage_mention(mention, now=mention.published_at, config=CONFIG)
        aggregates.add(mention, triage, counters_of(mention))
    return aggregates


def test_buckets_are_hourly_by_published_time_and_in_time_order() -> None:
    buckets = aggregates_with(5, 70, 75, 200).buckets(T0 + timedelta(hours=5), CONFIG)
    assert [b.start for b in buckets] == [T0 + timedelta(hours=h) for h in (0, 1, 3)]
    assert [b.counters["n"] for b in buckets] == [1, 2, 1]
    assert all(b.seconds == 3600 for b in buckets)


def test_the_current_hour_is_partial_to_five_minutes() -> None:
    aggregates = aggregates_with(0, 11, 14, 16, 40)
    buckets = aggregates.buckets(T0 + timedelta(minutes=12), CONFIG)
    assert len(buckets) == 1
    # 12 min rounds up to 15: mentions published at 0, 11 and 14 min count, not 16 or 40.
    assert (buckets[0].start, buckets[0].seconds, buckets[0].counters["n"]) == (T0, 900, 3)


def test_on_the_hour_the_current_hour_is_not_read() -> None:
    buckets = aggregates_with(0, 30).buckets(T0, CONFIG)
    assert buckets == []


def test_history_is_limited_to_history_hours() -> None:
    aggregates = aggregates_with(0)
    late = T0 + timedelta(hours=CONFIG.history_hours + 2)
    assert aggregates.buckets(late, CONFIG) == []


def test_a_mention_added_twice_counts_once() -> None:
    aggregates = InMemoryAggregates(CONFIG)
    mention = make_mention("Awful", score=-0.8, published_at=T0)
    triage = triage_mention(mention, now=T0, config=CONFIG)
    assert aggregates.add(mention, triage, counters_of(mention))
    assert not aggregates.add(mention, triage, counters_of(mention))
    assert aggregates.buckets(T0 + timedelta(hours=1), CONFIG)[0].counters["n"] == 1


def test_the_burst_detector_reads_the_newest_five_minute_slots() -> None:
    aggregates = aggregates_with(0, 3, 11, 14, 16, 40)
    slots = aggregates.slots(T0 + timedelta(minutes=12), CONFIG)
    # Up to 12 min rounded up to 15: the slots of 0, 5 (empty, dropped) and 10 minutes.
    assert [(s.start, s.seconds, s.counters["n"]) for s in slots] == [
        (T0, 300, 2),
        (T0 + timedelta(minutes=10), 300, 2),
    ]
    late = T0 + timedelta(minutes=5 * CONFIG.burst_slots + 20)
    assert [s.start for s in aggregates.slots(late, CONFIG)] == [T0 + timedelta(minutes=40)]


def test_identical_mentions_added_in_bulk_count_as_added_one_by_one() -> None:
    one_by_one, bulk = InMemoryAggregates(CONFIG), InMemoryAggregates(CONFIG)
    template = make_mention(None, score=None, published_at=T0 + timedelta(minutes=7))
    triage = triage_mention(template, now=template.published_at, config=CONFIG)
    counters = counters_of(template)
    for index in range(37):
        copy = template.model_copy(update={"external_id": f"m{index}"})
        one_by_one.add(copy, triage, counters)
    bulk.add_repeated(template, triage, counters, 37)  # type: ignore[arg-type]
    at = T0 + timedelta(minutes=52)
    assert bulk.buckets(at, CONFIG) == one_by_one.buckets(at, CONFIG)
    assert bulk.slots(at, CONFIG) == one_by_one.slots(at, CONFIG)
    assert bulk.assess(at, CONFIG) == one_by_one.assess(at, CONFIG)


def test_hot_mentions_of_the_window_are_the_top_candidates() -> None:
    aggregates = InMemoryAggregates(CONFIG)
    for index, (minutes, likes) in enumerate([(0, 5000), (10, 0), (20, 3000)]):
        mention = make_mention(
            "The charger exploded",
            score=-0.9,
            likes=likes,
            published_at=T0 + timedelta(minutes=minutes),
            external_id=f"hot-{index}",
        )
        triage = triage_mention(mention, now=mention.published_at, config=CONFIG)
        aggregates.add(mention, triage, counters_of(mention))
    candidates = aggregates.top_candidates(T0 + timedelta(minutes=30), CONFIG)
    # As storage reads them (api/storage/hot.py): one hour, so the riskiest first, then newest.
    assert [c.risk for c in candidates] == sorted((c.risk for c in candidates), reverse=True)
    assert [c.mention_id for c in candidates] == ["hot-0", "hot-2", "hot-1"]
    assert aggregates.top_candidates(T0 + timedelta(hours=30), CONFIG) == []


# --- replay -----------------------------------------------------------------------------------


def test_replay_reports_each_check_and_mention_check() -> None:
    scenario = small_scenario()
    now = datetime(2031, 5, 1, 12, 3, tzinfo=UTC)
    report = replay_in_memory(scenario, CONFIG, now)
    assert report.passed, report.failures
    assert report.now == now
    assert report.checks[0].scenario_at == scenario.checks[0].at
    assert report.checks[0].at == scenario.checks[0].at + (now - stream_end(scenario))
    assert report.mention_checks[0].moderation is Moderation.hide


def test_replay_reports_failures_and_unknown_mentions() -> None:
    scenario = small_scenario().model_copy(
        update={
            "checks": [AssessmentCheck(at=T0 + timedelta(hours=1), score_min=99, why="too high")],
            "mention_checks": [MentionCheck(external_id="nope")],
        }
    )
    report = replay_in_memory(scenario, CONFIG, T0 + timedelta(days=1))
    assert not report.passed
    assert any("score" in failure for failure in report.failures)
    assert any("nope" in failure for failure in report.failures)
