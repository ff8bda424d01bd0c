"""Building events (pure): ids, payloads, which changes are announced, which mentions escalate."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from api.console.mount import CONSOLE_PATH
from api.engine.schemas import BrandRiskAssessment, MentionTriage, Stage, Tier
from api.storage.keys import format_instant
from api.subscriptions.schemas import EventType

# A brand at rest: no scheduled re-assessment needed.
RESTING_TIER = Tier.watch
RESTING_STAGES = frozenset({Stage.quiet, Stage.resolved})
# The state a brand is assumed to have been announced in before its first event.
INITIAL_STATE: Mapping[str, Any] = {"tier": "watch", "stage": "quiet", "score": 0, "level": "low"}
MAX_MENTION_TEXT = 500


def _short_id(prefix: str, material: str) -> str:
    digest = hashlib.sha256(material.encode()).digest()
    return prefix + base64.b32encode(digest[:15]).decode().lower()


def brand_event_id(workspace: str, brand_id: str, sequence: int, event_type: str) -> str:
    """Deterministic: a retried announcement writes the same ids (and is refused once done)."""
    return _short_id("evt_", f"{workspace}\x00{brand_id}\x00{sequence}\x00{event_type}")


def escalation_event_id(workspace: str, brand_id: str, mention_id: str) -> str:
    """One `mention.escalated` per mention, whichever of several concurrent posts writes it."""
    return _short_id("evt_", f"{workspace}\x00{brand_id}\x00{mention_id}\x00escalated")


def random_event_id() -> str:
    return "evt_" + base64.b32encode(secrets.token_bytes(15)).decode().lower()


def envelope(event_type: EventType, timestamp: datetime, data: Mapping[str, Any]) -> str:
    """The JSON body of an event, exactly as sent and signed."""
    return json.dumps(
        {"type": event_type.value, "timestamp": format_instant(timestamp), "data": data},
        separators=(",", ":"),
        ensure_ascii=False,
    )


def state_of(assessment: BrandRiskAssessment) -> dict[str, Any]:
    return {
        "tier": assessment.tier.value,
        "stage": assessment.stage.value,
        "score": assessment.score,
        "level": assessment.level.value,
    }


def is_resting(state: Mapping[str, Any]) -> bool:
    return state["tier"] == RESTING_TIER.value and state["stage"] in RESTING_STAGES


def changes(previous: Mapping[str, Any], current: Mapping[str, Any]) -> list[EventType]:
    found = []
    if previous["tier"] != current["tier"]:
        found.append(EventType.brand_tier_changed)
    if previous["stage"] != current["stage"]:
        found.append(EventType.brand_stage_changed)
    return found


def brand_change_data(
    brand: Mapping[str, str],
    previous: Mapping[str, Any],
    assessment: BrandRiskAssessment,
    sequence: int,
    base_url: str | None = None,
) -> dict[str, Any]:
    deadlines = [a.deadline for a in assessment.playbook if a.deadline is not None]
    top_mentions = list(assessment.top_mentions[:5])
    return {
        "brand": dict(brand),
        "link": _absolute(base_url, f"/v1/brands/{brand['id']}/risk"),
        "console_link": console_brand_link(base_url, brand["id"]),
        "previous": {k: previous[k] for k in ("tier", "stage", "score", "level")},
        "new": state_of(assessment),
        "top_factors": [
            factor.model_dump(mode="json")
            for factor in sorted(assessment.factors, key=lambda f: -f.contribution)[:3]
        ],
        "top_mentions": top_mentions,
        "top_mention_links": [
            {
                "id": mention_id,
                "link": mention_link(base_url, brand["id"], mention_id),
                "console_link": console_mention_link(base_url, brand["id"], mention_id),
            }
            for mention_id in top_mentions
        ],
        "respond_by": format_instant(min(deadlines)) if deadlines else None,
        "as_of": format_instant(assessment.as_of),
        "model_version": assessment.model_version,
        "sequence": sequence,
    }


def escalates(triage: MentionTriage, escalation_risk: int) -> bool:
    """`executive_statement`, or `respond_publicly` with risk at or above the brand's setting."""
    if triage.tier is Tier.executive_statement:
        return True
    return triage.tier is Tier.respond_publicly and triage.risk >= escalation_risk


def _absolute(base_url: str | None, path: str) -> str:
    """`VIGIE_PUBLIC_BASE_URL` + path; the bare path without it (the workers serve no request
    whose host they could borrow), which Slack then shows as text rather than as a link."""
    return (base_url.rstrip("/") + path) if base_url else path


def mention_link(base_url: str | None, brand_id: str, mention_id: str) -> str:
    """The mention in the API (`GET /v1/brands/{brand_id}/mentions/{mention_id}`)."""
    return _absolute(base_url, f"/v1/brands/{brand_id}/mentions/{mention_id}")


def console_mention_link(base_url: str | None, brand_id: str, mention_id: str) -> str:
    """The mention's page in the console: what a person clicks (the API wants a key)."""
    return _absolute(base_url, f"{CONSOLE_PATH}/brands/{brand_id}/mentions/{mention_id}")


def console_brand_link(base_url: str | None, brand_id: str) -> str:
    return _absolute(base_url, f"{CONSOLE_PATH}/brands/{brand_id}")
