"""The seasonal baseline (hour of day x weekday, robust), spike size and 5-minute bursts."""

from __future__ import annotations

import math
import random

from api.engine.spike import (
    SeasonalBaseline,
    SharedProfiles,
    SlidingResiduals,
    _median,
    brand_baseline,
    burst_reading,
    burst_slot_floor,
    day_volumes,
    spike_reading,
    spike_size,
)
from tests.engine.factories import CONFIG

HOURS = CONFIG.history_hours


def daily_cycle(hour: int) -> float:
    """A brand busy by day (~40 an hour at 14:00) and quiet at night (~4 at 02:00)."""
    return 22.0 + 18.0 * math.sin((hour % 24 - 8) / 24 * 2 * math.pi)


def cyclic(tail: list[float] | None = None, hours: int = HOURS) -> list[float]:
    """`hours` of the daily cycle (index 0 is hour 0 of a day), `tail` replacing the newest."""
    values = [daily_cycle(i) for i in range(hours)]
    if tail:
        values[-len(tail) :] = tail
    return values


def test_the_busy_hour_of_an_ordinary_day_is_no_spike() -> None:
    values = cyclic()
    baseline = brand_baseline(values, CONFIG)
    assert baseline.warm
    assert abs(baseline.mean - values[-1]) < 1.0
    assert spike_reading(values, baseline, CONFIG).strength == 0.0


def test_the_same_volume_at_night_is_a_spike() -> None:
    busiest = max(daily_cycle(h) for h in range(24))
    night = [i for i in range(HOURS - 24, HOURS) if daily_cycle(i) < 6.0][-1]
    values = cyclic()[: night + 1]
    values[-1] = busiest
    reading = spike_reading(values, brand_baseline(values, CONFIG), CONFIG)
    assert reading.z > CONFIG.elevated_z
    assert reading.strength > 0.0


def test_a_brand_quiet_on_sundays_is_judged_against_its_sundays() -> None:
    # Every 7th day at a third of the volume: a week later, that day's expectation follows.
    values = [daily_cycle(i) * (0.35 if (i // 24) % 7 == 6 else 1.0) for i in range(HOURS)]
    seasonal = SeasonalBaseline(values, CONFIG)
    sunday_noon = max(i for i in range(HOURS) if (i // 24) % 7 == 6 and i % 24 == 14)
    weekday_noon = sunday_noon - 24
    assert seasonal.at(sunday_noon).weekly_factor < 0.7
    assert seasonal.expected(sunday_noon) < 0.6 * seasonal.expected(weekday_noon)


def test_past_spikes_do_not_raise_the_baseline() -> None:
    calm = brand_baseline(cyclic(), CONFIG)
    spiky = cyclic()
    for day in range(1, 5):  # four earlier days had a spike at this very hour
        spiky[-1 - 24 * day] = 400.0
    assert abs(brand_baseline(spiky, CONFIG).mean - calm.mean) < 1.0


def test_a_running_crisis_does_not_raise_its_own_baseline() -> None:
    before = brand_baseline(cyclic(), CONFIG)
    during = cyclic([300.0] * 13)
    baseline = brand_baseline(during, CONFIG)
    assert abs(baseline.mean - before.mean) < 1.0
    assert spike_reading(during, baseline, CONFIG).strength > 0.5


def test_no_judgement_before_two_days_of_history() -> None:
    values = [0.0] * (HOURS - 30) + [daily_cycle(i) for i in range(29)] + [500.0]
    baseline = brand_baseline(values, CONFIG)
    assert not baseline.warm
    assert spike_reading(values, baseline, CONFIG).strength == 0.0


def test_the_noise_floor_keeps_a_quiet_brand_from_crying_wolf() -> None:
    values = [0.0] * HOURS
    values[-50] = values[-100] = 0.3
    values[-1] = 2.0
    baseline = brand_baseline(values, CONFIG)
    assert baseline.deviation >= CONFIG.spike_noise_floor
    assert spike_reading(values, baseline, CONFIG).strength == 0.0


def test_the_size_of_a_spike_is_read_on_a_log_scale_and_bounded() -> None:
    assert spike_size(1.0, CONFIG) == 0.0
    five, hundred = spike_size(5.0, CONFIG), spike_size(100.0, CONFIG)
    assert 0.2 < five < 0.5 < hundred
    assert hundred == spike_size(10_000.0, CONFIG) == 1.0


def test_a_100x_hour_is_stronger_than_a_5x_hour() -> None:
    base = [10.0 + (1.0 if i % 2 else -1.0) for i in range(HOURS)]
    strengths = []
    for factor in (5.0, 100.0):
        values = [*base[:-1], 10.0 * factor]
        strengths.append(spike_reading(values, brand_baseline(values, CONFIG), CONFIG).strength)
    assert 0.0 < strengths[0] < strengths[1] <= 1.0


def test_a_burst_that_lasts_is_seen_on_the_slots() -> None:
    # ~1,000 an hour: 400 extra in each of two 5-minute slots is barely a busy hour on the
    # hourly count, but a clear burst on the slots.
    values = [1000.0 + (50.0 if i % 2 else -50.0) for i in range(HOURS)]
    values[-1] = 1000.0 + 800.0
    baseline = brand_baseline(values, CONFIG)
    slots = [83.0 + (4.0 if i % 3 else -2.0) for i in range(CONFIG.burst_slots)]
    slots[-2] += 400.0
    slots[-1] += 400.0
    burst = burst_reading(slots, baseline, CONFIG)
    assert spike_reading(values, baseline, CONFIG).ratio < CONFIG.elevated_ratio  # no episode
    assert burst.burst
    assert burst.z > CONFIG.burst_z
    assert not burst_reading([*slots[:-2], slots[0], slots[0]], baseline, CONFIG).burst


def test_one_loud_slot_is_a_cascade_not_a_burst() -> None:
    # Social 5-minute counts are heavy-tailed: a lone slot far above its neighbours (one
    # retweet cascade) is ordinary for a big brand; a burst needs `burst_min_slots` in a row.
    values = [1000.0 + (50.0 if i % 2 else -50.0) for i in range(HOURS)]
    baseline = brand_baseline(values, CONFIG)
    slots = [83.0 + (4.0 if i % 3 else -2.0) for i in range(CONFIG.burst_slots)]
    slots[-3] += 600.0
    lone = burst_reading(slots, baseline, CONFIG)
    assert lone.z > CONFIG.burst_z
    assert not lone.burst


def test_a_thin_hour_carries_the_poisson_noise_of_its_neighbours() -> None:
    # One mention at 03:00 each day, five at 02:00 and 04:00: the median of 03:00 (1) is not the
    # rate whose noise that hour carries, the hours around it say up to 5.
    def thin(hour: int) -> float:
        return 1.0 if hour % 24 == 3 else 5.0 if hour % 24 in (2, 4) else 0.0

    values = [thin(i) for i in range(HOURS - 20)] + [thin(i) for i in range(HOURS - 20, HOURS)]
    newest = max(i for i in range(HOURS) if i % 24 == 3)
    series = values[: newest + 1]
    seasonal = SeasonalBaseline(series, CONFIG)
    assert seasonal.expected(newest) == 1.0
    spread = seasonal.spread()
    alone = math.sqrt(1.0 + (spread * 1.0) ** 2)
    assert seasonal.deviation(newest) > max(CONFIG.spike_noise_floor, alone)
    assert seasonal.deviation(newest) == math.sqrt(5.0 + spread**2)


def _noisy(hours: int, seed: int) -> list[float]:
    rng = random.Random(seed)
    return [round(daily_cycle(i) * rng.uniform(0.3, 1.7), 3) * 0.1 for i in range(hours)]


def test_day_volumes_of_a_window_are_the_longer_series_own() -> None:
    # Running sums would give each window its own rounding; exact sums give the same floats.
    series = _noisy(700, 1)
    whole = day_volumes(series)
    for start in (1, 37, 200):
        assert day_volumes(series[start : start + HOURS]) == whole[start : start + HOURS - 23]
    assert whole[5] == math.fsum(series[5:29])


def test_a_window_sharing_profiles_reads_as_its_own_baseline() -> None:
    series = [0.0] * 50 + _noisy(650, 2)
    shared = SharedProfiles(series)
    for start in (0, 10, 51, 230, 231, 300):
        window = series[start : start + HOURS]
        alone, sharing = (
            SeasonalBaseline(window, CONFIG),
            SeasonalBaseline(window, CONFIG, (start, shared)),
        )
        for index in range(0, HOURS + 1, 7):
            assert sharing.expected(index) == alone.expected(index)
            assert sharing.warm(index) == alone.warm(index)
        assert sharing.at(HOURS - 1) == alone.at(HOURS - 1)


def test_the_stage_replay_reads_each_hour_as_the_baseline_does() -> None:
    series = _noisy(HOURS, 3)
    baseline = SeasonalBaseline(series, CONFIG)
    start = HOURS - 80
    for index, read in zip(range(start, HOURS), baseline.replay(start, HOURS), strict=True):
        if baseline.warm(index):
            assert read == (baseline.expected(index), baseline.deviation(index))
        else:
            assert read is None


def test_no_slot_under_the_burst_floor_is_at_the_bar() -> None:
    expected_hour = 24.0
    baseline = brand_baseline(cyclic(), CONFIG)
    floor = burst_slot_floor(baseline.mean, baseline.spread, CONFIG)
    assert floor >= CONFIG.burst_min_volume
    calm = [expected_hour / 12] * 20
    under = burst_reading([*calm, floor * 0.999, floor * 0.999, floor * 0.999], baseline, CONFIG)
    assert not under.burst
    over = burst_reading([*calm, 4 * floor, 4 * floor, 4 * floor], baseline, CONFIG)
    assert over.burst


def test_sliding_residuals_hold_the_median_of_each_window() -> None:
    rng = random.Random(5)
    values = {
        hour: rng.choice([None, *(rng.uniform(0, 3) for _ in range(5))]) for hour in range(900)
    }
    calls: list[int] = []

    def residual(hour: int) -> float | None:
        calls.append(hour)
        return values[hour]

    sliding = SlidingResiduals()
    start, first = 100, 40
    for _ in range(300):
        # Mostly one hour on, sometimes a jump (back or forth) or a new first active hour.
        move = rng.choice([1, 1, 1, 1, 0, 3, -5, 400, -400])
        start = min(max(0, start + move), 700)
        first = first + rng.choice([0, 0, 0, 1, 7]) if rng.random() < 0.3 else first
        stop = start + rng.choice([168, 168, 168, 20, 0])
        direct = [v for h in range(start, stop) if (v := values[h]) is not None]
        calls.clear()
        assert sliding.median(start, stop, first, residual) == _median(direct)
    # The same window again computes nothing.
    calls.clear()
    sliding.median(start, stop, first, residual)
    assert calls == []


def test_consecutive_windows_sharing_profiles_read_their_own_spread() -> None:
    # A brand born inside the longer series (the first active hour moves with each window
    # until the windows are full) and one active all along: each window's spread, computed
    # from the previous window's residuals, is the one it computes alone.
    for series in ([0.0] * 200 + _noisy(500, 7), _noisy(700, 8)):
        shared = SharedProfiles(series)
        starts = [*range(0, len(series) - HOURS), 250, 3, 100, 101]
        for start in starts:
            window = series[start : start + HOURS]
            alone = SeasonalBaseline(window, CONFIG)
            assert SeasonalBaseline(window, CONFIG, (start, shared)).spread() == alone.spread()


def test_the_replay_of_a_young_series_and_of_a_baseline_without_warm_up() -> None:
    # Hours before the first active one, hours still warming up, hours of too few days and
    # a window shared with a longer series: each reading is the baseline's own, hour by hour.
    series = [0.0] * 150 + _noisy(HOURS - 150, 4)
    for config in (CONFIG, CONFIG.model_copy(update={"warmup_hours": 0})):
        for baseline in (
            SeasonalBaseline(series, config),
            SeasonalBaseline(series, config, (0, SharedProfiles(series))),
        ):
            for read, index in zip(baseline.replay(140, HOURS), range(140, HOURS), strict=True):
                if baseline.warm(index):
                    assert read == (baseline.expected(index), baseline.deviation(index))
                else:
                    assert read is None
