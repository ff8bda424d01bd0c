"""End to end through `serverless offline`: serverless.yml's HTTP API routes, the real Lambda
handler (api/handler.py: Powertools + Mangum + the app) and DynamoDB Local, over HTTP.

What in-process tests cannot see: the payload v2 events API Gateway builds, the function's
environment from serverless.yml, and the documented first-key flow (`vigie api-key create`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from api.local.dynamodb_local import free_port, stop_process_group
from api.settings import Settings
from tests.factories import mention

ROOT = Path(__file__).resolve().parents[2]
SERVERLESS = ROOT / "node_modules" / ".bin" / "serverless"
STARTUP_TIMEOUT = 90.0
TIERS = {"watch", "respond_publicly", "move_to_private", "executive_statement"}

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class OfflineApi:
    url: str
    environment: dict[str, str]


def local_environment(settings: Settings) -> dict[str, str]:
    """What the handler (and the CLI) need to reach the test table on DynamoDB Local."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("VIGIE_", "AWS_PROFILE"))
    }
    assert settings.dynamodb_endpoint is not None
    return environment | {
        "VIGIE_TABLE_NAME": settings.table_name,
        "VIGIE_REGION": settings.region,
        "VIGIE_DYNAMODB_ENDPOINT": settings.dynamodb_endpoint,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_REGION": settings.region,
        # No X-Ray daemon here: without this the tracer warns on every subsegment.
        "POWERTOOLS_TRACE_DISABLED": "true",
        # serverless-offline runs `python3` from this venv: the project's own interpreter.
        "VIRTUAL_ENV": str(Path(sys.executable).parent.parent),
        "SLS_TELEMETRY_DISABLED": "1",
        "SLS_NOTIFICATIONS_MODE": "off",
        "CI": "true",
    }


@pytest.fixture(scope="module")
def offline_api(
    settings: Settings, dynamodb: object, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OfflineApi]:
    """`serverless offline` on free ports, against the session's DynamoDB Local table."""
    assert SERVERLESS.exists(), "run `npm ci`: the Serverless Framework (osls) is missing"
    environment = local_environment(settings)
    port = free_port()
    log_path = tmp_path_factory.mktemp("serverless-offline") / "offline.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(SERVERLESS), "offline", "--stage", "e2e", "--host", "127.0.0.1",
             "--httpPort", str(port), "--lambdaPort", str(free_port())],
            cwd=ROOT,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # one process group: node and the Python handler stop together
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url, process, log_path)
        yield OfflineApi(url, environment)
    finally:
        stop_process_group(process)


def wait_until_serving(url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"serverless offline exited:\n{log_path.read_text()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=30).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    pytest.fail(f"serverless offline did not serve /healthz in time:\n{log_path.read_text()}")


def create_api_key(workspace: str, environment: dict[str, str]) -> str:
    """The first-key command of docs/deploy.md, against DynamoDB Local instead of AWS."""
    vigie = Path(sys.executable).parent / "vigie"
    completed = subprocess.run(
        [str(vigie), "api-key", "create", "--workspace", workspace],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def offline_client(offline_api: OfflineApi) -> Iterator[httpx.Client]:
    key = create_api_key(f"ws-e2e-{uuid.uuid4().hex[:8]}", offline_api.environment)
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=offline_api.url, headers=headers, timeout=60) as client:
        yield client


def test_health_is_served_without_a_key(offline_api: OfflineApi) -> None:
    response = httpx.get(f"{offline_api.url}/healthz", timeout=30)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_requests_without_a_key_are_refused_as_problem_json(offline_api: OfflineApi) -> None:
    response = httpx.get(f"{offline_api.url}/v1/brands", timeout=30)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")


def test_mentions_posted_through_the_http_api_are_assessed(offline_client: httpx.Client) -> None:
    brand = f"brand-{uuid.uuid4().hex[:8]}"
    created = offline_client.post("/v1/brands", json={"id": brand, "name": "E2E brand"})
    assert created.status_code == 201, created.text
    batch = {
        "mentions": [
            mention(f"e2e-{index}", text="Your product burned my kitchen, this is dangerous")
            for index in range(3)
        ]
    }

    ingested = offline_client.post(f"/v1/brands/{brand}/mentions", json=batch)
    assert ingested.status_code == 200, ingested.text
    results = ingested.json()["results"]
    assert [result["external_id"] for result in results] == ["e2e-0", "e2e-1", "e2e-2"]
    assert not any(result["duplicate"] for result in results)

    resent = offline_client.post(f"/v1/brands/{brand}/mentions", json=batch)
    assert resent.status_code == 200, resent.text
    assert all(result["duplicate"] for result in resent.json()["results"])

    risk = offline_client.get(f"/v1/brands/{brand}/risk")
    assert risk.status_code == 200, risk.text
    assessment = risk.json()
    assert 0 <= assessment["score"] <= 100
    assert assessment["tier"] in TIERS
    assert assessment["model_version"]
    listed = offline_client.get(f"/v1/brands/{brand}/mentions")
    assert listed.status_code == 200, listed.text
    assert len(listed.json()["items"]) == 3


def test_idempotency_key_replays_the_first_response(offline_client: httpx.Client) -> None:
    brand = f"brand-{uuid.uuid4().hex[:8]}"
    assert offline_client.post("/v1/brands", json={"id": brand, "name": "E2E"}).status_code == 201
    batch = {"mentions": [mention("e2e-idem")]}
    headers = {"Idempotency-Key": uuid.uuid4().hex}

    first = offline_client.post(f"/v1/brands/{brand}/mentions", json=batch, headers=headers)
    replay = offline_client.post(f"/v1/brands/{brand}/mentions", json=batch, headers=headers)

    assert first.status_code == replay.status_code == 200
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert replay.json() == first.json()
