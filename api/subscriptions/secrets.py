"""Signing secrets of subscriptions: derived when needed, never stored; Standard Webhooks signing.

An outbound secret must be recoverable to sign, so — like the secrets of inbound hook sources
(`api.hooks.signatures`) — it is derived from the service's master key `VIGIE_SECRETS_KEY` and a
random per-credential id stored with the subscription:
`whsec_` + base64(HMAC-SHA256(master key, "vigie/subscription-secret/v1" ‖ subscription id ‖
credential id)). The label differs from the hooks' one, so no inbound and outbound secret can
ever coincide. A copy of the table alone reveals no secret.

During a rotation overlap both the new and the previous secret sign each delivery:
`webhook-signature: v1,<new> v1,<previous>`; a receiver holding either one verifies it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Final

from standardwebhooks import Webhook

from api.problems import ProblemError
from api.secrets_key import SecretsKey

log = logging.getLogger(__name__)

SECRET_PREFIX: Final = "whsec_"
_DERIVATION_LABEL: Final = b"vigie/subscription-secret/v1"
_KEY_ID_LABEL: Final = b"vigie/secrets-key-id/v1"


class SubscriptionSecretsNotConfigured(ProblemError):
    """The operator has not set VIGIE_SECRETS_KEY: deliveries could not be signed."""

    status, slug, title = 503, "secrets-not-configured", "Secrets not configured"
    example_detail = "Subscriptions need the service's VIGIE_SECRETS_KEY, which is not set."

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"Retry-After": "3600"})


class MasterKey:
    """The process's master key (api/secrets_key.py) as subscriptions need it: always present.

    One instance is shared by the API and the in-process dispatcher (`vigie dev`, tests), so the
    secret shown at creation is the one deliveries are signed with.
    """

    def __init__(self, secrets_key: SecretsKey) -> None:
        self._secrets_key = secrets_key

    def get(self) -> str:
        master_key = self._secrets_key.get()
        if master_key is not None:
            return master_key
        raise SubscriptionSecretsNotConfigured(
            "Subscriptions need the service's VIGIE_SECRETS_KEY, which is not set: "
            "ask the operator."
        )

    def key_id(self) -> str:
        return key_id_of(self.get())


def key_id_of(master_key: str) -> str:
    return hmac.new(master_key.encode(), _KEY_ID_LABEL, hashlib.sha256).hexdigest()[:16]


def new_credential_id() -> str:
    return secrets.token_hex(16)


def derive_secret(master_key: str, subscription_id: str, credential_id: str) -> str:
    material = b"\x00".join([_DERIVATION_LABEL, subscription_id.encode(), credential_id.encode()])
    key = hmac.new(master_key.encode(), material, hashlib.sha256).digest()
    return SECRET_PREFIX + base64.b64encode(key).decode()


def sign(secrets_in_use: Sequence[str], event_id: str, timestamp: int, body: str) -> str:
    """The `webhook-signature` value: one `v1,<signature>` per secret, space-separated."""
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    return " ".join(Webhook(secret).sign(event_id, moment, body) for secret in secrets_in_use)
