"""An app whose workspaces may store 5 mentions a day (the session app's quota is 100 000)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from mypy_boto3_dynamodb import DynamoDBClient

from api.app import create_app
from api.services import Services
from api.settings import Settings
from tests.quotas.limits import QUOTA


@pytest.fixture(scope="module")
def quota_app(settings: Settings, dynamodb: DynamoDBClient) -> FastAPI:
    return create_app(settings.model_copy(update={"daily_mention_quota": QUOTA}), dynamodb)


@pytest.fixture
def quota_workspace() -> str:
    return f"quota-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def quota_client(quota_app: FastAPI, quota_workspace: str) -> Iterator[TestClient]:
    services: Services = quota_app.state.services
    key = services.api_keys.create(quota_workspace)
    with TestClient(quota_app, headers={"Authorization": f"Bearer {key}"}) as client:
        yield client


@pytest.fixture
def quota_tool(quota_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(quota_app) as client:
        yield client
