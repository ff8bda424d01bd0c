"""Shared /v1 dependencies: query parameters are named once, known, and read as sent."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.factories import create_brand


@pytest.mark.parametrize(
    ("path", "query", "name"),
    [
        ("/v1/brands", "limit=1&limit=2", "limit"),
        ("/v1/brands/{brand}/risk", "at=2026-01-01T00:00:00Z&at=2026-02-01T00:00:00Z", "at"),
        ("/v1/brands/{brand}/mentions", "limit=5&tier=watch&limit=50", "limit"),
        ("/v1/subscriptions", "cursor=abc&cursor=abc", "cursor"),
        ("/v1/api-keys", "limit=1&limit=1", "limit"),
    ],
)
def test_a_repeated_query_parameter_is_a_422_naming_it(
    client: TestClient, path: str, query: str, name: str
) -> None:
    # One of the values was used silently (`?limit=1&limit=2` listed 2): the caller cannot know
    # which, so neither is.
    brand_id = create_brand(client)
    response = client.get(f"{path.format(brand=brand_id)}?{query}")
    assert response.status_code == 422, response.text
    problem = response.json()
    assert [p["name"] for p in problem["invalid_params"]] == [name]
    assert f"`{name}`" in problem["detail"]


def test_a_parameter_given_once_is_read_as_before(client: TestClient) -> None:
    create_brand(client)
    create_brand(client)
    response = client.get("/v1/brands?limit=1")
    assert response.status_code == 200
    assert len(response.json()["items"]) == 1
