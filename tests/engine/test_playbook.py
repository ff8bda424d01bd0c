"""The brand playbook: ordered actions with deadlines from `at`."""

from __future__ import annotations

from datetime import timedelta

from api.engine.playbook import brand_playbook
from api.engine.schemas import Stage, Tier
from tests.engine.factories import CONFIG, NOW


def actions(tier: Tier, topics: tuple[str, ...] = (), stage: Stage = Stage.growing) -> list[str]:
    return [a.action for a in brand_playbook(tier, stage, topics, NOW, CONFIG)]


def test_watch_only_monitors_when_quiet() -> None:
    assert actions(Tier.watch, stage=Stage.quiet) == ["monitor"]
    assert actions(Tier.watch, stage=Stage.resolved) == ["monitor"]


def test_a_surge_on_watch_is_reviewed_within_the_hour() -> None:
    # A surge of unknown sentiment stays on watch, but somebody must read it now.
    playbook = brand_playbook(Tier.watch, Stage.peak, (), NOW, CONFIG)
    assert [a.action for a in playbook] == ["review_surge", "monitor"]
    assert playbook[0].deadline == NOW + timedelta(minutes=CONFIG.playbook_minutes_first_answer)


def test_a_public_answer_comes_within_the_hour() -> None:
    playbook = brand_playbook(Tier.respond_publicly, Stage.growing, (), NOW, CONFIG)
    assert playbook[0].action == "acknowledge_publicly"
    assert playbook[0].deadline == NOW + timedelta(minutes=CONFIG.playbook_minutes_first_answer)
    assert "move_to_private" in actions(Tier.respond_publicly)
    assert "keep_criticism_visible" in actions(Tier.respond_publicly)


def test_the_leadership_tier_convenes_states_and_speaks_in_order() -> None:
    found = actions(Tier.executive_statement)
    assert found[:3] == ["convene_crisis_team", "holding_statement", "leadership_statement"]
    playbook = brand_playbook(Tier.executive_statement, Stage.peak, (), NOW, CONFIG)
    deadlines = [a.deadline for a in playbook[:3]]
    assert deadlines == sorted(d for d in deadlines if d is not None)


def test_topics_add_their_actions() -> None:
    assert "correct_with_facts" in actions(Tier.respond_publicly, ("misinformation",))
    assert "status_updates" in actions(Tier.respond_publicly, ("outage",))


def test_after_the_peak_the_follow_up_is_a_lesson_learned() -> None:
    playbook = brand_playbook(Tier.respond_publicly, Stage.declining, (), NOW, CONFIG)
    assert "does not happen again" in playbook[-1].description
