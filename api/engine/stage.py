"""Crisis stage (birth, growth, peak, decline, aftermath) with hysteresis.

The engine keeps no state between assessments, so the stage replays the last
`episode_memory_hours` (+ a day) of the hourly volume through a small state machine, each hour
judged against the seasonal baseline of that hour (`spike.SeasonalBaseline`):

- the volume is smoothed by an EWMA (`stage_half_life_hours`): one loud hour is not a wave;
- an **episode** starts on a run of *elevated* hours (smoothed z ≥ `elevated_z`, smoothed
  volume ≥ `stage_min_volume` and ≥ `elevated_ratio` x expected) whose evidence — the sum of
  their z — reaches `elevated_z` x `elevated_hours`: two hours at the bar, or one hour far above
  it. One hour at the bar is what ordinary heavy-tailed traffic does every few days; and since
  each assessment replays the hours afresh (shifted by minutes, so each hour's volume moves a
  little), an episode resting on a single marginal hour would appear and vanish between
  assessments;
- it ends on the evidence of calm, as it starts on the evidence of elevation: the last
  `resolve_hours` hours out of the elevated band average a smoothed z of at most `resolved_z`
  (one quiet hour inside a wave is not its end), and that bar rises with the hours the wave has
  stayed out of the band (doubling each hour after `resolve_hours`, up to `elevated_z`): a time
  margin, so a tail hovering around `resolved_z` does not end at one assessment and revive at
  the next;
- after an episode the stage is `resolved` for `episode_memory_hours`, and only a new run of
  elevated hours starts a new episode: the daily cycle cannot bounce it back to `declining`.

In an episode, the smoothed volume gives the shape: `growing`
while it rises fast (relative velocity over `stage_lag_hours` ≥ `growth_rate`), `declining` once
it is below `decline_ratio` of the episode's peak and falling (or when the newest hour is not
elevated any more), else `peak`. Outside an episode, `emerging` needs two raw hours in a row
above the lower bar (z ≥ `emerging_z`, ≥ `emerging_ratio` x expected, ≥ `emerging_min_volume`)
or a 5-minute burst: one busy hour is not noise enough to call. Before the baseline is warm the
stage is `quiet`: it cannot judge yet.

A wave whose mentions are mostly praise (a campaign) is no episode: the series is muted, hour by
hour, by the negativity gate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from api.engine.config import EngineConfig
from api.engine.schemas import Stage
from api.engine.series import period_seconds, periods_in
from api.engine.spike import BurstReading, SeasonalBaseline

_DAY = 24


@dataclass(frozen=True, slots=True)
class StageReading:
    stage: Stage
    level: float
    """Smoothed volume per hour now."""
    velocity: float
    acceleration: float
    peak: float
    """Highest smoothed level of the current or last episode."""
    reason: str


def smoothed(series: Sequence[float], config: EngineConfig) -> list[float]:
    period_hours = period_seconds(config) / 3600.0
    alpha = 1.0 - 0.5 ** (period_hours / config.stage_half_life_hours)
    level = series[0] if series else 0.0
    levels: list[float] = []
    for value in series:
        level += alpha * (value - level)
        levels.append(level)
    return levels


@dataclass(slots=True)
class _Episode:
    start: int
    peak: float
    calm: list[float] = field(default_factory=list)
    """z (at least 0) of the hours out of the wave since its last elevated hour."""
    end: int | None = None


def crisis_stage(
    series: Sequence[float],
    baseline: SeasonalBaseline,
    config: EngineConfig,
    burst: BurstReading | None = None,
) -> StageReading:
    """Stage of the hourly volume `series` (oldest first, hours of praise muted)."""
    newest = len(series) - 1
    memory = periods_in(config.episode_memory_hours, config)
    start = max(0, newest - memory - _DAY)
    levels = smoothed(series[start:], config) or [0.0]
    lag = periods_in(config.stage_lag_hours, config)
    now = levels[-1]
    before = levels[-1 - lag] if len(levels) > lag else levels[0]
    earlier = levels[-1 - 2 * lag] if len(levels) > 2 * lag else levels[0]
    velocity = now - before
    acceleration = velocity - (before - earlier)

    def reading(stage: Stage, reason: str, peak: float = 0.0) -> StageReading:
        return StageReading(stage, now, velocity, acceleration, max(peak, now), reason)

    if newest < 0 or not baseline.warm(newest):
        hours = baseline.history_hours(max(newest, 0))
        return reading(
            Stage.quiet,
            f"Warming up: {hours:.0f} h of history; the baseline needs {config.warmup_hours} h "
            "and two days of the same hour before it can judge.",
        )

    episode: _Episode | None = None
    last: _Episode | None = None
    elevated_now = False
    emerging_run = elevated_run = 0
    evidence = 0.0
    enough = config.elevated_z * config.elevated_hours
    readings = baseline.replay(start, newest + 1)
    for index in range(start, newest + 1):
        read = readings[index - start]
        if read is None:
            continue  # not warm
        value = series[index]
        expected, deviation = read
        floor = max(expected, config.spike_noise_floor)
        level = levels[index - start]
        # The episode reads the smoothed level (one loud hour is not a wave), emerging the raw one.
        z = (level - expected) / deviation
        elevated = (
            z >= config.elevated_z
            and level >= config.stage_min_volume
            and level >= config.elevated_ratio * floor
        )
        elevated_run = elevated_run + 1 if elevated else 0
        evidence = evidence + z if elevated else 0.0
        if episode is None:
            if elevated and evidence >= enough:
                first = index - elevated_run + 1
                episode = _Episode(start=first, peak=max(levels[first - start : index - start + 1]))
        else:
            episode.peak = max(episode.peak, level)
            if elevated:
                episode.calm = []
            else:
                # The end, like the onset, rests on evidence: the last `resolve_hours` hours
                # out of the wave average at most `resolved_z`. Hour by hour, a tail hovering
                # around `resolved_z` would end and restart between two assessments (each
                # replay shifts every hour's volume a little); their mean moves far less.
                # And the longer the wave stays out of the elevated band, the less calm its end
                # needs (up to the elevated bar itself): a time margin, so that an end reached
                # at one assessment is not undone by the next.
                episode.calm.append(max(z, 0.0))
                out = len(episode.calm)
                recent = episode.calm[-config.resolve_hours :]
                bar = min(
                    config.elevated_z, config.resolved_z * 2.0 ** (out - config.resolve_hours)
                )
                if out >= config.resolve_hours and sum(recent) <= bar * config.resolve_hours:
                    episode.end = index
                    last, episode = episode, None
        elevated_now = elevated
        emerging = (
            (value - expected) / deviation >= config.emerging_z
            and value >= config.emerging_min_volume
            and value >= config.emerging_ratio * floor
        )
        emerging_run = emerging_run + 1 if emerging else 0

    if episode is not None:
        peak = episode.peak
        relative_velocity = velocity / max(now, before, 1e-9)
        if not elevated_now or (now < config.decline_ratio * peak and relative_velocity < 0):
            return reading(Stage.declining, "The negative wave is falling from its peak.", peak)
        if relative_velocity >= config.growth_rate and (
            acceleration >= 0 or relative_velocity >= 2 * config.growth_rate
        ):
            return reading(Stage.growing, "The negative wave is rising fast.", peak)
        if relative_velocity <= -config.growth_rate and now < config.near_peak_ratio * peak:
            return reading(Stage.declining, "The negative wave is falling from its peak.", peak)
        return reading(Stage.peak, "The negative wave is at its height: it no longer grows.", peak)
    if burst is not None and burst.burst:
        return reading(
            Stage.emerging,
            f"A burst: {burst.volume:.0f} mentions in 5 minutes against about "
            f"{burst.expected:.1f} usually.",
        )
    if emerging_run >= 2:
        return reading(Stage.emerging, "Negative mentions are rising above the usual level.")
    if last is not None and last.end is not None and newest - last.end < memory:
        return reading(Stage.resolved, "A recent negative wave is over: aftermath.", last.peak)
    return reading(Stage.quiet, "Negative mentions are at their usual level.")
