"""The daily ingest counter of a workspace: one item per workspace per UTC day."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from api.storage.codec import from_item, to_attribute, to_item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef


def quota_pk(workspace: str, day: str) -> str:
    # Its own partition (not `WS#<ws>`): every ingest writes it, the workspace listings don't.
    return f"QUOTA#{workspace}#{day}"


_SK = "MENTIONS"


class QuotaRepository:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def reserve(self, workspace: str, day: str, count: int, limit: int, expires_at: int) -> bool:
        """Add `count` to the day's counter unless the total would pass `limit` (atomic:
        concurrent batches cannot both squeeze past it); False when refused."""
        if count > limit:
            return False
        try:
            self._client.update_item(
                TableName=self._table,
                Key=to_item({"PK": quota_pk(workspace, day), "SK": _SK}),
                UpdateExpression="SET expires_at = if_not_exists(expires_at, :ttl) ADD used :n",
                ConditionExpression="attribute_not_exists(used) OR used <= :room",
                ExpressionAttributeValues={
                    ":n": to_attribute(count),
                    ":room": to_attribute(limit - count),
                    ":ttl": to_attribute(expires_at),
                },
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def reserve_action(
        self, workspace: str, day: str, count: int, limit: int, expires_at: int
    ) -> TransactWriteItemTypeDef:
        """The same reservation as one action of a mention's transaction: the mention and its
        quota are written together or not at all, so a duplicate (cancelled by its own
        condition) never needs room, and nothing has to be given back."""
        room = limit - count
        update: dict[str, Any] = {
            "TableName": self._table,
            "Key": to_item({"PK": quota_pk(workspace, day), "SK": _SK}),
            "UpdateExpression": "SET expires_at = if_not_exists(expires_at, :ttl) ADD used :n",
            # More than the whole quota: a condition that cannot hold (a room below zero would
            # let a first write of the day through `attribute_not_exists`).
            "ConditionExpression": "attribute_not_exists(used) OR used <= :room"
            if room >= 0
            else "attribute_exists(PK) AND attribute_not_exists(PK)",
            "ExpressionAttributeValues": {
                ":n": to_attribute(count),
                ":ttl": to_attribute(expires_at),
                **({":room": to_attribute(room)} if room >= 0 else {}),
            },
        }
        return {"Update": update}  # type: ignore[typeddict-item]

    def release(self, workspace: str, day: str, count: int) -> None:
        """Give back part of a reservation (duplicates, or a batch that was not stored)."""
        if count <= 0:
            return
        self._client.update_item(
            TableName=self._table,
            Key=to_item({"PK": quota_pk(workspace, day), "SK": _SK}),
            UpdateExpression="ADD used :n",
            ConditionExpression="attribute_exists(used)",
            ExpressionAttributeValues={":n": to_attribute(-count)},
        )

    def used(self, workspace: str, day: str) -> int:
        response = self._client.get_item(
            TableName=self._table,
            Key=to_item({"PK": quota_pk(workspace, day), "SK": _SK}),
            ConsistentRead=True,
        )
        if "Item" not in response:
            return 0
        return int(from_item(response["Item"]).get("used", 0))
