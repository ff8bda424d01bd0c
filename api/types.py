"""Input types shared by request schemas: strict where pydantic's lax mode would guess.

The OpenAPI document promises JSON numbers and RFC 3339 date-times; lax parsing would also take
`true` as 1, `"12"` as 12 and `0.5` as an epoch instant, so a client bug would pass unnoticed.
Python values (adapters build mentions from `datetime` and `int` objects) pass as they are.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator


def _json_number(value: Any) -> Any:
    # `12.0` is a fine JSON integer (pydantic takes it); a boolean or a string is not a number.
    if isinstance(value, bool | str):
        raise ValueError("must be a JSON number")
    return value


JsonNumber = BeforeValidator(_json_number)
"""Refuses booleans and numeric strings where a number is expected. Place it after `Field(ge=…)`
in `Annotated`: constraints that follow a validator leak into the JSON schema as `ge`/`le`."""

_RFC3339 = re.compile(r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)")
_RFC3339_OPTIONAL_OFFSET = re.compile(
    r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)?"
)


def _rfc3339(pattern: re.Pattern[str]) -> BeforeValidator:
    def check(value: Any) -> Any:
        if isinstance(value, datetime) or (isinstance(value, str) and pattern.fullmatch(value)):
            return value
        raise ValueError("must be an RFC 3339 date-time such as 2026-03-09T08:15:00Z")

    return BeforeValidator(check)


def _representable_in_utc(moment: datetime) -> datetime:
    # `0001-01-01T00:00:00+01:00` parses but has no UTC equivalent (year 0): refuse it here
    # instead of overflowing in whatever compares or stores it.
    try:
        moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError("is out of range: no UTC instant for it") from None
    return moment


Instant = Annotated[AwareDatetime, _rfc3339(_RFC3339), AfterValidator(_representable_in_utc)]
"""An instant with its UTC offset (`Z` or `+01:00`), as RFC 3339 text or a datetime."""


def _utc_when_naive(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


QueryInstant = Annotated[
    datetime,
    _rfc3339(_RFC3339_OPTIONAL_OFFSET),
    AfterValidator(_utc_when_naive),
    AfterValidator(_representable_in_utc),
]
"""A query-string instant; without an offset it is read as UTC (forgiving to curl users)."""
