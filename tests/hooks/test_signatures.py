"""Inbound authentication: every way a delivery can be forged, replayed or garbled is refused
(401, or 400 for malformed headers) and stores nothing; rotation keeps both secrets valid."""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import hypothesis.strategies as st
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from mypy_boto3_dynamodb import DynamoDBClient
from standardwebhooks import Webhook

from api.hooks.signatures import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    derive_signing_secret,
    hmac_signature,
    new_url_token,
    parse_hmac_signatures,
    parse_standard_signatures,
    url_token_hash,
    verify_hmac_sha256,
    verify_standard_webhook,
    verify_url_token,
)
from api.problems import ProblemError
from api.settings import Settings
from tests.hooks.deliveries import (
    RegisteredHook,
    deliver,
    fixture_body,
    register_hook,
    signature_headers,
    stored_mentions,
)

BODY = fixture_body("generic")
SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()
HMAC_SECRET = "vhs_" + "a" * 43
TOLERANCE = 300


def refused(response: Any, status: int, problem: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/" + problem)
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Signature")


# --- the refusal matrix, through the app -------------------------------------------------------


def _tampered(hook: RegisteredHook) -> tuple[bytes, dict[str, str]]:
    headers = signature_headers(hook, BODY)
    return BODY.replace(b"Verre", b"Vitre"), headers


def _expired(hook: RegisteredHook) -> tuple[bytes, dict[str, str]]:
    return BODY, signature_headers(hook, BODY, timestamp=datetime.now(UTC) - timedelta(minutes=6))


def _from_the_future(hook: RegisteredHook) -> tuple[bytes, dict[str, str]]:
    return BODY, signature_headers(hook, BODY, timestamp=datetime.now(UTC) + timedelta(minutes=6))


def _wrong_secret(hook: RegisteredHook) -> tuple[bytes, dict[str, str]]:
    other = SECRET if hook.auth == "standard_webhooks" else HMAC_SECRET
    return BODY, signature_headers(hook, BODY, secret=other)


def _unsigned(hook: RegisteredHook) -> tuple[bytes, dict[str, str]]:
    return BODY, {"Content-Type": "application/json"}


def _malformed(hook: RegisteredHook) -> tuple[bytes, dict[str, str]]:
    headers = signature_headers(hook, BODY)
    if hook.auth == "standard_webhooks":
        headers["webhook-signature"] = "v1 " + headers["webhook-signature"]
    else:
        headers[SIGNATURE_HEADER] = "sha256:" + headers[SIGNATURE_HEADER][7:]
    return BODY, headers


def _short_signature(hook: RegisteredHook) -> tuple[bytes, dict[str, str]]:
    headers = signature_headers(hook, BODY)
    if hook.auth == "standard_webhooks":
        headers["webhook-signature"] = "v1," + base64.b64encode(b"short").decode()
    else:
        headers[SIGNATURE_HEADER] = "sha256=abc"
    return BODY, headers


def _timestamp_not_a_number(hook: RegisteredHook) -> tuple[bytes, dict[str, str]]:
    headers = signature_headers(hook, BODY)
    name = "webhook-timestamp" if hook.auth == "standard_webhooks" else TIMESTAMP_HEADER
    headers[name] = "yesterday"
    return BODY, headers


FORGERIES: dict[str, tuple[Callable[[RegisteredHook], tuple[bytes, dict[str, str]]], int, str]] = {
    "tampered body": (_tampered, 401, "hook-authentication-failed"),
    "expired timestamp": (_expired, 401, "stale-delivery"),
    "timestamp from the future": (_from_the_future, 401, "stale-delivery"),
    "wrong secret": (_wrong_secret, 401, "hook-authentication-failed"),
    "unsigned": (_unsigned, 401, "hook-authentication-failed"),
    "malformed signature header": (_malformed, 400, "malformed-signature"),
    "signature of the wrong length": (_short_signature, 400, "malformed-signature"),
    "malformed timestamp": (_timestamp_not_a_number, 400, "malformed-signature"),
}


@pytest.mark.parametrize("auth", ["standard_webhooks", "hmac_sha256"])
@pytest.mark.parametrize("forgery", list(FORGERIES))
def test_a_forged_delivery_is_refused_and_stores_nothing(
    client: TestClient,
    tool: TestClient,
    brand_id: str,
    workspace: str,
    dynamodb: DynamoDBClient,
    settings: Settings,
    auth: str,
    forgery: str,
) -> None:
    make, status, problem = FORGERIES[forgery]
    hook = register_hook(client, "generic", auth, brand_id)
    body, headers = make(hook)
    refused(tool.post(hook.url(), content=body, headers=headers), status, problem)
    assert stored_mentions(dynamodb, settings, workspace, brand_id) == []


@pytest.mark.parametrize("auth", ["standard_webhooks", "hmac_sha256"])
def test_a_re_sent_delivery_is_a_2xx_duplicate_and_counts_nothing(
    client: TestClient,
    tool: TestClient,
    brand_id: str,
    workspace: str,
    dynamodb: DynamoDBClient,
    settings: Settings,
    auth: str,
) -> None:
    hook = register_hook(client, "generic", auth, brand_id)
    headers = signature_headers(hook, BODY)
    first = tool.post(hook.url(), content=BODY, headers=headers)
    assert first.status_code == 200
    if auth == "standard_webhooks":
        assert first.json()["delivery_id"] == headers["webhook-id"]
    before = client.get(f"/v1/brands/{brand_id}/risk").json()
    # Standard Webhooks senders re-send the same id after a timeout: a 401 would make them
    # disable the endpoint. The re-send is acknowledged as a duplicate and stores nothing.
    again = tool.post(hook.url(), content=BODY, headers=headers)
    assert again.status_code == 200, again.text
    assert again.json()["duplicate_delivery"] is True
    assert again.json()["stored"] == 0
    assert len(stored_mentions(dynamodb, settings, workspace, brand_id)) == 2
    assert client.get(f"/v1/brands/{brand_id}/risk").json()["score"] == before["score"]


def test_the_same_webhook_id_with_another_body_stores_nothing_new(
    client: TestClient, tool: TestClient, brand_id: str
) -> None:
    """The webhook-id names the delivery (its idempotency key): a copy with new content under
    the same id is a duplicate delivery, acknowledged, and nothing of it is stored."""
    hook = register_hook(client, "generic", "standard_webhooks", brand_id)
    assert deliver(tool, hook, BODY, webhook_id="msg_fixed").status_code == 200
    other = json.dumps({"external_id": "x-1", "published_at": "2026-03-09T10:00:00Z"}).encode()
    again = deliver(tool, hook, other, webhook_id="msg_fixed")
    assert again.status_code == 200
    assert again.json()["duplicate_delivery"] is True
    listed = client.get(f"/v1/brands/{brand_id}/mentions").json()["items"]
    assert "x-1" not in {m["mention"]["external_id"] for m in listed}


@pytest.mark.parametrize(
    ("token", "problem"),
    [
        (None, "hook-authentication-failed"),
        ("vht_" + "A" * 43, "hook-authentication-failed"),
        ("not-a-token", "hook-authentication-failed"),
    ],
)
def test_a_wrong_url_token_is_refused_and_stores_nothing(
    client: TestClient,
    tool: TestClient,
    brand_id: str,
    workspace: str,
    dynamodb: DynamoDBClient,
    settings: Settings,
    token: str | None,
    problem: str,
) -> None:
    hook = register_hook(client, "youscan", "url_token", brand_id)
    url = hook.url().split("&token=")[0] + (f"&token={token}" if token else "")
    refused(tool.post(url, content=fixture_body("youscan")), 401, problem)
    assert stored_mentions(dynamodb, settings, workspace, brand_id) == []


@pytest.mark.parametrize(
    "query",
    ["", "?hook=hk_aaaaaaaaaaaaaaaaaaaa", "?hook=not-a-hook", "?hook=" + "x" * 64],
)
def test_a_missing_or_unknown_hook_is_refused(tool: TestClient, query: str) -> None:
    refused(
        tool.post(f"/v1/hooks/generic/acme{query}", content=BODY), 401, "hook-authentication-failed"
    )


def test_a_hook_of_another_source_is_refused(
    client: TestClient, tool: TestClient, brand_id: str
) -> None:
    hook = register_hook(client, "youscan", "url_token", brand_id)
    url = hook.url().replace("/youscan/", "/meltwater/")
    refused(tool.post(url, content=fixture_body("meltwater")), 401, "hook-authentication-failed")


def test_a_url_token_source_ignores_signature_headers(
    client: TestClient, tool: TestClient, brand_id: str
) -> None:
    """The auth mode is the source's, not the request's: a URL token source needs its token."""
    signed = register_hook(client, "generic", "standard_webhooks", brand_id)
    token_hook = register_hook(client, "generic", "url_token", brand_id)
    url = token_hook.url().split("&token=")[0]
    refused(
        tool.post(url, content=BODY, headers=signature_headers(signed, BODY)),
        401,
        "hook-authentication-failed",
    )


# --- rotation ----------------------------------------------------------------------------------


@pytest.mark.parametrize("auth", ["standard_webhooks", "hmac_sha256", "url_token"])
def test_both_secrets_verify_during_a_rotation_overlap(
    client: TestClient, tool: TestClient, brand_id: str, auth: str
) -> None:
    old = register_hook(client, "generic", auth, brand_id)
    rotated = client.post(f"/v1/hook-sources/{old.id}/rotate", json={"overlap_seconds": 3600})
    assert rotated.status_code == 200, rotated.text
    body = rotated.json()
    new = RegisteredHook(old.id, "generic", auth, body["secret"], body["receiver_url"], brand_id)
    assert new.secret != old.secret
    assert body["previous_secret_valid_until"] is not None
    assert body["rotated_at"] is not None

    for hook, external_id in ((old, "with-old"), (new, "with-new")):
        payload = json.dumps({"external_id": external_id, "published_at": "2026-03-09T10:00:00Z"})
        response = deliver(tool, hook, payload.encode())
        assert response.status_code == 200, (external_id, response.text)

    listed = client.get(f"/v1/hook-sources/{old.id}").json()
    assert listed["previous_secret_valid_until"] == body["previous_secret_valid_until"]
    assert "secret" not in listed


def test_after_the_overlap_only_the_new_secret_verifies(
    client: TestClient, tool: TestClient, brand_id: str
) -> None:
    old = register_hook(client, "generic", "standard_webhooks", brand_id)
    body = client.post(f"/v1/hook-sources/{old.id}/rotate", json={"overlap_seconds": 1}).json()
    new = RegisteredHook(old.id, "generic", old.auth, body["secret"], old.receiver_url, brand_id)
    time.sleep(1.5)
    refused(deliver(tool, old, BODY), 401, "hook-authentication-failed")
    assert deliver(tool, new, BODY).status_code == 200
    assert client.get(f"/v1/hook-sources/{old.id}").json()["previous_secret_valid_until"] is None


def test_a_rotation_without_overlap_revokes_the_old_secret_at_once(
    client: TestClient, tool: TestClient, brand_id: str
) -> None:
    old = register_hook(client, "generic", "hmac_sha256", brand_id)
    first = client.post(f"/v1/hook-sources/{old.id}/rotate", json={"overlap_seconds": 3600})
    middle = RegisteredHook(
        old.id, "generic", old.auth, first.json()["secret"], old.receiver_url, brand_id
    )
    second = client.post(f"/v1/hook-sources/{old.id}/rotate", json={"overlap_seconds": 0})
    assert second.json()["previous_secret_valid_until"] is None
    latest = RegisteredHook(
        old.id, "generic", old.auth, second.json()["secret"], old.receiver_url, brand_id
    )
    refused(deliver(tool, old, BODY), 401, "hook-authentication-failed")
    refused(deliver(tool, middle, BODY), 401, "hook-authentication-failed")
    assert deliver(tool, latest, BODY).status_code == 200


def test_rotation_refuses_an_overlap_longer_than_a_week(client: TestClient) -> None:
    hook = register_hook(client, "generic", "url_token")
    response = client.post(
        f"/v1/hook-sources/{hook.id}/rotate", json={"overlap_seconds": 8 * 24 * 3600}
    )
    assert response.status_code == 422


# --- verification functions, and fuzzing of the header parsers -------------------------------


def _standard_headers(
    body: bytes, secret: str = SECRET, at: datetime | None = None
) -> dict[str, str]:
    moment = at or datetime.now(UTC)
    message_id = f"msg_{uuid.uuid4().hex}"
    return {
        "webhook_id": message_id,
        "timestamp": str(int(moment.timestamp())),
        "signature": Webhook(secret).sign(message_id, moment, body.decode()),
    }


def test_a_valid_standard_webhook_is_accepted_with_either_secret() -> None:
    headers = _standard_headers(BODY)
    other = "whsec_" + base64.b64encode(b"z" * 32).decode()
    for secrets in ([SECRET], [other, SECRET]):
        accepted = verify_standard_webhook(
            BODY, **headers, secrets_to_try=secrets, now=time.time(), tolerance_seconds=TOLERANCE
        )
        assert accepted == headers["webhook_id"]


def test_several_signatures_in_one_header_are_tried() -> None:
    headers = _standard_headers(BODY)
    decoy = "v1," + base64.b64encode(b"\x00" * 32).decode()
    headers["signature"] = (
        f"{decoy} v1a,{base64.b64encode(b'x' * 64).decode()} {headers['signature']}"
    )
    verify_standard_webhook(
        BODY, **headers, secrets_to_try=[SECRET], now=time.time(), tolerance_seconds=TOLERANCE
    )


def test_a_valid_hmac_delivery_is_accepted() -> None:
    now = int(time.time())
    signature = hmac_signature(HMAC_SECRET, now, BODY)
    matched = verify_hmac_sha256(
        BODY,
        timestamp=str(now),
        signature=signature,
        secrets_to_try=[HMAC_SECRET],
        now=now,
        tolerance_seconds=TOLERANCE,
    )
    assert matched.hex() == signature.removeprefix("sha256=")


def test_derived_secrets_are_stable_per_credential_and_distinct_otherwise() -> None:
    key = "k" * 40
    first = derive_signing_secret(key, "hk_a", "c1", "whsec_")
    assert first == derive_signing_secret(key, "hk_a", "c1", "whsec_")
    others = {
        derive_signing_secret(key, "hk_a", "c2", "whsec_"),
        derive_signing_secret(key, "hk_b", "c1", "whsec_"),
        derive_signing_secret("j" * 40, "hk_a", "c1", "whsec_"),
    }
    assert first not in others
    assert len(others) == 3
    assert len(base64.b64decode(first.removeprefix("whsec_"))) == 32


def test_url_tokens_are_compared_with_their_hashes() -> None:
    token = new_url_token()
    verify_url_token(token, ["0" * 64, url_token_hash(token)])
    with pytest.raises(ProblemError) as refused_token:
        verify_url_token(new_url_token(), [url_token_hash(token)])
    assert refused_token.value.status == 401


_HEADER_TEXT = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=120)


@st.composite
def forged_standard_headers(draw: st.DrawFn) -> tuple[bytes, dict[str, str]]:
    """Random headers, or a valid signature broken one way: never a validly signed delivery."""
    body = BODY
    valid = _standard_headers(body)
    kind = draw(
        st.sampled_from(
            ["random", "tamper", "wrong-secret", "skew", "flip-bit", "garble", "drop", "swap-id"]
        )
    )
    headers = dict(valid)
    if kind == "random":
        headers = {
            name: draw(st.one_of(st.none(), _HEADER_TEXT))  # type: ignore[misc]
            for name in ("webhook_id", "timestamp", "signature")
        }
    elif kind == "tamper":
        position = draw(st.integers(0, len(body) - 1))
        body = (
            body[:position]
            + bytes([body[position] ^ draw(st.integers(1, 255))])
            + body[position + 1 :]
        )
    elif kind == "wrong-secret":
        key = draw(st.binary(min_size=16, max_size=64).filter(lambda k: k != b"k" * 32))
        headers = _standard_headers(body, "whsec_" + base64.b64encode(key).decode())
    elif kind == "skew":
        seconds = draw(st.one_of(st.integers(-(10**6), -301), st.integers(301, 10**6)))
        headers = _standard_headers(body, at=datetime.now(UTC) + timedelta(seconds=seconds))
    elif kind == "flip-bit":
        raw = bytearray(base64.b64decode(valid["signature"].split(",", 1)[1]))
        raw[draw(st.integers(0, 31))] ^= 1 << draw(st.integers(0, 7))
        headers["signature"] = "v1," + base64.b64encode(bytes(raw)).decode()
    elif kind == "garble":
        headers["signature"] = draw(_HEADER_TEXT)
    elif kind == "drop":
        headers[draw(st.sampled_from(["webhook_id", "timestamp", "signature"]))] = None  # type: ignore[assignment]
    else:
        headers["webhook_id"] = draw(
            _HEADER_TEXT.filter(lambda value: value != valid["webhook_id"])
        )
    return body, headers


def test_generated_forged_standard_webhooks_are_never_accepted() -> None:
    """BENCHMARKS security: ≥ 1,000 generated cases, accepted 0 times, never an unexpected error."""
    outcomes: dict[int, int] = {}

    @settings(max_examples=1200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(forged_standard_headers())
    def check(case: tuple[bytes, dict[str, str]]) -> None:
        body, headers = case
        with pytest.raises(ProblemError) as refusal:
            verify_standard_webhook(
                body,
                **headers,
                secrets_to_try=[SECRET],
                now=time.time(),
                tolerance_seconds=TOLERANCE,
            )
        assert refusal.value.status in {400, 401}
        outcomes[refusal.value.status] = outcomes.get(refusal.value.status, 0) + 1

    check()
    assert sum(outcomes.values()) >= 1000
    assert outcomes.get(401, 0) > 0
    assert outcomes.get(400, 0) > 0


@st.composite
def forged_hmac_headers(draw: st.DrawFn) -> tuple[bytes, str | None, str | None]:
    now = int(time.time())
    body = BODY
    valid = hmac_signature(HMAC_SECRET, now, body)
    timestamp: str | None = str(now)
    signature: str | None = valid
    kind = draw(st.sampled_from(["random", "tamper", "wrong-secret", "skew", "flip", "retime"]))
    if kind == "random":
        timestamp = draw(st.one_of(st.none(), _HEADER_TEXT))
        signature = draw(st.one_of(st.none(), _HEADER_TEXT))
    elif kind == "tamper":
        body = body + draw(st.binary(min_size=1, max_size=8))
    elif kind == "wrong-secret":
        other = "vhs_" + draw(st.text(alphabet="abcdefXYZ0123456789-_", min_size=8, max_size=50))
        signature = hmac_signature(other, now, body)
    elif kind == "skew":
        at = now + draw(st.one_of(st.integers(-(10**6), -301), st.integers(301, 10**6)))
        timestamp, signature = str(at), hmac_signature(HMAC_SECRET, at, body)
    elif kind == "flip":
        digest = bytearray(bytes.fromhex(valid.removeprefix("sha256=")))
        digest[draw(st.integers(0, 31))] ^= 1 << draw(st.integers(0, 7))
        signature = "sha256=" + digest.hex()
    else:  # a valid signature presented with another (fresh) timestamp
        timestamp = str(now - draw(st.integers(1, 200)))
    return body, timestamp, signature


def test_generated_forged_hmac_signatures_are_never_accepted() -> None:
    seen = 0

    @settings(max_examples=1000, deadline=None)
    @given(forged_hmac_headers())
    def check(case: tuple[bytes, str | None, str | None]) -> None:
        nonlocal seen
        body, timestamp, signature = case
        with pytest.raises(ProblemError) as refusal:
            verify_hmac_sha256(
                body,
                timestamp=timestamp,
                signature=signature,
                secrets_to_try=[HMAC_SECRET],
                now=time.time(),
                tolerance_seconds=TOLERANCE,
            )
        assert refusal.value.status in {400, 401}
        seen += 1

    check()
    assert seen >= 1000


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=300))
def test_signature_header_parsers_refuse_or_parse_but_never_crash(value: str) -> None:
    for parse in (parse_standard_signatures, parse_hmac_signatures):
        outcome: object
        try:
            outcome = parse(value)
        except ProblemError as refusal:
            outcome = refusal.status
        # Either a refusal (400 malformed, 401 missing) or the parsed, non-empty signatures.
        assert outcome in {400, 401} or (isinstance(outcome, list) and outcome)
