"""Routes of the app itself (issue 12 item 8): probes, trailing slashes, receiver URLs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.lazy import LazyRouters
from api.settings import Settings
from api.storage.client import create_dynamodb_client
from tests.factories import create_brand, mention

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


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


# --- routers imported on their first request (api/lazy.py) ---------------------------------------


def lazy_groups(app: FastAPI) -> list[LazyRouters]:
    return [route for route in app.router.routes if isinstance(route, LazyRouters)]


@pytest.fixture
def fresh_app(settings: Settings, dynamodb: DynamoDBClient) -> FastAPI:
    """An app of its own: the session's has long loaded its lazy routers."""
    return create_app(settings, dynamodb)


@pytest.fixture
def fresh_client(fresh_app: FastAPI, api_key: str) -> Iterator[TestClient]:
    with TestClient(fresh_app, headers={"Authorization": f"Bearer {api_key}"}) as client:
        yield client


def test_every_route_of_a_lazy_router_is_claimed_by_its_placeholder(fresh_app: FastAPI) -> None:
    groups = lazy_groups(fresh_app)
    assert [group.routers for group in groups] == [
        ("api.brands.router",),
        ("api.mentions.read_router",),
        ("api.queue.router",),
        ("api.assessments.history_router",),
        ("api.assessments.triage_router",),
        ("api.hooks.sources_router",),
        ("api.subscriptions.router",),
        ("api.erasure.router",),
        ("api.workspaces.router",),
        ("api.problem_pages",),
    ]
    for group in groups:
        paths = [getattr(route, "path", "") for route in group.routes]
        assert [path for path in paths if not group.claims(path)] == [], group


def test_the_hot_paths_do_not_load_the_lazy_routers(
    fresh_app: FastAPI, fresh_client: TestClient
) -> None:
    (
        brands,
        mention_reads,
        queue,
        risk_history,
        triage,
        hook_sources,
        subscriptions,
        erasure,
        api_keys,
        problem_pages,
    ) = lazy_groups(fresh_app)
    brand_id = create_brand(fresh_client)  # brand management is not a hot path either
    assert brands.loaded
    batch = {"mentions": [mention("lazy-1")]}
    assert fresh_client.post(f"/v1/brands/{brand_id}/mentions", json=batch).status_code == 200
    assert fresh_client.get(f"/v1/brands/{brand_id}/risk").status_code == 200
    assert fresh_client.post(f"/v1/hooks/generic/{brand_id}?hook=hk_none").status_code == 401
    assert fresh_client.get("/healthz").status_code == 200
    assert fresh_client.get("/v1/no-such-thing").status_code == 404
    rest = [
        mention_reads,
        queue,
        risk_history,
        triage,
        hook_sources,
        subscriptions,
        erasure,
        api_keys,
        problem_pages,
    ]
    assert [group.loaded for group in rest] == [False] * 9
    # A path of theirs loads the group that owns it (only it), which answers as its router would.
    assert fresh_client.get(f"/v1/brands/{brand_id}/mentions").status_code == 200
    assert fresh_client.get("/v1/api-keys").status_code == 200
    loaded = [True, False, False, False, False, False, False, True, False]
    assert [group.loaded for group in rest] == loaded
    assert fresh_client.get(f"/v1/brands/{brand_id}/risk/history").status_code == 200
    triaged = fresh_client.post("/v1/triage", json={"mention": mention("lazy-2")})
    assert triaged.status_code == 200, triaged.text
    assert fresh_client.get("/v1/hook-sources").status_code == 200
    assert fresh_client.get(f"/v1/brands/{brand_id}/queue").status_code == 200
    assert fresh_client.get("/v1/subscriptions").status_code == 200
    assert fresh_client.get("/v1/erasures/er_none").status_code == 404
    assert fresh_client.get("/problems/not-found").status_code == 200
    assert all(group.loaded for group in rest)


def test_a_405_lists_the_methods_of_the_lazy_routes_too(fresh_client: TestClient) -> None:
    response = fresh_client.put("/v1/brands/acme")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, PATCH, DELETE"  # DELETE is erasure's (lazy)


def test_the_document_expands_the_lazy_routers_into_their_own_routes(fresh_app: FastAPI) -> None:
    from api.brands.router import router as brands_router
    from api.hooks.sources_router import router as hook_sources_router
    from api.queue.router import router as queue_router
    from api.workspaces.router import router as api_keys_router

    assert fresh_app.webhooks.routes == []
    fresh_app.openapi()
    assert lazy_groups(fresh_app) == []
    served = {id(route) for route in fresh_app.router.routes}
    routers = [brands_router, queue_router, hook_sources_router, api_keys_router]
    assert all(id(route) in served for router in routers for route in router.routes)
    assert len(fresh_app.webhooks.routes) == 5
