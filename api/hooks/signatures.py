"""Authenticating inbound deliveries on their raw bytes, and the secrets they are checked with.

Three ways a listening tool can prove a delivery comes from it (one per registered source):

- `standard_webhooks`: the Standard Webhooks headers `webhook-id`, `webhook-timestamp` and
  `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, secret `whsec_…`,
  verified with the `standardwebhooks` package; the id is the replay-protection key.
- `hmac_sha256`: for tools that sign the body themselves:
  `X-Vigie-Timestamp: <unix seconds>` and
  `X-Vigie-Signature: sha256=<hex HMAC-SHA256(secret, "{timestamp}.{body}")>` — the key is the
  secret string `vhs_…` as UTF-8; the timestamp is signed so a capture cannot be replayed later,
  and the signature itself is the replay-protection key within the tolerance window.
- `url_token`: for tools that can only store a URL: `?token=vht_…`, compared with its SHA-256.

Syntactically invalid headers are a 400 (the sender has a bug to fix); everything else that
fails is a 401 with a problem type saying which check failed (the sender has a secret or a clock
to fix). Neither ever says anything about the expected secret.

Secrets are never stored. A signing secret is derived, when needed, from the service's master key
(`VIGIE_SECRETS_KEY`) and a random per-credential id stored with the source:
HMAC-SHA256(master key, "vigie/hook-secret/v1" ‖ hook id ‖ credential id). A copy of the table
alone therefore reveals no secret, and nothing needs decrypting. A URL token is random and only
its SHA-256 is stored, like an API key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from typing import ClassVar, Final

from standardwebhooks import Webhook, WebhookVerificationError

from api.problems import MalformedJSON, ProblemError

STANDARD_SECRET_PREFIX: Final = "whsec_"
HMAC_SECRET_PREFIX: Final = "vhs_"
URL_TOKEN_PREFIX: Final = "vht_"
SIGNATURE_HEADER: Final = "X-Vigie-Signature"
TIMESTAMP_HEADER: Final = "X-Vigie-Timestamp"

_DERIVATION_LABEL: Final = b"vigie/hook-secret/v1"
_KEY_ID_LABEL: Final = b"vigie/secrets-key-id/v1"
_MAX_HEADER: Final = 1024
_MAX_SIGNATURES: Final = 8
_WEBHOOK_ID: Final = re.compile(r"[\x21-\x7e]{1,256}")
_TIMESTAMP: Final = re.compile(r"\d{1,12}")
_STANDARD_ENTRY: Final = re.compile(r"(v\d{1,3}[a-z]?),([A-Za-z0-9+/]{4,512}={0,2})")
_HMAC_ENTRY: Final = re.compile(r"sha256=([0-9a-fA-F]{64})")
_URL_TOKEN: Final = re.compile(r"vht_[A-Za-z0-9_-]{20,100}")
_SHA256_BYTES: Final = 32


# --- problems -----------------------------------------------------------------------------


class MalformedSignature(ProblemError):
    status, slug, title = 400, "malformed-signature", "Malformed signature headers"
    example_detail = "`webhook-signature` entries must look like `v1,<base64 signature>`."


class HookAuthenticationFailed(ProblemError):
    """A 401 for a delivery: the sender's credentials, not an API key, are at fault."""

    status, slug, title = 401, "hook-authentication-failed", "Hook authentication failed"
    example_detail = "No `webhook-signature` matches this source's secret."
    challenge: ClassVar[str] = 'Signature realm="vigie-hooks"'

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": self.challenge})


class StaleDelivery(HookAuthenticationFailed):
    status, slug, title = 401, "stale-delivery", "Delivery timestamp outside the tolerance"
    example_detail = "The delivery timestamp is more than 300 s away from the server's clock."


class ReplayedDelivery(HookAuthenticationFailed):
    status, slug, title = 401, "replayed-delivery", "Delivery already received"
    example_detail = "This delivery was already received; it is not processed twice."


# --- header parsing -----------------------------------------------------------------------


def parse_webhook_id(value: str | None) -> str:
    if value is None:
        raise HookAuthenticationFailed("Missing `webhook-id` header (Standard Webhooks).")
    if not _WEBHOOK_ID.fullmatch(value):
        raise MalformedSignature("`webhook-id` must be 1-256 visible ASCII characters.")
    return value


def parse_timestamp(value: str | None, header: str) -> int:
    if value is None:
        raise HookAuthenticationFailed(f"Missing `{header}` header.")
    stripped = value.strip()
    if not _TIMESTAMP.fullmatch(stripped):
        raise MalformedSignature(f"`{header}` must be an integer number of Unix seconds.")
    return int(stripped)


def parse_standard_signatures(value: str | None) -> list[tuple[str, bytes]]:
    """`v1,<base64> v1,<base64>` → [(version, signature bytes)]; a 400 on any malformed entry."""
    if value is None:
        raise HookAuthenticationFailed("Missing `webhook-signature` header (Standard Webhooks).")
    entries = value.strip().split(" ")
    if len(value) > _MAX_HEADER or not value.strip() or len(entries) > _MAX_SIGNATURES:
        raise MalformedSignature(
            f"`webhook-signature` must hold 1 to {_MAX_SIGNATURES} space-separated "
            "`v1,<base64>` signatures."
        )
    parsed: list[tuple[str, bytes]] = []
    for entry in entries:
        match = _STANDARD_ENTRY.fullmatch(entry)
        if match is None:
            raise MalformedSignature(
                "`webhook-signature` entries must look like `v1,<base64 signature>`."
            )
        version, encoded = match.groups()
        try:
            signature = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise MalformedSignature("A `webhook-signature` entry is not valid base64.") from None
        if version == "v1" and len(signature) != _SHA256_BYTES:
            raise MalformedSignature("A `v1` signature is a 32-byte HMAC-SHA256, base64-encoded.")
        parsed.append((version, signature))
    return parsed


def parse_hmac_signatures(value: str | None) -> list[bytes]:
    """`sha256=<hex>[,sha256=<hex>]` → signature bytes; a 400 on any malformed entry."""
    if value is None:
        raise HookAuthenticationFailed(f"Missing `{SIGNATURE_HEADER}` header.")
    entries = [entry.strip() for entry in value.split(",")]
    if len(value) > _MAX_HEADER or len(entries) > _MAX_SIGNATURES:
        raise MalformedSignature(f"`{SIGNATURE_HEADER}` is too long.")
    parsed: list[bytes] = []
    for entry in entries:
        match = _HMAC_ENTRY.fullmatch(entry)
        if match is None:
            raise MalformedSignature(
                f"`{SIGNATURE_HEADER}` must be `sha256=<64 hex digits>` (comma-separated if "
                "several)."
            )
        parsed.append(bytes.fromhex(match.group(1)))
    return parsed


# --- verification -------------------------------------------------------------------------


def check_freshness(timestamp: int, now: float, tolerance_seconds: int) -> None:
    if abs(now - timestamp) > tolerance_seconds:
        raise StaleDelivery(
            f"The delivery timestamp is more than {tolerance_seconds} s away from the server's "
            "clock: refused as a possible replay. Check the sender's clock (NTP)."
        )


def verify_standard_webhook(
    body: bytes,
    *,
    webhook_id: str | None,
    timestamp: str | None,
    signature: str | None,
    secrets_to_try: Sequence[str],
    now: float,
    tolerance_seconds: int,
) -> str:
    """Check a Standard Webhooks delivery against any of the secrets; return its `webhook-id`."""
    message_id = parse_webhook_id(webhook_id)
    sent_at = parse_timestamp(timestamp, "webhook-timestamp")
    signatures = parse_standard_signatures(signature)
    check_freshness(sent_at, now, tolerance_seconds)
    if not any(version == "v1" for version, _ in signatures):
        raise HookAuthenticationFailed("No `v1` (HMAC-SHA256) signature in `webhook-signature`.")
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedJSON("The request body is not UTF-8 encoded JSON.") from None
    headers = {
        "webhook-id": message_id,
        "webhook-timestamp": str(sent_at),
        "webhook-signature": " ".join(
            f"{version},{base64.b64encode(sig).decode()}" for version, sig in signatures
        ),
    }
    for secret in secrets_to_try:
        try:
            Webhook(secret).verify(body, headers, json_parse=False)
        except WebhookVerificationError:
            continue
        return message_id
    raise HookAuthenticationFailed(
        "No `webhook-signature` matches this source's secret (a wrong or rotated-out secret, "
        "or a body changed after signing)."
    )


def hmac_signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `X-Vigie-Signature` value a sender computes: the reference implementation."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify_hmac_sha256(
    body: bytes,
    *,
    timestamp: str | None,
    signature: str | None,
    secrets_to_try: Sequence[str],
    now: float,
    tolerance_seconds: int,
) -> bytes:
    """Check an `X-Vigie-Signature` delivery; return the matching signature (its replay key)."""
    sent_at = parse_timestamp(timestamp, TIMESTAMP_HEADER)
    signatures = parse_hmac_signatures(signature)
    check_freshness(sent_at, now, tolerance_seconds)
    signed = f"{sent_at}.".encode() + body
    for secret in secrets_to_try:
        expected = hmac.new(secret.encode(), signed, hashlib.sha256).digest()
        for candidate in signatures:
            if hmac.compare_digest(expected, candidate):
                return candidate
    raise HookAuthenticationFailed(
        f"No `{SIGNATURE_HEADER}` matches this source's secret (a wrong or rotated-out secret, "
        "or a body changed after signing)."
    )


def verify_url_token(token: str | None, token_hashes: Sequence[str]) -> None:
    if not token:
        raise HookAuthenticationFailed("Missing `token` query parameter.")
    if not _URL_TOKEN.fullmatch(token):
        raise HookAuthenticationFailed("The `token` query parameter is not valid.")
    presented = url_token_hash(token)
    # Compare with every candidate (no early exit) so timing does not tell which one matched.
    matches = [hmac.compare_digest(presented, stored) for stored in token_hashes]
    if not any(matches):
        raise HookAuthenticationFailed("The `token` query parameter is not valid.")


# --- secrets ------------------------------------------------------------------------------


def new_credential_id() -> str:
    return secrets.token_hex(16)


def secrets_key_id(master_key: str) -> str:
    """A short fingerprint of the master key, stored with each credential it derives.

    Lets the service notice a changed `VIGIE_SECRETS_KEY` (the source must then be rotated)
    instead of failing every signature silently.
    """
    return hmac.new(master_key.encode(), _KEY_ID_LABEL, hashlib.sha256).hexdigest()[:16]


def derive_signing_secret(master_key: str, hook_id: str, credential_id: str, prefix: str) -> str:
    """The signing secret of a credential: the same inputs always give the same secret."""
    material = b"\x00".join([_DERIVATION_LABEL, hook_id.encode(), credential_id.encode()])
    key = hmac.new(master_key.encode(), material, hashlib.sha256).digest()
    if prefix == STANDARD_SECRET_PREFIX:
        return STANDARD_SECRET_PREFIX + base64.b64encode(key).decode()
    return prefix + base64.urlsafe_b64encode(key).decode().rstrip("=")


def new_url_token() -> str:
    return URL_TOKEN_PREFIX + secrets.token_urlsafe(32)


def url_token_hash(token: str) -> str:
    # Tokens are 256-bit random values: a fast hash is safe (nothing to brute-force).
    return hashlib.sha256(token.encode()).hexdigest()
