"""Every DynamoDB call of the answer queue.

The queue is the sparse index GSI3 (GSI4: its keys only, for counting): a mention is in it
(GSI3PK/GSI3SK set) exactly while its handling status is `open`, sorted by its `respond_by`
deadline. Listing the queue is therefore one bounded Query, however many mentions the brand
holds. A status change is one UpdateItem on the mention item that touches only `handling` and
the GSI3 keys: never the triage, never the aggregate counters.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from api.engine.schemas import MentionTriage, Tier
from api.mentions.items import STATUS_ATTRIBUTE, stored_mention_from_item
from api.queue.schemas import Handling, HandlingStatus
from api.storage import keys
from api.storage.codec import to_attribute, to_item
from api.storage.fanout import at_once, merged_page, per_shard_limit
from api.storage.retry import error_code, with_retries
from api.storage.shards import ShardCounts

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from api.mentions.schemas import StoredMention

QUEUE_INDEX = "GSI3"
# The same keys, KEYS_ONLY: what counting reads.
QUEUE_KEYS_INDEX = "GSI4"
# The summary counts at most this many open (and overdue) mentions: beyond, "100+" says enough
# to a community manager, and counting stays a small part of the brand page's cost.
MAX_COUNTED = 100


def queue_attributes(
    workspace: str, brand_id: str, mention_id: str, triage: MentionTriage, shard: int = 0
) -> dict[str, Any]:
    """What a newly stored mention adds to its item: tiers above `watch` start `open` (in the
    queue of the mention's shard)."""
    if triage.tier is Tier.watch:
        return {}
    return {
        "GSI3PK": keys.queue_pk(workspace, brand_id, shard),
        "GSI3SK": keys.queue_sk(triage.respond_by, mention_id),
    }


class MentionGoneError(Exception):
    """The mention disappeared (retention TTL) between the read and the update."""


class QueueRepository:
    def __init__(
        self, client: DynamoDBClient, table_name: str, shard_counts: ShardCounts | None = None
    ) -> None:
        self._client = client
        self._table = table_name
        self._shards = shard_counts or ShardCounts(client, table_name)

    def set_handling(
        self,
        workspace: str,
        brand_id: str,
        mention_id: str,
        handling: Handling,
        respond_by: datetime | None,
    ) -> None:
        """Store the handling; an `open` mention enters the queue, any other status leaves it."""
        values: dict[str, Any] = {
            ":handling": to_attribute(handling.model_dump_json()),
            ":status": to_attribute(handling.status.value),
        }
        update = f"SET handling = :handling, {STATUS_ATTRIBUTE} = :status"
        shard = keys.mention_shard(mention_id, self._shards.mention_shards(workspace, brand_id))
        if handling.status is HandlingStatus.open:
            update += ", GSI3PK = :queue_pk, GSI3SK = :queue_sk"
            values[":queue_pk"] = to_attribute(keys.queue_pk(workspace, brand_id, shard))
            values[":queue_sk"] = to_attribute(keys.queue_sk(respond_by, mention_id))
        else:
            update += " REMOVE GSI3PK, GSI3SK"
        key = to_item(
            {"PK": keys.mentions_pk(workspace, brand_id, shard), "SK": keys.mention_sk(mention_id)}
        )

        def write(_: int) -> None:
            try:
                self._client.update_item(
                    TableName=self._table,
                    Key=key,
                    UpdateExpression=update,
                    ConditionExpression="attribute_exists(PK)",
                    ExpressionAttributeValues=values,
                )
            except ClientError as error:
                if error_code(error) == "ConditionalCheckFailedException":
                    raise MentionGoneError(mention_id) from None
                raise

        with_retries(write, what="a handling update")

    def list_open(
        self, workspace: str, brand_id: str, limit: int, after: str | None
    ) -> tuple[list[StoredMention], str | None]:
        """One page of the queue, earliest deadline first; `after` is the last page's GSI3SK.

        A sharded brand has one queue per shard: each is read from `after` on and merged (the
        sort keys `<respond_by>#<id>` are unique across shards, so one position is a cursor).
        """
        shards = self._shards.mention_shards(workspace, brand_id)
        requests = []
        for shard in range(shards):
            pk = keys.queue_pk(workspace, brand_id, shard)
            request: dict[str, Any] = {
                "TableName": self._table,
                "IndexName": QUEUE_INDEX,
                "KeyConditionExpression": "GSI3PK = :pk",
                "ExpressionAttributeValues": {":pk": to_attribute(pk)},
            }
            if after is not None:
                mention_id = after.rsplit("#", 1)[-1]
                request["ExclusiveStartKey"] = to_item(
                    {
                        "PK": keys.mentions_pk(workspace, brand_id, shard),
                        "SK": keys.mention_sk(mention_id),
                        "GSI3PK": pk,
                        "GSI3SK": after,
                    }
                )
            requests.append(request)
        raw_items, cursor = merged_page(
            lambda request: self._client.query(**request),
            requests,
            sort_attribute="GSI3SK",
            descending=False,
            limit=limit,
            fetch_limit=per_shard_limit(limit, shards),
            what="a queue listing",
        )
        return [stored_mention_from_item(brand_id, raw) for raw in raw_items], cursor

    def count_open(
        self, workspace: str, brand_id: str, now: datetime
    ) -> tuple[int, int, str | None, bool]:
        """(open, overdue, earliest GSI3SK, truncated), from COUNT queries of the keys-only index:
        each shard's (at once, for a sharded brand), summed to MAX_COUNTED at most, the earliest
        of the shards' first keys.

        COUNT answers carry no items: neither DynamoDB nor botocore serialises 1,000 keys.
        """
        overdue_before = to_attribute(keys.format_instant(now))

        def shard_counts(shard: int) -> tuple[int, bool, int, str | None]:
            pk = to_attribute(keys.queue_pk(workspace, brand_id, shard))
            counted, more = self._count("GSI3PK = :pk", {":pk": pk})
            if not counted:
                return 0, False, 0, None
            late, _ = self._count(
                "GSI3PK = :pk AND GSI3SK < :now", {":pk": pk, ":now": overdue_before}
            )
            return counted, more, late, self._first_key(pk)

        per_shard = at_once(shard_counts, range(self._shards.mention_shards(workspace, brand_id)))
        total = sum(counted for counted, _, _, _ in per_shard)
        truncated = total > MAX_COUNTED or any(more for _, more, _, _ in per_shard)
        overdue = min(MAX_COUNTED, sum(late for _, _, late, _ in per_shard))
        firsts = [first for _, _, _, first in per_shard if first is not None]
        return min(total, MAX_COUNTED), overdue, min(firsts, default=None), truncated

    def _first_key(self, pk: Any) -> str | None:
        """The earliest GSI3SK of one shard's queue."""
        response = with_retries(
            lambda _: self._client.query(
                TableName=self._table,
                IndexName=QUEUE_KEYS_INDEX,
                KeyConditionExpression="GSI3PK = :pk",
                ExpressionAttributeValues={":pk": pk},
                Limit=1,
            ),
            what="a queue count",
        )
        items = response.get("Items", [])
        return str(items[0]["GSI3SK"]["S"]) if items else None

    def _count(self, condition: str, values: dict[str, Any]) -> tuple[int, bool]:
        """Items matching `condition`, up to MAX_COUNTED; and whether more remain."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": QUEUE_KEYS_INDEX,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": values,
            "Select": "COUNT",
            "Limit": MAX_COUNTED,
        }
        counted = 0
        while True:
            response = with_retries(lambda _: self._client.query(**request), what="a queue count")
            counted += response.get("Count", 0)
            last = response.get("LastEvaluatedKey")
            if last is None:
                return counted, False
            if counted >= MAX_COUNTED:
                return counted, True
            request["ExclusiveStartKey"] = last
            request["Limit"] = MAX_COUNTED - counted
