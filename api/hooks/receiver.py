"""Delivery reception, for listening tools: verify the raw bytes, adapt the payload, ingest.

A delivery is authenticated on its raw bytes before anything reads it as JSON; the registered
source, not an API key, tells which workspace it writes into. Mentions are then written the one
way Vigie writes mentions, `MentionService.ingest`, which stores each `source` + `external_id`
once, even when copies race; the delivery id (`webhook-id`, or the HMAC signature) is recorded
before ingesting so a replayed delivery is refused, and forgotten again if ingesting fails so the
sender's retry goes through.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, NoReturn

from botocore.exceptions import ClientError

from api.brands.schemas import Brand
from api.brands.service import BrandService
from api.engine.mention import Mention
from api.hooks.adapters.adapter import HookAdapter
from api.hooks.adapters.registry import adapter_for
from api.hooks.credentials import HookKeyring, is_hook_id
from api.hooks.repository import HookRepository, HookSourceRecord
from api.hooks.schemas import (
    HookAssessmentSummary,
    HookAuth,
    HookDeliveryAck,
    HookMentionResult,
    HookSourceName,
)
from api.hooks.signatures import (
    HookAuthenticationFailed,
    ReplayedDelivery,
    verify_hmac_sha256,
    verify_standard_webhook,
    verify_url_token,
)
from api.json_hygiene import parse_json
from api.mentions.service import MentionService
from api.problems import Conflict, InvalidParam, NotFound, ProblemError, ValidationFailed
from api.settings import Settings
from api.workspaces.service import Principal

log = logging.getLogger(__name__)

# A delivery is validated and ingested as one batch; past this many mentions the body is
# refused outright (the 1 MB body limit allows far more tiny objects than that).
MAX_MENTIONS_PER_DELIVERY: Final = 1000
_CHUNK_INDEX: Final = re.compile(r"^mentions\.(\d+)")


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


class HookReceiver:
    def __init__(
        self,
        repository: HookRepository,
        brands: BrandService,
        mentions: MentionService,
        keyring: HookKeyring,
        settings: Settings,
    ) -> None:
        self._repository = repository
        self._brands = brands
        self._mentions = mentions
        self._keyring = keyring
        self._settings = settings

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
            if not self._repository.claim_delivery(
                record.hook_id, replay_key, now, expires_at, delivery.brand_id
            ):
                return self._already_claimed(record, adapter, delivery, delivery_id, replay_key)
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
        if replay_key is not None:
            self._repository.complete_delivery(record.hook_id, replay_key)
        log.info(
            "hook delivery on %s (%s → %s): %d received, %d stored",
            record.hook_id,
            record.source.value,
            brand.id,
            ack.received,
            ack.stored,
        )
        return ack

    def _already_claimed(
        self,
        record: HookSourceRecord,
        adapter: HookAdapter,
        delivery: InboundDelivery,
        delivery_id: str | None,
        replay_key: str,
    ) -> HookDeliveryAck:
        """A genuine (signed, fresh) delivery whose id was already received.

        Standard Webhooks senders re-send the same id after a timeout: once the first one is
        stored, the re-send is a 2xx `duplicate_delivery` that stores nothing (a 401 would make
        the sender disable the endpoint). While the first is still being stored it is a 409 with
        Retry-After; aimed at another brand than the first, a captured copy, it stays a 401.
        """
        claimed = self._repository.claimed_delivery(record.hook_id, replay_key)
        if claimed is not None and claimed[0] in {"", delivery.brand_id}:
            if claimed[1]:
                raise Conflict(
                    "This delivery is still being stored; retry shortly.",
                    headers={"Retry-After": "5"},
                )
            log.info("duplicate delivery on hook %s acknowledged", record.hook_id)
            return HookDeliveryAck(
                hook_id=record.hook_id,
                source=HookSourceName(adapter.name),
                brand_id=delivery.brand_id,
                delivery_id=delivery_id,
                received=0,
                stored=0,
                duplicates=0,
                results=[],
                assessment=None,
                duplicate_delivery=True,
            )
        log.warning("replayed delivery refused on hook %s", record.hook_id)
        raise ReplayedDelivery("This delivery was already received for another brand.")

    def _registered_source(self, delivery: InboundDelivery) -> HookSourceRecord:
        if not delivery.hook_id:
            raise HookAuthenticationFailed(
                "Missing `hook` query parameter: use the receiver URL given at registration."
            )
        record = self._repository.get(delivery.hook_id) if is_hook_id(delivery.hook_id) else None
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
            if record.auth is HookAuth.url_token:
                verify_url_token(
                    delivery.token, [c.token_hash for c in credentials if c.token_hash]
                )
                return None, None
            if record.auth is HookAuth.standard_webhooks:
                webhook_id = verify_standard_webhook(
                    delivery.body,
                    webhook_id=delivery.webhook_id,
                    timestamp=delivery.webhook_timestamp,
                    signature=delivery.webhook_signature,
                    secrets_to_try=self._keyring.signing_secrets(record, credentials),
                    now=now,
                    tolerance_seconds=tolerance,
                )
                return webhook_id, _replay_key("webhook-id", webhook_id)
            signature = verify_hmac_sha256(
                delivery.body,
                timestamp=delivery.vigie_timestamp,
                signature=delivery.vigie_signature,
                secrets_to_try=self._keyring.signing_secrets(record, credentials),
                now=now,
                tolerance_seconds=tolerance,
            )
            return None, _replay_key("signature", signature.hex())
        except ProblemError as refused:
            # Why a delivery was refused helps operators; never log what it carried.
            log.warning("hook delivery refused on %s: %s", record.hook_id, refused.slug)
            raise

    def _brand_for(self, record: HookSourceRecord, brand_id: str) -> Brand:
        if record.brand_id is not None and record.brand_id != brand_id:
            raise NotFound(f"Brand '{brand_id}' cannot be reached through this hook source.")
        # The same per-container brand cache as API ingest (Settings.brand_cache_seconds).
        return self._brands.get_for_ingest(Principal(workspace=record.workspace), brand_id)

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
