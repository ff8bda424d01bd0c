"""Request body limits, enforced before the body is parsed (ASGI middleware): size, media type
and the shared JSON guard."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.json_hygiene import parse_json
from api.problems import (
    MalformedJSON,
    PayloadTooLarge,
    ProblemError,
    UnsupportedMediaType,
    problem_response,
)


class BodySizeLimit:
    """Answer 413 when a body exceeds `max_bytes`, declared by Content-Length or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and self._declares_too_much(declared):
            await self._reject(scope, receive, send)
            return
        buffered: list[Message] = []
        size = 0
        # Read the whole body first (it is at most max_bytes) so an oversized streamed body is
        # refused before the application sees any of it.
        while True:
            message = await receive()
            buffered.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await self._reject(scope, receive, send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            if buffered:
                return buffered.pop(0)
            return await receive()

        await self.app(scope, replay, send)

    def _declares_too_much(self, declared: bytes) -> bool:
        """Content-Length over the limit, read by its length first: int() raises past 4,300
        digits, and any length with more digits than the limit is over it anyway."""
        if not declared.isdigit():  # bytes.isdigit is ASCII-only
            return False
        digits = declared.lstrip(b"0")
        return len(digits) > len(str(self.max_bytes)) or int(digits or b"0") > self.max_bytes

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        error = PayloadTooLarge(f"The request body exceeds {self.max_bytes} bytes.")
        response = problem_response(error.to_problem(scope.get("path")))
        await response(scope, receive, send)


# Webhook receivers read their raw body themselves: authenticated first, then parsed (by the
# same `parse_json`), in whatever content type the vendor sends.
# The JSON API lives under /v1; the console (/app) posts HTML forms, and webhook receivers
# verify the raw bytes before they parse them (with the same guard).
_JSON_API_PREFIX = "/v1/"
_RAW_BODY_PREFIXES = ("/v1/hooks/",)
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class JsonBodyGuard:
    """Every JSON request body passes the shared guard (`api.json_hygiene`) before FastAPI.

    A body in another media type is a 415. Depth, lone surrogates and number range are checked
    here once for every operation, so no route can forget them (FastAPI's own parser would
    crash on 10,000 `[`, and store a lone surrogate it cannot answer back).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope.get("method") not in _BODY_METHODS
            or not str(scope.get("path", "")).startswith(_JSON_API_PREFIX)
            or str(scope.get("path", "")).startswith(_RAW_BODY_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        buffered: list[Message] = []
        body = b""
        while True:
            message = await receive()
            buffered.append(message)
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        if body.strip():
            error = _body_problem(dict(scope.get("headers") or []).get(b"content-type"), body)
            if error is not None:
                response = problem_response(error.to_problem(scope.get("path")), error.headers)
                await response(scope, receive, send)
                return

        async def replay() -> Message:
            if buffered:
                return buffered.pop(0)
            return await receive()

        await self.app(scope, replay, send)


def _body_problem(content_type: bytes | None, body: bytes) -> ProblemError | None:
    media_type = (content_type or b"").split(b";", 1)[0].strip().lower()
    if media_type != b"application/json" and not media_type.endswith(b"+json"):
        return UnsupportedMediaType(
            "The request body must be JSON, sent with `Content-Type: application/json`; got "
            + (f"`{media_type.decode('latin-1')[:80]}`." if media_type else "no content type.")
        )
    try:
        parse_json(body)
    except ProblemError as refused:
        # Plain bad syntax: FastAPI says precisely where it breaks. Everything it would
        # mishandle (nesting, surrogates, huge numbers, NaN) is refused here.
        if isinstance(refused, MalformedJSON) and _bad_syntax(body):
            return None
        return refused
    return None


def _bad_syntax(body: bytes) -> bool:
    try:
        json.loads(body)
    except RecursionError:
        return False
    except ValueError:
        return True
    return False
