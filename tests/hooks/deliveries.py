"""Hook test helpers: register a source through the API; sign and deliver like a tool does."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient
from standardwebhooks import Webhook

from api.hooks.adapters.registry import ADAPTERS
from api.hooks.signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER, hmac_signature
from api.settings import Settings
from api.storage.codec import from_item

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "hooks"
# One fixture per registered adapter, named after it (tests/fixtures/hooks/<source>.json).
SOURCES = tuple(ADAPTERS)


def strongest_auth(source: str) -> str:
    """`standard_webhooks` when the tool can sign, else the one mode it can use (`url_token`)."""
    return ADAPTERS[source].auth_modes[0]


def fixture_body(source: str) -> bytes:
    """A vendor's payload exactly as written in tests/fixtures/hooks (the bytes are signed)."""
    return (FIXTURES / f"{source}.json").read_bytes()


@dataclass(frozen=True)
class RegisteredHook:
    id: str
    source: str
    auth: str
    secret: str
    receiver_url: str
    brand_id: str | None

    def url(self, brand_id: str | None = None) -> str:
        """The receiver URL as registered, pointed at `brand_id` when one is given."""
        if brand_id is None:
            return self.receiver_url
        registered = "{brand_id}" if self.brand_id is None else self.brand_id
        return self.receiver_url.replace(f"/{registered}?", f"/{brand_id}?")


def register_hook(
    client: TestClient, source: str, auth: str, brand_id: str | None = None
) -> RegisteredHook:
    body: dict[str, Any] = {"source": source, "auth": auth}
    if brand_id is not None:
        body["brand_id"] = brand_id
    response = client.post("/v1/hook-sources", json=body)
    assert response.status_code == 201, response.text
    created = response.json()
    return RegisteredHook(
        id=created["id"],
        source=source,
        auth=auth,
        secret=created["secret"],
        receiver_url=created["receiver_url"],
        brand_id=brand_id,
    )


def signature_headers(
    hook: RegisteredHook,
    body: bytes,
    *,
    secret: str | None = None,
    webhook_id: str | None = None,
    timestamp: datetime | None = None,
) -> dict[str, str]:
    """What the tool adds to sign `body` (nothing for URL-token sources: the URL is enough)."""
    secret = secret or hook.secret
    moment = timestamp or datetime.now(UTC)
    headers = {"Content-Type": "application/json"}
    if hook.auth == "standard_webhooks":
        message_id = webhook_id or f"msg_{uuid.uuid4().hex}"
        headers |= {
            "webhook-id": message_id,
            "webhook-timestamp": str(int(moment.timestamp())),
            "webhook-signature": Webhook(secret).sign(message_id, moment, body.decode()),
        }
    elif hook.auth == "hmac_sha256":
        unix = int(moment.timestamp())
        headers |= {
            TIMESTAMP_HEADER: str(unix),
            SIGNATURE_HEADER: hmac_signature(secret, unix, body),
        }
    return headers


def deliver(
    tool: TestClient,
    hook: RegisteredHook,
    body: bytes,
    brand_id: str | None = None,
    **signing: Any,
) -> httpx.Response:
    response: httpx.Response = tool.post(
        hook.url(brand_id), content=body, headers=signature_headers(hook, body, **signing)
    )
    return response


def stored_mentions(dynamodb: Any, settings: Settings, workspace: str, brand: str) -> list[Any]:
    """Every mention item of a brand, read straight from the table."""
    response = dynamodb.query(
        TableName=settings.table_name,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": f"MENTION#{workspace}#{brand}"}},
        ConsistentRead=True,
    )
    return [from_item(item) for item in response["Items"]]
