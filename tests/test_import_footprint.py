"""The Lambda ingest path loads only what it uses (cold start is paid per container)."""

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
)
# Outbound events are announced at ingest (api.subscriptions.service), but sent by the workers:
# the ingest path must never load the dispatcher, its HTTP transport or the local worker loop.
FORBIDDEN_MODULES = (
    "api.subscriptions.dispatcher",
    "api.subscriptions.transport",
    "api.subscriptions.slack",
    "api.local.dispatch_loop",
    "api.worker",
)

PROBE = """
import json, sys
from tests.lambda_events import FakeContext, http_api_event
import api.handler as lambda_entry

services = lambda_entry.app.state.services
key = services.api_keys.create("footprint")
auth = {"authorization": "Bearer " + key}
invoke = lambda event: lambda_entry.handler(event, FakeContext())
brand = {"id": "fp", "name": "fp"}
assert invoke(http_api_event("POST", "/v1/brands", body=brand, headers=auth))["statusCode"] == 201
mention = {"external_id": "fp-1", "published_at": "2026-03-09T08:00:00Z", "text": "Nul"}
batch = {"mentions": [mention]}
response = invoke(http_api_event("POST", "/v1/brands/fp/mentions", body=batch, headers=auth))
assert response["statusCode"] == 200, response
print(json.dumps(sorted(sys.modules)))
"""


def test_ingest_through_the_lambda_entry_loads_no_unused_module(
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
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    offenders = sorted(name for name in loaded if name.split(".")[0] in FORBIDDEN)
    assert offenders == []
    assert "api.subscriptions.service" in loaded  # the ingest hook is there…
    assert sorted(set(FORBIDDEN_MODULES) & loaded) == []  # …and nothing that sends
