"""An app whose DynamoDB calls are counted, every per-container cache at its longest."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import FastAPI

from api.app import create_app
from api.settings import Settings
from api.storage.client import create_dynamodb_client

# No request of a test outlives one of these: what a warm container no longer reads.
CACHES_AT_THEIR_LONGEST = dict.fromkeys(
    (
        "live_assessment_seconds",
        "api_key_cache_seconds",
        "brand_cache_seconds",
        "subscription_cache_seconds",
    ),
    60.0,
)


@dataclass
class CountedApp:
    app: FastAPI
    key: str
    """An API key of the workspace."""
    calls: list[str] = field(default_factory=list)
    """DynamoDB operation names, in call order (clear it before the request to count)."""


def app_counting_dynamodb_calls(settings: Settings, workspace: str) -> CountedApp:
    client = create_dynamodb_client(settings)
    calls: list[str] = []
    client.meta.events.register(
        "after-call.dynamodb.*", lambda model, **_: calls.append(model.name)
    )
    app = create_app(settings.model_copy(update=CACHES_AT_THEIR_LONGEST), client)
    return CountedApp(app, app.state.services.api_keys.create(workspace), calls)
