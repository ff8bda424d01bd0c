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

Sharded counter (issue 16, hot partitions): every transaction of a workspace touches its day's
quota, and one item takes ~1,000 writes/s and cancels concurrent transactions on it
(`TransactionConflict`). A workspace with N mention shards (`VIGIE_WORKSPACE_MENTION_SHARDS`,
the brands' setting) splits the day's limit over N items, `QUOTA#<ws>#<day>` (shard 0, today's
key: N = 1 is exactly the single item of before) and `QUOTA#<ws>#<day>#<k>`, shard k holding
`share(limit, N, k)` (the shares add up to the limit exactly). Each reservation is conditional
on its shard's share, so the day's total never passes the limit. A transaction reserves on the
shard of its first mention's id (the function that picks its counter shard); when that shard
is full, the N shards are read (one BatchGetItem) and the transaction retried on one with room
(at random among them); a batch bigger than any one shard's room reserves across shards first (one
transaction over the shards it takes from, the large-batch path), and only when the shards
together have less room than the batch's new mentions is it refused (docs/architecture.md
"Hot partitions", the quota).
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from api import observability
from api.problems import QuotaExceeded, ServiceBusy
from api.quotas.repository import QuotaRepository, rooms
from api.settings import Settings
from api.storage import keys

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

logger = logging.getLogger(__name__)

# Reads of the shards before a contended reservation gives up (503, never a wrong 429): each
# failed round means a concurrent write took the room that was read.
SPREAD_ROUNDS = 4


@dataclass(frozen=True, slots=True)
class Reservation:
    workspace: str
    day: str
    parts: tuple[tuple[int, int], ...]
    """(shard, mentions reserved on it)."""

    @property
    def count(self) -> int:
        return sum(n for _, n in self.parts)


@dataclass(frozen=True, slots=True)
class QuotaClaim:
    """The day's quota, to be reserved by the transaction that stores the mentions."""

    workspace: str
    day: str
    limit: int
    expires_at: int
    repository: QuotaRepository = field(repr=False, compare=False)
    shards: int = 1
    pinned: int | None = None
    """The shard to reserve on (a retry after the first one was full); None: the chunk's own."""

    def action(self, count: int, shard: int = 0) -> TransactWriteItemTypeDef:
        """The transaction action adding `count` mentions to `shard` (cancelled when over its
        share of the limit)."""
        return self.repository.reserve_action(
            self.workspace,
            self.day,
            count,
            self.limit,
            self.expires_at,
            shard=shard,
            shards=self.shards,
        )

    def pinned_to(self, shard: int) -> QuotaClaim:
        return replace(self, pinned=shard)


def seconds_until_utc_midnight(now: datetime) -> int:
    midnight = datetime.combine(
        now.astimezone(UTC).date() + timedelta(days=1), datetime.min.time(), UTC
    )
    return max(1, math.ceil((midnight - now).total_seconds()))


def spread(room: Sequence[int], count: int) -> dict[int, int]:
    """Take `count` from the shards with the most room first (the fewest shards touched)."""
    takes: dict[int, int] = {}
    for shard in sorted(range(len(room)), key=lambda k: (-room[k], k)):
        if count <= 0:
            break
        take = min(room[shard], count)
        if take > 0:
            takes[shard] = take
            count -= take
    return takes


class QuotaService:
    def __init__(self, repository: QuotaRepository, settings: Settings) -> None:
        self._repository = repository
        self._settings = settings

    def daily_limit(self, workspace: str) -> int:
        return self._settings.workspace_mention_quotas.get(
            workspace, self._settings.daily_mention_quota
        )

    def shards(self, workspace: str) -> int:
        """The workspace's quota shards: its mention shard setting (what its new brands get)."""
        return self._settings.workspace_mention_shards.get(workspace, self._settings.mention_shards)

    def claim(self, workspace: str, now: datetime) -> QuotaClaim:
        return QuotaClaim(
            workspace,
            now.astimezone(UTC).date().isoformat(),
            self.daily_limit(workspace),
            # Kept two days: long enough to read yesterday's figure, then DynamoDB's TTL drops it.
            int(now.timestamp()) + 2 * 86400,
            self._repository,
            shards=self.shards(workspace),
        )

    def retry_shard(self, claim: QuotaClaim, count: int, now: datetime) -> int | None:
        """After `claim`'s shard refused `count` new mentions: the shard to retry on (one with
        room for them, read now), None when no one shard has room for them but the
        shards together do (reserve across shards first); QuotaExceeded when they do not."""
        if claim.shards == 1:
            raise self.refusal(claim.workspace, count, now)
        observability.count("QuotaShardRetries", 1)
        used = self._repository.used_by_shard(claim.workspace, claim.day, claim.shards)
        room = rooms(used, claim.limit)
        if sum(room) < count:
            raise self.refusal(claim.workspace, count, now, used=sum(used))
        fits = [shard for shard in range(claim.shards) if room[shard] >= count]
        # At random among those with room: concurrent writers refused together do not all
        # pile onto the same shard.
        return random.choice(fits) if fits else None

    def try_reserve(
        self, workspace: str, count: int, now: datetime, first_id: str = ""
    ) -> Reservation | None:
        """Reserve `count` mentions now (before a write that is not one transaction); None when
        the quota has no room for them. A sharded workspace tries the shard of `first_id`
        first, then spreads the reservation over the shards with room (one transaction)."""
        claim = self.claim(workspace, now)
        shard = keys.mention_shard(first_id, claim.shards) if first_id else 0
        if self._repository.reserve(
            workspace,
            claim.day,
            count,
            claim.limit,
            claim.expires_at,
            shard=shard,
            shards=claim.shards,
        ):
            return Reservation(workspace, claim.day, ((shard, count),))
        if claim.shards == 1:
            return None
        for _ in range(SPREAD_ROUNDS):
            used = self._repository.used_by_shard(workspace, claim.day, claim.shards)
            room = rooms(used, claim.limit)
            if sum(room) < count:
                return None
            takes = spread(room, count)
            if self._repository.reserve_spread(
                workspace, claim.day, takes, claim.limit, claim.shards, claim.expires_at
            ):
                return Reservation(workspace, claim.day, tuple(sorted(takes.items())))
        raise ServiceBusy(
            "Concurrent ingests kept taking the quota room this batch was reserving; nothing "
            "was stored. Re-send the batch.",
            retry_after_seconds=1,
        )

    def refusal(
        self, workspace: str, count: int, now: datetime, *, used: int | None = None
    ) -> QuotaExceeded:
        """The 429 of a batch the quota has no room for (read once, on refusal only)."""
        observability.count("QuotaRefusals", 1)
        day = now.astimezone(UTC).date().isoformat()
        if used is None:
            used = self._repository.used(workspace, day, self.shards(workspace))
        return QuotaExceeded(
            f"This batch of {count} mentions would exceed the workspace's quota of "
            f"{self.daily_limit(workspace)} mentions per UTC day ({used} used); nothing was "
            "stored. Retry after Retry-After seconds (the next UTC midnight).",
            retry_after_seconds=seconds_until_utc_midnight(now),
        )

    def release(self, reservation: Reservation, count: int) -> None:
        left = min(count, reservation.count)
        # The last parts first: the first shard tried keeps what it was given.
        for shard, reserved in reversed(reservation.parts):
            give = min(left, reserved)
            if give <= 0:
                continue
            try:
                self._repository.release(reservation.workspace, reservation.day, give, shard=shard)
            except (ClientError, BotoCoreError) as error:
                # The ingest itself succeeded or failed on its own; a counter left high only
                # makes the quota stricter until midnight.
                logger.warning("could not give back %d mentions of quota: %r", give, error)
            left -= give
