"""Example documents shown in the OpenAPI document (and so in generated clients' docs).

One coherent story: brand `acme`, a customer complaint on X and a press article about a recall,
both triaged at 08:20 UTC on 2026-03-09. `tests/test_openapi.py` validates every example against
its schema, so an example that drifts from the model fails the suite. No `None` values: FastAPI
drops them from the document, which would leave a required nullable field missing.
"""

from __future__ import annotations

from typing import Any

from api.engine.mention import MENTION_EXAMPLE

MENTION_ID_EXAMPLE = "m_zj6aou5j356nsaql273whomk"  # mention_id_for("crm-export", "yt-829301")
PRESS_MENTION_ID_EXAMPLE = "m_23dybx5tejnvuwkdp6kcjw44"

TRIAGE_EXAMPLE: dict[str, Any] = {
    "tier": "move_to_private",
    "risk": 38,
    "reasons": [
        {
            "code": "tier.personal_case",
            "message": "An individual case that needs the customer's details: acknowledge "
            "publicly once, then continue in private with customer service.",
        },
        {
            "code": "sentiment.negative",
            "message": "Negative (-0.70); negativity weighs 3.3 times praise.",
        },
        {"code": "topic.customer_service", "message": "About customer service (“nobody answers”)."},
        {"code": "case.reference", "message": "Quotes an order, account or booking reference."},
    ],
    "topics": ["customer_service", "delivery"],
    "moderation": "keep",
    "respond_by": "2026-03-09T10:20:00Z",
    "sentiment": {"score": -0.7, "label": "negative", "origin": "provided"},
    "language": "en",
    "confidence": 1.0,
    "model_version": "2026.11.0",
}

ASSESSMENT_EXAMPLE: dict[str, Any] = {
    "score": 71,
    "level": "high",
    "tier": "executive_statement",
    "stage": "growing",
    "factors": [
        {
            "name": "volume_spike",
            "value": 4.2,
            "contribution": 18.5,
            "detail": "Negative mentions run at 4.2 times the brand's usual hourly volume.",
        },
        {
            "name": "author_kinds",
            "value": 0.98,
            "contribution": 6.25,
            "detail": "Journalists and media carry the issue.",
        },
        {
            "name": "risk_topics",
            "value": 1.77,
            "contribution": 9.1,
            "detail": "Risk topics: safety, legal.",
        },
    ],
    "playbook": [
        {
            "action": "convene_crisis_team",
            "description": "Gather leadership, communication, legal and customer service; "
            "agree on facts.",
            "deadline": "2026-03-09T08:50:00Z",
        },
        {
            "action": "holding_statement",
            "description": "Publish a first public message: acknowledge, show empathy, say what "
            "is being checked and when the next update comes.",
            "deadline": "2026-03-09T09:20:00Z",
        },
    ],
    "window": {"from": "2026-03-08T08:20:00Z", "to": "2026-03-09T08:20:00Z"},
    "as_of": "2026-03-09T08:20:00Z",
    "top_mentions": [PRESS_MENTION_ID_EXAMPLE, MENTION_ID_EXAMPLE],
    "model_version": "2026.11.0",
    "topics": ["safety", "legal"],
    "reasons": [
        {
            "code": "tier.executive_mentions",
            "message": "Recent mentions put a severe issue in the press: the leadership must "
            "speak.",
        },
        {"code": "stage.growing", "message": "Negative mentions are rising fast."},
    ],
}

STORED_MENTION_EXAMPLE: dict[str, Any] = {
    "id": MENTION_ID_EXAMPLE,
    "brand_id": "acme",
    "received_at": "2026-03-09T08:20:00Z",
    "mention": MENTION_EXAMPLE,
    "triage": TRIAGE_EXAMPLE,
}

INGEST_RESPONSE_EXAMPLE: dict[str, Any] = {
    "results": [
        {
            "id": MENTION_ID_EXAMPLE,
            "external_id": MENTION_EXAMPLE["external_id"],
            "duplicate": False,
            "triage": TRIAGE_EXAMPLE,
        }
    ],
    "assessment": ASSESSMENT_EXAMPLE,
}
