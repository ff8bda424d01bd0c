"""Time-bucketed aggregates: written with each new mention, read by the risk engine.

Each bucket is split over `shards` items (a viral brand would otherwise hammer one partition);
readers sum the shards back. Hourly buckets feed the engine; 5-minute buckets let an assessment
`at` mid-hour count only what was published before it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from api.engine import AggregateBucket, EngineConfig, TopMentionCandidate
from api.engine.assessment import BURST_COUNTERS
from api.engine.counters import MENTIONS
from api.storage import hot, keys
from api.storage.buckets import (
    BucketWindow,
    assemble_buckets,
    assemble_slots,
    fine_sort_key,
    hour_of_sort_key,
    hour_sort_key,
    slot_starts,
)
from api.storage.codec import decode_number, to_attribute
from api.storage.fanout import query_each
from api.storage.retry import DEFAULT_ATTEMPTS, with_retries
from api.storage.shards import ShardCounts

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import QueryOutputTypeDef, TransactWriteItemTypeDef

_COUNTER_NAME = re.compile(r"^[a-z0-9_]{1,40}$")
_NOT_COUNTERS = frozenset({"PK", "SK", "expires_at"})
_SLOT_PROJECTION: Final = {
    f"#a{index}": name for index, name in enumerate(("SK", MENTIONS, *BURST_COUNTERS))
}


class AggregateRepository:
    def __init__(
        self,
        client: DynamoDBClient,
        table_name: str,
        shards: int,
        *,
        max_attempts: int = DEFAULT_ATTEMPTS,
        shard_counts: ShardCounts | None = None,
    ) -> None:
        self._client = client
        self._table = table_name
        self._shards = shards
        self._max_attempts = max_attempts
        self.shard_counts = shard_counts or ShardCounts(client, table_name)
        """Each brand's mention shard count (a sharded brand spreads its counters wider)."""

    @property
    def shards(self) -> int:
        return self._shards

    def counter_shards(self, workspace: str, brand_id: str) -> int:
        """The aggregate items one bucket of this brand may be split over (readers sum them)."""
        return self.shard_counts.counter_shards(workspace, brand_id, self._shards)

    def update_action(
        self,
        workspace: str,
        brand_id: str,
        shard: int,
        sort_key: str,
        counters: Mapping[str, float],
        expires_at: int,
    ) -> TransactWriteItemTypeDef:
        """A transaction item adding `counters` to one bucket shard (created on first write)."""
        names: dict[str, str] = {}
        values: dict[str, Any] = {":exp": to_attribute(expires_at)}
        additions = []
        for index, (name, value) in enumerate(sorted(counters.items())):
            if not _COUNTER_NAME.fullmatch(name):
                raise ValueError(f"invalid counter name {name!r}")
            names[f"#c{index}"] = name
            values[f":c{index}"] = to_attribute(value)
            additions.append(f"#c{index} :c{index}")
        expression = "SET expires_at = :exp"
        if additions:
            expression += " ADD " + ", ".join(additions)
        update: dict[str, Any] = {
            "TableName": self._table,
            "Key": {
                "PK": to_attribute(keys.aggregate_pk(workspace, brand_id, shard)),
                "SK": to_attribute(sort_key),
            },
            "UpdateExpression": expression,
            "ExpressionAttributeValues": values,
        }
        if names:
            update["ExpressionAttributeNames"] = names
        return {"Update": update}  # type: ignore[typeddict-item]

    def read_buckets(
        self,
        workspace: str,
        brand_id: str,
        at: datetime,
        config: EngineConfig,
        since: datetime | None = None,
        *,
        live: bool = False,
    ) -> list[AggregateBucket]:
        """Hourly buckets of [since, at) in time order (since defaults to `at - history`).

        The hour holding `at` is partial: its 5-minute slots up to `at` rounded up. When `at` is
        the present (`live`), nothing was published after it yet, so the current hour's own
        item holds the same counts: one query per shard instead of two, and one item instead of
        up to twelve.
        """
        window = BucketWindow.at(at, config.bucket_seconds, config.history_hours, since)
        last_hour = window.last_whole_hour
        if live and window.has_partial:
            last_hour = window.current_hour
        hourly: dict[datetime, dict[str, float]] = defaultdict(dict)
        for shard in range(self.counter_shards(workspace, brand_id)):
            pk = keys.aggregate_pk(workspace, brand_id, shard)
            if window.first_hour <= last_hour:
                for item in self._query_range(
                    pk, hour_sort_key(window.first_hour), hour_sort_key(last_hour)
                ):
                    _add_counters(hourly[hour_of_sort_key(item["SK"]["S"])], item)
            if window.has_partial and not live:
                for item in self._query_range(
                    pk, fine_sort_key(window.current_hour), fine_sort_key(window.last_slot)
                ):
                    _add_counters(hourly[window.current_hour], item)
        return assemble_buckets(window, hourly)

    def read_slots(
        self,
        workspace: str,
        brand_id: str,
        at: datetime,
        config: EngineConfig,
        since: datetime | None = None,
    ) -> list[AggregateBucket]:
        """The 5-minute slots the burst detector reads: the `burst_slots` ending with the one
        holding `at` (from the one holding `since`, for a history), in time order.

        Each holds only the counters the assessment reads from slots (`BURST_COUNTERS`) and
        the mention count (so a slot is there exactly when mentions were published in it): a
        tenth of a busy slot's counters, the rest are read from the hourly buckets.
        """
        starts = slot_starts(at, config.burst_slots)
        first = (
            starts[0]
            if since is None
            else min(starts[0], slot_starts(since, config.burst_slots)[0])
        )
        fine: dict[datetime, dict[str, float]] = defaultdict(dict)
        for shard in range(self.counter_shards(workspace, brand_id)):
            pk = keys.aggregate_pk(workspace, brand_id, shard)
            for item in self._query_range(
                pk, fine_sort_key(first), fine_sort_key(starts[-1]), _SLOT_PROJECTION
            ):
                _add_counters(fine[_slot_of_sort_key(item["SK"]["S"])], item)
        return assemble_slots(fine)

    def hot_candidates(
        self, workspace: str, brand_id: str, at: datetime, config: EngineConfig
    ) -> list[TopMentionCandidate]:
        """High-risk mentions published in the assessment window, at most `HOT_CANDIDATES`, in
        the hot read's order (`storage.hot`: newest hour, riskiest within it, first).

        One GSI2 Query a shard, read backwards from the hour of `at`, `HOT_CANDIDATES` items:
        a sharded brand's shards are read at once and merged (`hot.ranked`). The read costs the
        same for 100 or 1,000,000 mentions, and is exact whenever the window holds at most
        `HOT_CANDIDATES` hot mentions (docs/risk-model.md).
        """
        start = at - timedelta(hours=config.window_hours)
        shards = self.shard_counts.mention_shards(workspace, brand_id)
        requests = [
            {
                "TableName": self._table,
                "IndexName": "GSI2",
                # Whole hours (a key begins with its hour): the edges of the window are filtered
                # below, and read further when they took some of the limit.
                "KeyConditionExpression": "GSI2PK = :pk AND GSI2SK BETWEEN :from AND :to",
                "ExpressionAttributeValues": {
                    ":pk": to_attribute(keys.hot_mentions_pk(workspace, brand_id, shard)),
                    ":from": to_attribute(hot.hour_key(start)),
                    ":to": to_attribute(hot.hour_key(at) + "~"),
                },
                "ScanIndexForward": False,
                "Limit": hot.HOT_CANDIDATES,
                # Only what the ranking reads: half the attribute values of the projected item
                # (its table and index keys), each of which costs the client to decode. The read
                # units are the same (DynamoDB charges the projected item whatever is returned).
                # The risk is read from its attribute: a key written before the hour#risk format
                # does not hold it.
                "ProjectionExpression": "#sk, #id, #risk",
                "ExpressionAttributeNames": {"#sk": "GSI2SK", "#id": "mention_id", "#risk": "risk"},
            }
            for shard in range(shards)
        ]
        responses: Iterable[QueryOutputTypeDef] = (
            [self._query(requests[0])]
            if shards == 1
            else query_each(
                lambda request: self._client.query(**request),
                requests,
                what="a read",
                attempts=self._max_attempts,
            )
        )
        candidates: list[TopMentionCandidate] = []
        for request, response in zip(requests, responses, strict=True):
            candidates.extend(self._hot_shard(request, response, start, at))
        return hot.ranked(candidates, start, at)

    def _hot_shard(
        self,
        request: dict[str, Any],
        response: QueryOutputTypeDef,
        start: datetime,
        at: datetime,
    ) -> list[TopMentionCandidate]:
        """One shard's candidates in the window, from its first page: up to `HOT_CANDIDATES`.

        The hours at both ends of the window are read whole, so the mentions of the hour of
        `at` published after it, and those of the first hour published before the window, may
        take some of the first page: the next pages are read while they did, until the window's
        `HOT_CANDIDATES` are found or the shard has no more (rare, and at most an hour's worth).
        """
        found: list[TopMentionCandidate] = []
        while True:
            for raw in response.get("Items", []):
                candidate = _hot_candidate(raw)
                if start <= candidate.published_at <= at:
                    found.append(candidate)
            missing = hot.HOT_CANDIDATES - len(found)
            if missing <= 0 or "LastEvaluatedKey" not in response:
                return found
            request = {
                **request,
                "Limit": missing,
                "ExclusiveStartKey": response["LastEvaluatedKey"],
            }
            response = self._query(request)

    def _query_range(
        self, pk: str, first: str, last: str, projection: Mapping[str, str] | None = None
    ) -> Iterable[dict[str, Any]]:
        """Items of `pk` with a sort key in [first, last]; with `projection` (placeholder ->
        attribute name), only those attributes."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk AND SK BETWEEN :first AND :last",
            "ExpressionAttributeValues": {
                ":pk": to_attribute(pk),
                ":first": to_attribute(first),
                ":last": to_attribute(last),
            },
            # The assessment returned right after an ingest must see that ingest's counters.
            "ConsistentRead": True,
        }
        if projection:
            request["ProjectionExpression"] = ", ".join(projection)
            request["ExpressionAttributeNames"] = dict(projection)
        while True:
            response = self._query(request)
            # Items as sent (attribute values undecoded): `_add_counters` decodes the counters.
            yield from response.get("Items", [])
            if "LastEvaluatedKey" not in response:
                return
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def _query(self, request: dict[str, Any]) -> QueryOutputTypeDef:
        """One Query, retried while DynamoDB throttles (StoreBusyError when it keeps on)."""
        return with_retries(
            lambda _: self._client.query(**request), what="a read", attempts=self._max_attempts
        )


def _slot_of_sort_key(sort_key: str) -> datetime:
    return datetime.fromisoformat(sort_key[2:]).replace(tzinfo=UTC)


def _counters_of(item: Mapping[str, Any]) -> dict[str, float]:
    """The counters of a decoded bucket item (bench/harness.py audits the table with it)."""
    return {k: v for k, v in item.items() if k not in _NOT_COUNTERS and isinstance(v, int | float)}


def _add_counters(total: dict[str, float], item: Mapping[str, Any]) -> None:
    """Add a stored bucket item's counters (its number attributes but `expires_at`) to `total`.

    Straight from the attribute values, without building the item first: a busy brand's
    assessment reads about a thousand of them, and their decoding is what grew its cost.
    """
    for name, attribute in item.items():
        text = attribute.get("N")
        if text is None or name in _NOT_COUNTERS:
            continue
        total[name] = total.get(name, 0) + decode_number(text)


def _hot_candidate(raw: Mapping[str, Any]) -> TopMentionCandidate:
    """A candidate from a GSI2 item as sent (`GSI2SK`, `mention_id`, `risk`), of either key
    format."""
    return TopMentionCandidate(
        mention_id=str(raw["mention_id"]["S"]),
        published_at=hot.parse_sort_key(str(raw["GSI2SK"]["S"])),
        risk=int(decode_number(raw["risk"]["N"])),
    )
