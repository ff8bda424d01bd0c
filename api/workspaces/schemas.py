"""API key resources: what a workspace sees of its keys (never the key itself, but once)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, JsonValue, StrictBool

from api.types import Instant

_KEY_EXAMPLE: dict[str, JsonValue] = {
    "key_id": "key_4q2vkd7wmnbx3hzeo5ti",
    "prefix": "vg_Xq3bT9a",
    "created_at": "2026-03-09T08:00:00Z",
    "last_used_at": "2026-03-09T09:12:00Z",
    "expires_at": "2026-12-31T00:00:00Z",
    "read_only": False,
}


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"expires_at": "2026-12-31T00:00:00Z", "read_only": True}]},
    )

    expires_at: Instant | None = Field(
        default=None, description="After this instant the key is refused (401); none: never."
    )
    # Strict: `0` or `"false"` is a 422, not a quiet read-write key.
    read_only: StrictBool = Field(
        default=False,
        description="A read-only key may only read: POST, PUT, PATCH and DELETE answer 403.",
    )


class ApiKey(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_KEY_EXAMPLE]})

    key_id: str = Field(description="The key's public id, for `DELETE /v1/api-keys/{key_id}`.")
    prefix: str = Field(description="The key's first 10 characters, to recognise it.")
    created_at: datetime
    last_used_at: datetime | None = Field(
        default=None, description="The last use, to the hour: recorded at most once an hour."
    )
    expires_at: datetime | None
    read_only: bool


class NewApiKey(ApiKey):
    model_config = ConfigDict(
        defer_build=True,  # built by its lazy router (api/lazy.py) or first use, not at import
        json_schema_extra={
            "examples": [{**_KEY_EXAMPLE, "key": "vg_Xq3bT9a…", "last_used_at": None}]
        },
    )

    key: str = Field(description="The key itself: shown this once, stored only as its SHA-256.")


class ApiKeyList(BaseModel):
    model_config = ConfigDict(
        defer_build=True,  # built by its lazy router (api/lazy.py) or first use, not at import
        json_schema_extra={
            "examples": [
                {
                    "items": [_KEY_EXAMPLE],
                    "next_cursor": "eyJrIjoiYXBpLWtleSIsInAiOiJrZXlfNHEydmtkN3dtbmJ4M2h6ZW81dGkifQ",
                }
            ]
        },
    )

    items: list[ApiKey]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )
