"""A webhook delivery is one batch: one bad item anywhere refuses it whole and stores nothing."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import hypothesis.strategies as st
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from mypy_boto3_dynamodb import DynamoDBClient

from api.settings import Settings
from tests.hooks.deliveries import deliver, fixture_body, register_hook
from tests.mentions.test_atomic import assert_nothing_stored


def youscan_items(count: int) -> list[dict[str, Any]]:
    template = json.loads(fixture_body("youscan"))
    now = datetime.now(UTC)
    items = []
    for index in range(count):
        item = dict(template)
        item["mentionId"] = 5_000_000 + index
        item["published"] = (now - timedelta(minutes=index + 1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        items.append(item)
    return items


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    position=st.integers(min_value=0, max_value=249),
    fault=st.sampled_from(["future", "no_date", "not_an_object"]),
)
def test_a_webhook_delivery_with_one_bad_item_stores_nothing(
    client: TestClient,
    tool: TestClient,
    dynamodb: DynamoDBClient,
    settings: Settings,
    workspace: str,
    position: int,
    fault: str,
) -> None:
    brand = f"b-{uuid.uuid4().hex[:8]}"
    assert client.post("/v1/brands", json={"id": brand, "name": "B"}).status_code == 201
    hook = register_hook(client, "youscan", "url_token", brand)
    items: list[Any] = youscan_items(250)
    if fault == "future":
        items[position]["published"] = "2999-01-01T00:00:00Z"
    elif fault == "no_date":
        del items[position]["published"]
    else:
        items[position] = "not an object"
    response = deliver(tool, hook, json.dumps(items).encode())
    assert response.status_code == 422, response.text
    assert any(
        p["name"].startswith(f"mentions.{position}") or p["name"].startswith(f"{position}")
        for p in response.json()["invalid_params"]
    ), response.json()
    assert_nothing_stored(dynamodb, settings, workspace, brand)


def test_a_webhook_delivery_of_250_items_is_stored_whole(
    client: TestClient, tool: TestClient, brand_id: str
) -> None:
    hook = register_hook(client, "youscan", "url_token", brand_id)
    body = json.dumps(youscan_items(250)).encode()
    ack = deliver(tool, hook, body)
    assert ack.status_code == 200, ack.text
    assert (ack.json()["received"], ack.json()["stored"]) == (250, 250)
    again = deliver(tool, hook, body).json()
    assert (again["stored"], again["duplicates"]) == (0, 250)
