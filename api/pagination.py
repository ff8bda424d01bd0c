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
PageCursor = Annotated[
    str | None,
    Query(
        max_length=2048,
        description="The `next_cursor` of the previous page; leave out for the first page.",
    ),
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
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
        position = payload["p"]
        if payload["k"] != kind or not isinstance(position, str) or not 0 < len(position) <= 512:
            raise ValueError(kind)
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor("The cursor is malformed or belongs to another listing.") from None
    return position
