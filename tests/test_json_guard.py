"""One guard for every entry point: hostile JSON (deep nesting, lone surrogates, numbers out of
range, a member named twice) is a 4xx problem on every operation that takes a body, webhook
receivers included, and stores nothing; a body that is not JSON is a 415."""

from __future__ import annotations

import json
import uuid
from typing import Any

import hypothesis.strategies as st
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from mypy_boto3_dynamodb import DynamoDBClient

from api.settings import Settings
from tests.factories import mention
from tests.hooks.deliveries import stored_mentions

# Raw JSON fragments: each breaks something downstream unless the guard refuses it.
HOSTILE_FRAGMENTS = {
    "deep_list": "[" * 300 + "]" * 300,
    "deep_object": '{"a":' * 300 + "1" + "}" * 300,
    "very_deep": "[" * 5000 + "]" * 5000,
    "lone_surrogate": '"\\ud800"',
    "lone_low_surrogate": '"x\\udfff y"',
    "huge_integer": "9" * 401,
    "huge_negative_integer": "-" + "9" * 401,
    "huge_float": "1e400",
    "nan": "NaN",
    # Which value counts is each parser's choice: a vendor field read one way, stored another.
    "duplicate_member": '{"text": "fine", "text": "refund me"}',
}
HOSTILE = st.sampled_from(sorted(HOSTILE_FRAGMENTS))
REFUSED = {400, 415, 422}
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def with_fragment(document: Any, path: list[str | int], fragment: str) -> str:
    """`document` as JSON text with the value at `path` replaced by a raw `fragment`."""
    marker = f"__hostile_{uuid.uuid4().hex}__"
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = marker
    return json.dumps(document).replace(f'"{marker}"', fragment)


def paths(document: Any, prefix: list[str | int] | None = None) -> list[list[str | int]]:
    """Every place a value sits in `document` (new keys included: unknown fields are kept)."""
    prefix = prefix or []
    found: list[list[str | int]] = []
    if isinstance(document, dict):
        found.append([*prefix, "unknown_field"])
        for key, value in document.items():
            found.append([*prefix, key])
            found += paths(value, [*prefix, key])
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found.append([*prefix, index])
            found += paths(value, [*prefix, index])
    return found


def assert_refused(response: Any) -> None:
    assert response.status_code in REFUSED, (response.status_code, response.text[:300])
    assert response.headers["content-type"] == "application/problem+json"


def api_bodies(brand: str) -> dict[str, tuple[str, str, dict[str, Any]]]:
    return {
        "create_brand": ("POST", "/v1/brands", {"id": f"n-{uuid.uuid4().hex[:6]}", "name": "N"}),
        "update_brand": ("PATCH", f"/v1/brands/{brand}", {"name": "Renamed"}),
        "ingest_mentions": (
            "POST",
            f"/v1/brands/{brand}/mentions",
            {"mentions": [mention("g-1"), mention("g-2")]},
        ),
        "triage_mention": ("POST", "/v1/triage", {"mention": mention("t-1"), "brand_id": brand}),
        "register_hook_source": ("POST", "/v1/hook-sources", {"source": "generic"}),
    }


@FUZZ
@given(
    operation=st.sampled_from(
        [
            "create_brand",
            "update_brand",
            "ingest_mentions",
            "triage_mention",
            "register_hook_source",
        ]
    ),
    fragment=HOSTILE,
    data=st.data(),
)
def test_hostile_json_is_refused_on_every_api_operation(
    client: TestClient,
    brand_id: str,
    dynamodb: DynamoDBClient,
    settings: Settings,
    workspace: str,
    operation: str,
    fragment: str,
    data: st.DataObject,
) -> None:
    method, path, body = api_bodies(brand_id)[operation]
    where = data.draw(st.sampled_from(paths(body)), label="where")
    response = client.request(
        method,
        path,
        content=with_fragment(body, where, HOSTILE_FRAGMENTS[fragment]).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert_refused(response)
    assert stored_mentions(dynamodb, settings, workspace, brand_id) == []


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_body_that_is_not_json_is_a_415(
    client: TestClient, brand_id: str, content_type: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    body = json.dumps({"mentions": [mention("c-1")]}).encode()
    response = client.post(f"/v1/brands/{brand_id}/mentions", content=body, headers=headers)
    assert response.status_code == 415, response.text
    assert response.json()["type"].endswith("/unsupported-media-type")
