"""Issue, list, revoke and verify workspace-scoped API keys."""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from botocore.exceptions import BotoCoreError, ClientError

from api.pagination import InvalidCursor, decode_cursor, encode_cursor
from api.problems import NotFound, Unauthorized, ValidationFailed
from api.storage import keys
from api.ttl_cache import TtlCache
from api.workspaces.repository import ApiKeyRepository, ListedApiKey, StoredApiKey
from api.workspaces.schemas import ApiKey, ApiKeyList, NewApiKey

KEY_PREFIX = "vg_"
WORKSPACE_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
KEY_ID_PATTERN = re.compile(r"^key_[a-z2-7]{20}$")
# `last_used_at` is written at most once per this period per key (a conditional update).
LAST_USED_PERIOD = timedelta(hours=1)
# The default of `Settings.api_key_cache_seconds`: how long a revoked key may still work.
DEFAULT_CACHE_SECONDS = 5.0

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: every request acts inside exactly one workspace."""

    workspace: str
    read_only: bool = False
    key_id: str | None = None


@dataclass(frozen=True, slots=True)
class _Verified:
    principal: Principal
    expires_at: int | None


def public_view(listed: ListedApiKey) -> ApiKey:
    """What the workspace may see of a stored key (never its hash)."""
    return ApiKey(
        key_id=listed.key_id,
        prefix=listed.prefix,
        created_at=datetime.fromisoformat(listed.created_at),
        last_used_at=datetime.fromisoformat(listed.last_used_at) if listed.last_used_at else None,
        expires_at=datetime.fromtimestamp(listed.expires_at, UTC)
        if listed.expires_at is not None
        else None,
        read_only=listed.read_only,
    )


def hash_api_key(key: str) -> str:
    # Keys are 256-bit random tokens, so a fast hash is safe (no dictionary to brute-force).
    return hashlib.sha256(key.encode()).hexdigest()


def key_id_for(key_hash: str) -> str:
    """The public id of a key: derived from its hash (one-way), so a key issued before ids
    existed gets the same id wherever it is adopted."""
    digest = hashlib.sha256(b"vigie-api-key-id\x00" + key_hash.encode()).digest()
    return "key_" + base64.b32encode(digest[:15]).decode().lower()[:20]


class ApiKeyService:
    """Authentication is cached per container for `cache_seconds` (`VIGIE_API_KEY_CACHE_SECONDS`,
    5 s by default): a key revoked elsewhere still works at most that long in a container that
    saw it just before; the container that revokes it forgets it at once.

    A key that does not exist is remembered as unknown for as long, once a strongly consistent
    read confirms it (so a key issued a moment ago elsewhere is never refused for the bound):
    a client retrying a revoked or mistyped key in a loop costs one read per bound, not one per
    request."""

    def __init__(
        self,
        repository: ApiKeyRepository,
        *,
        cache_seconds: float = DEFAULT_CACHE_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._repository = repository
        self._clock = clock
        self._cache: TtlCache[str, _Verified] = TtlCache(cache_seconds, clock=clock)
        # Apart from the known keys: a spray of random tokens must not evict them.
        self._unknown: TtlCache[str, bool] = TtlCache(cache_seconds, clock=clock)
        # Keys whose use this container recorded lately: no write at all on their hot path.
        self._touched: TtlCache[str, bool] = TtlCache(LAST_USED_PERIOD.total_seconds(), clock=clock)

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)

    def create(self, workspace: str) -> str:
        """A new read-write key that never expires (the CLI and the tests)."""
        return self.issue(workspace).key

    def issue(
        self, workspace: str, *, expires_at: datetime | None = None, read_only: bool = False
    ) -> NewApiKey:
        if not WORKSPACE_PATTERN.fullmatch(workspace):
            raise ValidationFailed(
                "workspace must be 1-64 lowercase letters, digits or hyphens, "
                "starting and ending with a letter or digit"
            )
        now = self._now()
        expires_epoch = None
        if expires_at is not None:
            if expires_at <= now:
                raise ValidationFailed(
                    f"expires_at: {expires_at.isoformat()} is not in the future",
                )
            expires_epoch = int(expires_at.timestamp())
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        key_hash = hash_api_key(key)
        key_id = key_id_for(key_hash)
        self._unknown.discard(key_hash)
        self._repository.put(
            key_hash,
            workspace,
            key[:10],
            now,
            key_id=key_id,
            expires_at=expires_epoch,
            read_only=read_only,
        )
        listed = ListedApiKey(
            key_id=key_id,
            key_hash=key_hash,
            prefix=key[:10],
            created_at=keys.format_instant(now),
            last_used_at=None,
            expires_at=expires_epoch,
            read_only=read_only,
        )
        return NewApiKey(key=key, **public_view(listed).model_dump())

    def list(self, principal: Principal, limit: int, cursor: str | None) -> ApiKeyList:
        after = decode_cursor(cursor, "api-key") if cursor else None
        if after is not None and not KEY_ID_PATTERN.fullmatch(after):
            raise InvalidCursor("The cursor is malformed or belongs to another listing.")
        listed, last = self._repository.list(principal.workspace, limit, after)
        return ApiKeyList(
            items=[public_view(key) for key in listed],
            next_cursor=encode_cursor("api-key", last) if last else None,
        )

    def revoke(self, principal: Principal, key_id: str) -> None:
        """Delete a key of the caller's workspace (the calling key itself included)."""
        listed = (
            self._repository.get_listed(principal.workspace, key_id)
            if KEY_ID_PATTERN.fullmatch(key_id)
            else None
        )
        if listed is None or not self._repository.delete(
            principal.workspace, key_id, listed.key_hash
        ):
            raise NotFound(f"API key '{key_id}' does not exist in this workspace.")
        self._cache.discard(listed.key_hash)

    def authenticate(self, authorization: str | None) -> Principal:
        if not authorization:
            raise Unauthorized("Missing `Authorization: Bearer <api key>` header.")
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("The Authorization header must be `Bearer <api key>`.")
        if not token.startswith(KEY_PREFIX) or len(token) > 200:
            raise Unauthorized("The API key is not valid.")
        verified = self._verified(hash_api_key(token))
        if verified is None:
            raise Unauthorized("The API key is not valid.")
        if verified.expires_at is not None and verified.expires_at <= self._clock():
            expired = datetime.fromtimestamp(verified.expires_at, UTC).isoformat()
            raise Unauthorized(f"The API key expired at {expired}.")
        return verified.principal

    def principal_for_hash(self, key_hash: str) -> Principal | None:
        """The workspace of a stored, unexpired key, by its hash (console sessions keep only the
        hash, so a revoked or expired key ends its sessions within the same bound)."""
        verified = self._verified(key_hash)
        if verified is None or (
            verified.expires_at is not None and verified.expires_at <= self._clock()
        ):
            return None
        return verified.principal

    def _verified(self, key_hash: str) -> _Verified | None:
        cached = self._cache.get(key_hash)
        if cached is None:
            if self._unknown.get(key_hash):
                return None
            stored = self._repository.get(key_hash) or self._repository.get(
                key_hash, consistent=True
            )
            if stored is None:
                self._unknown.put(key_hash, True)
                return None
            cached = _Verified(
                Principal(
                    workspace=stored.workspace,
                    read_only=stored.read_only,
                    key_id=stored.key_id or self._adopt(stored),
                ),
                stored.expires_at,
            )
            self._cache.put(key_hash, cached)
        self._record_use(key_hash, cached.principal)
        return cached

    def _adopt(self, stored: StoredApiKey) -> str:
        key_id = key_id_for(stored.key_hash)
        self._repository.adopt(stored, key_id)
        return key_id

    def _record_use(self, key_hash: str, principal: Principal) -> None:
        if principal.key_id is None or self._touched.get(key_hash):
            return
        self._touched.put(key_hash, True)
        now = self._now()
        try:
            self._repository.touch(
                principal.workspace, principal.key_id, now, now - LAST_USED_PERIOD
            )
        except (ClientError, BotoCoreError) as error:
            # A usage stamp is not worth failing the request for; the next period retries.
            logger.warning("could not record the use of API key %s: %r", principal.key_id, error)
