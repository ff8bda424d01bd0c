"""The FastAPI application factory."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from botocore.exceptions import BotoCoreError, ClientError
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict

from api import __version__, observability
from api.assessments.router import router as assessments_router
from api.console.mount import CONSOLE_PATH, STATIC_PATH, LazyConsole
from api.hooks.router import router as hooks_router
from api.lazy import LazyRouters, expand_lazy_routers
from api.limits import BodySizeLimit, JsonBodyGuard
from api.mentions.router import router as mentions_router
from api.openapi import customize_openapi
from api.problems import (
    ServiceBusy,
    install_problem_handlers,
    problem_response,
    problem_responses,
)
from api.redaction import redact_uvicorn_access_log
from api.request_id import RequestIdMiddleware
from api.routing import flatten_included_routers
from api.services import Services, build_services
from api.settings import Settings, get_settings
from api.storage.client import create_dynamodb_client
from api.storage.readiness import ReadinessProbe
from api.storage.retry import StoreBusyError, is_transient

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


logger = logging.getLogger(__name__)


class Health(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok"}]})

    status: Literal["ok"]


DESCRIPTION = """Vigie ("the lookout") receives brand mentions from social listening tools and
answers two questions: how much danger is the brand in right now, and what should we do —
`watch`, `respond_publicly`, `move_to_private` or `executive_statement`, with a deadline.

- **Authentication**: `Authorization: Bearer <api key>`. A key belongs to one workspace; a brand
  of another workspace answers 404.
- **Errors**: RFC 9457 `application/problem+json` documents (`Problem`); `invalid_params` gives
  the JSON path of each offending field.
- **Idempotency**: re-sending a mention (same `source` + `external_id`) stores and counts
  nothing; an `Idempotency-Key` header on a POST replays the first response.
- **Pagination**: lists answer a `next_cursor`; pass it back as `cursor` for the next page."""


def create_app(settings: Settings | None = None, client: DynamoDBClient | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Vigie",
        version=__version__,
        summary="Serverless reputation API: explainable brand risk and response tiers.",
        description=DESCRIPTION,
        openapi_tags=[
            {"name": "brands", "description": "Brands watched by a workspace."},
            {"name": "mentions", "description": "Mentions pushed by listening tools."},
            {"name": "risk", "description": "Brand risk assessments and mention triage."},
            {"name": "hooks", "description": "Webhook receivers for listening tools."},
            {
                "name": "subscriptions",
                "description": "Outbound events: Vigie tells your URL or Slack when a brand's "
                "tier or stage changes (Standard Webhooks signatures).",
            },
            {
                "name": "erasure",
                "description": "Erasing an author's mentions (GDPR) and following erasures.",
            },
            {
                "name": "api-keys",
                "description": "The workspace's API keys: issue (optionally read-only or "
                "expiring), list, revoke.",
            },
            {"name": "health", "description": "Liveness and readiness."},
        ],
        license_info={"name": "Apache-2.0", "identifier": "Apache-2.0"},
        separate_input_output_schemas=False,
        # Served below with the vendored Swagger UI / ReDoc assets: no CDN, works offline.
        docs_url=None,
        redoc_url=None,
        # `/v1/brands/` is a 404, not a redirect built on the request's Host header (an open
        # redirect behind a proxy that forwards it).
        redirect_slashes=False,
    )
    services: Services = build_services(settings, client or create_dynamodb_client(settings))
    app.state.services = services
    install_problem_handlers(app)
    install_store_busy_handlers(app)
    # Added last, runs first: the size limit, then the shared JSON guard.
    app.add_middleware(JsonBodyGuard)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    # Outermost: every response, the size limit's and the guard's included, carries the id.
    app.add_middleware(RequestIdMiddleware, on_status=count_throttles)
    app.router.routes.append(_brands())
    app.include_router(mentions_router)
    app.router.routes.extend([_mention_reads(), _queue()])
    app.include_router(assessments_router)
    app.router.routes.extend([_risk_history(), _triage()])
    app.router.routes.append(_hook_sources())
    app.include_router(hooks_router)
    app.router.routes.extend([_subscriptions(), _erasure(), _api_keys()])
    declare_webhooks_lazily(app)

    @app.head("/healthz", include_in_schema=False)
    async def healthz_head() -> Response:
        """Liveness for probes that only look at the status (HEAD)."""
        return Response(status_code=200)

    @app.get(
        "/healthz",
        operation_id="healthz",
        tags=["health"],
        summary="Liveness",
        response_description="The service is up.",
    )
    async def healthz() -> Health:
        """Liveness probe (no authentication, no database call)."""
        return Health(status="ok")

    install_readiness(app, ReadinessProbe(settings))
    install_docs(app)
    app.router.routes.append(_problem_pages())
    # The console: imported on its first request only (Jinja2 stays off the ingest path).
    # The mount answers only below `/app/`; `/app` itself, the address `vigie dev` and the
    # README print, is sent there (slash redirects are off app-wide, see `FastAPI(...)` above).
    app.add_route(CONSOLE_PATH, _console_root, methods=["GET", "HEAD"], include_in_schema=False)
    app.mount(CONSOLE_PATH, LazyConsole(services))
    flatten_included_routers(app)  # routes built once, at import (api/routing.py)
    customize_openapi(app, settings.public_base_url)
    # When served by uvicorn (`vigie dev`, `uvicorn --factory`): hook tokens out of its access log.
    redact_uvicorn_access_log()
    return app


# Routers the Lambda hot paths never serve (api/lazy.py): imported on the first request under
# one of their paths, or for the OpenAPI document. One instance per router group and per app.
def _brands() -> LazyRouters:
    return LazyRouters(["api.brands.router"], ["/v1/brands", "/v1/brands/{brand_id}"])


def _mention_reads() -> LazyRouters:
    # Ingest, not the reads, is the hot path: list and get load on their first request.
    return LazyRouters(
        ["api.mentions.read_router"],
        ["/v1/brands/{brand_id}/mentions", "/v1/brands/{brand_id}/mentions/{mention_id}"],
    )


def _risk_history() -> LazyRouters:
    return LazyRouters(["api.assessments.history_router"], ["/v1/brands/{brand_id}/risk/history"])


def _triage() -> LazyRouters:
    return LazyRouters(["api.assessments.triage_router"], ["/v1/triage"])


def _hook_sources() -> LazyRouters:
    return LazyRouters(
        ["api.hooks.sources_router"],
        ["/v1/hook-sources", "/v1/hook-sources/{hook_id}", "/v1/hook-sources/{hook_id}/rotate"],
    )


def _queue() -> LazyRouters:
    return LazyRouters(
        ["api.queue.router"],
        ["/v1/brands/{brand_id}/mentions/{mention_id}", "/v1/brands/{brand_id}/queue"],
    )


def _subscriptions() -> LazyRouters:
    return LazyRouters(
        ["api.subscriptions.router"],
        [
            "/v1/subscriptions",
            "/v1/subscriptions/{subscription_id}",
            "/v1/subscriptions/{subscription_id}/{action}",
            "/v1/events/{event_id}/resend",
        ],
    )


def _erasure() -> LazyRouters:
    return LazyRouters(
        ["api.erasure.router"],
        [
            "/v1/brands/{brand_id}",
            "/v1/brands/{brand_id}/mentions/{mention_id}",
            "/v1/erasures",
            "/v1/erasures/{erasure_id}",
        ],
    )


def _api_keys() -> LazyRouters:
    return LazyRouters(["api.workspaces.router"], ["/v1/api-keys", "/v1/api-keys/{key_id}"])


async def _console_root(_request: Request) -> Response:
    return RedirectResponse(CONSOLE_PATH + "/", status_code=308)


def _problem_pages() -> LazyRouters:
    return LazyRouters(["api.problem_pages"], ["/problems", "/problems/{slug}"])


def declare_webhooks_lazily(app: FastAPI) -> None:
    """The subscriptions' webhooks (and the lazy routes) join the document when it is built.

    Installed where `declare_webhooks(app)` was called, so its `app.openapi` wrapper keeps its
    place among the others (customize_openapi wraps this one).
    """
    generate = app.openapi
    built: list[Callable[[], dict[str, Any]]] = []

    def openapi() -> dict[str, Any]:
        if not built:
            from api.subscriptions.webhooks import declare_webhooks

            expand_lazy_routers(app)
            outer = app.openapi
            app.openapi = generate  # type: ignore[method-assign]
            declare_webhooks(app)
            built.append(app.openapi)
            app.openapi = outer  # type: ignore[method-assign]
        return built[0]()

    app.openapi = openapi  # type: ignore[method-assign]


def count_throttles(status: int) -> None:
    """Every 429 (quota) and 503 (store busy or unreachable) answered, for the alarms."""
    if status in {429, 503}:
        observability.count("Throttles", 1)
        if status == 503:
            observability.count("ServiceBusy", 1)


class Readiness(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ready"}]})

    status: Literal["ready"]


def install_readiness(app: FastAPI, probe: ReadinessProbe) -> None:
    @app.get(
        "/readyz",
        operation_id="readyz",
        tags=["health"],
        summary="Readiness",
        response_description="The service can reach its DynamoDB table.",
        responses={503: problem_responses(ServiceBusy)[503]},
    )
    def readyz() -> Readiness:
        """Readiness probe (no authentication): one short DynamoDB read, 503 when it fails."""
        failure = probe.check()
        if failure is not None:
            raise ServiceBusy(
                f"DynamoDB is unreachable from this instance ({failure}).", retry_after_seconds=5
            )
        return Readiness(status="ready")


def install_docs(app: FastAPI) -> None:
    """/docs and /redoc from the assets the app serves itself (scripts/vendor-assets.sh)."""
    vendor = STATIC_PATH + "/vendor"

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Vigie API",
            swagger_js_url=f"{vendor}/swagger-ui-bundle.js",
            swagger_css_url=f"{vendor}/swagger-ui.css",
            swagger_favicon_url=f"{vendor}/favicon-32x32.png",
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url="/openapi.json",
            title="Vigie API",
            redoc_js_url=f"{vendor}/redoc.standalone.js",
            redoc_favicon_url=f"{vendor}/favicon-32x32.png",
            with_google_fonts=False,
        )


def install_store_busy_handlers(app: FastAPI) -> None:
    """A store that throttles, times out or drops the connection is a 503 with Retry-After.

    Repositories raise StoreBusyError after their own retries; a raw botocore error can still
    escape from calls botocore alone retries (key and brand lookups, hook sources). Any other
    DynamoDB error is a 503 too (logged): the caller can do nothing better than retry later,
    and a 500 would not say whether to.
    """

    async def on_store_error(request: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, StoreBusyError) or is_transient(exc):
            detail = (
                "The store is busy or unreachable; nothing was half-written. Retry the same "
                "request after Retry-After seconds."
            )
        else:
            logger.error("DynamoDB refused a call on %s: %r", request.url.path, exc)
            detail = "The store failed this request; nothing was half-written. Retry later."
        error = ServiceBusy(detail, retry_after_seconds=2)
        return problem_response(error.to_problem(request.url.path), error.headers)

    app.add_exception_handler(StoreBusyError, on_store_error)
    app.add_exception_handler(ClientError, on_store_error)
    app.add_exception_handler(BotoCoreError, on_store_error)
