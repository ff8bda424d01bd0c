"""A stalled or resetting DynamoDB (a real TCP proxy in front of DynamoDB Local, not a mock).

Every path answers 503 problem+json with Retry-After, within the timeouts, and a batch refused
that way leaves nothing behind once the store is back.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.local.tcp_proxy import FaultProxy
from api.settings import Settings
from api.storage.client import create_dynamodb_client
from tests.factories import mention


@pytest.fixture(scope="module")
def proxy(dynamodb_endpoint: str) -> Iterator[FaultProxy]:
    with FaultProxy.for_endpoint(dynamodb_endpoint) as running:
        yield running


@pytest.fixture(scope="module")
def faulty_app(proxy: FaultProxy, settings: Settings, dynamodb: object) -> FastAPI:
    del dynamodb  # the table exists
    faulty = Settings(
        dynamodb_endpoint=proxy.endpoint,
        table_name=settings.table_name,
        region=settings.region,
        # Only faulty requests go through this app (set-up and checks use the healthy one):
        # short timeouts keep the test quick without making healthy calls flaky.
        dynamodb_max_attempts=1,
        dynamodb_connect_timeout=0.5,
        dynamodb_read_timeout=0.5,
    )
    return create_app(faulty, create_dynamodb_client(faulty))


@pytest.fixture
def faulty(
    faulty_app: FastAPI, proxy: FaultProxy, api_key: str, brand_id: str
) -> Iterator[tuple[TestClient, str]]:
    """A client of the app behind the proxy, for the workspace and brand of `client`."""
    proxy.forward()
    with TestClient(faulty_app, headers={"Authorization": f"Bearer {api_key}"}) as http:
        yield http, brand_id
    proxy.forward()


def assert_busy(response: object) -> None:
    status = getattr(response, "status_code", None)
    headers = getattr(response, "headers", {})
    assert status == 503, getattr(response, "text", "")
    assert headers["content-type"] == "application/problem+json"
    assert int(headers["retry-after"]) >= 1
    body = response.json()  # type: ignore[attr-defined]
    assert body["status"] == 503
    assert body["type"].endswith("/service-busy")


def every_path(brand: str) -> list[tuple[str, str, dict[str, object] | None]]:
    return [
        (
            "POST",
            f"/v1/brands/{brand}/mentions",
            {"mentions": [mention(f"x-{i}") for i in range(5)]},
        ),
        ("GET", f"/v1/brands/{brand}/mentions", None),
        ("GET", f"/v1/brands/{brand}/mentions/m_aaaaaaaaaaaaaaaaaaaaaaaa", None),
        ("GET", f"/v1/brands/{brand}/risk", None),
        ("GET", f"/v1/brands/{brand}/risk/history", None),
        ("GET", f"/v1/brands/{brand}", None),
        ("GET", "/v1/brands", None),
        ("POST", "/v1/brands", {"id": f"new-{uuid.uuid4().hex[:6]}", "name": "N"}),
        ("POST", "/v1/triage", {"mention": mention("t-1"), "brand_id": brand}),
    ]


@pytest.mark.parametrize("fault", ["stall", "reset"])
def test_a_stalled_or_resetting_store_is_a_503_on_every_path(
    faulty: tuple[TestClient, str], proxy: FaultProxy, client: TestClient, fault: str
) -> None:
    http, brand = faulty
    getattr(proxy, fault)()
    for method, path, body in every_path(brand):
        response = http.request(method, path, json=body)
        assert_busy(response)
    proxy.forward()
    # Nothing of the refused batch was stored or counted.
    listing = client.get(f"/v1/brands/{brand}/mentions")
    assert listing.status_code == 200
    assert listing.json()["items"] == []
    risk = client.get(f"/v1/brands/{brand}/risk").json()
    assert risk["score"] == 0
    assert risk["top_mentions"] == []


def test_the_same_batch_after_a_stall_is_stored_once(
    faulty: tuple[TestClient, str], proxy: FaultProxy, client: TestClient
) -> None:
    http, brand = faulty
    batch = {"mentions": [mention(f"s-{i}") for i in range(20)]}
    proxy.stall()
    assert_busy(http.post(f"/v1/brands/{brand}/mentions", json=batch))
    proxy.forward()
    retried = client.post(f"/v1/brands/{brand}/mentions", json=batch)
    assert retried.status_code == 200, retried.text
    assert [r["duplicate"] for r in retried.json()["results"]] == [False] * 20
    assert len(client.get(f"/v1/brands/{brand}/mentions?limit=100").json()["items"]) == 20


@pytest.fixture(scope="module")
def patient_app(proxy: FaultProxy, settings: Settings, dynamodb: object) -> FastAPI:
    """Behind the proxy too, with timeouts long enough for healthy writes on a busy machine."""
    del dynamodb
    patient = Settings(
        dynamodb_endpoint=proxy.endpoint,
        table_name=settings.table_name,
        region=settings.region,
        dynamodb_max_attempts=1,
        # A 100-action transaction can take seconds on a shared CI machine's DynamoDB Local.
        dynamodb_connect_timeout=5,
        dynamodb_read_timeout=15,
    )
    return create_app(patient, create_dynamodb_client(patient))


def stall_on_transaction(proxy: FaultProxy, number: int) -> Callable[..., None]:
    """A botocore hook that stalls the network just before the `number`-th transaction."""
    seen = 0

    def before_send(**_: object) -> None:
        nonlocal seen
        seen += 1
        if seen == number:
            proxy.stall()

    return before_send


def test_a_store_failing_midway_answers_per_item_what_was_stored(
    patient_app: FastAPI,
    proxy: FaultProxy,
    api_key: str,
    brand_id: str,
    client: TestClient,
) -> None:
    # One mention per hour: each adds two aggregate actions, so the batch needs several
    # transactions, and the network stalls before the second one.
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    batch = [
        mention(f"h-{i}", published_at=(now - timedelta(hours=i + 1)).isoformat())
        for i in range(100)
    ]
    events = patient_app.state.services.mentions._repository._client.meta.events
    hook = stall_on_transaction(proxy, 2)
    events.register("before-send.dynamodb.TransactWriteItems", hook)
    try:
        with TestClient(patient_app, headers={"Authorization": f"Bearer {api_key}"}) as http:
            response = http.post(f"/v1/brands/{brand_id}/mentions", json={"mentions": batch})
    finally:
        events.unregister("before-send.dynamodb.TransactWriteItems", hook)
        proxy.forward()
    assert_busy(response)
    items = response.json()["items"]
    assert [item["external_id"] for item in items] == [m["external_id"] for m in batch]
    outcomes = {item["external_id"]: item["outcome"] for item in items}
    assert set(outcomes.values()) == {"stored", "unknown", "not_stored"}
    # What it says is stored is stored, and nothing else is.
    listed = client.get(f"/v1/brands/{brand_id}/mentions?limit=100").json()["items"]
    stored = {m["mention"]["external_id"] for m in listed}
    assert stored == {e for e, outcome in outcomes.items() if outcome == "stored"}
    # Re-sending the batch completes it: the stored ones come back as duplicates.
    retried = client.post(f"/v1/brands/{brand_id}/mentions", json={"mentions": batch})
    assert retried.status_code == 200, retried.text
    duplicates = {r["external_id"] for r in retried.json()["results"] if r["duplicate"]}
    assert duplicates == stored
