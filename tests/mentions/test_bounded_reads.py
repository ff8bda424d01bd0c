"""Listings read a bounded amount whatever the brand's size, and refuse hostile input with 4xx."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import hypothesis.strategies as st
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from api.mentions import repository
from api.services import Services
from tests.factories import mention

LIST_ENDPOINTS = ["/v1/brands/{brand}/mentions", "/v1/brands", "/v1/hook-sources"]


def post_mentions(client: TestClient, brand: str, count: int, **extra: Any) -> None:
    now = datetime.now(UTC)
    for start in range(0, count, 100):
        batch = [
            mention(f"m-{i}", published_at=(now - timedelta(seconds=i + 1)).isoformat(), **extra)
            for i in range(start, min(count, start + 100))
        ]
        response = client.post(f"/v1/brands/{brand}/mentions", json={"mentions": batch})
        assert response.status_code == 200, response.text


@pytest.fixture
def scanned(services: Services) -> Iterator[list[int]]:
    """How many index items each mention listing query read (DynamoDB's ScannedCount)."""
    counts: list[int] = []

    def after_query(parsed: dict[str, Any], **_: Any) -> None:
        counts.append(int(parsed.get("ScannedCount", 0)))

    events = services.mentions._repository._client.meta.events
    events.register("after-call.dynamodb.Query", after_query)
    yield counts
    events.unregister("after-call.dynamodb.Query", after_query)


def walk(client: TestClient, path: str) -> tuple[list[dict[str, Any]], int]:
    """Every item of a listing, following cursors; and how many pages that took."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    pages = 0
    while True:
        separator = "&" if "?" in path else "?"
        response = client.get(path + (f"{separator}cursor={cursor}" if cursor else ""))
        assert response.status_code == 200, response.text
        pages += 1
        items += response.json()["items"]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return items, pages


def test_a_filter_matching_nothing_reads_a_bounded_slice_per_page(
    client: TestClient,
    brand_id: str,
    scanned: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(repository, "SCAN_BUDGET", 40)
    post_mentions(client, brand_id, 130)
    scanned.clear()
    first = client.get(f"/v1/brands/{brand_id}/mentions?network=linkedin&limit=1")
    assert first.status_code == 200
    assert first.json()["items"] == []
    assert first.json()["next_cursor"] is not None  # stopped by the budget, not the end
    assert sum(scanned) <= 40 + 1
    items, pages = walk(client, f"/v1/brands/{brand_id}/mentions?network=linkedin&limit=1")
    assert items == []
    assert pages <= 130 // 40 + 2


def test_a_filtered_listing_still_lists_every_match_once(
    client: TestClient, brand_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(repository, "SCAN_BUDGET", 25)
    post_mentions(client, brand_id, 90)
    items, _ = walk(client, f"/v1/brands/{brand_id}/mentions?network=twitter&limit=7")
    assert len(items) == 90
    assert len({item["id"] for item in items}) == 90


def test_pages_are_capped_in_bytes(
    client: TestClient, brand_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    post_mentions(client, brand_id, 30, text="x" * 20_000)
    monkeypatch.setattr(repository, "MAX_PAGE_BYTES", 100_000)
    first = client.get(f"/v1/brands/{brand_id}/mentions?limit=100").json()
    assert 1 <= len(first["items"]) <= 5
    assert first["next_cursor"] is not None
    items, _ = walk(client, f"/v1/brands/{brand_id}/mentions?limit=100")
    assert len({item["id"] for item in items}) == len(items) == 30


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


HOSTILE_CURSORS = st.one_of(
    st.integers(min_value=1, max_value=1500).map(lambda n: b64(b"[" * n)),
    st.integers(min_value=1, max_value=1500).map(lambda n: b64(b'{"k":' * n)),
    st.binary(max_size=600).map(b64),
    st.recursive(
        st.none() | st.integers() | st.text(), lambda c: st.lists(c) | st.dictionaries(st.text(), c)
    ).map(lambda value: b64(repr(value).encode())),
    st.text(max_size=200),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(cursor=HOSTILE_CURSORS, endpoint=st.sampled_from(LIST_ENDPOINTS))
def test_hostile_cursors_are_4xx_on_every_listing(
    client: TestClient, brand_id: str, cursor: str, endpoint: str
) -> None:
    response = client.get(endpoint.format(brand=brand_id), params={"cursor": cursor})
    assert response.status_code in {400, 422}, response.text
    assert response.headers["content-type"] == "application/problem+json"


EXTREME_INSTANTS = [
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "0001-01-01T00:00:00+23:59",
    "9999-12-31T23:59:59-23:59",
]


@pytest.mark.parametrize("instant", EXTREME_INSTANTS)
@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/v1/brands/{brand}/mentions", "since"),
        ("/v1/brands/{brand}/mentions", "until"),
        ("/v1/brands/{brand}/risk", "at"),
        ("/v1/brands/{brand}/risk/history", "from"),
        ("/v1/brands/{brand}/risk/history", "to"),
    ],
)
def test_instants_without_a_utc_equivalent_are_422(
    client: TestClient, brand_id: str, path: str, name: str, instant: str
) -> None:
    response = client.get(path.format(brand=brand_id), params={name: instant})
    assert response.status_code == 422, response.text
    assert response.json()["invalid_params"][0]["name"] == name
