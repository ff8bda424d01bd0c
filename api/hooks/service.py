"""Hook sources (register, list, rotate, delete) and the receiver: authenticate, adapt, ingest.

A delivery is authenticated on its raw bytes before anything reads it as JSON; the registered
source, not an API key, tells which workspace it writes into. Mentions are then written the one
way Vigie writes mentions, `MentionService.ingest`, which stores each `source` + `external_id`
once, even when copies race; the delivery id (`webhook-id`, or the HMAC signature) is recorded
before ingesting so a replayed delivery is refused, and forgotten again if ingesting fails so the
sender's retry goes through.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Final, NoReturn

from botocore.exceptions import ClientError

from api.brands.schemas import Brand
from api.brands.service import BrandService
from api.engine.mention import Mention
from api.hooks.adapters.base import HookAdapter
from api.hooks.adapters.registry import adapter_for
from api.hooks.repository import (
    HookCredential,
    HookRepository,
    HookSourceChangedError,
    HookSourceNotFoundError,
    HookSourceRecord,
)
from api.hooks.schemas import (
    HookAssessmentSummary,
    HookAuth,
    HookDeliveryAck,
    HookMentionResult,
    HookSecretRotation,
    HookSource,
    HookSourceCreate,
    HookSourceList,
    HookSourceName,
    HookSourceWithSecret,
)
from api.hooks.signatures import (
    HMAC_SECRET_PREFIX,
    SIGNATURE_HEADER,
    STANDARD_SECRET_PREFIX,
    TIMESTAMP_HEADER,
    HookAuthenticationFailed,
    ReplayedDelivery,
    derive_signing_secret,
    new_credential_id,
    new_url_token,
    secrets_key_id,
    url_token_hash,
    verify_hmac_sha256,
    verify_standard_webhook,
    verify_url_token,
)
from api.mentions.service import MentionService
from api.pagination import InvalidCursor, decode_cursor, encode_cursor
from api.problems import (
    Conflict,
    InvalidParam,
    MalformedJSON,
    NotFound,
    ProblemError,
    ValidationFailed,
)
from api.settings import Settings
from api.storage.keys import format_instant
from api.workspaces.service import Principal

log = logging.getLogger(__name__)

# A delivery is validated and ingested as one batch; past this many mentions the body is
# refused outright (the 1 MB body limit allows far more tiny objects than that).
MAX_MENTIONS_PER_DELIVERY: Final = 1000
# Deeper JSON would only be vendor noise kept in `raw`, and serialising it is not free.
MAX_JSON_DEPTH: Final = 32
_HOOK_ID: Final = re.compile(r"hk_[a-z2-7]{20}")
_CHUNK_INDEX: Final = re.compile(r"^mentions\.(\d+)")


class SecretsNotConfigured(ProblemError):
    """The operator has not set VIGIE_SECRETS_KEY: signed hook sources cannot work yet."""

    status, slug, title = 503, "secrets-not-configured", "Hook secrets not configured"
    example_detail = "Signed hook sources need the service's VIGIE_SECRETS_KEY, which is not set."

    def __init__(self, detail: str) -> None:
        # A configuration change, not load, ends this: tell senders to come back much later.
        super().__init__(detail, headers={"Retry-After": "3600"})


@dataclass(frozen=True, slots=True)
class InboundDelivery:
    """A request to a receiver, as received: nothing in it is trusted yet."""

    source: str
    brand_id: str
    body: bytes
    hook_id: str | None = None
    token: str | None = None
    webhook_id: str | None = None
    webhook_timestamp: str | None = None
    webhook_signature: str | None = None
    vigie_signature: str | None = None
    vigie_timestamp: str | None = None


class HookService:
    def __init__(
        self,
        repository: HookRepository,
        brands: BrandService,
        mentions: MentionService,
        settings: Settings,
    ) -> None:
        self._repository = repository
        self._brands = brands
        self._mentions = mentions
        self._settings = settings
        self._local_secrets_key: str | None = None

    # --- hook sources -----------------------------------------------------------------------

    def register(
        self, principal: Principal, request: HookSourceCreate, base_url: str
    ) -> HookSourceWithSecret:
        if request.brand_id is not None:
            self._brands.get(principal, request.brand_id)  # 404 for another workspace's brand
        now = datetime.now(UTC)
        hook_id = _new_hook_id()
        credential, secret = self._new_credential(request.auth, hook_id, now)
        record = HookSourceRecord(
            hook_id=hook_id,
            workspace=principal.workspace,
            source=request.source.value,
            brand_id=request.brand_id,
            auth=request.auth.value,
            created_at=format_instant(now),
            current=credential,
        )
        self._repository.create(record)
        log.info(
            "hook source registered: %s (%s, %s) in %s",
            hook_id,
            record.source,
            record.auth,
            principal.workspace,
        )
        return self._with_secret(record, secret, base_url, now)

    def list_sources(
        self, principal: Principal, limit: int, cursor: str | None, base_url: str
    ) -> HookSourceList:
        after = decode_cursor(cursor, "hook") if cursor else None
        if after is not None and not _HOOK_ID.fullmatch(after):
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
        if not _HOOK_ID.fullmatch(hook_id):
            raise _hook_not_found(hook_id)
        try:
            self._repository.delete(principal.workspace, hook_id)
        except HookSourceNotFoundError:
            raise _hook_not_found(hook_id) from None
        log.info("hook source deleted: %s in %s", hook_id, principal.workspace)

    def rotate(
        self, principal: Principal, hook_id: str, request: HookSecretRotation, base_url: str
    ) -> HookSourceWithSecret:
        """A new secret now; the previous one keeps working for `overlap_seconds`."""
        record = self._owned(principal, hook_id)
        now = datetime.now(UTC)
        credential, secret = self._new_credential(HookAuth(record.auth), hook_id, now)
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
        record = self._repository.get(hook_id) if _HOOK_ID.fullmatch(hook_id) else None
        if record is None or record.workspace != principal.workspace:
            raise _hook_not_found(hook_id)
        return record

    def _new_credential(
        self, auth: HookAuth, hook_id: str, now: datetime
    ) -> tuple[HookCredential, str]:
        credential_id = new_credential_id()
        created_at = format_instant(now)
        if auth is HookAuth.url_token:
            token = new_url_token()
            return HookCredential(
                credential_id, created_at, token_hash=url_token_hash(token)
            ), token
        master_key = self._master_key()
        prefix = (
            STANDARD_SECRET_PREFIX if auth is HookAuth.standard_webhooks else HMAC_SECRET_PREFIX
        )
        secret = derive_signing_secret(master_key, hook_id, credential_id, prefix)
        return HookCredential(credential_id, created_at, key_id=secrets_key_id(master_key)), secret

    def _master_key(self) -> str:
        if self._settings.secrets_key is not None:
            return self._settings.secrets_key.get_secret_value()
        if self._settings.dynamodb_endpoint:
            # DynamoDB Local (dev, tests): a random key for this process, so signed sources work
            # out of the box; they stop verifying after a restart (rotate them, or set the key).
            if self._local_secrets_key is None:
                log.warning("VIGIE_SECRETS_KEY is not set: using a per-process key (local only)")
                self._local_secrets_key = secrets.token_urlsafe(32)
            return self._local_secrets_key
        raise SecretsNotConfigured(
            "Signed hook sources need the service's VIGIE_SECRETS_KEY, which is not set: "
            "ask the operator, or register the source with `auth: url_token`."
        )

    # --- public views ----------------------------------------------------------------------

    def _receiver_url(self, record: HookSourceRecord, base_url: str, token: str | None) -> str:
        base = (self._settings.public_base_url or base_url).rstrip("/")
        query = f"hook={record.hook_id}"
        if record.auth == HookAuth.url_token:
            query += f"&token={token or '{token}'}"
        return f"{base}/v1/hooks/{record.source}/{record.brand_id or '{brand_id}'}?{query}"

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
            source=HookSourceName(record.source),
            brand_id=record.brand_id,
            auth=HookAuth(record.auth),
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
        token = secret if record.auth == HookAuth.url_token else None
        public = self._public(record, base_url, now, token=token, rotated_at=rotated_at)
        return HookSourceWithSecret(**public.model_dump(), secret=secret, setup=self._setup(record))

    def _setup(self, record: HookSourceRecord) -> str:
        adapter = adapter_for(record.source)
        tool = adapter.title if adapter else record.source
        tolerance = self._settings.hook_timestamp_tolerance_seconds
        brand_note = (
            "" if record.brand_id else " Replace {brand_id} with the brand each feed is for."
        )
        if record.auth == HookAuth.url_token:
            return (
                f"Paste receiver_url as the webhook URL in {tool}: it carries the token, so keep "
                f"it as secret as a password.{brand_note}"
            )
        if record.auth == HookAuth.standard_webhooks:
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

    # --- receiving ---------------------------------------------------------------------------

    def receive(self, delivery: InboundDelivery) -> HookDeliveryAck:
        adapter = adapter_for(delivery.source)
        if adapter is None:
            raise NotFound(
                f"Unknown source '{delivery.source}'. Known sources: "
                + ", ".join(name.value for name in HookSourceName)
                + "."
            )
        record = self._registered_source(delivery)
        delivery_id, replay_key = self._authenticate(record, delivery)
        if replay_key is not None:
            now = int(datetime.now(UTC).timestamp())
            expires_at = now + self._settings.hook_delivery_ttl_seconds
            if not self._repository.claim_delivery(record.hook_id, replay_key, now, expires_at):
                log.warning("replayed delivery refused on hook %s", record.hook_id)
                raise ReplayedDelivery(
                    "This delivery was already received; it is not processed twice."
                )
        try:
            brand = self._brand_for(record, delivery.brand_id)
            mentions = adapter.parse(parse_json(delivery.body))
            if len(mentions) > MAX_MENTIONS_PER_DELIVERY:
                raise ValidationFailed(
                    f"A delivery holds at most {MAX_MENTIONS_PER_DELIVERY} mentions; "
                    f"got {len(mentions)}."
                )
            ack = self._ingest(record, adapter, brand, mentions, delivery_id)
        except Exception:
            if replay_key is not None:
                self._forget(record.hook_id, replay_key)
            raise
        log.info(
            "hook delivery on %s (%s → %s): %d received, %d stored",
            record.hook_id,
            record.source,
            brand.id,
            ack.received,
            ack.stored,
        )
        return ack

    def _registered_source(self, delivery: InboundDelivery) -> HookSourceRecord:
        if not delivery.hook_id:
            raise HookAuthenticationFailed(
                "Missing `hook` query parameter: use the receiver URL given at registration."
            )
        record = (
            self._repository.get(delivery.hook_id) if _HOOK_ID.fullmatch(delivery.hook_id) else None
        )
        if record is None or record.source != delivery.source:
            raise HookAuthenticationFailed(
                f"No hook source '{delivery.hook_id[:40]}' is registered for '{delivery.source}'."
            )
        return record

    def _authenticate(
        self, record: HookSourceRecord, delivery: InboundDelivery
    ) -> tuple[str | None, str | None]:
        """Verify the delivery; return its id (if it has one) and its replay-protection key."""
        now = datetime.now(UTC).timestamp()
        credentials = [record.current]
        if record.previous and record.previous.expires_at and record.previous.expires_at > now:
            credentials.append(record.previous)
        tolerance = self._settings.hook_timestamp_tolerance_seconds
        try:
            if record.auth == HookAuth.url_token:
                verify_url_token(
                    delivery.token, [c.token_hash for c in credentials if c.token_hash]
                )
                return None, None
            if record.auth == HookAuth.standard_webhooks:
                webhook_id = verify_standard_webhook(
                    delivery.body,
                    webhook_id=delivery.webhook_id,
                    timestamp=delivery.webhook_timestamp,
                    signature=delivery.webhook_signature,
                    secrets_to_try=self._signing_secrets(record, credentials),
                    now=now,
                    tolerance_seconds=tolerance,
                )
                return webhook_id, _replay_key("webhook-id", webhook_id)
            signature = verify_hmac_sha256(
                delivery.body,
                timestamp=delivery.vigie_timestamp,
                signature=delivery.vigie_signature,
                secrets_to_try=self._signing_secrets(record, credentials),
                now=now,
                tolerance_seconds=tolerance,
            )
            return None, _replay_key("signature", signature.hex())
        except ProblemError as refused:
            # Why a delivery was refused helps operators; never log what it carried.
            log.warning("hook delivery refused on %s: %s", record.hook_id, refused.slug)
            raise

    def _signing_secrets(
        self, record: HookSourceRecord, credentials: Sequence[HookCredential]
    ) -> list[str]:
        master_key = self._master_key()
        key_id = secrets_key_id(master_key)
        prefix = _secret_prefix(HookAuth(record.auth))
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

    def _brand_for(self, record: HookSourceRecord, brand_id: str) -> Brand:
        if record.brand_id is not None and record.brand_id != brand_id:
            raise NotFound(f"Brand '{brand_id}' cannot be reached through this hook source.")
        return self._brands.get(Principal(workspace=record.workspace), brand_id)

    def _ingest(
        self,
        record: HookSourceRecord,
        adapter: HookAdapter,
        brand: Brand,
        mentions: Sequence[Mention],
        delivery_id: str | None,
    ) -> HookDeliveryAck:
        results: list[HookMentionResult] = []
        assessment: HookAssessmentSummary | None = None
        if mentions:
            results, assessment = self._ingest_all(record, brand, mentions)
        stored = sum(not result.duplicate for result in results)
        return HookDeliveryAck(
            hook_id=record.hook_id,
            source=HookSourceName(adapter.name),
            brand_id=brand.id,
            delivery_id=delivery_id,
            received=len(results),
            stored=stored,
            duplicates=len(results) - stored,
            results=results,
            assessment=assessment,
        )

    def _ingest_all(
        self, record: HookSourceRecord, brand: Brand, mentions: Sequence[Mention]
    ) -> tuple[list[HookMentionResult], HookAssessmentSummary]:
        # The whole delivery is one batch: validated whole before anything is written, so a
        # refusal anywhere in it stores nothing (the sender fixes it and re-sends it all).
        try:
            response = self._mentions.ingest(
                record.workspace, brand, mentions, max_mentions=MAX_MENTIONS_PER_DELIVERY
            )
        except ValidationFailed as refused:
            _refuse_with_delivery_positions(refused, 0)
        results = [
            HookMentionResult(
                id=result.id,
                external_id=result.external_id,
                duplicate=result.duplicate,
                tier=result.triage.tier,
                risk=result.triage.risk,
            )
            for result in response.results
        ]
        summary = response.assessment
        return results, HookAssessmentSummary(
            score=summary.score, level=summary.level, tier=summary.tier, stage=summary.stage
        )

    def _forget(self, hook_id: str, replay_key: str) -> None:
        try:
            self._repository.release_delivery(hook_id, replay_key)
        except ClientError:
            # The sender's retry will be refused as a replay until the record expires: say so.
            log.exception("could not forget failed delivery on hook %s", hook_id)


# --- helpers ----------------------------------------------------------------------------------


def _secret_prefix(auth: HookAuth) -> str:
    return STANDARD_SECRET_PREFIX if auth is HookAuth.standard_webhooks else HMAC_SECRET_PREFIX


def _new_hook_id() -> str:
    return "hk_" + base64.b32encode(secrets.token_bytes(13)).decode().lower()[:20]


def _hook_not_found(hook_id: str) -> NotFound:
    return NotFound(f"Hook source '{hook_id[:40]}' does not exist in this workspace.")


def _replay_key(kind: str, value: str) -> str:
    # Hashing bounds the key's length and keeps sender-chosen text out of the table's keys.
    return hashlib.sha256(f"{kind}\x00{value}".encode()).hexdigest()


def _refuse_with_delivery_positions(refused: ValidationFailed, offset: int) -> NoReturn:
    """Re-raise an ingest refusal with positions counted over the whole delivery."""

    def shifted(name: str) -> str:
        return _CHUNK_INDEX.sub(lambda m: f"mentions.{int(m.group(1)) + offset}", name)

    params = [
        InvalidParam(name=shifted(p.name), reason=p.reason) for p in refused.invalid_params or []
    ]
    raise ValidationFailed(
        "After conversion to canonical mentions (numbered in delivery order): "
        + (f"{params[0].name}: {params[0].reason}" if params else refused.detail),
        invalid_params=params or None,
    ) from None


def parse_json(body: bytes) -> Any:
    """The delivery's JSON, once it is authenticated; a 400 or 422 problem when it is unusable."""
    try:
        decoded = body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedJSON("The request body is not UTF-8 encoded JSON.") from None
    try:
        payload = json.loads(decoded, parse_constant=_refuse_constant)
    except RecursionError:
        raise MalformedJSON("The request body is nested too deeply.") from None
    except ValueError as error:
        raise MalformedJSON(f"The request body is not valid JSON: {error}") from None
    _check_structure(payload)
    return payload


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")


def _check_structure(payload: Any) -> None:
    """Refuse what would break later: deep nesting and lone UTF-16 surrogates (`"\\ud800"`)."""
    pending: list[tuple[Any, int]] = [(payload, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            _check_text(value)
        elif isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise ValidationFailed(f"The JSON body is nested deeper than {MAX_JSON_DEPTH}.")
            if isinstance(value, dict):
                for key in value:
                    _check_text(key)
                pending.extend((item, depth + 1) for item in value.values())
            else:
                pending.extend((item, depth + 1) for item in value)


def _check_text(value: str) -> None:
    if value.isascii():
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise MalformedJSON(
            "The request body holds an invalid Unicode escape (a lone surrogate)."
        ) from None
