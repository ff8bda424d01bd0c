"""One headless Chromium (the distribution's /usr/bin/chromium) for the whole session.

Playwright drives it with `executable_path`: it never downloads a browser. The app runs on a
real uvicorn socket (tests/conftest.py `live_server`) against DynamoDB Local.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from api.services import Services
from tests.console.seeding import SeededBrand, seed_brand, signed_in
from tests.live_server import LiveServer

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
def web(app: FastAPI, workspace: str) -> Iterator[TestClient]:
    """A cookie-keeping client signed in to the console with a new key of the workspace."""
    services: Services = app.state.services
    with TestClient(app, follow_redirects=False) as client:
        signed_in(client, services.api_keys.create(workspace))
        yield client


@pytest.fixture
def seeded(services: Services, live_server: LiveServer) -> SeededBrand:
    return seed_brand(services, live_server)
