"""API keys at rest: only their SHA-256 is stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from api.storage import keys
from api.storage.codec import from_item, to_item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


@dataclass(frozen=True, slots=True)
class StoredApiKey:
    key_hash: str
    workspace: str
    prefix: str
    created_at: str


class ApiKeyRepository:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def put(self, key_hash: str, workspace: str, prefix: str, created_at: datetime) -> None:
        self._client.put_item(
            TableName=self._table,
            Item=to_item(
                {
                    "PK": keys.api_key_pk(key_hash),
                    "SK": "KEY",
                    "workspace": workspace,
                    "prefix": prefix,
                    "created_at": keys.format_instant(created_at),
                }
            ),
            ConditionExpression="attribute_not_exists(PK)",
        )

    def get(self, key_hash: str) -> StoredApiKey | None:
        response = self._client.get_item(
            TableName=self._table, Key=to_item({"PK": keys.api_key_pk(key_hash), "SK": "KEY"})
        )
        if "Item" not in response:
            return None
        item = from_item(response["Item"])
        return StoredApiKey(
            key_hash=key_hash,
            workspace=item["workspace"],
            prefix=item["prefix"],
            created_at=item["created_at"],
        )
