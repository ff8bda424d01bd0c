from __future__ import annotations

import uuid

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from mypy_boto3_dynamodb import DynamoDBClient

from api.app import create_app
from api.pagination import encode_cursor
from api.services import Services
from api.settings import Settings
from api.storage import keys
from tests.factories import mention


def test_brand_lifecycle_create_get_list_update(client: TestClient) -> None:
    created = client.post("/v1/brands", json={"id": "acme", "name": "ACME"})
    assert created.status_code == 201
    assert created.json()["id"] == "acme"
    assert client.get("/v1/brands/acme").json()["name"] == "ACME"

    updated = client.patch("/v1/brands/acme", json={"settings": {"retention_days": 30}})
    assert updated.status_code == 200
    assert updated.json()["name"] == "ACME"
    assert updated.json()["settings"]["retention_days"] == 30
    renamed = client.patch("/v1/brands/acme", json={"name": "ACME Corp"})
    assert renamed.json()["settings"]["retention_days"] == 30
    assert client.get("/v1/brands/acme").json()["name"] == "ACME Corp"


def test_creating_an_existing_brand_is_a_conflict(client: TestClient, brand_id: str) -> None:
    response = client.post("/v1/brands", json={"id": brand_id, "name": "Again"})
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert brand_id in response.json()["detail"]


def test_brand_id_must_be_a_slug(client: TestClient) -> None:
    response = client.post("/v1/brands", json={"id": "Not A Slug", "name": "x"})
    assert response.status_code == 422
    problem = response.json()
    assert problem["invalid_params"][0]["name"] == "id"
    assert problem["type"].endswith("/validation-failed")


def test_list_brands_pages_with_a_cursor(client: TestClient) -> None:
    for index in range(5):
        assert client.post("/v1/brands", json={"id": f"b{index}", "name": "n"}).status_code == 201
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/v1/brands", params=params).json()
        seen += [brand["id"] for brand in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ["b0", "b1", "b2", "b3", "b4"]


def test_a_forged_cursor_is_a_400_problem(client: TestClient) -> None:
    response = client.get("/v1/brands", params={"cursor": "bm90LWEtY3Vyc29y"})
    assert response.status_code == 400
    assert response.json()["type"].endswith("/invalid-cursor")


def test_unknown_brand_is_a_404_problem(client: TestClient) -> None:
    response = client.get("/v1/brands/nope")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "Brand 'nope' does not exist in this workspace."


def test_another_workspace_can_neither_read_nor_write_the_brand(
    app: FastAPI, client: TestClient, brand_id: str
) -> None:
    posted_here = client.post(
        f"/v1/brands/{brand_id}/mentions",
        json={"mentions": [{"external_id": "mine", "published_at": "2026-01-01T00:00:00Z"}]},
    )
    mention_id = posted_here.json()["results"][0]["id"]
    other_key = app.state.services.api_keys.create("other-workspace")
    with TestClient(app, headers={"Authorization": f"Bearer {other_key}"}) as other:
        assert other.get(f"/v1/brands/{brand_id}/mentions/{mention_id}").status_code == 404
        triage = {"mention": {"external_id": "t", "published_at": "2026-01-01T00:00:00Z"}}
        assert other.post("/v1/triage", json={**triage, "brand_id": brand_id}).status_code == 404
        assert other.get(f"/v1/brands/{brand_id}").status_code == 404
        assert other.patch(f"/v1/brands/{brand_id}", json={"name": "pwned"}).status_code == 404
        mention = {"external_id": "x", "published_at": "2026-01-01T00:00:00Z"}
        posted = other.post(f"/v1/brands/{brand_id}/mentions", json={"mentions": [mention]})
        assert posted.status_code == 404
        assert other.get(f"/v1/brands/{brand_id}/mentions").status_code == 404
        assert other.get(f"/v1/brands/{brand_id}/risk").status_code == 404
        assert other.get(f"/v1/brands/{brand_id}/risk/history").status_code == 404
        assert brand_id not in [b["id"] for b in other.get("/v1/brands").json()["items"]]
        # The same slug is free in the other workspace: ids are per workspace.
        assert other.post("/v1/brands", json={"id": brand_id, "name": "Mine"}).status_code == 201
        # …and owning the same slug still shows nothing of the first workspace's data.
        assert other.get(f"/v1/brands/{brand_id}/mentions/{mention_id}").status_code == 404
        assert other.get(f"/v1/brands/{brand_id}/mentions").json()["items"] == []
    assert client.get(f"/v1/brands/{brand_id}").json()["name"] == "Test brand"
    listed = client.get(f"/v1/brands/{brand_id}/mentions").json()["items"]
    assert [item["mention"]["external_id"] for item in listed] == ["mine"]


def test_a_brand_s_mention_shards_are_chosen_at_creation_per_workspace_and_kept(
    settings: Settings, dynamodb: DynamoDBClient, services: Services
) -> None:
    """`VIGIE_WORKSPACE_MENTION_SHARDS` gives one workspace's new brands 3 shards, the others
    keep `VIGIE_MENTION_SHARDS` (1); the count is on the brand item, never in the API, and a
    brand update keeps it."""
    big, small = f"ws-big-{uuid.uuid4().hex[:6]}", f"ws-small-{uuid.uuid4().hex[:6]}"
    app = create_app(settings.model_copy(update={"workspace_mention_shards": {big: 3}}), dynamodb)
    shards = {}
    for workspace in (big, small):
        key = services.api_keys.create(workspace)
        with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as http:
            created = http.post("/v1/brands", json={"id": "acme", "name": "ACME"})
            assert created.status_code == 201
            assert "mention_shards" not in created.text
            assert http.patch("/v1/brands/acme", json={"name": "ACME Corp"}).status_code == 200
            assert "mention_shards" not in http.get("/v1/brands/acme").text
            posted = http.post(
                "/v1/brands/acme/mentions",
                json={"mentions": [mention(f"m{i}") for i in range(12)]},
            )
            assert posted.status_code == 200
        item = dynamodb.get_item(
            TableName=settings.table_name,
            Key={"PK": {"S": keys.workspace_pk(workspace)}, "SK": {"S": keys.brand_sk("acme")}},
        )["Item"]
        shards[workspace] = int(item["mention_shards"]["N"])
        # Where the 12 mentions are, among the keys 4 shards would have (0 has no suffix).
        per_key = {
            pk: dynamodb.query(
                TableName=settings.table_name,
                KeyConditionExpression="PK = :pk",
                ExpressionAttributeValues={":pk": {"S": pk}},
                Select="COUNT",
            )["Count"]
            for pk in [f"MENTION#{workspace}#acme"]
            + [f"MENTION#{workspace}#acme#{s}" for s in (1, 2, 3)]
        }
        assert sum(per_key.values()) == 12
        used = {pk for pk, count in per_key.items() if count}
        if workspace == big:
            assert used <= {f"MENTION#{big}#acme", f"MENTION#{big}#acme#1", f"MENTION#{big}#acme#2"}
            assert len(used) > 1
        else:
            assert used == {f"MENTION#{small}#acme"}
    assert shards == {big: 3, small: 1}


@pytest.mark.parametrize(
    "position", ["BRAND#x", "Acme", "a" * 200, "-leading", "x\u0000y", "../other", "trailing-"]
)
def test_a_forged_brand_cursor_is_a_400_problem(client: TestClient, position: str) -> None:
    # A well-formed cursor whose position is no brand id: it was used as a key as it came.
    forged = encode_cursor("brand", position)
    response = client.get("/v1/brands", params={"cursor": forged})
    assert response.status_code == 400, response.text
    assert response.json()["type"].endswith("/invalid-cursor")
