"""Decoding a stored mention item: one decoder for the mentions and answer-queue repositories.

Its own module because both repositories read mention items and `api.mentions.repository`
already imports `api.queue.repository` (the queue keys a new mention starts with).
"""

from __future__ import annotations

from typing import Any

from api.engine.mention import Mention
from api.engine.schemas import MentionTriage, Tier
from api.mentions.schemas import StoredMention
from api.queue.schemas import Handling, HandlingStatus
from api.storage.codec import from_item

# The handling status, copied out of the `handling` JSON document so that a listing can filter
# on it (answered, moved to private, dismissed); `open` mentions are listed from the queue index.
STATUS_ATTRIBUTE = "handling_status"


def handling_from_item(item: dict[str, Any], tier: Tier) -> Handling | None:
    """The handling stored on a decoded mention item, or the default for its tier."""
    raw = item.get("handling")
    if isinstance(raw, str):
        return Handling.model_validate_json(raw)
    return None if tier is Tier.watch else Handling(status=HandlingStatus.open)


def stored_mention_from_item(brand_id: str, raw: Any) -> StoredMention:
    """A StoredMention from a raw (DynamoDB-typed) mention item, as a table or index returns it."""
    item = from_item(raw)
    triage = MentionTriage.model_validate_json(item["triage"])
    return StoredMention(
        id=item["mention_id"],
        brand_id=brand_id,
        received_at=item["received_at"],
        mention=Mention.model_validate_json(item["mention"]),
        triage=triage,
        handling=handling_from_item(item, triage.tier),
    )
