"""The `vigie` console as a newcomer runs it: `vigie dev` (signals, ports, logs) and `api-key`."""

from __future__ import annotations

import http.server
import os
import re
import signal
import stat
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from api.cli import local_secrets_key, set_dev_environment
from api.local.dynamodb_local import PROJECT_ROOT, free_port, is_listening, stop_process_group
from api.services import Services
from api.settings import Settings
from tests.hooks.deliveries import fixture_body
from tests.local.processes import processes_mentioning


def test_local_secrets_key_is_created_once_private_and_accepted(tmp_path: Path) -> None:
    first = local_secrets_key(tmp_path / "data")
    assert local_secrets_key(tmp_path / "data") == first
    mode = (tmp_path / "data" / "secrets-key").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600
    settings = Settings(secrets_key=SecretStr(first))  # passes the placeholder check
    assert settings.secrets_key is not None
    assert local_secrets_key(tmp_path / "other") != first


@pytest.mark.parametrize("configured", [None, "https://vigie.tunnel.example"])
def test_dev_names_the_url_it_serves_as_public_base_url_unless_one_is_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, configured: str | None
) -> None:
    for name in ("VIGIE_PUBLIC_BASE_URL", "VIGIE_SECRETS_KEY", "VIGIE_OUTBOUND_ALLOW_CIDRS"):
        # setenv first: monkeypatch only restores what it saw, and set_dev_environment sets
        # these in os.environ, which must not leak into the tests that run after this one.
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    if configured is not None:
        monkeypatch.setenv("VIGIE_PUBLIC_BASE_URL", configured)
    set_dev_environment("http://127.0.0.1:18080", tmp_path)
    assert Settings().public_base_url == (configured or "http://127.0.0.1:18080")


def clean_environment(**extra: str) -> dict[str, str]:
    """The shell of a newcomer: no VIGIE_* settings, plus `extra`."""
    return {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")} | extra


def vigie(
    *args: str, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


# --- `vigie dev` as a process manager runs it --------------------------------------------------


@dataclass
class DevProcess:
    process: subprocess.Popen[str]
    url: str
    dynamodb_port: int
    data_dir: Path
    key: str = ""
    output: list[str] = field(default_factory=list)

    def read_output(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)


@pytest.fixture
def dev(tmp_path: Path) -> Iterator[DevProcess]:
    api_port, ddb_port = free_port(), free_port()
    data_dir = tmp_path / "vigie-data"
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "dev", "--port", str(api_port),
         "--dynamodb-port", str(ddb_port), "--data-dir", str(data_dir)],
        cwd=PROJECT_ROOT, env=clean_environment(), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    dev = DevProcess(process, f"http://127.0.0.1:{api_port}", ddb_port, data_dir)
    reader = threading.Thread(target=dev.read_output, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            found = re.search(r"export VIGIE_API_KEY=(\S+)", "".join(dev.output))
            if found and is_listening(api_port):
                dev.key = found.group(1)
                break
            time.sleep(0.2)
        assert dev.key, "vigie dev did not start:\n" + "".join(dev.output)
        yield dev
    finally:
        stop_process_group(process, signal.SIGKILL if process.poll() is None else 0, grace=5)
        reader.join(timeout=5)
        for pid in processes_mentioning(str(data_dir)):  # a leak must not outlive the test
            os.kill(pid, signal.SIGKILL)


def test_dev_stopped_with_sigterm_stops_dynamodb_local_and_never_logs_a_hook_token(
    dev: DevProcess,
) -> None:
    headers = {"Authorization": f"Bearer {dev.key}"}
    with httpx.Client(base_url=dev.url, headers=headers, timeout=30) as http:
        # VIGIE_PUBLIC_BASE_URL is the served URL (the workers' console links use it too).
        assert http.get("/openapi.json").json()["servers"][0]["url"] == dev.url
        assert http.post("/v1/brands", json={"id": "acme", "name": "ACME"}).status_code == 201
        hook = http.post(
            "/v1/hook-sources", json={"source": "youscan", "auth": "url_token", "brand_id": "acme"}
        )
        assert hook.status_code == 201, hook.text
        token, query = hook.json()["secret"], hook.json()["receiver_url"].split("?", 1)[1]
    delivered = httpx.post(
        f"{dev.url}/v1/hooks/youscan/acme?{query}",
        content=fixture_body("youscan"),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert delivered.status_code == 200, delivered.text
    jvm = processes_mentioning(str(dev.data_dir))
    assert jvm, "no DynamoDB Local process runs on the temp data dir"
    assert is_listening(dev.dynamodb_port)

    dev.process.send_signal(signal.SIGTERM)  # to `vigie dev` alone, as `kill PID` does
    returncode = dev.process.wait(timeout=60)

    log = "".join(dev.output)
    assert returncode == 0, log
    assert not is_listening(dev.dynamodb_port), log
    assert processes_mentioning(str(dev.data_dir)) == [], log
    access = [line for line in log.splitlines() if "/v1/hooks/youscan/acme?" in line]
    assert access, log
    assert all("token=[redacted]" in line for line in access), log
    assert token not in log


@pytest.mark.parametrize("how", ["port", "endpoint"])
def test_dev_refuses_a_foreign_service_as_its_dynamodb(tmp_path: Path, how: str) -> None:
    """An HTTP server on the DynamoDB port (or endpoint) is not "reused": a clear message."""
    foreign = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler
    )
    thread = threading.Thread(target=foreign.serve_forever, daemon=True)
    thread.start()
    port = str(foreign.server_address[1])
    env = clean_environment()
    if how == "endpoint":
        env["VIGIE_DYNAMODB_ENDPOINT"] = f"http://127.0.0.1:{port}"
    try:
        result = vigie(
            "dev", "--port", str(free_port()), "--dynamodb-port", port,
            "--data-dir", str(tmp_path), env=env, timeout=60,
        )  # fmt: skip
    finally:
        foreign.shutdown()
        thread.join(timeout=5)
    assert result.returncode == 2, result.stdout + result.stderr
    port_taken = "is taken by a service that is not DynamoDB"
    assert (port_taken if how == "port" else "is not a DynamoDB") in result.stderr
    assert ("--dynamodb-port" if how == "port" else "Unset it") in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_dev_help_gives_every_option_a_text_and_a_default() -> None:
    result = vigie("dev", "--help", env=clean_environment())
    assert result.returncode == 0
    for option in ("--port", "--dynamodb-port", "--workspace", "--data-dir"):
        described = result.stdout.split(option, 2)[-1].split("\n  --", 1)[0]
        assert "(default:" in described, (option, result.stdout)
    assert "VIGIE_PORT" in result.stdout
    assert "VIGIE_DDB_PORT" in result.stdout


# --- `vigie api-key create`: local unless told otherwise ---------------------------------------


def test_api_key_create_writes_to_dynamodb_local_by_default_even_with_aws_credentials(
    settings: Settings, services: Services
) -> None:
    """No VIGIE_DYNAMODB_ENDPOINT: the DynamoDB Local on VIGIE_DDB_PORT, never AWS."""
    assert settings.dynamodb_endpoint
    port = settings.dynamodb_endpoint.rsplit(":", 1)[1]
    workspace = f"cli-{uuid.uuid4().hex[:8]}"
    env = clean_environment(
        VIGIE_DDB_PORT=port,
        VIGIE_TABLE_NAME=settings.table_name,
        AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",  # a real-looking shell must change nothing
        AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    )
    result = vigie("api-key", "create", "--workspace", workspace, env=env)
    assert result.returncode == 0, result.stderr
    key = result.stdout.strip()
    assert services.api_keys.authenticate(f"Bearer {key}").workspace == workspace
    assert f"table {settings.table_name} in DynamoDB Local at http://127.0.0.1:{port}" in (
        result.stderr
    )


def test_api_key_create_without_dynamodb_local_says_what_to_do() -> None:
    env = clean_environment(VIGIE_DDB_PORT=str(free_port()))
    result = vigie("api-key", "create", "--workspace", "acme", env=env)
    assert result.returncode == 2
    assert "no DynamoDB Local at http://127.0.0.1:" in result.stderr
    assert "vigie dev" in result.stderr
    assert "--aws" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({}, "--aws needs VIGIE_TABLE_NAME"),
        (
            {"VIGIE_TABLE_NAME": "t", "VIGIE_DYNAMODB_ENDPOINT": "http://127.0.0.1:1"},
            "unset one of them",
        ),
    ],
)
def test_api_key_create_for_aws_must_name_its_table(extra: dict[str, str], message: str) -> None:
    result = vigie(
        "api-key", "create", "--workspace", "acme", "--aws", env=clean_environment(**extra)
    )
    assert result.returncode == 2
    assert message in result.stderr
