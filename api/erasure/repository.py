"""Every DynamoDB call of erasures: the job items, and deleting a brand's partitions in pages.

Items (PK / SK):

- erasure job     `WS#<ws>` / `ERASURE#<erasure_id>`: scope, target, status, counts, the phase
  and cursor where the work stopped (it resumes there), a lease (one runner at a time).
- pending marker  `ERASUREJOBS` / `<ws>#<erasure_id>`: what the scheduled worker reads to find
  the unfinished jobs (one Query, no scan); deleted with the job's last write.

A brand erasure starts with one transaction: the brand item gets `erasure_id` (every read of
the brand then answers 404, and a create is refused until the job deletes the item), the job
and its marker are written. Pages of keys are then deleted with BatchWriteItem (25 keys a call)
from strongly consistent Queries: a page deleted never comes back, so resuming a partition is
starting it again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError

from api.engine.mention import Mention
from api.engine.schemas import MentionTriage
from api.storage import keys
from api.storage.codec import from_item, to_attribute, to_item
from api.storage.retry import RetryLater, cancellation_reasons, error_code, with_retries
from api.storage.shards import ShardCounts

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

JOBS_PK: Final = "ERASUREJOBS"
ERASURE_PREFIX: Final = "ERASURE#"
_BATCH_WRITE_KEYS: Final = 25
PAGE_SIZE: Final = 100


def erasure_sk(erasure_id: str) -> str:
    return f"{ERASURE_PREFIX}{erasure_id}"


def idempotency_pk(workspace: str) -> str:
    """Where Powertools Idempotency keeps a workspace's records (api/idempotency.py)."""
    return f"IDEMPOTENCY#{workspace}"


class BrandNotErasableError(Exception):
    """The brand does not exist, or is already being erased."""


class MentionGoneError(Exception):
    """The mention was erased (or expired) by someone else first."""


@dataclass(frozen=True, slots=True)
class StoredMentionRecord:
    """What erasing a mention needs: its keys, its content (to recompute its counters), expiry."""

    brand_id: str
    mention_id: str
    mention: Mention
    triage: MentionTriage
    expires_at: int


@dataclass(frozen=True, slots=True)
class MentionRecordPage:
    records: list[StoredMentionRecord]
    next_start: str | None
    """Where the next page starts (JSON of DynamoDB's LastEvaluatedKey), None at the end."""


class ErasureRepository:
    def __init__(
        self, client: DynamoDBClient, table_name: str, shard_counts: ShardCounts | None = None
    ) -> None:
        self._client = client
        self._table = table_name
        self.shard_counts = shard_counts or ShardCounts(client, table_name)
        """Each brand's mention shard count (read from its brand item, tombstoned or not)."""

    # --- jobs -----------------------------------------------------------------------------

    def start_brand_erasure(self, workspace: str, brand_id: str, job: Mapping[str, Any]) -> None:
        """Tombstone the brand and write the job, at once; BrandNotErasableError otherwise."""
        brand_key = to_item({"PK": keys.workspace_pk(workspace), "SK": keys.brand_sk(brand_id)})
        actions: list[TransactWriteItemTypeDef] = [
            {
                "Update": {
                    "TableName": self._table,
                    "Key": brand_key,
                    "UpdateExpression": "SET erasure_id = :id",
                    "ConditionExpression": "attribute_exists(PK) "
                    "AND attribute_not_exists(erasure_id)",
                    "ExpressionAttributeValues": {":id": to_attribute(job["erasure_id"])},
                }
            },
            *self._job_puts(workspace, job),
        ]
        try:
            with_retries(
                lambda _: self._client.transact_write_items(TransactItems=actions),
                what="starting an erasure",
            )
        except ClientError as error:
            if cancellation_reasons(error)[:1] == ["ConditionalCheckFailed"]:
                raise BrandNotErasableError(brand_id) from None
            raise

    def start_job(self, workspace: str, job: Mapping[str, Any]) -> None:
        actions = self._job_puts(workspace, job)
        with_retries(
            lambda _: self._client.transact_write_items(TransactItems=actions),
            what="starting an erasure",
        )

    def _job_puts(self, workspace: str, job: Mapping[str, Any]) -> list[TransactWriteItemTypeDef]:
        erasure_id = job["erasure_id"]
        return [
            {"Put": {"TableName": self._table, "Item": to_item(self._job_item(workspace, job))}},
            {
                "Put": {
                    "TableName": self._table,
                    "Item": to_item(
                        {
                            "PK": JOBS_PK,
                            "SK": f"{workspace}#{erasure_id}",
                            "workspace": workspace,
                            "erasure_id": erasure_id,
                        }
                    ),
                }
            },
        ]

    def _job_item(self, workspace: str, job: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "PK": keys.workspace_pk(workspace),
            "SK": erasure_sk(job["erasure_id"]),
            "kind": "erasure",
            "workspace": workspace,
            **job,
        }

    def get_job(self, workspace: str, erasure_id: str) -> dict[str, Any] | None:
        response = with_retries(
            lambda _: self._client.get_item(
                TableName=self._table,
                Key=to_item({"PK": keys.workspace_pk(workspace), "SK": erasure_sk(erasure_id)}),
                ConsistentRead=True,
            ),
            what="reading an erasure",
        )
        raw = response.get("Item")
        return from_item(raw) if raw else None

    def claim_job(self, workspace: str, erasure_id: str, now: float, until: float) -> bool:
        """Take the job's lease unless another runner holds it; True when this call did."""
        try:
            with_retries(
                lambda _: self._client.update_item(
                    TableName=self._table,
                    Key=to_item({"PK": keys.workspace_pk(workspace), "SK": erasure_sk(erasure_id)}),
                    UpdateExpression="SET lease_until = :until",
                    ConditionExpression="attribute_exists(PK) AND #status <> :done AND "
                    "(attribute_not_exists(lease_until) OR lease_until < :now)",
                    ExpressionAttributeNames={"#status": "status"},
                    ExpressionAttributeValues={
                        ":until": to_attribute(until),
                        ":now": to_attribute(now),
                        ":done": to_attribute("done"),
                    },
                ),
                what="claiming an erasure",
            )
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def save_job(self, workspace: str, job: Mapping[str, Any], *, finished: bool) -> None:
        """Record the progress; the last write also deletes the pending marker."""
        item = self._job_item(workspace, job)
        if not finished:
            with_retries(
                lambda _: self._client.put_item(TableName=self._table, Item=to_item(item)),
                what="recording an erasure's progress",
            )
            return
        actions: list[TransactWriteItemTypeDef] = [
            {"Put": {"TableName": self._table, "Item": to_item(item)}},
            {
                "Delete": {
                    "TableName": self._table,
                    "Key": to_item({"PK": JOBS_PK, "SK": f"{workspace}#{job['erasure_id']}"}),
                }
            },
        ]
        with_retries(
            lambda _: self._client.transact_write_items(TransactItems=actions),
            what="finishing an erasure",
        )

    def pending_jobs(self, limit: int = 100) -> list[tuple[str, str]]:
        """(workspace, erasure_id) of unfinished jobs, oldest workspace first (bounded)."""
        response = with_retries(
            lambda _: self._client.query(
                TableName=self._table,
                KeyConditionExpression="PK = :pk",
                ExpressionAttributeValues={":pk": to_attribute(JOBS_PK)},
                Limit=limit,
            ),
            what="listing pending erasures",
        )
        found = []
        for raw in response.get("Items", []):
            item = from_item(raw)
            found.append((str(item["workspace"]), str(item["erasure_id"])))
        return found

    # --- deleting partitions --------------------------------------------------------------

    def delete_partition_page(self, pk: str, sk_prefix: str | None = None) -> int:
        """Delete up to PAGE_SIZE items of partition `pk` (sort keys starting with `sk_prefix`);
        the number deleted: 0 when nothing is left."""
        condition = "PK = :pk"
        values: dict[str, Any] = {":pk": to_attribute(pk)}
        if sk_prefix is not None:
            condition += " AND begins_with(SK, :prefix)"
            values[":prefix"] = to_attribute(sk_prefix)
        response = with_retries(
            lambda _: self._client.query(
                TableName=self._table,
                KeyConditionExpression=condition,
                ExpressionAttributeValues=values,
                ProjectionExpression="PK, SK",
                ConsistentRead=True,
                Limit=PAGE_SIZE,
            ),
            what="reading keys to erase",
        )
        found = response.get("Items", [])
        self.delete_keys([{"PK": item["PK"], "SK": item["SK"]} for item in found])
        return len(found)

    def delete_matching_page(
        self, pk: str, sk_prefix: str, needles: Sequence[str], start: str | None
    ) -> tuple[int, str | None]:
        """Delete the items of one page of `pk`/`sk_prefix` whose `data` contains a needle;
        (deleted, where the next page starts or None)."""
        values: dict[str, Any] = {":pk": to_attribute(pk), ":prefix": to_attribute(sk_prefix)}
        tests = []
        for index, needle in enumerate(needles):
            values[f":n{index}"] = to_attribute(needle)
            tests.append(f"contains(#data, :n{index})")
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
            "FilterExpression": " OR ".join(tests),
            "ExpressionAttributeNames": {"#data": "data"},
            "ExpressionAttributeValues": values,
            "ProjectionExpression": "PK, SK",
            "ConsistentRead": True,
            "Limit": PAGE_SIZE,
        }
        if start is not None:
            request["ExclusiveStartKey"] = json.loads(start)
        response = with_retries(
            lambda _: self._client.query(**request), what="reading records to erase"
        )
        found = response.get("Items", [])
        self.delete_keys([{"PK": item["PK"], "SK": item["SK"]} for item in found])
        last = response.get("LastEvaluatedKey")
        return len(found), json.dumps(last) if last else None

    def delete_keys(self, raw_keys: Sequence[Mapping[str, Any]]) -> None:
        """BatchWriteItem deletes (raw attribute keys), unprocessed keys retried."""
        for first in range(0, len(raw_keys), _BATCH_WRITE_KEYS):
            request: Any = {
                self._table: [
                    {"DeleteRequest": {"Key": dict(key)}}
                    for key in raw_keys[first : first + _BATCH_WRITE_KEYS]
                ]
            }

            def write(_: int) -> None:
                nonlocal request
                response = self._client.batch_write_item(RequestItems=request)
                request = response.get("UnprocessedItems") or {}
                if request:
                    raise RetryLater("DynamoDB left deletes unprocessed")

            with_retries(write, what="erasing items", attempts=8)

    def delete_tombstoned_brand(self, workspace: str, brand_id: str, erasure_id: str) -> None:
        """The brand item, last: only if it is still this erasure's tombstone."""
        try:
            with_retries(
                lambda _: self._client.delete_item(
                    TableName=self._table,
                    Key=to_item(
                        {"PK": keys.workspace_pk(workspace), "SK": keys.brand_sk(brand_id)}
                    ),
                    ConditionExpression="erasure_id = :id",
                    ExpressionAttributeValues={":id": to_attribute(erasure_id)},
                ),
                what="erasing a brand",
            )
        except ClientError as error:
            if error_code(error) != "ConditionalCheckFailedException":
                raise
        # A brand created again under this id may choose another shard count.
        self.shard_counts.forget(workspace, brand_id)

    # --- mentions -------------------------------------------------------------------------

    def _mention_key(self, workspace: str, brand_id: str, mention_id: str) -> dict[str, Any]:
        shard = keys.mention_shard(
            mention_id, self.shard_counts.mention_shards(workspace, brand_id)
        )
        return {
            "PK": keys.mentions_pk(workspace, brand_id, shard),
            "SK": keys.mention_sk(mention_id),
        }

    def get_mention(
        self, workspace: str, brand_id: str, mention_id: str
    ) -> StoredMentionRecord | None:
        response = with_retries(
            lambda _: self._client.get_item(
                TableName=self._table,
                Key=to_item(self._mention_key(workspace, brand_id, mention_id)),
                ConsistentRead=True,
            ),
            what="reading a mention",
        )
        raw = response.get("Item")
        return _record(brand_id, raw) if raw else None

    def mentions_page(self, workspace: str, brand_id: str, start: str | None) -> MentionRecordPage:
        """One page of a brand's mentions in key order, shard after shard (an author erasure
        reads them all). `start` is JSON: `{"shard": s, "key": <LastEvaluatedKey>}` (a bare
        LastEvaluatedKey, as jobs started before sharding recorded, is shard 0's)."""
        shard, key = 0, None
        if start is not None:
            position = json.loads(start)
            if "shard" in position:
                shard, key = int(position["shard"]), position.get("key")
            else:
                key = position
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": {
                ":pk": to_attribute(keys.mentions_pk(workspace, brand_id, shard))
            },
            "ProjectionExpression": "mention_id, mention, triage, expires_at",
            "Limit": PAGE_SIZE,
        }
        if key is not None:
            request["ExclusiveStartKey"] = key
        response = with_retries(lambda _: self._client.query(**request), what="reading mentions")
        last = response.get("LastEvaluatedKey")
        if last is None and shard + 1 < self.shard_counts.mention_shards(workspace, brand_id):
            next_start: str | None = json.dumps({"shard": shard + 1, "key": None})
        else:
            next_start = json.dumps({"shard": shard, "key": last}) if last else None
        return MentionRecordPage(
            records=[_record(brand_id, raw) for raw in response.get("Items", [])],
            next_start=next_start,
        )

    def erase_mention(
        self,
        workspace: str,
        record: StoredMentionRecord,
        decrements: Mapping[str, Mapping[str, float]],
    ) -> None:
        """Delete the mention and take its counters back out of its buckets, in one transaction.

        The counters go back into shard 0 whichever shard they were added to: readers sum the
        shards, so the sum is exact. The delete's condition makes a retry (or a concurrent
        erasure) subtract nothing twice: MentionGoneError.
        """
        actions: list[TransactWriteItemTypeDef] = [
            {
                "Delete": {
                    "TableName": self._table,
                    "Key": to_item(
                        self._mention_key(workspace, record.brand_id, record.mention_id)
                    ),
                    "ConditionExpression": "attribute_exists(PK)",
                }
            }
        ]
        for sort_key, counters in sorted(decrements.items()):
            actions.append(
                self._decrement_action(workspace, record, sort_key, counters)  # type: ignore[arg-type]
            )
        try:
            with_retries(
                lambda _: self._client.transact_write_items(TransactItems=actions),
                what="erasing a mention",
            )
        except ClientError as error:
            if cancellation_reasons(error)[:1] == ["ConditionalCheckFailed"]:
                raise MentionGoneError(record.mention_id) from None
            raise

    def _decrement_action(
        self,
        workspace: str,
        record: StoredMentionRecord,
        sort_key: str,
        counters: Mapping[str, float],
    ) -> dict[str, Any]:
        names: dict[str, str] = {}
        values: dict[str, Any] = {":exp": to_attribute(record.expires_at)}
        subtractions = []
        for index, (name, value) in enumerate(sorted(counters.items())):
            names[f"#c{index}"] = name
            values[f":c{index}"] = to_attribute(-value)
            subtractions.append(f"#c{index} :c{index}")
        # A bucket's expiry is the latest of its mentions': never shorten it.
        expression = "SET expires_at = if_not_exists(expires_at, :exp)"
        if subtractions:
            expression += " ADD " + ", ".join(subtractions)
        update: dict[str, Any] = {
            "TableName": self._table,
            "Key": to_item(
                {"PK": keys.aggregate_pk(workspace, record.brand_id, 0), "SK": sort_key}
            ),
            "UpdateExpression": expression,
            "ExpressionAttributeValues": values,
        }
        if names:
            update["ExpressionAttributeNames"] = names
        return {"Update": update}


def _record(brand_id: str, raw: Mapping[str, Any]) -> StoredMentionRecord:
    item = from_item(raw)
    return StoredMentionRecord(
        brand_id=brand_id,
        mention_id=str(item["mention_id"]),
        mention=Mention.model_validate_json(item["mention"]),
        triage=MentionTriage.model_validate_json(item["triage"]),
        expires_at=int(item.get("expires_at", 0)),
    )
