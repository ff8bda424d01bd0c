"""Crisis stage (birth, growth, peak, decline, aftermath) from the smoothed negative volume.

The hourly negative volume is smoothed by an EWMA (`stage_half_life_hours`); its velocity is
the change over `stage_lag_hours` and its acceleration the change of that velocity. An episode
is a smoothed level above both `stage_min_volume` and the baseline + `elevated_z` deviations:

- elevated now: `growing` while it rises fast enough (and does not brake hard), `declining`
  once it falls well below the episode's peak, else `peak`;
- no longer elevated but an episode in the last `episode_memory_hours`: `resolved` when back
  near the baseline (or far below the peak), else `declining`;
- no episode: `emerging` when the level or the last hour clears a lower bar, else `quiet`.

A wave whose mentions are mostly praise (a campaign) is not an episode: the series is the hourly
negative volume muted, hour by hour, by the negativity gate (weighted negative share).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from api.engine.config import EngineConfig
from api.engine.schemas import Stage
from api.engine.series import period_seconds, periods_in
from api.engine.spike import Baseline


@dataclass(frozen=True, slots=True)
class StageReading:
    stage: Stage
    level: float
    """Smoothed negative volume per hour now."""
    velocity: float
    acceleration: float
    peak: float
    """Highest smoothed level within the episode memory."""
    reason: str


def smoothed(series: Sequence[float], config: EngineConfig) -> list[float]:
    period_hours = period_seconds(config) / 3600.0
    alpha = 1.0 - 0.5 ** (period_hours / config.stage_half_life_hours)
    level = 0.0
    levels: list[float] = []
    for value in series:
        level += alpha * (value - level)
        levels.append(level)
    return levels


def crisis_stage(series: Sequence[float], baseline: Baseline, config: EngineConfig) -> StageReading:
    """Stage of the hourly negative volume `series` (oldest first, hours of praise muted)."""
    levels = smoothed(series, config) or [0.0]
    lag = periods_in(config.stage_lag_hours, config)
    now = levels[-1]
    before = levels[-1 - lag] if len(levels) > lag else 0.0
    earlier = levels[-1 - 2 * lag] if len(levels) > 2 * lag else 0.0
    velocity = now - before
    acceleration = velocity - (before - earlier)
    memory = periods_in(config.episode_memory_hours, config)
    peak = max(levels[-memory:])

    if baseline.warm:
        elevated_bar = max(
            config.stage_min_volume, baseline.mean + config.elevated_z * baseline.deviation
        )
        emerging_bar = max(
            config.emerging_min_volume, baseline.mean + config.emerging_z * baseline.deviation
        )
    else:
        # Without a warm baseline the bars are absolute, and stricter.
        elevated_bar = config.cold_start_factor * config.stage_min_volume
        emerging_bar = config.cold_start_factor * config.emerging_min_volume
    relative_velocity = velocity / max(now, before, 1e-9)

    def reading(stage: Stage, reason: str) -> StageReading:
        return StageReading(stage, now, velocity, acceleration, peak, reason)

    if now >= elevated_bar:
        if now < config.decline_ratio * peak and relative_velocity < 0:
            return reading(Stage.declining, "The negative wave is falling from its peak.")
        if relative_velocity >= config.growth_rate and (
            acceleration >= 0 or relative_velocity >= 2 * config.growth_rate
        ):
            return reading(Stage.growing, "The negative wave is rising fast.")
        if relative_velocity <= -config.growth_rate and now < config.near_peak_ratio * peak:
            return reading(Stage.declining, "The negative wave is falling from its peak.")
        return reading(Stage.peak, "The negative wave is at its height: it no longer grows.")
    if peak >= elevated_bar:
        back_to_normal = max(
            baseline.mean + config.resolved_z * baseline.deviation,
            config.resolved_ratio * peak,
        )
        if now <= back_to_normal:
            return reading(Stage.resolved, "A recent negative wave is over: aftermath.")
        return reading(Stage.declining, "The negative wave is ebbing.")
    # The first hour of a wave barely moves the smoothed level: emerging reads the raw hour too.
    if max(now, series[-1] if series else 0.0) >= emerging_bar:
        return reading(Stage.emerging, "Negative mentions are rising above the usual level.")
    return reading(Stage.quiet, "Negative mentions are at their usual level.")
