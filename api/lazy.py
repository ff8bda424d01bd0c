"""Routers imported on the first request that may concern them, not with the app.

Each container pays, at import, for every route its router modules declare (FastAPI builds a
route's dependant and one pydantic TypeAdapter per parameter when the decorator runs) and for
their schemas. The Lambda hot paths (ingest, hook receivers, risk and mention reads) never touch
subscriptions, the review queue, erasures, API-key management or the problem pages, so those
routers stay unimported until a request's path is one of theirs (like the console's
`LazyConsole`, api/console/mount.py).

`LazyRouters` stands where `include_router` would have put the routers' routes, so the order in
which the app tries routes is unchanged, and once loaded it hands matching and handling to the
routers' own route objects: a request is answered exactly as if they had been included (405s
and their `Allow` header too: api/problems.py asks every route). The paths it claims are
declared here, beside the router they belong to; `tests/test_app_routes.py` checks them against
what the routers declare, so a new route cannot be missed.

The OpenAPI document is built from every route: `expand_lazy_routers` puts the routes in the
app's list, in place of their `LazyRouters`, before the document is generated (api/app.py).
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, NoMatchFound, compile_path

from api.routing import splice_routes

if TYPE_CHECKING:
    from fastapi import FastAPI
    from starlette.datastructures import URLPath
    from starlette.types import Receive, Scope, Send


class LazyRouters(BaseRoute):
    """The routes of `routers` ("module" or "module:attribute", default `router`), imported on
    the first request whose path is one of `paths` (route templates, as the routers spell them).
    """

    def __init__(self, routers: Sequence[str], paths: Sequence[str]) -> None:
        self.routers = tuple(routers)
        self.paths = tuple(paths)
        self._regexes = tuple(compile_path(path)[0] for path in self.paths)
        self._routes: list[BaseRoute] | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._routes is not None

    @property
    def routes(self) -> list[BaseRoute]:
        """The routers' own route objects, in order (importing the routers the first time)."""
        if self._routes is None:
            with self._lock:
                if self._routes is None:
                    routes: list[BaseRoute] = []
                    for spec in self.routers:
                        module, _, attribute = spec.partition(":")
                        router = getattr(importlib.import_module(module), attribute or "router")
                        routes.extend(router.routes)
                    self._routes = routes
        return self._routes

    def claims(self, path: str) -> bool:
        return any(regex.match(path) for regex in self._regexes)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http" or not self.claims(get_route_path(scope)):
            return Match.NONE, {}
        partial: Scope | None = None
        for route in self.routes:
            match, child_scope = route.matches(scope)
            if match is Match.NONE:
                continue
            # What Starlette's router would record for the route itself: `handle` passes on to it.
            child_scope = {**child_scope, "route": route}
            if match is Match.FULL:
                return match, child_scope
            if partial is None:
                partial = child_scope
        if partial is not None:
            return Match.PARTIAL, partial
        return Match.NONE, {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        route: BaseRoute = scope["route"]
        await route.handle(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        for route in self.routes:
            try:
                return route.url_path_for(name, **path_params)
            except NoMatchFound:
                pass
        raise NoMatchFound(name, path_params)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(routers={list(self.routers)!r})"


def expand_lazy_routers(app: FastAPI) -> int:
    """Put each `LazyRouters`' routes in the app's route list in its place (importing them).

    Not from inside route matching (the router is walking the list then): from the OpenAPI
    document's generation, or outside any request. Returns the number of placeholders expanded.
    """
    return splice_routes(
        app, lambda route: route.routes if isinstance(route, LazyRouters) else None
    )
