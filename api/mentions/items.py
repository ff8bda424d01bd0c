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
from api.storage.codec import from_item, to_attribute

# The handling status, copied out of the `handling` JSON document so that a listing can filter
# on it (answered, moved to private, dismissed); `open` mentions are listed from the queue index.
STATUS_ATTRIBUTE = "handling_status"


def status_condition(status: HandlingStatus) -> tuple[str, dict[str, Any]]:
    """A FilterExpression selecting the mention items `handling_from_item` decodes as `status`,
    and its values.

    Items handled before `handling_status` was written hold the status in the `handling` JSON
    alone. Pydantic writes that JSON compact, `status` first (`{"status":"answered",...`), the
    form every such item has: a prefix match reads it without a migration. Items written since
    carry the attribute, so the prefix never has to follow later changes to `Handling`.
    """
    values = {
        ":status": to_attribute(status.value),
        ":legacy_status": to_attribute(f'{{"status":"{status.value}"'),
    }
    condition = (
        f"{STATUS_ATTRIBUTE} = :status OR (attribute_not_exists({STATUS_ATTRIBUTE}) "
        "AND begins_with(handling, :legacy_status))"
    )
    if status is HandlingStatus.open:
        # Never handled: open by default above `watch`.
        condition += " OR (attribute_not_exists(handling) AND tier <> :watch)"
        values[":watch"] = to_attribute(Tier.watch.value)
    return f"({condition})", values


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
