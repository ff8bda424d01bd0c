"""Console test helpers: a seeded brand through the public API, hostile texts, signing in."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi.testclient import TestClient
from playwright.sync_api import Page

from api.services import Services
from tests.factories import mention
from tests.live_server import LiveServer

IMG_ATTACK = "<img src=x onerror=alert(1)> my order never arrived and nobody answers, refund me"
KEY_FIELD = re.compile(r'name="csrf" value="([^"]+)"')
SCRIPT_ATTACK = "<script>alert(2)</script> I was charged twice, this is a scam, refund me"


@dataclass(frozen=True)
class SeededBrand:
    workspace: str
    api_key: str
    brand_id: str
    mention_ids: list[str]


def seed_brand(
    services: Services, live_server: LiveServer, name: str = "ACME", complaints: int = 0
) -> SeededBrand:
    """A brand with two days of mentions, one risky enough to be a top mention, then the last
    two hostile HTML, through the public API (and `complaints` more, all in the answer queue)."""
    workspace = f"ws-{uuid.uuid4().hex[:10]}"
    api_key = services.api_keys.create(workspace)
    brand_id = f"brand-{uuid.uuid4().hex[:8]}"
    now = datetime.now(UTC)
    batch: list[dict[str, Any]] = [
        mention(
            f"bg{i}",
            published_at=(now - timedelta(hours=i % 40, minutes=5 + i % 50)).isoformat(),
            text="Love the new app" if i % 12 else "Delivery late again, not happy",
            sentiment={"score": 0.6 if i % 12 else -0.4},
        )
        for i in range(60)
    ]
    batch += [
        mention(
            f"complaint{i}", text=f"Order {i} never arrived, refund me", sentiment={"score": -0.7}
        )
        for i in range(complaints)
    ]
    # A widely followed author on a safety topic: risky enough to be one of the top mentions.
    batch.append(
        mention(
            "safety",
            text="Your charger caught fire and burned my kid, this is dangerous",
            author={"handle": "@watchdog", "followers": 50000, "kind": "person"},
            sentiment={"score": -0.9},
        )
    )
    batch += [
        mention("crisis-img", text=IMG_ATTACK, sentiment={"score": -0.8}),
        mention("crisis-script", text=SCRIPT_ATTACK, sentiment={"score": -0.8}),
    ]
    with httpx.Client(
        base_url=live_server.url, headers={"Authorization": f"Bearer {api_key}"}, timeout=60
    ) as http:
        assert http.post("/v1/brands", json={"id": brand_id, "name": name}).status_code == 201
        response = http.post(f"/v1/brands/{brand_id}/mentions", json={"mentions": batch})
        assert response.status_code == 200, response.text
        ids = [result["id"] for result in response.json()["results"]]
    return SeededBrand(workspace, api_key, brand_id, ids)


def sign_in(page: Page, live_server: LiveServer, api_key: str, name: str = "camille") -> None:
    page.goto(f"{live_server.url}/app/sign-in")
    page.fill('input[name="api_key"]', api_key)
    page.fill('input[name="name"]', name)
    page.click('button[type="submit"]')
    page.wait_for_url(re.compile(r".*/app/brands$"))


def signed_in(web: TestClient, api_key: str, **headers: str) -> str:
    """Sign a cookie-keeping TestClient in through the form; returns the session's Set-Cookie."""
    form = web.get("/app/sign-in")
    token = KEY_FIELD.search(form.text)
    assert token is not None
    response = web.post(
        "/app/sign-in", data={"csrf": token[1], "api_key": api_key, "name": "cam"}, headers=headers
    )
    assert response.status_code == 303, response.text
    cookie: str = response.headers["set-cookie"]
    return cookie


def csrf_of(html: str) -> str:
    """The session's CSRF token, as a page carries it."""
    token = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert token is not None
    return token[1]
