"""Subscriptions (CRUD, secrets, test, log, resend, recover) and announcing brand changes.

`announce` is the one call ingest and the scheduled re-assessment make: it compares the brand's
new assessment with its last announced state and, when the tier or stage moved (or a mention
escalated), writes the events and one outbox row per matching subscription in the same
transaction as the conditional update of that state. Nothing here sends anything: the
dispatcher (`api.subscriptions.dispatcher`) is started by the outbox rows, so the ingest path
never loads an HTTP client.
"""

from __future__ import annotations

import base64
import builtins
import json
import logging
import re
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from api import observability
from api.brands.schemas import Brand
from api.engine.schemas import BrandRiskAssessment
from api.pagination import InvalidCursor, decode_cursor, encode_cursor
from api.problems import Conflict, InvalidParam, NotFound, ServiceBusy, ValidationFailed
from api.settings import Settings
from api.storage.keys import format_instant
from api.subscriptions import events as ev
from api.subscriptions.announcer import Subscribers, TriagedMention
from api.subscriptions.repository import (
    IN_FLIGHT,
    MAX_TRANSACTION_ITEMS,
    AnnouncedStateChangedError,
    DeliveryKey,
    EventAlreadyWrittenError,
    NewDelivery,
    NewEvent,
    StateWrite,
    SubscriptionChangedError,
    SubscriptionRepository,
)
from api.subscriptions.schemas import (
    DeliveryAttempt,
    DeliveryAttemptList,
    DeliveryFormat,
    DisabledReason,
    EventType,
    QueuedEvent,
    RecoverResult,
    Subscription,
    SubscriptionCreate,
    SubscriptionList,
    SubscriptionUpdate,
    SubscriptionWithSecret,
)
from api.subscriptions.secrets import MasterKey, derive_secret, key_id_of, new_credential_id
from api.subscriptions.ssrf import (
    RESOLVE_TIMEOUT_SECONDS,
    LookupTimedOut,
    UnsafeURLError,
    allowed_networks,
    check_url,
)
from api.workspaces.service import Principal

log = logging.getLogger(__name__)

_SUBSCRIPTION_ID: Final = re.compile(r"sub_[a-z2-7]{20}")
_EVENT_ID: Final = re.compile(r"evt_[a-z2-7]{24}")
_ATTEMPT_POSITION: Final = re.compile(r"^\d{4}-\d\d-\d\dT[\d:.]{15}Z#evt_[a-z2-7]{24}#\d{1,4}$")
_ANNOUNCE_ROUNDS: Final = 6
_UPDATE_ROUNDS: Final = 3
MAX_RECOVER: Final = 1000


@dataclass(frozen=True, slots=True)
class OwnedSubscription:
    """A subscription as read for a caller of its workspace (the router's `SubscriptionDep`).

    The service's per-subscription methods take one, or a bare id (then they read it): a
    route reads the subscription once, in its dependency, and never again.
    """

    workspace: str
    record: Mapping[str, Any]

    @property
    def id(self) -> str:
        return str(self.record["subscription_id"])


SubscriptionRef = str | OwnedSubscription


def new_subscription_id() -> str:
    return "sub_" + base64.b32encode(secrets.token_bytes(15)).decode().lower()[:20]


def _subscription_from(record: Mapping[str, Any], now: datetime | None = None) -> Subscription:
    previous = record.get("previous") or {}
    expires = previous.get("expires_at")
    now_ts = (now or datetime.now(UTC)).timestamp()
    return Subscription(
        id=record["subscription_id"],
        url=record["url"],
        events=[EventType(e) for e in record["events"]],
        brand_ids=record.get("brand_ids"),
        description=record.get("description", ""),
        format=DeliveryFormat(record["format"]),
        enabled=bool(record["enabled"]),
        disabled_reason=record.get("disabled_reason"),
        disabled_at=record.get("disabled_at"),
        previous_secret_expires_at=(
            datetime.fromtimestamp(expires, UTC) if expires and expires > now_ts else None
        ),
        created_at=record["created_at"],
        updated_at=record["updated_at"],
    )


def _changed(subscription_id: str) -> Conflict:
    return Conflict(
        f"Subscription '{subscription_id}' was changed or deleted by another request (or by "
        "the dispatcher, which disables failing ones): read it again and retry."
    )


def matches(record: Mapping[str, Any], event_type: str, brand_id: str | None) -> bool:
    if event_type not in record["events"]:
        return False
    brands = record.get("brand_ids")
    return brand_id is None or brands is None or brand_id in brands


class SubscriptionService:
    def __init__(
        self,
        repository: SubscriptionRepository,
        settings: Settings,
        master_key: MasterKey,
        *,
        clock: Callable[[], float] = time.monotonic,
        subscribers: Subscribers | None = None,
    ) -> None:
        self._repository = repository
        self._settings = settings
        self._master_key = master_key
        # What `announce` reads on every ingest, cached for `subscription_cache_seconds`; shared
        # with the ingest-side announcer (api/subscriptions/announcer.py) when it is handed over.
        self._subscribers = subscribers or Subscribers(
            repository, settings.subscription_cache_seconds, clock=clock
        )

    @property
    def repository(self) -> SubscriptionRepository:
        return self._repository

    @property
    def settings(self) -> Settings:
        return self._settings

    # --- CRUD -----------------------------------------------------------------------------

    def forget_brand(self, workspace: str, brand_id: str) -> tuple[int, int]:
        """An erased brand (api/erasure), once its events are erased: out of every
        subscription's `brand_ids`, and its announced state deleted. A subscription that named
        only this brand is deleted: left with an empty filter it would match nothing, and
        widened to null it would receive every other brand's events. (subscriptions changed,
        other items deleted)."""
        changed = 0
        self._changed_subscriptions(workspace)
        for record in self._repository.all_subscriptions(workspace):
            for _ in range(3):  # a concurrent PATCH wins; read it again and retry
                brands = record.get("brand_ids")
                if brands is None or brand_id not in brands:
                    break
                remaining = [b for b in brands if b != brand_id]
                subscription_id = record["subscription_id"]
                if not remaining:
                    self._repository.delete_subscription(workspace, subscription_id)
                    log.info("subscription %s deleted with brand %s", subscription_id, brand_id)
                    changed += 1
                    break
                read_at = record["updated_at"]
                values = {
                    k: v for k, v in record.items() if k not in ("PK", "SK", "kind", "workspace")
                }
                values["brand_ids"] = remaining
                values["updated_at"] = format_instant(datetime.now(UTC))
                try:
                    self._repository.put_subscription(
                        workspace, values, new=False, expected_updated_at=read_at
                    )
                    changed += 1
                    break
                except SubscriptionChangedError:
                    fresh = self._repository.get_subscription(workspace, subscription_id)
                    if fresh is None:
                        break
                    record = fresh
        return changed, self._repository.delete_brand_state(workspace, brand_id)

    def subscription_ids(self, workspace: str) -> list[str]:
        """The workspace's subscriptions, in the order an erasure goes through their events."""
        return sorted(r["subscription_id"] for r in self._repository.all_subscriptions(workspace))

    def erase_brand_events_page(
        self,
        workspace: str,
        brand_id: str,
        subscription_id: str,
        kind: str,
        start: str | None,
        order: Sequence[str],
    ) -> tuple[int, str | None]:
        """One page of an erased brand's events under a subscription (see the repository)."""
        return self._repository.erase_brand_events_page(
            workspace, brand_id, subscription_id, kind, start, order
        )

    def _check_url(self, url: str, *, resolve: bool = False) -> None:
        try:
            check_url(url, allowed_networks(self._settings.outbound_allow_cidrs), resolve=resolve)
        except UnsafeURLError as error:
            raise ValidationFailed(
                f"url: {error}", invalid_params=[InvalidParam(name="url", reason=str(error))]
            ) from None

    def create(self, principal: Principal, body: SubscriptionCreate) -> SubscriptionWithSecret:
        self._check_url(body.url)
        existing, _ = self._repository.list_subscriptions(
            principal.workspace, self._settings.max_subscriptions_per_workspace
        )
        if len(existing) >= self._settings.max_subscriptions_per_workspace:
            raise Conflict(
                f"A workspace holds at most {self._settings.max_subscriptions_per_workspace} "
                "subscriptions: delete one first."
            )
        now = format_instant(datetime.now(UTC))
        subscription_id = new_subscription_id()
        credential = {"credential_id": new_credential_id(), "key_id": self._master_key.key_id()}
        record: dict[str, Any] = {
            "subscription_id": subscription_id,
            "url": body.url,
            "events": [e.value for e in body.events],
            "brand_ids": body.brand_ids,
            "description": body.description,
            "format": body.format.value,
            "enabled": True,
            "created_at": now,
            "updated_at": now,
            "current": credential,
        }
        self._repository.put_subscription(principal.workspace, record, new=True)
        self._changed_subscriptions(principal.workspace)
        log.info("subscription created: %s in %s", subscription_id, principal.workspace)
        secret = derive_secret(self._master_key.get(), subscription_id, credential["credential_id"])
        return SubscriptionWithSecret(**_subscription_from(record).model_dump(), secret=secret)

    def owned(self, principal: Principal, subscription_id: str) -> OwnedSubscription:
        """The subscription if it is the principal's workspace's; `NotFound` otherwise."""
        record = (
            self._repository.get_subscription(principal.workspace, subscription_id)
            if _SUBSCRIPTION_ID.fullmatch(subscription_id)
            else None
        )
        if record is None:
            raise NotFound(f"Subscription '{subscription_id}' does not exist in this workspace.")
        return OwnedSubscription(principal.workspace, record)

    def _owned(self, principal: Principal, subscription: SubscriptionRef) -> dict[str, Any]:
        if isinstance(subscription, OwnedSubscription):
            if subscription.workspace == principal.workspace:
                return dict(subscription.record)
            subscription = subscription.id
        return dict(self.owned(principal, subscription).record)

    def get(self, principal: Principal, subscription: SubscriptionRef) -> Subscription:
        return _subscription_from(self._owned(principal, subscription))

    def list(self, principal: Principal, limit: int, cursor: str | None) -> SubscriptionList:
        after = decode_cursor(cursor, "subscription") if cursor else None
        if after is not None and not _SUBSCRIPTION_ID.fullmatch(after):
            raise InvalidCursor("The cursor is malformed or belongs to another listing.")
        items, more = self._repository.list_subscriptions(principal.workspace, limit, after)
        return SubscriptionList(
            items=[_subscription_from(item) for item in items],
            next_cursor=encode_cursor("subscription", items[-1]["subscription_id"])
            if more
            else None,
        )

    def update(
        self, principal: Principal, subscription: SubscriptionRef, body: SubscriptionUpdate
    ) -> Subscription:
        """Change only the fields given (one conditional UpdateItem, never a whole-item put).

        The dispatcher writes `failing_since` and disables failing subscriptions on the same
        item without reading what a user sends: naming only the changed attributes keeps both
        writers' fields. A change of `enabled` is conditional on the state read (re-read and
        re-applied when it moved); re-enabling resets the failure tracking on purpose, so the
        days failed before a pause never disable the subscription again at its first failure.
        """
        given = body.model_fields_set
        for name in ("url", "events", "description"):
            if name in given and getattr(body, name) is None:
                raise ValidationFailed(
                    f"{name}: may not be null.",
                    invalid_params=[InvalidParam(name=name, reason="null")],
                )
        record = self._owned(principal, subscription)
        subscription_id = record["subscription_id"]
        values: dict[str, Any] = {}
        remove: builtins.list[str] = []
        if body.url is not None:
            self._check_url(body.url)
            values["url"] = body.url
        if body.events is not None:
            values["events"] = [e.value for e in body.events]
        if body.brand_ids is not None:
            values["brand_ids"] = body.brand_ids
        elif "brand_ids" in given:
            remove.append("brand_ids")  # every brand: stored as no attribute, like at creation
        if body.description is not None:
            values["description"] = body.description
        for _ in range(_UPDATE_ROUNDS):
            now = format_instant(datetime.now(UTC))
            changes = {**values, "updated_at": now}
            removed = list(remove)
            expect: dict[str, Any] = {}
            if body.enabled is not None and body.enabled != bool(record["enabled"]):
                expect["enabled"] = bool(record["enabled"])
                changes["enabled"] = body.enabled
                if body.enabled:
                    removed += ["disabled_reason", "disabled_at", "failing_since"]
                else:
                    changes["disabled_reason"] = DisabledReason.by_user.value
                    changes["disabled_at"] = now
            try:
                updated = self._repository.update_subscription(
                    principal.workspace, subscription_id, changes, remove=removed, expect=expect
                )
            except SubscriptionChangedError:
                fresh = self._repository.get_subscription(principal.workspace, subscription_id)
                if fresh is None:
                    raise NotFound(
                        f"Subscription '{subscription_id}' does not exist in this workspace."
                    ) from None
                record = fresh
                continue
            self._changed_subscriptions(principal.workspace)
            return _subscription_from(updated)
        raise _changed(subscription_id)

    def delete(self, principal: Principal, subscription: SubscriptionRef) -> None:
        subscription_id = self._owned(principal, subscription)["subscription_id"]
        deleted = self._repository.delete_subscription(principal.workspace, subscription_id)
        self._changed_subscriptions(principal.workspace)
        if not deleted:
            raise NotFound(f"Subscription '{subscription_id}' does not exist in this workspace.")

    def rotate_secret(
        self, principal: Principal, subscription: SubscriptionRef, overlap_seconds: int | None
    ) -> SubscriptionWithSecret:
        record = self._owned(principal, subscription)
        subscription_id = record["subscription_id"]
        overlap = (
            self._settings.subscription_rotation_overlap_seconds
            if overlap_seconds is None
            else overlap_seconds
        )
        now = datetime.now(UTC)
        previous = dict(record["current"])
        previous["expires_at"] = int(now.timestamp()) + overlap
        record["previous"] = previous
        record["current"] = {
            "credential_id": new_credential_id(),
            "key_id": self._master_key.key_id(),
        }
        try:
            # Conditional on the credential read: of two concurrent rotations one wins, the
            # other is a 409, and no caller holds a secret that nothing signs with.
            updated = self._repository.update_subscription(
                principal.workspace,
                subscription_id,
                {
                    "current": record["current"],
                    "previous": record["previous"],
                    "updated_at": format_instant(now),
                },
                expect={"current.credential_id": previous["credential_id"]},
            )
        except SubscriptionChangedError:
            raise _changed(subscription_id) from None
        secret = derive_secret(
            self._master_key.get(), subscription_id, updated["current"]["credential_id"]
        )
        return SubscriptionWithSecret(
            **_subscription_from(updated, now).model_dump(), secret=secret
        )

    def signing_secrets(self, record: Mapping[str, Any], now: float) -> builtins.list[str]:
        """The secrets that sign a delivery now: the current one, the previous during overlap."""
        master = self._master_key.get()
        key_id = key_id_of(master)
        found = []
        for name in ("current", "previous"):
            credential = record.get(name)
            if not credential:
                continue
            if name == "previous" and credential.get("expires_at", 0) <= now:
                continue
            if credential.get("key_id") not in (None, key_id):
                log.warning(
                    "subscription %s has a secret derived from another VIGIE_SECRETS_KEY",
                    record["subscription_id"],
                )
            found.append(
                derive_secret(master, record["subscription_id"], credential["credential_id"])
            )
        return found

    # --- test, log, resend, recover --------------------------------------------------------

    def send_test(self, principal: Principal, subscription: SubscriptionRef) -> QueuedEvent:
        record = self._owned(principal, subscription)
        subscription_id = record["subscription_id"]
        try:
            check_url(
                record["url"], allowed_networks(self._settings.outbound_allow_cidrs), resolve=True
            )
        except LookupTimedOut:
            # The resolver, not the URL, failed us: nothing is known of the host yet.
            raise ServiceBusy(
                f"The name lookup of subscription '{subscription_id}''s host took longer than "
                f"{RESOLVE_TIMEOUT_SECONDS:g} s; nothing was queued. Retry after the delay in "
                "`Retry-After`.",
                retry_after_seconds=5,
            ) from None
        except UnsafeURLError as error:
            # The request is fine; the stored URL no longer is (DNS changed): a state conflict,
            # like a disabled subscription, not a 422 on a request without a body.
            raise Conflict(
                f"Subscription '{subscription_id}' cannot be reached now: {error} "
                "Change its `url` (PATCH) first."
            ) from None
        if not record["enabled"]:
            raise Conflict(f"Subscription '{subscription_id}' is disabled: enable it first.")
        now = datetime.now(UTC)
        event_id = ev.random_event_id()
        body = ev.envelope(
            EventType.subscription_test,
            now,
            {"subscription_id": subscription_id, "message": "Vigie can reach this endpoint."},
        )
        event = self._new_event(
            event_id, EventType.subscription_test, now, body, None, None,
            [NewDelivery(subscription_id, "queued")],
        )  # fmt: skip
        self._repository.write_events(principal.workspace, [event])
        return QueuedEvent(event_id=event_id, subscription_ids=[subscription_id])

    def deliveries(
        self, principal: Principal, subscription: SubscriptionRef, limit: int, cursor: str | None
    ) -> DeliveryAttemptList:
        subscription_id = self._owned(principal, subscription)["subscription_id"]
        before = decode_cursor(cursor, "attempt") if cursor else None
        if before is not None and not _ATTEMPT_POSITION.fullmatch(before):
            raise InvalidCursor("The cursor is malformed or belongs to another listing.")
        items, more = self._repository.list_attempts(
            principal.workspace, subscription_id, limit, before
        )
        return DeliveryAttemptList(
            items=[
                DeliveryAttempt(
                    event_id=item["event_id"],
                    event_type=item["event_type"],
                    attempt=item["attempt"],
                    attempted_at=item["attempted_at"],
                    status_code=item.get("status_code"),
                    latency_ms=item["latency_ms"],
                    response_excerpt=item.get("response_excerpt", ""),
                    error=item.get("error"),
                    next_retry_at=item.get("next_retry_at"),
                    state=item["state"],
                )
                for item in items
            ],
            next_cursor=encode_cursor("attempt", items[-1]["SK"]) if more else None,
        )

    def resend(self, principal: Principal, event_id: str) -> QueuedEvent:
        event = (
            self._repository.get_event(principal.workspace, event_id)
            if _EVENT_ID.fullmatch(event_id)
            else None
        )
        if event is None:
            raise NotFound(f"Event '{event_id}' does not exist in this workspace.")
        queued = []
        sk = f"D#{event['created_at']}#{event_id}"
        for subscription_id in event.get("subscription_ids", []):
            record = self._repository.get_subscription(principal.workspace, subscription_id)
            if record is None or not record["enabled"]:
                continue
            if self.requeue(DeliveryKey(principal.workspace, subscription_id, sk)):
                queued.append(subscription_id)
        return QueuedEvent(event_id=event_id, subscription_ids=queued)

    def recover(
        self, principal: Principal, subscription: SubscriptionRef, since: datetime
    ) -> RecoverResult:
        record = self._owned(principal, subscription)
        subscription_id = record["subscription_id"]
        if not record["enabled"]:
            raise Conflict(
                f"Subscription '{subscription_id}' is disabled: enable it (PATCH `enabled`) "
                "before recovering what it missed."
            )
        try:
            since_key = format_instant(since)
        except (OverflowError, ValueError):
            raise ValidationFailed(
                "since: not a representable UTC instant.",
                invalid_params=[InvalidParam(name="since", reason="out of range")],
            ) from None
        queued: list[str] = []
        for delivery in self._repository.deliveries_since(
            principal.workspace, subscription_id, since_key
        ):
            if delivery["state"] not in ("dead_lettered", "skipped"):
                continue
            key = DeliveryKey(principal.workspace, subscription_id, delivery["SK"])
            if self.requeue(key, expect_state=delivery["state"]):
                queued.append(delivery["event_id"])
            if len(queued) >= MAX_RECOVER:
                break
        return RecoverResult(queued=len(queued), event_ids=queued[:100])

    def requeue(self, key: DeliveryKey, expect_state: str | None = None) -> bool:
        """Queue a delivery again (a new round of attempts); an in-flight one is left alone."""
        delivery = self._repository.get_delivery(key)
        if delivery is None or delivery["state"] in IN_FLIGHT:
            return False
        return self._repository.update_delivery(
            key,
            {
                "state": "queued",
                "round": int(delivery.get("round", 1)) + 1,
                "round_attempts": 0,
                "updated_at": format_instant(datetime.now(UTC)),
            },
            expect_state=expect_state or delivery["state"],
            expect_attempts=int(delivery.get("attempts", 0)),
            remove=("next_attempt_at", "lease_until"),
        )

    # --- events ----------------------------------------------------------------------------

    def _new_event(
        self,
        event_id: str,
        event_type: EventType,
        at: datetime,
        body: str,
        brand_id: str | None,
        sequence: int | None,
        deliveries: Sequence[NewDelivery],
        *,
        once: bool = True,
    ) -> NewEvent:
        retention = timedelta(days=self._settings.subscription_event_retention_days)
        return NewEvent(
            event_id=event_id,
            event_type=event_type.value,
            created_at=format_instant(at),
            body=body,
            brand_id=brand_id,
            sequence=sequence,
            deliveries=deliveries,
            expires_at=int((at + retention).timestamp()),
            once=once,
        )

    def notify_disabled(
        self, workspace: str, record: Mapping[str, Any], reason: DisabledReason, at: datetime
    ) -> None:
        """`subscription.disabled` to the workspace's other subscriptions that asked for it."""
        self._changed_subscriptions(workspace)
        others = [
            NewDelivery(other["subscription_id"], "queued" if other["enabled"] else "skipped")
            for other in self._repository.all_subscriptions(workspace)
            if other["subscription_id"] != record["subscription_id"]
            and matches(other, EventType.subscription_disabled.value, None)
        ]
        if not others:
            return
        event_id = ev.random_event_id()
        body = ev.envelope(
            EventType.subscription_disabled,
            at,
            {
                "subscription_id": record["subscription_id"],
                "url": record["url"],
                "reason": reason.value,
                "disabled_at": format_instant(at),
            },
        )
        self._repository.write_events(
            workspace,
            [
                self._new_event(
                    event_id, EventType.subscription_disabled, at, body, None, None, others
                )
            ],
        )

    def _changed_subscriptions(self, workspace: str) -> None:
        self._subscribers.forget(workspace)

    def announce(
        self,
        workspace: str,
        brand: Brand,
        assessment: BrandRiskAssessment,
        mentions: Sequence[TriagedMention] = (),
        now: datetime | None = None,
    ) -> builtins.list[str]:
        """Announce what changed for the brand (once, whoever calls); the ids of events written."""
        subscribers = self._subscribers.of_brand(workspace, brand.id)
        if not subscribers:
            return []
        threshold = (
            brand.settings.escalation_risk
            if brand.settings.escalation_risk is not None
            else self._settings.escalation_risk
        )
        escalated = {m.mention_id: m for m in mentions if ev.escalates(m.triage, threshold)}
        at = now or datetime.now(UTC)
        current = ev.state_of(assessment)
        as_of = format_instant(assessment.as_of)
        written: builtins.list[str] = []
        for _ in range(_ANNOUNCE_ROUNDS):
            stored = self._repository.get_announced(workspace, brand.id)
            previous = stored or ev.INITIAL_STATE
            sequence = int(stored["sequence"]) if stored else 0
            stale = stored is not None and str(stored.get("as_of", "")) > as_of
            types = [] if stale else ev.changes(previous, current)
            if not types and not escalated:
                return written
            planned: list[tuple[EventType, int, str, str]] = []  # type, sequence, id, body
            brand_ref = {"id": brand.id, "name": brand.name}
            for event_type in types:
                sequence += 1
                data = ev.brand_change_data(
                    brand_ref, previous, assessment, sequence, self._settings.public_base_url
                )
                planned.append(
                    (
                        event_type,
                        sequence,
                        ev.brand_event_id(workspace, brand.id, sequence, event_type.value),
                        ev.envelope(event_type, at, data),
                    )
                )
            for mention_id, item in escalated.items():
                sequence += 1
                planned.append(
                    (
                        EventType.mention_escalated,
                        sequence,
                        ev.escalation_event_id(workspace, brand.id, mention_id),
                        ev.envelope(
                            EventType.mention_escalated,
                            at,
                            self._escalation_data(brand_ref, item, sequence),
                        ),
                    )
                )
            new_state = current if types else {k: previous[k] for k in current}
            try:
                written += self._write_announcement(
                    workspace, brand.id, stored, new_state, as_of, planned, subscribers, at
                )
                # Counted once, by whoever wrote the announcement (brands with subscribers).
                observability.count("TierChanges", types.count(EventType.brand_tier_changed))
                return written
            except AnnouncedStateChangedError:
                continue
            except EventAlreadyWrittenError as error:
                for mention_id in [
                    m for m in escalated
                    if ev.escalation_event_id(workspace, brand.id, m) in error.event_ids
                ]:  # fmt: skip
                    escalated.pop(mention_id)
        log.warning(
            "brand %s/%s: announcement kept conflicting; left to the next", workspace, brand.id
        )
        return written

    def _escalation_data(
        self, brand_ref: Mapping[str, str], item: TriagedMention, sequence: int
    ) -> dict[str, Any]:
        mention = item.mention
        return {
            "brand": dict(brand_ref),
            "mention": {
                "id": item.mention_id,
                "external_id": mention.external_id,
                "source": mention.source,
                "network": mention.network.value,
                "url": mention.url,
                "author": mention.author.handle if mention.author else None,
                "text": (mention.text or mention.title or "")[: ev.MAX_MENTION_TEXT],
                "published_at": format_instant(mention.published_at),
            },
            "triage": json.loads(item.triage.model_dump_json()),
            "link": ev.mention_link(
                self._settings.public_base_url, brand_ref["id"], item.mention_id
            ),
            "console_link": ev.console_mention_link(
                self._settings.public_base_url, brand_ref["id"], item.mention_id
            ),
            "sequence": sequence,
        }

    def _write_announcement(
        self,
        workspace: str,
        brand_id: str,
        stored: Mapping[str, Any] | None,
        new_state: Mapping[str, Any],
        as_of: str,
        planned: Sequence[tuple[EventType, int, str, str]],
        subscribers: Sequence[Mapping[str, Any]],
        at: datetime,
    ) -> builtins.list[str]:
        expected = int(stored["sequence"]) if stored else None
        chunks: list[list[NewEvent]] = [[]]
        last_sequence: list[int] = [expected or 0]
        size = 2
        for event_type, sequence, event_id, body in planned:
            deliveries = [
                NewDelivery(r["subscription_id"], "queued" if r["enabled"] else "skipped")
                for r in subscribers
                if matches(r, event_type.value, brand_id)
            ]
            event = self._new_event(event_id, event_type, at, body, brand_id, sequence, deliveries)
            cost = 1 + len(deliveries)
            if size + cost > MAX_TRANSACTION_ITEMS and chunks[-1]:
                chunks.append([])
                last_sequence.append(last_sequence[-1])
                size = 2
            if deliveries:
                chunks[-1].append(event)
                size += cost
            last_sequence[-1] = sequence
        written: builtins.list[str] = []
        for chunk, sequence in zip(chunks, last_sequence, strict=True):
            state = StateWrite(
                brand_id=brand_id,
                expected_sequence=expected,
                values={**new_state, "sequence": sequence, "as_of": as_of},
                active=not ev.is_resting(new_state),
            )
            self._repository.write_events(workspace, chunk, state)
            written += [event.event_id for event in chunk]
            expected = sequence
        return written
