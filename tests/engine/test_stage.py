"""Crisis stage from the smoothed negative volume's velocity and acceleration."""

from __future__ import annotations

import pytest

from api.engine.factors import gated_negative_series
from api.engine.schemas import Stage
from api.engine.spike import brand_baseline
from api.engine.stage import crisis_stage
from tests.engine.factories import CONFIG

WAVE = [4, 9, 15, 22, 28, 30, 31, 30, 31]


def stage_of(tail: list[float], praise: float = 0.0) -> Stage:
    history = [0.3 if index % 3 else 0.0 for index in range(CONFIG.history_hours - len(tail))]
    negative = history + tail
    positive = [praise * value for value in negative]
    episode = gated_negative_series(negative, positive, CONFIG)
    return crisis_stage(episode, brand_baseline(negative, CONFIG), CONFIG).stage


@pytest.mark.parametrize(
    ("tail", "stage"),
    [
        ([0.3, 0.0, 0.3], Stage.quiet),
        ([0.3, 0.0, 3.0], Stage.emerging),
        ([4.0, 9.0, 16.0], Stage.growing),
        (WAVE, Stage.peak),
        ([*WAVE, 20, 12, 8], Stage.declining),
        ([*WAVE, 2, 0.5, 0.3, 0.3, 0.0, 0.3, 0.0, 0.3, 0.0, 0.3, 0.0, 0.3], Stage.resolved),
    ],
)
def test_stage_follows_the_life_cycle(tail: list[float], stage: Stage) -> None:
    assert stage_of([float(v) for v in tail]) is stage


def test_a_wave_of_mostly_praise_is_no_episode() -> None:
    # Ten times more praise than criticism: a campaign, whatever its negative volume.
    assert stage_of([4.0, 9.0, 16.0], praise=10.0) is Stage.quiet


def test_a_past_episode_is_forgotten_after_the_memory() -> None:
    gap = [0.3, 0.0] * CONFIG.episode_memory_hours
    assert stage_of([*(float(v) for v in WAVE), *gap]) is Stage.quiet


def test_the_reading_explains_itself() -> None:
    values = [0.0] * 300 + [4.0, 9.0, 16.0]
    reading = crisis_stage(values, brand_baseline(values, CONFIG), CONFIG)
    assert reading.velocity > 0
    assert reading.peak >= reading.level
    assert reading.reason
