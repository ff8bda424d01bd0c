"""Every DynamoDB call about brands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from api.brands.schemas import Brand, BrandSettings
from api.storage import keys
from api.storage.codec import from_item, to_attribute, to_item
from api.storage.pages import query_prefix_page
from api.storage.shards import SHARDS_ATTRIBUTE, ShardCounts, shards_of_item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class BrandAlreadyExistsError(Exception):
    pass


def _brand_from_item(item: dict[str, Any]) -> Brand:
    return Brand(
        id=item["brand_id"],
        name=item["name"],
        settings=BrandSettings.model_validate(item.get("settings") or {}),
        created_at=item["created_at"],
        updated_at=item["updated_at"],
    )


class BrandRepository:
    def __init__(
        self, client: DynamoDBClient, table_name: str, shard_counts: ShardCounts | None = None
    ) -> None:
        self._client = client
        self._table = table_name
        self._shard_counts = shard_counts or ShardCounts(client, table_name)

    def create(self, workspace: str, brand: Brand, mention_shards: int = 1) -> None:
        """Create the brand with its mention shard count, fixed for the brand's life."""
        try:
            self._client.put_item(
                TableName=self._table,
                Item=to_item(
                    {
                        "PK": keys.workspace_pk(workspace),
                        "SK": keys.brand_sk(brand.id),
                        "brand_id": brand.id,
                        "name": brand.name,
                        "settings": brand.settings.model_dump(),
                        "created_at": keys.format_instant(brand.created_at),
                        "updated_at": keys.format_instant(brand.updated_at),
                        SHARDS_ATTRIBUTE: mention_shards,
                    }
                ),
                ConditionExpression="attribute_not_exists(PK)",
            )
        except self._client.exceptions.ConditionalCheckFailedException as error:
            raise BrandAlreadyExistsError(brand.id) from error
        self._shard_counts.remember(workspace, brand.id, mention_shards)

    def get(self, workspace: str, brand_id: str) -> Brand | None:
        """The brand; None when it does not exist or is being erased (api/erasure)."""
        item = self._get_item(workspace, brand_id)
        return None if item is None or "erasure_id" in item else _brand_from_item(item)

    def erasure_of(self, workspace: str, brand_id: str) -> str | None:
        """The id of the erasure deleting this brand, if one is."""
        item = self._get_item(workspace, brand_id)
        return None if item is None else item.get("erasure_id")

    def _get_item(self, workspace: str, brand_id: str) -> dict[str, Any] | None:
        response = self._client.get_item(
            TableName=self._table,
            Key=to_item({"PK": keys.workspace_pk(workspace), "SK": keys.brand_sk(brand_id)}),
        )
        if "Item" not in response:
            return None
        item = from_item(response["Item"])
        # Every request about a brand reads it first: what its mention readers will need.
        self._shard_counts.remember(workspace, brand_id, shards_of_item(item))
        return item

    def list(
        self, workspace: str, limit: int, after_brand_id: str | None
    ) -> tuple[list[Brand], str | None]:
        items, more = query_prefix_page(
            self._client,
            self._table,
            pk=keys.workspace_pk(workspace),
            sk_prefix=keys.brand_sk(""),
            limit=limit,
            after_sk=keys.brand_sk(after_brand_id) if after_brand_id is not None else None,
        )
        # A brand being erased is listed no more (the page may come out one short).
        brands = [_brand_from_item(item) for item in items if "erasure_id" not in item]
        return brands, (str(items[-1]["brand_id"]) if more else None)

    def update(self, workspace: str, brand: Brand) -> None:
        self._client.update_item(
            TableName=self._table,
            Key=to_item({"PK": keys.workspace_pk(workspace), "SK": keys.brand_sk(brand.id)}),
            UpdateExpression="SET #name = :name, settings = :settings, updated_at = :updated",
            ConditionExpression="attribute_exists(PK) AND attribute_not_exists(erasure_id)",
            ExpressionAttributeNames={"#name": "name"},
            ExpressionAttributeValues={
                ":name": to_attribute(brand.name),
                ":settings": to_attribute(brand.settings.model_dump()),
                ":updated": to_attribute(keys.format_instant(brand.updated_at)),
            },
        )
