"""Time-bucketed aggregates: written with each new mention, read by the risk engine.

Each bucket is split over `shards` items (a viral brand would otherwise hammer one partition);
readers sum the shards back. Hourly buckets feed the engine; 5-minute buckets let an assessment
`at` mid-hour count only what was published before it.
"""

from __future__ import annotations

import random
import re
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from api.engine import AggregateBucket, EngineConfig, TopMentionCandidate
from api.storage import keys
from api.storage.codec import from_item, to_attribute

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import QueryOutputTypeDef, TransactWriteItemTypeDef

FINE_SECONDS = 300
_COUNTER_NAME = re.compile(r"^[a-z0-9_]{1,40}$")
_NOT_COUNTERS = frozenset({"PK", "SK", "expires_at"})
_HOT_CANDIDATES_LIMIT = 100
# A throttled (or momentarily unavailable) DynamoDB call: worth retrying after a pause.
THROTTLING_ERRORS = frozenset(
    {
        "ThrottlingException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "TransactionInProgressException",
        "InternalServerError",
        "ServiceUnavailable",
    }
)


class StoreBusyError(Exception):
    """DynamoDB kept throttling or conflicting past our retries; the failed part wrote nothing."""


def is_throttling(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code", "") in THROTTLING_ERRORS


def pause_before_retry(attempt: int) -> None:
    """Exponential backoff with full jitter: up to 20 ms x 2^attempt, at most 1 s."""
    time.sleep(random.uniform(0, min(1.0, 0.02 * 2**attempt)))


def floor_to(moment: datetime, seconds: int) -> datetime:
    epoch = int(moment.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, UTC)


def ceil_to(moment: datetime, seconds: int) -> datetime:
    floored = floor_to(moment, seconds)
    return floored if floored == moment else floored + timedelta(seconds=seconds)


def hour_sort_key(start: datetime) -> str:
    return "H#" + start.strftime("%Y-%m-%dT%H")


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


class AggregateRepository:
    def __init__(
        self, client: DynamoDBClient, table_name: str, shards: int, *, max_attempts: int = 8
    ) -> None:
        self._client = client
        self._table = table_name
        self._shards = shards
        self._max_attempts = max_attempts

    @property
    def shards(self) -> int:
        return self._shards

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
        at = at.astimezone(UTC)
        current_hour = floor_to(at, config.bucket_seconds)
        since = since or at - timedelta(hours=config.history_hours)
        first_hour = floor_to(since, config.bucket_seconds)
        partial_end = ceil_to(at, FINE_SECONDS)
        has_partial = partial_end > current_hour
        last_hour = current_hour - timedelta(seconds=config.bucket_seconds)
        if live and has_partial:
            last_hour = current_hour
        hourly: dict[datetime, dict[str, float]] = defaultdict(dict)
        for shard in range(self._shards):
            pk = keys.aggregate_pk(workspace, brand_id, shard)
            if first_hour <= last_hour:
                for item in self._query_range(
                    pk, hour_sort_key(first_hour), hour_sort_key(last_hour)
                ):
                    start = datetime.strptime(item["SK"][2:], "%Y-%m-%dT%H").replace(tzinfo=UTC)
                    add_counters(hourly[start], _counters_of(item))
            if has_partial and not live:
                last_slot = partial_end - timedelta(seconds=FINE_SECONDS)
                for item in self._query_range(
                    pk, fine_sort_key(current_hour), fine_sort_key(last_slot)
                ):
                    add_counters(hourly[current_hour], _counters_of(item))
        partial_seconds = int((partial_end - current_hour).total_seconds())
        return [
            AggregateBucket(
                start=start,
                seconds=partial_seconds if start == current_hour else config.bucket_seconds,
                counters=counters,
            )
            for start, counters in sorted(hourly.items())
            if counters
        ]

    def hot_candidates(
        self, workspace: str, brand_id: str, at: datetime, config: EngineConfig
    ) -> list[TopMentionCandidate]:
        """High-risk mentions published in the assessment window, newest first (bounded)."""
        start = at - timedelta(hours=config.window_hours)
        response = self._query(
            {
                "TableName": self._table,
                "IndexName": "GSI2",
                "KeyConditionExpression": "GSI2PK = :pk AND GSI2SK BETWEEN :from AND :to",
                "ExpressionAttributeValues": {
                    ":pk": to_attribute(keys.hot_mentions_pk(workspace, brand_id)),
                    ":from": to_attribute(keys.format_instant(start)),
                    ":to": to_attribute(keys.format_instant(at) + "#~"),
                },
                "ScanIndexForward": False,
                "Limit": _HOT_CANDIDATES_LIMIT,
            }
        )
        candidates = []
        for raw in response.get("Items", []):
            item = from_item(raw)
            published = datetime.strptime(item["GSI2SK"].split("#", 1)[0], "%Y-%m-%dT%H:%M:%S.%fZ")
            candidates.append(
                TopMentionCandidate(
                    mention_id=item["mention_id"],
                    published_at=published.replace(tzinfo=UTC),
                    risk=int(item["risk"]),
                )
            )
        return candidates

    def _query_range(self, pk: str, first: str, last: str) -> Iterable[dict[str, Any]]:
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
        while True:
            response = self._query(request)
            for item in response.get("Items", []):
                yield from_item(item)
            if "LastEvaluatedKey" not in response:
                return
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def _query(self, request: dict[str, Any]) -> QueryOutputTypeDef:
        """One Query, retried while DynamoDB throttles past botocore's own retries.

        Raises StoreBusyError (a 503 with Retry-After for the caller), never a raw ClientError.
        """
        attempt = 0
        while True:
            try:
                return self._client.query(**request)
            except ClientError as error:
                if not is_throttling(error):
                    raise
            attempt += 1
            if attempt >= self._max_attempts:
                raise StoreBusyError(f"DynamoDB throttled a read {attempt} times in a row")
            pause_before_retry(attempt)


def _counters_of(item: Mapping[str, Any]) -> dict[str, float]:
    return {k: v for k, v in item.items() if k not in _NOT_COUNTERS and isinstance(v, int | float)}
