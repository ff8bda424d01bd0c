"""API key lifecycle over HTTP: issue (read-only, expiring), list, revoke."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from mypy_boto3_dynamodb import DynamoDBClient

from api.services import Services
from api.settings import Settings
from api.storage.codec import from_item
from api.workspaces.service import hash_api_key
from tests.factories import create_brand, mention

PROBLEM_JSON = "application/problem+json"


def bearer(app: FastAPI, key: str) -> TestClient:
    return TestClient(app, headers={"Authorization": f"Bearer {key}"})


def issue(client: TestClient, **body: object) -> dict[str, object]:
    response = client.post("/v1/api-keys", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, object] = response.json()
    return created


def test_a_new_key_is_shown_once_and_listed_without_it(client: TestClient) -> None:
    created = issue(client)
    key = str(created["key"])
    assert key.startswith("vg_")
    assert created["prefix"] == key[:10]
    assert created["read_only"] is False
    assert created["expires_at"] is None
    listed = client.get("/v1/api-keys").json()
    assert listed["next_cursor"] is None
    assert {item["key_id"] for item in listed["items"]} >= {created["key_id"]}
    item = next(i for i in listed["items"] if i["key_id"] == created["key_id"])
    assert key not in str(listed)
    assert item["prefix"] == created["prefix"]
    assert item["created_at"] == created["created_at"]
    assert item["last_used_at"] is None


def test_the_listing_shows_the_last_use(app: FastAPI, client: TestClient) -> None:
    created = issue(client)
    with bearer(app, str(created["key"])) as fresh:
        assert fresh.get("/v1/brands").status_code == 200
    item = next(
        i for i in client.get("/v1/api-keys").json()["items"] if i["key_id"] == created["key_id"]
    )
    last_used = datetime.fromisoformat(item["last_used_at"])
    assert timedelta(0) <= datetime.now(UTC) - last_used < timedelta(minutes=5)


def test_the_listing_is_paginated(app: FastAPI, client: TestClient) -> None:
    ids = {issue(client)["key_id"] for _ in range(3)}
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/v1/api-keys", params=params).json()
        assert len(page["items"]) <= 2
        seen += [item["key_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert ids <= set(seen)
    assert len(seen) == len(set(seen)) == 4


def test_a_revoked_key_is_refused_at_once_by_the_container_that_revoked_it(
    app: FastAPI, client: TestClient, dynamodb: DynamoDBClient, settings: Settings
) -> None:
    created = issue(client)
    with bearer(app, str(created["key"])) as doomed:
        assert doomed.get("/v1/brands").status_code == 200  # now cached
        assert client.delete(f"/v1/api-keys/{created['key_id']}").status_code == 204
        refused = doomed.get("/v1/brands")
    assert refused.status_code == 401
    assert refused.headers["content-type"] == PROBLEM_JSON
    ids = [item["key_id"] for item in client.get("/v1/api-keys").json()["items"]]
    assert created["key_id"] not in ids
    credential = dynamodb.get_item(
        TableName=settings.table_name,
        Key={"PK": {"S": f"KEY#{hash_api_key(str(created['key']))}"}, "SK": {"S": "KEY"}},
        ConsistentRead=True,
    )
    assert "Item" not in credential
    assert client.delete(f"/v1/api-keys/{created['key_id']}").status_code == 404


def test_a_key_may_revoke_itself(app: FastAPI, client: TestClient) -> None:
    created = issue(client)
    with bearer(app, str(created["key"])) as own:
        assert own.delete(f"/v1/api-keys/{created['key_id']}").status_code == 204
        assert own.get("/v1/brands").status_code == 401


def test_another_workspaces_key_is_a_404(client: TestClient, app_client_other: TestClient) -> None:
    theirs = issue(app_client_other)
    response = client.delete(f"/v1/api-keys/{theirs['key_id']}")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON
    assert str(theirs["key_id"]) not in str(client.get("/v1/api-keys").json())
    # Still valid for its owner.
    assert app_client_other.delete(f"/v1/api-keys/{theirs['key_id']}").status_code == 204


@pytest.mark.parametrize("key_id", ["key_doesnotexist", "nonsense", "key_" + "a" * 20])
def test_an_unknown_key_id_is_a_404(client: TestClient, key_id: str) -> None:
    assert client.delete(f"/v1/api-keys/{key_id}").status_code == 404


def test_a_read_only_key_reads_but_every_write_is_a_403(app: FastAPI, client: TestClient) -> None:
    brand = create_brand(client)
    read_only = issue(client, read_only=True)
    assert read_only["read_only"] is True
    with bearer(app, str(read_only["key"])) as reader:
        assert reader.get("/v1/brands").status_code == 200
        assert reader.get(f"/v1/brands/{brand}/mentions").status_code == 200
        assert reader.get("/v1/api-keys").status_code == 200
        triage = reader.post("/v1/triage", json={"mention": mention("t-1")})
        assert triage.status_code == 200, triage.text  # computes, stores nothing
        writes = [
            reader.post("/v1/brands", json={"id": "nope", "name": "Nope"}),
            reader.patch(f"/v1/brands/{brand}", json={"name": "Renamed"}),
            reader.post(f"/v1/brands/{brand}/mentions", json={"mentions": [mention("x")]}),
            reader.post("/v1/hook-sources", json={"source": "generic", "auth": "url_token"}),
            reader.post("/v1/api-keys", json={}),
            reader.delete(f"/v1/api-keys/{read_only['key_id']}"),
        ]
    for response in writes:
        assert response.status_code == 403, (response.request.url, response.text)
        assert response.headers["content-type"] == PROBLEM_JSON
        assert response.json()["type"].endswith("/forbidden")
    assert client.get(f"/v1/brands/{brand}/mentions").json()["items"] == []


def test_an_expired_key_is_a_401(
    app: FastAPI, client: TestClient, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    expires = datetime.now(UTC) + timedelta(hours=1)
    created = issue(client, expires_at=expires.isoformat())
    assert datetime.fromisoformat(str(created["expires_at"])) == expires.replace(microsecond=0)
    with bearer(app, str(created["key"])) as soon:
        assert soon.get("/v1/brands").status_code == 200
        # An hour and a second later (the service's clock; nothing sleeps).
        later = expires.timestamp() + 1
        monkeypatch.setattr(services.api_keys, "_clock", lambda: later)
        refused = soon.get("/v1/brands")
    assert refused.status_code == 401
    assert "expired" in refused.json()["detail"]


def test_a_key_cannot_expire_in_the_past(client: TestClient) -> None:
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    response = client.post("/v1/api-keys", json={"expires_at": past})
    assert response.status_code == 422
    assert client.post("/v1/api-keys", json={"scope": "admin"}).status_code == 422
    assert client.post("/v1/api-keys", json={"read_only": 0}).status_code == 422


def test_keys_stay_hashed_at_rest(
    client: TestClient, dynamodb: DynamoDBClient, settings: Settings, workspace: str
) -> None:
    created = issue(client, read_only=True)
    listing = dynamodb.get_item(
        TableName=settings.table_name,
        Key={"PK": {"S": f"WS#{workspace}"}, "SK": {"S": f"APIKEY#{created['key_id']}"}},
    )["Item"]
    stored = from_item(listing)
    assert str(created["key"]) not in str(stored)
    assert stored["key_hash"] == hash_api_key(str(created["key"]))
