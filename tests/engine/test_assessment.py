"""Brand assessment from buckets: shape, tiers on typical streams, top mentions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from api.engine import (
    MODEL_VERSION,
    AggregateBucket,
    BrandRiskAssessment,
    Tier,
    TopMentionCandidate,
    assess_brand,
)
from api.engine.mention import Mention
from api.engine.schemas import Level, Stage
from tests.engine.factories import (
    CONFIG,
    NOW,
    add_counters,
    counters_of,
    hourly_buckets,
    make_mention,
)

CHATTER = [
    make_mention("Love their new collection", score=0.6),
    make_mention("Is the shop open on Sunday?", score=0.0),
    make_mention("A bit pricey this time", score=-0.3),
]


def stream(
    wave: Sequence[tuple[Mention, int]] = (), wave_hours: int = 0, days: int = 7
) -> list[AggregateBucket]:
    """`days` of one chatter mention per hour, then `wave_hours` of the wave, ending at NOW."""
    per_hour: dict[int, dict[str, float]] = {}
    for hours_before in range(days * 24, 0, -1):
        counters: dict[str, float] = {}
        add_counters(counters, counters_of(CHATTER[hours_before % len(CHATTER)]))
        if hours_before <= wave_hours:
            growth = min(1.0, (wave_hours - hours_before + 1) / 3)
            for mention, count in wave:
                add_counters(counters, counters_of(mention), times=max(1, round(count * growth)))
        per_hour[hours_before] = counters
    return hourly_buckets(per_hour)


def assess(buckets: Sequence[AggregateBucket], **kwargs: object) -> BrandRiskAssessment:
    return assess_brand(buckets, at=NOW, config=CONFIG, **kwargs)  # type: ignore[arg-type]


def test_no_mentions_is_a_quiet_low_watch() -> None:
    result = assess([])
    assert (result.score, result.level, result.tier, result.stage) == (
        0,
        Level.low,
        Tier.watch,
        Stage.quiet,
    )
    assert result.window.from_ == NOW - timedelta(hours=CONFIG.window_hours)
    assert result.window.to == result.as_of == NOW
    assert result.model_version == MODEL_VERSION
    assert [action.action for action in result.playbook] == ["monitor"]
    assert len(result.factors) == 9


def test_ordinary_chatter_is_watched() -> None:
    result = assess(stream())
    assert result.tier is Tier.watch
    assert result.stage is Stage.quiet
    assert result.score <= 20


def test_a_successful_campaign_spike_stays_watch() -> None:
    praise = make_mention("Their new ad is hilarious, shared it!", score=0.8, likes=60, shares=20)
    meh = make_mention("Meh, not a fan of the ad", score=-0.3, likes=10)
    result = assess(stream([(praise, 40), (meh, 2)], wave_hours=6))
    assert result.tier is Tier.watch
    assert result.score <= 30


def test_a_lone_critique_nobody_reacts_to_stays_watch() -> None:
    critique = make_mention("Very disappointed, stale bread and a rude seller", score=-0.7)
    result = assess(stream([(critique, 1)], wave_hours=1))
    assert result.tier is Tier.watch


def test_a_loud_wave_of_criticism_gets_a_public_answer() -> None:
    angry = make_mention("The new logo is a disaster", score=-0.7, likes=80, shares=25)
    result = assess(stream([(angry, 30)], wave_hours=5))
    assert result.tier is Tier.respond_publicly
    assert result.stage in {Stage.growing, Stage.peak}
    assert result.score >= 40
    assert result.level in {Level.high, Level.critical}


def test_a_severe_issue_in_the_press_calls_for_the_leadership() -> None:
    drivers = make_mention("My brakes failed on the highway, dangerous", score=-0.8, likes=50)
    article = make_mention(
        "Brake failures: drivers report accidents", score=-0.6, kind="media", network="news"
    )
    result = assess(stream([(drivers, 20), (article, 2)], wave_hours=6))
    assert result.tier is Tier.executive_statement
    assert result.score >= 70
    assert "safety" in result.topics
    assert result.playbook[0].action == "convene_crisis_team"


def test_a_severe_issue_with_little_volume_is_not_left_at_watch() -> None:
    report = make_mention("Their charger exploded in my kid's room", score=-0.8)
    result = assess(stream([(report, 1)], wave_hours=1))
    assert result.tier is not Tier.watch


def test_top_mentions_are_the_riskiest_of_the_window() -> None:
    candidates = [
        TopMentionCandidate("old", NOW - timedelta(hours=30), 99),
        TopMentionCandidate("a", NOW - timedelta(hours=2), 80),
        TopMentionCandidate("b", NOW - timedelta(hours=1), 80),
        TopMentionCandidate("c", NOW - timedelta(hours=3), 95),
        *(TopMentionCandidate(f"x{i}", NOW - timedelta(hours=4), 50) for i in range(10)),
    ]
    result = assess([], top_candidates=candidates)
    assert result.top_mentions[:3] == ["c", "b", "a"]
    assert len(result.top_mentions) == CONFIG.top_mentions_count
    assert "old" not in result.top_mentions


def test_a_naive_at_is_read_as_utc() -> None:
    result = assess_brand([], at=NOW.replace(tzinfo=None), config=CONFIG)
    assert result.as_of == NOW


def test_the_assessment_is_deterministic() -> None:
    buckets = stream([(make_mention("Awful", score=-0.8, likes=40), 10)], wave_hours=4)
    assert assess(buckets) == assess(buckets)


def test_tier_and_stage_are_explained() -> None:
    result = assess(stream())
    assert [reason.code.split(".")[0] for reason in result.reasons] == ["tier", "stage"]
