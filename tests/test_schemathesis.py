"""Property-based API tests: schemathesis against the live app (uvicorn + DynamoDB Local).

Every operation of the document the app generates at run time (so routes added later are
covered too) gets its examples, coverage cases (boundaries, missing and invalid parts,
undocumented methods) and `MAX_EXAMPLES` fuzzed cases, valid and invalid, under every check:
no 5xx, status codes, content types, headers and bodies as documented, valid input accepted,
invalid input refused, auth enforced (each operation is also probed without the key and with
a wrong one).

Requests carry a real API key, and generated brand and mention ids often name a brand and a
mention that exist, so the fuzzing reaches past the 404s. `VIGIE_SCHEMATHESIS_EXAMPLES=1000`
runs a deeper search locally. The end of the file pins the bugs this run found.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
import hypothesis
import hypothesis.strategies as st
import pytest
import schemathesis
from pydantic import TypeAdapter
from schemathesis import GenerationMode

from api.hooks.adapters.registry import ADAPTERS
from api.json_hygiene import MAX_JSON_INTEGER
from api.local.openapi_document import render_openapi
from api.mentions.service import mention_id_for
from api.pagination import encode_cursor
from api.services import Services
from tests.factories import mention
from tests.live_server import LiveServer

if TYPE_CHECKING:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

MAX_EXAMPLES = int(os.environ.get("VIGIE_SCHEMATHESIS_EXAMPLES", "100"))
BRAND = "acme"
SEEDED_MENTION_ID = mention_id_for("test", "seed-1")  # `mention()` payloads come from "test"
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")

CONFIG_DICT: dict[str, Any] = {
    # The real key is sent with every request (`target.headers`); `ignored_auth` still probes
    # each operation without it and with a wrong one.
    "generation": {
        "max-examples": MAX_EXAMPLES,
        "database": "none",
        "with-security-parameters": False,
    },
    "phases": {"stateful": {"enabled": False}},
    # schemathesis' defaults, plus 413: a body over the size limit (1 MiB) is refused before
    # anything reads it, valid or not; a JSON Schema cannot state a byte size.
    "checks": {
        "positive_data_acceptance": {
            "expected-statuses": [*"2xx 3xx 401 403 404 409 413 429 5xx".split()]
        },
        "negative_data_rejection": {
            "expected-statuses": [*"400 401 403 404 405 406 409 413 415 422 428 429 5xx".split()]
        },
    },
}
CONFIG = schemathesis.Config.from_dict(CONFIG_DICT)
schema = schemathesis.openapi.from_dict(json.loads(render_openapi()), config=CONFIG)
# Cases sent, by (operation, phase): printed at the end of the module's run.
CASES: Counter[tuple[str, str]] = Counter()


@dataclass(frozen=True)
class Target:
    url: str
    headers: dict[str, str]
    mention_cursor: str


@pytest.fixture(scope="module")
def target(
    live_server: LiveServer, services: Services, request: pytest.FixtureRequest
) -> Iterator[Target]:
    """A workspace with brand `acme` holding two mentions, and its API key."""
    key = services.api_keys.create(f"st-{uuid.uuid4().hex[:10]}")
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=live_server.url, headers=headers, timeout=30) as http:
        assert http.post("/v1/brands", json={"id": BRAND, "name": "ACME"}).status_code == 201
        batch = {"mentions": [mention("seed-1"), mention("seed-2")]}
        ingested = http.post(f"/v1/brands/{BRAND}/mentions", json=batch)
        assert ingested.status_code == 200, ingested.text
        assert ingested.json()["results"][0]["id"] == SEEDED_MENTION_ID
        page = http.get(f"/v1/brands/{BRAND}/mentions", params={"limit": 1}).json()
    yield Target(url=live_server.url, headers=headers, mention_cursor=page["next_cursor"])
    _report_cases(request.config)


def _report_cases(config: pytest.Config) -> None:
    if not CASES:
        return
    operations = sorted({operation for operation, _ in CASES})
    by_phase = Counter[str]()
    for (_, phase), count in CASES.items():
        by_phase[phase] += count
    phases = ", ".join(f"{count} {phase}" for phase, count in sorted(by_phase.items()))
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():  # teardown output is captured otherwise
        reporter.write_line(
            f"\nschemathesis: {len(operations)} operations, {sum(CASES.values())} cases "
            f"({phases}); at most {MAX_EXAMPLES} fuzzed per operation"
        )


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> Any:
    """Half the valid brand and mention ids name ones that exist (invalid ones stay invalid)."""
    if not path_parameters:
        return st.just(path_parameters)
    existing = dict(path_parameters)
    if isinstance(existing.get("brand_id"), str) and SLUG.fullmatch(existing["brand_id"]):
        existing["brand_id"] = BRAND
    if isinstance(existing.get("mention_id"), str) and len(existing["mention_id"]) <= 64:
        existing["mention_id"] = SEEDED_MENTION_ID
    return st.sampled_from([path_parameters, existing])


@schema.parametrize()
def test_api_conforms_to_its_openapi_document(case: schemathesis.Case[Any], target: Target) -> None:
    if case.meta is not None and case.meta.generation.mode == GenerationMode.POSITIVE:
        _make_semantically_valid(case, target)
    case.call_and_validate(base_url=target.url, headers=target.headers, timeout=30)
    meta = case.meta
    CASES[case.operation.label, meta.phase.name.value if meta else "?"] += 1


# Stateful phase: call sequences chained by the links schemathesis infers from the document
# (a created brand's id into its mentions, risk, queue, history, hook sources and subscriptions;
# a subscription's id into its deliveries, tests and deletion…), under every check, the stateful
# ones too (a created resource is readable, a deleted one is gone). Bounded: ~60 s on CI.
STATEFUL_SCENARIOS = int(os.environ.get("VIGIE_SCHEMATHESIS_SCENARIOS", "30"))
STATEFUL_STEPS = 8
EXISTING = {"brand_id": BRAND, "mention_id": SEEDED_MENTION_ID}
APIWorkflow = schemathesis.openapi.from_dict(
    json.loads(render_openapi()),
    config=schemathesis.Config.from_dict(
        {**CONFIG_DICT, "phases": {"stateful": {"enabled": True}}}
    ),
).as_state_machine()


def test_api_workflows_conform_statefully(target: Target) -> None:
    class Workflow(APIWorkflow):  # type: ignore[misc, valid-type]
        scenarios = 0

        def before_call(self, case: schemathesis.Case[Any]) -> None:
            # An inferred link can carry a null (a hook source for any brand has
            # `brand_id: null`): it would name the brand "None". Name an existing one instead.
            for name, value in (case.path_parameters or {}).items():
                if value is None and case.path_parameters is not None:
                    case.path_parameters[name] = EXISTING.get(name, value)
            if case.meta is None or case.meta.generation.mode == GenerationMode.POSITIVE:
                _make_semantically_valid(case, target)

        def get_call_kwargs(self, case: schemathesis.Case[Any]) -> dict[str, Any]:  # noqa: ARG002
            return {"base_url": target.url, "headers": target.headers, "timeout": 30}

        def after_call(self, response: Any, case: schemathesis.Case[Any]) -> None:  # noqa: ARG002
            CASES[case.operation.label, "stateful"] += 1

        def teardown(self) -> None:
            type(self).scenarios += 1

    # As schemathesis' own runner does: when the API's state changed under a replayed prefix
    # (Hypothesis re-draws a scenario; a bundle it filled is now empty), that suite ends and a
    # new one runs the scenarios left. A check failure, flaky or not, is raised as is.
    for _suite in range(5):
        remaining = STATEFUL_SCENARIOS - Workflow.scenarios
        if remaining <= 0:
            break
        try:
            Workflow.run(
                settings=hypothesis.settings(
                    max_examples=remaining,
                    stateful_step_count=STATEFUL_STEPS,
                    deadline=None,
                    database=None,
                    # Replaying a scenario to shrink it cannot draw the same rules: the API's
                    # state carries over (the workspace's subscription cap, created brands).
                    phases=[hypothesis.Phase.generate],
                    report_multiple_bugs=False,
                    suppress_health_check=list(hypothesis.HealthCheck),
                )
            )
        except hypothesis.errors.FlakyStrategyDefinition:
            continue
        break
    stateful = sum(count for (_, phase), count in CASES.items() if phase == "stateful")
    assert Workflow.scenarios >= STATEFUL_SCENARIOS
    assert stateful >= 2 * STATEFUL_SCENARIOS  # every scenario runs at least two steps


def _make_semantically_valid(case: schemathesis.Case[Any], target: Target) -> None:
    """Rules a JSON Schema cannot state, so schema-valid input can break them and be rightly
    refused (422/400), which `positive_data_acceptance` would report: instants from 1970 up to
    now, a history of at most 500 points, `since` before `until`, cursors the API issued, an
    Idempotency-Key not used before with another body, a hook source's auth mode its tool can
    use."""
    now = datetime.now(UTC)
    query = case.query if isinstance(case.query, dict) else {}
    for name in ("at", "from", "to", "since", "until"):
        if isinstance(query.get(name), str):
            query[name] = _clamp(query[name], EARLIEST, now).isoformat()
    if isinstance(query.get("since"), str) and isinstance(query.get("until"), str):
        since, until = sorted((query["since"], query["until"]), key=_instant)
        query["since"], query["until"] = since, until
    if case.path.endswith("/risk/history") and isinstance(query.get("from"), str):
        to = _instant(query["to"]) if isinstance(query.get("to"), str) else now
        step: int = query["step"] if isinstance(query.get("step"), int) else 3600
        oldest = to - timedelta(seconds=step * 400)
        query["from"] = _clamp(query["from"], max(oldest, EARLIEST), to).isoformat()
    if query.get("status") == "open":
        # The answer queue is its own listing: no time/tier/network filter, its own cursors.
        for name in ("since", "until", "tier", "network", "cursor"):
            query.pop(name, None)
    if query.get("cursor") is not None:
        if case.path.endswith("/mentions"):
            query["cursor"] = target.mention_cursor
        elif case.path == "/v1/brands":
            query["cursor"] = encode_cursor("brand", BRAND)
        else:
            del query["cursor"]  # a listing whose cursors this test cannot forge
    if case.headers and case.headers.get("Idempotency-Key") is not None:
        case.headers["Idempotency-Key"] = uuid.uuid4().hex
    body: Any = case.body
    _as_the_api_reads_it(body)
    if case.path == "/v1/erasures" and isinstance(body, dict):
        # A stateful link can fill the handle from an earlier answer (a stored mention's
        # author, which has no pattern): the pattern is no outer spaces, one line.
        if isinstance(body.get("author_handle"), str):
            body["author_handle"] = _one_trimmed_line(body["author_handle"]) or "@jane"
    if case.path.startswith("/v1/subscriptions") and isinstance(body, dict) and "url" in body:
        # A subscription URL must name a public host (SSRF): a random string rarely does.
        if isinstance(body["url"], str):
            body["url"] = "https://hooks.example.com/vigie"
    if case.path == "/v1/api-keys" and isinstance(body, dict):
        # A key cannot be issued already expired.
        if isinstance(body.get("expires_at"), str):
            expires = _clamp(body["expires_at"], now + timedelta(days=1), LATEST)
            body["expires_at"] = expires.isoformat()
    if case.path == "/v1/hook-sources" and isinstance(body, dict):
        # An auth mode the tool can use (YouScan and Meltwater cannot sign: url_token only).
        adapter = ADAPTERS.get(str(body.get("source")))
        if adapter is not None and body.get("auth") not in adapter.auth_modes:
            body["auth"] = adapter.auth_modes[0]
    mentions: list[Any] = []
    if isinstance(body, dict) and isinstance(body.get("mentions"), list):
        mentions = body["mentions"]
    elif isinstance(body, dict) and isinstance(body.get("mention"), dict):
        mentions = [body["mention"]]
    for item in mentions:
        if isinstance(item, dict) and isinstance(item.get("published_at"), str):
            published = _clamp(item["published_at"], EARLIEST, now - timedelta(seconds=1))
            item["published_at"] = published.isoformat()


def _as_the_api_reads_it(value: Any) -> None:
    """In place, two things a schema-valid body may hold that the API rightly refuses:
    integers beyond the JSON guard's 38 digits (what DynamoDB numbers carry; an unknown field
    is schema-valid with any value), and a string ending in one newline where a pattern ends
    with `$`: schemathesis checks patterns with Python's `re`, whose `$` also matches before a
    final newline, unlike ECMA-262's (JSON Schema's) and pydantic's (`"@jane\\n"`)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            children: list[tuple[Any, Any]] = list(item.items())
        elif isinstance(item, list):
            children = list(enumerate(item))
        else:
            continue
        for key, child in children:
            if isinstance(child, bool):
                continue
            if isinstance(child, int) and abs(child) >= MAX_JSON_INTEGER:
                item[key] = MAX_JSON_INTEGER - 1 if child > 0 else 1 - MAX_JSON_INTEGER
            elif isinstance(child, str) and child.endswith("\n"):
                item[key] = child[:-1]
            elif isinstance(child, dict | list):
                pending.append(child)


def _one_trimmed_line(text: str) -> str:
    """`text` as `^\\S(?:.*\\S)?$` accepts it in pydantic's regex engine: one line, no
    outer whitespace (Python's `str.isspace` covers every character Rust's `\\s` does)."""
    return " ".join(text.splitlines())[:200].strip()


EARLIEST = datetime(1970, 1, 2, tzinfo=UTC)
LATEST = datetime(9999, 12, 30, tzinfo=UTC)
_INSTANT: TypeAdapter[datetime] = TypeAdapter(datetime)


def _instant(value: str) -> datetime:
    moment = _INSTANT.validate_python(value)  # parsed as the API parses it
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _clamp(value: str, lowest: datetime, highest: datetime) -> datetime:
    moment = _instant(value)
    if moment < lowest:
        return lowest.astimezone(UTC)
    return min(moment, highest).astimezone(UTC)


# --- What this run found, pinned as plain tests -------------------------------------------------


def test_405_lists_every_method_of_the_resource(client: TestClient) -> None:
    # Starlette named only the first matching route's methods (`Allow: POST` on /v1/brands).
    response = client.delete("/v1/brands")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["allow"] == "GET, POST"


def test_a_cursor_outside_the_time_filters_is_not_a_500(client: TestClient, brand_id: str) -> None:
    # DynamoDB refuses a start key outside the key condition: that was a 500.
    url = f"/v1/brands/{brand_id}/mentions"
    body = {"mentions": [mention(f"m{i}") for i in range(3)]}
    assert client.post(url, json=body).status_code == 200
    cursor = client.get(url, params={"limit": 1}).json()["next_cursor"]
    older = {"cursor": cursor, "since": "2000-01-01T00:00:00Z", "until": "2000-01-02T00:00:00Z"}
    assert client.get(url, params=older).json() == {"items": [], "next_cursor": None}
    everything = client.get(url, params={"cursor": cursor, "until": "2999-01-01T00:00:00Z"})
    assert everything.status_code == 200
    assert len(everything.json()["items"]) == 2  # the page after the cursor, as without `until`


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("reach", True),
        ("reach", "12"),
        ("engagement", {"likes": False}),
        ("author", {"followers": "100"}),
        ("author", {"verified": "yes"}),
        ("sentiment", {"score": False}),
        ("published_at", 1773044100),
        ("published_at", "1773044100"),
        ("published_at", "2026-03-09 08:15:00Z"),
    ],
)
def test_values_of_the_wrong_json_type_are_refused(
    client: TestClient, field: str, value: Any
) -> None:
    # pydantic's lax mode took `true` as 1, `"12"` as 12 and a number as an epoch instant.
    payload = {"mention": {**mention("typed"), field: value}}
    response = client.post("/v1/triage", json=payload)
    assert response.status_code == 422, response.text
    assert response.json()["invalid_params"][0]["name"].startswith(f"mention.{field}")


def test_a_whole_json_integer_is_a_count(client: TestClient) -> None:
    payload = {"mention": {**mention("float"), "reach": 120.0, "engagement": {"likes": 3.0}}}
    assert client.post("/v1/triage", json=payload).status_code == 200


def test_unknown_query_parameters_are_refused(client: TestClient, brand_id: str) -> None:
    # A misspelt filter used to be ignored: `?tiers=watch` listed every tier.
    response = client.get(f"/v1/brands/{brand_id}/mentions", params={"tiers": "watch"})
    assert response.status_code == 422
    assert response.json()["invalid_params"] == [
        {"name": "tiers", "reason": "unknown query parameter"}
    ]
    assert client.get(f"/v1/brands/{brand_id}/mentions", params={"tier": "watch"}).is_success


def test_an_unknown_query_parameter_without_a_key_is_a_401(app: FastAPI) -> None:
    from fastapi.testclient import TestClient

    with TestClient(app) as anonymous:
        assert anonymous.get("/v1/brands", params={"nope": "1"}).status_code == 401


def test_an_api_key_expiring_in_the_past_is_refused_and_far_future_accepted(
    client: TestClient,
) -> None:
    # Schema-valid but semantically refused: `_make_semantically_valid` moves it to the future.
    past = client.post("/v1/api-keys", json={"expires_at": "2000-01-01T00:00:00Z"})
    assert past.status_code == 422
    far = client.post("/v1/api-keys", json={"expires_at": "9999-12-30T00:00:00Z"})
    assert far.status_code == 201, far.text
    assert far.json()["expires_at"] == "9999-12-30T00:00:00Z"
