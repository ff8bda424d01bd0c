"""Crisis stage with hysteresis, against the seasonal baseline."""

from __future__ import annotations

import pytest

from api.engine.factors import gated_negative_series
from api.engine.schemas import Stage
from api.engine.spike import BurstReading, SeasonalBaseline
from api.engine.stage import crisis_stage
from tests.engine.factories import CONFIG

WAVE = [6, 14, 22, 28, 30, 31, 30, 31]
CALM = [2.0, 1.0, 2.0, 3.0]


def calm_history(hours: int) -> list[float]:
    return [CALM[index % len(CALM)] for index in range(hours)]


def stage_of(tail: list[float], praise: float = 0.0, history: list[float] | None = None) -> Stage:
    before = history if history is not None else calm_history(CONFIG.history_hours - len(tail))
    negative = [*before, *(float(v) for v in tail)]
    positive = [praise * value for value in negative]
    episode = gated_negative_series(negative, positive, CONFIG)
    return crisis_stage(episode, SeasonalBaseline(episode, CONFIG), CONFIG).stage


@pytest.mark.parametrize(
    ("tail", "stage"),
    [
        ([2.0, 1.0, 2.0], Stage.quiet),
        ([2.0, 9.0, 10.0], Stage.emerging),
        ([4.0, 12.0, 24.0], Stage.emerging),  # one elevated hour: a birth, not yet a wave
        ([4.0, 12.0, 24.0, 40.0], Stage.growing),
        (WAVE, Stage.peak),
        ([*WAVE, 20, 12, 8], Stage.declining),
        ([*WAVE, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2], Stage.resolved),
    ],
)
def test_stage_follows_the_life_cycle(tail: list[float], stage: Stage) -> None:
    assert stage_of(tail) is stage


def test_one_busy_hour_is_not_yet_emerging() -> None:
    assert stage_of([2.0, 1.0, 10.0]) is Stage.quiet


def test_a_burst_makes_a_calm_stream_emerge() -> None:
    series = calm_history(CONFIG.history_hours)
    burst = BurstReading(volume=67.0, expected=0.2, z=30.0, burst=True, strength=0.8)
    stage = crisis_stage(series, SeasonalBaseline(series, CONFIG), CONFIG, burst).stage
    assert stage is Stage.emerging


def test_a_wave_of_mostly_praise_is_no_episode() -> None:
    # Ten times more praise than criticism: a campaign, whatever its negative volume.
    assert stage_of([4.0, 12.0, 24.0], praise=10.0) is Stage.quiet


def test_a_past_episode_is_forgotten_after_the_memory() -> None:
    gap = calm_history(CONFIG.episode_memory_hours + 12)
    assert stage_of([*WAVE, *gap]) is Stage.quiet


def test_one_calm_hour_inside_a_wave_does_not_end_it() -> None:
    assert stage_of([*WAVE, 2.0]) is Stage.declining
    assert stage_of([*WAVE, 2.0, 30.0]) in {Stage.growing, Stage.peak, Stage.declining}


def test_no_flicker_around_the_threshold() -> None:
    # A wave hovering at the elevated bar: once in an episode, the stage stays in it.
    hovering = [14.0, 9.0] * 5
    stages = [stage_of([*WAVE, *hovering[:end]]) for end in range(1, len(hovering) + 1)]
    assert Stage.resolved not in stages
    assert Stage.quiet not in stages


def test_after_an_episode_the_daily_cycle_does_not_bounce_back_to_declining() -> None:
    cycle = [2.0, 2.0, 3.0, 5.0, 6.0, 6.0, 5.0, 3.0] * 3  # an ordinary day's rhythm
    history = [cycle[i % len(cycle)] for i in range(CONFIG.history_hours - 40)]
    tail = [*WAVE, *[cycle[i % len(cycle)] for i in range(32)]]
    stages = [stage_of(tail[:end], history=history) for end in range(len(WAVE) + 4, len(tail) + 1)]
    first_resolved = stages.index(Stage.resolved)
    assert all(stage is Stage.resolved for stage in stages[first_resolved:])


def test_a_new_brand_is_quiet_until_the_baseline_can_judge() -> None:
    empty = [0.0] * (CONFIG.history_hours - 30)
    for tail in ([5.0] * 29 + [400.0], [400.0] * 30, [*WAVE, 1.0, 1.0, 1.0, 1.0]):
        assert stage_of(tail, history=empty[: CONFIG.history_hours - len(tail)]) is Stage.quiet


def test_the_reading_explains_itself() -> None:
    values = [*calm_history(300), 4.0, 12.0, 24.0]
    reading = crisis_stage(values, SeasonalBaseline(values, CONFIG), CONFIG)
    assert reading.velocity > 0
    assert reading.peak >= reading.level
    assert reading.reason


def test_an_ended_wave_stays_ended_while_its_tail_hovers() -> None:
    # A tail at z ~ 1 hour after hour: once the wave has ended, later hours of the same tail
    # (each replay moves them a little) do not revive it as `declining`.
    tail = [*WAVE, *[4.5, 3.5] * 8]
    stages = [stage_of(tail[:end]) for end in range(len(WAVE) + 1, len(tail) + 1)]
    assert Stage.resolved in stages
    first_resolved = stages.index(Stage.resolved)
    assert all(stage is Stage.resolved for stage in stages[first_resolved:])
