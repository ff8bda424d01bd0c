"""An untrusted raw body: what `json.loads` would accept but Vigie refuses, with which problem."""

from __future__ import annotations

import pytest

from api.json_hygiene import MAX_JSON_DEPTH, parse_json
from api.problems import MalformedJSON, ProblemError, ValidationFailed


def test_a_usable_body_is_its_json_value() -> None:
    assert parse_json('{"text": "Très bien", "n": [1, 2.5, true, null]}'.encode()) == {
        "text": "Très bien",
        "n": [1, 2.5, True, None],
    }


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"\xff\xfe{}", MalformedJSON),  # not UTF-8
        (b'{"a": ', MalformedJSON),
        (b'{"score": NaN}', MalformedJSON),  # not a JSON number
        (b"[Infinity]", MalformedJSON),
        (b'{"text": "\\ud800"}', MalformedJSON),  # a lone surrogate
        (b'{"\\udfff": 1}', MalformedJSON),
        (b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1), ValidationFailed),
        (b"[" * 100_000 + b"]" * 100_000, MalformedJSON),  # deeper than the parser recurses
    ],
)
def test_unusable_bodies_are_refused_with_a_problem(
    body: bytes, problem: type[ProblemError]
) -> None:
    with pytest.raises(problem):
        parse_json(body)


def test_nesting_up_to_the_limit_is_accepted() -> None:
    assert parse_json(b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH) is not None


@pytest.mark.parametrize(
    "body",
    [
        b'{"text": "fine", "text": "refund me"}',
        b'{"mentions": [{"id": "1", "author": {"handle": "a", "handle": "b"}}]}',
        b'[{"a": 1}, {"b": 1, "b": 1}]',  # the same value twice is still two members
        b'{"caf\\u00e9": 1, "caf\xc3\xa9": 2}',  # one name, escaped once and not the other
    ],
)
def test_an_object_naming_a_member_twice_is_refused(body: bytes) -> None:
    # Which of the two values counts is up to each parser (RFC 8259 section 4): refused, not
    # silently the last one.
    with pytest.raises(MalformedJSON, match="twice"):
        parse_json(body)


def test_equal_names_in_different_objects_are_accepted() -> None:
    assert parse_json(b'[{"a": 1}, {"a": 2, "b": {"a": 3}}]') == [{"a": 1}, {"a": 2, "b": {"a": 3}}]
