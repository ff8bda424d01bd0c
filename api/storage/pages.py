"""Reads of listed items (workspace lists): one item by its key, or one page of the items under
a partition key whose sort keys share a prefix."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from api.storage.codec import from_item, to_attribute, to_item
from api.storage.retry import with_retries

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


def get_by_key(
    client: DynamoDBClient, table: str, *, pk: str, sk: str, consistent: bool = True
) -> dict[str, Any] | None:
    """The decoded item at (`pk`, `sk`); None when there is none.

    Strongly consistent unless told otherwise: these items are read back right after a write
    (a key used once created, a source rotated once registered).
    """
    response = client.get_item(
        TableName=table, Key=to_item({"PK": pk, "SK": sk}), ConsistentRead=consistent
    )
    return from_item(response["Item"]) if "Item" in response else None


def query_prefix_page(
    client: DynamoDBClient,
    table: str,
    *,
    pk: str,
    sk_prefix: str,
    limit: int,
    after_sk: str | None,
) -> tuple[list[dict[str, Any]], bool]:
    """Up to `limit` decoded items in sort-key order after `after_sk`, and whether more follow."""
    request: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
        "ExpressionAttributeValues": {":pk": to_attribute(pk), ":prefix": to_attribute(sk_prefix)},
        "Limit": limit,
    }
    if after_sk is not None:
        request["ExclusiveStartKey"] = to_item({"PK": pk, "SK": after_sk})
    response = with_retries(lambda _: client.query(**request), what="a listing")
    items = [from_item(raw) for raw in response.get("Items", [])]
    return items, bool(items) and "LastEvaluatedKey" in response
