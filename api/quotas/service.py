"""Per-workspace ingest quota: mentions stored per UTC day.

A batch that fits one DynamoDB transaction (one mention per call, the listening tools' shape, and
small batches) reserves its quota inside that transaction (`QuotaClaim.action`): the mentions,
their counters and the quota are written together or not at all, a duplicate cancels its own
part and needs no room, and no call is spent on the quota. A larger batch reserves its distinct
mentions after it is validated and before anything is written, and gives back the duplicates
(or what a failed write did not store). Either way a mention counts once however often it is
re-sent, and a re-sent batch of duplicates is accepted even when the day's quota is full (when
the reservation is refused, the mentions already stored are looked up and need no room). Over
quota, the whole batch is refused (429, Retry-After: the next UTC midnight) and nothing is
stored.

The price: every transaction of a workspace now touches its day's quota item, and DynamoDB
cancels concurrent transactions on one item (`TransactionConflict`, retried with backoff by
`with_retries`), so a workspace's concurrent ingests take turns on that item. A plain conditional
update (the large-batch path) does not conflict, but costs a call. Either way one item holds the
day's count: ~1,000 writes/s per workspace at most (DynamoDB's per-partition limit).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from api import observability
from api.problems import QuotaExceeded
from api.quotas.repository import QuotaRepository
from api.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Reservation:
    workspace: str
    day: str
    count: int


@dataclass(frozen=True, slots=True)
class QuotaClaim:
    """The day's quota, to be reserved by the transaction that stores the mentions."""

    workspace: str
    day: str
    limit: int
    expires_at: int
    repository: QuotaRepository = field(repr=False, compare=False)

    def action(self, count: int) -> TransactWriteItemTypeDef:
        """The transaction action adding `count` mentions (cancelled when over the limit)."""
        return self.repository.reserve_action(
            self.workspace, self.day, count, self.limit, self.expires_at
        )


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

    def claim(self, workspace: str, now: datetime) -> QuotaClaim:
        return QuotaClaim(
            workspace,
            now.astimezone(UTC).date().isoformat(),
            self.daily_limit(workspace),
            # Kept two days: long enough to read yesterday's figure, then DynamoDB's TTL drops it.
            int(now.timestamp()) + 2 * 86400,
            self._repository,
        )

    def try_reserve(self, workspace: str, count: int, now: datetime) -> Reservation | None:
        """Reserve `count` mentions now (a batch too large for one transaction); None when
        the quota has no room for them."""
        claim = self.claim(workspace, now)
        if not self._repository.reserve(workspace, claim.day, count, claim.limit, claim.expires_at):
            return None
        return Reservation(workspace, claim.day, count)

    def refusal(self, workspace: str, count: int, now: datetime) -> QuotaExceeded:
        """The 429 of a batch the quota has no room for (read once, on refusal only)."""
        observability.count("QuotaRefusals", 1)
        day = now.astimezone(UTC).date().isoformat()
        used = self._repository.used(workspace, day)
        return QuotaExceeded(
            f"This batch of {count} mentions would exceed the workspace's quota of "
            f"{self.daily_limit(workspace)} mentions per UTC day ({used} used); nothing was "
            "stored. Retry after Retry-After seconds (the next UTC midnight).",
            retry_after_seconds=seconds_until_utc_midnight(now),
        )

    def release(self, reservation: Reservation, count: int) -> None:
        try:
            self._repository.release(
                reservation.workspace, reservation.day, min(count, reservation.count)
            )
        except (ClientError, BotoCoreError) as error:
            # The ingest itself succeeded or failed on its own; a counter left high only makes
            # the quota stricter until midnight.
            logger.warning("could not give back %d mentions of quota: %r", count, error)
