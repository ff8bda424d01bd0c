"""What a delivery costs in DynamoDB calls once a container has read what it caches."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from fastapi.testclient import TestClient
from mypy_boto3_dynamodb import DynamoDBClient

from api.settings import Settings
from tests.call_counting import app_counting_dynamodb_calls
from tests.factories import create_brand, mention
from tests.hooks.deliveries import register_hook


def test_a_url_token_delivery_of_one_mention_reads_its_source_and_writes_once(
    settings: Settings, dynamodb: DynamoDBClient, workspace: str
) -> None:
    """A push tool (YouScan's URL-token mode), one mention per delivery: the hook source's
    record (its secrets can be rotated or revoked at any time: never cached) and the mention's
    transaction. The brand comes from the same per-container cache as API ingest."""
    del dynamodb  # the table, created by the fixture
    counted = app_counting_dynamodb_calls(settings, workspace)
    calls = counted.calls
    with TestClient(counted.app, headers={"Authorization": f"Bearer {counted.key}"}) as http:
        brand = create_brand(http)
        hook = register_hook(http, "generic", "url_token")
        target = urlsplit(hook.url(brand))
        path = f"{target.path}?{target.query}"
        for index in range(3):
            calls.clear()
            body = json.dumps({"mentions": [mention(f"pushed-{index}")]})
            response = http.post(path, content=body, headers={"Content-Type": "application/json"})
            assert response.status_code == 200, response.text
            assert response.json()["stored"] == 1
            if index:
                assert calls == ["GetItem", "TransactWriteItems"], calls
