"""Shapes of the risk endpoints and of the stateless triage."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from api.brands.schemas import BrandId
from api.engine.mention import Mention
from api.engine.schemas import Level, MentionTriage, Stage, Tier
from api.examples import TRIAGE_EXAMPLE


class RiskPoint(BaseModel):
    # Built on first use (a lazily loaded route), not at import.
    model_config = ConfigDict(defer_build=True)

    at: AwareDatetime
    score: int = Field(ge=0, le=100)
    level: Level
    tier: Tier
    stage: Stage
    mentions: int = Field(
        default=0, ge=0, description="Mentions published in the step ending at `at`."
    )
    negative_share: float = Field(
        default=0.0, ge=0.0, le=1.0, description="Share of those mentions that are negative."
    )
    spike: bool = Field(
        default=False, description="True when the negative volume spiked at this point."
    )


class RiskHistory(BaseModel):
    model_config = ConfigDict(
        defer_build=True,  # built by its lazy router (api/lazy.py) or first use, not at import
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
                            "mentions": 4,
                            "negative_share": 0.25,
                            "spike": False,
                        },
                        {
                            "at": "2026-03-09T08:00:00Z",
                            "score": 71,
                            "level": "high",
                            "tier": "executive_statement",
                            "stage": "growing",
                            "mentions": 58,
                            "negative_share": 0.81,
                            "spike": True,
                        },
                    ],
                    "model_version": "2026.11.0",
                }
            ]
        },
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
    model_config = ConfigDict(
        defer_build=True, json_schema_extra={"examples": [{"triage": TRIAGE_EXAMPLE}]}
    )

    triage: MentionTriage
