"""Subscription test helpers: an app allowed to reach 127.0.0.1, real HTTP receivers, a worker."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

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


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """An HTTP server on 127.0.0.1 that records every request and answers `respond(request)`."""

    respond: Callable[[Received], tuple[int, dict[str, str], bytes]] = field(
        default=lambda _: (204, {}, b"")
    )
    received: list[Received] = field(default_factory=list)
    connections: int = 0

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def setup(self) -> None:
                receiver.connections += 1
                super().setup()

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                request = Received(self.path, dict(self.headers.items()), self.rfile.read(length))
                receiver.received.append(request)
                status, headers, body = receiver.respond(request)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.received)} of {count} deliveries arrived")
            time.sleep(0.05)
        return self.received


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


def subscribe(client: TestClient, url: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "url": url,
        "events": [
            "brand.tier_changed",
            "brand.stage_changed",
            "mention.escalated",
            "subscription.test",
            "subscription.disabled",
        ],
    }
    body.update(overrides)
    response = client.post("/v1/subscriptions", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created
