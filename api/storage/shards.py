"""How many shards each brand's mentions are spread over (issue 16, hot partitions).

A brand's mention keys (`MENTION#…`, GSI1), hot mentions (GSI2) and answer queue (GSI3/GSI4)
are split over `mention_shards` partition keys; the shard of a mention is computed from its id
(`keys.mention_shard`). The count is chosen once, when the brand is created, and stored on the
brand item (`mention_shards`, absent = 1: brands created before sharding read as they always
did). It never changes for the life of the brand, so a container may remember it: every request
about a brand reads the brand item first (`BrandRepository.get`), which records the count here,
and a container that has not seen the brand reads its item once.

The aggregate counters of a sharded brand spread over `max(aggregate_shards, mention_shards)`
items per bucket (readers sum them all); a brand with one shard keeps `aggregate_shards`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from api.storage import keys
from api.storage.codec import to_item
from api.storage.retry import with_retries

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# The most shards a brand may have: a listing page or a queue count is one Query per shard.
MAX_MENTION_SHARDS = 64
SHARDS_ATTRIBUTE = "mention_shards"
_MAX_REMEMBERED = 10_000


def shards_of_item(item: dict[str, Any]) -> int:
    """The shard count a brand item records (1 for items written before sharding)."""
    return max(1, min(MAX_MENTION_SHARDS, int(item.get(SHARDS_ATTRIBUTE) or 1)))


class ShardCounts:
    """Per container: each brand's shard count, read from its brand item once."""

    def __init__(self, client: DynamoDBClient | None, table_name: str) -> None:
        self._client = client
        self._table = table_name
        self._known: dict[tuple[str, str], int] = {}

    def remember(self, workspace: str, brand_id: str, shards: int) -> None:
        if len(self._known) >= _MAX_REMEMBERED:
            self._known.clear()  # a container serves a few brands; bounded all the same
        self._known[(workspace, brand_id)] = shards

    def forget(self, workspace: str, brand_id: str) -> None:
        """The brand item is gone (erased): a brand created again may choose another count."""
        self._known.pop((workspace, brand_id), None)

    def mention_shards(self, workspace: str, brand_id: str) -> int:
        known = self._known.get((workspace, brand_id))
        if known is not None:
            return known
        if self._client is None:
            return 1
        client = self._client
        response = with_retries(
            lambda _: client.get_item(
                TableName=self._table,
                Key=to_item({"PK": keys.workspace_pk(workspace), "SK": keys.brand_sk(brand_id)}),
                ProjectionExpression=SHARDS_ATTRIBUTE,
                ConsistentRead=True,
            ),
            what="reading a brand's shard count",
        )
        if "Item" not in response:
            return 1  # no such brand (yet): nothing of it is sharded; not remembered
        raw = response["Item"].get(SHARDS_ATTRIBUTE, {})
        shards = shards_of_item({SHARDS_ATTRIBUTE: raw.get("N", 1)})
        self.remember(workspace, brand_id, shards)
        return shards

    def counter_shards(self, workspace: str, brand_id: str, aggregate_shards: int) -> int:
        """How many aggregate items one bucket of the brand may be split over."""
        mention_shards = self.mention_shards(workspace, brand_id)
        return aggregate_shards if mention_shards == 1 else max(aggregate_shards, mention_shards)
