"""Issue and verify workspace-scoped API keys."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from api.problems import Unauthorized, ValidationFailed
from api.ttl_cache import TtlCache
from api.workspaces.repository import ApiKeyRepository

KEY_PREFIX = "vg_"
WORKSPACE_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
# A key check costs one GetItem; a short per-container cache keeps it off the hot path.
# Revocation therefore takes effect within this many seconds.
_CACHE_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: every request acts inside exactly one workspace."""

    workspace: str


def hash_api_key(key: str) -> str:
    # Keys are 256-bit random tokens, so a fast hash is safe (no dictionary to brute-force).
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKeyService:
    def __init__(self, repository: ApiKeyRepository) -> None:
        self._repository = repository
        self._cache: TtlCache[str, Principal] = TtlCache(_CACHE_SECONDS)

    def create(self, workspace: str) -> str:
        if not WORKSPACE_PATTERN.fullmatch(workspace):
            raise ValidationFailed(
                "workspace must be 1-64 lowercase letters, digits or hyphens, "
                "starting and ending with a letter or digit"
            )
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        self._repository.put(hash_api_key(key), workspace, key[:10], datetime.now(UTC))
        return key

    def authenticate(self, authorization: str | None) -> Principal:
        if not authorization:
            raise Unauthorized("Missing `Authorization: Bearer <api key>` header.")
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("The Authorization header must be `Bearer <api key>`.")
        if not token.startswith(KEY_PREFIX) or len(token) > 200:
            raise Unauthorized("The API key is not valid.")
        principal = self.principal_for_hash(hash_api_key(token))
        if principal is None:
            raise Unauthorized("The API key is not valid.")
        return principal

    def principal_for_hash(self, key_hash: str) -> Principal | None:
        """The workspace of a stored key, by its hash (console sessions keep only the hash)."""
        cached = self._cache.get(key_hash)
        if cached is not None:
            return cached
        stored = self._repository.get(key_hash)
        if stored is None:
            return None
        principal = Principal(workspace=stored.workspace)
        self._cache.put(key_hash, principal)
        return principal
