"""Routes built once per container, at import, not again on the first request.

FastAPI (0.16x) keeps `include_router` lazy: the app holds a reference to the router, and the
first request that walks past it builds every route of it a second time for its inclusion
context (dependants, one pydantic TypeAdapter per parameter). The routes were already built when
their router module was imported, so on Lambda the first call of each container paid for all of
them again (~0.45 s on /healthz, which sits after every router). Our routers carry their prefix,
tags and dependencies themselves and are included without options, so their routes are already
what the inclusion would build: `flatten_included_routers` puts them on the app directly.

One thing the inclusion would add is lost: `app.dependency_overrides` (the routes were built
without the app as their overrides provider). Nothing uses it; a test that wants it can include
its router with an option (e.g. `tags=`) and FastAPI keeps that inclusion as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fastapi import FastAPI


def _is_plain_inclusion(route: Any) -> bool:
    """An `include_router(router)` without prefix, tags, dependencies or other options."""
    context = getattr(route, "include_context", None)
    original = getattr(route, "original_router", None)
    if context is None or original is None:
        return False
    return not (
        getattr(context, "prefix", "")
        or getattr(context, "tags", None)
        or getattr(context, "dependencies", None)
        or getattr(context, "responses", None)
        or getattr(context, "callbacks", None)
        or getattr(context, "deprecated", None)
        or getattr(context, "include_in_schema", True) is not True
        or getattr(context, "max_body_size", None) is not None
        or getattr(original, "_low_priority_routes", None)
        or any(_is_inclusion(child) for child in original.routes)
    )


def _is_inclusion(route: Any) -> bool:
    return hasattr(route, "include_context") and hasattr(route, "original_router")


def flatten_included_routers(app: FastAPI) -> int:
    """Replace each plain router inclusion by the router's own routes, in place and in order.

    Older FastAPI versions copied routes at `include_router` (nothing to do: returns 0); an
    inclusion with options is left to FastAPI. Returns the number of inclusions flattened.
    """
    return splice_routes(
        app, lambda route: route.original_router.routes if _is_plain_inclusion(route) else None
    )


def splice_routes(app: FastAPI, routes_of: Callable[[Any], Sequence[Any] | None]) -> int:
    """Replace each route of the app for which `routes_of` gives routes by those routes, in place
    and in order, and tell the router its list changed. Returns the number of routes replaced.

    One place for both kinds of stand-in: plain inclusions (above) and lazy placeholders
    (api/lazy.py)."""
    replaced = 0
    routes: list[Any] = []
    for route in app.router.routes:
        own = routes_of(route)
        if own is None:
            routes.append(route)
        else:
            routes.extend(own)
            replaced += 1
    if replaced:
        app.router.routes[:] = routes
        mark_changed = getattr(app.router, "_mark_routes_changed", None)
        if callable(mark_changed):
            mark_changed()
    return replaced
