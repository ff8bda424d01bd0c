"""Spike detection against the brand's own baseline (SPEC §3).

The baseline is an EWMA of the hourly negative volume (mean and variance), started from the
plain mean and variance of the first `warmup_hours` of history so an early quiet or busy hour
does not linger. Three guards keep it honest:

- a noise floor: the deviation is at least `spike_noise_floor` and at least √mean (counts are
  Poisson-like), so one extra complaint at night is not a 10-sigma event;
- warm-up: no spike before `warmup_hours` of history;
- damping: an hour already above `damping_z` enters the baseline winsorised and with a learning
  rate cut by `damping_factor`, so a running crisis does not raise its own baseline.

The newest hour ([at-1h, at)) is the one tested and never feeds the baseline.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from api.engine.config import EngineConfig
from api.engine.scales import ramp
from api.engine.series import period_seconds, periods_in


@dataclass(frozen=True, slots=True)
class Baseline:
    mean: float
    deviation: float
    """Standard deviation after the noise floor."""
    warm: bool
    history_hours: float


@dataclass(frozen=True, slots=True)
class SpikeReading:
    volume: float
    """Negative volume of the last hour (intensity-weighted mentions)."""
    z: float
    strength: float
    """0-1: how far beyond the noise the last hour is, once warm-up and minimum volume allow."""


def noisy_deviation(mean: float, variance: float, config: EngineConfig) -> float:
    return math.sqrt(max(variance, config.spike_noise_floor**2, mean))


def brand_baseline(series: Sequence[float], config: EngineConfig) -> Baseline:
    """Baseline of every hour but the newest, oldest first."""
    history = series[:-1]
    first_active = next((index for index, value in enumerate(history) if value > 0), None)
    period_hours = period_seconds(config) / 3600.0
    if first_active is None:
        return Baseline(0.0, noisy_deviation(0.0, 0.0, config), False, 0.0)
    active = history[first_active:]
    history_hours = len(active) * period_hours
    warmup = periods_in(config.warmup_hours, config) if config.warmup_hours else 1
    seed = active[:warmup]
    mean = sum(seed) / len(seed)
    variance = sum((value - mean) ** 2 for value in seed) / len(seed)
    alpha = 1.0 - 0.5 ** (period_hours / config.baseline_half_life_hours)
    for value in active[warmup:]:
        deviation = noisy_deviation(mean, variance, config)
        rate = alpha
        if (value - mean) / deviation > config.damping_z:
            value = mean + config.damping_z * deviation
            rate = alpha * config.damping_factor
        delta = value - mean
        mean += rate * delta
        variance = (1.0 - rate) * (variance + rate * delta * delta)
    return Baseline(
        mean=mean,
        deviation=noisy_deviation(mean, variance, config),
        warm=history_hours >= config.warmup_hours,
        history_hours=history_hours,
    )


def spike_reading(
    series: Sequence[float], baseline: Baseline, config: EngineConfig
) -> SpikeReading:
    volume = series[-1] if series else 0.0
    z = (volume - baseline.mean) / baseline.deviation
    if not baseline.warm:
        return SpikeReading(volume, z, 0.0)
    half = config.spike_min_volume / 2
    strength = ramp(z, config.spike_z_low, config.spike_z_high) * ramp(volume, half, 2 * half)
    return SpikeReading(volume, z, strength)
