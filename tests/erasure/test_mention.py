"""DELETE …/mentions/{mention_id}: the mention goes, and the brand's risk is as if it never came."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from mypy_boto3_dynamodb import DynamoDBClient

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


@pytest.mark.parametrize("shards", [1, 5], ids=["1-shard", "5-shards"])
def test_erasing_mentions_takes_their_counters_out_of_the_risk(
    client: TestClient, dynamodb: DynamoDBClient, settings: Settings, workspace: str, shards: int
) -> None:
    erased_from = new_brand(client, dynamodb, settings, workspace, shards)
    reference = new_brand(client, dynamodb, settings, workspace, shards)
    kept = [angry(f"kept-{i}", minutes_ago=20 + i) for i in range(5)]
    for brand_id in (erased_from, reference):
        ingest(client, brand_id, kept)
    extra = ingest(client, erased_from, [angry(f"extra-{i}", minutes_ago=8) for i in range(8)])
    extra_ids = [result["id"] for result in extra["results"]]
    at = datetime.now(UTC).isoformat()

    def risk(brand_id: str) -> dict[str, object]:
        response = client.get(f"/v1/brands/{brand_id}/risk", params={"at": at})
        assert response.status_code == 200, response.text
        body: dict[str, object] = response.json()
        return body

    assert risk(erased_from) != risk(reference)  # the extra mentions weigh
    assert counter_totals(dynamodb, settings, workspace, erased_from, shards) != counter_totals(
        dynamodb, settings, workspace, reference, shards
    )

    def waiting(brand_id: str) -> int:
        summary = client.get(f"/v1/brands/{brand_id}/queue").json()
        return int(summary["open"])

    assert waiting(erased_from) > waiting(reference)

    for mention_id in extra_ids:
        response = client.delete(f"/v1/brands/{erased_from}/mentions/{mention_id}")
        assert response.status_code == 204, response.text
        assert response.content == b""

    for mention_id in extra_ids:
        url = f"/v1/brands/{erased_from}/mentions/{mention_id}"
        assert client.get(url).status_code == 404
        assert client.delete(url).status_code == 404  # erased once, counted out once
    assert risk(erased_from) == risk(reference)
    assert counter_totals(dynamodb, settings, workspace, erased_from, shards) == counter_totals(
        dynamodb, settings, workspace, reference, shards
    )
    listed = client.get(f"/v1/brands/{erased_from}/mentions").json()["items"]
    assert sorted(m["id"] for m in listed) == sorted(
        m["id"] for m in client.get(f"/v1/brands/{reference}/mentions").json()["items"]
    )
    # Out of the answer queue too (its index entry goes with the item).
    assert waiting(erased_from) == waiting(reference)
    table = scan_table(dynamodb, settings)
    assert all(items_naming(table, workspace, mention_id) == [] for mention_id in extra_ids)


def test_another_workspace_cannot_erase_a_mention(
    client: TestClient, app_client_other: TestClient
) -> None:
    brand_id = create_brand(client)
    mention_id = ingest(client, brand_id, [angry("mine", minutes_ago=3)])["results"][0]["id"]
    url = f"/v1/brands/{brand_id}/mentions/{mention_id}"
    assert app_client_other.delete(url).status_code == 404
    create_brand(app_client_other, brand_id)  # the same brand id in the other workspace
    assert app_client_other.delete(url).status_code == 404
    assert client.get(url).status_code == 200
    assert client.delete(f"/v1/brands/{brand_id}/mentions/m_unknown").status_code == 404
