"""Per-workspace ingest quota: mentions stored per UTC day.

A batch reserves its distinct mentions after it is validated and before anything is written; the
mentions that turn out to be duplicates (or that a failed write did not store) are given back,
so a mention counts once however often it is re-sent. The one over-count: a re-sent batch is
refused when the quota has no room for it, even if it is all duplicates (its reservation comes
before the store can tell). Over quota, the whole batch is refused (429) and nothing is stored.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from botocore.exceptions import BotoCoreError, ClientError

from api import observability
from api.problems import QuotaExceeded
from api.quotas.repository import QuotaRepository
from api.settings import Settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Reservation:
    workspace: str
    day: str
    count: int


def seconds_until_utc_midnight(now: datetime) -> int:
    midnight = datetime.combine(
        now.astimezone(UTC).date() + timedelta(days=1), datetime.min.time(), UTC
    )
    return max(1, math.ceil((midnight - now).total_seconds()))


class QuotaService:
    def __init__(self, repository: QuotaRepository, settings: Settings) -> None:
        self._repository = repository
        self._settings = settings

    def daily_limit(self, workspace: str) -> int:
        return self._settings.workspace_mention_quotas.get(
            workspace, self._settings.daily_mention_quota
        )

    def reserve(self, workspace: str, count: int, now: datetime) -> Reservation:
        day = now.astimezone(UTC).date().isoformat()
        limit = self.daily_limit(workspace)
        # Kept two days: long enough to read yesterday's figure, then DynamoDB's TTL drops it.
        expires_at = int(now.timestamp()) + 2 * 86400
        if not self._repository.reserve(workspace, day, count, limit, expires_at):
            observability.count("QuotaRefusals", 1)
            used = self._repository.used(workspace, day)
            raise QuotaExceeded(
                f"This batch of {count} mentions would exceed the workspace's quota of {limit} "
                f"mentions per UTC day ({used} used); nothing was stored. Retry after "
                "Retry-After seconds (the next UTC midnight).",
                retry_after_seconds=seconds_until_utc_midnight(now),
            )
        return Reservation(workspace, day, count)

    def release(self, reservation: Reservation, count: int) -> None:
        try:
            self._repository.release(
                reservation.workspace, reservation.day, min(count, reservation.count)
            )
        except (ClientError, BotoCoreError) as error:
            # The ingest itself succeeded or failed on its own; a counter left high only makes
            # the quota stricter until midnight.
            logger.warning("could not give back %d mentions of quota: %r", count, error)
