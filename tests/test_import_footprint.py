"""The Lambda ingest path and the webhook receivers load only what they use (cold start is paid
per container): no local tooling, no console (Jinja2 and its templates load on /app only)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from api.settings import Settings

# Modules that must never be loaded by serving `POST …/mentions` on Lambda: each is either
# unused there (httpx is for outbound calls, yaml and uvicorn for local tooling) or a heavy
# transitive import we avoid on purpose (boto3 drags s3transfer; the X-Ray SDK is opt-in).
FORBIDDEN = (
    "httpx",
    "httpcore",
    "s3transfer",
    "boto3",
    "aws_xray_sdk",
    "yaml",
    "uvicorn",
    "hypothesis",
    # The console (api/console, Jinja2, MarkupSafe) is for /app only: built on its first request.
    "jinja2",
    "markupsafe",
)
# Routers of management areas (api/lazy.py): none is imported by the cold start itself.
LAZY_ROUTERS = (
    "api.brands.router",
    "api.hooks.sources_router",
    "api.mentions.read_router",
    "api.assessments.history_router",
    "api.assessments.triage_router",
    "api.queue.router",
    "api.subscriptions.router",
    "api.subscriptions.webhooks",
    "api.erasure.router",
    "api.workspaces.router",
    "api.problem_pages",
)
# Services of those areas (api/services.py), built with their modules on first use.
LAZY_SERVICES = (
    "api.erasure.service",
    "api.erasure.repository",
    "api.erasure.schemas",
    "api.hooks.sources",
    "api.queue.service",
)
# Outbound events are announced at ingest (api.subscriptions.announcer), but sent by the workers:
# the ingest path must never load the dispatcher, its HTTP transport or the local worker loop.
# Nor, for a brand without subscribers (the probe's), the subscription service, its pydantic
# schemas and its event builders: the announcer imports them for a brand with subscribers only.
SUBSCRIPTION_SERVICE = (
    "api.subscriptions.service",
    "api.subscriptions.schemas",
    "api.subscriptions.events",
    "api.subscriptions.ssrf",
)
FORBIDDEN_MODULES = (
    *SUBSCRIPTION_SERVICE,
    "api.subscriptions.dispatcher",
    "api.subscriptions.transport",
    "api.subscriptions.slack",
    "api.local.dispatch_loop",
    "api.worker",
    # Routers the Lambda hot paths never serve, imported on the first request under their paths
    # (api/lazy.py): their routes are not built at cold start, nor on ingest or a webhook.
    *(
        name
        for name in LAZY_ROUTERS
        if name not in {"api.brands.router", "api.hooks.sources_router"}
    ),
    # Ingest and the receivers never erase nor touch the review queue (the probe creates its hook
    # source through the API, so hook-source management is loaded once that ran).
    *(name for name in LAZY_SERVICES if name != "api.hooks.sources"),
)
# Of the console, only the lazy mount point may load with the app.
CONSOLE_MODULES_ALLOWED = {"api.console", "api.console.mount"}

PROBE = """
import json, sys
from tests.lambda_events import FakeContext, http_api_event
import api.handler as lambda_entry

at_cold_start = sorted(sys.modules)

services = lambda_entry.app.state.services
# Routes built at import only: a lazy inclusion would build its routes again on the first call.
lazy = [r for r in lambda_entry.app.router.routes if hasattr(r, "original_router")]
assert lazy == [], lazy
key = services.api_keys.create("footprint")
auth = {"authorization": "Bearer " + key}
invoke = lambda event: lambda_entry.handler(event, FakeContext())
brand = {"id": "fp", "name": "fp"}
assert invoke(http_api_event("POST", "/v1/brands", body=brand, headers=auth))["statusCode"] == 201
mention = {"external_id": "fp-1", "published_at": "2026-03-09T08:00:00Z", "text": "Nul"}
batch = {"mentions": [mention]}
response = invoke(http_api_event("POST", "/v1/brands/fp/mentions", body=batch, headers=auth))
assert response["statusCode"] == 200, response
source = {"source": "generic", "brand_id": "fp", "auth": "url_token"}
created = invoke(http_api_event("POST", "/v1/hook-sources", body=source, headers=auth))
assert created["statusCode"] == 201, created
receiver = json.loads(created["body"])["receiver_url"].split("://", 1)[1].split("/", 1)[1]
path, _, query = ("/" + receiver).partition("?")
delivery = {"mentions": [{"external_id": "fp-2", "published_at": "2026-03-09T08:05:00Z"}]}
response = invoke(http_api_event("POST", path, body=delivery, query=query))
assert response["statusCode"] == 200, response
print(json.dumps({"cold_start": at_cold_start, "served": sorted(sys.modules)}))
"""


def test_ingest_and_webhooks_through_the_lambda_entry_load_no_unused_module(
    settings: Settings, dynamodb: object
) -> None:
    env = {
        **os.environ,
        "VIGIE_DYNAMODB_ENDPOINT": settings.dynamodb_endpoint or "",
        "VIGIE_TABLE_NAME": settings.table_name,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "VigieTest",
        "AWS_LAMBDA_FUNCTION_NAME": "vigie-footprint",
    }
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", PROBE],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    modules = json.loads(result.stdout.strip().splitlines()[-1])
    # Not even brand and hook-source management (the probe creates its brand and source through
    # the API, after this).
    assert sorted(set(LAZY_ROUTERS) & set(modules["cold_start"])) == []
    assert sorted(set(LAZY_SERVICES) & set(modules["cold_start"])) == []
    loaded = set(modules["served"])
    offenders = sorted(name for name in loaded if name.split(".")[0] in FORBIDDEN)
    assert offenders == []
    assert "api.subscriptions.announcer" in loaded  # the ingest hook is there…
    assert sorted(set(FORBIDDEN_MODULES) & loaded) == []  # …and nothing that sends
    console = {name for name in loaded if name.startswith("api.console")}
    assert console <= CONSOLE_MODULES_ALLOWED, sorted(console - CONSOLE_MODULES_ALLOWED)


# Models only the lazy routers (api/lazy.py) and their services use: built with them, on their
# first request, not by the cold start (pydantic `defer_build`). Request bodies are not among
# them: FastAPI wraps a body in a TypeAdapter that a deferred model would leave unbuilt until
# validation, outside the place where FastAPI silences pydantic's warning about its `alias`.
DEFERRED_MODELS = {
    "api.assessments.schemas": ("RiskPoint", "RiskHistory", "TriageResponse"),
    "api.brands.schemas": ("BrandList",),
    "api.hooks.schemas": ("HookSourceWithSecret", "HookSourceList"),
    "api.mentions.schemas": ("MentionPage", "MentionFilters"),
    "api.queue.schemas": ("QueueSummary",),
    "api.workspaces.schemas": ("NewApiKey", "ApiKeyList"),
}

DEFERRED_PROBE = """
import importlib, json, sys
import api.handler
deferred = json.loads(sys.argv[1])
built = [
    f"{module}.{name}"
    for module, names in deferred.items()
    for name in names
    if getattr(importlib.import_module(module), name).__pydantic_complete__
]
print(json.dumps(built))
"""


def test_the_lazy_routers_models_are_not_built_by_the_cold_start(settings: Settings) -> None:
    env = {
        **os.environ,
        "VIGIE_DYNAMODB_ENDPOINT": settings.dynamodb_endpoint or "http://127.0.0.1:1",
        "VIGIE_TABLE_NAME": settings.table_name,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "VigieTest",
        "AWS_LAMBDA_FUNCTION_NAME": "vigie-footprint",
    }
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", DEFERRED_PROBE, json.dumps(DEFERRED_MODELS)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
