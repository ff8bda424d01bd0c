from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
from fastapi.testclient import TestClient

from tests.factories import mention


def test_a_retried_post_with_the_same_key_replays_the_first_response(
    client: TestClient, brand_id: str
) -> None:
    url = f"/v1/brands/{brand_id}/mentions"
    body = {"mentions": [mention("a"), mention("b")]}
    headers = {"Idempotency-Key": "batch-0001"}
    first = client.post(url, json=body, headers=headers)
    again = client.post(url, json=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert all(not r["duplicate"] for r in again.json()["results"])
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    # Without the key, the same batch is answered afresh: duplicates, counted nothing.
    fresh = client.post(url, json=body)
    assert all(r["duplicate"] for r in fresh.json()["results"])


def test_reusing_a_key_with_another_body_is_a_422(client: TestClient, brand_id: str) -> None:
    url = f"/v1/brands/{brand_id}/mentions"
    headers = {"Idempotency-Key": "batch-0002"}
    assert client.post(url, json={"mentions": [mention("a")]}, headers=headers).status_code == 200
    reused = client.post(url, json={"mentions": [mention("b")]}, headers=headers)
    assert reused.status_code == 422
    assert reused.json()["type"].endswith("/idempotency-key-reused")


def test_create_brand_retry_replays_201_instead_of_409(client: TestClient) -> None:
    headers = {"Idempotency-Key": "create-acme"}
    first = client.post("/v1/brands", json={"id": "acme", "name": "ACME"}, headers=headers)
    again = client.post("/v1/brands", json={"id": "acme", "name": "ACME"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert client.post("/v1/brands", json={"id": "acme", "name": "ACME"}).status_code == 409


def test_a_failed_request_is_not_remembered(client: TestClient, brand_id: str) -> None:
    url = f"/v1/brands/{brand_id}/mentions"
    headers = {"Idempotency-Key": "batch-0003"}
    late = mention("late", published_at="2999-01-01T00:00:00Z")
    assert client.post(url, json={"mentions": [late]}, headers=headers).status_code == 422
    # The refusal was not stored: the same key now runs the corrected request.
    fixed = client.post(url, json={"mentions": [mention("late")]}, headers=headers)
    assert fixed.status_code == 200
    assert fixed.json()["results"][0]["duplicate"] is False


def test_keys_are_scoped_to_the_workspace(client: TestClient, app_client_other: TestClient) -> None:
    headers = {"Idempotency-Key": "same-key"}
    assert (
        client.post("/v1/brands", json={"id": "x1", "name": "x"}, headers=headers).status_code
        == 201
    )
    other = app_client_other.post("/v1/brands", json={"id": "x1", "name": "x"}, headers=headers)
    assert other.status_code == 201
    assert "idempotent-replayed" not in other.headers


def test_concurrent_retries_with_one_key_run_once(live_client: httpx.Client, brand_id: str) -> None:
    url = f"/v1/brands/{brand_id}/mentions"
    body = {"mentions": [mention(f"c{i}") for i in range(30)]}

    def post() -> httpx.Response:
        return live_client.post(url, json=body, headers={"Idempotency-Key": "concurrent-1"})

    with ThreadPoolExecutor(max_workers=3) as pool:
        responses = list(pool.map(lambda _: post(), range(3)))
    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {200, 409}
    assert 200 in statuses
    for response in responses:
        if response.status_code == 409:
            assert response.headers["retry-after"]
    ok = [r.json() for r in responses if r.status_code == 200]
    new_counts = [sum(not res["duplicate"] for res in body_["results"]) for body_ in ok]
    # Whoever ran it stored all 30; replays return that same answer; nobody stored them twice.
    assert all(count == 30 for count in new_counts)
