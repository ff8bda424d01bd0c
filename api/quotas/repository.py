"""The daily ingest counter of a workspace: one item per workspace per UTC day, or, for a
workspace with N mention shards, N items sharing the day's limit (api/quotas/service.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from api.storage.codec import from_item, to_attribute, to_item
from api.storage.retry import RetryLater, cancellation_reasons, with_retries

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef


def quota_pk(workspace: str, day: str, shard: int = 0) -> str:
    # Its own partition (not `WS#<ws>`): every ingest writes it, the workspace listings don't.
    # Shard 0 is the key as it always was: a workspace with one shard reads and writes as before.
    key = f"QUOTA#{workspace}#{day}"
    return key if shard == 0 else f"{key}#{shard}"


def share(limit: int, shards: int, shard: int) -> int:
    """Shard `shard`'s part of the day's `limit`: split exactly (the parts add up to `limit`),
    the first `limit % shards` shards holding one more."""
    base, extra = divmod(limit, shards)
    return base + (1 if shard < extra else 0)


_SK = "MENTIONS"
_IMPOSSIBLE = "attribute_exists(PK) AND attribute_not_exists(PK)"


def _update(
    table: str, workspace: str, day: str, shard: int, count: int, room: int, expires_at: int
) -> dict[str, Any]:
    """Add `count` to one shard unless its total would pass its share (`room` = share - count)."""
    return {
        "TableName": table,
        "Key": to_item({"PK": quota_pk(workspace, day, shard), "SK": _SK}),
        "UpdateExpression": "SET expires_at = if_not_exists(expires_at, :ttl) ADD used :n",
        # More than the whole share: a condition that cannot hold (a room below zero would let
        # a first write of the day through `attribute_not_exists`).
        "ConditionExpression": "attribute_not_exists(used) OR used <= :room"
        if room >= 0
        else _IMPOSSIBLE,
        "ExpressionAttributeValues": {
            ":n": to_attribute(count),
            ":ttl": to_attribute(expires_at),
            **({":room": to_attribute(room)} if room >= 0 else {}),
        },
    }


class QuotaRepository:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def reserve(
        self,
        workspace: str,
        day: str,
        count: int,
        limit: int,
        expires_at: int,
        *,
        shard: int = 0,
        shards: int = 1,
    ) -> bool:
        """Add `count` to the day's counter (one shard of it) unless the total would pass its
        share of `limit` (atomic: concurrent batches cannot both squeeze past it); False when
        refused."""
        room = share(limit, shards, shard) - count
        if room < 0:
            return False
        try:
            self._client.update_item(
                **_update(self._table, workspace, day, shard, count, room, expires_at)
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def reserve_spread(
        self,
        workspace: str,
        day: str,
        takes: Mapping[int, int],
        limit: int,
        shards: int,
        expires_at: int,
    ) -> bool:
        """Add `takes[shard]` to each of those shards, all or none (one transaction); False when
        one of them has no room for its part any more (a concurrent write took it)."""
        actions: list[TransactWriteItemTypeDef] = [
            {
                "Update": _update(  # type: ignore[typeddict-item]
                    self._table,
                    workspace,
                    day,
                    shard,
                    count,
                    share(limit, shards, shard) - count,
                    expires_at,
                )
            }
            for shard, count in sorted(takes.items())
            if count > 0
        ]
        if not actions:
            return True

        def write(_: int) -> bool:
            try:
                self._client.transact_write_items(TransactItems=actions)
            except ClientError as error:
                if "ConditionalCheckFailed" in cancellation_reasons(error):
                    return False
                raise
            return True

        return with_retries(write, what="a quota reservation")

    def reserve_action(
        self,
        workspace: str,
        day: str,
        count: int,
        limit: int,
        expires_at: int,
        *,
        shard: int = 0,
        shards: int = 1,
    ) -> TransactWriteItemTypeDef:
        """The same reservation as one action of a mention's transaction: the mention and its
        quota are written together or not at all, so a duplicate (cancelled by its own
        condition) never needs room, and nothing has to be given back."""
        room = share(limit, shards, shard) - count
        update = _update(self._table, workspace, day, shard, count, room, expires_at)
        return {"Update": update}  # type: ignore[typeddict-item]

    def release(self, workspace: str, day: str, count: int, *, shard: int = 0) -> None:
        """Give back part of a reservation (duplicates, or a batch that was not stored)."""
        if count <= 0:
            return
        self._client.update_item(
            TableName=self._table,
            Key=to_item({"PK": quota_pk(workspace, day, shard), "SK": _SK}),
            UpdateExpression="ADD used :n",
            ConditionExpression="attribute_exists(used)",
            ExpressionAttributeValues={":n": to_attribute(-count)},
        )

    def used_by_shard(self, workspace: str, day: str, shards: int = 1) -> list[int]:
        """Each shard's count (consistent reads): one GetItem, or one BatchGetItem for N > 1."""
        if shards == 1:
            response = self._client.get_item(
                TableName=self._table,
                Key=to_item({"PK": quota_pk(workspace, day), "SK": _SK}),
                ConsistentRead=True,
            )
            item = from_item(response["Item"]) if "Item" in response else {}
            return [int(item.get("used", 0))]
        used = [0] * shards
        shard_of = {quota_pk(workspace, day, shard): shard for shard in range(shards)}
        request: Any = {
            self._table: {
                "Keys": [to_item({"PK": pk, "SK": _SK}) for pk in shard_of],
                "ConsistentRead": True,
            }
        }

        def read(_: int) -> None:
            nonlocal request
            response = self._client.batch_get_item(RequestItems=request)
            for raw in response.get("Responses", {}).get(self._table, []):
                item = from_item(raw)
                used[shard_of[str(item["PK"])]] = int(item.get("used", 0))
            request = response.get("UnprocessedKeys") or {}
            if request:
                raise RetryLater("DynamoDB left quota keys unprocessed")

        with_retries(read, what="a quota read")
        return used

    def used(self, workspace: str, day: str, shards: int = 1) -> int:
        return sum(self.used_by_shard(workspace, day, shards))


def rooms(used: Sequence[int], limit: int) -> list[int]:
    """What each shard may still take (a shard never holds more than its share)."""
    shards = len(used)
    return [max(0, share(limit, shards, shard) - n) for shard, n in enumerate(used)]
