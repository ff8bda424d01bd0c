"""Subscription resources and the events Vigie sends: names here are part of the public contract."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictBool, field_validator
from pydantic.json_schema import SkipJsonSchema

from api.brands.schemas import BrandId
from api.engine.schemas import Factor, Level, MentionTriage, Stage, Tier


class EventType(StrEnum):
    brand_tier_changed = "brand.tier_changed"
    brand_stage_changed = "brand.stage_changed"
    mention_escalated = "mention.escalated"
    subscription_test = "subscription.test"
    subscription_disabled = "subscription.disabled"


class DeliveryFormat(StrEnum):
    standard_webhooks = "standard_webhooks"
    slack = "slack"


class DisabledReason(StrEnum):
    by_user = "by_user"
    gone = "gone"  # the receiver answered 410 Gone
    failing = "failing"  # every attempt failed for `subscription_disable_after_days`


class DeliveryState(StrEnum):
    queued = "queued"
    sending = "sending"
    retrying = "retrying"
    delivered = "delivered"
    dead_lettered = "dead_lettered"
    skipped = "skipped"


SubscriptionUrl = Annotated[
    str,
    Field(
        min_length=8,
        max_length=2048,
        description="http(s) URL that receives the events; a Slack incoming-webhook URL for "
        "`format: slack`. Private, loopback and link-local addresses are refused.",
        examples=["https://hooks.example.com/vigie"],
    ),
]
EventTypes = Annotated[
    list[EventType],
    Field(min_length=1, max_length=5, description="The event types to send; at least one."),
]
BrandIds = Annotated[
    list[BrandId] | None,
    # At least one: an empty filter would match nothing, a subscription that never delivers.
    Field(
        min_length=1,
        max_length=100,
        description="Only these brands' events (at least one); null for every brand.",
    ),
]
Description = Annotated[str, Field(max_length=500)]


def _unique(values: list[Any] | None) -> list[Any] | None:
    return list(dict.fromkeys(values)) if values is not None else None


class SubscriptionCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "url": "https://hooks.example.com/vigie",
                    "events": ["brand.tier_changed", "mention.escalated"],
                    "brand_ids": ["acme"],
                    "description": "On-call channel",
                    "format": "standard_webhooks",
                }
            ]
        },
    )

    url: SubscriptionUrl
    events: EventTypes
    brand_ids: BrandIds = None
    description: Description = ""
    format: DeliveryFormat = DeliveryFormat.standard_webhooks

    _dedupe = field_validator("events", "brand_ids")(_unique)


class SubscriptionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"enabled": True}]})

    # Omit a field to keep it; null is refused for these (the document says so: no null branch).
    url: SubscriptionUrl | SkipJsonSchema[None] = None
    events: EventTypes | SkipJsonSchema[None] = None
    brand_ids: BrandIds = Field(
        default=None, description="Only these brands' events (at least one); null for every brand."
    )
    description: Description | SkipJsonSchema[None] = None
    # Strict: lax mode reads "yes", "off", 0 and 1 as booleans, so a typo would pause deliveries.
    enabled: StrictBool | None = Field(
        default=None, description="false pauses deliveries (events are kept as `skipped`)."
    )

    _dedupe = field_validator("events", "brand_ids")(_unique)


_SUBSCRIPTION_EXAMPLE: dict[str, Any] = {
    "id": "sub_7k2m4q6s8u2w4y6a3c5e",
    "url": "https://hooks.example.com/vigie",
    "events": ["brand.tier_changed", "mention.escalated"],
    "brand_ids": ["acme"],
    "description": "On-call channel",
    "format": "standard_webhooks",
    "enabled": True,
    "created_at": "2026-03-09T08:00:00Z",
    "updated_at": "2026-03-09T08:00:00Z",
}


class Subscription(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_SUBSCRIPTION_EXAMPLE]})

    id: str
    url: str
    events: list[EventType]
    brand_ids: list[str] | None
    description: str
    format: DeliveryFormat
    enabled: bool
    disabled_reason: DisabledReason | None = None
    disabled_at: AwareDatetime | None = None
    previous_secret_expires_at: AwareDatetime | None = Field(
        default=None, description="Until then the previous secret also signs each delivery."
    )
    created_at: AwareDatetime
    updated_at: AwareDatetime


class SubscriptionWithSecret(Subscription):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {**_SUBSCRIPTION_EXAMPLE, "secret": "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}
            ]
        }
    )

    secret: str = Field(
        description="The signing secret (`whsec_…`), shown only in this response: verify "
        "`webhook-signature` with it (Standard Webhooks)."
    )


class SubscriptionList(BaseModel):
    model_config = ConfigDict(
        # A cursor, not null: FastAPI drops null values from the document's examples.
        json_schema_extra={
            "examples": [
                {"items": [_SUBSCRIPTION_EXAMPLE], "next_cursor": "eyJrIjoic3Vic2NyaXB0aW9uIn0"}
            ]
        }
    )

    items: list[Subscription]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


class SecretRotation(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"overlap_seconds": 86400}]}
    )

    overlap_seconds: Annotated[int, Field(ge=0, le=7 * 24 * 3600)] | None = Field(
        default=None,
        description="How long the previous secret keeps signing alongside the new one "
        "(default 24 h; 0 drops it at once).",
    )


class QueuedEvent(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"event_id": "evt_2b4d6f8h2j4l6n8p3r5t7v9x", "subscription_ids": []}]
        }
    )

    event_id: str
    subscription_ids: list[str] = Field(description="The subscriptions it is (re)sent to.")


class RecoverResult(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"queued": 3, "event_ids": []}]})

    queued: int = Field(description="Failed or skipped events queued again.")
    event_ids: list[str]


class DeliveryAttempt(BaseModel):
    """One attempt to deliver one event to the subscription, newest first."""

    event_id: str
    event_type: EventType
    attempt: int = Field(ge=1, description="1 for the first try of a (re)send, then 2, 3, …")
    attempted_at: AwareDatetime
    status_code: int | None = Field(description="The receiver's status; null when none came.")
    latency_ms: int
    response_excerpt: str = Field(description="The first 2 KB of the receiver's answer.")
    error: str | None = Field(default=None, description="Timeout, refused address, …")
    next_retry_at: AwareDatetime | None = None
    state: DeliveryState = Field(description="The delivery's state after this attempt.")


_ATTEMPT_EXAMPLE: dict[str, Any] = {
    "event_id": "evt_2b4d6f8h2j4l6n8p3r5t7v9x",
    "event_type": "brand.tier_changed",
    "attempt": 2,
    "attempted_at": "2026-03-09T08:20:05Z",
    "status_code": 503,
    "latency_ms": 84,
    "response_excerpt": "upstream unavailable",
    "next_retry_at": "2026-03-09T08:25:05Z",
    "state": "retrying",
}


class DeliveryAttemptList(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"items": [_ATTEMPT_EXAMPLE], "next_cursor": "eyJrIjoiYXR0ZW1wdCJ9"}]
        }
    )

    items: list[DeliveryAttempt]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


# --- event payloads (OpenAPI `webhooks`) -----------------------------------------------------


class BrandRef(BaseModel):
    id: str
    name: str


class BrandState(BaseModel):
    tier: Tier
    stage: Stage
    score: int = Field(ge=0, le=100)
    level: Level


class MentionLinks(BaseModel):
    id: str
    link: str = Field(description="The mention in the API (`GET …/mentions/{mention_id}`).")
    console_link: str = Field(description="The mention's page in the console (`/app/…`).")


class BrandChangeData(BaseModel):
    brand: BrandRef
    link: str = Field(description="The brand's risk in the API (`GET …/brands/{brand_id}/risk`).")
    console_link: str = Field(description="The brand's page in the console (`/app/…`).")
    previous: BrandState
    new: BrandState
    top_factors: list[Factor] = Field(max_length=3)
    top_mentions: list[str] = Field(description="The ids of the mentions that weigh most.")
    top_mention_links: list[MentionLinks] = Field(
        description="The same mentions, in order, with their links (absolute when "
        "`VIGIE_PUBLIC_BASE_URL` is set, else paths)."
    )
    respond_by: AwareDatetime | None = Field(description="The playbook's first deadline.")
    as_of: AwareDatetime
    model_version: str
    sequence: int = Field(ge=1, description="Per brand, increasing: reorder with it.")


class EscalatedMention(BaseModel):
    id: str
    external_id: str
    source: str
    network: str | None = None
    url: str | None = None
    author: str | None = None
    text: str = Field(description="The mention's text, at most 500 characters.")
    published_at: AwareDatetime


class MentionEscalatedData(BaseModel):
    brand: BrandRef
    mention: EscalatedMention
    triage: MentionTriage
    link: str = Field(description="The mention in the API (`GET …/mentions/{mention_id}`).")
    console_link: str = Field(description="The mention's page in the console (`/app/…`).")
    sequence: int = Field(ge=1)


class SubscriptionTestData(BaseModel):
    subscription_id: str
    message: str


class SubscriptionDisabledData(BaseModel):
    subscription_id: str
    url: str
    reason: DisabledReason
    disabled_at: AwareDatetime


class _Envelope(BaseModel):
    timestamp: AwareDatetime


class BrandTierChangedEvent(_Envelope):
    type: Literal["brand.tier_changed"]
    data: BrandChangeData


class BrandStageChangedEvent(_Envelope):
    type: Literal["brand.stage_changed"]
    data: BrandChangeData


class MentionEscalatedEvent(_Envelope):
    type: Literal["mention.escalated"]
    data: MentionEscalatedData


class SubscriptionTestEvent(_Envelope):
    type: Literal["subscription.test"]
    data: SubscriptionTestData


class SubscriptionDisabledEvent(_Envelope):
    type: Literal["subscription.disabled"]
    data: SubscriptionDisabledData


EVENT_MODELS: dict[EventType, type[_Envelope]] = {
    EventType.brand_tier_changed: BrandTierChangedEvent,
    EventType.brand_stage_changed: BrandStageChangedEvent,
    EventType.mention_escalated: MentionEscalatedEvent,
    EventType.subscription_test: SubscriptionTestEvent,
    EventType.subscription_disabled: SubscriptionDisabledEvent,
}
