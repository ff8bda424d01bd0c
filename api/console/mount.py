"""Lazy mounting of the console: the Jinja2 app is built on the first request under /app."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

    from api.services import Services

CONSOLE_PATH = "/app"
STATIC_PATH = CONSOLE_PATH + "/static"


class LazyConsole:
    """An ASGI app that imports and builds the console on first use (once per container)."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._app: ASGIApp | None = None
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._app is None:
            with self._lock:
                if self._app is None:
                    from api.console.app import build_console

                    self._app = build_console(self._services)
        await self._app(scope, receive, send)
