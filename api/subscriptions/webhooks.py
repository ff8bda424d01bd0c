"""The OpenAPI `webhooks` section: every event Vigie sends, its payload schema and an example.

The examples are built by the same functions that build real events (`api.subscriptions.events`)
from the document's assessment and triage examples, so they cannot drift from what is sent.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import Body as BodyParam
from fastapi import FastAPI

from api.engine.mention import MENTION_EXAMPLE, Mention
from api.engine.schemas import BrandRiskAssessment, MentionTriage
from api.examples import ASSESSMENT_EXAMPLE, MENTION_ID_EXAMPLE, TRIAGE_EXAMPLE
from api.storage.keys import format_instant
from api.subscriptions import events as ev
from api.subscriptions.schemas import (
    BrandStageChangedEvent,
    BrandTierChangedEvent,
    EventType,
    MentionEscalatedEvent,
    SubscriptionDisabledEvent,
    SubscriptionTestEvent,
)

_BRAND = {"id": "acme", "name": "ACME"}
_BASE_URL = "https://api.vigie.dev"
_PREVIOUS = {"tier": "respond_publicly", "stage": "emerging", "score": 48, "level": "moderate"}
_HEADERS = (
    "Signed with Standard Webhooks: `webhook-id` (the event id, stable across retries and "
    "resends), `webhook-timestamp` and `webhook-signature` (`v1,<base64 HMAC-SHA256>`; two of "
    "them during a secret rotation). Answer 2xx within 15 s; 410 disables the subscription; "
    "anything else is retried for about a day. Use `data.sequence` to reorder a brand's events."
)


def example_events() -> dict[EventType, dict[str, Any]]:
    assessment = BrandRiskAssessment.model_validate(ASSESSMENT_EXAMPLE)
    at = assessment.as_of
    change = ev.brand_change_data(_BRAND, _PREVIOUS, assessment, 41, _BASE_URL)
    stage_change = ev.brand_change_data(
        _BRAND,
        {**_PREVIOUS, "stage": "emerging", "tier": "executive_statement"},
        assessment,
        42,
        _BASE_URL,
    )
    mention = Mention.model_validate(MENTION_EXAMPLE)
    triage = MentionTriage.model_validate(TRIAGE_EXAMPLE)
    escalated = {
        "brand": _BRAND,
        "mention": {
            "id": MENTION_ID_EXAMPLE,
            "external_id": mention.external_id,
            "source": mention.source,
            "network": mention.network.value,
            "url": mention.url,
            "author": mention.author.handle if mention.author else None,
            "text": (mention.text or "")[: ev.MAX_MENTION_TEXT],
            "published_at": format_instant(mention.published_at),
        },
        "triage": json.loads(triage.model_dump_json()),
        "link": ev.mention_link(_BASE_URL, "acme", MENTION_ID_EXAMPLE),
        "console_link": ev.console_mention_link(_BASE_URL, "acme", MENTION_ID_EXAMPLE),
        "sequence": 43,
    }
    escalated["mention"] = {k: v for k, v in escalated["mention"].items() if v is not None}
    data: dict[EventType, dict[str, Any]] = {
        EventType.brand_tier_changed: change,
        EventType.brand_stage_changed: stage_change,
        EventType.mention_escalated: escalated,
        EventType.subscription_test: {
            "subscription_id": "sub_7k2m4q6s8u2w4y6a3c5e",
            "message": "Vigie can reach this endpoint.",
        },
        EventType.subscription_disabled: {
            "subscription_id": "sub_3b5d7f2h4j6l8n2p4r6t",
            "url": "https://old.example.com/hooks",
            "reason": "gone",
            "disabled_at": "2026-03-09T08:20:00Z",
        },
    }
    return {kind: json.loads(ev.envelope(kind, at, payload)) for kind, payload in data.items()}


def _body(kind: EventType) -> Any:
    return BodyParam(openapi_examples={kind.value: {"value": EXAMPLES[kind]}})


EXAMPLES = example_events()
TierChangedBody = Annotated[BrandTierChangedEvent, _body(EventType.brand_tier_changed)]
StageChangedBody = Annotated[BrandStageChangedEvent, _body(EventType.brand_stage_changed)]
EscalatedBody = Annotated[MentionEscalatedEvent, _body(EventType.mention_escalated)]
TestBody = Annotated[SubscriptionTestEvent, _body(EventType.subscription_test)]
DisabledBody = Annotated[SubscriptionDisabledEvent, _body(EventType.subscription_disabled)]


def declare_webhooks(app: FastAPI) -> None:
    """Declare each event as an OpenAPI webhook (documentation only: nothing is served)."""

    @app.webhooks.post(
        EventType.brand_tier_changed.value,
        operation_id="brand_tier_changed",
        tags=["subscriptions"],
    )
    def brand_tier_changed(body: TierChangedBody) -> None:
        """A brand's response tier changed (e.g. `respond_publicly` → `executive_statement`)."""

    @app.webhooks.post(
        EventType.brand_stage_changed.value,
        operation_id="brand_stage_changed",
        tags=["subscriptions"],
    )
    def brand_stage_changed(body: StageChangedBody) -> None:
        """A brand's crisis stage changed, with a new mention or with time (`declining`)."""

    @app.webhooks.post(
        EventType.mention_escalated.value, operation_id="mention_escalated", tags=["subscriptions"]
    )
    def mention_escalated(body: EscalatedBody) -> None:
        """A mention was triaged `executive_statement`, or `respond_publicly` at high risk."""

    @app.webhooks.post(
        EventType.subscription_test.value, operation_id="subscription_test", tags=["subscriptions"]
    )
    def subscription_test(body: TestBody) -> None:
        """Sent by `POST /v1/subscriptions/{subscription_id}/test`."""

    @app.webhooks.post(
        EventType.subscription_disabled.value,
        operation_id="subscription_disabled",
        tags=["subscriptions"],
    )
    def subscription_disabled(body: DisabledBody) -> None:
        """Another subscription of the workspace was disabled (410 Gone, or failing for days)."""

    for route in app.webhooks.routes:
        route.description = (route.description or "") + "\n\n" + _HEADERS  # type: ignore[attr-defined]

    generate = app.openapi

    def openapi() -> dict[str, Any]:
        document = generate()
        for path_item in document.get("webhooks", {}).values():
            for operation in path_item.values():
                # What the receiver answers: FastAPI's default 200/422 describe a server.
                operation["responses"] = _RECEIVER_RESPONSES
        return document

    app.openapi = openapi  # type: ignore[method-assign]


_RECEIVER_RESPONSES: dict[str, Any] = {
    "2XX": {"description": "Received: any 2xx, within 15 seconds, acknowledges the event."},
    "410": {"description": "Gone: Vigie disables the subscription at once."},
    "default": {
        "description": "Anything else (or no answer): retried after 5 s, 5 min, 30 min, 2 h, "
        "5 h, 10 h and 10 h (`Retry-After` honoured), then kept for `recover`."
    },
}
