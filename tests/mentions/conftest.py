"""Every test here runs against a brand of one shard (today's keys) and a sharded one."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from mypy_boto3_dynamodb import DynamoDBClient

from api.settings import Settings
from tests.factories import create_brand, create_sharded_brand


@pytest.fixture(params=[1, 5], ids=["1-shard", "5-shards"])
def brand_id(
    request: pytest.FixtureRequest,
    client: TestClient,
    dynamodb: DynamoDBClient,
    settings: Settings,
    workspace: str,
) -> str:
    shards: int = request.param
    if shards == 1:
        return create_brand(client)
    return create_sharded_brand(dynamodb, settings.table_name, workspace, shards)
