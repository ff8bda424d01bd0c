"""The FastAPI application factory."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI

from api.assessments.router import router as assessments_router
from api.brands.router import router as brands_router
from api.limits import BodySizeLimit
from api.mentions.router import router as mentions_router
from api.problems import install_problem_handlers
from api.services import Services, build_services
from api.settings import Settings, get_settings
from api.storage.client import create_dynamodb_client

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

DESCRIPTION = """Vigie ("the lookout") receives brand mentions from social listening tools and
answers two questions: how much danger is the brand in right now, and what should we do —
`watch`, `respond_publicly`, `move_to_private` or `executive_statement`, with a deadline.

Errors are RFC 9457 `application/problem+json` documents."""


def create_app(settings: Settings | None = None, client: DynamoDBClient | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Vigie",
        version="1.0.0",
        summary="Serverless reputation API: explainable brand risk and response tiers.",
        description=DESCRIPTION,
        openapi_tags=[
            {"name": "brands", "description": "Brands watched by a workspace."},
            {"name": "mentions", "description": "Mentions pushed by listening tools."},
            {"name": "risk", "description": "Brand risk assessments and mention triage."},
            {"name": "health", "description": "Liveness."},
        ],
        separate_input_output_schemas=False,
    )
    services: Services = build_services(settings, client or create_dynamodb_client(settings))
    app.state.services = services
    install_problem_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.include_router(brands_router)
    app.include_router(mentions_router)
    app.include_router(assessments_router)

    @app.get("/healthz", operation_id="healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        """Liveness probe (no authentication, no database call)."""
        return {"status": "ok"}

    _declare_security(app)
    return app


def _declare_security(app: FastAPI) -> None:
    """Declare the bearer API key scheme on every /v1 operation of the OpenAPI document."""
    original = app.openapi

    def openapi() -> dict[str, object]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        components = schema.setdefault("components", {})
        components.setdefault("securitySchemes", {})["apiKey"] = {
            "type": "http",
            "scheme": "bearer",
            "description": "A workspace API key (`vigie api-key create --workspace NAME`).",
        }
        for path, operations in schema.get("paths", {}).items():
            if not path.startswith("/v1"):
                continue
            for operation in operations.values():
                operation["security"] = [{"apiKey": []}]
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
