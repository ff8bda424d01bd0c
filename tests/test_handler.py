"""The Lambda entry, invoked with real API Gateway HTTP API (payload v2) events."""

from __future__ import annotations

import gc
import importlib
import io
import json
import logging
import sys
import uuid
from collections.abc import Iterator
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl

import pytest
from fastapi.testclient import TestClient

from api.observability import publish_metrics_with
from api.services import Services
from api.settings import Settings, get_settings
from tests.factories import create_brand, mention
from tests.hooks.deliveries import fixture_body
from tests.lambda_events import (
    FakeContext,
    captured_body,
    captured_event,
    http_api_event,
    response_json,
)

# The brand of every capture in tests/events/ (each test creates it in its own fresh workspace).
CAPTURED_BRAND = "acme-eu"
PROBLEM_JSON = "application/problem+json"


@pytest.fixture
def lambda_module(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    monkeypatch.setenv("VIGIE_DYNAMODB_ENDPOINT", settings.dynamodb_endpoint or "")
    monkeypatch.setenv("VIGIE_TABLE_NAME", settings.table_name)
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "VigieTest")
    get_settings.cache_clear()
    sys.modules.pop("api.handler", None)
    yield importlib.import_module("api.handler")
    sys.modules.pop("api.handler", None)
    gc.unfreeze()  # what the entry froze at import (this process is pytest's, not a container)
    get_settings.cache_clear()
    # The entry points `api.*` loggers at its JSON handler: give them back to pytest.
    api_logger = logging.getLogger("api")
    api_logger.handlers, api_logger.propagate = [], True
    api_logger.setLevel(logging.NOTSET)
    publish_metrics_with(None)  # back to counting nothing outside Lambda


def test_the_cold_start_is_not_slowed_by_garbage_collection_which_stays_on(
    lambda_module: ModuleType,
) -> None:
    # Collection is off while the app is built, then back on; what init made is frozen, so the
    # first passes after it do not walk the ~160,000 objects of the cold start.
    assert gc.isenabled()
    assert gc.get_freeze_count() > 100_000


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
    # As text, not base64: API Gateway passes a base64 body on as bytes only when told to.
    assert response["isBase64Encoded"] is False
    assert json.loads(response["body"])["status"] == 401


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


# --- real API Gateway captures (tests/events/) -------------------------------------------------


def sent_batch(event: dict[str, Any]) -> list[dict[str, Any]]:
    mentions: list[dict[str, Any]] = json.loads(captured_body(event))["mentions"]
    return mentions


def test_captured_healthz(lambda_module: ModuleType) -> None:
    response = invoke(lambda_module, captured_event("http_api_healthz"))
    assert response["statusCode"] == 200
    assert response_json(response) == {"status": "ok"}


def test_captured_post_with_a_json_body_ingests_the_batch(
    lambda_module: ModuleType, client: TestClient, api_key: str
) -> None:
    create_brand(client, CAPTURED_BRAND, "Acme Europe")
    event = captured_event("http_api_post_mentions", api_key=api_key)
    assert event["isBase64Encoded"] is False

    response = invoke(lambda_module, event)

    assert response["statusCode"] == 200, response["body"]
    assert response["headers"]["content-type"] == "application/json"
    sent = [item["external_id"] for item in sent_batch(event)]
    results = response_json(response)["results"]
    assert [result["external_id"] for result in results] == sent
    stored = client.get(f"/v1/brands/{CAPTURED_BRAND}/mentions").json()["items"]
    assert sorted(item["mention"]["external_id"] for item in stored) == sorted(sent)


def test_captured_post_with_a_broken_json_body_is_a_problem(
    lambda_module: ModuleType, client: TestClient, api_key: str
) -> None:
    create_brand(client, CAPTURED_BRAND, "Acme Europe")
    event = captured_event("http_api_post_mentions", api_key=api_key, body=b'{"mentions": [')

    response = invoke(lambda_module, event)

    assert response["statusCode"] == 400
    assert response["headers"]["content-type"] == PROBLEM_JSON
    problem = response_json(response)
    assert problem["status"] == 400
    assert problem["type"].endswith("/malformed-json")
    assert client.get(f"/v1/brands/{CAPTURED_BRAND}/mentions").json()["items"] == []


def test_captured_base64_body_is_decoded_before_the_app_reads_it(
    lambda_module: ModuleType, client: TestClient, api_key: str
) -> None:
    """HTTP APIs pass only text/*, application/json, /xml and /javascript bodies as text: a
    `+json` media type (which the app parses as JSON) arrives base64-encoded."""
    create_brand(client, CAPTURED_BRAND, "Acme Europe")
    event = captured_event("http_api_post_mentions_base64", api_key=api_key)
    assert event["isBase64Encoded"] is True
    assert event["headers"]["content-type"] == "application/vnd.api+json"
    [sent] = sent_batch(event)

    response = invoke(lambda_module, event)

    assert response["statusCode"] == 200, response["body"]
    [result] = response_json(response)["results"]
    assert result["external_id"] == sent["external_id"]
    [stored] = client.get(f"/v1/brands/{CAPTURED_BRAND}/mentions").json()["items"]
    # Accents, guillemets and the emoji survive: the UTF-8 bytes were decoded, not mangled.
    assert stored["mention"]["text"] == sent["text"]
    assert stored["mention"]["title"] == sent["title"]
    assert stored["mention"]["author"]["handle"] == "Le Quotidien Éco"


def test_captured_base64_body_with_broken_json_is_a_problem(
    lambda_module: ModuleType, client: TestClient, api_key: str
) -> None:
    create_brand(client, CAPTURED_BRAND, "Acme Europe")
    event = captured_event(
        "http_api_post_mentions_base64", api_key=api_key, body='{"mentions": [«'.encode()
    )

    response = invoke(lambda_module, event)

    assert response["statusCode"] == 400
    assert response["headers"]["content-type"] == PROBLEM_JSON
    assert response_json(response)["type"].endswith("/malformed-json")


@pytest.mark.parametrize("body", ["!!!not base64$$", "abc", "é" * 8])
def test_an_event_whose_base64_body_is_not_base64_is_a_problem_not_a_crash(
    lambda_module: ModuleType, client: TestClient, api_key: str, body: str
) -> None:
    """API Gateway only sends valid base64; a hand-made invocation may not (Mangum raised)."""
    create_brand(client, CAPTURED_BRAND, "Acme Europe")
    event = captured_event("http_api_post_mentions_base64", api_key=api_key)
    event["body"] = body

    response = invoke(lambda_module, event)

    assert response["statusCode"] == 400
    assert response["headers"]["content-type"] == PROBLEM_JSON
    problem = response_json(response)
    assert problem["type"].endswith("/malformed-json")
    assert "base64" in problem["detail"]
    # Answered before the app: the request id is still there, API Gateway's, in both places.
    assert problem["request_id"] == event["requestContext"]["requestId"]
    assert response["headers"]["x-request-id"] == problem["request_id"]
    assert client.get(f"/v1/brands/{CAPTURED_BRAND}/mentions").json()["items"] == []


def test_an_undecodable_event_echoes_a_sane_client_request_id_only(
    lambda_module: ModuleType, client: TestClient, api_key: str
) -> None:
    event = captured_event("http_api_post_mentions_base64", api_key=api_key)
    event["body"] = "!!!not base64$$"
    event["headers"]["x-request-id"] = "client-42"
    response = invoke(lambda_module, event)
    assert response["headers"]["x-request-id"] == "client-42"
    assert response_json(response)["request_id"] == "client-42"

    event["headers"]["x-request-id"] = "evil\r\nSet-Cookie: a=b"
    response = invoke(lambda_module, event)
    assert response["headers"]["x-request-id"] == event["requestContext"]["requestId"]


def test_captured_query_string_reaches_the_app(
    lambda_module: ModuleType, client: TestClient, api_key: str
) -> None:
    create_brand(client, CAPTURED_BRAND, "Acme Europe")
    batch = [
        mention("q-twitter-1"),
        mention("q-twitter-2"),
        mention("q-reddit", network="reddit"),
        # Before the captured `since` (2026-11-25T08:00:00+00:00): filtered out.
        mention("q-twitter-old", published_at="2026-11-20T08:00:00Z"),
    ]
    ingested = client.post(f"/v1/brands/{CAPTURED_BRAND}/mentions", json={"mentions": batch})
    assert ingested.status_code == 200, ingested.text
    event = captured_event("http_api_get_mentions_query", api_key=api_key)
    # The `+` of the offset is percent-encoded in the raw query: decoded as a space it would be
    # an invalid instant (422).
    assert "%2B00%3A00" in event["rawQueryString"]

    response = invoke(lambda_module, event)

    assert response["statusCode"] == 200, response["body"]
    page = response_json(response)
    [item] = page["items"]  # limit=1
    assert item["mention"]["network"] == "twitter"
    assert item["mention"]["external_id"] in {"q-twitter-1", "q-twitter-2"}
    assert page["next_cursor"] is not None
    same_query = client.get(
        f"/v1/brands/{CAPTURED_BRAND}/mentions",
        params=event["queryStringParameters"],
    )
    assert page == same_query.json()
    after = client.get(
        f"/v1/brands/{CAPTURED_BRAND}/mentions",
        params={**event["queryStringParameters"], "cursor": page["next_cursor"]},
    ).json()
    assert [entry["mention"]["external_id"] for entry in after["items"]] == [
        ({"q-twitter-1", "q-twitter-2"} - {item["mention"]["external_id"]}).pop()
    ]


def test_captured_path_parameters_route_to_the_brand(
    lambda_module: ModuleType, client: TestClient, api_key: str
) -> None:
    create_brand(client, CAPTURED_BRAND, "Acme Europe")
    loud = mention("p-1", author={"handle": "@press", "followers": 250_000, "kind": "media"})
    ingested = client.post(f"/v1/brands/{CAPTURED_BRAND}/mentions", json={"mentions": [loud]})
    assert ingested.status_code == 200, ingested.text
    event = captured_event("http_api_get_risk", api_key=api_key)
    assert event["pathParameters"] == {"proxy": f"v1/brands/{CAPTURED_BRAND}/risk"}

    response = invoke(lambda_module, event)

    assert response["statusCode"] == 200, response["body"]
    through_lambda = response_json(response)
    through_http = client.get(f"/v1/brands/{CAPTURED_BRAND}/risk").json()
    for field in ("score", "level", "tier", "stage", "top_mentions", "model_version"):
        assert through_lambda[field] == through_http[field], field
    assert through_lambda["top_mentions"] != []


def test_captured_path_parameters_of_another_workspace_are_a_404(
    lambda_module: ModuleType, client: TestClient, services: Services
) -> None:
    create_brand(client, CAPTURED_BRAND, "Acme Europe")
    stranger = services.api_keys.create(f"other-{uuid.uuid4().hex[:10]}")

    response = invoke(lambda_module, captured_event("http_api_get_risk", api_key=stranger))

    assert response["statusCode"] == 404
    assert response["headers"]["content-type"] == PROBLEM_JSON
    assert response_json(response)["status"] == 404


def test_captured_redacted_key_is_unauthorised(lambda_module: ModuleType) -> None:
    response = invoke(lambda_module, captured_event("http_api_get_risk"))
    assert response["statusCode"] == 401
    assert response["headers"]["content-type"] == PROBLEM_JSON
    assert response_json(response)["status"] == 401


# --- secrets out of the logs (issue 12 item 5) -------------------------------------------------


def test_logged_events_and_messages_never_show_a_hook_token_or_a_key(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, client: TestClient, api_key: str
) -> None:
    """`POWERTOOLS_LOGGER_LOG_EVENT` prints the whole event; other loggers reach the root's
    handlers (Lambda's own): neither may show a URL token or the Authorization header."""
    brand_id = create_brand(client)
    registered = client.post(
        "/v1/hook-sources", json={"source": "youscan", "auth": "url_token", "brand_id": brand_id}
    )
    assert registered.status_code == 201, registered.text
    token = registered.json()["secret"]
    query = registered.json()["receiver_url"].split("?", 1)[1]
    assert token in query
    sink = io.StringIO()
    root_handler = logging.StreamHandler(sink)
    logging.getLogger().addHandler(root_handler)  # stands in for the Lambda runtime's handler
    monkeypatch.setenv("VIGIE_DYNAMODB_ENDPOINT", settings.dynamodb_endpoint or "")
    monkeypatch.setenv("VIGIE_TABLE_NAME", settings.table_name)
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "VigieTest")
    monkeypatch.setenv("POWERTOOLS_LOGGER_LOG_EVENT", "true")
    get_settings.cache_clear()
    sys.modules.pop("api.handler", None)
    try:
        module = importlib.import_module("api.handler")
        powertools = logging.getLogger(module.logger.name)
        event_handler = logging.StreamHandler(sink)
        event_handler.setFormatter(module.logger.registered_formatter)
        powertools.addHandler(event_handler)
        try:
            event = http_api_event(
                "POST",
                f"/v1/hooks/youscan/{brand_id}",
                body=json.loads(fixture_body("youscan")),
                headers={"authorization": f"Bearer {api_key}"},
                query=query,
            )
            event["queryStringParameters"] = dict(parse_qsl(query))
            response = invoke(module, event)
            assert response["statusCode"] == 200, response_json(response)
            logging.getLogger("mangum.http").error("request failed: POST %s", f"/x?{query}")
        finally:
            powertools.removeHandler(event_handler)
    finally:
        logging.getLogger().removeHandler(root_handler)
        sys.modules.pop("api.handler", None)
        get_settings.cache_clear()
    logged = sink.getvalue()
    assert '"rawQueryString"' in logged  # the event itself was logged…
    assert "token=[redacted]" in logged
    assert "request failed: POST /x?" in logged
    assert token not in logged  # …without the token or the API key
    assert api_key not in logged
