"""DELETE /v1/brands/{brand_id}: unreadable at once, nothing left once the job ran, re-creatable."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from mypy_boto3_dynamodb import DynamoDBClient

from api.engine.mention import Mention
from api.services import Services
from api.settings import Settings
from api.workspaces.service import Principal
from tests.erasure.helpers import angry, ingest, items_naming, new_brand, scan_table
from tests.factories import create_brand


def _populate(client: TestClient, brand_id: str, other_brand: str) -> dict[str, str]:
    """Mentions (two batches, one with an Idempotency-Key), a hook source bound to the brand,
    a subscription naming only it and one naming it and another brand."""
    ingest(client, brand_id, [angry(f"a{i}", minutes_ago=5 + i) for i in range(20)])
    response = client.post(
        f"/v1/brands/{brand_id}/mentions",
        json={"mentions": [angry(f"b{i}", minutes_ago=90 + i) for i in range(10)]},
        headers={"Idempotency-Key": "batch-1"},
    )
    assert response.status_code == 200, response.text
    hook = client.post(
        "/v1/hook-sources", json={"source": "youscan", "brand_id": brand_id, "auth": "url_token"}
    )
    assert hook.status_code == 201, hook.text
    events = ["brand.tier_changed", "brand.stage_changed", "mention.escalated"]
    only = client.post(
        "/v1/subscriptions",
        json={"url": "https://hooks.example.com/only", "events": events, "brand_ids": [brand_id]},
    )
    assert only.status_code == 201, only.text
    both = client.post(
        "/v1/subscriptions",
        json={
            "url": "https://hooks.example.com/both",
            "events": events,
            "brand_ids": [brand_id, other_brand],
        },
    )
    assert both.status_code == 201, both.text
    # After the subscriptions: this batch's tier change and escalations are announced.
    ingest(client, brand_id, [angry(f"c{i}", minutes_ago=2) for i in range(30)])
    return {"hook": hook.json()["id"], "only": only.json()["id"], "both": both.json()["id"]}


@pytest.mark.parametrize("shards", [1, 5], ids=["1-shard", "5-shards"])
def test_a_large_brand_is_unreadable_at_once_and_gone_after_the_background_job(
    client: TestClient,
    background_client: TestClient,
    background_services: Services,
    dynamodb: DynamoDBClient,
    settings: Settings,
    workspace: str,
    shards: int,
) -> None:
    brand_id = new_brand(client, dynamodb, settings, workspace, shards)
    other_brand = create_brand(client)
    ids = _populate(client, brand_id, other_brand)
    table = scan_table(dynamodb, settings)
    before = items_naming(table, workspace, brand_id)
    for index in ("GSI1", "GSI2", "GSI3", "GSI4"):  # time order, hot mentions, answer queue
        assert items_naming(scan_table(dynamodb, settings, index), workspace, brand_id) != []
    kinds = {str(item["PK"]).split("#")[0] for item in before}
    # The test would catch what it claims to: every kind of item is there before.
    assert {"WS", "MENTION", "AGG", "HOOKSRC", "IDEMPOTENCY", "SUBEVENT"} <= kinds
    # Deliveries (the outbox) and attempts name the event, not the brand. One attempt per
    # delivery, as the dispatcher logs them (no worker runs here).
    event_ids = [str(item["event_id"]) for item in before if item["SK"] == "EVENT"]
    for item in table:
        if str(item["PK"]).startswith("SUBDLV#") and item.get("event_id") in event_ids:
            background_services.subscriptions.repository.put_attempt(
                workspace,
                str(item["subscription_id"]),
                f"2026-01-01T00:00:00.000000Z#{item['event_id']}#1",
                {"event_id": item["event_id"], "status_code": 500},
            )
    table = scan_table(dynamodb, settings)
    outbox = [item for event_id in event_ids for item in items_naming(table, workspace, event_id)]
    assert {"SUBDLV", "SUBATT"} <= {str(item["PK"]).split("#")[0] for item in outbox}

    response = background_client.delete(f"/v1/brands/{brand_id}")
    assert response.status_code == 202, response.text
    erasure = response.json()
    assert erasure["status"] == "pending"
    assert erasure["scope"] == "brand"
    assert erasure["brand_id"] == brand_id
    assert response.headers["Location"] == f"/v1/erasures/{erasure['id']}"

    # Unreadable at once, although nothing is deleted yet.
    for path in ("", "/risk", "/mentions", "/queue", "/risk/history"):
        assert client.get(f"/v1/brands/{brand_id}{path}").status_code == 404, path
    # Ingest through the erasing container: at once. (Another container's ingest may trust the
    # brand it cached for VIGIE_BRAND_CACHE_SECONDS; the last sweep waits that long too.)
    assert (
        background_client.post(
            f"/v1/brands/{brand_id}/mentions", json={"mentions": [angry("late", 1)]}
        ).status_code
        == 404
    )
    assert brand_id not in [b["id"] for b in client.get("/v1/brands").json()["items"]]
    # A DELETE sent again (its first answer lost) finds the same erasure.
    again = client.delete(f"/v1/brands/{brand_id}")
    assert again.status_code == 202
    assert again.json()["id"] == erasure["id"]
    refused = client.post("/v1/brands", json={"id": brand_id, "name": "Again"})
    assert refused.status_code == 409
    assert erasure["id"] in refused.json()["detail"]
    assert client.get(f"/v1/erasures/{erasure['id']}").json()["status"] == "pending"

    # The scheduled worker's work, driven directly, in small runs: each resumes where the
    # previous one stopped (the job records its phase and cursor after every page).
    runs = 0
    while client.get(f"/v1/erasures/{erasure['id']}").json()["status"] != "done":
        background_services.erasures.run_pending(max_items=1)
        runs += 1
        assert runs < 100
    assert runs > 5
    done = client.get(f"/v1/erasures/{erasure['id']}")
    assert done.status_code == 200
    assert done.json()["status"] == "done"
    assert done.json()["completed_at"] is not None
    counts = done.json()["counts"]
    assert counts["mentions"] == 60
    assert counts["aggregate_items"] > 0
    assert counts["hook_sources"] == 1
    assert counts["subscriptions_changed"] == 2

    after = scan_table(dynamodb, settings)
    assert items_naming(after, workspace, brand_id) == []
    for index in ("GSI1", "GSI2", "GSI3", "GSI4"):  # no projection left behind either
        assert items_naming(scan_table(dynamodb, settings, index), workspace, brand_id) == []
    assert client.delete(f"/v1/brands/{brand_id}").status_code == 404  # gone: nothing to erase
    assert [i for event_id in event_ids for i in items_naming(after, workspace, event_id)] == []
    # The subscription of this brand alone is gone; the other one keeps the other brand.
    assert client.get(f"/v1/subscriptions/{ids['only']}").status_code == 404
    assert client.get(f"/v1/subscriptions/{ids['both']}").json()["brand_ids"] == [other_brand]
    assert client.get(f"/v1/hook-sources/{ids['hook']}").status_code == 404
    assert client.get(f"/v1/brands/{other_brand}").status_code == 200


def test_re_creating_an_erased_brand_starts_empty(
    client: TestClient,
    patient_client: TestClient,
    dynamodb: DynamoDBClient,
    settings: Settings,
    workspace: str,
) -> None:
    brand_id = create_brand(client)
    ingest(client, brand_id, [angry(f"m{i}", minutes_ago=3) for i in range(12)])
    erased = patient_client.delete(f"/v1/brands/{brand_id}")
    assert erased.status_code == 200, erased.text  # small: erased before the answer
    assert erased.json()["status"] == "done"
    assert erased.json()["counts"]["mentions"] == 12
    assert items_naming(scan_table(dynamodb, settings), workspace, brand_id) == []

    again = client.post("/v1/brands", json={"id": brand_id, "name": "Reborn"})
    assert again.status_code == 201, again.text
    assert client.get(f"/v1/brands/{brand_id}/mentions").json()["items"] == []
    risk = client.get(f"/v1/brands/{brand_id}/risk").json()
    assert risk["score"] == 0
    assert risk["top_mentions"] == []
    # The same mentions sent again are new mentions (not duplicates of the erased ones).
    results = ingest(client, brand_id, [angry(f"m{i}", minutes_ago=3) for i in range(12)])
    assert not any(r["duplicate"] for r in results["results"])


def test_a_create_replayed_with_its_idempotency_key_after_erasure_creates_again(
    client: TestClient, patient_client: TestClient
) -> None:
    body = {"id": f"idem-{uuid.uuid4().hex[:8]}", "name": "Once"}
    headers = {"Idempotency-Key": "create-1"}
    assert client.post("/v1/brands", json=body, headers=headers).status_code == 201
    assert patient_client.delete(f"/v1/brands/{body['id']}").status_code == 200
    again = client.post("/v1/brands", json=body, headers=headers)
    assert again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") is None
    assert client.get(f"/v1/brands/{body['id']}").status_code == 200


def test_another_workspace_cannot_erase_a_brand_nor_read_its_erasure(
    client: TestClient, app_client_other: TestClient
) -> None:
    brand_id = create_brand(client)
    assert app_client_other.delete(f"/v1/brands/{brand_id}").status_code == 404
    assert client.get(f"/v1/brands/{brand_id}").status_code == 200
    erasure = client.delete(f"/v1/brands/{brand_id}").json()
    assert app_client_other.get(f"/v1/erasures/{erasure['id']}").status_code == 404
    assert client.get(f"/v1/erasures/{erasure['id']}").status_code == 200


def test_unknown_brand_and_unknown_erasure_are_404(client: TestClient) -> None:
    assert client.delete("/v1/brands/no-such-brand").status_code == 404
    assert client.get("/v1/erasures/er_nothinghere").status_code == 404


def test_the_brand_goes_only_after_a_last_sweep_once_requests_in_flight_are_over(
    client: TestClient,
    settling_client: TestClient,
    settling_services: Services,
    dynamodb: DynamoDBClient,
    settings: Settings,
    workspace: str,
) -> None:
    brand_id = create_brand(client)
    ingest(client, brand_id, [angry(f"m{i}", minutes_ago=3) for i in range(5)])
    # A request that read the brand before the DELETE, and stores after it.
    in_flight = settling_services.brands.get(Principal(workspace), brand_id)

    response = settling_client.delete(f"/v1/brands/{brand_id}")
    assert response.status_code == 202, response.text
    erasure = response.json()
    assert erasure["status"] == "running"
    assert erasure["counts"]["mentions"] == 5
    left = items_naming(scan_table(dynamodb, settings), workspace, brand_id)
    assert [(item["PK"], item["SK"]) for item in left] == [
        (f"WS#{workspace}", f"BRAND#{brand_id}")  # the mark: the id stays taken
    ]
    late = Mention.model_validate(angry("late", minutes_ago=1))
    settling_services.mentions.ingest(workspace, in_flight, [late])
    assert client.get(f"/v1/brands/{brand_id}/mentions").status_code == 404

    settling_services.erasures.run_pending()  # too early: requests may still be in flight
    assert client.get(f"/v1/erasures/{erasure['id']}").json()["status"] == "running"
    assert items_naming(scan_table(dynamodb, settings), workspace, "late") != []

    # The API's timeout has passed since the brand was marked.
    dynamodb.update_item(
        TableName=settings.table_name,
        Key={"PK": {"S": f"WS#{workspace}"}, "SK": {"S": f"ERASURE#{erasure['id']}"}},
        UpdateExpression="SET created_at = :then",
        ExpressionAttributeValues={":then": {"S": "2026-01-01T00:00:00.000000Z"}},
    )
    settling_services.erasures.run_pending()
    done = client.get(f"/v1/erasures/{erasure['id']}").json()
    assert done["status"] == "done"
    assert done["counts"]["mentions"] == 6
    assert items_naming(scan_table(dynamodb, settings), workspace, brand_id) == []
    assert client.post("/v1/brands", json={"id": brand_id, "name": "Again"}).status_code == 201
    assert client.get(f"/v1/brands/{brand_id}/mentions").json()["items"] == []
