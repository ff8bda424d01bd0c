"""The Lambda entry, invoked with real API Gateway HTTP API (payload v2) events."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.settings import Settings, get_settings
from tests.lambda_events import FakeContext, http_api_event


@pytest.fixture
def lambda_module(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    monkeypatch.setenv("VIGIE_DYNAMODB_ENDPOINT", settings.dynamodb_endpoint or "")
    monkeypatch.setenv("VIGIE_TABLE_NAME", settings.table_name)
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "VigieTest")
    get_settings.cache_clear()
    sys.modules.pop("api.handler", None)
    yield importlib.import_module("api.handler")
    sys.modules.pop("api.handler", None)
    get_settings.cache_clear()


def invoke(module: ModuleType, event: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = module.handler(event, FakeContext())
    return response


def test_healthz_through_the_lambda_entry(lambda_module: ModuleType) -> None:
    response = invoke(lambda_module, http_api_event("GET", "/healthz"))
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"status": "ok"}


def test_lambda_entry_returns_what_the_http_call_returns(
    lambda_module: ModuleType, client: TestClient, api_key: str, brand_id: str
) -> None:
    auth = {"authorization": f"Bearer {api_key}"}
    mention = {"external_id": "lambda-1", "published_at": "2026-03-09T08:00:00Z", "text": "hello"}
    posted = invoke(
        lambda_module,
        http_api_event(
            "POST", f"/v1/brands/{brand_id}/mentions", body={"mentions": [mention]}, headers=auth
        ),
    )
    assert posted["statusCode"] == 200
    assert json.loads(posted["body"])["results"][0]["external_id"] == "lambda-1"

    at = "2026-03-09T12:00:00Z"
    through_lambda = invoke(
        lambda_module,
        http_api_event("GET", f"/v1/brands/{brand_id}/risk", headers=auth, query=f"at={at}"),
    )
    through_http = client.get(f"/v1/brands/{brand_id}/risk", params={"at": at})
    assert through_lambda["statusCode"] == through_http.status_code == 200
    assert json.loads(through_lambda["body"]) == through_http.json()

    listed = invoke(
        lambda_module, http_api_event("GET", f"/v1/brands/{brand_id}/mentions", headers=auth)
    )
    assert json.loads(listed["body"]) == client.get(f"/v1/brands/{brand_id}/mentions").json()


def test_lambda_entry_renders_problems(lambda_module: ModuleType) -> None:
    response = invoke(lambda_module, http_api_event("GET", "/v1/brands"))
    assert response["statusCode"] == 401
    assert response["headers"]["content-type"] == "application/problem+json"


def test_idempotency_key_replays_through_the_lambda_entry(
    lambda_module: ModuleType, api_key: str, brand_id: str
) -> None:
    headers = {"authorization": f"Bearer {api_key}", "idempotency-key": "lambda-retry-1"}
    batch = {"mentions": [{"external_id": "l-1", "published_at": "2026-03-09T08:00:00Z"}]}
    event = http_api_event("POST", f"/v1/brands/{brand_id}/mentions", body=batch, headers=headers)
    first, again = invoke(lambda_module, event), invoke(lambda_module, event)
    assert first["statusCode"] == again["statusCode"] == 200
    assert json.loads(again["body"]) == json.loads(first["body"])
    assert again["headers"]["idempotent-replayed"] == "true"


def test_lambda_entry_works_without_powertools_environment(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Powertools raises on a metric without namespace: the entry must not rely on the env."""
    monkeypatch.setenv("VIGIE_DYNAMODB_ENDPOINT", settings.dynamodb_endpoint or "")
    monkeypatch.setenv("VIGIE_TABLE_NAME", settings.table_name)
    for name in ("POWERTOOLS_METRICS_NAMESPACE", "POWERTOOLS_SERVICE_NAME"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    sys.modules.pop("api.handler", None)
    try:
        module = importlib.import_module("api.handler")
        assert invoke(module, http_api_event("GET", "/healthz"))["statusCode"] == 200
    finally:
        sys.modules.pop("api.handler", None)
        get_settings.cache_clear()
