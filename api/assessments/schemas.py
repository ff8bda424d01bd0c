"""Shapes of the risk endpoints and of the stateless triage."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from api.brands.schemas import BrandId
from api.engine.schemas import Level, MentionTriage, Stage, Tier
from api.mentions.canonical import Mention


class RiskPoint(BaseModel):
    at: AwareDatetime
    score: int = Field(ge=0, le=100)
    level: Level
    tier: Tier
    stage: Stage


class RiskHistory(BaseModel):
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
    triage: MentionTriage
