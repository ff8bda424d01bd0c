"""A small per-container cache whose entries expire: what a Lambda container may remember."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class TtlCache(Generic[K, V]):
    """Entries live `seconds` after they are put; past `max_entries` the cache starts over
    (cheaper than an LRU, and a container serving that many keys re-reads them anyway)."""

    def __init__(
        self,
        seconds: float,
        *,
        max_entries: int = 1024,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._seconds = seconds
        self._max_entries = max_entries
        self._clock = clock
        self._entries: dict[K, tuple[float, V]] = {}

    def get(self, key: K) -> V | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] <= self._clock():
            return None
        return entry[1]

    def put(self, key: K, value: V) -> None:
        if len(self._entries) > self._max_entries:
            self._entries.clear()
        self._entries[key] = (self._clock() + self._seconds, value)

    def discard(self, key: K) -> None:
        self._entries.pop(key, None)
