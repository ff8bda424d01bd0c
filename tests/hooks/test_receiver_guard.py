"""Every webhook receiver refuses hostile JSON (the shared guard, after authentication) with a
4xx, and stores nothing: deep nesting, lone surrogates, dates and scores as 401-digit numbers."""

from __future__ import annotations

import json

import hypothesis.strategies as st
import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from mypy_boto3_dynamodb import DynamoDBClient

from api.settings import Settings
from tests.hooks.deliveries import SOURCES, fixture_body, register_hook, stored_mentions
from tests.test_json_guard import (
    FUZZ,
    HOSTILE,
    HOSTILE_FRAGMENTS,
    assert_refused,
    paths,
    with_fragment,
)


@FUZZ
@given(source=st.sampled_from(SOURCES), fragment=HOSTILE, data=st.data())
def test_hostile_json_is_refused_by_every_webhook_receiver(
    client: TestClient,
    tool: TestClient,
    brand_id: str,
    dynamodb: DynamoDBClient,
    settings: Settings,
    workspace: str,
    source: str,
    fragment: str,
    data: st.DataObject,
) -> None:
    hook = register_hook(client, source, "url_token", brand_id)
    document = json.loads(fixture_body(source))
    where = data.draw(st.sampled_from(paths(document)), label="where")
    body = with_fragment(document, where, HOSTILE_FRAGMENTS[fragment]).encode()
    response = tool.post(hook.url(), content=body, headers={"Content-Type": "application/json"})
    assert_refused(response)
    assert stored_mentions(dynamodb, settings, workspace, brand_id) == []


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("digits", [39, 401])
def test_dates_and_scores_as_huge_integers_are_refused_not_crashed(
    client: TestClient, tool: TestClient, brand_id: str, source: str, digits: int
) -> None:
    hook = register_hook(client, source, "url_token", brand_id)
    document = json.loads(fixture_body(source))
    for where in paths(document):
        name = str(where[-1]).lower()
        if any(word in name for word in ("date", "published", "time", "sentiment", "created")):
            body = with_fragment(json.loads(fixture_body(source)), where, "9" * digits).encode()
            response = tool.post(
                hook.url(), content=body, headers={"Content-Type": "application/json"}
            )
            assert_refused(response)
