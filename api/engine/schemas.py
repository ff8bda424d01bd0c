"""Shapes the risk engine returns and the aggregates it reads.

They are part of the public contract: names here are part of the public contract.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, Field

from api.engine.mention import SentimentLabel


class Tier(StrEnum):
    """Response tiers, in escalation order."""

    watch = "watch"
    respond_publicly = "respond_publicly"
    move_to_private = "move_to_private"
    executive_statement = "executive_statement"


class Level(StrEnum):
    low = "low"
    moderate = "moderate"
    high = "high"
    critical = "critical"


class Stage(StrEnum):
    quiet = "quiet"
    emerging = "emerging"
    growing = "growing"
    peak = "peak"
    declining = "declining"
    resolved = "resolved"


class Moderation(StrEnum):
    keep = "keep"
    hide = "hide"


class SentimentOrigin(StrEnum):
    provided = "provided"
    computed = "computed"


class Reason(BaseModel):
    code: str = Field(description="Machine-readable reason code, e.g. `topic.safety`.")
    message: str = Field(description="One human sentence explaining the reason.")


class ResolvedSentiment(BaseModel):
    score: float = Field(ge=-1.0, le=1.0)
    label: SentimentLabel
    origin: SentimentOrigin


class MentionTriage(BaseModel):
    """How risky one mention is and what to do about it."""

    tier: Tier
    risk: int = Field(ge=0, le=100)
    reasons: list[Reason]
    topics: list[str]
    moderation: Moderation
    moderation_reason: str | None = None
    respond_by: AwareDatetime | None = Field(
        description="Deadline for the first answer; null for `watch`."
    )
    sentiment: ResolvedSentiment
    language: str | None
    confidence: float = Field(ge=0.0, le=1.0, description="Lower when text or author is missing.")
    model_version: str


class Factor(BaseModel):
    name: str
    value: float
    contribution: float = Field(description="Points this factor adds to the 0-100 score.")
    detail: str


class PlaybookAction(BaseModel):
    action: str = Field(description="Machine-readable action code.")
    description: str
    deadline: AwareDatetime | None


class Window(BaseModel):
    from_: AwareDatetime = Field(alias="from", serialization_alias="from")
    to: AwareDatetime

    model_config = {"populate_by_name": True}


class BrandRiskAssessment(BaseModel):
    """The brand's risk as of a moment, with the factors and the playbook behind it."""

    score: int = Field(ge=0, le=100)
    level: Level
    tier: Tier
    stage: Stage
    factors: list[Factor]
    playbook: list[PlaybookAction]
    window: Window
    as_of: AwareDatetime
    top_mentions: list[str]
    model_version: str
    topics: list[str] = Field(
        default_factory=list,
        description="Risk topics driving the recent negative activity, most weighty first.",
    )
    reasons: list[Reason] = Field(
        default_factory=list, description="Why this tier and this stage, one sentence each."
    )


@dataclass(frozen=True, slots=True)
class AggregateBucket:
    """Counters summed over the mentions published in [start, start + seconds).

    Counter names are the engine's own (see `mention_counters`); storage only adds them up.
    """

    start: datetime
    seconds: int
    counters: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TopMentionCandidate:
    """A stored high-risk mention the assessment may cite in `top_mentions`."""

    mention_id: str
    published_at: datetime
    risk: int
