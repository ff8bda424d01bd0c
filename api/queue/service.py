"""The answer queue: set a mention's handling status, list the open ones, count them."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from api.mentions.schemas import MentionPage, StoredMention
from api.mentions.service import MentionService
from api.pagination import InvalidCursor, decode_cursor, encode_cursor
from api.problems import NotFound, ServiceBusy
from api.queue.repository import MentionGoneError, QueueRepository
from api.queue.schemas import Handling, HandlingUpdate, QueueSummary
from api.storage.retry import StoreBusyError

_QUEUE_POSITION = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z#m_[a-z2-7]{24}$")
DEFAULT_ACTOR = "api"


class QueueService:
    def __init__(self, repository: QueueRepository, mentions: MentionService) -> None:
        self._repository = repository
        self._mentions = mentions

    def set_status(
        self,
        workspace: str,
        brand_id: str,
        mention_id: str,
        update: HandlingUpdate,
        now: datetime | None = None,
    ) -> StoredMention:
        stored = self._mentions.get(workspace, brand_id, mention_id)
        handling = Handling(
            status=update.status,
            updated_at=now or datetime.now(UTC),
            updated_by=update.by or DEFAULT_ACTOR,
            note=update.note,
        )
        try:
            self._repository.set_handling(
                workspace, brand_id, stored.id, handling, stored.triage.respond_by
            )
        except MentionGoneError:
            raise NotFound(
                f"Mention '{mention_id}' does not exist for brand '{brand_id}'."
            ) from None
        except StoreBusyError:
            raise ServiceBusy(
                "The store is throttling; the status was not changed. Retry the same request.",
                retry_after_seconds=2,
            ) from None
        return stored.model_copy(update={"handling": handling})

    def list_open(
        self, workspace: str, brand_id: str, limit: int, cursor: str | None
    ) -> MentionPage:
        after = decode_cursor(cursor, "queue") if cursor else None
        if after is not None and not _QUEUE_POSITION.fullmatch(after):
            raise InvalidCursor("The cursor is malformed or belongs to another listing.")
        items, last = self._repository.list_open(workspace, brand_id, limit, after)
        return MentionPage(items=items, next_cursor=encode_cursor("queue", last) if last else None)

    def summary(self, workspace: str, brand_id: str, now: datetime | None = None) -> QueueSummary:
        now = now or datetime.now(UTC)
        open_count, overdue, earliest, truncated = self._repository.count_open(
            workspace, brand_id, now
        )
        oldest = None
        if earliest is not None and not earliest.startswith("9999-"):
            oldest = datetime.strptime(earliest.split("#", 1)[0], "%Y-%m-%dT%H:%M:%S.%fZ")
            oldest = oldest.replace(tzinfo=UTC)
        return QueueSummary(
            brand_id=brand_id,
            as_of=now,
            open=open_count,
            overdue=overdue,
            oldest_respond_by=oldest,
            truncated=truncated,
        )
