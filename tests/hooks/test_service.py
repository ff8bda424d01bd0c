"""The receiver's behaviour around ingestion: replay records released on failure, batches split,
unusable JSON refused, secrets derived from the configured key and never logged."""

from __future__ import annotations

import base64
import json
import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from fastapi import FastAPI
from fastapi.testclient import TestClient
from mypy_boto3_dynamodb import DynamoDBClient
from pydantic import SecretStr, ValidationError

from api.app import create_app
from api.services import Services
from api.settings import Settings
from tests.hooks.deliveries import (
    RegisteredHook,
    deliver,
    fixture_body,
    register_hook,
    signature_headers,
    stored_mentions,
)

KEY_A = "q8Yv3LZ0pW2xN5cR7tB9mK1sD4fG6hJ8aE0uI2oP4="
KEY_B = "Z3xC5vB7nM9qW1eR3tY5uI7oP9aS1dF3gH5jK7lL9="


def generic_mentions(count: int, prefix: str = "m") -> list[dict[str, Any]]:
    published = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    return [
        {"external_id": f"{prefix}-{index}", "published_at": published, "text": "Order late"}
        for index in range(count)
    ]


def body_of(payload: Any) -> bytes:
    return json.dumps(payload).encode()


# --- replay records and failures ---------------------------------------------------------------


def test_a_delivery_that_failed_to_store_can_be_retried_with_the_same_webhook_id(
    client: TestClient,
    tool: TestClient,
    brand_id: str,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Fault injection: DynamoDB throttles the mention transaction past the retries."""
    hook = register_hook(client, "generic", "standard_webhooks", brand_id)
    repository = services.mentions._repository
    real_client = repository._client

    class ThrottlingClient:
        def __getattr__(self, name: str) -> Any:
            return getattr(real_client, name)

        def transact_write_items(self, **_: Any) -> None:
            raise ClientError(
                {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}},
                "TransactWriteItems",
            )

    monkeypatch.setattr(repository, "_client", ThrottlingClient())
    monkeypatch.setattr(repository, "_max_attempts", 2)
    busy = deliver(tool, hook, fixture_body("generic"), webhook_id="msg_retry")
    assert busy.status_code == 503
    assert busy.headers["retry-after"].isdigit()
    monkeypatch.undo()

    # The sender retries the same message (same webhook-id, signed again at retry time).
    retried = deliver(tool, hook, fixture_body("generic"), webhook_id="msg_retry")
    assert retried.status_code == 200, retried.text
    assert retried.json()["stored"] == 2


def test_an_unusable_delivery_is_refused_whole_with_the_vendor_path_and_can_be_resent(
    client: TestClient,
    tool: TestClient,
    brand_id: str,
    workspace: str,
    dynamodb: DynamoDBClient,
    settings: Settings,
) -> None:
    hook = register_hook(client, "meltwater", "url_token", brand_id)
    payload = json.loads(fixture_body("meltwater"))
    del payload["documents"][1]["id"]
    payload["documents"][2]["published_date"] = "last tuesday"
    refused = deliver(tool, hook, body_of(payload), webhook_id="msg_fixme")
    assert refused.status_code == 422
    names = [p["name"] for p in refused.json()["invalid_params"]]
    assert names == ["documents.1.id", "documents.2.published_date"]
    assert stored_mentions(dynamodb, settings, workspace, brand_id) == []

    fixed = deliver(tool, hook, fixture_body("meltwater"), webhook_id="msg_fixme")
    assert fixed.status_code == 200, fixed.text


def test_a_delivery_over_the_batch_size_is_ingested_in_batches_in_order(
    client: TestClient, tool: TestClient, brand_id: str
) -> None:
    hook = register_hook(client, "generic", "hmac_sha256", brand_id)
    mentions = generic_mentions(150)
    response = deliver(tool, hook, body_of({"mentions": mentions}))
    assert response.status_code == 200, response.text
    ack = response.json()
    assert [r["external_id"] for r in ack["results"]] == [m["external_id"] for m in mentions]
    assert ack["stored"] == 150


def test_a_refusal_from_a_later_batch_names_the_position_in_the_delivery(
    client: TestClient, tool: TestClient, brand_id: str
) -> None:
    hook = register_hook(client, "generic", "url_token", brand_id)
    mentions = generic_mentions(130)
    mentions[120]["published_at"] = "2999-01-01T00:00:00Z"
    response = deliver(tool, hook, body_of(mentions))
    assert response.status_code == 422
    assert response.json()["invalid_params"][0]["name"] == "mentions.120.published_at"


def test_a_delivery_with_too_many_mentions_is_refused(
    client: TestClient, tool: TestClient, brand_id: str
) -> None:
    hook = register_hook(client, "generic", "url_token", brand_id)
    tiny = [{"external_id": str(i), "published_at": "2026-03-09T10:00:00Z"} for i in range(1001)]
    response = deliver(tool, hook, body_of(tiny))
    assert response.status_code == 422
    assert "1000" in response.json()["detail"]


def test_an_empty_batch_is_acknowledged_with_no_results(
    client: TestClient, tool: TestClient, brand_id: str
) -> None:
    hook = register_hook(client, "meltwater", "url_token", brand_id)
    response = deliver(tool, hook, body_of({"request": {}, "documents": []}))
    assert response.status_code == 200
    assert response.json()["results"] == []
    assert response.json()["assessment"] is None


@pytest.mark.parametrize(
    ("body", "status", "problem"),
    [
        (b"", 400, "malformed-json"),
        (b'{"mentions": [', 400, "malformed-json"),
        (b"\xff\xfe{}", 400, "malformed-json"),
        (
            b'{"external_id": "a", "published_at": "2026-03-09T10:00:00Z", "reach": NaN}',
            400,
            "malformed-json",
        ),
        (
            b'{"external_id": "a", "published_at": "2026-03-09T10:00:00Z", "t": "\\ud800"}',
            400,
            "malformed-json",
        ),
        (b"[" * 40 + b"]" * 40, 422, "validation-failed"),
        (b"[" * 100_000 + b"]" * 100_000, 400, "malformed-json"),
        (b'{"n": ' + b"9" * 5000 + b"}", 422, "validation-failed"),  # valid JSON, out of range
        (b'"just a string"', 422, "validation-failed"),
        (b'{"mentions": {"not": "a list"}}', 422, "validation-failed"),
    ],
)
def test_unusable_json_is_a_4xx_problem_after_authentication(
    client: TestClient, tool: TestClient, brand_id: str, body: bytes, status: int, problem: str
) -> None:
    hook = register_hook(client, "generic", "standard_webhooks", brand_id)
    headers = signature_headers(hook, b"") if not body else None
    if body and body.startswith(b"\xff"):
        # Not UTF-8: the library cannot sign it either; sign the intended text and send bytes.
        headers = signature_headers(hook, b"{}")
    response = tool.post(hook.url(), content=body, headers=headers or signature_headers(hook, body))
    assert response.status_code == status, response.text
    assert response.json()["type"].endswith("/" + problem)


# --- secrets key ---------------------------------------------------------------------------------


@pytest.fixture
def keyed_app(settings: Settings, dynamodb: DynamoDBClient) -> Any:
    """Apps built with a configured VIGIE_SECRETS_KEY (as in production)."""

    def build(key: str) -> FastAPI:
        return create_app(settings.model_copy(update={"secrets_key": SecretStr(key)}), dynamodb)

    return build


def test_a_configured_key_derives_secrets_that_survive_a_restart(
    keyed_app: Any, services: Services, workspace: str
) -> None:
    api_key = services.api_keys.create(workspace)
    auth = {"Authorization": f"Bearer {api_key}"}
    with TestClient(keyed_app(KEY_A), headers=auth) as first_process:
        assert first_process.post("/v1/brands", json={"id": "acme", "name": "a"}).status_code == 201
        hook = register_hook(first_process, "generic", "standard_webhooks", "acme")
    with TestClient(keyed_app(KEY_A)) as restarted:
        assert deliver(restarted, hook, fixture_body("generic")).status_code == 200


def test_secrets_from_another_key_stop_verifying_until_the_source_is_rotated(
    keyed_app: Any, services: Services, workspace: str, caplog: pytest.LogCaptureFixture
) -> None:
    api_key = services.api_keys.create(workspace)
    auth = {"Authorization": f"Bearer {api_key}"}
    with TestClient(keyed_app(KEY_A), headers=auth) as old:
        assert old.post("/v1/brands", json={"id": "acme", "name": "a"}).status_code == 201
        hook = register_hook(old, "generic", "hmac_sha256", "acme")
    with TestClient(keyed_app(KEY_B), headers=auth) as new:
        with caplog.at_level(logging.WARNING, logger="api.hooks"):
            assert deliver(new, hook, fixture_body("generic")).status_code == 401
        assert "rotate" in caplog.text
        rotated = new.post(f"/v1/hook-sources/{hook.id}/rotate", json={"overlap_seconds": 0})
        assert rotated.status_code == 200
        renewed = RegisteredHook(
            hook.id, hook.source, hook.auth, rotated.json()["secret"], hook.receiver_url, "acme"
        )
        assert deliver(new, renewed, fixture_body("generic")).status_code == 200


def test_without_a_key_in_production_signed_sources_are_unavailable_but_tokens_work(
    settings: Settings, dynamodb: DynamoDBClient, services: Services, workspace: str
) -> None:
    production = settings.model_copy(update={"dynamodb_endpoint": None, "secrets_key": None})
    api_key = services.api_keys.create(workspace)
    with TestClient(
        create_app(production, dynamodb), headers={"Authorization": f"Bearer {api_key}"}
    ) as api:
        signed = api.post("/v1/hook-sources", json={"source": "generic", "auth": "hmac_sha256"})
        assert signed.status_code == 503
        assert signed.json()["type"].endswith("/secrets-not-configured")
        assert signed.headers["retry-after"].isdigit()
        token = api.post("/v1/hook-sources", json={"source": "generic", "auth": "url_token"})
        assert token.status_code == 201


@pytest.mark.parametrize(
    "value",
    [
        "short",
        "changeme-changeme-changeme-changeme-1234",
        "my-super-secret-key-for-production-use-ok",
        "a" * 64,
        "placeholder0123456789abcdefghijklmnopqrst",
    ],
)
def test_placeholder_or_weak_secrets_keys_are_refused(value: str) -> None:
    with pytest.raises(ValidationError, match="VIGIE_SECRETS_KEY"):
        Settings(secrets_key=SecretStr(value))


def test_a_random_secrets_key_is_accepted() -> None:
    key = Settings(secrets_key=SecretStr(KEY_A)).secrets_key
    assert key is not None
    assert key.get_secret_value() == KEY_A
    assert KEY_A not in repr(Settings(secrets_key=SecretStr(KEY_A)))


def test_secrets_and_tokens_never_reach_the_logs(
    client: TestClient, tool: TestClient, brand_id: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Server-side logs only (the test's HTTP client logs the URLs it calls, token included)."""
    secrets: list[str] = []
    with caplog.at_level(logging.DEBUG):
        hooks = [
            register_hook(client, "generic", auth, brand_id)
            for auth in ("standard_webhooks", "hmac_sha256", "url_token")
        ]
        secrets += [hook.secret for hook in hooks]
        for hook in hooks:
            assert deliver(tool, hook, fixture_body("generic")).status_code == 200
            other = "whsec_" + base64.b64encode(b"w" * 32).decode()
            wrong = deliver(tool, hook, fixture_body("generic"), secret=other)
            assert wrong.status_code in {200, 401}  # a URL token source ignores signatures
            secrets.append(client.post(f"/v1/hook-sources/{hook.id}/rotate").json()["secret"])
        forged_token = "vht_" + uuid.uuid4().hex * 2
        secrets.append(forged_token)
        url = hooks[2].url().split("&token=")[0] + "&token=" + forged_token
        assert tool.post(url, content=fixture_body("generic")).status_code == 401
    server_logs = "\n".join(
        record.getMessage() for record in caplog.records if not record.name.startswith("httpx")
    )
    for secret in secrets:
        assert secret not in server_logs
        assert secret.split("_", 1)[1] not in server_logs
    assert "hook delivery refused" in server_logs  # refusals are logged, without credentials
