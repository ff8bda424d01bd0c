"""Opaque pagination cursors.

A cursor carries only the position inside the caller's own partition (never a table key), so a
forged cursor can at worst skip within the caller's data; a malformed one is a 400 problem.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated

from fastapi import Query

from api.problems import ProblemError

PageLimit = Annotated[int, Query(ge=1, le=100, description="Items per page, 1 to 100.")]
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+$"
CURSOR_DESCRIPTION = (
    "The `next_cursor` of the previous page, as given (opaque, URL-safe base64 without padding, "
    "at most 2048 characters); leave out for the first page."
)
PageCursor = Annotated[
    str | None,
    Query(max_length=2048, pattern=CURSOR_PATTERN, description=CURSOR_DESCRIPTION),
]


class InvalidCursor(ProblemError):
    status, slug, title = 400, "invalid-cursor", "Invalid cursor"
    example_detail = "The cursor is malformed or belongs to another listing."


def encode_cursor(kind: str, position: str) -> str:
    payload = json.dumps({"k": kind, "p": position}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def decode_cursor(cursor: str, kind: str) -> str:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        decoded = base64.urlsafe_b64decode(padded.encode())
        # Ours are one flat object: anything else (e.g. `[` x 1500, which would exhaust the
        # parser's recursion) is refused before it is parsed.
        if not decoded.startswith(b'{"k":') or b"[" in decoded:
            raise ValueError(kind)
        payload = json.loads(decoded)
        position = payload["p"]
        if payload["k"] != kind or not isinstance(position, str) or not 0 < len(position) <= 512:
            raise ValueError(kind)
    except (
        ValueError,
        KeyError,
        TypeError,
        binascii.Error,
        UnicodeDecodeError,
        RecursionError,
    ):
        raise InvalidCursor("The cursor is malformed or belongs to another listing.") from None
    return position
