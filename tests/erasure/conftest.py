"""Erasure fixtures: an app that erases nothing before answering (the background path)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from mypy_boto3_dynamodb import DynamoDBClient

from api.app import create_app
from api.services import Services
from api.settings import Settings


@pytest.fixture(scope="session")
def background_app(settings: Settings, dynamodb: DynamoDBClient) -> FastAPI:
    update = {"erasure_sync_items": 0, "erasure_settle_seconds": 0.0}
    return create_app(settings.model_copy(update=update), dynamodb)


@pytest.fixture(scope="session")
def background_services(background_app: FastAPI) -> Services:
    services: Services = background_app.state.services
    return services


@pytest.fixture(scope="session")
def patient_app(settings: Settings, dynamodb: DynamoDBClient) -> FastAPI:
    """Erases within the request however slow DynamoDB Local is (no timing in tests), and
    finishes at once (no wait for requests in flight)."""
    update = {"erasure_sync_seconds": 20.0, "erasure_settle_seconds": 0.0}
    return create_app(settings.model_copy(update=update), dynamodb)


@pytest.fixture(scope="session")
def settling_app(settings: Settings, dynamodb: DynamoDBClient) -> FastAPI:
    """Patient, and waits the default settle time before the last sweep."""
    return create_app(settings.model_copy(update={"erasure_sync_seconds": 20.0}), dynamodb)


@pytest.fixture(scope="session")
def settling_services(settling_app: FastAPI) -> Services:
    services: Services = settling_app.state.services
    return services


@pytest.fixture
def settling_client(settling_app: FastAPI, api_key: str) -> Iterator[TestClient]:
    with TestClient(settling_app, headers={"Authorization": f"Bearer {api_key}"}) as http:
        yield http


@pytest.fixture
def patient_client(patient_app: FastAPI, api_key: str) -> Iterator[TestClient]:
    with TestClient(patient_app, headers={"Authorization": f"Bearer {api_key}"}) as http:
        yield http


@pytest.fixture
def background_client(background_app: FastAPI, api_key: str) -> Iterator[TestClient]:
    """The same workspace as `client`, through the app that leaves erasures to the worker."""
    with TestClient(background_app, headers={"Authorization": f"Bearer {api_key}"}) as http:
        yield http
