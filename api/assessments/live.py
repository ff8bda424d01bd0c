"""The assessment an ingest answers with, without re-reading the brand after every write.

A container keeps, per brand, the inputs of the last live assessment it read (hourly buckets,
5-minute slots, high-risk candidates: exactly what `AssessmentService.assess(live=True)` reads)
for at most `Settings.live_assessment_seconds`, and adds to them the counters of the mentions it
writes itself. `assess_brand` (pure) on those inputs is then the fresh assessment, except for
what *other* containers wrote since the inputs were read.

The staleness bound (docs/risk-model.md): the assessment returned by an ingest at instant `at`
equals `GET /risk?at=<at>` computed from the store as it was at some instant in
`[at - live_assessment_seconds, at]`, plus every mention this container stored up to `at`.
Equal to a fresh `GET /risk` when no other container wrote to the brand meanwhile.

The inputs are kept only while the assessment window has the same shape (same hours, same
5-minute slots): at each 5-minute boundary they are read again, never shifted by hand.

Concurrent requests in one process (a threaded local server; Lambda runs one at a time): a
write is added to the inputs only when it began after they were read; one that ended before
they were read is already in them; one that overlapped the read drops them (read again next).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from api.aggregates.repository import AggregateRepository
from api.engine import BrandRiskAssessment, EngineConfig, TopMentionCandidate, assess_brand
from api.storage import hot
from api.storage.buckets import (
    FINE_SECONDS,
    BucketWindow,
    add_counters,
    assemble_buckets,
    assemble_slots,
    floor_to,
    slot_starts,
)
from api.ttl_cache import TtlCache


@dataclass(frozen=True, slots=True)
class WrittenMention:
    """What a stored mention adds to its brand's assessment inputs."""

    mention_id: str
    published_at: datetime
    counters: Mapping[str, float]
    risk: int
    hot: bool


@dataclass(slots=True)
class _Inputs:
    read_at: datetime
    window: BucketWindow
    slots: tuple[datetime, ...]
    hourly: dict[datetime, dict[str, float]]
    fine: dict[datetime, dict[str, float]]
    candidates: list[TopMentionCandidate]
    read_began: int
    read_ended: int


class LiveAssessments:
    def __init__(
        self,
        aggregates: AggregateRepository,
        config: EngineConfig,
        seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._aggregates = aggregates
        self._config = config
        self._seconds = seconds
        self._inputs: TtlCache[tuple[str, str], _Inputs] = TtlCache(seconds, clock=clock)
        self._lock = threading.Lock()
        self._events = itertools.count()
        # When each brand's last write by this container ended: inputs read while one was
        # being applied are not kept (the write could be in neither).
        self._last_write: TtlCache[tuple[str, str], int] = TtlCache(60.0, clock=clock)

    def write_began(self) -> int:
        """Call before a write to the brand's counters; hand the ticket to `wrote`."""
        with self._lock:
            return next(self._events)

    def wrote(
        self, workspace: str, brand_id: str, mentions: Sequence[WrittenMention], began: int
    ) -> None:
        """The mentions this container just stored (their transaction committed)."""
        with self._lock:
            ended = next(self._events)
            self._last_write.put((workspace, brand_id), ended)
            inputs = self._inputs.get((workspace, brand_id))
            if inputs is None or ended < inputs.read_began:
                return
            if began <= inputs.read_ended:
                # The read may or may not have seen this write: read again next time.
                self._inputs.discard((workspace, brand_id))
                return
            for mention in mentions:
                self._add(inputs, mention)

    def forget(self, workspace: str, brand_id: str) -> None:
        """Drop the brand's inputs (its mentions were erased, or a write failed midway)."""
        with self._lock:
            self._inputs.discard((workspace, brand_id))

    def assess(self, workspace: str, brand_id: str, at: datetime) -> BrandRiskAssessment:
        """The brand's assessment at `at` (the present), within the staleness bound."""
        key = (workspace, brand_id)
        window = BucketWindow.at(at, self._config.bucket_seconds, self._config.history_hours)
        slots = tuple(slot_starts(at, self._config.burst_slots))
        with self._lock:
            inputs = self._inputs.get(key)
            if inputs is not None and not (
                inputs.read_at <= at <= inputs.read_at + timedelta(seconds=self._seconds)
                and inputs.window == window
                and inputs.slots == slots
            ):
                inputs = None
            if inputs is not None:
                hourly = {start: dict(c) for start, c in inputs.hourly.items()}
                fine = {start: dict(c) for start, c in inputs.fine.items()}
                candidates = list(inputs.candidates)
        if inputs is None:
            inputs = self._read(workspace, brand_id, at, window, slots)
            hourly, fine, candidates = inputs.hourly, inputs.fine, list(inputs.candidates)
            if self._seconds > 0:
                with self._lock:
                    last_write = self._last_write.get(key)
                    if last_write is None or last_write < inputs.read_began:
                        self._inputs.put(key, inputs)
                    # Copies: later writes change the cached inputs, not this answer's.
                    hourly = {start: dict(c) for start, c in hourly.items()}
                    fine = {start: dict(c) for start, c in fine.items()}
        window_start = at - timedelta(hours=self._config.window_hours)
        # The candidates a fresh read would return: the same bounded ranking as storage's.
        in_range = hot.ranked(candidates, window_start, at)
        return assess_brand(
            assemble_buckets(window, hourly),
            at=at,
            config=self._config,
            top_candidates=in_range,
            slots=assemble_slots(fine),
        )

    def _read(
        self,
        workspace: str,
        brand_id: str,
        at: datetime,
        window: BucketWindow,
        slots: tuple[datetime, ...],
    ) -> _Inputs:
        with self._lock:
            began = next(self._events)
        config = self._config
        buckets = self._aggregates.read_buckets(workspace, brand_id, at, config, live=True)
        fine = self._aggregates.read_slots(workspace, brand_id, at, config)
        candidates = self._aggregates.hot_candidates(workspace, brand_id, at, config)
        with self._lock:
            ended = next(self._events)
        return _Inputs(
            read_at=at,
            window=window,
            slots=slots,
            hourly={b.start: dict(b.counters) for b in buckets},
            fine={s.start: dict(s.counters) for s in fine},
            candidates=list(candidates),
            read_began=began,
            read_ended=ended,
        )

    def _add(self, inputs: _Inputs, mention: WrittenMention) -> None:
        """What a fresh live read would now find of this mention, added to the inputs."""
        window = inputs.window
        # The live read takes the current hour's own item whole (when `at` is inside it).
        last_hour = window.current_hour if window.has_partial else window.last_whole_hour
        hour = floor_to(mention.published_at, window.bucket_seconds)
        if window.first_hour <= hour <= last_hour:
            add_counters(inputs.hourly.setdefault(hour, {}), mention.counters)
        slot = floor_to(mention.published_at, FINE_SECONDS)
        if slot in inputs.slots:
            add_counters(inputs.fine.setdefault(slot, {}), mention.counters)
        if mention.hot:
            inputs.candidates.append(
                TopMentionCandidate(
                    mention_id=mention.mention_id,
                    published_at=mention.published_at,
                    risk=mention.risk,
                )
            )
