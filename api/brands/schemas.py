"""Brand resource shapes: create, update, read, list."""

from __future__ import annotations

import re
from typing import Annotated, Final

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from api.engine.speech import BrandContext
from api.types import JsonNumber

BRAND_ID_PATTERN: Final = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
BrandId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=BRAND_ID_PATTERN.pattern,
        description="Slug chosen by the client: lowercase letters, digits, hyphens.",
        examples=["acme"],
    ),
]
BrandName = Annotated[str, Field(min_length=1, max_length=200, examples=["ACME"])]


Handle = Annotated[
    str,
    Field(
        min_length=2,
        max_length=31,
        pattern=r"^@?[A-Za-z0-9_]{1,30}$",
        description="One of the brand's own accounts, with or without the leading `@`.",
        examples=["@acme"],
    ),
]
Alias = Annotated[
    str,
    Field(
        min_length=2,
        max_length=100,
        pattern=r"^\S(?:.*\S)?$",
        description="A name the brand is written as.",
        examples=["ACME"],
    ),
]


class BrandSettings(BaseModel):
    """Per-brand options."""

    model_config = ConfigDict(extra="forbid")

    retention_days: Annotated[
        Annotated[int, Field(ge=1, le=3650), JsonNumber] | None,
        Field(description="Raw mention retention; defaults to the service setting."),
    ] = None
    escalation_risk: Annotated[
        Annotated[int, Field(ge=0, le=100), JsonNumber] | None,
        Field(
            description="A `respond_publicly` mention from this risk sends `mention.escalated` "
            "(an `executive_statement` one always does); defaults to the service setting."
        ),
    ] = None
    handles: Annotated[
        list[Handle],
        Field(
            max_length=50,
            description="The brand's own accounts (e.g. `@acme`, `@acmehelp`): a mention that "
            "names one, or replies to one, is written to the brand and expects an answer.",
        ),
    ] = Field(default_factory=list)
    aliases: Annotated[
        list[Alias],
        Field(
            max_length=50,
            description="Names the brand is written as (e.g. `ACME`, `Acmé`): never read as "
            "words of the mention (a brand called Free is no spam), and a greeting to one "
            "(`Bonjour ACME, …`) addresses the brand.",
        ),
    ] = Field(default_factory=list)

    def brand_context(self, name: str | None = None) -> BrandContext:
        """What triage needs to know of the brand: its handles and names."""
        return BrandContext(handles=tuple(self.handles), aliases=tuple(self.aliases), name=name)


class BrandCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "id": "acme",
                    "name": "ACME",
                    "settings": {
                        "retention_days": 30,
                        "handles": ["@acme", "@acmehelp"],
                        "aliases": ["ACME", "Acmé"],
                    },
                }
            ]
        },
    )

    id: BrandId
    name: BrandName
    settings: BrandSettings = BrandSettings()


class BrandUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"name": "ACME Corp"}]}
    )

    name: BrandName | None = None
    settings: BrandSettings | None = None


class Brand(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "acme",
                    "name": "ACME",
                    "settings": {"retention_days": 30},
                    "created_at": "2026-03-09T08:00:00Z",
                    "updated_at": "2026-03-09T08:00:00Z",
                }
            ]
        }
    )

    id: str
    name: str
    settings: BrandSettings
    created_at: AwareDatetime
    updated_at: AwareDatetime


class BrandList(BaseModel):
    model_config = ConfigDict(
        defer_build=True,  # built by its lazy router (api/lazy.py) or first use, not at import
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "id": "acme",
                            "name": "ACME",
                            "settings": {"retention_days": 30},
                            "created_at": "2026-03-09T08:00:00Z",
                            "updated_at": "2026-03-09T08:00:00Z",
                        }
                    ],
                    "next_cursor": "eyJrIjoiYnJhbmQiLCJwIjoiYWNtZSJ9",
                }
            ]
        },
    )

    items: list[Brand]
    # Required though nullable: the server always sends it (null on the last page).
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )
