"""What a delivery costs in DynamoDB calls once a container has read what it caches."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from fastapi.testclient import TestClient
from mypy_boto3_dynamodb import DynamoDBClient

from api.app import create_app
from api.settings import Settings
from api.storage.client import create_dynamodb_client
from tests.factories import create_brand, mention
from tests.hooks.deliveries import register_hook


def test_a_url_token_delivery_of_one_mention_reads_its_source_and_writes_once(
    settings: Settings, dynamodb: DynamoDBClient, workspace: str
) -> None:
    """A push tool (YouScan's URL-token mode), one mention per delivery: the hook source's
    record (its secrets can be rotated or revoked at any time: never cached) and the mention's
    transaction. The brand comes from the same per-container cache as API ingest."""
    del dynamodb  # the table, created by the fixture
    client = create_dynamodb_client(settings)
    calls: list[str] = []
    client.meta.events.register(
        "after-call.dynamodb.*", lambda model, **_: calls.append(model.name)
    )
    longest = dict.fromkeys(
        (
            "live_assessment_seconds",
            "api_key_cache_seconds",
            "brand_cache_seconds",
            "subscription_cache_seconds",
        ),
        60.0,
    )
    app = create_app(settings.model_copy(update=longest), client)
    key = app.state.services.api_keys.create(workspace)
    with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as http:
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
