"""The console over HTTP (no browser): sessions, CSRF, headers, languages, the docs' assets."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.console.i18n import messages, negotiate
from api.console.session import SESSION_COOKIE
from api.engine.schemas import Level, Stage, Tier
from api.queue.schemas import HandlingStatus
from api.services import Services
from api.subscriptions.schemas import DeliveryFormat, DeliveryState, DisabledReason, EventType
from api.workspaces.service import Principal
from tests.console.seeding import KEY_FIELD, signed_in
from tests.factories import create_brand


@pytest.fixture
def browser_client(app: FastAPI) -> Iterator[TestClient]:
    """A cookie-keeping client without any API key header (a browser)."""
    with TestClient(app, follow_redirects=False) as web:
        yield web


def test_pages_need_a_session(browser_client: TestClient) -> None:
    response = browser_client.get("/app/brands")
    assert response.status_code == 303
    assert response.headers["location"] == "/app/sign-in"
    htmx = browser_client.get("/app/brands", headers={"HX-Request": "true"})
    assert htmx.status_code == 401
    assert htmx.headers["hx-redirect"] == "/app/sign-in"
    browser_client.cookies.set(SESSION_COOKIE, "eyJ3IjoieCJ9.forged", path="/app/")
    assert browser_client.get("/app/brands").status_code == 303


def test_the_printed_console_address_leads_to_sign_in(browser_client: TestClient) -> None:
    # `vigie dev` and the README print http://127.0.0.1:8080/app, without the slash.
    root = browser_client.get("/app")
    assert root.status_code == 308
    assert root.headers["location"] == "/app/"
    assert browser_client.head("/app").status_code == 308
    landing = browser_client.get(root.headers["location"])
    assert landing.status_code == 303
    assert landing.headers["location"] == "/app/sign-in"
    assert browser_client.post("/app").status_code == 405


def test_sign_in_checks_its_csrf_nonce_and_never_echoes_the_key(
    browser_client: TestClient, api_key: str
) -> None:
    refused = browser_client.post("/app/sign-in", data={"api_key": api_key, "csrf": "guess"})
    assert refused.status_code == 403
    form = browser_client.get("/app/sign-in")
    token = KEY_FIELD.search(form.text)
    assert token is not None
    wrong = browser_client.post(
        "/app/sign-in", data={"csrf": token[1], "api_key": "vg_not-a-real-key-at-all"}
    )
    assert wrong.status_code == 401
    assert "vg_not-a-real-key-at-all" not in wrong.text
    cookie = signed_in(browser_client, api_key)
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie
    page = browser_client.get("/app/brands")
    assert page.status_code == 200
    assert api_key not in page.text
    assert api_key not in cookie


def test_a_session_expires(
    browser_client: TestClient, api_key: str, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    lifetime = services.settings.console_session_hours * 3600
    cookie = signed_in(browser_client, api_key)
    assert f"Max-Age={lifetime}" in cookie
    assert browser_client.get("/app/brands").status_code == 200
    later = time.time() + lifetime + 1
    # The browser would have dropped it; a replayed cookie is refused by its signed expiry.
    monkeypatch.setattr("api.console.session.time", SimpleNamespace(time=lambda: later))
    expired = browser_client.get("/app/brands")
    assert expired.status_code == 303
    assert expired.headers["location"] == "/app/sign-in"


def test_the_session_cookie_is_secure_behind_https(app: FastAPI, api_key: str) -> None:
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as web:
        assert "Secure" in signed_in(web, api_key)
    with TestClient(app, follow_redirects=False) as proxied:
        assert "Secure" in signed_in(proxied, api_key, **{"X-Forwarded-Proto": "https"})


def test_state_changes_need_the_session_token_and_this_origin(
    browser_client: TestClient, api_key: str, client: TestClient, brand_id: str
) -> None:
    signed_in(browser_client, api_key)
    page = browser_client.get("/app/brands")
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert token is not None
    url = f"/app/brands/{brand_id}/mentions/m_{'a' * 24}/status"
    assert browser_client.post(url, data={"status": "answered"}).status_code == 403
    cross_site = browser_client.post(
        url,
        data={"status": "answered", "csrf": token[1]},
        headers={"Origin": "https://evil.example"},
    )
    assert cross_site.status_code == 403
    as_json = browser_client.post(
        url, json={"status": "answered"}, headers={"X-CSRF-Token": token[1]}
    )
    assert as_json.status_code == 403
    # With the token, the request reaches the queue: this mention does not exist.
    unknown = browser_client.post(
        url, data={"status": "answered"}, headers={"X-CSRF-Token": token[1]}
    )
    assert unknown.status_code == 404
    signed_out = browser_client.post("/app/sign-out", data={"csrf": token[1]})
    assert signed_out.status_code == 303
    assert browser_client.get("/app/brands").status_code == 303


def test_pages_send_a_strict_content_security_policy(
    browser_client: TestClient, api_key: str
) -> None:
    signed_in(browser_client, api_key)
    for path in (
        "/app/sign-in",
        "/app/brands",
        "/app/brands/does-not-exist",
        "/app/subscriptions",
        "/app/subscriptions/sub_aaaaaaaaaaaaaaaaaaaa",
    ):
        response = browser_client.get(path)
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "<script>" not in response.text  # only <script src=…> and JSON data blocks
    assert browser_client.get("/app/brands/does-not-exist").status_code == 404
    assert browser_client.get("/app/subscriptions/sub_aaaaaaaaaaaaaaaaaaaa").status_code == 404


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7", "fr"),
        ("en-US,en;q=0.9,fr;q=0.8", "en"),
        ("de-DE,de;q=0.9,fr;q=0.5", "fr"),
        ("de", "en"),
        (None, "en"),
        ("fr;q=abc, en;q=0.2", "en"),
    ],
)
def test_the_language_follows_accept_language(header: str | None, language: str) -> None:
    assert negotiate(header) == language


def test_docs_load_their_assets_from_the_app(browser_client: TestClient) -> None:
    for page, assets in (
        ("/docs", ("swagger-ui-bundle.js", "swagger-ui.css")),
        ("/redoc", ("redoc.standalone.js",)),
    ):
        html = browser_client.get(page).text
        assert "cdn." not in html
        assert "fonts.googleapis" not in html
        for asset in assets:
            assert f"/app/static/vendor/{asset}" in html
            response = browser_client.get(f"/app/static/vendor/{asset}")
            assert response.status_code == 200
            assert len(response.content) > 10_000


def test_every_text_the_templates_name_exists_in_french_and_english() -> None:
    templates = Path(__file__).resolve().parents[2] / "api" / "console" / "templates"
    named = {
        key
        for template in templates.glob("*.html")
        for key in re.findall(r"""\bt\('([a-z_.]+)'""", template.read_text("utf-8"))
        if not key.endswith(".")  # a prefix: `t('status.' ~ value)`, checked below
    }
    assert len(named) > 50
    english, french = messages("en"), messages("fr")
    assert set(english) == set(french)
    assert sorted(named - set(english)) == []
    # The keys built from enum values (status, tier, level, stage, event types, delivery states).
    built = [f"status.{s.value}" for s in HandlingStatus]
    built += [f"delivery.{s.value}" for s in DeliveryState]
    built += [f"event.{e.value}" for e in EventType]
    built += [f"format.{f.value}" for f in DeliveryFormat]
    built += [f"subs.disabled.{r.value}" for r in DisabledReason]
    built += [f"tier.{t.value}" for t in Tier] + [f"level.{v.value}" for v in Level]
    built += [f"stage.{v.value}" for v in Stage]
    built += ["sign_in.invalid"] + [f"error.{e}" for e in ("not_found", "csrf", "invalid", "busy")]
    built += ["error.secrets"]
    assert sorted(set(built) - set(english)) == []


def test_a_read_only_key_can_look_but_not_change(
    browser_client: TestClient, services: Services, workspace: str, client: TestClient
) -> None:
    brand_id = create_brand(client)
    reader = services.api_keys.issue(workspace, read_only=True)
    signed_in(browser_client, reader.key)
    page = browser_client.get("/app/brands")
    assert page.status_code == 200
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert token is not None
    refused = browser_client.post(
        f"/app/brands/{brand_id}/mentions/m_{'a' * 24}/status",
        data={"status": "answered"},
        headers={"X-CSRF-Token": token[1]},
    )
    assert refused.status_code == 403
    assert "read-only" in refused.text


def test_revoking_the_key_ends_its_console_sessions(
    browser_client: TestClient, services: Services, workspace: str
) -> None:
    issued = services.api_keys.issue(workspace)
    signed_in(browser_client, issued.key)
    assert browser_client.get("/app/brands").status_code == 200
    services.api_keys.revoke(Principal(workspace), issued.key_id)
    assert browser_client.get("/app/brands").status_code == 303  # back to sign-in


STORE_FAULTS = [
    ClientError(
        {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}},
        "GetItem",
    ),
    ReadTimeoutError(endpoint_url="http://dynamodb.local"),
    ClientError({"Error": {"Code": "InternalServerError", "Message": "oops"}}, "GetItem"),
]


@pytest.mark.parametrize("fault", STORE_FAULTS, ids=lambda fault: type(fault).__name__)
def test_a_store_failure_is_a_503_page_with_retry_after(
    browser_client: TestClient,
    client: TestClient,
    services: Services,
    workspace: str,
    monkeypatch: pytest.MonkeyPatch,
    fault: Exception,
) -> None:
    """Fault injection: DynamoDB throttles or times out the brand lookup behind the page (a
    call only botocore retries, so its raw error reaches the console)."""
    brand_id = create_brand(client)
    signed_in(browser_client, services.api_keys.create(workspace))
    brands = services.brands._repository
    real = brands._client

    class FailingGets:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def get_item(self, **_: Any) -> None:
            raise fault

    monkeypatch.setattr(brands, "_client", FailingGets())
    page = browser_client.get(f"/app/brands/{brand_id}")
    assert page.status_code == 503
    assert page.headers["retry-after"].isdigit()
    assert page.headers["content-type"].startswith("text/html")
    assert "The store is busy" in page.text
    assert page.headers["content-security-policy"]
    monkeypatch.undo()
    assert browser_client.get(f"/app/brands/{brand_id}").status_code == 200


@pytest.mark.parametrize(
    "at", ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59"]
)
def test_a_replay_instant_past_the_calendar_is_a_422_page(
    browser_client: TestClient, client: TestClient, services: Services, workspace: str, at: str
) -> None:
    # Converting these to UTC leaves years 1-9999: OverflowError, which was a 500.
    brand_id = create_brand(client)
    signed_in(browser_client, services.api_keys.create(workspace))
    page = browser_client.get(f"/app/brands/{brand_id}", params={"at": at})
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
