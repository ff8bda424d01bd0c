"""Routes of the app itself (issue 12 item 8): probes, trailing slashes, receiver URLs."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from api.storage.client import create_dynamodb_client


def test_head_healthz_is_a_200_without_a_body(app: FastAPI) -> None:
    with TestClient(app) as anonymous:
        response = anonymous.head("/healthz")
    assert response.status_code == 200
    assert response.content == b""


def test_a_trailing_slash_is_a_404_never_a_redirect_to_the_callers_host(
    client: TestClient,
) -> None:
    response = client.get(
        "/v1/brands/", headers={"Host": "attacker.example"}, follow_redirects=False
    )
    assert response.status_code == 404
    assert "location" not in response.headers


def test_receiver_urls_ignore_the_host_header(client: TestClient) -> None:
    created = client.post(
        "/v1/hook-sources",
        json={"source": "youscan", "auth": "url_token"},
        headers={"Host": "attacker.example"},
    )
    assert created.status_code == 201, created.text
    assert "attacker.example" not in created.json()["receiver_url"]


def test_receiver_urls_use_the_configured_base_url(settings: Settings, api_key: str) -> None:
    configured = settings.model_copy(update={"public_base_url": "https://vigie.acme.example/"})
    app = create_app(configured, create_dynamodb_client(configured))
    with TestClient(app, headers={"Authorization": f"Bearer {api_key}"}) as client:
        created = client.post("/v1/hook-sources", json={"source": "youscan", "auth": "url_token"})
    assert created.status_code == 201, created.text
    assert created.json()["receiver_url"].startswith("https://vigie.acme.example/v1/hooks/")
