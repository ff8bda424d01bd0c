"""Subscription test helpers: an app allowed to reach 127.0.0.1, real HTTP receivers, a worker."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.local.dispatch_loop import (
    InMemoryRetryScheduler,
    LocalWorker,
    StreamReader,
    create_streams_client,
)
from api.services import Services
from api.settings import Settings
from api.subscriptions.dispatcher import Dispatcher
from api.subscriptions.ssrf import allowed_networks
from api.subscriptions.transport import HttpSender

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


from tests.subscriptions.receivers import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


@pytest.fixture(scope="session")
def outbound_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "outbound_allow_cidrs": "127.0.0.0/8",
            "subscription_retry_schedule": (0.2, 0.4),
            "subscription_timeout_seconds": 2.0,
        }
    )


@pytest.fixture(scope="session")
def outbound_app(outbound_settings: Settings, dynamodb: DynamoDBClient) -> FastAPI:
    return create_app(outbound_settings, dynamodb)


@pytest.fixture(scope="session")
def outbound_services(outbound_app: FastAPI) -> Services:
    services: Services = outbound_app.state.services
    return services


@pytest.fixture
def sub_workspace() -> str:
    return f"ws-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def sub_client(
    outbound_app: FastAPI, outbound_services: Services, sub_workspace: str
) -> Iterator[TestClient]:
    key = outbound_services.api_keys.create(sub_workspace)
    with TestClient(outbound_app, headers={"Authorization": f"Bearer {key}"}) as client:
        yield client


@pytest.fixture
def other_client(outbound_app: FastAPI, outbound_services: Services) -> Iterator[TestClient]:
    key = outbound_services.api_keys.create(f"other-{uuid.uuid4().hex[:10]}")
    with TestClient(outbound_app, headers={"Authorization": f"Bearer {key}"}) as client:
        yield client


@pytest.fixture
def sub_brand(sub_client: TestClient) -> str:
    brand = f"brand-{uuid.uuid4().hex[:8]}"
    response = sub_client.post("/v1/brands", json={"id": brand, "name": "Test <brand>"})
    assert response.status_code == 201, response.text
    return brand


@pytest.fixture
def worker(
    outbound_services: Services,
    outbound_settings: Settings,
    dynamodb: DynamoDBClient,
    sub_workspace: str,
) -> Iterator[LocalWorker]:
    """The in-process dispatcher of `vigie dev`, reading the real stream, for this workspace."""
    scheduler = InMemoryRetryScheduler()
    sender = HttpSender(
        allowed_networks(outbound_settings.outbound_allow_cidrs),
        outbound_settings.subscription_timeout_seconds,
    )
    dispatcher = Dispatcher(outbound_services.subscriptions, sender, scheduler)
    reader = StreamReader(
        dynamodb,
        create_streams_client(outbound_settings),
        outbound_settings.table_name,
        workspaces=[sub_workspace],
    )
    running = LocalWorker(dispatcher, reader, scheduler, poll_seconds=0.05).start()
    yield running
    running.stop()
    sender.close()
