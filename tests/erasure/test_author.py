"""POST /v1/erasures {author_handle}: one author's mentions, in every brand of the workspace."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from mypy_boto3_dynamodb import DynamoDBClient

from api.services import Services
from api.settings import Settings
from tests.erasure.helpers import (
    angry,
    counter_totals,
    ingest,
    items_naming,
    new_brand,
    scan_table,
)
from tests.factories import create_brand


def _mention_total(totals: dict[tuple[str, str], float]) -> float:
    """Mentions counted in the hourly buckets (counter `n`)."""
    return sum(v for (sk, name), v in totals.items() if sk.startswith("H#") and name == "n")


@pytest.mark.parametrize("shards", [1, 5], ids=["1-shard", "5-shards"])
def test_an_author_is_erased_across_brands_and_the_rest_stays(
    client: TestClient,
    background_client: TestClient,
    background_services: Services,
    app_client_other: TestClient,
    dynamodb: DynamoDBClient,
    settings: Settings,
    workspace: str,
    shards: int,
) -> None:
    first = new_brand(client, dynamodb, settings, workspace, shards)
    second = create_brand(client)
    ingest(
        client,
        first,
        [
            angry("j1", 5, handle="@jane_doe"),
            angry("j2", 6, handle="@Jane_Doe"),  # the same person, as another tool spells her
            angry("j3", 70, handle="jane_doe"),
            angry("o1", 5, handle="@john"),
            angry("o2", 6, handle="@jane_doe_fan"),  # another author
        ],
    )
    ingest(
        client,
        second,
        [angry("j4", 4, handle="@jane_doe"), angry("j5", 9, handle="@jane_doe")]
        + [angry(f"o{i}", 4, handle="@john") for i in range(3, 6)],
    )
    elsewhere = create_brand(app_client_other)
    ingest(app_client_other, elsewhere, [angry("j1", 5, handle="@jane_doe")])
    assert _mention_total(counter_totals(dynamodb, settings, workspace, first, shards)) == 5

    response = background_client.post("/v1/erasures", json={"author_handle": "@jane_doe"})
    assert response.status_code == 202, response.text
    erasure = response.json()
    assert erasure["scope"] == "author"
    assert erasure["author_handle"] == "@jane_doe"
    assert erasure["status"] == "pending"

    background_services.erasures.run_pending()
    done = client.get(f"/v1/erasures/{erasure['id']}").json()
    assert done["status"] == "done"
    assert done["counts"]["mentions"] == 5
    assert done["author_handle"] is None  # the status keeps no trace of her

    table = scan_table(dynamodb, settings)
    assert items_naming(table, workspace, '"handle\\": \\"@jane_doe\\"') == []
    assert items_naming(table, workspace, "Jane_Doe") == []
    left = {
        brand: sorted(
            m["mention"]["external_id"]
            for m in client.get(f"/v1/brands/{brand}/mentions").json()["items"]
        )
        for brand in (first, second)
    }
    assert left == {first: ["o1", "o2"], second: ["o3", "o4", "o5"]}
    assert _mention_total(counter_totals(dynamodb, settings, workspace, first, shards)) == 2
    assert _mention_total(counter_totals(dynamodb, settings, workspace, second)) == 3
    # Another workspace's mention by the same handle is not this workspace's to erase.
    assert len(app_client_other.get(f"/v1/brands/{elsewhere}/mentions").json()["items"]) == 1


def test_a_small_author_erasure_is_done_before_the_answer(
    client: TestClient, patient_client: TestClient
) -> None:
    brand_id = create_brand(client)
    ingest(client, brand_id, [angry("x1", 5, handle="@quick"), angry("x2", 5, handle="@stay")])
    response = patient_client.post("/v1/erasures", json={"author_handle": "QUICK"})
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "done"
    assert response.json()["counts"]["mentions"] == 1
    items = client.get(f"/v1/brands/{brand_id}/mentions").json()["items"]
    assert [m["mention"]["external_id"] for m in items] == ["x2"]


def test_an_author_erasure_request_is_validated(client: TestClient) -> None:
    assert client.post("/v1/erasures", json={}).status_code == 422
    assert client.post("/v1/erasures", json={"author_handle": ""}).status_code == 422
    assert client.post("/v1/erasures", json={"author_handle": "@a", "x": 1}).status_code == 422
