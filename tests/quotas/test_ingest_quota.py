"""Over its daily quota, a workspace's ingest is refused whole: 429, Retry-After, nothing stored."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from mypy_boto3_dynamodb import DynamoDBClient

from api.brands.schemas import BrandCreate
from api.engine.mention import Mention
from api.problems import QuotaExceeded
from api.quotas.repository import QuotaRepository
from api.quotas.service import seconds_until_utc_midnight
from api.services import build_services
from api.settings import Settings
from api.workspaces.service import Principal
from tests.factories import create_brand, mention
from tests.hooks.deliveries import deliver, register_hook, stored_mentions
from tests.hooks.test_atomic_deliveries import youscan_items
from tests.quotas.limits import QUOTA


def used_today(dynamodb: DynamoDBClient, settings: Settings, workspace: str) -> int:
    day = datetime.now(UTC).date().isoformat()
    return QuotaRepository(dynamodb, settings.table_name).used(workspace, day)


def batch(*external_ids: str) -> dict[str, object]:
    return {"mentions": [mention(external_id) for external_id in external_ids]}


def assert_quota_problem(response: object) -> None:
    from httpx import Response

    assert isinstance(response, Response)
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == "application/problem+json"
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= seconds_until_utc_midnight(datetime.now(UTC)) + 5
    problem = response.json()
    assert problem["type"].endswith("/quota-exceeded")
    assert "nothing was stored" in problem["detail"]


def test_a_batch_over_quota_is_refused_whole_and_stores_nothing(
    quota_client: TestClient, dynamodb: DynamoDBClient, settings: Settings, quota_workspace: str
) -> None:
    brand = create_brand(quota_client)
    first = quota_client.post(f"/v1/brands/{brand}/mentions", json=batch("a", "b", "c"))
    assert first.status_code == 200, first.text
    # 3 used of 5: a batch of 3 would make 6, so none of it is stored.
    refused = quota_client.post(f"/v1/brands/{brand}/mentions", json=batch("d", "e", "f"))
    assert_quota_problem(refused)
    listed = quota_client.get(f"/v1/brands/{brand}/mentions").json()["items"]
    assert sorted(item["mention"]["external_id"] for item in listed) == ["a", "b", "c"]
    assert len(stored_mentions(dynamodb, settings, quota_workspace, brand)) == 3
    assert used_today(dynamodb, settings, quota_workspace) == 3
    # What is left still fits.
    fits = quota_client.post(f"/v1/brands/{brand}/mentions", json=batch("d", "e"))
    assert fits.status_code == 200, fits.text
    assert used_today(dynamodb, settings, quota_workspace) == QUOTA


def test_duplicates_and_refused_batches_do_not_use_the_quota(
    quota_client: TestClient, dynamodb: DynamoDBClient, settings: Settings, quota_workspace: str
) -> None:
    brand = create_brand(quota_client)
    body = batch("a", "b", "a")  # a copy inside the batch counts once
    assert quota_client.post(f"/v1/brands/{brand}/mentions", json=body).status_code == 200
    assert used_today(dynamodb, settings, quota_workspace) == 2
    again = quota_client.post(f"/v1/brands/{brand}/mentions", json=body)
    assert again.status_code == 200
    assert all(result["duplicate"] for result in again.json()["results"])
    assert used_today(dynamodb, settings, quota_workspace) == 2
    future = {"mentions": [mention("z", published_at="2999-01-01T00:00:00Z")]}
    assert quota_client.post(f"/v1/brands/{brand}/mentions", json=future).status_code == 422
    assert used_today(dynamodb, settings, quota_workspace) == 2


def test_the_quota_is_per_workspace(
    quota_client: TestClient, quota_app: object, dynamodb: DynamoDBClient, settings: Settings
) -> None:
    brand = create_brand(quota_client)
    full = batch(*[f"m{i}" for i in range(QUOTA)])
    assert quota_client.post(f"/v1/brands/{brand}/mentions", json=full).status_code == 200
    assert_quota_problem(quota_client.post(f"/v1/brands/{brand}/mentions", json=batch("x")))
    services = quota_app.state.services  # type: ignore[attr-defined]
    other = f"quota-{uuid.uuid4().hex[:10]}"
    with TestClient(
        quota_client.app,
        headers={"Authorization": f"Bearer {services.api_keys.create(other)}"},
    ) as other_client:
        other_brand = create_brand(other_client)
        response = other_client.post(f"/v1/brands/{other_brand}/mentions", json=batch("x"))
    assert response.status_code == 200, response.text


def test_a_webhook_delivery_over_quota_is_a_429_and_stores_nothing(
    quota_client: TestClient,
    quota_tool: TestClient,
    dynamodb: DynamoDBClient,
    settings: Settings,
    quota_workspace: str,
) -> None:
    brand = create_brand(quota_client)
    hook = register_hook(quota_client, "youscan", "url_token", brand)
    refused = deliver(quota_tool, hook, json.dumps(youscan_items(QUOTA + 1)).encode())
    assert_quota_problem(refused)
    assert stored_mentions(dynamodb, settings, quota_workspace, brand) == []
    assert used_today(dynamodb, settings, quota_workspace) == 0
    # The refused delivery is not remembered as received: once it fits, the tool's retry lands.
    fits = deliver(quota_tool, hook, json.dumps(youscan_items(QUOTA)).encode())
    assert fits.status_code == 200, fits.text
    assert fits.json()["stored"] == QUOTA


def test_seconds_until_utc_midnight() -> None:
    assert seconds_until_utc_midnight(datetime(2026, 3, 9, 23, 59, 30, tzinfo=UTC)) == 30
    assert seconds_until_utc_midnight(datetime(2026, 3, 9, 0, 0, tzinfo=UTC)) == 86400
    assert seconds_until_utc_midnight(datetime(2026, 3, 9, 23, 59, 59, 900000, tzinfo=UTC)) == 1


def test_a_resent_duplicate_is_accepted_when_the_quota_is_full(
    quota_client: TestClient, dynamodb: DynamoDBClient, settings: Settings, quota_workspace: str
) -> None:
    """Duplicates need no quota: one mention per call (quota in the mention's transaction)."""
    brand = create_brand(quota_client)
    full = batch(*[f"m{i}" for i in range(QUOTA)])
    assert quota_client.post(f"/v1/brands/{brand}/mentions", json=full).status_code == 200
    again = quota_client.post(f"/v1/brands/{brand}/mentions", json=batch("m0"))
    assert again.status_code == 200, again.text
    assert again.json()["results"][0]["duplicate"] is True
    assert_quota_problem(quota_client.post(f"/v1/brands/{brand}/mentions", json=batch("new")))
    # A batch of a duplicate and a new mention: the new one has no room, nothing is stored.
    assert_quota_problem(quota_client.post(f"/v1/brands/{brand}/mentions", json=batch("m1", "new")))
    assert len(stored_mentions(dynamodb, settings, quota_workspace, brand)) == QUOTA
    assert used_today(dynamodb, settings, quota_workspace) == QUOTA


def test_a_resent_large_batch_of_duplicates_is_accepted_when_the_quota_is_full(
    settings: Settings, dynamodb: DynamoDBClient
) -> None:
    """A batch too large for one transaction reserves first; refused, the mentions already
    stored are looked up and need no room."""
    services = build_services(settings.model_copy(update={"daily_mention_quota": 40}), dynamodb)
    workspace = f"quota-{uuid.uuid4().hex[:10]}"
    brand = services.brands.create(Principal(workspace), BrandCreate(id="big", name="Big"))
    now = datetime.now(UTC)
    # One per hour: 40 mentions and 80 buckets do not fit one transaction.
    mentions = [
        Mention.model_validate(
            mention(f"h{i}", published_at=(now - timedelta(hours=i, minutes=1)).isoformat())
        )
        for i in range(40)
    ]
    assert not services.mentions.ingest(workspace, brand, mentions).results[0].duplicate
    assert used_today(dynamodb, settings, workspace) == 40
    again = services.mentions.ingest(workspace, brand, mentions)
    assert all(result.duplicate for result in again.results)
    assert used_today(dynamodb, settings, workspace) == 40
    with pytest.raises(QuotaExceeded):
        services.mentions.ingest(workspace, brand, [*mentions[:39], _one_more()])
    assert used_today(dynamodb, settings, workspace) == 40


def _one_more() -> Mention:
    return Mention.model_validate(mention("one-more"))
