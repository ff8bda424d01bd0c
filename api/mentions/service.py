"""Ingest and read mentions: validate the whole batch, triage, store once, assess the brand."""

from __future__ import annotations

import base64
import hashlib
import re
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from api import observability
from api.assessments.live import WrittenMention
from api.assessments.service import AssessmentService
from api.brands.schemas import Brand
from api.engine import BrandRiskAssessment, EngineConfig, mention_counters
from api.engine.mention import Mention
from api.mentions.repository import (
    MentionRepository,
    NewMention,
    PartialWriteError,
    QuotaAction,
    QuotaRefusedError,
)
from api.mentions.schemas import (
    IngestResponse,
    MentionFilters,
    MentionPage,
    MentionResult,
    StoredMention,
)
from api.pagination import InvalidCursor, decode_cursor, encode_cursor
from api.problems import InvalidParam, ItemOutcome, NotFound, ServiceBusy, ValidationFailed
from api.quotas.service import SPREAD_ROUNDS, QuotaService, Reservation
from api.settings import Settings
from api.storage.retry import StoreBusyError
from api.subscriptions.announcer import Announcer, TriagedMention

# DynamoDB items are capped at 400 KB; keep a margin for keys, triage and attribute names.
MAX_STORED_MENTION_BYTES = 300_000
_LIST_POSITION = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z#m_[a-z2-7]{24}$")


def stored_size(document: str) -> int:
    """Bytes as DynamoDB counts them: UTF-8 (a lone surrogate, refused earlier, as 3 bytes)."""
    return len(document.encode("utf-8", "surrogatepass"))


def _outcomes(
    order: Sequence[str], mentions: Sequence[Mention], present: set[str], unknown: set[str]
) -> list[ItemOutcome]:
    return [
        ItemOutcome(
            index=index,
            external_id=mention.external_id,
            id=mention_id,
            outcome="stored"
            if mention_id in present
            else "unknown"
            if mention_id in unknown
            else "not_stored",
        )
        for index, (mention_id, mention) in enumerate(zip(order, mentions, strict=True))
    ]


def mention_id_for(source: str, external_id: str) -> str:
    """Vigie's id of a mention: the same `source` + `external_id` always gives the same id."""
    digest = hashlib.sha256(f"{source}\x00{external_id}".encode()).digest()
    return "m_" + base64.b32encode(digest[:15]).decode().lower()


class MentionService:
    def __init__(
        self,
        repository: MentionRepository,
        assessments: AssessmentService,
        settings: Settings,
        announcer: Announcer | None = None,
        quotas: QuotaService | None = None,
    ) -> None:
        self._quotas = quotas
        self._repository = repository
        self._assessments = assessments
        self._settings = settings
        self._announcer = announcer

    @property
    def _engine(self) -> EngineConfig:
        return self._settings.engine

    def ingest(
        self,
        workspace: str,
        brand: Brand,
        mentions: Sequence[Mention],
        now: datetime | None = None,
        *,
        max_mentions: int | None = None,
    ) -> IngestResponse:
        """Validate the whole batch, then store it; a refused batch stores nothing.

        `max_mentions` (default `Settings.max_mentions_per_batch`) lets a webhook delivery be
        validated and stored as one batch, so that a refusal anywhere in it stores nothing.
        """
        received_at = now or datetime.now(UTC)
        # Serialised once: its size is checked here, and the same text is what gets stored.
        documents = [mention.model_dump_json(exclude_none=True) for mention in mentions]
        self._reject_invalid_batch(
            mentions,
            documents,
            received_at,
            max_mentions or self._settings.max_mentions_per_batch,
        )
        prepared, order = self._triaged(workspace, brand, mentions, documents, received_at)
        new = list(prepared.values())
        if self._quotas is not None and self._repository.fits_one_transaction(new):
            # One transaction stores the mentions and reserves their quota (api/quotas).
            claim = self._quotas.claim(workspace, received_at)
            for _ in range(SPREAD_ROUNDS):
                try:
                    return self._store(
                        workspace, brand, mentions, prepared, order, received_at, None, claim
                    )
                except QuotaRefusedError as refused:
                    # Its quota shard is full: another may have room (429 when none has).
                    shard = self._quotas.retry_shard(claim, refused.count, received_at)
                if shard is None:
                    break  # more than any one shard's room: reserved across shards below
                claim = claim.pinned_to(shard)
        # A larger batch (or one bigger than any one quota shard's room): its quota is reserved
        # before anything is written (across shards if need be; a batch of several
        # transactions is not stored whole or not at all), and what was not needed is given
        # back.
        reservation = self._reserve(workspace, brand, prepared, received_at)
        return self._store(
            workspace, brand, mentions, prepared, order, received_at, reservation, None
        )

    def _reserve(
        self,
        workspace: str,
        brand: Brand,
        prepared: dict[str, NewMention],
        received_at: datetime,
    ) -> Reservation | None:
        if self._quotas is None:
            return None
        first = next(iter(prepared), "")
        reservation = self._quotas.try_reserve(workspace, len(prepared), received_at, first)
        if reservation is not None:
            return reservation
        # No room for all of them: the mentions already stored (a re-sent batch) need none.
        try:
            stored = self._repository.get_many(workspace, brand.id, list(prepared))
        except StoreBusyError:
            raise ServiceBusy(
                "The store failed checking the batch against the quota; nothing was stored. "
                "Re-send the batch.",
                retry_after_seconds=2,
            ) from None
        missing = len(prepared.keys() - stored.keys())
        if missing == 0:
            return None
        reservation = self._quotas.try_reserve(workspace, missing, received_at, first)
        if reservation is None:
            raise self._quotas.refusal(workspace, missing, received_at)
        return reservation

    def _give_back(self, reservation: Reservation | None, count: int) -> None:
        if reservation is not None and self._quotas is not None and count > 0:
            self._quotas.release(reservation, count)

    def _store(
        self,
        workspace: str,
        brand: Brand,
        mentions: Sequence[Mention],
        prepared: dict[str, NewMention],
        order: list[str],
        received_at: datetime,
        reservation: Reservation | None,
        quota: QuotaAction | None,
    ) -> IngestResponse:
        live = self._assessments.live
        began = live.write_began()
        try:
            written = self._repository.store_new(
                workspace, brand.id, list(prepared.values()), quota=quota
            )
        except PartialWriteError as failed:
            # Part of the batch may be counted: this container's cached inputs cannot tell.
            live.forget(workspace, brand.id)
            # Keep the quota of what is (or may be) stored, give back the rest.
            kept = len(prepared.keys() & (failed.present | failed.unknown))
            self._give_back(reservation, (reservation.count if reservation else 0) - kept)
            raise ServiceBusy(
                "The store failed partway through the batch: `items` says which mentions are "
                "stored. Re-send the batch (or those not stored): stored mentions come back as "
                "duplicates, never counted twice.",
                retry_after_seconds=2,
                items=_outcomes(order, mentions, failed.present, failed.unknown),
            ) from None
        except BaseException:
            live.forget(workspace, brand.id)
            raise
        live.wrote(
            workspace,
            brand.id,
            [
                WrittenMention(
                    mention_id=new.mention_id,
                    published_at=new.mention.published_utc,
                    counters=new.counters,
                    risk=new.triage.risk,
                    hot=new.hot,
                )
                for mention_id, new in prepared.items()
                if mention_id in written
            ],
            began,
        )
        # Duplicates (stored before, or copies inside the batch) do not count against the quota.
        self._give_back(reservation, (reservation.count if reservation else 0) - len(written))
        try:
            already_stored = [i for i in prepared if i not in written]
            stored = (
                self._repository.get_many(workspace, brand.id, already_stored)
                if already_stored
                else {}
            )
            assessment = live.assess(workspace, brand.id, received_at)
        except StoreBusyError:
            raise ServiceBusy(
                "The mentions are stored (`items`) but the store failed reading them back or "
                "assessing the brand. Re-send the same batch: they come back as duplicates.",
                retry_after_seconds=2,
                items=_outcomes(order, mentions, set(order), set()),
            ) from None

        observability.count("MentionsStored", len(written))
        observability.count("DuplicateMentions", len(order) - len(written))
        results: list[MentionResult] = []
        reported: set[str] = set()
        for mention_id in order:
            # Only the first copy of a mention written by this call is new; the others, and
            # those stored before, report the triage stored with the first copy.
            is_new = mention_id in written and mention_id not in reported
            reported.add(mention_id)
            first = prepared[mention_id]
            triage = stored[mention_id].triage if mention_id in stored else first.triage
            results.append(
                MentionResult(
                    id=mention_id,
                    external_id=first.mention.external_id,
                    duplicate=not is_new,
                    triage=triage,
                )
            )
        self._announce(workspace, brand, assessment, prepared)
        return IngestResponse(results=results, assessment=assessment)

    def _triaged(
        self,
        workspace: str,
        brand: Brand,
        mentions: Sequence[Mention],
        documents: Sequence[str],
        received_at: datetime,
    ) -> tuple[dict[str, NewMention], list[str]]:
        """Each distinct mention of the batch, triaged, and the batch's ids in request order."""
        retention = brand.settings.retention_days or self._settings.retention_days
        expires_at = int((received_at + timedelta(days=retention)).timestamp())
        # A mention on the topic of a running crisis escalates: triage knows the brand's state.
        context = self._assessments.context(workspace, brand.id, received_at)
        # Who the brand is (handles, names) tells which mentions are written to it.
        brand_context = brand.settings.brand_context(brand.name)
        prepared: dict[str, NewMention] = {}
        order: list[str] = []
        started = time.perf_counter()
        for mention, document in zip(mentions, documents, strict=True):
            mention_id = mention_id_for(mention.source, mention.external_id)
            order.append(mention_id)
            if mention_id in prepared:
                continue  # a copy inside the same batch: the first one stands for both
            triage = self._assessments.triage(mention, context, brand_context, now=received_at)
            prepared[mention_id] = NewMention(
                mention_id=mention_id,
                mention=mention,
                document=document,
                triage=triage,
                counters=dict(mention_counters(mention, triage)),
                received_at=received_at,
                expires_at=expires_at,
                hot=triage.risk >= self._engine.hot_mention_risk,
            )
        observability.milliseconds("TriageLatency", (time.perf_counter() - started) * 1000)
        return prepared, order

    def _announce(
        self,
        workspace: str,
        brand: Brand,
        assessment: BrandRiskAssessment,
        prepared: dict[str, NewMention],
    ) -> None:
        """Outbound events (api/subscriptions): a tier/stage change or an escalated mention.

        Every mention of the batch is a candidate, duplicates included: event ids are derived
        from the mention, so a batch retried after a crash announces what the first try missed,
        and concurrent copies announce it once.
        """
        if self._announcer is None:
            return
        candidates = [
            TriagedMention(mention_id, new.mention, new.triage)
            for mention_id, new in prepared.items()
        ]
        try:
            self._announcer.announce(workspace, brand, assessment, candidates)
        except StoreBusyError:
            raise ServiceBusy(
                "The mentions are stored but the store is throttling the brand's events. "
                "Retry the same batch: stored mentions come back as duplicates.",
                retry_after_seconds=2,
            ) from None

    def _reject_invalid_batch(
        self,
        mentions: Sequence[Mention],
        documents: Sequence[str],
        received_at: datetime,
        max_mentions: int,
    ) -> None:
        """Refuse the whole batch before writing anything (a rejected batch stores nothing)."""
        if len(mentions) > max_mentions:
            raise ValidationFailed(
                f"A batch holds at most {max_mentions} mentions; got {len(mentions)}.",
                invalid_params=[InvalidParam(name="mentions", reason="too many mentions")],
            )
        horizon = received_at + timedelta(seconds=self._settings.future_tolerance_seconds)
        problems: list[InvalidParam] = []
        for index, (mention, document) in enumerate(zip(mentions, documents, strict=True)):
            if mention.published_at > horizon:
                problems.append(
                    InvalidParam(
                        name=f"mentions.{index}.published_at",
                        reason=(
                            f"{mention.published_at.isoformat()} is more than "
                            f"{self._settings.future_tolerance_seconds} s in the future"
                        ),
                    )
                )
            # DynamoDB counts an item's size in UTF-8 bytes, not characters ("é" is 2 bytes).
            size = stored_size(document)
            if size > MAX_STORED_MENTION_BYTES:
                problems.append(
                    InvalidParam(
                        name=f"mentions.{index}",
                        reason=f"{size} bytes once serialised (UTF-8); "
                        f"at most {MAX_STORED_MENTION_BYTES}",
                    )
                )
        if problems:
            raise ValidationFailed.for_params(problems)

    def get(self, workspace: str, brand_id: str, mention_id: str) -> StoredMention:
        stored = (
            self._repository.get(workspace, brand_id, mention_id) if len(mention_id) <= 64 else None
        )
        if stored is None:
            raise NotFound(f"Mention '{mention_id}' does not exist for brand '{brand_id}'.")
        return stored

    def list(
        self,
        workspace: str,
        brand_id: str,
        filters: MentionFilters,
        limit: int,
        cursor: str | None,
    ) -> MentionPage:
        problems = filters.problems()
        if problems:
            raise ValidationFailed(
                f"{problems[0].name}: {problems[0].reason}", invalid_params=problems
            )
        after = decode_cursor(cursor, "mention") if cursor else None
        if after is not None and not _LIST_POSITION.fullmatch(after):
            raise InvalidCursor("The cursor is malformed or belongs to another listing.")
        items, last = self._repository.list(workspace, brand_id, filters, limit, after)
        return MentionPage(
            items=items, next_cursor=encode_cursor("mention", last) if last else None
        )
