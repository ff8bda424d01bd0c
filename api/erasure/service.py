"""Erasure use cases: a brand and everything of it, one mention, one author's mentions.

A brand is unreadable from the first write (its item's `erasure_id`), then deleted in pages by
a job that records after each page where it stopped. The request that asks runs the job for a
bounded number of items (`erasure_sync_items`): a small brand is gone when it answers; a large
one is finished by the scheduled worker (api/worker.py `reassess`, every 5 minutes; in-process
under `vigie dev`), which resumes each unfinished job where it stopped.

An erased mention takes its aggregate counters back out of the buckets it was counted in: the
counters are recomputed from the stored mention and triage by the engine (`mention_counters`),
the same function that added them.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from api.assessments.service import AssessmentService
from api.brands.service import BrandService
from api.engine import mention_counters
from api.erasure.repository import (
    BrandNotErasableError,
    ErasureRepository,
    MentionGoneError,
    StoredMentionRecord,
    idempotency_pk,
)
from api.erasure.schemas import Erasure, ErasureCounts, ErasureScope, ErasureStatus
from api.hooks.sources import HookSourceService
from api.problems import NotFound
from api.settings import Settings
from api.storage import keys
from api.storage.buckets import add_counters, bucket_sort_keys
from api.subscriptions.service import SubscriptionService
from api.workspaces.service import Principal

log = logging.getLogger(__name__)

# A finished job's status stays readable this long, then expires (TTL).
DONE_RETENTION_DAYS = 30
# A runner holds a job this long at most before another may take it over (a crashed Lambda).
LEASE_SECONDS = 300.0
_ERASURE_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"

BRAND_PHASES = (
    "mentions",
    "aggregates",
    "idempotency",
    "hooks",
    "events",
    "subscriptions",
    "finish",
)
AUTHOR_PHASES = ("mentions", "finish")


def new_erasure_id() -> str:
    return "er_" + "".join(secrets.choice(_ERASURE_ID_ALPHABET) for _ in range(20))


def normalize_handle(handle: str) -> str:
    """`@Jane`, `jane` and ` @jane ` are one author."""
    return handle.strip().removeprefix("@").casefold()


class Budget:
    """How much one run may do: items and wall-clock time, whichever runs out first."""

    def __init__(self, items: int, seconds: float, clock: Callable[[], float] = time.monotonic):
        self._items = items
        self._deadline = clock() + seconds
        self._clock = clock

    def spend(self, items: int) -> None:
        self._items -= items

    @property
    def exhausted(self) -> bool:
        return self._items <= 0 or self._clock() >= self._deadline


class ErasureService:
    def __init__(
        self,
        repository: ErasureRepository,
        brands: BrandService,
        hook_sources: HookSourceService,
        subscriptions: SubscriptionService,
        assessments: AssessmentService,
        settings: Settings,
    ) -> None:
        self._repository = repository
        self._brands = brands
        self._hook_sources = hook_sources
        self._subscriptions = subscriptions
        self._assessments = assessments
        self._settings = settings

    # --- requests -------------------------------------------------------------------------

    def erase_brand(self, principal: Principal, brand_id: str) -> Erasure:
        """Start (and run for a while) the brand's erasure; a repeated DELETE while it runs
        answers the same erasure, so a client that lost the first answer finds it again."""
        job = self._new_job(ErasureScope.brand, brand_id=brand_id)
        try:
            self._brands.get(principal, brand_id)  # 404: unknown or another workspace's
            self._repository.start_brand_erasure(principal.workspace, brand_id, job)
        except (NotFound, BrandNotErasableError):
            running = self._brands.erasure_of(principal, brand_id)
            if running is None:
                raise NotFound(f"Brand '{brand_id}' does not exist in this workspace.") from None
            return self.get(principal, running)
        self._brands.forget(principal.workspace, brand_id)
        self._assessments.forget(principal.workspace, brand_id)
        return self._run_now(principal.workspace, job)

    def erase_author(self, principal: Principal, author_handle: str) -> Erasure:
        job = self._new_job(ErasureScope.author, author_handle=author_handle)
        self._repository.start_job(principal.workspace, job)
        return self._run_now(principal.workspace, job)

    def get(self, principal: Principal, erasure_id: str) -> Erasure:
        job = self._repository.get_job(principal.workspace, erasure_id)
        if job is None or len(erasure_id) > 64:
            raise NotFound(f"Erasure '{erasure_id}' does not exist in this workspace.")
        return _erasure_from(job)

    def erase_mention(self, principal: Principal, brand_id: str, mention_id: str) -> None:
        self._brands.get(principal, brand_id)
        record = (
            self._repository.get_mention(principal.workspace, brand_id, mention_id)
            if len(mention_id) <= 64
            else None
        )
        if record is None or not self._erase_mention(principal.workspace, record):
            raise NotFound(f"Mention '{mention_id}' does not exist for brand '{brand_id}'.")

    # --- the background worker ------------------------------------------------------------

    def run_pending(self, *, max_items: int = 100_000, seconds: float = 60.0) -> int:
        """Resume unfinished erasures (the scheduled worker); the number finished."""
        budget = Budget(max_items, seconds)
        finished = 0
        for workspace, erasure_id in self._repository.pending_jobs():
            if budget.exhausted:
                break
            job = self._repository.get_job(workspace, erasure_id)
            if job is None:
                continue
            if self._run(workspace, job, budget)["status"] == ErasureStatus.done:
                finished += 1
        return finished

    # --- the job --------------------------------------------------------------------------

    def _new_job(
        self, scope: ErasureScope, *, brand_id: str | None = None, author_handle: str | None = None
    ) -> dict[str, Any]:
        now = keys.format_instant(datetime.now(UTC))
        return {
            "erasure_id": new_erasure_id(),
            "scope": scope.value,
            "brand_id": brand_id,
            "author_handle": author_handle,
            "status": ErasureStatus.pending.value,
            "counts": ErasureCounts().model_dump(),
            "phase": 0,
            "cursor": None,
            "created_at": now,
            "updated_at": now,
        }

    def _run_now(self, workspace: str, job: dict[str, Any]) -> Erasure:
        """As much of the job as the request may do (`erasure_sync_items`, a few seconds)."""
        budget = Budget(self._settings.erasure_sync_items, self._settings.erasure_sync_seconds)
        if budget.exhausted:
            return _erasure_from(job)
        return _erasure_from(self._run(workspace, job, budget))

    def _run(self, workspace: str, job: dict[str, Any], budget: Budget) -> dict[str, Any]:
        now = time.time()
        if not self._repository.claim_job(workspace, job["erasure_id"], now, now + LEASE_SECONDS):
            return job  # another runner holds it (or it is done)
        job["status"] = ErasureStatus.running.value
        phases = BRAND_PHASES if job["scope"] == ErasureScope.brand.value else AUTHOR_PHASES
        step = self._brand_step if phases is BRAND_PHASES else self._author_step
        finished = False
        while not budget.exhausted and not finished:
            outcome = step(workspace, job, phases[job["phase"]], budget)
            if outcome is None:
                break  # nothing to do before a later run
            if outcome:
                job["phase"] += 1
                job["cursor"] = None
                finished = job["phase"] >= len(phases)
            # Each progress write renews the lease this runner holds.
            job["lease_until"] = time.time() + LEASE_SECONDS
            self._save(workspace, job, finished=finished)
        job["lease_until"] = 0
        if not finished:
            self._save(workspace, job, finished=False)
        return job

    def _save(self, workspace: str, job: dict[str, Any], *, finished: bool) -> None:
        moment = datetime.now(UTC)
        job["updated_at"] = keys.format_instant(moment)
        if finished:
            job["status"] = ErasureStatus.done.value
            job["completed_at"] = job["updated_at"]
            job["lease_until"] = 0
            job["author_handle"] = None  # the status keeps no trace of the person
            job["expires_at"] = int((moment + timedelta(days=DONE_RETENTION_DAYS)).timestamp())
        self._repository.save_job(workspace, job, finished=finished)
        if finished:
            # Ids and counts only: an author erasure's handle is not logged.
            log.info(
                "erasure %s (%s %s) done in %s: %s",
                job["erasure_id"],
                job["scope"],
                job.get("brand_id") or "",
                workspace,
                job["counts"],
            )

    def _brand_step(
        self, workspace: str, job: dict[str, Any], phase: str, budget: Budget
    ) -> bool | None:
        """One page of the phase; True when the phase has nothing left, None to stop the run
        (the job waits for requests in flight to end)."""
        brand_id: str = job["brand_id"]
        counts: dict[str, int] = job["counts"]
        shard_counts = self._repository.shard_counts
        if phase == "mentions":
            # Their index entries (time order, hot mentions, answer queue) go with them; a
            # sharded brand's shards one after the other, empty ones in one step.
            shards = shard_counts.mention_shards(workspace, brand_id)
            return self._partitions_step(
                job, budget, "mentions", shards, lambda s: keys.mentions_pk(workspace, brand_id, s)
            )
        if phase == "aggregates":
            # Empty shards cost one Query each: go through them in one step.
            shards = shard_counts.counter_shards(
                workspace, brand_id, self._settings.aggregate_shards
            )
            return self._partitions_step(
                job,
                budget,
                "aggregate_items",
                shards,
                lambda s: keys.aggregate_pk(workspace, brand_id, s),
            )
        if phase == "idempotency":
            return self._idempotency_step(workspace, job, budget)
        if phase == "hooks":
            counts["hook_sources"] += self._hook_sources.erase_brand(workspace, brand_id)
            budget.spend(1)
            return True
        if phase == "events":
            return self._events_step(workspace, job, budget)
        if phase == "subscriptions":
            changed, other = self._subscriptions.forget_brand(workspace, brand_id)
            counts["subscriptions_changed"] += changed
            counts["other_items"] += other
            budget.spend(1)
            return True
        # finish. A request that read the brand just before it was marked may still be writing
        # (mentions, counters, events): once no request can be (the API's timeout), every
        # phase runs once more, then the brand item goes, so a re-created brand starts empty.
        if not job.get("swept"):
            marked = datetime.fromisoformat(job["created_at"]).timestamp()
            # Other containers' ingest may trust a brand read before the mark that much longer
            # (Settings.brand_cache_seconds); 0 (tests, `vigie dev`) waits for nothing.
            settle = self._settings.erasure_settle_seconds
            if settle:
                settle += self._settings.brand_cache_seconds
            if time.time() - marked < settle:
                return None
            job["swept"] = True
            job["phase"] = 0
            return False
        self._repository.delete_tombstoned_brand(workspace, brand_id, job["erasure_id"])
        self._assessments.forget(workspace, brand_id)
        return True

    def _partitions_step(
        self,
        job: dict[str, Any],
        budget: Budget,
        counted: str,
        shards: int,
        partition_key: Callable[[int], str],
    ) -> bool:
        """A page of the first shard's partition not empty yet; True once all are. The cursor
        holds the shard reached; empty ones cost one Query each and go in the same step."""
        counts = job["counts"]
        shard = int((job.get("cursor") or {}).get("shard", 0))
        while shard < shards:
            deleted = self._repository.delete_partition_page(partition_key(shard))
            counts[counted] += deleted
            budget.spend(max(deleted, 1))
            if deleted:
                break
            shard += 1
        job["cursor"] = {"shard": shard}
        return shard >= shards

    def _events_step(self, workspace: str, job: dict[str, Any], budget: Budget) -> bool:
        """One page of one subscription's attempt log or outbox: the brand's events go (their
        bodies name the brand and cite its mentions), before the subscriptions change."""
        cursor = job.get("cursor")
        if cursor is None:
            order = self._subscriptions.subscription_ids(workspace)
            job["cursor"] = {"order": order, "left": order, "kind": "attempts", "start": None}
            budget.spend(1)
            return not order
        left: list[str] = cursor["left"]
        if not left:
            return True
        deleted, start = self._subscriptions.erase_brand_events_page(
            workspace, job["brand_id"], left[0], cursor["kind"], cursor["start"], cursor["order"]
        )
        job["counts"]["other_items"] += deleted
        budget.spend(max(deleted, 1))
        cursor["start"] = start
        if start is None:
            if cursor["kind"] == "attempts":
                cursor["kind"] = "deliveries"
            else:
                cursor["kind"] = "attempts"
                left.pop(0)
        return not left

    def _idempotency_step(self, workspace: str, job: dict[str, Any], budget: Budget) -> bool:
        """The brand's Idempotency-Key records: its ingests (keyed by brand), then its creation
        (a replayed create would answer 201 and create nothing)."""
        brand_id: str = job["brand_id"]
        cursor = job.get("cursor") or {}
        pk = idempotency_pk(workspace)
        if not cursor.get("ingests_done"):
            deleted = self._repository.delete_partition_page(pk, f"ingest_mentions#{brand_id}#")
            job["counts"]["other_items"] += deleted
            budget.spend(max(deleted, 1))
            if deleted == 0:
                job["cursor"] = {"ingests_done": True, "start": None}
            return False
        # Powertools stores the response as `json.dumps(sort_keys=True)`.
        needle = f'"id": {json.dumps(brand_id)}'
        deleted, start = self._repository.delete_matching_page(
            pk, "create_brand#", [needle], cursor.get("start")
        )
        job["counts"]["other_items"] += deleted
        budget.spend(max(deleted, 1))
        job["cursor"] = {"ingests_done": True, "start": start}
        return start is None

    def _author_step(self, workspace: str, job: dict[str, Any], phase: str, budget: Budget) -> bool:
        if phase == "finish":
            return True
        cursor = job.get("cursor")
        if cursor is None:
            # The workspace's brands, listed once: a workspace holds a few hundred at most.
            cursor = job["cursor"] = {"brands": self._brand_ids(workspace), "start": None}
            budget.spend(1)
            return not cursor["brands"]
        brands: list[str] = cursor["brands"]
        if not brands:
            return True
        handle = normalize_handle(str(job["author_handle"]))
        page = self._repository.mentions_page(workspace, brands[0], cursor["start"])
        budget.spend(max(len(page.records), 1))
        for record in page.records:
            author = record.mention.author
            if author is not None and author.handle and normalize_handle(author.handle) == handle:
                if self._erase_mention(workspace, record):
                    job["counts"]["mentions"] += 1
        if page.next_start is None:
            brands.pop(0)
        cursor["start"] = page.next_start
        return not brands

    def _brand_ids(self, workspace: str) -> list[str]:
        principal = Principal(workspace)
        found: list[str] = []
        cursor: str | None = None
        while True:
            page = self._brands.list(principal, 100, cursor)
            found.extend(brand.id for brand in page.items)
            if page.next_cursor is None:
                return found
            cursor = page.next_cursor

    def _erase_mention(self, workspace: str, record: StoredMentionRecord) -> bool:
        """Delete it and subtract its counters; False when it was already gone."""
        counters = dict(mention_counters(record.mention, record.triage))
        decrements: dict[str, dict[str, float]] = {}
        for sort_key in bucket_sort_keys(
            record.mention.published_utc, self._settings.engine.bucket_seconds
        ):
            add_counters(decrements.setdefault(sort_key, {}), counters)
        try:
            self._repository.erase_mention(workspace, record, decrements)
        except MentionGoneError:
            return False
        self._assessments.forget(workspace, record.brand_id)
        return True


def _erasure_from(job: dict[str, Any]) -> Erasure:
    return Erasure(
        id=job["erasure_id"],
        scope=ErasureScope(job["scope"]),
        brand_id=job.get("brand_id"),
        author_handle=job.get("author_handle"),
        status=ErasureStatus(job["status"]),
        counts=ErasureCounts.model_validate(job.get("counts") or {}),
        created_at=job["created_at"],
        updated_at=job["updated_at"],
        completed_at=job.get("completed_at"),
    )
