"""The hook endpoints end to end: sources registered with the API key, vendor payloads delivered
signed to the receivers, mentions stored, scored and listed like any other."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from mypy_boto3_dynamodb import DynamoDBClient

from api.hooks.adapters.registry import ADAPTERS
from api.settings import Settings
from tests.hooks.deliveries import (
    SOURCES,
    deliver,
    fixture_body,
    register_hook,
    signature_headers,
    stored_mentions,
    strongest_auth,
)

TIERS = {"watch", "respond_publicly", "move_to_private", "executive_statement"}
# The vendor id each fixture's mentions must keep as external_id, in delivery order.
EXPECTED_EXTERNAL_IDS = {
    "generic": ["scraper-tp-88231", "scraper-x-1898619990001"],
    "youscan": ["1139842057"],
    "meltwater": [
        "1773043900000_mwXq3vB8xZLm2W",
        "1773044100000_mwK49ugt285Fch",
        "1773044280000_mwP0c9Rt7Y2aaa",
    ],
    "mention": ["758124993"],
    "talkwalker": [
        "http://www.reddit.com/r/france/comments/1j7acme/acme_rappel_pots/mh4x2k1",
        "1898615553344221100",
    ],
    "brandwatch": [
        "1898611000000000001",
        "https://www.economie-express.example/acme-action-recul-rappel",
    ],
}
AUTH_MODES = ("standard_webhooks", "hmac_sha256", "url_token")


@pytest.mark.parametrize("source", SOURCES)
def test_each_vendor_fixture_is_ingested_scored_and_listed_with_the_vendor_id(
    client: TestClient, tool: TestClient, brand_id: str, source: str
) -> None:
    hook = register_hook(client, source, strongest_auth(source), brand_id)
    response = deliver(tool, hook, fixture_body(source))

    assert response.status_code == 200, response.text
    ack = response.json()
    expected = EXPECTED_EXTERNAL_IDS[source]
    assert [r["external_id"] for r in ack["results"]] == expected
    assert ack["received"] == ack["stored"] == len(expected)
    assert ack["duplicates"] == 0
    assert ack["source"] == source
    assert ack["brand_id"] == brand_id
    assert ack["hook_id"] == hook.id
    assert all(r["tier"] in TIERS and 0 <= r["risk"] <= 100 for r in ack["results"])
    assert ack["assessment"]["tier"] in TIERS

    listed = client.get(f"/v1/brands/{brand_id}/mentions", params={"limit": 100}).json()["items"]
    by_external_id = {item["mention"]["external_id"]: item for item in listed}
    assert set(by_external_id) == set(expected)
    for item in by_external_id.values():
        assert item["mention"]["source"] == source
        assert item["triage"]["tier"] in TIERS


@pytest.mark.parametrize("auth", AUTH_MODES)
def test_every_auth_mode_delivers(
    client: TestClient, tool: TestClient, brand_id: str, auth: str
) -> None:
    hook = register_hook(client, "mention", auth, brand_id)
    response = deliver(tool, hook, fixture_body("mention"))
    assert response.status_code == 200, response.text
    assert response.json()["stored"] == 1


@pytest.mark.parametrize(
    ("source", "auth"),
    [
        (source, auth)
        for source in SOURCES
        for auth in AUTH_MODES
        if auth not in ADAPTERS[source].auth_modes
    ],
)
def test_a_mode_the_tool_cannot_use_is_refused_naming_those_it_can(
    client: TestClient, brand_id: str, source: str, auth: str
) -> None:
    response = client.post(
        "/v1/hook-sources", json={"source": source, "brand_id": brand_id, "auth": auth}
    )
    assert response.status_code == 422, response.text
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert problem["type"].endswith("/validation-failed")
    (param,) = problem["invalid_params"]
    assert param["name"] == "auth"
    for allowed in ADAPTERS[source].auth_modes:
        assert allowed in param["reason"]
    assert client.get("/v1/hook-sources").json()["items"] == []


def test_youscan_and_meltwater_take_url_tokens_only() -> None:
    """They push themselves: YouScan cannot sign, Meltwater signs in a way Vigie does not verify."""
    assert ADAPTERS["youscan"].auth_modes == ("url_token",)
    assert ADAPTERS["meltwater"].auth_modes == ("url_token",)
    assert set(ADAPTERS["generic"].auth_modes) == set(AUTH_MODES)


def test_vendor_fields_are_mapped_and_the_rest_is_kept_in_raw(
    client: TestClient, tool: TestClient, brand_id: str
) -> None:
    hook = register_hook(client, "youscan", "url_token", brand_id)
    ack = deliver(tool, hook, fixture_body("youscan")).json()
    stored = client.get(f"/v1/brands/{brand_id}/mentions/{ack['results'][0]['id']}").json()
    mention = stored["mention"]
    assert mention["network"] == "facebook"
    assert mention["post_type"] == "comment"
    assert mention["language"] == "fr"  # YouScan's ISO 639-3 `fra`
    assert mention["sentiment"]["label"] == "negative"
    assert mention["author"]["followers"] == 412
    assert mention["engagement"]["likes"] == 14
    assert mention["parent_external_id"] == "1011345587231"
    assert mention["raw"]["topicName"] == "ACME France"
    assert mention["raw"]["author"]["profileId"] == "100004512378842"
    assert stored["triage"]["sentiment"]["origin"] == "provided"


def test_a_partial_x_post_without_text_or_author_is_accepted(
    client: TestClient, tool: TestClient, brand_id: str
) -> None:
    """YouScan strips text, URL and author name from X mentions."""
    hook = register_hook(client, "youscan", "url_token", brand_id)
    stripped = {
        "topicId": 284116,
        "mentionId": 1139842999,
        "published": "2026-03-09T09:00:00Z",
        "sourceName": "twitter.com",
        "author": {"profileId": "2714573408", "subscribers": 88000},
        "postType": "repost",
        "resourceType": "social",
        "postId": "1898619990001",
        "likes": 12,
        "reposts": 40,
    }
    response = deliver(tool, hook, json.dumps(stripped).encode())
    assert response.status_code == 200, response.text
    stored = client.get(
        f"/v1/brands/{brand_id}/mentions/{response.json()['results'][0]['id']}"
    ).json()
    assert stored["mention"]["network"] == "twitter"
    assert stored["mention"]["post_type"] == "repost"
    assert stored["mention"].get("text") is None
    assert stored["mention"]["author"]["followers"] == 88000


def test_a_redelivered_fixture_counts_nothing_twice(
    client: TestClient,
    tool: TestClient,
    brand_id: str,
    workspace: str,
    dynamodb: DynamoDBClient,
    settings: Settings,
) -> None:
    """A tool's retry is a new delivery (new webhook-id) of the same mentions."""
    hook = register_hook(client, "meltwater", "url_token", brand_id)
    first = deliver(tool, hook, fixture_body("meltwater")).json()
    again = deliver(tool, hook, fixture_body("meltwater")).json()
    assert again["stored"] == 0
    assert again["duplicates"] == 3
    assert [r["id"] for r in again["results"]] == [r["id"] for r in first["results"]]
    assert len(stored_mentions(dynamodb, settings, workspace, brand_id)) == 3


def test_registration_shows_the_secret_and_the_exact_receiver_url_once(
    client: TestClient, brand_id: str
) -> None:
    created = client.post(
        "/v1/hook-sources",
        json={"source": "youscan", "brand_id": brand_id, "auth": "url_token"},
    )
    assert created.status_code == 201
    body = created.json()
    assert body["secret"].startswith("vht_")
    assert body["receiver_url"] == (
        f"http://testserver/v1/hooks/youscan/{brand_id}?hook={body['id']}&token={body['secret']}"
    )
    assert "YouScan" in body["setup"]

    listed = client.get("/v1/hook-sources").json()["items"]
    assert [item["id"] for item in listed] == [body["id"]]
    assert "secret" not in listed[0]
    assert body["secret"] not in json.dumps(listed)
    assert listed[0]["receiver_url"].endswith("&token={token}")
    one = client.get(f"/v1/hook-sources/{body['id']}").json()
    assert "secret" not in one
    assert body["secret"] not in json.dumps(one)


@pytest.mark.parametrize(
    ("auth", "prefix"),
    [("standard_webhooks", "whsec_"), ("hmac_sha256", "vhs_"), ("url_token", "vht_")],
)
def test_each_auth_mode_gets_its_kind_of_secret(client: TestClient, auth: str, prefix: str) -> None:
    hook = register_hook(client, "generic", auth)
    assert hook.secret.startswith(prefix)
    assert "{brand_id}" in hook.receiver_url  # workspace-wide: the tool names the brand


def test_secrets_are_not_stored_in_the_table(
    client: TestClient, workspace: str, dynamodb: DynamoDBClient, settings: Settings
) -> None:
    hooks = [register_hook(client, "generic", auth) for auth in AUTH_MODES]
    items = dynamodb.query(
        TableName=settings.table_name,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": f"WS#{workspace}"}},
    )["Items"]
    for hook in hooks:
        items += [
            dynamodb.get_item(
                TableName=settings.table_name,
                Key={"PK": {"S": f"HOOKSRC#{hook.id}"}, "SK": {"S": "SOURCE"}},
            )["Item"]
        ]
    dumped = json.dumps(items)
    for hook in hooks:
        assert hook.secret not in dumped
        assert hook.secret.split("_", 1)[1] not in dumped


def test_a_workspace_wide_source_delivers_to_any_of_its_brands(
    client: TestClient, tool: TestClient
) -> None:
    for brand in ("north", "south"):
        assert client.post("/v1/brands", json={"id": brand, "name": brand}).status_code == 201
    hook = register_hook(client, "mention", "hmac_sha256")
    # One clock reading: two readings more than a second apart (a loaded machine) could sign
    # both deliveries in the same second, which is a replay of the same signature.
    now = datetime.now(UTC)
    for seconds_ago, brand in enumerate(("north", "south")):
        signed_at = now - timedelta(seconds=seconds_ago)
        response = deliver(tool, hook, fixture_body("mention"), brand, timestamp=signed_at)
        assert response.status_code == 200, response.text
        assert response.json()["stored"] == 1  # the same mention, stored once per brand


def test_a_captured_delivery_cannot_be_replayed_onto_another_brand(
    client: TestClient, tool: TestClient
) -> None:
    """The signature does not cover the URL, so the replay key is the hook's, not the brand's."""
    for brand in ("north", "south"):
        assert client.post("/v1/brands", json={"id": brand, "name": brand}).status_code == 201
    hook = register_hook(client, "mention", "hmac_sha256")
    body = fixture_body("mention")
    headers = signature_headers(hook, body)
    assert tool.post(hook.url("north"), content=body, headers=headers).status_code == 200
    replayed = tool.post(hook.url("south"), content=body, headers=headers)
    assert replayed.status_code == 401
    assert replayed.json()["type"].endswith("/replayed-delivery")
    assert client.get("/v1/brands/south/mentions").json()["items"] == []


def test_a_brand_source_cannot_deliver_to_another_brand(
    client: TestClient, tool: TestClient, brand_id: str
) -> None:
    assert client.post("/v1/brands", json={"id": "other", "name": "o"}).status_code == 201
    hook = register_hook(client, "youscan", "url_token", brand_id)
    response = deliver(tool, hook, fixture_body("youscan"), brand_id="other")
    assert response.status_code == 404
    assert client.get("/v1/brands/other/mentions").json()["items"] == []


def test_a_source_of_workspace_a_cannot_write_into_workspace_b(
    client: TestClient,
    app_client_other: TestClient,
    tool: TestClient,
    dynamodb: DynamoDBClient,
    settings: Settings,
) -> None:
    """Same brand slug in both workspaces: A's source writes to A's brand only."""
    for workspace_client in (client, app_client_other):
        created = workspace_client.post("/v1/brands", json={"id": "shared", "name": "s"})
        assert created.status_code == 201
    hook = register_hook(client, "generic", "standard_webhooks")
    assert deliver(tool, hook, fixture_body("generic"), brand_id="shared").status_code == 200
    assert len(client.get("/v1/brands/shared/mentions").json()["items"]) == 2
    assert app_client_other.get("/v1/brands/shared/mentions").json()["items"] == []

    b_only = app_client_other.post("/v1/brands", json={"id": "b-only", "name": "b"})
    assert b_only.status_code == 201
    refused = deliver(tool, hook, fixture_body("generic"), brand_id="b-only")
    assert refused.status_code == 404
    assert app_client_other.get("/v1/brands/b-only/mentions").json()["items"] == []


def test_another_workspace_cannot_see_rotate_or_delete_a_source(
    client: TestClient, app_client_other: TestClient
) -> None:
    hook = register_hook(client, "generic", "hmac_sha256")
    assert app_client_other.get(f"/v1/hook-sources/{hook.id}").status_code == 404
    assert app_client_other.post(f"/v1/hook-sources/{hook.id}/rotate").status_code == 404
    assert app_client_other.delete(f"/v1/hook-sources/{hook.id}").status_code == 404
    assert app_client_other.get("/v1/hook-sources").json()["items"] == []
    assert client.get(f"/v1/hook-sources/{hook.id}").status_code == 200


def test_registering_for_another_workspaces_brand_is_a_404(
    client: TestClient, app_client_other: TestClient
) -> None:
    assert (
        app_client_other.post("/v1/brands", json={"id": "theirs", "name": "t"}).status_code == 201
    )
    response = client.post(
        "/v1/hook-sources", json={"source": "youscan", "brand_id": "theirs", "auth": "url_token"}
    )
    assert response.status_code == 404


def test_an_unknown_source_is_a_404_problem(tool: TestClient) -> None:
    response = tool.post("/v1/hooks/hootsuite/acme?hook=hk_aaaaaaaaaaaaaaaaaaaa", content=b"{}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "hootsuite" in response.json()["detail"]
    assert "youscan" in response.json()["detail"]


def test_registering_an_unknown_source_is_a_422(client: TestClient) -> None:
    response = client.post("/v1/hook-sources", json={"source": "hootsuite", "auth": "url_token"})
    assert response.status_code == 422
    assert response.json()["invalid_params"][0]["name"] == "source"


def test_hook_management_needs_the_api_key(tool: TestClient) -> None:
    assert tool.get("/v1/hook-sources").status_code == 401
    assert (
        tool.post("/v1/hook-sources", json={"source": "generic", "auth": "url_token"}).status_code
        == 401
    )


def test_the_receiver_does_not_take_the_api_key_as_a_credential(
    client: TestClient, brand_id: str
) -> None:
    """Even the workspace's own key does not open a receiver: only the hook credential does."""
    hook = register_hook(client, "generic", "standard_webhooks", brand_id)
    response = client.post(hook.url(), content=fixture_body("generic"))
    assert response.status_code == 401


def test_a_deleted_source_refuses_deliveries(
    client: TestClient, tool: TestClient, brand_id: str
) -> None:
    hook = register_hook(client, "youscan", "url_token", brand_id)
    assert client.delete(f"/v1/hook-sources/{hook.id}").status_code == 204
    assert deliver(tool, hook, fixture_body("youscan")).status_code == 401
    assert client.get(f"/v1/hook-sources/{hook.id}").status_code == 404
    assert client.delete(f"/v1/hook-sources/{hook.id}").status_code == 404
    assert client.get("/v1/hook-sources").json()["items"] == []


def test_hook_sources_are_listed_with_a_cursor(client: TestClient) -> None:
    ids = {register_hook(client, "generic", "url_token").id for _ in range(5)}
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/v1/hook-sources", params=params).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(ids)


def test_the_acknowledgement_is_short(client: TestClient, tool: TestClient, brand_id: str) -> None:
    """The acknowledgement is short: no triage details, no full assessment."""
    hook = register_hook(client, "mention", "url_token", brand_id)
    ack = deliver(tool, hook, fixture_body("mention")).json()
    assert set(ack) == {
        "hook_id",
        "source",
        "brand_id",
        "delivery_id",
        "received",
        "stored",
        "duplicates",
        "results",
        "assessment",
        "duplicate_delivery",
    }
    assert set(ack["results"][0]) == {"id", "external_id", "duplicate", "tier", "risk"}
    assert set(ack["assessment"]) == {"score", "level", "tier", "stage"}


def test_the_registrations_printed_in_the_docs_are_accepted(client: TestClient) -> None:
    """README.md and docs/webhooks.md register sources as printed; the API takes each one."""
    root = Path(__file__).resolve().parents[2]
    printed = [
        json.loads(match)
        for document in ("README.md", "docs/webhooks.md")
        for match in re.findall(r'\{"source": "[^}]*\}', (root / document).read_text())
        if '"auth"' in match
    ]
    assert len(printed) >= 2
    for body in printed:
        brand = body.get("brand_id")
        if brand is not None:
            client.post("/v1/brands", json={"id": brand, "name": brand})
        response = client.post("/v1/hook-sources", json=body)
        assert response.status_code == 201, (body, response.text)
