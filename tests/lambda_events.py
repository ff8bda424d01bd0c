"""API Gateway HTTP API (payload v2) events and a Lambda context, for driving the Lambda entry.

Kept free of test-framework imports: tests/test_import_footprint.py runs it in a bare process.
"""

from __future__ import annotations

import base64
import json
from typing import Any


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
