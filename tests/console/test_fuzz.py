"""Every console route under hostile input: path segments, query strings, form bodies, headers.

The console is an entry point like `/v1`: whatever a browser, a script or an attacker sends, it
answers with a page (or a redirect), never a 5xx, never a traceback, never the input unescaped;
and a refused change changes nothing. The routes are read from the console itself, so a new page
is fuzzed the day it is added.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.console.app import build_console
from api.console.session import SESSION_COOKIE
from api.services import Services
from api.workspaces.service import Principal
from tests.console.seeding import csrf_of

MARKER = '<script>alert("fz")</script>'
_PARAMETER = re.compile(r"\{(\w+)\}")

# Text of every kind: controls, lone-surrogate-free Unicode, HTML and path tricks, the huge.
_TRICKS = st.sampled_from(
    [
        MARKER,
        "../../etc/passwd",
        "%00",
        "\x00",
        "m_" + "a" * 24,
        "a" * 5000,
        "' OR '1'='1",
        "{{7*7}}",
        "${jndi:ldap://x}",
        "\u202e\u0000\ufeff",
        "9999-12-31T23:59:59Z",
        "-1",
        "",
    ]
)
_TEXT = st.one_of(_TRICKS, st.text(st.characters(exclude_categories=["Cs"]), max_size=80))
_FIELD_NAMES = st.one_of(
    st.sampled_from(
        [
            "csrf",
            "status",
            "note",
            "url",
            "events",
            "brand_ids",
            "description",
            "format",
            "at",
            "cursor",
            "api_key",
            "name",
        ]
    ),
    _TEXT,
)
_PAIRS = st.lists(st.tuples(_FIELD_NAMES, _TEXT), max_size=6)
_CONTENT_TYPES = st.sampled_from(
    [
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=latin-1",
        "multipart/form-data; boundary=x",
        "application/json",
        "text/plain",
        "",
    ]
)
_ACCEPT_LANGUAGES = st.one_of(
    st.sampled_from(["fr-FR,fr;q=0.9", "*", "en;q=abc", "xx-" + "y" * 300, ";;;,,,"]), _TEXT
)


@st.composite
def _requests(
    draw: st.DrawFn, routes: list[tuple[str, str]], ids: dict[str, str]
) -> dict[str, Any]:
    method, template = draw(st.sampled_from(routes))

    def segment(match: re.Match[str]) -> str:
        name = match.group(1)
        value = draw(st.one_of(st.just(ids.get(name, "x")), _TEXT))
        return quote(value, safe="") or "x"

    path = "/app" + _PARAMETER.sub(segment, template)
    query = draw(_PAIRS)
    # Headers travel as bytes: a browser sends Latin-1 at most, anything else arrives mangled.
    headers: dict[str, str | bytes] = {
        "accept-language": draw(_ACCEPT_LANGUAGES).encode("latin-1", "replace"),
    }
    if draw(st.booleans()):
        headers["hx-request"] = "true"
    request: dict[str, Any] = {
        "method": method,
        "url": path + ("?" + urlencode(query) if query else ""),
        "headers": headers,
    }
    if method == "POST":
        fields = draw(_PAIRS)
        if draw(st.booleans()):
            fields.append(("csrf", ids["csrf"]))
        body = draw(
            st.one_of(
                st.just(urlencode(fields).encode()),
                st.binary(max_size=200),
                st.just(b"a=" + b"b" * 200_000),
            )
        )
        headers["content-type"] = draw(_CONTENT_TYPES)
        if draw(st.booleans()):
            headers["origin"] = draw(
                st.sampled_from(["http://evil.example", "null", "http://testserver"])
            )
        request["content"] = body
    return request


def _console_routes(app: FastAPI) -> list[tuple[str, str]]:
    console = build_console(app.state.services)
    routes = [
        (method, route.path)
        for route in console.routes
        if isinstance(route, APIRoute)
        for method in sorted(route.methods or ())
        if method in {"GET", "POST"}
    ]
    assert len(routes) >= 14, routes
    return routes


def _state(
    services: Services, workspace: str, brand_id: str, mention_id: str
) -> tuple[object, ...]:
    """What a console POST can change: subscriptions, the mention's handling, the brand."""
    principal = Principal(workspace=workspace)
    subscriptions = services.subscriptions.list(principal, 50, None).items
    mention = services.mentions.get(workspace, brand_id, mention_id)
    return (
        [(s.id, s.url, s.enabled) for s in subscriptions],
        mention.handling.model_dump() if mention.handling else None,
        services.brands.get(principal, brand_id).model_dump(),
    )


def test_every_console_route_answers_hostile_input_with_a_page_and_changes_nothing(
    app: FastAPI, web: TestClient, workspace: str, client: TestClient, brand_id: str
) -> None:
    services: Services = app.state.services
    posted = client.post(
        f"/v1/brands/{brand_id}/mentions",
        json={
            "mentions": [
                {
                    "external_id": "fuzz-1",
                    "network": "twitter",
                    "published_at": "2026-12-01T10:00:00Z",
                    "text": f"@acme my parcel is lost {MARKER}",
                    "author": {"handle": "@someone", "followers": 10},
                }
            ]
        },
    )
    assert posted.status_code == 200, posted.text
    mention_id = posted.json()["results"][0]["id"]
    ids = {
        "brand_id": brand_id,
        "mention_id": mention_id,
        "subscription_id": "sub_" + "a" * 26,
        "event_id": "evt_" + "a" * 26,
        "csrf": csrf_of(web.get("/app/brands").text),
    }
    routes = _console_routes(app)
    session = web.cookies.get(SESSION_COOKIE)
    seen: set[tuple[str, int]] = set()

    @settings(
        max_examples=100,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(request=_requests(routes, ids))
    def check(request: dict[str, Any]) -> None:
        web.cookies.set(SESSION_COOKIE, session or "")
        # Only a POST may change anything (a GET page's handler writes nothing).
        posting = request["method"] == "POST"
        before = _state(services, workspace, brand_id, mention_id) if posting else None
        response = web.request(**request)
        seen.add((request["method"], response.status_code))
        assert response.status_code < 500, (request["url"], response.text[:500])
        assert "Traceback" not in response.text
        assert MARKER not in response.text, request["url"]
        if response.status_code >= 400:
            # A console page; or, for a path the console's mount cannot even match (a newline in
            # a segment), the API's RFC 9457 problem. Never FastAPI's bare JSON.
            kind = response.headers["content-type"].split(";")[0]
            assert kind in {"text/html", "application/problem+json"}, (
                request["method"],
                request["url"][:200],
                response.status_code,
                response.text[:300],
            )
            if posting:
                after = _state(services, workspace, brand_id, mention_id)
                assert after == before, request["url"]

    check()
    # The fuzz reached the pages and their refusals, not only the sign-in redirect.
    statuses = {status for _, status in seen}
    assert {200, 403, 404} <= statuses, seen
    assert any(status in {403, 422, 404} for method, status in seen if method == "POST"), seen
