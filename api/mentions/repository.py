"""Every DynamoDB call about mentions.

A new mention is written in the same transaction as the aggregate counters it adds to, with
`attribute_not_exists` on the mention: a duplicate (even one racing in concurrently) cancels its
part of the transaction, so it is never stored or counted twice.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from botocore.exceptions import ClientError

from api.aggregates.repository import AggregateRepository
from api.engine.mention import Mention
from api.engine.schemas import MentionTriage
from api.mentions.items import status_condition, stored_mention_from_item
from api.mentions.schemas import MentionFilters, StoredMention
from api.queue.repository import queue_attributes
from api.storage import hot, keys
from api.storage.buckets import add_counters, bucket_sort_keys
from api.storage.codec import to_attribute, to_item
from api.storage.fanout import merged_page, per_shard_limit
from api.storage.retry import (
    DEFAULT_ATTEMPTS,
    RetryLater,
    StoreBusyError,
    cancellation_reasons,
    with_retries,
)
from api.storage.shards import ShardCounts

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

# DynamoDB allows 100 actions and 4 MB per transaction (we keep a margin for keys and triage).
_MAX_TRANSACTION_ACTIONS = 100
_MAX_TRANSACTION_DOCUMENT_BYTES = 3_000_000
# Index items a filtered listing reads per page at most, matched or not (no scans).
SCAN_BUDGET = 500
# Stored bytes per page at most: the JSON answer stays under Lambda's 6 MB response limit.
MAX_PAGE_BYTES = 4_000_000


class PartialWriteError(StoreBusyError):
    """The store failed after part of a batch was written: what is known about each mention."""

    def __init__(self, cause: StoreBusyError, *, present: set[str], unknown: set[str]) -> None:
        super().__init__(str(cause), maybe_applied=cause.maybe_applied)
        self.present = present
        """Stored (by this call, or before it)."""
        self.unknown = unknown
        """In the transaction that timed out: stored whole or not at all."""


class QuotaRefusedError(Exception):
    """The quota action of the transaction was cancelled: no room for the new mentions (the
    duplicates were dropped first: they need none). Nothing was written."""

    def __init__(self, count: int, shard: int = 0) -> None:
        super().__init__(f"no quota left for {count} mentions on quota shard {shard}")
        self.count = count
        self.shard = shard


class QuotaAction(Protocol):
    """The day's quota of a workspace (api/quotas `QuotaClaim`), over `shards` items."""

    @property
    def shards(self) -> int: ...

    @property
    def pinned(self) -> int | None:
        """The quota shard to use (a retry on a shard with room); None: the chunk's own."""
        ...

    def action(self, count: int, shard: int = 0) -> TransactWriteItemTypeDef:
        """The transaction action reserving quota for that many new mentions on `shard`."""
        ...


def first_mention_shard(chunk: Sequence[NewMention], shards: int) -> int:
    """A sharded write's shard among `shards`: the first mention's id hash, so thousands of
    single-mention writes a second spread evenly (counters and quota alike)."""
    return keys.mention_shard(chunk[0].mention_id, shards) if chunk else 0


@dataclass(frozen=True, slots=True)
class NewMention:
    """A validated, triaged mention ready to be written."""

    mention_id: str
    mention: Mention
    document: str
    """The mention as stored: its JSON without nulls."""
    triage: MentionTriage
    counters: dict[str, float]
    received_at: datetime
    expires_at: int
    hot: bool


class MentionRepository:
    def __init__(
        self,
        client: DynamoDBClient,
        table_name: str,
        aggregates: AggregateRepository,
        *,
        max_attempts: int = DEFAULT_ATTEMPTS,
        bucket_seconds: int = 3600,
        shard_counts: ShardCounts | None = None,
    ) -> None:
        self._client = client
        self._table = table_name
        self._aggregates = aggregates
        self._shards = shard_counts or aggregates.shard_counts
        self._max_attempts = max_attempts
        self._bucket_seconds = bucket_seconds

    # --- writes ---------------------------------------------------------------------------

    def fits_one_transaction(self, mentions: Sequence[NewMention]) -> bool:
        """Whether `store_new` writes these mentions in one transaction (then it can reserve
        their quota in the same one): room is kept for the quota action."""
        return len(self._next_chunk(mentions, reserved=1)) == len(mentions)

    def store_new(
        self,
        workspace: str,
        brand_id: str,
        mentions: Sequence[NewMention],
        *,
        quota: QuotaAction | None = None,
    ) -> set[str]:
        """Store the mentions not stored yet, with their counters; return the ids actually written.

        With `quota` (only for mentions that `fits_one_transaction`), the transaction also
        reserves quota for the mentions it writes; QuotaRefusedError when there is no room.

        Raises PartialWriteError when DynamoDB fails past the retries: chunks written before
        stay written (re-sending the batch is safe, they come back as duplicates), and the
        error says which mentions are stored.
        """
        if quota is not None and not self.fits_one_transaction(mentions):
            raise ValueError("a quota action needs the mentions to fit one transaction")
        written: set[str] = set()
        present: set[str] = set()
        pending = list(mentions)
        while pending:
            chunk = self._next_chunk(pending)
            try:
                written |= self._write_chunk(workspace, brand_id, chunk, present, quota)
            except StoreBusyError as error:
                ids = {m.mention_id for m in chunk} - present
                raise PartialWriteError(
                    error, present=written | present, unknown=ids if error.maybe_applied else set()
                ) from error
            pending = pending[len(chunk) :]
        return written

    def _next_chunk(self, pending: Sequence[NewMention], *, reserved: int = 0) -> list[NewMention]:
        chunk: list[NewMention] = []
        buckets: set[tuple[str, str]] = set()
        size = 0
        for candidate in pending:
            new_buckets = buckets | {
                bucket_sort_keys(candidate.mention.published_utc, self._bucket_seconds)
            }
            new_size = size + len(candidate.document.encode("utf-8", "surrogatepass"))
            if chunk and (
                len(chunk) + 1 + 2 * len(new_buckets) + reserved > _MAX_TRANSACTION_ACTIONS
                or new_size > _MAX_TRANSACTION_DOCUMENT_BYTES
            ):
                break
            chunk.append(candidate)
            buckets = new_buckets
            size = new_size
        return chunk

    def _write_chunk(
        self,
        workspace: str,
        brand_id: str,
        chunk: list[NewMention],
        present: set[str],
        quota: QuotaAction | None = None,
    ) -> set[str]:
        """Write the chunk in one transaction; add the mentions found stored to `present`."""
        remaining = list(chunk)

        def write(attempt: int) -> set[str]:
            nonlocal remaining
            # Shard 0 first: a quiet brand keeps one item per bucket (cheap to read). Only when
            # writers collide (a viral brand, concurrent batches) do retries spread the
            # counters over the other shards.
            shard = self._counter_shard(workspace, brand_id, remaining, attempt)
            quota_shard = self._quota_shard(quota, remaining, attempt)
            while remaining:
                actions = self._transaction(workspace, brand_id, remaining, shard)
                if quota is not None:
                    # Last: its reason comes after the mentions' (a duplicate tells first).
                    actions.append(quota.action(len(remaining), quota_shard))
                try:
                    self._client.transact_write_items(
                        TransactItems=actions, ClientRequestToken=uuid.uuid4().hex
                    )
                    return {m.mention_id for m in remaining}
                except ClientError as error:
                    all_reasons = cancellation_reasons(error)
                    reasons = all_reasons[: len(remaining)]
                    duplicates = {
                        remaining[i].mention_id
                        for i, reason in enumerate(reasons)
                        if reason == "ConditionalCheckFailed"
                    }
                    if not duplicates:
                        if (
                            quota is not None
                            and len(all_reasons) == len(actions)
                            and all_reasons[-1] == "ConditionalCheckFailed"
                        ):
                            raise QuotaRefusedError(len(remaining), quota_shard) from None
                        raise
                    present.update(duplicates)
                    # Drop what is already stored and write the rest at once.
                    remaining = [m for m in remaining if m.mention_id not in duplicates]
            return set()

        return with_retries(write, what="a mention write", attempts=self._max_attempts)

    def _counter_shard(
        self, workspace: str, brand_id: str, chunk: Sequence[NewMention], attempt: int
    ) -> int:
        """The aggregate shard a chunk's counters go to.

        A brand with one mention shard: shard 0 first (a quiet brand keeps one item per bucket,
        cheap to read), the others only when writers collide (retries). A sharded brand (a
        viral one, one mention per POST): from the first mention's id over all its aggregate
        shards, so thousands of single-mention writes a second spread evenly.
        """
        shards = self._shards.counter_shards(workspace, brand_id, self._aggregates.shards)
        if attempt:
            return random.randrange(shards)
        if self._shards.mention_shards(workspace, brand_id) == 1 or not chunk:
            return 0
        return first_mention_shard(chunk, shards)

    @staticmethod
    def _quota_shard(quota: QuotaAction | None, chunk: Sequence[NewMention], attempt: int) -> int:
        """The quota shard a chunk reserves on: chosen as its counter shard is (the first
        mention's id), so a viral workspace's single-mention writes spread over its quota
        shards; a retry after a conflict on a busy shard tries another at random."""
        if quota is None or quota.shards == 1:
            return 0
        if quota.pinned is not None:
            return quota.pinned
        if attempt:
            return random.randrange(quota.shards)
        return first_mention_shard(chunk, quota.shards)

    def _transaction(
        self, workspace: str, brand_id: str, mentions: Sequence[NewMention], shard: int
    ) -> list[TransactWriteItemTypeDef]:
        actions: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": to_item(self._mention_item(workspace, brand_id, m)),
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            }
            for m in mentions
        ]
        totals: dict[str, dict[str, float]] = {}
        expiry: dict[str, int] = {}
        for m in mentions:
            for sort_key in bucket_sort_keys(m.mention.published_utc, self._bucket_seconds):
                add_counters(totals.setdefault(sort_key, {}), m.counters)
                expiry[sort_key] = max(expiry.get(sort_key, 0), m.expires_at)
        actions.extend(
            self._aggregates.update_action(workspace, brand_id, shard, sk, counters, expiry[sk])
            for sk, counters in sorted(totals.items())
        )
        return actions

    def _mention_item(self, workspace: str, brand_id: str, m: NewMention) -> dict[str, Any]:
        # The brand's shard of this mention: its item, time order, hot and queue keys.
        shard = keys.mention_shard(m.mention_id, self._shards.mention_shards(workspace, brand_id))
        time_key = keys.time_sort_key(m.mention.published_utc, m.mention_id)
        item: dict[str, Any] = {
            "PK": keys.mentions_pk(workspace, brand_id, shard),
            "SK": keys.mention_sk(m.mention_id),
            "GSI1PK": keys.mentions_pk(workspace, brand_id, shard),
            "GSI1SK": time_key,
            "mention_id": m.mention_id,
            "tier": m.triage.tier.value,
            "network": m.mention.network.value,
            "risk": m.triage.risk,
            "received_at": keys.format_instant(m.received_at),
            "expires_at": m.expires_at,
            # JSON documents: smaller and faster to (de)serialise than nested DynamoDB maps.
            "mention": m.document,
            "triage": m.triage.model_dump_json(),
        }
        if m.hot:
            item["GSI2PK"] = keys.hot_mentions_pk(workspace, brand_id, shard)
            # Newest hour, then riskiest first when read backwards (api/storage/hot.py).
            item["GSI2SK"] = hot.sort_key(m.mention.published_utc, m.triage.risk, m.mention_id)
        # The answer queue (api/queue): a mention above `watch` starts open, in GSI3.
        item.update(queue_attributes(workspace, brand_id, m.mention_id, m.triage, shard))
        return item

    # --- reads ----------------------------------------------------------------------------

    def mention_key(self, workspace: str, brand_id: str, mention_id: str) -> dict[str, Any]:
        """The table key of a mention: its shard is computed from its id (one GetItem)."""
        shard = keys.mention_shard(mention_id, self._shards.mention_shards(workspace, brand_id))
        return {
            "PK": keys.mentions_pk(workspace, brand_id, shard),
            "SK": keys.mention_sk(mention_id),
        }

    def get(self, workspace: str, brand_id: str, mention_id: str) -> StoredMention | None:
        response = self._client.get_item(
            TableName=self._table, Key=to_item(self.mention_key(workspace, brand_id, mention_id))
        )
        return stored_mention_from_item(brand_id, response["Item"]) if "Item" in response else None

    def get_many(
        self, workspace: str, brand_id: str, mention_ids: Sequence[str]
    ) -> dict[str, StoredMention]:
        found: dict[str, StoredMention] = {}
        unique = sorted(set(mention_ids))
        for start in range(0, len(unique), 100):
            request_keys: Any = [
                to_item(self.mention_key(workspace, brand_id, mention_id))
                for mention_id in unique[start : start + 100]
            ]
            request: Any = {self._table: {"Keys": request_keys, "ConsistentRead": True}}

            def read(_: int) -> None:
                nonlocal request
                response = self._client.batch_get_item(RequestItems=request)
                for raw in response.get("Responses", {}).get(self._table, []):
                    stored = stored_mention_from_item(brand_id, raw)
                    found[stored.id] = stored
                request = response.get("UnprocessedKeys") or {}
                if request:
                    raise RetryLater("DynamoDB left keys unprocessed")

            with_retries(read, what="a mention read", attempts=self._max_attempts)
        return found

    def list(
        self,
        workspace: str,
        brand_id: str,
        filters: MentionFilters,
        limit: int,
        after: str | None,
    ) -> tuple[list[StoredMention], str | None]:
        """Newest first; `after` is the GSI1 sort key of the last item of the previous page."""
        lower = keys.format_instant(filters.since) if filters.since else "0"
        upper = (keys.format_instant(filters.until) + "#~") if filters.until else "~"
        values: dict[str, Any] = {
            ":lower": to_attribute(lower),
            ":upper": to_attribute(upper),
        }
        conditions: list[str] = []
        names: dict[str, str] = {}
        if filters.tier is not None:
            conditions.append("tier = :tier")
            values[":tier"] = to_attribute(filters.tier.value)
        if filters.network is not None:
            conditions.append("#network = :network")
            names["#network"] = "network"
            values[":network"] = to_attribute(filters.network.value)
        if filters.status is not None:
            condition, status_values = status_condition(filters.status)
            conditions.append(condition)
            values.update(status_values)
        base: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": "GSI1",
            "KeyConditionExpression": "GSI1PK = :pk AND GSI1SK BETWEEN :lower AND :upper",
            "ScanIndexForward": False,
        }
        if conditions:
            base["FilterExpression"] = " AND ".join(conditions)
        if names:
            base["ExpressionAttributeNames"] = names
        if after is not None and after < lower:
            return [], None  # the cursor is already past the oldest instant asked for
        shards = self._shards.mention_shards(workspace, brand_id)
        requests = []
        for shard in range(shards):
            pk = keys.mentions_pk(workspace, brand_id, shard)
            request = base | {"ExpressionAttributeValues": values | {":pk": to_attribute(pk)}}
            if after is not None and after <= upper:
                # (A cursor newer than `until` comes before every item in range: start at the
                # top. DynamoDB refuses a start key outside the key condition's range.) Every
                # shard resumes at the same position: sort keys are unique across shards.
                mention_id = after.rsplit("#", 1)[-1]
                request["ExclusiveStartKey"] = to_item(
                    {"PK": pk, "SK": keys.mention_sk(mention_id), "GSI1PK": pk, "GSI1SK": after}
                )
            requests.append(request)
        # Bounded reads (no scans): a filter matching nothing must not read the whole brand, so
        # a page reads at most SCAN_BUDGET index items (all shards together), and answers a
        # short (even empty) page with a `next_cursor` where it stopped. Pages are capped in
        # bytes too (Lambda answers at most 6 MB).
        filtered = bool(conditions)
        raw_items, cursor = merged_page(
            lambda request: self._client.query(**request),
            requests,
            sort_attribute="GSI1SK",
            descending=True,
            limit=limit,
            fetch_limit=max(1, SCAN_BUDGET // shards)
            if filtered
            else per_shard_limit(limit, shards),
            scan_budget=SCAN_BUDGET if filtered else None,
            size_of=_raw_size,
            max_bytes=MAX_PAGE_BYTES,
            what="a mention listing",
        )
        return [stored_mention_from_item(brand_id, raw) for raw in raw_items], cursor


def _raw_size(raw: Any) -> int:
    """The stored documents' size in bytes: what dominates the item in the response."""
    return sum(
        len(str(raw.get(name, {}).get("S", "")).encode("utf-8", "surrogatepass"))
        for name in ("mention", "triage")
    )
