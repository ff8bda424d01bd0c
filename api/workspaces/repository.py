"""API keys at rest: only their SHA-256 is stored.

Each key is two items written and deleted together: the credential (`KEY#<sha256>` / `KEY`, what
authentication reads) and its listing entry under the workspace (`WS#<ws>` / `APIKEY#<key_id>`,
what `GET /v1/api-keys` reads and where `last_used_at` is kept). Both carry `expires_at` (epoch
seconds) when the key expires, which is also the table's TTL attribute: DynamoDB deletes expired
keys some time after they stop authenticating.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from api.storage import keys
from api.storage.codec import to_attribute, to_item
from api.storage.pages import get_by_key, query_prefix_page

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_CREDENTIAL_SK = "KEY"


def api_key_listing_sk(key_id: str) -> str:
    return f"APIKEY#{key_id}"


@dataclass(frozen=True, slots=True)
class StoredApiKey:
    key_hash: str
    workspace: str
    prefix: str
    created_at: str
    # None on keys issued before keys were listed (adopted on their next use).
    key_id: str | None = None
    expires_at: int | None = None
    read_only: bool = False


@dataclass(frozen=True, slots=True)
class ListedApiKey:
    key_id: str
    key_hash: str
    prefix: str
    created_at: str
    last_used_at: str | None
    expires_at: int | None
    read_only: bool


def _listed(item: dict[str, Any]) -> ListedApiKey:
    expires_at = item.get("expires_at")
    return ListedApiKey(
        key_id=item["key_id"],
        key_hash=item["key_hash"],
        prefix=item["prefix"],
        created_at=item["created_at"],
        last_used_at=item.get("last_used_at"),
        expires_at=int(expires_at) if expires_at is not None else None,
        read_only=bool(item.get("read_only", False)),
    )


class ApiKeyRepository:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def put(
        self,
        key_hash: str,
        workspace: str,
        prefix: str,
        created_at: datetime,
        *,
        key_id: str,
        expires_at: int | None = None,
        read_only: bool = False,
    ) -> None:
        common = {
            "key_id": key_id,
            "prefix": prefix,
            "created_at": keys.format_instant(created_at),
            "expires_at": expires_at,
            "read_only": read_only,
        }
        credential = {
            "PK": keys.api_key_pk(key_hash),
            "SK": _CREDENTIAL_SK,
            "workspace": workspace,
            **common,
        }
        listing = {
            "PK": keys.workspace_pk(workspace),
            "SK": api_key_listing_sk(key_id),
            "key_hash": key_hash,
            **common,
        }
        self._client.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": to_item(item),
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                }
                for item in (credential, listing)
            ]
        )

    def adopt(self, stored: StoredApiKey, key_id: str) -> None:
        """Give a key issued before listings existed its listing entry (idempotent)."""
        try:
            self.put(
                stored.key_hash,
                stored.workspace,
                stored.prefix,
                datetime.fromisoformat(stored.created_at),
                key_id=key_id,
            )
        except ClientError as error:
            # The credential exists (it is why we are here): the put is refused as a whole.
            if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise
            self._client.update_item(
                TableName=self._table,
                Key=to_item({"PK": keys.api_key_pk(stored.key_hash), "SK": _CREDENTIAL_SK}),
                UpdateExpression="SET key_id = :id",
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeValues={":id": to_attribute(key_id)},
            )
            listing = {
                "PK": keys.workspace_pk(stored.workspace),
                "SK": api_key_listing_sk(key_id),
                "key_hash": stored.key_hash,
                "key_id": key_id,
                "prefix": stored.prefix,
                "created_at": stored.created_at,
                "read_only": False,
            }
            self._client.put_item(TableName=self._table, Item=to_item(listing))

    def get(self, key_hash: str, *, consistent: bool = False) -> StoredApiKey | None:
        item = get_by_key(
            self._client,
            self._table,
            pk=keys.api_key_pk(key_hash),
            sk=_CREDENTIAL_SK,
            consistent=consistent,
        )
        if item is None:
            return None
        expires_at = item.get("expires_at")
        return StoredApiKey(
            key_hash=key_hash,
            workspace=item["workspace"],
            prefix=item["prefix"],
            created_at=item["created_at"],
            key_id=item.get("key_id"),
            expires_at=int(expires_at) if expires_at is not None else None,
            read_only=bool(item.get("read_only", False)),
        )

    def get_listed(self, workspace: str, key_id: str) -> ListedApiKey | None:
        item = get_by_key(
            self._client,
            self._table,
            pk=keys.workspace_pk(workspace),
            sk=api_key_listing_sk(key_id),
        )
        return _listed(item) if item is not None else None

    def list(
        self, workspace: str, limit: int, after_key_id: str | None
    ) -> tuple[list[ListedApiKey], str | None]:
        items, more = query_prefix_page(
            self._client,
            self._table,
            pk=keys.workspace_pk(workspace),
            sk_prefix=api_key_listing_sk(""),
            limit=limit,
            after_sk=api_key_listing_sk(after_key_id) if after_key_id is not None else None,
        )
        listed = [_listed(item) for item in items]
        return listed, (listed[-1].key_id if more else None)

    def delete(self, workspace: str, key_id: str, key_hash: str) -> bool:
        """Both items at once; False when the key was already gone (revoked concurrently)."""
        try:
            self._client.transact_write_items(
                TransactItems=[
                    {
                        "Delete": {
                            "TableName": self._table,
                            "Key": to_item(
                                {
                                    "PK": keys.workspace_pk(workspace),
                                    "SK": api_key_listing_sk(key_id),
                                }
                            ),
                            "ConditionExpression": "attribute_exists(PK)",
                        }
                    },
                    {
                        "Delete": {
                            "TableName": self._table,
                            "Key": to_item({"PK": keys.api_key_pk(key_hash), "SK": _CREDENTIAL_SK}),
                        }
                    },
                ]
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "TransactionCanceledException":
                return False
            raise
        return True

    def touch(self, workspace: str, key_id: str, now: datetime, stale_before: datetime) -> bool:
        """Record a use, unless one was recorded since `stale_before`: a refused conditional
        update writes nothing, so a busy key costs at most one write per period."""
        try:
            self._client.update_item(
                TableName=self._table,
                Key=to_item({"PK": keys.workspace_pk(workspace), "SK": api_key_listing_sk(key_id)}),
                UpdateExpression="SET last_used_at = :now",
                ConditionExpression="attribute_exists(PK) AND "
                "(attribute_not_exists(last_used_at) OR last_used_at < :stale)",
                ExpressionAttributeValues={
                    ":now": to_attribute(keys.format_instant(now)),
                    ":stale": to_attribute(keys.format_instant(stale_before)),
                },
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True
