"""The handling status as the listing filters it agrees with the status a mention decodes to,
for mentions handled before `handling_status` was stored too."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pytest

from api.engine.schemas import Tier
from api.mentions.items import STATUS_ATTRIBUTE, handling_from_item, status_condition
from api.queue.schemas import Handling, HandlingStatus
from api.settings import Settings
from api.storage.codec import from_item, to_attribute, to_item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# A note that looks like another status must not be read as one.
TRICKY_NOTE = '{"status":"answered"} was the plan'


def mention(tier: Tier, handling: Handling | None, *, legacy: bool = False) -> dict[str, Any]:
    """A mention item's filterable attributes; `legacy`: written before `handling_status`."""
    item: dict[str, Any] = {"tier": tier.value}
    if handling is not None:
        item["handling"] = handling.model_dump_json()
        if not legacy:
            item[STATUS_ATTRIBUTE] = handling.status.value
    return item


def handled(status: HandlingStatus, note: str | None = None) -> Handling:
    return Handling(status=status, updated_by="camille", note=note)


ITEMS = {
    "never-handled": mention(Tier.respond_publicly, None),
    "never-handled-watch": mention(Tier.watch, None),
    "legacy-answered": mention(
        Tier.respond_publicly, handled(HandlingStatus.answered), legacy=True
    ),
    "legacy-moved": mention(
        Tier.move_to_private, handled(HandlingStatus.moved_to_private), legacy=True
    ),
    "legacy-dismissed": mention(
        Tier.respond_publicly, handled(HandlingStatus.dismissed, TRICKY_NOTE), legacy=True
    ),
    "legacy-reopened-watch": mention(Tier.watch, handled(HandlingStatus.open), legacy=True),
    "answered": mention(Tier.respond_publicly, handled(HandlingStatus.answered)),
    "reopened": mention(Tier.respond_publicly, handled(HandlingStatus.open)),
    "dismissed": mention(Tier.watch, handled(HandlingStatus.dismissed, TRICKY_NOTE)),
}


@pytest.fixture(scope="module")
def stored(dynamodb: DynamoDBClient, settings: Settings) -> str:
    pk = f"TEST#{uuid.uuid4().hex}"
    for name, attributes in ITEMS.items():
        item = {"PK": pk, "SK": name, **attributes}
        dynamodb.put_item(TableName=settings.table_name, Item=to_item(item))
    return pk


@pytest.mark.parametrize("status", list(HandlingStatus))
def test_a_status_filter_finds_the_mentions_that_decode_to_that_status(
    dynamodb: DynamoDBClient, settings: Settings, stored: str, status: HandlingStatus
) -> None:
    condition, values = status_condition(status)
    response = dynamodb.query(
        TableName=settings.table_name,
        KeyConditionExpression="PK = :pk",
        FilterExpression=condition,
        ExpressionAttributeValues={":pk": to_attribute(stored), **values},
        ConsistentRead=True,
    )
    found = {from_item(raw)["SK"] for raw in response["Items"]}
    expected = set()
    for name, item in ITEMS.items():
        decoded = handling_from_item(item, Tier(item["tier"]))
        if decoded is not None and decoded.status is status:
            expected.add(name)
    assert found == expected
    # Each status has a mention handled before `handling_status` was stored.
    assert any(name.startswith("legacy-") for name in found)
