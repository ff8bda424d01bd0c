"""Shapes of the mention endpoints; the canonical mention itself lives in `canonical.py`."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from api.engine.mention import (
    EARLIEST_INSTANT,
    MENTION_EXAMPLE,
    Author,
    AuthorKind,
    Engagement,
    Mention,
    Network,
    PostType,
    ProvidedSentiment,
    SentimentLabel,
)
from api.engine.schemas import BrandRiskAssessment, MentionTriage, Tier
from api.examples import INGEST_RESPONSE_EXAMPLE, STORED_MENTION_EXAMPLE
from api.problems import InvalidParam
from api.queue.schemas import Handling, HandlingStatus

LATEST_INSTANT = datetime(9999, 1, 1, tzinfo=UTC)

__all__ = [
    "Author",
    "AuthorKind",
    "Engagement",
    "IngestResponse",
    "Mention",
    "MentionBatch",
    "MentionFilters",
    "MentionPage",
    "MentionResult",
    "Network",
    "PostType",
    "ProvidedSentiment",
    "SentimentLabel",
    "StoredMention",
]


class MentionBatch(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"mentions": [MENTION_EXAMPLE]}]},
    )

    mentions: list[Mention] = Field(
        min_length=1, max_length=100, description="1 to 100 canonical mentions."
    )


class MentionResult(BaseModel):
    id: str = Field(description="Vigie's id of the mention, stable for a `source` + `external_id`.")
    external_id: str
    duplicate: bool = Field(
        description="True when this mention was already stored: nothing was counted."
    )
    triage: MentionTriage


class IngestResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [INGEST_RESPONSE_EXAMPLE]})

    results: list[MentionResult] = Field(description="One result per mention, in request order.")
    assessment: BrandRiskAssessment


class StoredMention(BaseModel):
    """A stored mention with the triage computed when it arrived."""

    model_config = ConfigDict(json_schema_extra={"examples": [STORED_MENTION_EXAMPLE]})

    id: str
    brand_id: str
    received_at: AwareDatetime
    mention: Mention
    triage: MentionTriage
    handling: Handling | None = Field(
        default=None,
        description="The answer queue status: `open` for every tier above `watch` until "
        "someone sets it (PATCH); null for `watch` mentions nobody handled.",
    )


class MentionPage(BaseModel):
    model_config = ConfigDict(
        defer_build=True,  # built by its lazy router (api/lazy.py) or first use, not at import
        json_schema_extra={
            "examples": [
                {
                    "items": [STORED_MENTION_EXAMPLE],
                    "next_cursor": "eyJrIjoibWVudGlvbiIsInAiOiIyMDI2LTAzLTA5VDA4OjE1OjAw"
                    "LjAwMDAwMFojbV8zdmNpbXRqdm5jZmhlcmIyY2lsdnNscTUifQ",
                }
            ]
        },
    )

    items: list[StoredMention]
    # Required though nullable: the server always sends it (null on the last page).
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page. A page can "
        "be short, even empty, and still have a `next_cursor`: a filtered page reads at most 500 "
        "stored mentions, and a page holds at most 4 MB of mentions.",
    )


class MentionFilters(BaseModel):
    # Built on first use (a lazily loaded route), not at import.
    model_config = ConfigDict(defer_build=True)

    since: AwareDatetime | None = None
    until: AwareDatetime | None = None
    tier: Tier | None = None
    network: Network | None = None
    status: HandlingStatus | None = None

    def problems(self) -> list[InvalidParam]:
        """What makes this time range unusable (out of storage range, or inverted)."""
        found = [
            InvalidParam(name=name, reason="must be between 1970 and 9999")
            for name in ("since", "until")
            if (value := getattr(self, name)) is not None
            and not EARLIEST_INSTANT <= value.astimezone(UTC) < LATEST_INSTANT
        ]
        if not found and self.since and self.until and self.since > self.until:
            found.append(InvalidParam(name="since", reason="must not be after `until`"))
        return found
