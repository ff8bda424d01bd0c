"""Ingest's brand cache (api/brands/service.py): two containers, an injected clock, no waiting."""

from __future__ import annotations

import uuid

import pytest
from mypy_boto3_dynamodb import DynamoDBClient

from api.brands.repository import BrandRepository
from api.brands.schemas import BrandCreate, BrandUpdate
from api.brands.service import BrandService
from api.problems import NotFound
from api.settings import Settings
from api.workspaces.service import Principal

BOUND = 5.0


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_patch_in_another_container_reaches_ingest_within_the_bound(
    settings: Settings, dynamodb: DynamoDBClient, workspace: str
) -> None:
    clock = Clock()
    repository = BrandRepository(dynamodb, settings.table_name)
    a = BrandService(repository, cache_seconds=BOUND, clock=clock)
    b = BrandService(repository, cache_seconds=BOUND, clock=clock)
    principal = Principal(workspace)
    brand_id = f"b-{uuid.uuid4().hex[:8]}"
    b.create(principal, BrandCreate(id=brand_id, name="Old"))
    assert a.get_for_ingest(principal, brand_id).name == "Old"

    b.update(principal, brand_id, BrandUpdate(name="New"))
    clock.now += BOUND - 0.5
    assert a.get_for_ingest(principal, brand_id).name == "Old"  # within the bound
    assert a.get(principal, brand_id).name == "New"  # every other route reads afresh
    clock.now += 1.0
    assert a.get_for_ingest(principal, brand_id).name == "New"  # past it

    # A change through the same container is seen at once.
    a.update(principal, brand_id, BrandUpdate(name="Newer"))
    assert a.get_for_ingest(principal, brand_id).name == "Newer"


def test_an_erasure_through_the_container_is_seen_at_once(
    settings: Settings, dynamodb: DynamoDBClient, workspace: str
) -> None:
    clock = Clock()
    repository = BrandRepository(dynamodb, settings.table_name)
    a = BrandService(repository, cache_seconds=BOUND, clock=clock)
    principal = Principal(workspace)
    brand_id = f"b-{uuid.uuid4().hex[:8]}"
    a.create(principal, BrandCreate(id=brand_id, name="Gone soon"))
    a.get_for_ingest(principal, brand_id)
    dynamodb.update_item(  # the erasure's mark (api/erasure/repository.py)
        TableName=settings.table_name,
        Key={"PK": {"S": f"WS#{workspace}"}, "SK": {"S": f"BRAND#{brand_id}"}},
        UpdateExpression="SET erasure_id = :e",
        ExpressionAttributeValues={":e": {"S": "er_test"}},
    )
    a.forget(workspace, brand_id)  # what ErasureService.erase_brand does
    with pytest.raises(NotFound):
        a.get_for_ingest(principal, brand_id)
