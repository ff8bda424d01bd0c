"""`generic`: Vigie's canonical mention, for in-house scrapers and tools you script.

Accepts one mention object, a JSON array of them, or `{"mentions": [...]}` (the body of
`POST /v1/brands/{brand_id}/mentions`). Whatever `source` the sender wrote, the mention's source
is `generic` (the sender's value is kept in `raw.source`): the receiver decides the source, so a
hook cannot write into another tool's id space.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from api.engine.mention import MENTION_EXAMPLE, Mention
from api.hooks.adapters.adapter import (
    Fields,
    HookAdapter,
    build_mentions,
    items_of,
)

NAME: Final = "generic"


def _convert(item: Mapping[str, Any]) -> Fields:
    fields = dict(item)
    sent_source = fields.pop("source", None)
    fields["source"] = NAME
    if sent_source is not None and sent_source != NAME:
        raw = fields.get("raw")
        if raw is None or isinstance(raw, Mapping):
            fields["raw"] = {**(raw or {}), "source": sent_source}
    return fields


def parse(payload: Any) -> list[Mention]:
    return build_mentions(items_of(payload, "mentions"), _convert)


_EXAMPLE: Final = {k: v for k, v in MENTION_EXAMPLE.items() if k != "source"}

ADAPTER: Final = HookAdapter(
    name=NAME,
    title="Generic (Vigie canonical mention)",
    summary='One canonical mention, an array, or {"mentions": [...]} as for POST …/mentions.',
    parse=parse,
    request_schema={
        "oneOf": [
            {"$ref": "#/components/schemas/Mention"},
            {"type": "array", "items": {"$ref": "#/components/schemas/Mention"}},
            # A named component (api/openapi.py), so generated clients get a readable class.
            {"$ref": "#/components/schemas/MentionEnvelope"},
        ]
    },
    example={"mentions": [_EXAMPLE]},
    documentation="This API's `Mention` schema (`POST /v1/brands/{brand_id}/mentions`).",
)
