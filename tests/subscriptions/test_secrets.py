"""Outbound signatures: what Vigie signs verifies with `standardwebhooks`; nothing else does."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from standardwebhooks import Webhook, WebhookVerificationError

from api.subscriptions.secrets import derive_secret, key_id_of, sign

MASTER = "master-key-for-tests-0123456789-abcdefghij"
bodies = st.text(min_size=0, max_size=300)
ids = st.from_regex(r"evt_[a-z2-7]{24}", fullmatch=True)


def _headers(event_id: str, timestamp: int, signature: str) -> dict[str, str]:
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature,
    }


def test_secrets_are_derived_deterministically_and_apart() -> None:
    one = derive_secret(MASTER, "sub_a", "c1")
    assert one == derive_secret(MASTER, "sub_a", "c1")
    assert one.startswith("whsec_")
    others = {derive_secret(MASTER, "sub_b", "c1"), derive_secret(MASTER, "sub_a", "c2")}
    others.add(derive_secret(MASTER + "x", "sub_a", "c1"))
    assert one not in others
    assert len(others) == 3
    assert key_id_of(MASTER) != key_id_of(MASTER + "x")


@settings(max_examples=300, deadline=None)
@given(body=bodies, event_id=ids, flip=st.integers(min_value=0, max_value=299))
def test_tampered_bodies_never_verify(body: str, event_id: str, flip: int) -> None:
    secret = derive_secret(MASTER, "sub_a", "c1")
    now = int(datetime.now(UTC).timestamp())
    headers = _headers(event_id, now, sign([secret], event_id, now, body))
    assert Webhook(secret).verify(body.encode(), headers, json_parse=False) is None
    tampered = body[:flip] + "\u00e9" + body[flip + 1 :] if body else "x"
    if tampered != body:
        with pytest.raises(WebhookVerificationError):
            Webhook(secret).verify(tampered.encode(), headers, json_parse=False)


@settings(max_examples=300, deadline=None)
@given(body=bodies, event_id=ids, credential=st.text(min_size=1, max_size=20))
def test_another_secret_never_verifies(body: str, event_id: str, credential: str) -> None:
    secret = derive_secret(MASTER, "sub_a", "c1")
    other = derive_secret(MASTER, "sub_a", "c1" + credential)
    now = int(datetime.now(UTC).timestamp())
    headers = _headers(event_id, now, sign([other], event_id, now, body))
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.encode(), headers, json_parse=False)


@settings(max_examples=200, deadline=None)
@given(body=bodies, event_id=ids, skew=st.integers(min_value=301, max_value=10**7))
def test_a_timestamp_more_than_five_minutes_off_never_verifies(
    body: str, event_id: str, skew: int
) -> None:
    secret = derive_secret(MASTER, "sub_a", "c1")
    for direction in (-1, 1):
        moment = int(datetime.now(UTC).timestamp()) + direction * skew
        headers = _headers(event_id, moment, sign([secret], event_id, moment, body))
        with pytest.raises(WebhookVerificationError):
            Webhook(secret).verify(body.encode(), headers, json_parse=False)


@settings(max_examples=200, deadline=None)
@given(body=bodies, event_id=ids)
def test_during_an_overlap_both_secrets_verify_one_header(body: str, event_id: str) -> None:
    new, old = derive_secret(MASTER, "sub_a", "c2"), derive_secret(MASTER, "sub_a", "c1")
    now = int(datetime.now(UTC).timestamp())
    headers = _headers(event_id, now, sign([new, old], event_id, now, body))
    for secret in (new, old):
        Webhook(secret).verify(body.encode(), headers, json_parse=False)
    with pytest.raises(WebhookVerificationError):
        Webhook(derive_secret(MASTER, "sub_a", "c3")).verify(
            body.encode(), headers, json_parse=False
        )
