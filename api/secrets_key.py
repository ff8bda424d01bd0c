"""The service's master key (VIGIE_SECRETS_KEY): where it comes from, and the one holder of it.

Every secret Vigie hands out — inbound hook signing secrets (api/hooks), outbound subscription
secrets (api/subscriptions), console session cookies — is derived from this one key.

- Locally and in tests, `VIGIE_SECRETS_KEY` holds the key itself.
- On Lambda, `VIGIE_SECRETS_KEY_SECRET_ARN` names the Secrets Manager secret of
  infra/secrets.yml; the key is read once, at cold start (`get_settings`), and kept for the life
  of the container. It never sits in the function's configuration, where anyone allowed
  `lambda:GetFunctionConfiguration` (or the console's Configuration tab) would read it.

One plain `GetSecretValue` through botocore rather than Powertools Parameters' `get_secret`:
Parameters imports boto3 (and s3transfer), which this service avoids everywhere else for cold
start; the figures are in bench/README.md (`secrets_cold_start.py`).
"""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING, Any

import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import SecretStr

if TYPE_CHECKING:
    from api.settings import Settings

log = logging.getLogger(__name__)


class SecretsKeyUnavailable(RuntimeError):
    """The secret named by VIGIE_SECRETS_KEY_SECRET_ARN could not be read: the container fails
    to start (an operator's error to see in the logs, not a per-request problem)."""


def secretsmanager_client(region: str) -> Any:
    session = botocore.session.get_session()
    return session.create_client(
        "secretsmanager",
        config=Config(
            region_name=region,
            retries={"mode": "standard", "max_attempts": 3},
            connect_timeout=2,
            read_timeout=5,
        ),
    )


def read_secrets_key(secret_id: str, client: Any) -> SecretStr:
    """The key stored in `secret_id` (its SecretString), or a clear SecretsKeyUnavailable."""
    try:
        answer = client.get_secret_value(SecretId=secret_id)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "error")
        raise SecretsKeyUnavailable(
            f"VIGIE_SECRETS_KEY_SECRET_ARN={secret_id}: Secrets Manager refused GetSecretValue "
            f"({code}): check the secret exists and the function's role may read it"
        ) from error
    except BotoCoreError as error:
        raise SecretsKeyUnavailable(
            f"VIGIE_SECRETS_KEY_SECRET_ARN={secret_id}: Secrets Manager unreachable ({error})"
        ) from error
    value = answer.get("SecretString")
    if not isinstance(value, str) or not value:
        raise SecretsKeyUnavailable(
            f"VIGIE_SECRETS_KEY_SECRET_ARN={secret_id}: the secret has no string value"
        )
    return SecretStr(value)


def with_secrets_key(settings: Settings, client: Any = None) -> Settings:
    """`settings` with `secrets_key` read from Secrets Manager when only its ARN is given.

    Called once per process (get_settings is cached): one GetSecretValue per container.
    """
    if settings.secrets_key is not None or not settings.secrets_key_secret_arn:
        return settings
    arn = settings.secrets_key_secret_arn
    key = read_secrets_key(arn, client or secretsmanager_client(settings.region))
    # Validated again (length, placeholders) by the settings' own validator.
    return settings.model_validate(settings.model_dump() | {"secrets_key": key})


class SecretsKey:
    """The master key of this process, shared by everything that derives secrets from it.

    `VIGIE_SECRETS_KEY` when configured; on DynamoDB Local without one (dev, tests) a random key
    for this process, so signed sources and subscriptions work out of the box (they stop
    verifying after a restart); otherwise None, and each caller says what cannot work.
    """

    def __init__(self, settings: Settings) -> None:
        self._configured = settings.secrets_key
        self._local_allowed = bool(settings.dynamodb_endpoint)
        self._local: str | None = None

    def get(self) -> str | None:
        if self._configured is not None:
            return self._configured.get_secret_value()
        if not self._local_allowed:
            return None
        if self._local is None:
            log.warning("VIGIE_SECRETS_KEY is not set: using a per-process key (local only)")
            self._local = secrets.token_urlsafe(32)
        return self._local
