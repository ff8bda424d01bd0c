"""`/readyz` reads DynamoDB (one short GetItem): 200 when it answers, 503 when it does not;
`/healthz` stays pure liveness."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from tests.factories import closed_port


def test_ready_when_dynamodb_answers(app: FastAPI) -> None:
    with TestClient(app) as anonymous:
        response = anonymous.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ready"}


def test_not_ready_when_dynamodb_is_unreachable(settings: Settings) -> None:
    unreachable = create_app(
        settings.model_copy(update={"dynamodb_endpoint": f"http://127.0.0.1:{closed_port()}"})
    )
    with TestClient(unreachable) as anonymous:
        response = anonymous.get("/readyz")
        alive = anonymous.get("/healthz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) > 0
    assert response.json()["type"].endswith("/service-busy")
    assert alive.status_code == 200


def test_not_ready_without_the_table(settings: Settings) -> None:
    missing = create_app(settings.model_copy(update={"table_name": "vigie-no-such-table"}))
    with TestClient(missing) as anonymous:
        response = anonymous.get("/readyz")
    assert response.status_code == 503
    assert "ResourceNotFoundException" in response.json()["detail"]
