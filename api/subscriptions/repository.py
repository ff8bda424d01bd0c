"""Every DynamoDB call about outbound events: subscriptions, announced states, events, deliveries.

Items (PK / SK):

- subscription     `WS#<ws>` / `SUB#<subscription_id>`: URL, filters, format, enabled, the
  credential ids its secrets derive from (never a secret), `failing_since`.
- announced state  `WS#<ws>` / `ANNOUNCED#<brand_id>`: the brand's last announced tier, stage,
  score, level and `sequence`; updated only on the condition that `sequence` is still the one
  read, in the same transaction as the events it announces — a change is announced once.
- active brand     `SUBACTIVE` / `<ws>#<brand_id>`: brands whose announced state is not at rest,
  re-assessed by the scheduler (time alone moves a crisis to `declining`).
- event            `SUBEVENT#<ws>#<event_id>` / `EVENT`: the exact JSON body sent (the bytes
  signed are the same on every retry and resend), the subscriptions it went to; TTL.
- delivery         `SUBDLV#<ws>#<subscription_id>` / `D#<created>#<event_id>`: one per event and
  subscription — the outbox row. Its `state` is `queued` when inserted (or re-queued by resend /
  recover): the table's stream, filtered on `kind = delivery` and `state = queued`, starts the
  dispatcher. Then `sending` (leased), `retrying`, `delivered`, `dead_lettered` or `skipped`.
- attempt          `SUBATT#<ws>#<subscription_id>` / `<at>#<event_id>#<n>`: the attempt log; TTL.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError

from api.storage.codec import from_item, to_attribute, to_item
from api.storage.keys import workspace_pk
from api.storage.pages import query_prefix_page
from api.storage.retry import RetryLater, cancellation_reasons, error_code, with_retries

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

SUBSCRIPTION_PREFIX: Final = "SUB#"
ANNOUNCED_PREFIX: Final = "ANNOUNCED#"
ACTIVE_PK: Final = "SUBACTIVE"
EVENT_SK: Final = "EVENT"
DELIVERY_KIND: Final = "delivery"
# Leave room under DynamoDB's 100 actions per transaction.
MAX_TRANSACTION_ITEMS: Final = 100
IN_FLIGHT: Final = frozenset({"queued", "sending", "retrying"})


def subscription_sk(subscription_id: str) -> str:
    return f"{SUBSCRIPTION_PREFIX}{subscription_id}"


def announced_sk(brand_id: str) -> str:
    return f"{ANNOUNCED_PREFIX}{brand_id}"


def event_pk(workspace: str, event_id: str) -> str:
    return f"SUBEVENT#{workspace}#{event_id}"


def delivery_pk(workspace: str, subscription_id: str) -> str:
    return f"SUBDLV#{workspace}#{subscription_id}"


def delivery_sk(created_at: str, event_id: str) -> str:
    return f"D#{created_at}#{event_id}"


def attempt_pk(workspace: str, subscription_id: str) -> str:
    return f"SUBATT#{workspace}#{subscription_id}"


@dataclass(frozen=True, slots=True)
class DeliveryKey:
    """Where a delivery item is: what a stream record or a retry message carries."""

    workspace: str
    subscription_id: str
    sk: str

    def to_message(self) -> dict[str, str]:
        return {"workspace": self.workspace, "subscription_id": self.subscription_id, "sk": self.sk}

    @classmethod
    def from_message(cls, message: Mapping[str, Any]) -> DeliveryKey:
        return cls(str(message["workspace"]), str(message["subscription_id"]), str(message["sk"]))


def is_queued_delivery(new_image: Mapping[str, Any]) -> bool:
    """The stream filter (serverless.yml `filterPatterns`), on a raw DynamoDB image."""
    return new_image.get("kind") == {"S": DELIVERY_KIND} and new_image.get("state") == {
        "S": "queued"
    }


def delivery_key_of(new_image: Mapping[str, Any]) -> DeliveryKey:
    return DeliveryKey(
        new_image["workspace"]["S"], new_image["subscription_id"]["S"], new_image["SK"]["S"]
    )


@dataclass(frozen=True, slots=True)
class NewDelivery:
    subscription_id: str
    state: str  # queued, or skipped (the subscription is disabled)


@dataclass(frozen=True, slots=True)
class NewEvent:
    event_id: str
    event_type: str
    created_at: str  # the event's timestamp, fixed-width ISO (sorts the delivery items)
    body: str
    brand_id: str | None
    sequence: int | None
    deliveries: Sequence[NewDelivery]
    expires_at: int
    once: bool = True  # refuse the whole transaction if this event id exists already

    @property
    def delivery_sk(self) -> str:
        return delivery_sk(self.created_at, self.event_id)


@dataclass(frozen=True, slots=True)
class StateWrite:
    """The brand's announced state after these events, and the sequence it was read at."""

    brand_id: str
    expected_sequence: int | None  # None: no state item yet
    values: Mapping[str, Any]
    active: bool


class AnnouncedStateChangedError(Exception):
    """Another writer announced for this brand first: read the state again."""


@dataclass
class EventAlreadyWrittenError(Exception):
    event_ids: list[str] = field(default_factory=list)


class SubscriptionChangedError(Exception):
    """The subscription was deleted (or changed) by another request."""


class SubscriptionRepository:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    # --- subscriptions --------------------------------------------------------------------

    def put_subscription(
        self,
        workspace: str,
        values: Mapping[str, Any],
        *,
        new: bool,
        expected_updated_at: str | None = None,
    ) -> None:
        """Create it, or replace it if nobody changed it since it was read (`updated_at`)."""
        item = {
            "PK": workspace_pk(workspace),
            "SK": subscription_sk(values["subscription_id"]),
            "kind": "subscription",
            "workspace": workspace,
            **values,
        }
        request: dict[str, Any] = {"TableName": self._table, "Item": to_item(item)}
        if new:
            request["ConditionExpression"] = "attribute_not_exists(PK)"
        else:
            request["ConditionExpression"] = "attribute_exists(PK) AND updated_at = :read"
            request["ExpressionAttributeValues"] = {":read": to_attribute(expected_updated_at)}
        try:
            with_retries(lambda _: self._client.put_item(**request), what="writing a subscription")
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                raise SubscriptionChangedError from None
            raise

    def update_subscription(
        self,
        workspace: str,
        subscription_id: str,
        values: Mapping[str, Any],
        *,
        remove: Sequence[str] = (),
        expect: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Set `values` and remove `remove`, nothing else; the subscription as it is after.

        Only the attributes named are written: what another writer keeps on the item (the
        dispatcher's `failing_since`) survives. Refused (`SubscriptionChangedError`) when the
        subscription is gone or an `expect` path (`current.credential_id`) holds another value.
        """
        names: dict[str, str] = {}
        attribute_values: dict[str, Any] = {}

        def name_of(path: str) -> str:
            parts = []
            for part in path.split("."):
                alias = f"#n{len(names)}"
                names[alias] = part
                parts.append(alias)
            return ".".join(parts)

        sets = []
        for i, (path, value) in enumerate(values.items()):
            sets.append(f"{name_of(path)} = :v{i}")
            attribute_values[f":v{i}"] = to_attribute(value)
        expression = "SET " + ", ".join(sets)
        if remove:
            expression += " REMOVE " + ", ".join(name_of(path) for path in remove)
        conditions = ["attribute_exists(PK)"]
        for i, (path, value) in enumerate((expect or {}).items()):
            conditions.append(f"{name_of(path)} = :e{i}")
            attribute_values[f":e{i}"] = to_attribute(value)
        try:
            response = with_retries(
                lambda _: self._client.update_item(
                    TableName=self._table,
                    Key=to_item(
                        {"PK": workspace_pk(workspace), "SK": subscription_sk(subscription_id)}
                    ),
                    UpdateExpression=expression,
                    ConditionExpression=" AND ".join(conditions),
                    ExpressionAttributeNames=names,
                    ExpressionAttributeValues=attribute_values,
                    ReturnValues="ALL_NEW",
                ),
                what="updating a subscription",
            )
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                raise SubscriptionChangedError from None
            raise
        return from_item(response["Attributes"])

    def get_subscription(self, workspace: str, subscription_id: str) -> dict[str, Any] | None:
        response = self._client.get_item(
            TableName=self._table,
            Key=to_item({"PK": workspace_pk(workspace), "SK": subscription_sk(subscription_id)}),
            ConsistentRead=True,
        )
        raw = response.get("Item")
        return from_item(raw) if raw else None

    def list_subscriptions(
        self, workspace: str, limit: int = 100, after_id: str | None = None
    ) -> tuple[list[dict[str, Any]], bool]:
        return query_prefix_page(
            self._client,
            self._table,
            pk=workspace_pk(workspace),
            sk_prefix=SUBSCRIPTION_PREFIX,
            limit=limit,
            after_sk=subscription_sk(after_id) if after_id else None,
        )

    def all_subscriptions(self, workspace: str) -> list[dict[str, Any]]:
        items, more = self.list_subscriptions(workspace, 100)
        while more:
            page, more = self.list_subscriptions(workspace, 100, items[-1]["subscription_id"])
            items.extend(page)
        return items

    def delete_subscription(self, workspace: str, subscription_id: str) -> bool:
        try:
            self._client.delete_item(
                TableName=self._table,
                Key=to_item(
                    {"PK": workspace_pk(workspace), "SK": subscription_sk(subscription_id)}
                ),
                ConditionExpression="attribute_exists(PK)",
            )
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def update_subscription_health(
        self, workspace: str, subscription_id: str, *, failing_since: float | None
    ) -> None:
        """Set `failing_since` (kept when already set) or clear it after a success."""
        key = to_item({"PK": workspace_pk(workspace), "SK": subscription_sk(subscription_id)})
        if failing_since is None:
            expression, values = "REMOVE failing_since", None
        else:
            expression = "SET failing_since = if_not_exists(failing_since, :since)"
            values = {":since": to_attribute(failing_since)}
        request: dict[str, Any] = {
            "TableName": self._table,
            "Key": key,
            "UpdateExpression": expression,
            "ConditionExpression": "attribute_exists(PK)",
        }
        if values:
            request["ExpressionAttributeValues"] = values
        try:
            self._client.update_item(**request)
        except ClientError as error:
            if error_code(error) != "ConditionalCheckFailedException":
                raise

    def disable_subscription(
        self,
        workspace: str,
        subscription_id: str,
        reason: str,
        at: str,
        *,
        expect_failing_since: float | None = None,
    ) -> bool:
        """Disable it unless already disabled; True when this call did.

        With `expect_failing_since`, only if the failure tracking is still the one read: a
        user who re-enabled it meanwhile (which resets the tracking) is not overruled.
        """
        condition = "attribute_exists(PK) AND enabled = :true"
        values = {
            ":false": to_attribute(False),
            ":true": to_attribute(True),
            ":reason": to_attribute(reason),
            ":at": to_attribute(at),
        }
        if expect_failing_since is not None:
            condition += " AND failing_since = :since"
            values[":since"] = to_attribute(expect_failing_since)
        try:
            self._client.update_item(
                TableName=self._table,
                Key=to_item(
                    {"PK": workspace_pk(workspace), "SK": subscription_sk(subscription_id)}
                ),
                UpdateExpression="SET enabled = :false, disabled_reason = :reason, "
                "disabled_at = :at, updated_at = :at REMOVE failing_since",
                ConditionExpression=condition,
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    # --- announced states -----------------------------------------------------------------

    def get_announced(self, workspace: str, brand_id: str) -> dict[str, Any] | None:
        response = with_retries(
            lambda _: self._client.get_item(
                TableName=self._table,
                Key=to_item({"PK": workspace_pk(workspace), "SK": announced_sk(brand_id)}),
                ConsistentRead=True,
            ),
            what="reading a brand's announced state",
        )
        raw = response.get("Item")
        return from_item(raw) if raw else None

    def delete_brand_state(self, workspace: str, brand_id: str) -> int:
        """The brand's announced state and its scheduler marker (an erased brand): how many
        items were there."""
        deleted = 0
        for key in (
            {"PK": workspace_pk(workspace), "SK": announced_sk(brand_id)},
            {"PK": ACTIVE_PK, "SK": f"{workspace}#{brand_id}"},
        ):

            def delete(_: int, key: dict[str, str] = key) -> bool:
                response = self._client.delete_item(
                    TableName=self._table, Key=to_item(key), ReturnValues="ALL_OLD"
                )
                return bool(response.get("Attributes"))

            deleted += with_retries(delete, what="erasing a brand's announced state")
        return deleted

    def erase_brand_events_page(
        self,
        workspace: str,
        brand_id: str,
        subscription_id: str,
        kind: str,
        start: str | None,
        order: Sequence[str],
    ) -> tuple[int, str | None]:
        """One page of a subscription's attempt log (`kind` "attempts") or outbox ("deliveries"):
        the items about the brand's events are deleted (an erased brand). (deleted, where the
        next page starts or None.)

        Subscriptions are gone through in `order`, attempts before deliveries: an event is
        deleted with its delivery under the last subscription of `order` it went to, so it is
        still there to say whose it is while the others' items are read.
        """
        pk = attempt_pk if kind == "attempts" else delivery_pk
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": {":pk": to_attribute(pk(workspace, subscription_id))},
            "ProjectionExpression": "PK, SK, event_id",
            "Limit": 100,
        }
        if start is not None:
            request["ExclusiveStartKey"] = json.loads(start)
        response = with_retries(lambda _: self._client.query(**request), what="reading events")
        page = [from_item(raw) for raw in response.get("Items", [])]
        events = self._event_owners(
            workspace, {str(i["event_id"]) for i in page if "event_id" in i}
        )
        doomed: list[dict[str, Any]] = []
        for item in page:
            event = events.get(str(item.get("event_id")))
            if event is None or event.get("brand_id") != brand_id:
                continue
            doomed.append({"PK": item["PK"], "SK": item["SK"]})
            went_to = set(event.get("subscription_ids") or []) & set(order)
            if kind == "deliveries" and subscription_id == max(went_to, default=subscription_id):
                doomed.append({"PK": event_pk(workspace, event["event_id"]), "SK": EVENT_SK})
        unique = list({(k["PK"], k["SK"]): k for k in doomed}.values())
        for first in range(0, len(unique), 25):
            batch: Any = {
                self._table: [
                    {"DeleteRequest": {"Key": to_item(key)}} for key in unique[first : first + 25]
                ]
            }

            def write(_: int) -> None:
                nonlocal batch
                answer = self._client.batch_write_item(RequestItems=batch)
                batch = answer.get("UnprocessedItems") or {}
                if batch:
                    raise RetryLater("DynamoDB left deletes unprocessed")

            with_retries(write, what="erasing events", attempts=8)
        last = response.get("LastEvaluatedKey")
        return len(unique), json.dumps(last) if last else None

    def _event_owners(self, workspace: str, event_ids: set[str]) -> dict[str, dict[str, Any]]:
        """event id -> {event_id, brand_id, subscription_ids} of the events that exist."""
        found: dict[str, dict[str, Any]] = {}
        ids = sorted(event_ids)
        for first in range(0, len(ids), 100):
            request: Any = {
                self._table: {
                    "Keys": [
                        to_item({"PK": event_pk(workspace, event_id), "SK": EVENT_SK})
                        for event_id in ids[first : first + 100]
                    ],
                    "ProjectionExpression": "event_id, brand_id, subscription_ids",
                    "ConsistentRead": True,
                }
            }

            def read(_: int) -> None:
                nonlocal request
                response = self._client.batch_get_item(RequestItems=request)
                for raw in response.get("Responses", {}).get(self._table, []):
                    item = from_item(raw)
                    found[str(item["event_id"])] = item
                request = response.get("UnprocessedKeys") or {}
                if request:
                    raise RetryLater("DynamoDB left keys unprocessed")

            with_retries(read, what="reading events")
        return found

    def active_brands(self) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        start: dict[str, Any] | None = None
        while True:
            request: dict[str, Any] = {
                "TableName": self._table,
                "KeyConditionExpression": "PK = :pk",
                "ExpressionAttributeValues": {":pk": to_attribute(ACTIVE_PK)},
            }
            if start:
                request["ExclusiveStartKey"] = start
            response = self._client.query(**request)
            for raw in response.get("Items", []):
                item = from_item(raw)
                found.append((item["workspace"], item["brand_id"]))
            start = response.get("LastEvaluatedKey")
            if not start:
                return found

    # --- events and the outbox ------------------------------------------------------------

    def write_events(
        self, workspace: str, events: Sequence[NewEvent], state: StateWrite | None = None
    ) -> None:
        """Events, their deliveries (the outbox) and the announced state: all or nothing."""
        actions: list[TransactWriteItemTypeDef] = []
        if state is not None:
            actions.extend(self._state_actions(workspace, state))
        state_actions = len(actions)
        event_index: dict[int, str] = {}
        for event in events:
            event_index[len(actions)] = event.event_id
            actions.append(self._event_action(workspace, event))
            for delivery in event.deliveries:
                actions.append(
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": to_item(self._delivery_item(workspace, event, delivery)),
                        }
                    }
                )
        if len(actions) > MAX_TRANSACTION_ITEMS:
            raise ValueError(f"{len(actions)} actions do not fit one transaction")
        try:
            with_retries(
                lambda _: self._client.transact_write_items(TransactItems=actions),
                what="writing events",
            )
        except ClientError as error:
            reasons = cancellation_reasons(error)
            if not reasons:
                raise
            if any(r == "ConditionalCheckFailed" for r in reasons[:state_actions]):
                raise AnnouncedStateChangedError from None
            existing = [
                event_index[i]
                for i, reason in enumerate(reasons)
                if reason == "ConditionalCheckFailed" and i in event_index
            ]
            if existing:
                raise EventAlreadyWrittenError(existing) from None
            raise

    def _state_actions(self, workspace: str, state: StateWrite) -> list[TransactWriteItemTypeDef]:
        names = {f"#f{i}": name for i, name in enumerate(state.values)}
        values = {f":v{i}": to_attribute(v) for i, v in enumerate(state.values.values())}
        sets = ", ".join(f"#f{i} = :v{i}" for i in range(len(names)))
        if state.expected_sequence is None:
            condition = "attribute_not_exists(PK)"
        else:
            condition = "#seq = :expected"
            names["#seq"] = "sequence"
            values[":expected"] = to_attribute(state.expected_sequence)
        update: TransactWriteItemTypeDef = {
            "Update": {
                "TableName": self._table,
                "Key": to_item({"PK": workspace_pk(workspace), "SK": announced_sk(state.brand_id)}),
                "UpdateExpression": f"SET {sets}",
                "ConditionExpression": condition,
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        }
        active_key = {"PK": ACTIVE_PK, "SK": f"{workspace}#{state.brand_id}"}
        marker: TransactWriteItemTypeDef
        if state.active:
            marker = {
                "Put": {
                    "TableName": self._table,
                    "Item": to_item(
                        {**active_key, "workspace": workspace, "brand_id": state.brand_id}
                    ),
                }
            }
        else:
            marker = {"Delete": {"TableName": self._table, "Key": to_item(active_key)}}
        return [update, marker]

    def _event_action(self, workspace: str, event: NewEvent) -> TransactWriteItemTypeDef:
        item = {
            "PK": event_pk(workspace, event.event_id),
            "SK": EVENT_SK,
            "event_id": event.event_id,
            "type": event.event_type,
            "created_at": event.created_at,
            "body": event.body,
            "brand_id": event.brand_id,
            "sequence": event.sequence,
            "subscription_ids": [d.subscription_id for d in event.deliveries],
            "expires_at": event.expires_at,
        }
        put: dict[str, Any] = {"TableName": self._table, "Item": to_item(item)}
        if event.once:
            put["ConditionExpression"] = "attribute_not_exists(PK)"
        return {"Put": put}  # type: ignore[typeddict-item]

    def _delivery_item(
        self, workspace: str, event: NewEvent, delivery: NewDelivery
    ) -> dict[str, Any]:
        return {
            "PK": delivery_pk(workspace, delivery.subscription_id),
            "SK": event.delivery_sk,
            "kind": DELIVERY_KIND,
            "workspace": workspace,
            "subscription_id": delivery.subscription_id,
            "event_id": event.event_id,
            "event_type": event.event_type,
            "created_at": event.created_at,
            "state": delivery.state,
            "attempts": 0,
            "round": 1,
            "round_attempts": 0,
            "expires_at": event.expires_at,
        }

    def get_event(self, workspace: str, event_id: str) -> dict[str, Any] | None:
        response = self._client.get_item(
            TableName=self._table,
            Key=to_item({"PK": event_pk(workspace, event_id), "SK": EVENT_SK}),
        )
        raw = response.get("Item")
        return from_item(raw) if raw else None

    # --- deliveries -----------------------------------------------------------------------

    def get_delivery(self, key: DeliveryKey) -> dict[str, Any] | None:
        response = self._client.get_item(
            TableName=self._table,
            Key=to_item({"PK": delivery_pk(key.workspace, key.subscription_id), "SK": key.sk}),
            ConsistentRead=True,
        )
        raw = response.get("Item")
        return from_item(raw) if raw else None

    def update_delivery(
        self,
        key: DeliveryKey,
        values: Mapping[str, Any],
        *,
        expect_state: str | None = None,
        expect_attempts: int | None = None,
        remove: Sequence[str] = (),
    ) -> bool:
        """Set `values` if the delivery is still as read (state, attempt count); True if done."""
        names = {f"#f{i}": name for i, name in enumerate(values)}
        attribute_values = {f":v{i}": to_attribute(v) for i, v in enumerate(values.values())}
        expression = "SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(values)))
        if remove:
            removed = {f"#r{i}": name for i, name in enumerate(remove)}
            names |= removed
            expression += " REMOVE " + ", ".join(removed)
        conditions = ["attribute_exists(PK)"]
        if expect_state is not None:
            names["#state"] = "state"
            attribute_values[":expect_state"] = to_attribute(expect_state)
            conditions.append("#state = :expect_state")
        if expect_attempts is not None:
            names["#attempts"] = "attempts"
            attribute_values[":expect_attempts"] = to_attribute(expect_attempts)
            conditions.append("#attempts = :expect_attempts")
        try:
            with_retries(
                lambda _: self._client.update_item(
                    TableName=self._table,
                    Key=to_item(
                        {"PK": delivery_pk(key.workspace, key.subscription_id), "SK": key.sk}
                    ),
                    UpdateExpression=expression,
                    ConditionExpression=" AND ".join(conditions),
                    ExpressionAttributeNames=names,
                    ExpressionAttributeValues=attribute_values,
                ),
                what="updating a delivery",
            )
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def deliveries_since(
        self, workspace: str, subscription_id: str, since: str
    ) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        start: dict[str, Any] | None = None
        while True:
            request: dict[str, Any] = {
                "TableName": self._table,
                "KeyConditionExpression": "PK = :pk AND SK >= :since",
                "ExpressionAttributeValues": {
                    ":pk": to_attribute(delivery_pk(workspace, subscription_id)),
                    ":since": to_attribute(f"D#{since}"),
                },
            }
            if start:
                request["ExclusiveStartKey"] = start
            response = self._client.query(**request)
            found.extend(from_item(raw) for raw in response.get("Items", []))
            start = response.get("LastEvaluatedKey")
            if not start:
                return found

    # --- attempt log ----------------------------------------------------------------------

    def put_attempt(
        self, workspace: str, subscription_id: str, sk: str, values: Mapping[str, Any]
    ) -> None:
        item = {"PK": attempt_pk(workspace, subscription_id), "SK": sk, **values}
        with_retries(
            lambda _: self._client.put_item(TableName=self._table, Item=to_item(item)),
            what="logging an attempt",
        )

    def list_attempts(
        self, workspace: str, subscription_id: str, limit: int, before_sk: str | None
    ) -> tuple[list[dict[str, Any]], bool]:
        pk = attempt_pk(workspace, subscription_id)
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": {":pk": to_attribute(pk)},
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if before_sk:
            request["ExclusiveStartKey"] = to_item({"PK": pk, "SK": before_sk})
        response = self._client.query(**request)
        items = [from_item(raw) for raw in response.get("Items", [])]
        return items, bool(items) and "LastEvaluatedKey" in response
