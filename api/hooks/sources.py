"""Hook source management, for a workspace's API key: register, list, get, delete, rotate.

A source's secret is returned once, at registration and at each rotation; what is stored only
derives or checks it (`credentials.py`, docs/webhooks.md §5).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime

from api.brands.service import BrandService
from api.hooks.adapters.registry import ADAPTERS
from api.hooks.credentials import HookKeyring, is_hook_id, new_hook_id
from api.hooks.repository import (
    HookRepository,
    HookSourceChangedError,
    HookSourceNotFoundError,
    HookSourceRecord,
)
from api.hooks.schemas import (
    HookAuth,
    HookSecretRotation,
    HookSource,
    HookSourceCreate,
    HookSourceList,
    HookSourceWithSecret,
)
from api.hooks.signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER
from api.pagination import InvalidCursor, decode_cursor, encode_cursor
from api.problems import Conflict, InvalidParam, NotFound, ValidationFailed
from api.settings import Settings
from api.storage.keys import format_instant
from api.workspaces.service import Principal

log = logging.getLogger(__name__)


class HookSourceService:
    def __init__(
        self,
        repository: HookRepository,
        brands: BrandService,
        keyring: HookKeyring,
        settings: Settings,
    ) -> None:
        self._repository = repository
        self._brands = brands
        self._keyring = keyring
        self._settings = settings

    def register(
        self, principal: Principal, request: HookSourceCreate, base_url: str
    ) -> HookSourceWithSecret:
        refuse_unusable_auth(request)
        if request.brand_id is not None:
            self._brands.get(principal, request.brand_id)  # 404 for another workspace's brand
        now = datetime.now(UTC)
        hook_id = new_hook_id()
        credential, secret = self._keyring.new_credential(request.auth, hook_id, now)
        record = HookSourceRecord(
            hook_id=hook_id,
            workspace=principal.workspace,
            source=request.source,
            brand_id=request.brand_id,
            auth=request.auth,
            created_at=format_instant(now),
            current=credential,
        )
        self._repository.create(record)
        log.info(
            "hook source registered: %s (%s, %s) in %s",
            hook_id,
            record.source.value,
            record.auth.value,
            principal.workspace,
        )
        return self._with_secret(record, secret, base_url, now)

    def list_sources(
        self, principal: Principal, limit: int, cursor: str | None, base_url: str
    ) -> HookSourceList:
        after = decode_cursor(cursor, "hook") if cursor else None
        if after is not None and not is_hook_id(after):
            raise InvalidCursor("The cursor is malformed or belongs to another listing.")
        records, last = self._repository.list(principal.workspace, limit, after)
        now = datetime.now(UTC)
        return HookSourceList(
            items=[self._public(record, base_url, now) for record in records],
            next_cursor=encode_cursor("hook", last) if last else None,
        )

    def get(self, principal: Principal, hook_id: str, base_url: str) -> HookSource:
        return self._public(self._owned(principal, hook_id), base_url, datetime.now(UTC))

    def delete(self, principal: Principal, hook_id: str) -> None:
        if not is_hook_id(hook_id):
            raise _hook_not_found(hook_id)
        try:
            self._repository.delete(principal.workspace, hook_id)
        except HookSourceNotFoundError:
            raise _hook_not_found(hook_id) from None
        log.info("hook source deleted: %s in %s", hook_id, principal.workspace)

    def erase_brand(self, workspace: str, brand_id: str) -> int:
        """Delete the sources bound to this brand (api/erasure); how many. Sources of no brand
        (their URL names the brand) serve the workspace's other brands and stay."""
        doomed: list[str] = []
        after: str | None = None
        while True:
            records, after = self._repository.list(workspace, 100, after)
            doomed.extend(r.hook_id for r in records if r.brand_id == brand_id)
            if after is None:
                break
        for hook_id in doomed:
            try:
                self._repository.delete(workspace, hook_id)
            except HookSourceNotFoundError:
                continue
        if doomed:
            log.info("hook sources of erased brand %s deleted: %s", brand_id, doomed)
        return len(doomed)

    def rotate(
        self, principal: Principal, hook_id: str, request: HookSecretRotation, base_url: str
    ) -> HookSourceWithSecret:
        """A new secret now; the previous one keeps working for `overlap_seconds`."""
        record = self._owned(principal, hook_id)
        now = datetime.now(UTC)
        credential, secret = self._keyring.new_credential(record.auth, hook_id, now)
        previous = (
            replace(record.current, expires_at=int(now.timestamp()) + request.overlap_seconds)
            if request.overlap_seconds > 0
            else None
        )
        try:
            self._repository.rotate(record, credential, previous, format_instant(now))
        except HookSourceChangedError:
            raise Conflict(
                f"Hook source '{hook_id}' was rotated or deleted by another request; "
                "read it again and retry."
            ) from None
        log.info("hook source rotated: %s in %s", hook_id, principal.workspace)
        rotated = replace(record, current=credential, previous=previous, rotated_at=None)
        return self._with_secret(rotated, secret, base_url, now, rotated_at=now)

    def _owned(self, principal: Principal, hook_id: str) -> HookSourceRecord:
        record = self._repository.get(hook_id) if is_hook_id(hook_id) else None
        if record is None or record.workspace != principal.workspace:
            raise _hook_not_found(hook_id)
        return record

    # --- public views ----------------------------------------------------------------------

    def _receiver_url(self, record: HookSourceRecord, base_url: str, token: str | None) -> str:
        base = (self._settings.public_base_url or base_url).rstrip("/")
        query = f"hook={record.hook_id}"
        if record.auth is HookAuth.url_token:
            query += f"&token={token or '{token}'}"
        return f"{base}/v1/hooks/{record.source.value}/{record.brand_id or '{brand_id}'}?{query}"

    def _public(
        self,
        record: HookSourceRecord,
        base_url: str,
        now: datetime,
        token: str | None = None,
        rotated_at: datetime | None = None,
    ) -> HookSource:
        previous_until = record.previous.expires_at if record.previous else None
        return HookSource(
            id=record.hook_id,
            source=record.source,
            brand_id=record.brand_id,
            auth=record.auth,
            receiver_url=self._receiver_url(record, base_url, token),
            created_at=datetime.fromisoformat(record.created_at),
            rotated_at=rotated_at
            or (datetime.fromisoformat(record.rotated_at) if record.rotated_at else None),
            previous_secret_valid_until=(
                datetime.fromtimestamp(previous_until, UTC)
                if previous_until is not None and previous_until > now.timestamp()
                else None
            ),
        )

    def _with_secret(
        self,
        record: HookSourceRecord,
        secret: str,
        base_url: str,
        now: datetime,
        rotated_at: datetime | None = None,
    ) -> HookSourceWithSecret:
        token = secret if record.auth is HookAuth.url_token else None
        public = self._public(record, base_url, now, token=token, rotated_at=rotated_at)
        return HookSourceWithSecret(**public.model_dump(), secret=secret, setup=self._setup(record))

    def _setup(self, record: HookSourceRecord) -> str:
        tool = ADAPTERS[record.source].title
        tolerance = self._settings.hook_timestamp_tolerance_seconds
        brand_note = (
            "" if record.brand_id else " Replace {brand_id} with the brand each feed is for."
        )
        if record.auth is HookAuth.url_token:
            return (
                f"Paste receiver_url as the webhook URL in {tool}: it carries the token, so keep "
                f"it as secret as a password.{brand_note}"
            )
        if record.auth is HookAuth.standard_webhooks:
            return (
                f"In {tool}, set the Standard Webhooks endpoint to receiver_url and its signing "
                "secret to `secret`. Deliveries must carry webhook-id, webhook-timestamp (within "
                f"{tolerance} s of our clock) and webhook-signature.{brand_note}"
            )
        return (
            f"POST to receiver_url with `{TIMESTAMP_HEADER}: <unix seconds>` (within {tolerance} "
            f"s of our clock) and `{SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256 of "
            '"<timestamp>.<raw body>" keyed with `secret` as UTF-8>`.' + brand_note
        )


def refuse_unusable_auth(request: HookSourceCreate) -> None:
    """422 for an auth mode the tool cannot use (a vendor that cannot sign), naming those it can."""
    adapter = ADAPTERS[request.source.value]
    if request.auth.value in adapter.auth_modes:
        return
    allowed = ", ".join(adapter.auth_modes)
    raise ValidationFailed.for_params(
        [
            InvalidParam(
                name="auth",
                reason=f"{adapter.title} deliveries cannot use {request.auth.value}: "
                f"allowed for source {request.source.value}: {allowed}",
            )
        ]
    )


def _hook_not_found(hook_id: str) -> NotFound:
    return NotFound(f"Hook source '{hook_id[:40]}' does not exist in this workspace.")
