"""One page read across a brand's shards: a Query per shard, merged by sort key.

A sharded brand's listing (GSI1) and queue (GSI3) are N partition keys whose sort keys
(`<instant>#<id>`, `<respond_by>#<id>`) are unique across shards: merged, they are one total
order, and the page's cursor is the one position where it stopped. Each shard resumes after
that position (its own ExclusiveStartKey at it), so a cursor gives every item exactly once, in
order, page after page, however the shards are filled.

An item is emitted only once every shard that could still hold an earlier one has been read
past it. A shard whose buffer ran dry is read again (lazily: only when it blocks the next
item). A filtered listing reads at most `scan_budget` index items in all: when it runs out, the
page stops at the furthest position every shard has been read to (the cursor is then the sort
key of an item read but not matched, as a one-shard listing's is).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from api.storage.retry import DEFAULT_ATTEMPTS, with_retries

Query = Callable[[dict[str, Any]], Any]
T = TypeVar("T")
R = TypeVar("R")


@dataclass(slots=True)
class _Stream:
    request: dict[str, Any]
    buffer: deque[Any] = field(default_factory=deque)
    start: Any = None
    bound: str | None = None
    """Sort key of the last item this shard evaluated; what follows it is unread."""
    done: bool = False


def at_once(function: Callable[[T], R], inputs: Sequence[T]) -> list[R]:
    """`function` of each input, in order; several run at once (threads: botocore clients are
    thread-safe), so a brand's N shards cost about one round trip, not N."""
    if len(inputs) <= 1:
        return [function(value) for value in inputs]
    from concurrent.futures import ThreadPoolExecutor  # only sharded brands pay the import

    with ThreadPoolExecutor(max_workers=min(16, len(inputs))) as pool:
        return list(pool.map(function, inputs))


def query_each(
    query: Query,
    requests: Sequence[dict[str, Any]],
    *,
    what: str,
    attempts: int = DEFAULT_ATTEMPTS,
) -> list[Any]:
    """The responses of one Query per shard, in order, read at once."""

    def read(request: dict[str, Any]) -> Any:
        return with_retries(lambda _: query(request), what=what, attempts=attempts)

    return at_once(read, requests)


def per_shard_limit(page: int, shards: int) -> int:
    """What each shard's Query asks for: its share of the page and a margin (more on demand)."""
    return page if shards <= 1 else math.ceil(page / shards) + 1


def merged_page(
    query: Query,
    requests: Sequence[dict[str, Any]],
    *,
    sort_attribute: str,
    descending: bool,
    limit: int,
    fetch_limit: int,
    scan_budget: int | None = None,
    size_of: Callable[[Any], int] | None = None,
    max_bytes: int | None = None,
    what: str,
) -> tuple[list[Any], str | None]:
    """Up to `limit` raw items in sort order over every request (one per shard), and the
    cursor (the last position given, or where the budget ran out), None when all is read."""
    streams = [_Stream(request=dict(request)) for request in requests]
    for stream in streams:
        stream.start = stream.request.pop("ExclusiveStartKey", None)
    evaluated = 0

    def ahead(a: str, b: str) -> bool:
        """Whether sort key `a` comes before `b` in the listing's order."""
        return a > b if descending else a < b

    def prepare(stream: _Stream) -> dict[str, Any]:
        request = dict(stream.request)
        request["Limit"] = (
            fetch_limit
            if scan_budget is None
            else max(1, min(fetch_limit, scan_budget - evaluated))
        )
        if stream.start is not None:
            request["ExclusiveStartKey"] = stream.start
        return request

    def absorb(stream: _Stream, response: Any) -> None:
        nonlocal evaluated
        raw_items = response.get("Items", [])
        evaluated += int(response.get("ScannedCount", len(raw_items)))
        stream.buffer.extend(raw_items)
        last = response.get("LastEvaluatedKey")
        if last is None:
            stream.done = True
        else:
            stream.start = last
            stream.bound = str(last[sort_attribute]["S"])

    def read(request: dict[str, Any]) -> Any:
        return with_retries(lambda _: query(request), what=what)

    # The first read of every shard at once: a page costs one round trip, not N.
    first = query_each(query, [prepare(stream) for stream in streams], what=what)
    for stream, response in zip(streams, first, strict=True):
        absorb(stream, response)

    items: list[Any] = []
    last_key: str | None = None
    page_bytes = 0
    while True:
        heads = [s for s in streams if s.buffer]
        best = None
        for stream in heads:
            if best is None or ahead(
                stream.buffer[0][sort_attribute]["S"], best.buffer[0][sort_attribute]["S"]
            ):
                best = stream
        best_key = None if best is None else str(best.buffer[0][sort_attribute]["S"])
        # Shards read dry that may still hold an item before the best one buffered.
        blocking = [
            s
            for s in streams
            if not s.buffer
            and not s.done
            and (best_key is None or s.bound is None or not ahead(best_key, s.bound))
        ]
        if blocking:
            furthest = blocking[0]
            for stream in blocking[1:]:
                if stream.bound is not None and (
                    furthest.bound is None or ahead(stream.bound, furthest.bound)
                ):
                    furthest = stream
            if items and len(items) == limit:
                return items, last_key
            if scan_budget is not None and evaluated >= scan_budget:
                # Everything up to `furthest.bound` is read in every shard, and given.
                return items, furthest.bound
            absorb(furthest, read(prepare(furthest)))
            continue
        if best is None or best_key is None:
            return items, None
        raw = best.buffer[0]
        size = size_of(raw) if size_of is not None else 0
        if items and (
            len(items) == limit or (max_bytes is not None and page_bytes + size > max_bytes)
        ):
            return items, last_key  # more items follow: resume after the last one given
        best.buffer.popleft()
        items.append(raw)
        last_key = best_key
        page_bytes += size
