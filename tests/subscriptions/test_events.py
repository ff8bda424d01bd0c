"""Which mentions escalate, and every event as sent matches its published (OpenAPI) schema."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI

from api.brands.schemas import Brand, BrandSettings
from api.engine.mention import MENTION_EXAMPLE, Mention
from api.engine.schemas import BrandRiskAssessment, MentionTriage, Tier
from api.examples import ASSESSMENT_EXAMPLE, TRIAGE_EXAMPLE
from api.services import Services
from api.subscriptions.announcer import TriagedMention
from api.subscriptions.events import escalates
from api.subscriptions.schemas import EVENT_MODELS, EventType, SubscriptionCreate
from api.workspaces.service import Principal
from tests.subscriptions.receivers import Receiver

_TRIAGE = MentionTriage.model_validate(TRIAGE_EXAMPLE)


def _triage(tier: Tier, risk: int) -> MentionTriage:
    return _TRIAGE.model_copy(update={"tier": tier, "risk": risk})


def test_executive_statements_always_escalate_public_answers_from_the_risk_setting() -> None:
    assert escalates(_triage(Tier.executive_statement, 5), 100)
    assert escalates(_triage(Tier.respond_publicly, 70), 70)
    assert not escalates(_triage(Tier.respond_publicly, 69), 70)
    assert not escalates(_triage(Tier.move_to_private, 99), 0)
    assert not escalates(_triage(Tier.watch, 99), 0)


def _announce(
    services: Services, workspace: str, brand_setting: int | None, risk: int
) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    brand = Brand(
        id=f"b-{uuid.uuid4().hex[:8]}",
        name="ACME",
        settings=BrandSettings(escalation_risk=brand_setting),
        created_at=now,
        updated_at=now,
    )
    mention = TriagedMention(
        f"m_{uuid.uuid4().hex[:24]}",
        Mention.model_validate(MENTION_EXAMPLE),
        _triage(Tier.respond_publicly, risk),
    )
    assessment = BrandRiskAssessment.model_validate(ASSESSMENT_EXAMPLE).model_copy(
        update={"as_of": now}
    )
    written = services.subscriptions.announce(workspace, brand, assessment, [mention])
    repository = services.subscriptions.repository
    return [json.loads((repository.get_event(workspace, e) or {})["body"]) for e in written]


def test_the_brand_setting_wins_over_the_default_escalation_risk(
    services: Services, workspace: str, receiver: Receiver
) -> None:
    services.subscriptions.create(
        Principal(workspace),
        SubscriptionCreate(url=receiver.url, events=list(EventType)),
    )
    assert services.settings.escalation_risk == 70
    by_default = [e["type"] for e in _announce(services, workspace, None, 80)]
    assert "mention.escalated" in by_default
    stricter = [e["type"] for e in _announce(services, workspace, 90, 80)]
    assert "mention.escalated" not in stricter
    assert "brand.tier_changed" in stricter


def test_every_event_sent_validates_against_its_published_schema(
    services: Services, workspace: str, receiver: Receiver
) -> None:
    services.subscriptions.create(
        Principal(workspace),
        SubscriptionCreate(url=receiver.url, events=list(EventType)),
    )
    events = _announce(services, workspace, None, 95)
    assert {e["type"] for e in events} == {
        "brand.tier_changed",
        "brand.stage_changed",
        "mention.escalated",
    }
    for event in events:
        EVENT_MODELS[EventType(event["type"])].model_validate(event)
        data = event["data"]
        brand = data["brand"]["id"]
        if event["type"] == "mention.escalated":
            assert data["console_link"] == f"/app/brands/{brand}/mentions/{data['mention']['id']}"
            continue
        assert data["console_link"] == f"/app/brands/{brand}"  # no VIGIE_PUBLIC_BASE_URL here
        assert [m["id"] for m in data["top_mention_links"]] == data["top_mentions"]
        for item in data["top_mention_links"]:
            assert item["link"] == f"/v1/brands/{brand}/mentions/{item['id']}"


@pytest.mark.parametrize("kind", list(EventType), ids=lambda kind: kind.value)
def test_every_event_is_an_openapi_webhook_with_a_valid_example(
    app: FastAPI, kind: EventType
) -> None:
    operation = app.openapi()["webhooks"][kind.value]["post"]
    content = operation["requestBody"]["content"]["application/json"]
    (example,) = content["examples"].values()
    assert example["value"]["type"] == kind.value
    EVENT_MODELS[kind].model_validate(example["value"])
    assert {"2XX", "410", "default"} <= set(operation["responses"])
