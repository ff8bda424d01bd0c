"""One headless Chromium (the distribution's /usr/bin/chromium) for the whole session.

Playwright drives it with `executable_path`: it never downloads a browser. The app runs on a
real uvicorn socket (tests/conftest.py `live_server`) against DynamoDB Local.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

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
from tests.console.seeding import SeededBrand, seed_brand
from tests.live_server import LiveServer
from tests.subscriptions.receivers import Receiver

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

CHROMIUM = os.environ.get("VIGIE_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Package scope, not session: Playwright's sync API keeps an asyncio loop running on the main
# thread while it is open, and Mangum (tests/test_handler.py) refuses to run inside a running loop.
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    created = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    yield created
    created.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def seeded(services: Services, live_server: LiveServer) -> SeededBrand:
    return seed_brand(services, live_server)


# The subscription pages deliver to a real receiver on 127.0.0.1: an app allowed to reach it,
# and the in-process dispatcher of `vigie dev` reading the real stream (as tests/subscriptions).
@pytest.fixture(scope="session")
def outbound_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"outbound_allow_cidrs": "127.0.0.0/8", "subscription_timeout_seconds": 2.0}
    )


@pytest.fixture(scope="session")
def outbound_app(outbound_settings: Settings, dynamodb: DynamoDBClient) -> FastAPI:
    return create_app(outbound_settings, dynamodb)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def outbound_workspace() -> str:
    return f"ws-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def worker(
    outbound_app: FastAPI,
    outbound_settings: Settings,
    dynamodb: DynamoDBClient,
    outbound_workspace: str,
) -> Iterator[LocalWorker]:
    services: Services = outbound_app.state.services
    scheduler = InMemoryRetryScheduler()
    sender = HttpSender(
        allowed_networks(outbound_settings.outbound_allow_cidrs),
        outbound_settings.subscription_timeout_seconds,
    )
    reader = StreamReader(
        dynamodb,
        create_streams_client(outbound_settings),
        outbound_settings.table_name,
        workspaces=[outbound_workspace],
    )
    dispatcher = Dispatcher(services.subscriptions, sender, scheduler)
    running = LocalWorker(dispatcher, reader, scheduler, poll_seconds=0.05).start()
    yield running
    running.stop()
    sender.close()
