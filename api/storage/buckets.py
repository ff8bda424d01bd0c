"""Time-bucket arithmetic shared by the DynamoDB aggregates and the in-memory replay.

Counters are added per hourly bucket (`EngineConfig.bucket_seconds`, by `published_at`) and per
5-minute slot. An assessment `at` reads the whole hours of `[at - history, at)` and, for the hour
holding `at`, the slots up to `at` rounded up to 5 minutes: `BucketWindow` says which, and
`assemble_buckets` turns what was read into the engine's `AggregateBucket`s. Both readers use
them, so the replay sees exactly the buckets storage would give.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from api.engine import AggregateBucket

FINE_SECONDS = 300


def floor_to(moment: datetime, seconds: int) -> datetime:
    epoch = int(moment.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, UTC)


def ceil_to(moment: datetime, seconds: int) -> datetime:
    floored = floor_to(moment, seconds)
    return floored if floored == moment else floored + timedelta(seconds=seconds)


def hour_sort_key(start: datetime) -> str:
    return "H#" + start.strftime("%Y-%m-%dT%H")


def hour_of_sort_key(sort_key: str) -> datetime:
    # fromisoformat, not strptime: a tenth of the cost, read once per bucket item.
    return datetime.fromisoformat(sort_key[2:]).replace(tzinfo=UTC)


def fine_sort_key(start: datetime) -> str:
    return "F#" + start.strftime("%Y-%m-%dT%H:%M")


def bucket_sort_keys(published_at: datetime, bucket_seconds: int) -> tuple[str, str]:
    """The hourly and the 5-minute bucket a mention published at this instant counts in."""
    return (
        hour_sort_key(floor_to(published_at, bucket_seconds)),
        fine_sort_key(floor_to(published_at, FINE_SECONDS)),
    )


def add_counters(total: dict[str, float], counters: Mapping[str, float]) -> None:
    for name, value in counters.items():
        total[name] = total.get(name, 0) + value


@dataclass(frozen=True, slots=True)
class BucketWindow:
    """Which buckets an assessment at `at` reads."""

    bucket_seconds: int
    first_hour: datetime
    """The oldest whole hour read."""
    current_hour: datetime
    """The hour holding `at`: partial."""
    partial_end: datetime
    """`at` rounded up to 5 minutes: the partial hour counts slots before it."""

    @classmethod
    def at(
        cls, at: datetime, bucket_seconds: int, history_hours: int, since: datetime | None = None
    ) -> BucketWindow:
        at = at.astimezone(UTC)
        since = since or at - timedelta(hours=history_hours)
        return cls(
            bucket_seconds=bucket_seconds,
            first_hour=floor_to(since, bucket_seconds),
            current_hour=floor_to(at, bucket_seconds),
            partial_end=ceil_to(at, FINE_SECONDS),
        )

    @property
    def last_whole_hour(self) -> datetime:
        return self.current_hour - timedelta(seconds=self.bucket_seconds)

    @property
    def has_partial(self) -> bool:
        return self.partial_end > self.current_hour

    @property
    def last_slot(self) -> datetime:
        """The last 5-minute slot of the partial hour."""
        return self.partial_end - timedelta(seconds=FINE_SECONDS)

    @property
    def partial_seconds(self) -> int:
        return int((self.partial_end - self.current_hour).total_seconds())

    def holds_whole_hour(self, start: datetime) -> bool:
        return self.first_hour <= start < self.current_hour

    def holds_slot(self, start: datetime) -> bool:
        return self.current_hour <= start < self.partial_end


def slot_starts(at: datetime, count: int) -> list[datetime]:
    """The starts of the `count` 5-minute slots ending with the one holding `at`, oldest first:
    the slots the burst detector reads (the newest one partial, like the partial hour)."""
    end = ceil_to(at.astimezone(UTC), FINE_SECONDS)
    return [end - timedelta(seconds=FINE_SECONDS * back) for back in range(count, 0, -1)]


def assemble_slots(fine: Mapping[datetime, Mapping[str, float]]) -> list[AggregateBucket]:
    """The engine's 5-minute slots in time order, empty ones dropped."""
    return [
        AggregateBucket(start=start, seconds=FINE_SECONDS, counters=dict(counters))
        for start, counters in sorted(fine.items())
        if counters
    ]


def assemble_buckets(
    window: BucketWindow, hourly: Mapping[datetime, Mapping[str, float]]
) -> list[AggregateBucket]:
    """The engine's buckets in time order, empty ones dropped; `hourly[current_hour]` holds the
    partial hour's counts (from its slots, or from its own item when `at` is now)."""
    return [
        AggregateBucket(
            start=start,
            seconds=(
                window.partial_seconds if start == window.current_hour else window.bucket_seconds
            ),
            counters=dict(counters),
        )
        for start, counters in sorted(hourly.items())
        if counters
    ]
