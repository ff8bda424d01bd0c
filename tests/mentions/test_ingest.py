from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError
from fastapi.testclient import TestClient
from mypy_boto3_dynamodb import DynamoDBClient

from api.services import Services
from api.settings import Settings
from api.storage.codec import from_item
from api.storage.shards import ShardCounts
from tests.factories import create_sharded_brand, mention


def stored_items(
    dynamodb: DynamoDBClient, settings: Settings, workspace: str, brand: str
) -> dict[str, Any]:
    """Every mention and aggregate item of a brand, read straight from the table (every shard
    of a sharded brand: `MENTION#<ws>#<brand>#<s>` for s > 0)."""
    items: dict[str, Any] = {"mentions": [], "aggregates": []}
    shards = ShardCounts(dynamodb, settings.table_name).mention_shards(workspace, brand)
    for shard in range(max(settings.aggregate_shards, shards)):
        response = dynamodb.query(
            TableName=settings.table_name,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": f"AGG#{workspace}#{brand}#{shard}"}},
            ConsistentRead=True,
        )
        items["aggregates"] += [from_item(i) for i in response["Items"]]
    for shard in range(shards):
        suffix = f"#{shard}" if shard else ""
        response = dynamodb.query(
            TableName=settings.table_name,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": f"MENTION#{workspace}#{brand}{suffix}"}},
            ConsistentRead=True,
        )
        items["mentions"] += [from_item(i) for i in response["Items"]]
    return items


def counter_totals(aggregates: list[dict[str, Any]]) -> dict[tuple[str, str], float]:
    totals: dict[tuple[str, str], float] = {}
    for item in aggregates:
        for name, value in item.items():
            if name not in {"PK", "SK", "expires_at"}:
                key = (item["SK"], name)
                totals[key] = totals.get(key, 0) + value
    return totals


def test_ingest_returns_one_result_per_mention_in_order_and_the_assessment(
    client: TestClient, brand_id: str
) -> None:
    batch = [mention("a"), mention("b"), mention("c")]
    response = client.post(f"/v1/brands/{brand_id}/mentions", json={"mentions": batch})
    assert response.status_code == 200, response.text
    body = response.json()
    assert [r["external_id"] for r in body["results"]] == ["a", "b", "c"]
    assert all(not r["duplicate"] for r in body["results"])
    assert len({r["id"] for r in body["results"]}) == 3
    assert body["results"][0]["triage"]["tier"] in {
        "watch",
        "respond_publicly",
        "move_to_private",
        "executive_statement",
    }
    assert 0 <= body["assessment"]["score"] <= 100
    assert body["assessment"]["model_version"]


def test_a_resent_mention_is_a_duplicate_and_counts_nothing(
    client: TestClient,
    brand_id: str,
    workspace: str,
    dynamodb: DynamoDBClient,
    settings: Settings,
) -> None:
    first = client.post(f"/v1/brands/{brand_id}/mentions", json={"mentions": [mention("a")]})
    before = counter_totals(stored_items(dynamodb, settings, workspace, brand_id)["aggregates"])
    again = client.post(
        f"/v1/brands/{brand_id}/mentions", json={"mentions": [mention("a", text="edited")]}
    )
    result = again.json()["results"][0]
    assert result["duplicate"] is True
    assert result["id"] == first.json()["results"][0]["id"]
    assert result["triage"] == first.json()["results"][0]["triage"]
    after = stored_items(dynamodb, settings, workspace, brand_id)
    assert counter_totals(after["aggregates"]) == before
    assert len(after["mentions"]) == 1


def test_copies_inside_one_batch_count_once(
    client: TestClient, brand_id: str, workspace: str, dynamodb: DynamoDBClient, settings: Settings
) -> None:
    response = client.post(
        f"/v1/brands/{brand_id}/mentions", json={"mentions": [mention("a"), mention("a")]}
    )
    results = response.json()["results"]
    assert [r["duplicate"] for r in results] == [False, True]
    assert results[0]["id"] == results[1]["id"]
    assert len(stored_items(dynamodb, settings, workspace, brand_id)["mentions"]) == 1


@pytest.mark.parametrize("shards", [1, 5])
def test_same_batch_posted_three_times_concurrently_is_stored_once(
    live_client: httpx.Client,
    workspace: str,
    dynamodb: DynamoDBClient,
    settings: Settings,
    shards: int,
) -> None:
    base = datetime.now(UTC) - timedelta(hours=2)
    batch = [
        mention(f"m{i}", published_at=(base + timedelta(minutes=3 * i)).isoformat())
        for i in range(40)
    ]
    for brand in ("concurrent", "single"):
        if shards == 1:
            response = live_client.post("/v1/brands", json={"id": brand, "name": brand})
            assert response.status_code == 201
        else:
            create_sharded_brand(dynamodb, settings.table_name, workspace, shards, brand)

    def post(brand: str) -> httpx.Response:
        return live_client.post(f"/v1/brands/{brand}/mentions", json={"mentions": batch})

    with ThreadPoolExecutor(max_workers=3) as pool:
        responses = list(pool.map(post, ["concurrent"] * 3))
    assert [r.status_code for r in responses] == [200, 200, 200]
    new_per_mention = [
        sum(not r.json()["results"][i]["duplicate"] for r in responses) for i in range(len(batch))
    ]
    assert new_per_mention == [1] * len(batch)
    assert post("single").status_code == 200

    concurrent = stored_items(dynamodb, settings, workspace, "concurrent")
    single = stored_items(dynamodb, settings, workspace, "single")
    assert len(concurrent["mentions"]) == len(batch)
    assert counter_totals(concurrent["aggregates"]) == counter_totals(single["aggregates"])
    at = datetime.now(UTC).isoformat()
    risk = {
        brand: live_client.get(f"/v1/brands/{brand}/risk", params={"at": at}).json()
        for brand in ("concurrent", "single")
    }
    assert risk["concurrent"] == risk["single"]


def assert_nothing_stored(
    dynamodb: DynamoDBClient, settings: Settings, workspace: str, brand_id: str
) -> None:
    items = stored_items(dynamodb, settings, workspace, brand_id)
    assert items == {"mentions": [], "aggregates": []}


@pytest.mark.parametrize(
    ("body", "status", "problem_type", "param"),
    [
        (
            {"mentions": [mention(f"m{i}") for i in range(101)]},
            422,
            "validation-failed",
            "mentions",
        ),
        ({"mentions": []}, 422, "validation-failed", "mentions"),
        (
            {"mentions": [mention("ok"), mention("late", published_at="2999-01-01T00:00:00Z")]},
            422,
            "validation-failed",
            "mentions.1.published_at",
        ),
        (
            {"mentions": [mention("ok"), mention("bad", author={"followers": -1})]},
            422,
            "validation-failed",
            "mentions.1.author.followers",
        ),
        (
            {"mentions": [mention("ok"), mention("naive", published_at="2026-01-01T00:00:00")]},
            422,
            "validation-failed",
            "mentions.1.published_at",
        ),
        (
            {"mentions": [mention("ok"), {"text": "no id"}]},
            422,
            "validation-failed",
            "mentions.1.external_id",
        ),
        ({"items": [mention("ok")]}, 422, "validation-failed", "mentions"),
    ],
)
def test_a_rejected_batch_stores_nothing(
    client: TestClient,
    brand_id: str,
    workspace: str,
    dynamodb: DynamoDBClient,
    settings: Settings,
    body: dict[str, Any],
    status: int,
    problem_type: str,
    param: str,
) -> None:
    response = client.post(f"/v1/brands/{brand_id}/mentions", json=body)
    assert response.status_code == status, response.text
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert problem["type"].endswith(problem_type)
    assert param in [p["name"] for p in problem["invalid_params"]]
    assert problem["detail"]
    assert_nothing_stored(dynamodb, settings, workspace, brand_id)


def test_malformed_json_is_a_400_problem_and_stores_nothing(
    client: TestClient, brand_id: str, workspace: str, dynamodb: DynamoDBClient, settings: Settings
) -> None:
    response = client.post(
        f"/v1/brands/{brand_id}/mentions",
        content=b'{"mentions": [{"external_id": ',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["type"].endswith("/malformed-json")
    assert_nothing_stored(dynamodb, settings, workspace, brand_id)


def test_a_body_over_one_megabyte_is_a_413_problem(
    client: TestClient, brand_id: str, workspace: str, dynamodb: DynamoDBClient, settings: Settings
) -> None:
    big = [mention(f"m{i}", text="x" * 12_000) for i in range(90)]
    payload = json.dumps({"mentions": big}).encode()
    assert len(payload) > 1_048_576
    response = client.post(
        f"/v1/brands/{brand_id}/mentions",
        content=payload,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["type"].endswith("/payload-too-large")
    assert_nothing_stored(dynamodb, settings, workspace, brand_id)


def test_a_streamed_body_over_the_limit_is_refused_without_content_length(
    live_client: httpx.Client, brand_id: str
) -> None:
    def chunks() -> Any:
        yield b'{"mentions": ['
        for _ in range(200):
            yield b'"' + b"x" * 8_000 + b'",'
        yield b'"x"]}'

    response = live_client.post(
        f"/v1/brands/{brand_id}/mentions",
        content=chunks(),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413


def test_unknown_fields_are_kept_in_raw(client: TestClient, brand_id: str) -> None:
    payload = mention("a", vendor_score=7, extra={"nested": True})
    result = client.post(f"/v1/brands/{brand_id}/mentions", json={"mentions": [payload]}).json()
    mention_id = result["results"][0]["id"]
    stored = client.get(f"/v1/brands/{brand_id}/mentions/{mention_id}").json()
    assert stored["mention"]["raw"] == {"vendor_score": 7, "extra": {"nested": True}}


def test_mentions_expire_after_the_retention_period(
    client: TestClient,
    brand_id: str,
    workspace: str,
    dynamodb: DynamoDBClient,
    settings: Settings,
) -> None:
    client.patch(f"/v1/brands/{brand_id}", json={"settings": {"retention_days": 7}})
    before = datetime.now(UTC)
    client.post(f"/v1/brands/{brand_id}/mentions", json={"mentions": [mention("a")]})
    item = stored_items(dynamodb, settings, workspace, brand_id)["mentions"][0]
    expected = (before + timedelta(days=7)).timestamp()
    assert expected - 5 <= item["expires_at"] <= expected + 60
    ttl = dynamodb.describe_time_to_live(TableName=settings.table_name)
    assert ttl["TimeToLiveDescription"]["AttributeName"] == "expires_at"
    assert ttl["TimeToLiveDescription"]["TimeToLiveStatus"] == "ENABLED"


def test_throttling_past_retries_is_a_503_with_retry_after_and_nothing_half_written(
    client: TestClient,
    brand_id: str,
    workspace: str,
    dynamodb: DynamoDBClient,
    settings: Settings,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Fault injection: DynamoDB keeps throttling the write transaction."""
    repository = services.mentions._repository
    throttled = ClientError(
        {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}},
        "TransactWriteItems",
    )

    class ThrottlingClient:
        def __getattr__(self, name: str) -> Any:
            return getattr(dynamodb, name)

        def transact_write_items(self, **_: Any) -> None:
            raise throttled

    monkeypatch.setattr(repository, "_client", ThrottlingClient())
    monkeypatch.setattr(repository, "_max_attempts", 2)
    response = client.post(f"/v1/brands/{brand_id}/mentions", json={"mentions": [mention("a")]})
    assert response.status_code == 503
    assert response.headers["retry-after"].isdigit()
    assert response.json()["type"].endswith("/service-busy")
    monkeypatch.undo()
    assert_nothing_stored(dynamodb, settings, workspace, brand_id)
    # Once DynamoDB recovers, the same batch goes through.
    retried = client.post(f"/v1/brands/{brand_id}/mentions", json={"mentions": [mention("a")]})
    assert retried.json()["results"][0]["duplicate"] is False


def test_a_mention_published_before_1970_is_refused(client: TestClient, brand_id: str) -> None:
    old = mention("old", published_at="1969-12-31T23:59:59Z")
    response = client.post(f"/v1/brands/{brand_id}/mentions", json={"mentions": [old]})
    assert response.status_code == 422
    assert response.json()["invalid_params"][0]["name"] == "mentions.0.published_at"


def test_a_mention_too_big_for_one_dynamodb_item_is_refused_before_any_write(
    client: TestClient, brand_id: str, workspace: str, dynamodb: DynamoDBClient, settings: Settings
) -> None:
    """DynamoDB items stop at 400 KB: a 350 KB mention (unknown fields kept in `raw`) is a 422."""
    huge = mention("huge", vendor_blob="x" * 350_000)
    response = client.post(
        f"/v1/brands/{brand_id}/mentions", json={"mentions": [mention("ok"), huge]}
    )
    assert response.status_code == 422
    assert response.json()["invalid_params"][0]["name"] == "mentions.1"
    assert_nothing_stored(dynamodb, settings, workspace, brand_id)


@pytest.mark.parametrize("source", ["youscan", "YouScan", "meltwater", "talkwalker"])
def test_an_api_write_cannot_claim_a_webhook_source(
    client: TestClient, brand_id: str, source: str
) -> None:
    """Issue 12 item 6: `{"source": "youscan", "external_id": "X"}` written through the API
    would make YouScan's real delivery of X a duplicate and drop its content."""
    url = f"/v1/brands/{brand_id}/mentions"
    response = client.post(url, json={"mentions": [mention("ok-1"), mention("X", source=source)]})
    assert response.status_code == 422, response.text
    assert response.json()["invalid_params"][0]["name"] == "mentions.1.source"
    assert client.get(url).json()["items"] == []  # the whole batch refused, nothing stored
