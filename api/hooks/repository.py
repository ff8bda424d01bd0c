"""Every DynamoDB call about inbound hooks.

Items (see api/storage/keys.py):

- route     `HOOKSRC#<hook_id>` / `SOURCE`: workspace, source, brand, auth mode and credentials
  (credential ids and token hashes — never a secret). A receiver reads it with one GetItem:
  the hook id in the URL is all it knows of the workspace.
- listing   `WS#<workspace>` / `HOOKSRC#<hook_id>`: the public fields, so a workspace lists its
  sources with one Query (no scan, no index). Both items are written in one transaction.
- delivery  `HOOKDELIVERY#<hook_id>#<sha256 of the delivery id>` / `DELIVERY`: a received
  delivery, conditionally put to refuse replays, expired by the table's TTL (`expires_at`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from api.hooks.schemas import HookAuth, HookSourceName
from api.storage import keys
from api.storage.codec import to_attribute, to_item
from api.storage.pages import get_by_key, query_prefix_page
from api.storage.retry import cancellation_reasons

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

_ROUTE_SK = "SOURCE"
_DELIVERY_SK = "DELIVERY"


class HookSourceNotFoundError(Exception):
    pass


class HookSourceChangedError(Exception):
    """Another request rotated or deleted the source first."""


@dataclass(frozen=True, slots=True)
class HookCredential:
    """One secret's bookkeeping: what derives or checks it, never the secret itself."""

    credential_id: str
    created_at: str
    key_id: str | None = None  # signing modes: fingerprint of the master key that derives it
    token_hash: str | None = None  # url_token mode: SHA-256 of the token
    expires_at: int | None = None  # epoch seconds; set on the previous credential of an overlap

    def to_map(self) -> dict[str, Any]:
        return {
            key: value
            for key, value in (
                ("credential_id", self.credential_id),
                ("created_at", self.created_at),
                ("key_id", self.key_id),
                ("token_hash", self.token_hash),
                ("expires_at", self.expires_at),
            )
            if value is not None
        }

    @classmethod
    def from_map(cls, value: Any) -> HookCredential | None:
        if not isinstance(value, dict) or "credential_id" not in value:
            return None
        return cls(
            credential_id=value["credential_id"],
            created_at=value["created_at"],
            key_id=value.get("key_id"),
            token_hash=value.get("token_hash"),
            expires_at=value.get("expires_at"),
        )


@dataclass(frozen=True, slots=True)
class HookSourceRecord:
    """A hook source as stored; `source` and `auth` are parsed once, here, when it is read."""

    hook_id: str
    workspace: str
    source: HookSourceName
    brand_id: str | None
    auth: HookAuth
    created_at: str
    current: HookCredential
    previous: HookCredential | None = None
    rotated_at: str | None = None


def _record_from_item(item: dict[str, Any], workspace: str | None = None) -> HookSourceRecord:
    current = HookCredential.from_map(item.get("current"))
    previous = HookCredential.from_map(item.get("previous"))
    if previous is None and "previous_expires_at" in item:
        # A listing item only knows when the previous secret stops working.
        previous = HookCredential(
            credential_id="", created_at=item["created_at"], expires_at=item["previous_expires_at"]
        )
    return HookSourceRecord(
        hook_id=item["hook_id"],
        workspace=workspace or item["workspace"],
        source=HookSourceName(item["source"]),
        brand_id=item.get("brand_id"),
        auth=HookAuth(item["auth"]),
        created_at=item["created_at"],
        # Listing items carry no credential: an empty one stands in (never used to verify).
        current=current or HookCredential(credential_id="", created_at=item["created_at"]),
        previous=previous,
        rotated_at=item.get("rotated_at"),
    )


class HookRepository:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    # --- hook sources ---------------------------------------------------------------------

    def create(self, record: HookSourceRecord) -> None:
        public = {
            "hook_id": record.hook_id,
            "source": record.source.value,
            "brand_id": record.brand_id,
            "auth": record.auth.value,
            "created_at": record.created_at,
        }
        route = {
            "PK": keys.hook_source_pk(record.hook_id),
            "SK": _ROUTE_SK,
            "workspace": record.workspace,
            "current": record.current.to_map(),
            **public,
        }
        listing = {
            "PK": keys.workspace_pk(record.workspace),
            "SK": keys.hook_source_sk(record.hook_id),
            **public,
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
                for item in (route, listing)
            ]
        )

    def get(self, hook_id: str) -> HookSourceRecord | None:
        # Strongly consistent: a source is used (or rotated) right after it is registered.
        item = get_by_key(self._client, self._table, pk=keys.hook_source_pk(hook_id), sk=_ROUTE_SK)
        return _record_from_item(item) if item is not None else None

    def list(
        self, workspace: str, limit: int, after_hook_id: str | None
    ) -> tuple[list[HookSourceRecord], str | None]:
        """Public fields only (`current` is an empty stand-in), by hook id."""
        items, more = query_prefix_page(
            self._client,
            self._table,
            pk=keys.workspace_pk(workspace),
            sk_prefix=keys.hook_source_sk(""),
            limit=limit,
            after_sk=keys.hook_source_sk(after_hook_id) if after_hook_id is not None else None,
        )
        records = [_record_from_item(item, workspace) for item in items]
        return records, (records[-1].hook_id if more else None)

    def delete(self, workspace: str, hook_id: str) -> None:
        try:
            self._client.transact_write_items(
                TransactItems=[
                    {
                        "Delete": {
                            "TableName": self._table,
                            "Key": to_item({"PK": keys.hook_source_pk(hook_id), "SK": _ROUTE_SK}),
                            "ConditionExpression": "#workspace = :workspace",
                            "ExpressionAttributeNames": {"#workspace": "workspace"},
                            "ExpressionAttributeValues": {":workspace": to_attribute(workspace)},
                        }
                    },
                    {
                        "Delete": {
                            "TableName": self._table,
                            "Key": to_item(
                                {
                                    "PK": keys.workspace_pk(workspace),
                                    "SK": keys.hook_source_sk(hook_id),
                                }
                            ),
                        }
                    },
                ]
            )
        except ClientError as error:
            if _cancelled_by_condition(error):
                raise HookSourceNotFoundError(hook_id) from error
            raise

    def rotate(
        self,
        record: HookSourceRecord,
        current: HookCredential,
        previous: HookCredential | None,
        rotated_at: str,
    ) -> None:
        """Swap in a new credential, if the source still has the one `record` was read with."""
        names = {"#workspace": "workspace", "#current": "current", "#previous": "previous"}
        condition = "#workspace = :workspace AND #current.credential_id = :expected"
        values: dict[str, Any] = {
            ":workspace": to_attribute(record.workspace),
            ":expected": to_attribute(record.current.credential_id),
            ":current": to_attribute(current.to_map()),
            ":rotated_at": to_attribute(rotated_at),
        }
        if previous is not None:
            route_update = (
                "SET #current = :current, #previous = :previous, rotated_at = :rotated_at"
            )
            values[":previous"] = to_attribute(previous.to_map())
        else:
            route_update = "SET #current = :current, rotated_at = :rotated_at REMOVE #previous"
        listing_values: dict[str, Any] = {":rotated_at": to_attribute(rotated_at)}
        if previous is not None and previous.expires_at is not None:
            listing_update = "SET rotated_at = :rotated_at, previous_expires_at = :expires"
            listing_values[":expires"] = to_attribute(previous.expires_at)
        else:
            listing_update = "SET rotated_at = :rotated_at REMOVE previous_expires_at"
        actions: list[TransactWriteItemTypeDef] = [
            {
                "Update": {
                    "TableName": self._table,
                    "Key": to_item({"PK": keys.hook_source_pk(record.hook_id), "SK": _ROUTE_SK}),
                    "UpdateExpression": route_update,
                    "ConditionExpression": condition,
                    "ExpressionAttributeNames": names,
                    "ExpressionAttributeValues": values,
                }
            },
            {
                "Update": {
                    "TableName": self._table,
                    "Key": to_item(
                        {
                            "PK": keys.workspace_pk(record.workspace),
                            "SK": keys.hook_source_sk(record.hook_id),
                        }
                    ),
                    "UpdateExpression": listing_update,
                    "ConditionExpression": "attribute_exists(PK)",
                    "ExpressionAttributeValues": listing_values,
                }
            },
        ]
        try:
            self._client.transact_write_items(TransactItems=actions)
        except ClientError as error:
            if _cancelled_by_condition(error):
                raise HookSourceChangedError(record.hook_id) from error
            raise

    # --- deliveries -----------------------------------------------------------------------

    def claim_delivery(
        self, hook_id: str, digest: str, now: int, expires_at: int, brand_id: str = ""
    ) -> bool:
        """Record a delivery (pending until `complete_delivery`); False when it was already
        received (and has not expired)."""
        try:
            self._client.put_item(
                TableName=self._table,
                Item=to_item(
                    {
                        "PK": keys.hook_delivery_pk(hook_id, digest),
                        "SK": _DELIVERY_SK,
                        "received_at": now,
                        "expires_at": expires_at,
                        "brand_id": brand_id,
                        "pending": True,
                    }
                ),
                # TTL deletion lags by up to days: an expired record must not block a delivery.
                ConditionExpression="attribute_not_exists(PK) OR expires_at < :now",
                ExpressionAttributeValues={":now": to_attribute(now)},
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def complete_delivery(self, hook_id: str, digest: str) -> None:
        """The delivery is stored: a re-send of it is now a duplicate, not a delivery in flight."""
        self._client.update_item(
            TableName=self._table,
            Key=to_item({"PK": keys.hook_delivery_pk(hook_id, digest), "SK": _DELIVERY_SK}),
            UpdateExpression="REMOVE pending",
        )

    def claimed_delivery(self, hook_id: str, digest: str) -> tuple[str, bool] | None:
        """(brand id, still pending) of a claimed delivery; None when there is none."""
        item = get_by_key(
            self._client, self._table, pk=keys.hook_delivery_pk(hook_id, digest), sk=_DELIVERY_SK
        )
        if item is None:
            return None
        return str(item.get("brand_id", "")), bool(item.get("pending", False))

    def release_delivery(self, hook_id: str, digest: str) -> None:
        """Forget a claimed delivery that failed: the sender's retry is not a replay."""
        self._client.delete_item(
            TableName=self._table,
            Key=to_item({"PK": keys.hook_delivery_pk(hook_id, digest), "SK": _DELIVERY_SK}),
        )


def _cancelled_by_condition(error: ClientError) -> bool:
    return "ConditionalCheckFailed" in cancellation_reasons(error)
