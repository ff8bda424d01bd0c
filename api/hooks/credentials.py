"""What both sides of a hook source share: its id, and the master key its secrets derive from.

Management (`sources.py`) issues credentials; reception (`receiver.py`) derives the secrets a
delivery may be signed with. Both go through one `HookKeyring`, so that the per-process key used
on DynamoDB Local is the same for the source that was registered and the delivery that arrives.
"""

from __future__ import annotations

import base64
import logging
import re
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Final

from api.hooks.repository import HookCredential, HookSourceRecord
from api.hooks.schemas import HOOK_ID_PATTERN, HookAuth
from api.hooks.signatures import (
    HMAC_SECRET_PREFIX,
    STANDARD_SECRET_PREFIX,
    derive_signing_secret,
    new_credential_id,
    new_url_token,
    secrets_key_id,
    url_token_hash,
)
from api.problems import ProblemError
from api.secrets_key import SecretsKey
from api.storage.keys import format_instant

log = logging.getLogger(__name__)

_HOOK_ID: Final = re.compile(HOOK_ID_PATTERN)


class SecretsNotConfigured(ProblemError):
    """The operator has not set VIGIE_SECRETS_KEY: signed hook sources cannot work yet."""

    status, slug, title = 503, "secrets-not-configured", "Hook secrets not configured"
    example_detail = "Signed hook sources need the service's VIGIE_SECRETS_KEY, which is not set."

    def __init__(self, detail: str) -> None:
        # A configuration change, not load, ends this: tell senders to come back much later.
        super().__init__(detail, headers={"Retry-After": "3600"})


def new_hook_id() -> str:
    return "hk_" + base64.b32encode(secrets.token_bytes(13)).decode().lower()[:20]


def is_hook_id(value: str) -> bool:
    """Whether `value` can be a hook id (anything else is never looked up)."""
    return _HOOK_ID.fullmatch(value) is not None


class HookKeyring:
    """The master key (VIGIE_SECRETS_KEY) and what is derived from it."""

    def __init__(self, secrets_key: SecretsKey) -> None:
        self._secrets_key = secrets_key

    def new_credential(
        self, auth: HookAuth, hook_id: str, now: datetime
    ) -> tuple[HookCredential, str]:
        """A new credential to store, and the secret (shown once, never stored)."""
        credential_id = new_credential_id()
        created_at = format_instant(now)
        if auth is HookAuth.url_token:
            token = new_url_token()
            return HookCredential(
                credential_id, created_at, token_hash=url_token_hash(token)
            ), token
        master_key = self._master_key()
        secret = derive_signing_secret(master_key, hook_id, credential_id, _secret_prefix(auth))
        return HookCredential(credential_id, created_at, key_id=secrets_key_id(master_key)), secret

    def signing_secrets(
        self, record: HookSourceRecord, credentials: Sequence[HookCredential]
    ) -> list[str]:
        """The secrets of `credentials` a signed delivery may use (those of the current key)."""
        master_key = self._master_key()
        key_id = secrets_key_id(master_key)
        prefix = _secret_prefix(record.auth)
        usable = [c for c in credentials if c.key_id == key_id]
        if len(usable) < len(credentials):
            log.warning(
                "hook %s has secrets derived from another VIGIE_SECRETS_KEY: rotate it",
                record.hook_id,
            )
        return [
            derive_signing_secret(master_key, record.hook_id, c.credential_id, prefix)
            for c in usable
        ]

    def _master_key(self) -> str:
        master_key = self._secrets_key.get()
        if master_key is not None:
            return master_key
        raise SecretsNotConfigured(
            "Signed hook sources need the service's VIGIE_SECRETS_KEY, which is not set: "
            "ask the operator, or register the source with `auth: url_token`."
        )


def _secret_prefix(auth: HookAuth) -> str:
    return STANDARD_SECRET_PREFIX if auth is HookAuth.standard_webhooks else HMAC_SECRET_PREFIX
