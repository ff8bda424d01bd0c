"""Shapes of the answer queue: a mention's handling status and a brand's queue summary."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class HandlingStatus(StrEnum):
    """Where a mention stands in the answer queue."""

    open = "open"
    answered = "answered"
    moved_to_private = "moved_to_private"
    dismissed = "dismissed"


class Handling(BaseModel):
    """Who did what with a mention, and when (the triage itself never changes)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "status": "answered",
                    "updated_at": "2026-03-09T08:40:00Z",
                    "updated_by": "camille",
                    "note": "Replied publicly with the refund procedure.",
                }
            ]
        }
    )

    status: HandlingStatus
    updated_at: AwareDatetime | None = Field(
        default=None, description="When the status was last set; null while never handled."
    )
    updated_by: str | None = Field(default=None, description="Who set the status.")
    note: str | None = None


HandlingNote = Annotated[str, Field(max_length=1000, description="Free text, up to 1000 chars.")]
HandlingActor = Annotated[
    str,
    Field(
        min_length=1,
        max_length=100,
        description="Who handles the mention (a name or handle); default `api`.",
    ),
]


class HandlingUpdate(BaseModel):
    """A new handling status for one mention."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"status": "answered", "by": "camille", "note": "Replied with the refund link."}
            ]
        },
    )

    status: HandlingStatus
    note: HandlingNote | None = None
    by: HandlingActor | None = None


class QueueSummary(BaseModel):
    """How many mentions wait for an answer, and how many are past their deadline."""

    model_config = ConfigDict(
        defer_build=True,  # built by its lazy router (api/lazy.py) or first use, not at import
        json_schema_extra={
            "examples": [
                {
                    "brand_id": "acme",
                    "as_of": "2026-03-09T09:00:00Z",
                    "open": 12,
                    "overdue": 3,
                    "oldest_respond_by": "2026-03-09T08:30:00Z",
                    "truncated": False,
                }
            ]
        },
    )

    brand_id: str
    as_of: AwareDatetime
    open: int = Field(ge=0, description="Mentions whose status is `open`.")
    overdue: int = Field(ge=0, description="Open mentions whose `respond_by` is past.")
    oldest_respond_by: AwareDatetime | None = Field(
        description="The earliest deadline in the queue (the most overdue); null when empty."
    )
    truncated: bool = Field(
        description="True when the queue holds more mentions than are counted "
        "(100): the counts stop there."
    )
