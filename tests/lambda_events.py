"""API Gateway HTTP API (payload v2) events and a Lambda context, for driving the Lambda entry.

`captured_event` loads a real capture from tests/events/; `http_api_event` builds one from
scratch. Kept free of test-framework imports: tests/test_import_footprint.py runs it in a bare
process.
"""

from __future__ import annotations

import base64
import copy
import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

EVENTS = Path(__file__).resolve().parent / "events"


@cache
def _capture(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


def captured_event(
    name: str, *, api_key: str | None = None, body: bytes | None = None, at: datetime | None = None
) -> dict[str, Any]:
    """The capture tests/events/<name>.json, with what differs per run filled in.

    `api_key` replaces the redacted `authorization` header (kept as captured when None); `body`
    replaces the captured body, encoded the way API Gateway encoded it (base64 or not); the
    request time becomes `at` (now by default). Everything else is sent as captured.
    """
    event = copy.deepcopy(_capture(name))
    headers: dict[str, str] = event["headers"]
    if api_key is not None:
        headers["authorization"] = f"Bearer {api_key}"
    if body is not None:
        encoded = base64.b64encode(body).decode() if event["isBase64Encoded"] else body.decode()
        event["body"] = encoded
        headers["content-length"] = str(len(body))
    moment = at or datetime.now(UTC)
    event["requestContext"]["time"] = moment.strftime("%d/%b/%Y:%H:%M:%S +0000")
    event["requestContext"]["timeEpoch"] = int(moment.timestamp() * 1000)
    return event


def captured_body(event: dict[str, Any]) -> bytes:
    """The body bytes of a request event or a Lambda response, as API Gateway passes them on."""
    body: str | None = event.get("body")
    if body is None:
        return b""
    return base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()


def response_json(response: dict[str, Any]) -> Any:
    """A Lambda response's JSON body, decoded like API Gateway does (Mangum base64-encodes
    media types it doesn't know as text; api/handler.py adds application/problem+json)."""
    return json.loads(captured_body(response))


def http_api_event(
    method: str, path: str, *, body: Any = None, headers: dict[str, str] | None = None,
    query: str = "",
) -> dict[str, Any]:  # fmt: skip
    """An API Gateway HTTP API v2 event, as API Gateway sends it to Lambda."""
    raw = json.dumps(body).encode() if body is not None else b""
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": {
            "accept": "*/*",
            "content-length": str(len(raw)),
            "content-type": "application/json",
            "host": "abc123.execute-api.eu-west-3.amazonaws.com",
            "user-agent": "curl/8.5.0",
            "x-forwarded-for": "203.0.113.7",
            "x-forwarded-port": "443",
            "x-forwarded-proto": "https",
            **(headers or {}),
        },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "domainName": "abc123.execute-api.eu-west-3.amazonaws.com",
            "domainPrefix": "abc123",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.7",
                "userAgent": "curl/8.5.0",
            },
            "requestId": "JKJaXmPLvHcESHA=",
            "routeKey": "$default",
            "stage": "$default",
            "time": "09/Mar/2026:08:15:00 +0000",
            "timeEpoch": 1773044100000,
        },
        "body": base64.b64encode(raw).decode() if raw else None,
        "isBase64Encoded": bool(raw),
    }


class FakeContext:
    function_name = "vigie-test-api"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:eu-west-3:123456789012:function:vigie-test-api"
    aws_request_id = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"

    def get_remaining_time_in_millis(self) -> int:
        return 28_000
