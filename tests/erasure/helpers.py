"""Reading the whole local table (a scan: fine in tests, never on a request path)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from mypy_boto3_dynamodb import DynamoDBClient

from api.settings import Settings
from api.storage.codec import from_item
from tests.factories import create_brand, create_sharded_brand, mention


def new_brand(
    client: TestClient, dynamodb: DynamoDBClient, settings: Settings, workspace: str, shards: int
) -> str:
    """A brand of `shards` mention shards in the client's workspace (1: through the API)."""
    if shards == 1:
        return create_brand(client)
    return create_sharded_brand(dynamodb, settings.table_name, workspace, shards)


def scan_table(
    dynamodb: DynamoDBClient, settings: Settings, index: str | None = None
) -> list[dict[str, Any]]:
    """Every item of the table (or of one of its indexes)."""
    items: list[dict[str, Any]] = []
    request: dict[str, Any] = {"TableName": settings.table_name}
    if index is None:
        request["ConsistentRead"] = True
    else:
        request["IndexName"] = index
    while True:
        response = dynamodb.scan(**request)
        items.extend(from_item(raw) for raw in response.get("Items", []))
        if "LastEvaluatedKey" not in response:
            return items
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def items_naming(items: list[dict[str, Any]], workspace: str, needle: str) -> list[dict[str, Any]]:
    """The workspace's items whose keys or attributes contain `needle` anywhere.

    Workspaces and brand ids are random per test, so a match is this test's data; erasure job
    items (the status resource) are left out: they name their target on purpose.
    """
    found = []
    for item in items:
        text = json.dumps(item, default=str)
        if workspace in text and needle in text and item.get("kind") != "erasure":
            found.append(item)
    return found


def ingest(client: TestClient, brand_id: str, payloads: list[dict[str, Any]]) -> dict[str, Any]:
    response = client.post(f"/v1/brands/{brand_id}/mentions", json={"mentions": payloads})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def angry(external_id: str, minutes_ago: float, handle: str = "@someone") -> dict[str, Any]:
    """A negative mention published `minutes_ago` (fixed relative to the hour it lands in)."""
    published = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    return mention(
        external_id,
        published_at=published.isoformat(),
        text="Scandal: this brand lied, refund now, I am furious and will sue",
        author={"handle": handle, "followers": 5000, "kind": "person"},
        engagement={"likes": 40, "shares": 12, "comments": 9},
        sentiment={"score": -0.9},
    )


def counter_totals(
    dynamodb: DynamoDBClient,
    settings: Settings,
    workspace: str,
    brand_id: str,
    mention_shards: int = 1,
) -> dict[tuple[str, str], float]:
    """(bucket sort key, counter) -> the sum over every shard; zeros left out (an erased
    mention's counters are subtracted, not removed). A sharded brand spreads its counters
    over max(aggregate_shards, mention_shards) items."""
    totals: dict[tuple[str, str], float] = {}
    for shard in range(max(settings.aggregate_shards, mention_shards)):
        response = dynamodb.query(
            TableName=settings.table_name,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": f"AGG#{workspace}#{brand_id}#{shard}"}},
            ConsistentRead=True,
        )
        for item in (from_item(raw) for raw in response["Items"]):
            for name, value in item.items():
                if name not in {"PK", "SK", "expires_at"}:
                    key = (str(item["SK"]), name)
                    totals[key] = totals.get(key, 0) + value
    return {key: round(value, 6) for key, value in totals.items() if round(value, 6) != 0}
