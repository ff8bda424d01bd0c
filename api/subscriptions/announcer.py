"""The ingest side of announcing: does the brand have subscribers? Only then the full service.

Every ingest announces (api/mentions/service.py), but most brands have no subscription: the
question is answered from the workspace's subscription records (plain dicts read by the
repository, cached per container), and the subscription service, with its pydantic schemas and
event builders, is imported and built only when a brand has subscribers — a Lambda container
ingesting for brands nobody subscribed to never loads it (tests/test_import_footprint.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from api.brands.schemas import Brand
from api.engine.mention import Mention
from api.engine.schemas import BrandRiskAssessment, MentionTriage
from api.subscriptions.repository import SubscriptionRepository
from api.ttl_cache import TtlCache

if TYPE_CHECKING:
    from api.subscriptions.service import SubscriptionService


@dataclass(frozen=True, slots=True)
class TriagedMention:
    """A mention of the batch just ingested and its triage: may send `mention.escalated`."""

    mention_id: str
    mention: Mention
    triage: MentionTriage


class Subscribers:
    """A workspace's subscription records, trusted for `seconds` (a change made through this
    container is seen at once, `forget`; one made in another container, within that bound: a
    subscription created there starts receiving this container's events at most that late, and
    a delivery queued for one deleted or disabled there is skipped by the dispatcher)."""

    def __init__(
        self,
        repository: SubscriptionRepository,
        seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._repository = repository
        self._records: TtlCache[str, list[dict[str, Any]]] = TtlCache(seconds, clock=clock)

    @property
    def repository(self) -> SubscriptionRepository:
        return self._repository

    def of_workspace(self, workspace: str) -> list[dict[str, Any]]:
        records = self._records.get(workspace)
        if records is None:
            records = self._repository.all_subscriptions(workspace)
            self._records.put(workspace, records)
        return records

    def of_brand(self, workspace: str, brand_id: str) -> list[dict[str, Any]]:
        """The workspace's subscriptions that may announce something of the brand."""
        return [
            record
            for record in self.of_workspace(workspace)
            if record.get("brand_ids") is None or brand_id in record["brand_ids"]
        ]

    def forget(self, workspace: str) -> None:
        self._records.discard(workspace)


class Announcer:
    """What ingest calls: `SubscriptionService.announce` for brands with subscribers, else
    nothing (the service is built on first need, by `service`, sharing `subscribers`)."""

    def __init__(
        self, subscribers: Subscribers, service: Callable[[], SubscriptionService]
    ) -> None:
        self._subscribers = subscribers
        self._service = service

    def announce(
        self,
        workspace: str,
        brand: Brand,
        assessment: BrandRiskAssessment,
        mentions: Sequence[TriagedMention] = (),
    ) -> list[str]:
        """The ids of the events written (none when no subscription may hear of the brand)."""
        if not self._subscribers.of_brand(workspace, brand.id):
            return []
        return self._service().announce(workspace, brand, assessment, mentions)
