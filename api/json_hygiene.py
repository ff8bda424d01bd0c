"""Reading an untrusted raw JSON body: the checks `json.loads` does not make.

`parse_json` refuses, as RFC 9457 problems, what would break or cost later: a body that is not
UTF-8, not JSON, uses `NaN`/`Infinity` (not JSON numbers), nests deeper than `MAX_JSON_DEPTH`,
holds a lone UTF-16 surrogate (`"\\ud800"`, which no UTF-8 store or response can carry), a
number out of range (a 401-digit integer overflows every float conversion; `1e400` is infinity),
or an object naming a member twice (`{"text": "ok", "text": "bad"}`: RFC 8259 leaves which one
counts to each parser, so a proxy, a signature check and Vigie could each read another body;
I-JSON, RFC 7493, forbids it).
It is the one guard of every entry point: webhook receivers call it after authentication, and
`JsonBodyGuard` applies it to every other JSON request body before FastAPI reads it.
"""

from __future__ import annotations

import json
import math
from typing import Final, NoReturn, TypeAlias

from api.problems import MalformedJSON, ValidationFailed

JSONValue: TypeAlias = dict[str, "JSONValue"] | list["JSONValue"] | str | int | float | bool | None

# Deeper JSON would only be vendor noise kept in `raw`, and serialising it is not free.
MAX_JSON_DEPTH: Final = 32
# DynamoDB numbers carry 38 significant digits; no counter, score or epoch needs more.
MAX_JSON_INTEGER: Final = 10**38


def parse_json(body: bytes) -> JSONValue:
    """The body's JSON value; a 400 (`MalformedJSON`) or 422 (`ValidationFailed`) when unusable."""
    try:
        decoded = body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedJSON("The request body is not UTF-8 encoded JSON.") from None
    try:
        payload: JSONValue = json.loads(
            decoded,
            parse_constant=_refuse_constant,
            parse_int=_bounded_int,
            object_pairs_hook=_unique_members,
        )
    except RecursionError:
        raise MalformedJSON("The request body is nested too deeply.") from None
    except NumberOutOfRange as error:
        raise ValidationFailed(f"The JSON body holds {error}.") from None
    except DuplicateMember as error:
        raise MalformedJSON(
            f"The request body names the member {error} twice in one object."
        ) from None
    except ValueError as error:
        raise MalformedJSON(f"The request body is not valid JSON: {error}") from None
    _check_structure(payload)
    return payload


class NumberOutOfRange(ValueError):
    """A JSON number no store or float conversion can carry."""


def _bounded_int(digits: str) -> int:
    # Refused before conversion: Python caps int() at 4300 digits with a ValueError, and a long
    # run of digits costs quadratic time to convert.
    if len(digits.lstrip("-")) > 38:
        raise NumberOutOfRange(f"an integer of {len(digits.lstrip('-'))} digits; at most 38")
    return int(digits)


class DuplicateMember(ValueError):
    """An object naming one member twice: which value counts is up to each parser."""


def _unique_members(pairs: list[tuple[str, JSONValue]]) -> dict[str, JSONValue]:
    members = dict(pairs)
    if len(members) != len(pairs):
        seen: set[str] = set()
        for name, _ in pairs:
            if name in seen:
                # repr() quotes it and escapes control characters: the detail stays one line.
                raise DuplicateMember(repr(name[:64]))
            seen.add(name)
    return members


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")


def _check_structure(payload: JSONValue) -> None:
    """Refuse deep nesting and lone surrogates, without recursion (the depth is not known yet)."""
    pending: list[tuple[JSONValue, int]] = [(payload, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            _check_text(value)
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int):
            if not -MAX_JSON_INTEGER < value < MAX_JSON_INTEGER:
                raise ValidationFailed(
                    f"The JSON body holds an integer of {len(str(abs(value)))} digits; at most 38."
                )
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise ValidationFailed("The JSON body holds a number too large to represent.")
        elif isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise ValidationFailed(f"The JSON body is nested deeper than {MAX_JSON_DEPTH}.")
            if isinstance(value, dict):
                for key in value:
                    _check_text(key)
                pending.extend((item, depth + 1) for item in value.values())
            else:
                pending.extend((item, depth + 1) for item in value)


def _check_text(value: str) -> None:
    if value.isascii():
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise MalformedJSON(
            "The request body holds an invalid Unicode escape (a lone surrogate)."
        ) from None
