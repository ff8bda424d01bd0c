"""Routes are built once, at import: the app serves its routers' own route objects."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.mentions.router import router as mentions_router
from api.routing import flatten_included_routers
from api.settings import Settings


def test_the_app_serves_the_routes_its_routers_built_at_import(
    settings: Settings, dynamodb: object
) -> None:
    app = create_app(settings)
    served = {id(route) for route in app.router.routes}
    assert all(id(route) in served for route in mentions_router.routes)
    assert not any(hasattr(route, "original_router") for route in app.router.routes)


def test_an_inclusion_with_options_is_left_to_fastapi_and_still_answers() -> None:
    plain, prefixed = APIRouter(prefix="/plain"), APIRouter()

    @plain.get("/ping")
    def ping() -> dict[str, str]:
        return {"router": "plain"}

    @prefixed.get("/ping")
    def ping_prefixed() -> dict[str, str]:
        return {"router": "prefixed"}

    app = FastAPI()
    app.include_router(plain)
    app.include_router(prefixed, prefix="/with-prefix")
    flattened = flatten_included_routers(app)
    client = TestClient(app)
    assert client.get("/plain/ping").json() == {"router": "plain"}
    assert client.get("/with-prefix/ping").json() == {"router": "prefixed"}
    assert client.get("/ping").status_code == 404
    assert flattened in {0, 1}  # 0 on FastAPI versions that copy routes at include_router
    assert sum(hasattr(route, "original_router") for route in app.router.routes) == (
        0 if flattened == 0 else 1
    )
