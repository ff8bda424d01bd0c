"""Property-based fuzzing of every adapter (BENCHMARKS security): any JSON yields mentions or a
4xx problem, never a crash — called directly, and through the app with a valid signature so the
whole path (verification, parsing, adapter, ingest, acknowledgement) is exercised."""

from __future__ import annotations

import copy
import json
from typing import Any

import hypothesis.strategies as st
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from api.engine.mention import Mention
from api.hooks.adapters.registry import ADAPTERS
from api.problems import ValidationFailed
from tests.hooks.deliveries import SOURCES, deliver, fixture_body, register_hook, strongest_auth

DIRECT_EXAMPLES = 300
THROUGH_THE_APP_EXAMPLES = 200

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**15), max_value=10**15)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | st.sampled_from(
        [
            "",
            "2026-03-09T08:15:00Z",
            "2026-03-09T08:15:00.000+0000",
            "2026-03-09 08:15:00",
            "1773044100000",
            "2999-01-01T00:00:00Z",
            "0001-01-01T00:00:00Z",
            "-1",
            "1e400",
            "twitter",
            "SOCIALMEDIA_TWITTER",
            "x.com",
            "https://x.com/a/status/1",
            "eng",
            "negative",
            "positive",
            "x" * 300,
        ]
    )
)
JSON_VALUES = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


@st.composite
def mutated_fixture(draw: st.DrawFn, source: str) -> Any:
    """The vendor's own fixture with a few fields deleted or replaced by arbitrary JSON: this
    reaches the adapter's field readers far more often than random JSON does."""
    payload = copy.deepcopy(json.loads(fixture_body(source)))
    for _ in range(draw(st.integers(0, 4))):
        paths = _paths(payload)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = payload
        for step in path[:-1]:
            parent = parent[step]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(JSON_VALUES)
    return payload


def payloads(source: str) -> st.SearchStrategy[Any]:
    return st.one_of(JSON_VALUES, mutated_fixture(source), mutated_fixture(source))


def _check_adapter(source: str, payload: Any) -> None:
    refusal: ValidationFailed | None = None
    mentions: list[Mention] = []
    try:
        mentions = ADAPTERS[source].parse(payload)
    except ValidationFailed as refused:
        refusal = refused
    if refusal is not None:
        assert refusal.invalid_params, "a refusal names what is wrong"
    for mention in mentions:
        assert isinstance(mention, Mention)
        assert mention.source == source
        assert mention.external_id
        assert mention.published_at.tzinfo is not None


@pytest.mark.parametrize("source", SOURCES)
def test_an_adapter_turns_any_json_into_mentions_or_a_422(source: str) -> None:
    @settings(max_examples=DIRECT_EXAMPLES, deadline=None)
    @given(payloads(source))
    def check(payload: Any) -> None:
        _check_adapter(source, payload)

    check()


@pytest.mark.parametrize("source", SOURCES)
def test_every_fixture_converts_without_a_refusal(source: str) -> None:
    mentions = ADAPTERS[source].parse(json.loads(fixture_body(source)))
    assert mentions
    assert all(m.source == source for m in mentions)


@pytest.mark.parametrize("source", SOURCES)
def test_a_signed_delivery_of_any_json_is_answered_with_2xx_or_4xx_never_5xx(
    client: TestClient, tool: TestClient, brand_id: str, source: str
) -> None:
    hook = register_hook(client, source, strongest_auth(source), brand_id)
    statuses: dict[int, int] = {}

    @settings(
        max_examples=THROUGH_THE_APP_EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(payloads(source))
    def check(payload: Any) -> None:
        body = json.dumps(payload).encode()
        response = deliver(tool, hook, body)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        assert response.status_code in {200, 400, 413, 422}, response.text
        if response.status_code == 200:
            ack = response.json()
            assert ack["received"] == len(ack["results"]) == ack["stored"] + ack["duplicates"]
        else:
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["detail"]

    check()
    assert statuses.get(200, 0) > 0  # the mutated fixtures do reach the store
    assert statuses.get(422, 0) > 0
