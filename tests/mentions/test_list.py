from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.factories import mention

BASE = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=6)


def ingest(client: TestClient, brand_id: str, mentions: list[dict[str, Any]]) -> list[str]:
    response = client.post(f"/v1/brands/{brand_id}/mentions", json={"mentions": mentions})
    assert response.status_code == 200, response.text
    return [r["id"] for r in response.json()["results"]]


def at(minutes: int) -> str:
    return (BASE + timedelta(minutes=minutes)).isoformat()


def test_mentions_are_listed_newest_first_across_pages(client: TestClient, brand_id: str) -> None:
    ids = ingest(client, brand_id, [mention(f"m{i}", published_at=at(10 * i)) for i in range(5)])
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = client.get(f"/v1/brands/{brand_id}/mentions", params=params).json()
        pages += 1
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(ids))
    assert pages == 3


def test_mentions_filter_by_time_network_and_tier(client: TestClient, brand_id: str) -> None:
    ingest(
        client,
        brand_id,
        [
            mention("old", published_at=at(0), network="facebook"),
            mention("mid", published_at=at(60), network="twitter"),
            mention("new", published_at=at(120), network="facebook"),
        ],
    )
    url = f"/v1/brands/{brand_id}/mentions"

    def external_ids(**params: Any) -> list[str]:
        response = client.get(url, params=params)
        assert response.status_code == 200, response.text
        return [item["mention"]["external_id"] for item in response.json()["items"]]

    assert external_ids(since=at(60)) == ["new", "mid"]
    assert external_ids(until=at(60)) == ["mid", "old"]
    assert external_ids(since=at(30), until=at(90)) == ["mid"]
    assert external_ids(network="facebook") == ["new", "old"]
    assert external_ids(network="facebook", limit=1) == ["new"]
    tiers = {item["triage"]["tier"] for item in client.get(url).json()["items"]}
    for tier in tiers:
        listed = client.get(url, params={"tier": tier}).json()["items"]
        assert listed
        assert all(item["triage"]["tier"] == tier for item in listed)
    other = {"watch", "respond_publicly", "move_to_private", "executive_statement"} - tiers
    for tier in other:
        assert external_ids(tier=tier) == []


def test_get_one_mention_and_unknown_ids(client: TestClient, brand_id: str) -> None:
    (mention_id,) = ingest(client, brand_id, [mention("solo", published_at=at(5))])
    stored = client.get(f"/v1/brands/{brand_id}/mentions/{mention_id}")
    assert stored.status_code == 200
    body = stored.json()
    assert body["id"] == mention_id
    assert body["brand_id"] == brand_id
    assert body["mention"]["external_id"] == "solo"
    assert body["triage"]["model_version"]
    missing = client.get(f"/v1/brands/{brand_id}/mentions/m_doesnotexist")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


def test_invalid_list_parameters_are_problems(client: TestClient, brand_id: str) -> None:
    url = f"/v1/brands/{brand_id}/mentions"
    assert client.get(url, params={"limit": 0}).status_code == 422
    assert client.get(url, params={"limit": 101}).status_code == 422
    assert client.get(url, params={"tier": "panic"}).status_code == 422
    assert client.get(url, params={"since": "yesterday"}).status_code == 422
    assert client.get(url, params={"cursor": "eyJrIjoibWVudGlvbiIsInAiOiJ4In0"}).status_code == 400
    brand_cursor = client.get("/v1/brands", params={"limit": 1}).json()["next_cursor"]
    if brand_cursor:
        assert client.get(url, params={"cursor": brand_cursor}).status_code == 400


def test_out_of_range_or_inverted_time_filters_are_422(client: TestClient, brand_id: str) -> None:
    url = f"/v1/brands/{brand_id}/mentions"
    inverted = client.get(url, params={"since": at(60), "until": at(0)})
    assert inverted.status_code == 422
    assert inverted.json()["invalid_params"][0]["name"] == "since"
    ancient = client.get(url, params={"since": "0005-01-01T00:00:00Z"})
    assert ancient.status_code == 422
    assert (
        client.get(f"/v1/brands/{brand_id}/risk", params={"at": "0005-01-01T00:00:00Z"}).status_code
        == 422
    )
