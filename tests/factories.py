"""Builders of API payloads and objects shared by the tests (fixtures stay in conftest.py).

The engine's own builders (canonical `Mention` models, buckets) live in tests/engine/factories.py.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from fastapi.testclient import TestClient

from api.brands.repository import BrandRepository
from api.brands.schemas import BrandCreate
from api.brands.service import BrandService
from api.workspaces.service import Principal

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


def mention(external_id: str, **overrides: Any) -> dict[str, Any]:
    """A canonical mention payload published a minute ago (tests override what they need)."""
    payload: dict[str, Any] = {
        "external_id": external_id,
        "source": "test",
        "network": "twitter",
        "published_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
        "text": "My order never arrived and nobody answers",
        "language": "en",
        "author": {"handle": "@someone", "followers": 120, "kind": "person"},
        "engagement": {"likes": 1, "shares": 0, "comments": 0},
        "sentiment": {"score": -0.6},
    }
    payload.update(overrides)
    return payload


def create_brand(client: TestClient, brand_id: str | None = None, name: str = "Test brand") -> str:
    """Create a brand through the API in the client's workspace; its id (random unless given)."""
    brand = brand_id or f"brand-{uuid.uuid4().hex[:8]}"
    response = client.post("/v1/brands", json={"id": brand, "name": name})
    assert response.status_code == 201, response.text
    return brand


def create_sharded_brand(
    dynamodb: DynamoDBClient,
    table_name: str,
    workspace: str,
    shards: int,
    brand_id: str | None = None,
) -> str:
    """A brand whose mentions are spread over `shards` shards (what `VIGIE_MENTION_SHARDS` or
    `VIGIE_WORKSPACE_MENTION_SHARDS` choose at creation); the app learns the count from the
    brand item, as it does in production. Its id (random)."""
    brand = brand_id or f"brand-{uuid.uuid4().hex[:8]}"
    service = BrandService(BrandRepository(dynamodb, table_name), mention_shards=shards)
    service.create(Principal(workspace), BrandCreate(id=brand, name="Sharded brand"))
    return brand


def closed_port() -> int:
    """A local TCP port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
