"""Aggregate buckets turned into what the assessment reads: an hourly series aligned on `at`, and
recency-weighted sums of every counter over the window.

Buckets are aligned on the clock (10:00-11:00) while `at` can fall anywhere (10:40, with a
partial bucket), so the series is resampled on trailing hours ending at `at` — [at-1h, at),
[at-2h, at-1h)… — spreading each bucket's counts evenly over the time it covers. The newest
sample is then always one full hour, whatever the minute of `at`, and a replay that shifts a
stream by any amount sees the same shape.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from api.engine.config import EngineConfig
from api.engine.schemas import AggregateBucket


class _Span(NamedTuple):
    """A bucket as ages before `at`, in seconds: it covers ages (newest_age, oldest_age].

    A named tuple, not a frozen dataclass: one is built per bucket (336 for a 14-day read) and
    per point of a history, and a tuple is built in a fraction of the time."""

    newest_age: float
    oldest_age: float
    bucket: AggregateBucket


def _spans(buckets: Iterable[AggregateBucket], at: datetime) -> list[_Span]:
    spans: list[_Span] = []
    for bucket in buckets:
        oldest_age = (at - bucket.start).total_seconds()
        if oldest_age <= 0:
            continue  # a bucket from after `at` is none of this assessment's business
        # The partial bucket ends at `at` rounded up to 5 minutes: its counts belong before `at`.
        newest_age = max(0.0, oldest_age - max(bucket.seconds, 0))
        if newest_age >= oldest_age:
            newest_age = max(0.0, oldest_age - 1.0)
        spans.append(_Span(newest_age, oldest_age, bucket))
    return spans


SLOT_SECONDS = 300
"""Width of the 5-minute slots storage keeps beside the hourly buckets."""


def dense_slots(
    slots: Iterable[AggregateBucket], at: datetime, count: int
) -> list[Mapping[str, float]]:
    """The counters of the `count` 5-minute slots ending with the one holding `at`, oldest first
    (an empty slot is an empty mapping); slots from after `at` are ignored."""
    epoch = math.ceil(at.timestamp() / SLOT_SECONDS) * SLOT_SECONDS
    end = datetime.fromtimestamp(epoch, UTC)
    first = end - timedelta(seconds=count * SLOT_SECONDS)
    dense: list[Mapping[str, float]] = [{} for _ in range(count)]
    for slot in slots:
        if first <= slot.start < end:
            dense[int((slot.start - first).total_seconds()) // SLOT_SECONDS] = slot.counters
    return dense


def period_seconds(config: EngineConfig) -> int:
    return max(1, config.bucket_seconds)


def periods_in(hours: float, config: EngineConfig) -> int:
    return max(1, math.ceil(hours * 3600 / period_seconds(config)))


@dataclass(frozen=True, slots=True)
class AssessmentInputs:
    """The buckets of one assessment, read once."""

    spans: tuple[_Span, ...]
    at: datetime
    config: EngineConfig
    slots: tuple[Mapping[str, float], ...] = field(default=())
    """The newest `burst_slots` 5-minute slots, oldest first (empty without slots)."""

    @classmethod
    def of(
        cls,
        buckets: Sequence[AggregateBucket],
        at: datetime,
        config: EngineConfig,
        slots: Sequence[AggregateBucket] = (),
    ) -> AssessmentInputs:
        dense = tuple(dense_slots(slots, at, config.burst_slots)) if slots else ()
        return cls(tuple(_spans(buckets, at)), at, config, dense)

    def slot_values(self, counter: str) -> list[float]:
        return [slot.get(counter, 0.0) for slot in self.slots]

    def hourly(self, counter: str) -> list[float]:
        """`counter` per trailing period over the history, oldest first, newest = [at-1h, at)."""
        return self.hourly_many((counter,))[0]

    def hourly_many(self, counters: Sequence[str]) -> list[list[float]]:
        """`hourly` of several counters in one pass over the buckets."""
        period = float(period_seconds(self.config))
        count = periods_in(self.config.history_hours, self.config)
        series = [[0.0] * count for _ in counters]
        for span in self.spans:
            values = [span.bucket.counters.get(counter, 0.0) for counter in counters]
            if not any(values):
                continue
            width = span.oldest_age - span.newest_age
            back = int(span.newest_age // period)
            if width == period:
                # A whole bucket (the common case): its older part in one period, the rest in
                # the next, no overlap arithmetic.
                older = (span.newest_age - back * period) / period
                for target, value in zip(series, values, strict=True):
                    if value:
                        if back < count:
                            target[count - 1 - back] += value * (1.0 - older)
                        if older and back + 1 < count:
                            target[count - 2 - back] += value * older
                continue
            # A bucket is at most one period wide: it straddles two trailing periods at most.
            while back < count and back * period < span.oldest_age:
                overlap = min(span.oldest_age, (back + 1) * period) - max(
                    span.newest_age, back * period
                )
                share = overlap / width
                for target, value in zip(series, values, strict=True):
                    if value:
                        target[count - 1 - back] += value * share
                back += 1
        return series

    def recent_sums(self, hours_earlier: float = 0.0) -> RecentSums:
        """Every counter summed over the window, each bucket weighted by its recency; with
        `hours_earlier`, as the window ending that many hours before `at` saw them."""
        config = self.config
        shift = hours_earlier * 3600.0
        window_seconds = config.window_hours * 3600.0
        decay = _decay(config)
        totals: dict[str, float] = {}
        window_totals: dict[str, float] = {}
        for span in self.spans:
            if span.oldest_age <= shift:
                continue
            newest = max(span.newest_age, shift)
            kept = (span.oldest_age - newest) / (span.oldest_age - span.newest_age)
            middle = (newest + span.oldest_age) / 2 - shift
            if middle > window_seconds:
                continue
            weight = math.exp(-decay * middle)
            for name, value in span.bucket.counters.items():
                totals[name] = totals.get(name, 0.0) + weight * value * kept
                window_totals[name] = window_totals.get(name, 0.0) + value * kept
        return RecentSums(totals, window_totals, _weighted_hours(config))


def _decay(config: EngineConfig) -> float:
    return math.log(2) / (config.recent_half_life_hours * 3600.0)


def _weighted_hours(config: EngineConfig) -> float:
    """Hours of activity the recency weights amount to: turns weighted sums into rates per hour."""
    decay = _decay(config)
    period = float(period_seconds(config))
    return sum(
        math.exp(-decay * (back + 0.5) * period) * period / 3600.0
        for back in range(periods_in(config.window_hours, config))
    )


class RecentColumns:
    """`AssessmentInputs.recent_sums()` at many instants on the period grid, of buckets that are
    each one whole period on it: each counter kept as a dense column (its value in every period
    of the read, 0.0 where no bucket holds it), so an instant adds the slice of its window only,
    with the same weights in the same order (the same floats), instead of walking every counter
    of every bucket.

    A column's zeros add nothing: a sum that starts at 0.0 and adds products of weights and
    values is never -0.0, and x + 0.0 (or + -0.0) is x for any other x. Which counters a window
    holds (those `recent_sums` names, even at 0.0) is counted apart, in a running count of the
    buckets that hold each counter.
    """

    def __init__(
        self, buckets: Sequence[AggregateBucket], origin: datetime, config: EngineConfig
    ) -> None:
        period = period_seconds(config)
        self._period = period
        self._origin = origin
        self._weighted_hours = _weighted_hours(config)
        length = 0
        placed: list[tuple[int, AggregateBucket]] = []
        for bucket in buckets:
            index = int((bucket.start - origin).total_seconds()) // period
            placed.append((index, bucket))
            length = max(length, index + 1)
        # Buckets of the same period (shards) are added one after the other, in their order:
        # the k-th bucket of a period holding a counter writes the k-th layer of its column.
        layers: dict[str, list[list[float]]] = {}
        held: dict[str, list[int]] = {}
        for index, bucket in placed:
            for name, value in bucket.counters.items():
                column = layers.get(name)
                if column is None:
                    column = layers[name] = []
                    held[name] = [0] * (length + 1)
                counts = held[name]
                depth = counts[index + 1]
                if depth == len(column):
                    column.append([0.0] * length)
                column[depth][index] = value
                counts[index + 1] = depth + 1
        for counts in held.values():
            for index in range(length):
                counts[index + 1] += counts[index]
        self._length = length
        self._columns = [
            (name, layers[name], held[name], _exact_prefix(layers[name])) for name in layers
        ]
        # The weight of the bucket `back` periods before the instant, as `recent_sums` computes
        # it (ages in seconds, no shift); the window ends where the middle of a bucket leaves it.
        decay = _decay(config)
        window_seconds = config.window_hours * 3600.0
        weights: list[float] = []
        while True:
            oldest = float((len(weights) + 1) * period)
            newest = max(0.0, oldest - period)
            middle = (newest + oldest) / 2 - 0.0
            if middle > window_seconds:
                break
            weights.append(math.exp(-decay * middle))
        self._weights = weights
        self._oldest_first = weights[::-1]
        """The weights of a window's periods, oldest first: the order the sums add them."""

    def sums(self, at: datetime) -> RecentSums:
        end = int((at - self._origin).total_seconds()) // self._period
        first = end - len(self._weights)
        low, high = max(first, 0), min(max(end, 0), self._length)
        totals: dict[str, float] = {}
        window_totals: dict[str, float] = {}
        if low >= high:
            return RecentSums(totals, window_totals, self._weighted_hours)
        weights = self._oldest_first[low - first : high - first]  # those of [low, high)
        for name, column, held, prefix in self._columns:
            if held[high] == held[low]:
                continue  # no bucket of the window holds it
            total = plain = 0.0
            # `weight * value * kept` and `value * kept` with `kept` 1.0: the same floats.
            if prefix is not None:
                # Whole counts: every partial sum exact, so the plain sum is any difference.
                plain = prefix[high] - prefix[low]
                if len(column) == 1:
                    for weight, value in zip(weights, column[0][low:high], strict=True):
                        total += weight * value
                else:
                    shards = (layer[low:high] for layer in column)
                    for weight, *values in zip(weights, *shards, strict=True):
                        for value in values:
                            total += weight * value
            elif len(column) == 1:
                for weight, value in zip(weights, column[0][low:high], strict=True):
                    total += weight * value
                    plain += value
            else:
                shards = (layer[low:high] for layer in column)
                for weight, *values in zip(weights, *shards, strict=True):
                    for value in values:
                        total += weight * value
                        plain += value
            totals[name] = total
            window_totals[name] = plain
        return RecentSums(totals, window_totals, self._weighted_hours)


_EXACT_INTEGERS = 2.0**53
"""Whole floats up to this are exact, and so is any sum of them that stays below it."""


def _exact_prefix(layers: Sequence[Sequence[float]]) -> list[float] | None:
    """The running plain sums of a column (all layers of each period), when every value is a
    whole number and every sum of them is exact: then a window's sum, in whatever order it is
    added, is the difference of two of them. None otherwise."""
    prefix = [0.0]
    running = 0.0
    for values in zip(*layers, strict=True):
        for value in values:
            if not (value >= 0.0 and float(value).is_integer()):
                return None
            running += value
        prefix.append(running)
    return prefix if running < _EXACT_INTEGERS else None


@dataclass(frozen=True, slots=True)
class RecentSums:
    """Recency-weighted counter sums over the window (half-life `recent_half_life_hours`)."""

    weighted: dict[str, float]
    window: dict[str, float]
    """Plain sums over the window, for the record."""
    weighted_hours: float

    def __getitem__(self, name: str) -> float:
        return self.weighted.get(name, 0.0)

    def rate(self, name: str) -> float:
        """Recent rate per hour of a counter."""
        return self[name] / self.weighted_hours if self.weighted_hours else 0.0

    def with_prefix(self, prefix: str) -> dict[str, float]:
        # Sorted, so float sums over the group do not depend on the order storage returned.
        return {
            name[len(prefix) :]: value
            for name, value in sorted(self.weighted.items())
            if name.startswith(prefix)
        }
