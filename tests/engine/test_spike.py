"""Spike detection against the brand's own baseline: warm-up, noise floor, minimum volume,
damping."""

from __future__ import annotations

from api.engine.spike import brand_baseline, spike_reading
from tests.engine.factories import CONFIG


def series(baseline: float, hours: int, tail: list[float]) -> list[float]:
    """`hours` of a steady baseline (alternating around it), then `tail`, newest last."""
    history = [baseline + (0.5 if index % 2 else -0.5) for index in range(hours)]
    return [0.0] * (CONFIG.history_hours - hours - len(tail)) + history + tail


def test_a_jump_far_above_the_baseline_is_a_spike() -> None:
    values = series(1.0, 200, [20.0])
    baseline = brand_baseline(values, CONFIG)
    reading = spike_reading(values, baseline, CONFIG)
    assert baseline.warm
    assert reading.z > CONFIG.spike_z_high
    assert reading.strength == 1.0


def test_no_spike_during_warm_up() -> None:
    values = series(1.0, 20, [20.0])
    baseline = brand_baseline(values, CONFIG)
    assert not baseline.warm
    assert spike_reading(values, baseline, CONFIG).strength == 0.0


def test_no_spike_below_the_minimum_volume() -> None:
    values = series(0.05, 200, [1.5])
    reading = spike_reading(values, brand_baseline(values, CONFIG), CONFIG)
    assert reading.strength == 0.0


def test_the_noise_floor_keeps_a_quiet_brand_from_crying_wolf() -> None:
    values = series(0.0, 200, [2.0])
    values[-50] = 0.3  # a brand with almost no history
    baseline = brand_baseline(values, CONFIG)
    assert baseline.deviation >= CONFIG.spike_noise_floor
    assert spike_reading(values, baseline, CONFIG).z <= 2.0


def test_a_running_crisis_does_not_raise_its_own_baseline() -> None:
    before = brand_baseline(series(1.0, 200, [1.0]), CONFIG)
    during = brand_baseline(series(1.0, 200, [30.0] * 12 + [30.0]), CONFIG)
    assert during.mean < before.mean + 1.0
    assert spike_reading(series(1.0, 200, [30.0] * 13), during, CONFIG).strength == 1.0


def test_without_damping_the_crisis_would_absorb_itself() -> None:
    undamped = CONFIG.model_copy(update={"damping_factor": 1.0, "damping_z": 1000.0})
    values = series(1.0, 200, [30.0] * 13)
    assert brand_baseline(values, undamped).mean > brand_baseline(values, CONFIG).mean + 3


def test_the_newest_hour_never_feeds_the_baseline() -> None:
    quiet = brand_baseline(series(1.0, 200, [1.0]), CONFIG)
    loud = brand_baseline(series(1.0, 200, [500.0]), CONFIG)
    assert quiet == loud


def test_an_empty_history_is_cold_and_flat() -> None:
    baseline = brand_baseline([0.0] * CONFIG.history_hours, CONFIG)
    assert (baseline.mean, baseline.warm) == (0.0, False)
