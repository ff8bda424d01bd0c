"""Every request has an id: `X-Request-Id` in (when sane) or made up, echoed on the response, in
the problem document and in every log record of the request, locally and on Lambda."""

from __future__ import annotations

import importlib
import io
import json
import logging
import sys
from collections.abc import Iterator
from types import ModuleType

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.observability import publish_metrics_with
from api.settings import Settings, get_settings
from tests.factories import closed_port
from tests.lambda_events import FakeContext, captured_body, http_api_event

API_GATEWAY_REQUEST_ID = "JKJaXmPLvHcESHA="  # tests/lambda_events.py


@pytest.fixture(scope="module")
def unreachable_app(settings: Settings) -> FastAPI:
    """An app whose DynamoDB endpoint is a closed port: its /readyz fails and logs why."""
    return create_app(
        settings.model_copy(update={"dynamodb_endpoint": f"http://127.0.0.1:{closed_port()}"})
    )


def test_a_client_request_id_round_trips_into_header_problem_and_logs(
    unreachable_app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    with TestClient(unreachable_app) as client, caplog.at_level(logging.WARNING):
        response = client.get("/readyz", headers={"X-Request-Id": "order-42.retry:1"})
    assert response.status_code == 503
    assert response.headers["x-request-id"] == "order-42.retry:1"
    assert response.json()["request_id"] == "order-42.retry:1"
    probe_logs = [r for r in caplog.records if r.name.startswith("api.")]
    assert probe_logs, caplog.records
    assert {getattr(r, "request_id", None) for r in probe_logs} == {"order-42.retry:1"}


@pytest.mark.parametrize(
    "given", ["", "has space", "x" * 129, "new\x7fline", "caf\xe9".encode("latin-1")]
)
def test_an_unusable_request_id_is_replaced(client: TestClient, given: str | bytes) -> None:
    response = client.get("/v1/brands/missing", headers={"X-Request-Id": given})
    assert response.status_code == 404
    made_up = response.headers["x-request-id"]
    assert made_up != given
    assert len(made_up) == 32
    assert int(made_up, 16) >= 0
    assert response.json()["request_id"] == made_up


def test_every_response_gets_its_own_id(client: TestClient) -> None:
    ids = {client.get("/healthz").headers["x-request-id"] for _ in range(3)}
    unauthenticated = TestClient(client.app).get("/v1/brands")
    assert unauthenticated.status_code == 401
    ids.add(unauthenticated.headers["x-request-id"])
    assert len(ids) == 4
    assert unauthenticated.json()["request_id"] == unauthenticated.headers["x-request-id"]


def test_no_log_record_lacks_the_attribute(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        logging.getLogger("api.test").info("outside any request")
    assert getattr(caplog.records[-1], "request_id", None) == "-"


@pytest.fixture
def unreachable_lambda(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[ModuleType, io.StringIO]]:
    monkeypatch.setenv("VIGIE_DYNAMODB_ENDPOINT", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("VIGIE_TABLE_NAME", settings.table_name)
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "VigieTest")
    get_settings.cache_clear()
    sys.modules.pop("api.handler", None)
    module = importlib.import_module("api.handler")
    module.metrics.clear_metrics()  # counted by earlier tests through the same singleton
    # Powertools bound its stream to the stdout of its import: read its lines from a twin
    # handler with the same formatter instead.
    lines = io.StringIO()
    twin = logging.StreamHandler(lines)
    twin.setFormatter(module.logger.registered_formatter)
    logging.getLogger("api").addHandler(twin)
    yield module, lines
    sys.modules.pop("api.handler", None)
    get_settings.cache_clear()
    # The entry points `api.*` loggers at its JSON handler: give them back to pytest.
    api_logger = logging.getLogger("api")
    api_logger.handlers, api_logger.propagate = [], True
    api_logger.setLevel(logging.NOTSET)
    publish_metrics_with(None)  # back to counting nothing outside Lambda


def lambda_log_lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


@pytest.mark.parametrize("given", [None, "client-chosen-id"])
def test_on_lambda_log_lines_carry_the_correlation_and_request_ids(
    unreachable_lambda: tuple[ModuleType, io.StringIO],
    capsys: pytest.CaptureFixture[str],
    given: str | None,
) -> None:
    entry, logged = unreachable_lambda
    headers = {"x-request-id": given} if given else {}
    response = entry.handler(http_api_event("GET", "/readyz", headers=headers), FakeContext())
    expected = given or API_GATEWAY_REQUEST_ID
    assert response["statusCode"] == 503
    assert response["headers"]["x-request-id"] == expected
    assert json.loads(captured_body(response))["request_id"] == expected
    lines = lambda_log_lines(logged.getvalue())
    probe = [line for line in lines if "readiness probe failed" in str(line["message"])]
    assert probe, lines
    assert probe[0]["correlation_id"] == API_GATEWAY_REQUEST_ID
    assert probe[0]["request_id"] == expected
    assert probe[0]["level"] == "WARNING"
    # And the 503 is counted among the throttles (EMF metrics, flushed by the invocation).
    metrics = [line for line in lambda_log_lines(capsys.readouterr().out) if "_aws" in line]
    assert any(line.get("Throttles") == [1.0] for line in metrics), metrics
