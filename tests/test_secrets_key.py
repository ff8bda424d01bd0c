"""The master key read from Secrets Manager at cold start (api/secrets_key.py).

No local Secrets Manager exists: botocore's Stubber answers the one GetSecretValue call on a real
client (the request is still validated against the service model). It also proves the count of
calls: a call it was not told to expect fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.stub import Stubber
from pydantic import SecretStr, ValidationError

from api import secrets_key as secrets_key_module
from api.hooks.credentials import HookKeyring, SecretsNotConfigured
from api.hooks.schemas import HookAuth
from api.secrets_key import (
    SecretsKey,
    SecretsKeyUnavailable,
    secretsmanager_client,
    with_secrets_key,
)
from api.settings import Settings, get_settings
from api.subscriptions.secrets import MasterKey, SubscriptionSecretsNotConfigured

ARN = "arn:aws:secretsmanager:eu-west-3:123456789012:secret:VigieSecretsKey-AbCdEf"
KEY = "k3Y9vQ2mZx7LwP4nR8sT1uV6yB0cD5eF"


@pytest.fixture
def stubbed() -> Iterator[tuple[Any, Stubber]]:
    client = secretsmanager_client("eu-west-3")
    with Stubber(client) as stubber:
        yield client, stubber


@pytest.fixture
def lambda_environment(
    monkeypatch: pytest.MonkeyPatch, stubbed: tuple[Any, Stubber]
) -> Iterator[Stubber]:
    """The environment serverless.yml gives the functions: the secret's ARN, not the key."""
    client, stubber = stubbed
    monkeypatch.delenv("VIGIE_SECRETS_KEY", raising=False)
    monkeypatch.delenv("VIGIE_DYNAMODB_ENDPOINT", raising=False)
    monkeypatch.setenv("VIGIE_SECRETS_KEY_SECRET_ARN", ARN)
    monkeypatch.setattr(secrets_key_module, "secretsmanager_client", lambda _region: client)
    get_settings.cache_clear()
    yield stubber
    get_settings.cache_clear()


def test_the_key_is_read_once_per_process(lambda_environment: Stubber) -> None:
    lambda_environment.add_response(
        "get_secret_value",
        {"ARN": ARN, "Name": "VigieSecretsKey", "SecretString": KEY},
        {"SecretId": ARN},
    )
    first = get_settings()
    # A second GetSecretValue would find the stubber empty and raise.
    again = get_settings()
    lambda_environment.assert_no_pending_responses()
    assert first is again
    assert first.secrets_key is not None
    assert first.secrets_key.get_secret_value() == KEY
    assert SecretsKey(first).get() == KEY


def test_a_refused_read_fails_the_cold_start_naming_the_secret(
    lambda_environment: Stubber,
) -> None:
    lambda_environment.add_client_error(
        "get_secret_value", service_error_code="AccessDeniedException", http_status_code=400
    )
    with pytest.raises(SecretsKeyUnavailable) as failure:
        get_settings()
    assert ARN in str(failure.value)
    assert "AccessDeniedException" in str(failure.value)
    assert "role" in str(failure.value)


def test_a_placeholder_in_the_secret_is_refused_like_one_in_the_environment(
    stubbed: tuple[Any, Stubber],
) -> None:
    client, stubber = stubbed
    stubber.add_response("get_secret_value", {"SecretString": "changeme"}, {"SecretId": ARN})
    with pytest.raises(ValidationError, match="VIGIE_SECRETS_KEY must be at least 32"):
        with_secrets_key(Settings(secrets_key_secret_arn=ARN), client)


def test_an_empty_secret_is_refused(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    stubber.add_response("get_secret_value", {"SecretBinary": b"\x00" * 32}, {"SecretId": ARN})
    with pytest.raises(SecretsKeyUnavailable, match="no string value"):
        with_secrets_key(Settings(secrets_key_secret_arn=ARN), client)


def test_a_key_in_the_environment_wins_and_nothing_is_called(
    stubbed: tuple[Any, Stubber],
) -> None:
    client, stubber = stubbed
    settings = Settings(secrets_key=SecretStr(KEY), secrets_key_secret_arn=ARN)
    assert with_secrets_key(settings, client) is settings
    stubber.assert_no_pending_responses()


def test_hooks_and_subscriptions_share_the_per_process_local_key() -> None:
    holder = SecretsKey(Settings(dynamodb_endpoint="http://127.0.0.1:8000"))
    local = holder.get()
    assert local is not None
    assert MasterKey(holder).get() == local == holder.get()


def test_without_any_key_on_aws_each_side_says_what_cannot_work() -> None:
    holder = SecretsKey(Settings())
    assert holder.get() is None
    with pytest.raises(SubscriptionSecretsNotConfigured):
        MasterKey(holder).get()
    with pytest.raises(SecretsNotConfigured):
        HookKeyring(holder).new_credential(HookAuth.standard_webhooks, "hk_x", datetime.now(UTC))
