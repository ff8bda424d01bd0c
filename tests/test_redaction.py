"""Credentials never reach a log line: query secrets, auth headers, logged events."""

from __future__ import annotations

import io
import logging
import string
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import given
from uvicorn.logging import AccessFormatter

from api.redaction import REDACTED, RedactSecrets, install_log_redaction, redact, redact_text

SECRET = st.text(string.ascii_letters + string.digits + "_-.~%", min_size=1, max_size=40)


@pytest.mark.parametrize(
    "name", ["token", "access_token", "hookToken", "key", "api_key", "x-api-key", "apikey",
             "secret", "client_secret", "signature", "X-Amz-Signature", "tok%65n"],
)  # fmt: skip
def test_credential_named_query_parameters_are_redacted(name: str) -> None:
    line = f'POST /v1/hooks/youscan/acme?hook=hk_1&{name}=vht_s3cret&limit=2 HTTP/1.1" 200'
    redacted = redact_text(line)
    assert "vht_s3cret" not in redacted
    assert f"{name}={REDACTED}" in redacted
    assert "hook=hk_1" in redacted
    assert "limit=2" in redacted


@pytest.mark.parametrize("text", ["keyword=x", "monkey=1", "cursor=abc", "hook=hk_1", "a=b c=d"])
def test_other_parameters_are_kept(text: str) -> None:
    assert redact_text(text) == text


@given(secret=SECRET, before=st.sampled_from(["?", "&", " ", '"', "'", ""]))
def test_a_token_value_never_survives(secret: str, before: str) -> None:
    redacted = redact_text(f"GET /x{before}token=vht_{secret}&b=1 HTTP/1.1")
    assert "vht_" not in redacted
    assert redacted.endswith("&b=1 HTTP/1.1")


def test_events_lose_query_secrets_and_auth_headers_at_any_depth() -> None:
    event: dict[str, Any] = {
        "rawQueryString": "hook=hk_1&token=vht_a",
        "queryStringParameters": {"hook": "hk_1", "token": "vht_a"},
        "headers": {"authorization": "Bearer vg_b", "cookie": "vigie_session=c", "accept": "*/*"},
        "nested": [{"url": "https://x.test/p?signature=d"}],
    }
    redacted = redact(event)
    text = repr(redacted)
    assert not any(secret in text for secret in ("vht_a", "vg_b", "vigie_session=c", "=d"))
    assert redacted["headers"]["accept"] == "*/*"
    assert redacted["queryStringParameters"]["hook"] == "hk_1"
    assert event["headers"]["authorization"] == "Bearer vg_b"  # a copy: the request is intact


def test_uvicorn_access_lines_are_redacted_before_formatting() -> None:
    """uvicorn logs `(client, method, path?query, version, status)`; its formatter reads args."""
    logger = logging.getLogger(f"test.access.{id(object())}")
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    handler.setFormatter(AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s'))
    logger.addHandler(handler)
    logger.propagate = False
    install_log_redaction([logger])
    install_log_redaction([logger])  # idempotent: one filter
    assert sum(isinstance(f, RedactSecrets) for f in logger.filters) == 1
    logger.warning(
        '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "POST", "/v1/hooks/y/a?hook=h&token=vht_x",
        "1.1", 200,
    )  # fmt: skip
    line = sink.getvalue()
    assert "token=[redacted]" in line
    assert "vht_x" not in line
    assert " 200" in line
