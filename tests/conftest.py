"""Shared fixtures: a real DynamoDB Local for the whole session, one app per session.

Tests isolate themselves by data (a fresh workspace and brand each), not by table: creating a
table per test would dominate the run time.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx
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
from api.local.dynamodb_local import DynamoDBLocal
from api.services import Services
from api.settings import Settings
from api.storage.client import create_dynamodb_client
from api.storage.table import create_table
from api.subscriptions.dispatcher import Dispatcher
from api.subscriptions.ssrf import allowed_networks
from api.subscriptions.transport import HttpSender
from tests.factories import create_brand, create_sharded_brand
from tests.live_server import LiveServer
from tests.subscriptions.receivers import Receiver

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


@pytest.fixture(scope="session")
def dynamodb_endpoint() -> Iterator[str]:
    """DynamoDB Local started by the project's launcher (or VIGIE_TEST_DYNAMODB_ENDPOINT)."""
    given = os.environ.get("VIGIE_TEST_DYNAMODB_ENDPOINT")
    if given:
        yield given
        return
    with DynamoDBLocal() as local:
        yield local.endpoint


@pytest.fixture(scope="session")
def settings(dynamodb_endpoint: str) -> Settings:
    return Settings(
        dynamodb_endpoint=dynamodb_endpoint,
        table_name=f"vigie-test-{uuid.uuid4().hex[:8]}",
        region="eu-west-3",
        # DynamoDB Local on a shared 2-core machine can take seconds for a 100-action
        # transaction: wait longer than production would (still within the 20 s budget).
        dynamodb_max_attempts=2,
        dynamodb_connect_timeout=2,
        dynamodb_read_timeout=8,
        # Subscription receivers listen on 127.0.0.1 (link-local and metadata stay refused
        # whatever this says); two quick retries keep a delivery's whole life under a second.
        outbound_allow_cidrs="127.0.0.0/8",
        subscription_retry_schedule=(0.2, 0.4),
        subscription_timeout_seconds=2.0,
    )


@pytest.fixture(scope="session")
def dynamodb(settings: Settings) -> DynamoDBClient:
    client = create_dynamodb_client(settings)
    create_table(client, settings.table_name)
    return client


@pytest.fixture(scope="session")
def app(settings: Settings, dynamodb: DynamoDBClient) -> FastAPI:
    return create_app(settings, dynamodb)


@pytest.fixture(scope="session")
def services(app: FastAPI) -> Services:
    services: Services = app.state.services
    return services


@pytest.fixture
def workspace() -> str:
    return f"ws-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def api_key(services: Services, workspace: str) -> str:
    return services.api_keys.create(workspace)


@pytest.fixture
def client(app: FastAPI, api_key: str) -> Iterator[TestClient]:
    """An in-process HTTP client authenticated for a fresh workspace."""
    with TestClient(app, headers={"Authorization": f"Bearer {api_key}"}) as test_client:
        yield test_client


@pytest.fixture
def app_client_other(app: FastAPI, services: Services) -> Iterator[TestClient]:
    """A client of another, fresh workspace (for isolation tests)."""
    key = services.api_keys.create(f"other-{uuid.uuid4().hex[:10]}")
    with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as test_client:
        yield test_client


@pytest.fixture
def brand_id(client: TestClient) -> str:
    return create_brand(client)


@pytest.fixture(scope="session")
def live_server(app: FastAPI) -> Iterator[LiveServer]:
    """The app on a real uvicorn socket, for tests where the HTTP stack matters."""
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def live_client(live_server: LiveServer, api_key: str) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=live_server.url, headers={"Authorization": f"Bearer {api_key}"}, timeout=30
    ) as http:
        yield http


# Outbound deliveries (subscriptions, the console's subscription pages): a real HTTP receiver
# on 127.0.0.1 and the in-process dispatcher of `vigie dev` reading the real stream.
@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def worker(
    services: Services, settings: Settings, dynamodb: DynamoDBClient, workspace: str
) -> Iterator[LocalWorker]:
    """The in-process dispatcher of `vigie dev`, reading the real stream, for this workspace."""
    scheduler = InMemoryRetryScheduler()
    sender = HttpSender(
        allowed_networks(settings.outbound_allow_cidrs), settings.subscription_timeout_seconds
    )
    dispatcher = Dispatcher(services.subscriptions, sender, scheduler)
    reader = StreamReader(
        dynamodb,
        create_streams_client(settings),
        settings.table_name,
        workspaces=[workspace],
    )
    running = LocalWorker(dispatcher, reader, scheduler, poll_seconds=0.05).start()
    yield running
    running.stop()
    sender.close()


@pytest.fixture(params=[1, 5], ids=["1-shard", "5-shards"])
def brand_of_1_or_5_shards(
    request: pytest.FixtureRequest,
    client: TestClient,
    dynamodb: DynamoDBClient,
    settings: Settings,
    workspace: str,
) -> str:
    """A brand of one shard (today's keys) and a sharded one: a test using it runs on both."""
    shards: int = request.param
    if shards == 1:
        return create_brand(client)
    return create_sharded_brand(dynamodb, settings.table_name, workspace, shards)
