"""The brand's own baseline (seasonal, robust) and the spike of the newest hour.

The volume read is the hourly negative volume plus the volume of unknown sentiment, muted in
the hours where praise dominates (see `factors.gated_volume_series`). Its expected value for an
hour is seasonal — hour of day x weekday — and robust:

- **hour of day**: the median of the same hour on each earlier day of the history (lags 24 h,
  48 h… — relative to the hour tested, so a replay shifted by any amount sees the same thing);
- **weekday**: times the volume of the 24 h around the same hour a week (and two weeks) earlier
  over the median volume of the 24 h around that hour on the other days, bounded to
  [`weekly_factor_min`, `weekly_factor_max`]: a brand quiet on Sundays is judged against Sundays;
- **deviation**: Poisson noise plus a multiplicative spread, √(r + (s·e)²), where s is the median
  absolute relative residual (x1.4826) of the last `spread_hours`, r the highest expected
  volume of the hour and the hours on either side of it (on a thin baseline a median of 1 or 2
  mentions understates the rate whose noise the hour carries), and at least the noise floor
  `spike_noise_floor`.

Damping is the median's: a running crisis shorter than half the days of history cannot move the
expected volume, nor the spread (a median too). Warm-up: the baseline judges only once it has
`warmup_hours` of history and `seasonal_min_days` same-hour samples; before, no spike and the
stage stays `quiet`. The newest hour ([at-1h, at)) is the one tested and never feeds the baseline.

A spike's *size* is volume / expected on a log scale (5x and 100x read differently, bounded at
`spike_ratio_full`); its *significance* is ramp(z) x ramp(volume). Bursts shorter than an hour
are read on the 5-minute slots (`burst_reading`).
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

from api.engine.config import EngineConfig
from api.engine.scales import clamp01, ramp

_MAD_TO_SIGMA = 1.4826
_DAY = 24
_WEEK = 7 * _DAY


@dataclass(frozen=True, slots=True)
class Baseline:
    mean: float
    """Expected volume of the newest hour (seasonal)."""
    deviation: float
    """Standard deviation after the noise floor."""
    warm: bool
    history_hours: float
    weekly_factor: float = 1.0
    spread: float = 0.0
    """Relative spread of ordinary hours around their expected volume."""


@dataclass(frozen=True, slots=True)
class SpikeReading:
    volume: float
    """Volume of the last hour (intensity-weighted negative + unknown-sentiment mentions)."""
    z: float
    strength: float
    """0-1: significance x size of the last hour's excess, once warm-up and minimum volume allow."""
    ratio: float = 1.0
    """Volume / expected volume."""


@dataclass(frozen=True, slots=True)
class BurstReading:
    volume: float
    """Largest 5-minute volume among the newest `burst_memory_slots` slots."""
    expected: float
    z: float
    burst: bool
    strength: float


def noisy_deviation(mean: float, spread: float, config: EngineConfig) -> float:
    return max(config.spike_noise_floor, math.sqrt(max(mean, 0.0) + (spread * mean) ** 2))


def pooled_deviation(expected: float, rate: float, spread: float, config: EngineConfig) -> float:
    """Poisson noise of `rate` plus the multiplicative spread of `expected`."""
    return max(config.spike_noise_floor, math.sqrt(max(rate, 0.0) + (spread * expected) ** 2))


def _median(values: Sequence[float]) -> float:
    """`statistics.median` (the same arithmetic), 0 for no values: called ~500 times per
    assessment, where the library's checks cost more than the sort."""
    if not values:
        return 0.0
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _stop(newest: int, first: int, step: int) -> int | None:
    """The stop of `[newest::-step]` keeping the indices ≥ `first` (None: down to 0)."""
    if newest < first:
        return newest  # an empty slice
    stop = newest - step * ((newest - first) // step + 1)
    return stop if stop >= 0 else None


def day_volumes(series: Sequence[float]) -> list[float]:
    """The volume of each 24 h of `series`, by first hour: `math.fsum`, exact to the last bit
    whatever the series around it, so a window of a longer series has the longer one's own."""
    fsum = math.fsum
    return [fsum(series[j : j + _DAY]) for j in range(len(series) - _DAY + 1)]


class SharedProfiles:
    """What the windows of one longer series (a history's points) share: the 24 h volumes of
    the longer series, each hour's profile by what it reads (its hour of the longer series
    and how many same-hour, day and week samples the window holds: the same samples), and the
    spread's residuals of the last window that asked (`SlidingResiduals`)."""

    def __init__(self, series: Sequence[float]) -> None:
        self.day_volumes = day_volumes(series)
        self.profiles: dict[tuple[int, int], tuple[float, float, int]] = {}
        self.residuals = SlidingResiduals()


def _profile_age(history: int) -> int:
    """The part of a profile's key set by the hours of history before it (see `_profile`)."""
    return history // (_DAY // 2) if history > 0 else 0


def _profile_ages(start: int, stop: int) -> list[int]:
    """`_profile_age` of each history of [start, stop)."""
    half = _DAY // 2
    return [history // half if history > 0 else 0 for history in range(start, stop)]


class SlidingResiduals:
    """The spread's residuals of one window, kept sorted and carried to the next window.

    Consecutive points of a history read the spread over nearly the same hours of the longer
    series, and an hour's residual is set by its volume and its profile (its hour and its
    `_profile_age`): the next window drops the hours it no longer reads, adds the new ones and
    recomputes only those whose profile age moved. The median of the same values is the same
    float whatever the order they came in, so the spread is the window's own.
    """

    def __init__(self) -> None:
        self._hours: dict[int, tuple[int, float | None]] = {}
        """Hour of the longer series -> (its profile age, its residual; None: not read)."""
        self._sorted: list[float] = []
        self._start = self._stop = self._first = 0
        """The hours [start, stop) held, and their first active hour."""

    def median(
        self,
        start: int,
        stop: int,
        first: int,
        residual: Callable[[int], float | None],
    ) -> float:
        """The median residual of the hours [start, stop) of the longer series, whose first
        active hour is `first`; `residual(hour)`: the hour's residual (None: not read)."""
        hours, ordered = self._hours, self._sorted
        kept_start, kept_stop = self._start, self._stop
        if stop <= kept_start or start >= kept_stop:
            hours.clear()
            ordered.clear()
            kept_start = kept_stop = start
        for hour in range(kept_start, min(start, kept_stop)):
            self._drop(hours.pop(hour)[1])
        for hour in range(max(stop, kept_start), kept_stop):
            self._drop(hours.pop(hour)[1])
        # With the same first active hour, the hours kept keep their profile age: only the new
        # ones are computed. Otherwise each kept hour is checked.
        if first == self._first:
            check = [*range(start, max(start, kept_start)), *range(max(start, kept_stop), stop)]
        else:
            check = [*range(start, stop)]
        for hour in check:
            age = _profile_age(hour - first)
            known = hours.get(hour)
            if known is not None:
                if known[0] == age:
                    continue
                self._drop(known[1])
            value = residual(hour)
            hours[hour] = (age, value)
            if value is not None:
                insort(ordered, value)
        self._start, self._stop, self._first = start, stop, first
        return _median_of_sorted(ordered)

    def _drop(self, value: float | None) -> None:
        if value is not None:
            ordered = self._sorted
            del ordered[bisect_left(ordered, value)]


def _median_of_sorted(ordered: Sequence[float]) -> float:
    """`_median` of values already sorted."""
    if not ordered:
        return 0.0
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


class SeasonalBaseline:
    """Expected volume and deviation of any hour of a series, from the hours before it only.

    Hours are indices of the series (oldest first); what is computed for an hour is cached, so
    the stage can replay the last two days at little cost.
    """

    def __init__(
        self,
        series: Sequence[float],
        config: EngineConfig,
        shared: tuple[int, SharedProfiles] | None = None,
    ) -> None:
        """`shared`: (index of the series' first hour in the longer series it is a window of,
        what the windows of that series share)."""
        self._series = series
        self._config = config
        self._shared = shared
        first = len(series)
        for index, value in enumerate(series):
            if value > 0:
                first = index
                break
        self._first = first
        self._cache: dict[int, tuple[float, float, int]] = {}
        self._spread: float | None = None
        self._days: list[float] | None = None

    @property
    def first_active(self) -> int:
        return self._first

    def history_hours(self, index: int) -> float:
        return float(max(0, index - self._first))

    def warm(self, index: int) -> bool:
        config = self._config
        if self.history_hours(index) < config.warmup_hours:
            return False
        return self._profile(index)[2] >= config.seasonal_min_days

    def _profile(self, index: int) -> tuple[float, float, int]:
        """(hour-of-day median, weekday factor, same-hour samples) for the hour `index`."""
        cached = self._cache.get(index)
        if cached is not None:
            return cached
        key = None
        if self._shared is not None:
            # What the profile reads (the same hours of the longer series, the same order) is
            # set by the hour in the longer series and by how many same-hour (each 24 h back
            # from 24 h), day (from 36 h) and week (from 180 h) samples the window holds since
            # its first active hour: all three counts change only at multiples of 12 h of
            # history, so windows with the same 12-hour count of history read the same profile.
            offset, shared = self._shared
            history = index - self._first
            key = (offset + index, _profile_age(history))
            known = shared.profiles.get(key)
            if known is not None:
                self._cache[index] = known
                return known
        profile = self._computed_profile(index)
        self._cache[index] = profile
        if key is not None and self._shared is not None:
            self._shared[1].profiles[key] = profile
        return profile

    def _profiles(self, start: int, stop: int) -> list[tuple[float, float, int]]:
        """`_profile` of each hour of [start, stop) (a loop of the stage and the spread): those
        the windows share are read straight from them."""
        profile = self._profile
        if self._shared is None:
            return [profile(index) for index in range(start, stop)]
        offset, shared = self._shared
        first = self._first
        # The keys of `_profile`, built and looked up in C (zip, map): ~75 hours a point.
        hours = range(offset + start, offset + stop)
        ages = _profile_ages(start - first, stop - first)
        found = list(map(shared.profiles.get, zip(hours, ages, strict=True)))
        if None not in found:
            return cast(list[tuple[float, float, int]], found)
        return [
            read if read is not None else profile(index)
            for index, read in zip(range(start, stop), found, strict=True)
        ]

    def _expected_many(self, start: int, stop: int) -> list[float]:
        """`expected` of each hour of [start, stop)."""
        return [level * weekly for level, weekly, _ in self._profiles(start, stop)]

    def _computed_profile(self, index: int) -> tuple[float, float, int]:
        series, first = self._series, self._first
        # Strided slices, not loops: the same values in the same order (so the same medians),
        # ~250 profiles an assessment and one assessment per point of a history.
        stop = _stop(index - _DAY, first, _DAY)
        same_hour = series[index - _DAY : stop : -_DAY]
        level = _median(same_hour)
        weekly = 1.0
        half = _DAY // 2
        if index - _WEEK - half >= first:
            # Day volumes (24 h around an hour j, once all of it is in the series) are computed
            # once per baseline for every j (`_day_volumes`, indexed by j - 12).
            day_volumes = self._day_volumes()
            newest = index - _DAY - half
            days = [v for v in day_volumes[newest : _stop(newest, first, _DAY) : -_DAY] if v >= 0]
            newest = index - _WEEK - half
            weeks = [
                v for v in day_volumes[newest : _stop(newest, first, _WEEK) : -_WEEK] if v >= 0
            ]
            typical = _median(days)
            if weeks and typical > 0:
                config = self._config
                weekly = min(
                    config.weekly_factor_max,
                    max(config.weekly_factor_min, _median(weeks) / typical),
                )
        return (level, weekly, len(same_hour))

    def _day_volumes(self) -> list[float]:
        if self._days is None:
            if self._shared is not None:
                offset, shared = self._shared
                self._days = shared.day_volumes[offset : offset + len(self._series) - _DAY + 1]
            else:
                self._days = day_volumes(self._series)
        return self._days

    def expected(self, index: int) -> float:
        level, weekly, _ = self._profile(index)
        return level * weekly

    def spread(self) -> float:
        """Median relative residual of the recent ordinary hours (robust to the spikes)."""
        if self._spread is None:
            config = self._config
            end = len(self._series) - 1  # the newest hour is tested, never learnt from
            start = max(self._first + config.seasonal_min_days * _DAY, end - config.spread_hours)
            series, least = self._series, config.spread_min_expected
            if self._shared is not None and start < end:
                # Hours of the longer series: the residuals of the previous window carry over.
                offset, shared = self._shared

                def residual(hour: int) -> float | None:
                    expected = self.expected(hour - offset)
                    if expected < least:
                        return None
                    return abs(series[hour - offset] - expected) / expected

                median = shared.residuals.median(
                    offset + start, offset + end, offset + self._first, residual
                )
                self._spread = _MAD_TO_SIGMA * median
                return self._spread
            residuals = []
            for j, expected in zip(range(start, end), self._expected_many(start, end), strict=True):
                if expected >= least:
                    residuals.append(abs(series[j] - expected) / expected)
            self._spread = _MAD_TO_SIGMA * _median(residuals)
        return self._spread

    def deviation(self, index: int) -> float:
        expected = self.expected(index)
        # On a thin baseline the median of a few same-hour counts (1 or 2) understates the
        # rate whose Poisson noise the hour carries: the hours on either side of it bound that
        # rate from the day's shape, and the highest of the three gives the noise.
        rate = max(expected, self.expected(index - 1), self.expected(index + 1))
        return pooled_deviation(expected, rate, self.spread(), self._config)

    def replay(self, start: int, stop: int) -> list[tuple[float, float] | None]:
        """(`expected`, `deviation`) of each hour of [start, stop), None where not `warm`: what
        the stage reads hour by hour, the same floats, each expectation computed once."""
        config = self._config
        profiles = self._profiles(start - 1, stop + 1)
        expected = [level * weekly for level, weekly, _ in profiles]
        spread = self.spread()
        readings: list[tuple[float, float] | None] = []
        warmup, min_days = config.warmup_hours, config.seasonal_min_days
        floor = config.spike_noise_floor
        # `warm(index)`, inline: `history_hours(index)` = max(0, index - first) < warmup.
        cold_until = self._first + warmup if warmup > 0 else start
        sqrt = math.sqrt
        # The stage replays ~75 hours a point: `deviation` inline, the same operations (max()
        # keeps the first of equals, as these tests do).
        for index, before, mean, after, profile in zip(
            range(start, stop), expected, expected[1:], expected[2:], profiles[1:], strict=False
        ):
            if index < cold_until or profile[2] < min_days:
                readings.append(None)
                continue
            rate = mean
            if before > rate:
                rate = before
            if after > rate:
                rate = after
            # `pooled_deviation(mean, rate, spread, config)`
            noise = sqrt((0.0 if rate < 0.0 else rate) + (spread * mean) ** 2)
            readings.append((mean, noise if noise > floor else floor))
        return readings

    def at(self, index: int) -> Baseline:
        return Baseline(
            mean=self.expected(index),
            deviation=self.deviation(index),
            warm=self.warm(index),
            history_hours=self.history_hours(index),
            weekly_factor=self._profile(index)[1],
            spread=self.spread(),
        )


def brand_baseline(series: Sequence[float], config: EngineConfig) -> Baseline:
    """Baseline of the newest hour of `series` (oldest first), from the hours before it."""
    if not series:
        return Baseline(0.0, config.spike_noise_floor, False, 0.0)
    return SeasonalBaseline(series, config).at(len(series) - 1)


def spike_size(ratio: float, config: EngineConfig) -> float:
    """0-1 on a log scale: 1x reads 0, `spike_ratio_full` (100x) and beyond read 1."""
    if ratio <= 1.0:
        return 0.0
    return clamp01(math.log(ratio) / math.log(max(config.spike_ratio_full, 1.0 + 1e-9)))


def spike_strength(volume: float, z: float, ratio: float, config: EngineConfig) -> float:
    half = config.spike_min_volume / 2
    significance = ramp(z, config.spike_z_low, config.spike_z_high) * ramp(volume, half, 2 * half)
    floor = config.spike_size_floor
    return significance * (floor + (1.0 - floor) * spike_size(ratio, config))


def spike_reading(
    series: Sequence[float], baseline: Baseline, config: EngineConfig
) -> SpikeReading:
    volume = series[-1] if series else 0.0
    z = (volume - baseline.mean) / baseline.deviation
    ratio = volume / max(baseline.mean, config.spike_noise_floor)
    if not baseline.warm:
        return SpikeReading(volume, z, 0.0, ratio)
    return SpikeReading(volume, z, spike_strength(volume, z, ratio, config), ratio)


def burst_examined_slots(config: EngineConfig) -> int:
    """How many of the newest `burst_slots` slots `burst_reading` tests against the bar."""
    return max(
        0, min(config.burst_slots - 1, config.burst_memory_slots + config.burst_min_slots - 1)
    )


def burst_slot_floor(expected_hour: float, spread: float, config: EngineConfig) -> float:
    """A volume every 5-minute slot at the burst bar reaches, from the hour's expectation and the
    baseline's spread alone.

    At the bar, a slot is `burst_min_volume` at least, `burst_ratio` times its reference (itself
    at least expected_hour / 12) and `burst_z` deviations above that reference (a deviation at
    least the noise of the reference, which grows with it). Below `burst_min_slots` x this
    floor, the examined slots cannot hold a burst whatever their split: what lets a history
    skip reading them.
    """
    expected_slot = max(expected_hour, 0.0) / 12.0
    return max(
        config.burst_min_volume,
        config.burst_ratio * expected_slot,
        expected_slot + config.burst_z * noisy_deviation(expected_slot, spread, config),
    )


def burst_reading(slots: Sequence[float], baseline: Baseline, config: EngineConfig) -> BurstReading:
    """A burst in the newest 5-minute slots, against the slots before it.

    Each of the newest `burst_memory_slots` slots is compared to the median of the slots before
    it (within `burst_slots`) and to the seasonal expectation of the hour / 12, whichever is
    higher; its deviation is the larger of the baseline's noise model and the slots' own MAD.
    A burst is `burst_min_slots` slots in a row at the bar: 5-minute counts of social volume are
    heavy-tailed (one retweet cascade fills a slot and is gone the next), a burst that lasts is
    not.
    """
    expected_slot = baseline.mean / 12.0
    if not baseline.warm or len(slots) < 4:
        return BurstReading(max(slots, default=0.0), expected_slot, 0.0, False, 0.0)
    best = BurstReading(0.0, expected_slot, 0.0, False, 0.0)
    first = max(1, len(slots) - config.burst_memory_slots - (config.burst_min_slots - 1))
    run = 0
    for index in range(first, len(slots)):
        before = slots[max(0, index - config.burst_slots) : index]
        local = _median(before)
        reference = max(expected_slot, local)
        mad = _MAD_TO_SIGMA * _median([abs(v - local) for v in before])
        deviation = max(noisy_deviation(reference, baseline.spread, config), mad)
        volume = slots[index]
        z = (volume - reference) / deviation
        ratio = volume / max(reference, config.spike_noise_floor / 12.0)
        at_bar = (
            z >= config.burst_z
            and volume >= config.burst_min_volume
            and ratio >= config.burst_ratio
        )
        run = run + 1 if at_bar else 0
        burst = run >= config.burst_min_slots
        strength = spike_strength(volume * 12.0, z, ratio, config) if burst else 0.0
        if (burst, z) > (best.burst, best.z):
            best = BurstReading(volume, reference, z, burst, strength)
    return best
