"""Erasure request and status shapes."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class ErasureStatus(StrEnum):
    pending = "pending"
    running = "running"
    done = "done"


class ErasureScope(StrEnum):
    brand = "brand"
    author = "author"


AuthorHandle = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        pattern=r"^\S(?:.*\S)?$",
        description="The author's handle as the listening tool sent it; matched case-insensitively"
        " and with or without a leading `@`.",
        examples=["@jane"],
    ),
]


class AuthorErasureRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"author_handle": "@jane"}]}
    )

    author_handle: AuthorHandle


class ErasureCounts(BaseModel):
    """What the erasure deleted so far."""

    mentions: int = 0
    aggregate_items: int = 0
    hook_sources: int = 0
    subscriptions_changed: int = 0
    other_items: int = Field(
        default=0,
        description="Idempotency records, announced state and scheduler markers of the brand.",
    )


_EXAMPLE: dict[str, Any] = {
    "id": "er_3k5m7p9r2t4v6x8z1b3d",
    "scope": "brand",
    "brand_id": "acme",
    "status": "done",
    "counts": {
        "mentions": 12000,
        "aggregate_items": 480,
        "hook_sources": 1,
        "subscriptions_changed": 1,
        "other_items": 14,
    },
    "created_at": "2026-03-09T08:00:00Z",
    "updated_at": "2026-03-09T08:05:12Z",
    "completed_at": "2026-03-09T08:05:12Z",
}


class Erasure(BaseModel):
    """An erasure and how far it went; `GET /v1/erasures/{erasure_id}` follows it."""

    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})

    id: str
    scope: ErasureScope
    brand_id: str | None = Field(default=None, description="The brand erased (scope `brand`).")
    author_handle: str | None = Field(
        default=None,
        description="The author whose mentions are erased (scope `author`); null once done, so "
        "that the status keeps no trace of the person.",
    )
    status: ErasureStatus
    counts: ErasureCounts
    created_at: AwareDatetime
    updated_at: AwareDatetime
    completed_at: AwareDatetime | None
