"""A request id for every request: `X-Request-Id` in (when sane) or made up, echoed on every
response, carried by every log record (`record.request_id`) and every problem document.

On Lambda without a client id it is API Gateway's request id, so it matches the Powertools
`correlation_id` of the same invocation.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "X-Request-Id"
_HEADER_KEY = HEADER.lower().encode()
# Printable and short: it is copied into headers and log lines, so nothing that could split them.
_SANE = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")
_NONE = "-"

_current: ContextVar[str | None] = ContextVar("vigie_request_id", default=None)


def current_request_id() -> str | None:
    return _current.get()


def _sane(text: str) -> str | None:
    text = text.strip()
    return text if _SANE.fullmatch(text) else None


def _from_client(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == _HEADER_KEY:
            return _sane(value.decode("latin-1"))
    return None


def _chosen(from_client: str | None, event: Any) -> str:
    """The client's id when sane, else API Gateway's request id (on Lambda), else a new one."""
    if from_client is not None:
        return from_client
    if isinstance(event, dict):
        context = event.get("requestContext")
        if isinstance(context, dict):
            request_id = context.get("requestId")
            if isinstance(request_id, str) and _SANE.fullmatch(request_id):
                return request_id
    return secrets.token_hex(16)


def event_request_id(event: dict[str, Any]) -> str:
    """The id of an API Gateway event answered before the app saw it, by the same rule."""
    headers = event.get("headers")
    from_client = None
    if isinstance(headers, dict):
        for name, value in headers.items():
            if isinstance(name, str) and isinstance(value, str) and name.lower() == HEADER.lower():
                from_client = _sane(value)
    return _chosen(from_client, event)


class RequestIdMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware): it must wrap everything, error pages included."""

    def __init__(self, app: ASGIApp, on_status: Callable[[int], None] | None = None) -> None:
        self.app = app
        self._on_status = on_status

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _chosen(_from_client(scope), scope.get("aws.event"))
        token = _current.set(request_id)
        encoded = request_id.encode()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                if self._on_status is not None:
                    self._on_status(message["status"])
                headers = [
                    (name, value)
                    for name, value in message.get("headers", ())
                    if name.lower() != _HEADER_KEY
                ]
                headers.append((_HEADER_KEY, encoded))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            _current.reset(token)


_installed = False


def _install_record_factory() -> None:
    """Every log record, from any logger, gets `request_id` (`-` outside a request): the
    Powertools JSON formatter prints it as a key, a text format can use `%(request_id)s`."""
    global _installed
    if _installed:
        return
    _installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.request_id = _current.get() or _NONE
        return record

    logging.setLogRecordFactory(factory)


# At import: records logged before the first request (server start-up) have the attribute too.
_install_record_factory()
