"""Signed console sessions and CSRF tokens (standard library only).

The cookie holds the workspace, the SHA-256 of the API key (never the key), a CSRF token and an
expiry, signed with HMAC-SHA256. It is HttpOnly, SameSite=Lax, Secure behind HTTPS. Every
request checks the signature, the expiry and that the key still exists (a revoked key ends
its sessions within the key cache's minute).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

from pydantic import SecretStr

SESSION_COOKIE = "vigie_session"
# Before sign-in there is no session to carry a CSRF token: a signed nonce cookie does
# (double submit: the form must echo it).
SIGN_IN_COOKIE = "vigie_sign_in"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf"


@dataclass(frozen=True, slots=True)
class ConsoleSession:
    workspace: str
    key_hash: str
    csrf: str
    name: str
    expires_at: int


class SessionSigner:
    def __init__(self, secrets_key: SecretStr | None, lifetime_seconds: int) -> None:
        if secrets_key is not None:
            master = secrets_key.get_secret_value().encode()
            self._key = hmac.new(master, b"vigie console session v1", hashlib.sha256).digest()
        else:
            # No master key (tests, a bare `uvicorn`): sessions live as long as this process.
            self._key = secrets.token_bytes(32)
        self.lifetime_seconds = lifetime_seconds

    def _sign(self, payload: bytes) -> str:
        mac = hmac.new(self._key, payload, hashlib.sha256).digest()
        return _b64(payload) + "." + _b64(mac)

    def _verify(self, token: str | None) -> bytes | None:
        if not token or len(token) > 4096 or token.count(".") != 1:
            return None
        body, mac = token.split(".")
        try:
            payload = _unb64(body)
            expected = hmac.new(self._key, payload, hashlib.sha256).digest()
            if not hmac.compare_digest(expected, _unb64(mac)):
                return None
        except ValueError:
            return None
        return payload

    def new_session(self, workspace: str, key_hash: str, name: str) -> tuple[ConsoleSession, str]:
        session = ConsoleSession(
            workspace=workspace,
            key_hash=key_hash,
            csrf=secrets.token_urlsafe(24),
            name=name,
            expires_at=int(time.time()) + self.lifetime_seconds,
        )
        payload = json.dumps(
            {
                "w": session.workspace,
                "h": session.key_hash,
                "c": session.csrf,
                "n": session.name,
                "e": session.expires_at,
            },
            separators=(",", ":"),
        ).encode()
        return session, self._sign(payload)

    def read_session(self, token: str | None) -> ConsoleSession | None:
        payload = self._verify(token)
        if payload is None:
            return None
        try:
            data = json.loads(payload)
            session = ConsoleSession(
                workspace=str(data["w"]),
                key_hash=str(data["h"]),
                csrf=str(data["c"]),
                name=str(data["n"]),
                expires_at=int(data["e"]),
            )
        except (ValueError, KeyError, TypeError):
            return None
        return session if session.expires_at > time.time() else None

    def new_sign_in_nonce(self) -> tuple[str, str]:
        """(the nonce the form echoes, the signed cookie that carries it)."""
        nonce = secrets.token_urlsafe(24)
        expires = int(time.time()) + 3600
        return nonce, self._sign(f"{nonce}|{expires}".encode())

    def sign_in_nonce(self, cookie: str | None) -> str | None:
        payload = self._verify(cookie)
        if payload is None:
            return None
        nonce, _, expires = payload.decode(errors="replace").partition("|")
        return nonce if expires.isdigit() and int(expires) > time.time() else None


def tokens_match(expected: str | None, given: str | None) -> bool:
    return (
        bool(expected)
        and bool(given)
        and hmac.compare_digest(str(expected).encode(), str(given).encode())
    )


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as error:
        raise ValueError("not base64") from error
