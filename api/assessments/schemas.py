"""Shapes of the risk endpoints and of the stateless triage."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from api.brands.schemas import BrandId
from api.engine.mention import Mention
from api.engine.schemas import Level, MentionTriage, Stage, Tier
from api.examples import TRIAGE_EXAMPLE


class RiskPoint(BaseModel):
    at: AwareDatetime
    score: int = Field(ge=0, le=100)
    level: Level
    tier: Tier
    stage: Stage


class RiskHistory(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "brand_id": "acme",
                    "step_seconds": 3600,
                    "points": [
                        {
                            "at": "2026-03-09T07:00:00Z",
                            "score": 12,
                            "level": "low",
                            "tier": "watch",
                            "stage": "quiet",
                        },
                        {
                            "at": "2026-03-09T08:00:00Z",
                            "score": 71,
                            "level": "high",
                            "tier": "executive_statement",
                            "stage": "growing",
                        },
                    ],
                    "model_version": "2026.11.0",
                }
            ]
        }
    )

    brand_id: str
    step_seconds: int
    points: list[RiskPoint]
    model_version: str


class TriageRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "mention": {
                        "external_id": "tw-1",
                        "network": "twitter",
                        "published_at": "2026-03-09T08:15:00Z",
                        "text": "I was charged twice for my subscription, please fix",
                        "author": {"followers": 310, "kind": "person"},
                    },
                    "brand_id": "acme",
                }
            ]
        },
    )

    mention: Mention
    brand_id: BrandId | None = Field(
        default=None, description="Triage in the context of this brand's current risk."
    )


class TriageResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"triage": TRIAGE_EXAMPLE}]})

    triage: MentionTriage
