"""The OpenAPI document: what FastAPI generates, finished here, and committed as openapi.json.

FastAPI gets most of it from the routes (including the bearer API key scheme, on exactly the
operations that depend on `get_principal`); `customize_openapi` adds what it cannot know:
- errors: every error response is `application/problem+json` referencing `Problem` (FastAPI's
  default `HTTPValidationError` 422 and the `application/json` twin of declared problems are
  replaced), and requests with a JSON body also declare 400 (malformed JSON) and 413 (the body
  size limit, enforced by middleware before any route runs);
- examples for the engine's output shapes, which live in `api/engine/` (kept free of API
  concerns).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Final

from api.deps import READ_ONLY_POSTS, STATE_CHANGING_METHODS
from api.examples import ASSESSMENT_EXAMPLE, TRIAGE_EXAMPLE
from api.problems import (
    PROBLEM_MEDIA_TYPE,
    PROBLEM_TYPE_BASE,
    Forbidden,
    MalformedJSON,
    PayloadTooLarge,
    ProblemError,
    UnsupportedMediaType,
    ValidationFailed,
    problem_responses,
)

if TYPE_CHECKING:
    from fastapi import FastAPI

_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")
# Examples of component schemas whose models do not carry their own (see module docstring).
_COMPONENT_EXAMPLES: dict[str, dict[str, Any]] = {
    "BrandRiskAssessment": ASSESSMENT_EXAMPLE,
    "MentionTriage": TRIAGE_EXAMPLE,
}


def customize_openapi(app: FastAPI, public_base_url: str | None = None) -> None:
    """Make `app.openapi()` return the finished document (built once, then cached)."""
    generate = app.openapi
    servers = openapi_servers(public_base_url)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        document = generate()
        _declare_read_only_refusals(document)
        for path, operation in _operations_by_path(document):
            _declare_problems(operation)
            if path.startswith("/v1/"):
                _declare_too_many_requests(operation)
        _declare_throttled_schema(document)
        _name_inline_schemas(document)
        document["servers"] = servers
        _drop_unused_schemas(document, _FASTAPI_VALIDATION_SCHEMAS)
        schemas = document.get("components", {}).get("schemas", {})
        for name, example in _COMPONENT_EXAMPLES.items():
            if name in schemas:
                schemas[name].setdefault("examples", [example])
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def _declare_read_only_refusals(document: dict[str, Any]) -> None:
    """403 on every write that takes an API key: a read-only key is refused (api/deps.py)."""
    for path_item in document.get("paths", {}).values():
        for method, operation in path_item.items():
            if (
                method.upper() in STATE_CHANGING_METHODS
                and isinstance(operation, dict)
                and operation.get("security")
                and operation.get("operationId") not in READ_ONLY_POSTS
            ):
                _merge(operation["responses"], _problem_entry(Forbidden), str(Forbidden.status))


LOCAL_SERVER: Final = {"url": "http://127.0.0.1:8080", "description": "`vigie dev` on this machine"}


def openapi_servers(public_base_url: str | None) -> list[dict[str, str]]:
    """`VIGIE_PUBLIC_BASE_URL` when set; else the host serving the document (a relative URL, so
    /docs works on any deployment) and the local `vigie dev`."""
    if public_base_url:
        return [{"url": public_base_url.rstrip("/"), "description": "This deployment"}]
    return [{"url": "/", "description": "The server this document was read from"}, LOCAL_SERVER]


def _operations_by_path(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (path, operation)
        for path, path_item in document.get("paths", {}).items()
        for operation in path_item.values()
        if isinstance(operation, dict) and "responses" in operation
    ]


# API Gateway's own answer when the stage's throttling limits are exceeded (docs/deploy.md).
THROTTLED_SCHEMA: Final = "GatewayThrottled"
_TOO_MANY_REQUESTS: Final = (
    "Too many requests: API Gateway's throttling of the stage (`application/json` "
    '`{"message": "Too Many Requests"}`, before Vigie runs) or a workspace quota '
    "(`application/problem+json`, with `Retry-After`). Retry later, with a backoff."
)


def _declare_too_many_requests(operation: dict[str, Any]) -> None:
    """Any /v1 route can be throttled (API Gateway, quotas): a 429 on every operation."""
    responses: dict[str, Any] = operation["responses"]
    entry = responses.setdefault(
        "429",
        {
            "description": "",
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        },
    )
    entry["description"] = _TOO_MANY_REQUESTS
    entry.setdefault("headers", {})["Retry-After"] = {
        "description": "Seconds to wait before retrying (quota answers; API Gateway sends none).",
        "schema": {"type": "integer", "minimum": 0},
    }
    problem = entry["content"][PROBLEM_MEDIA_TYPE]
    if not problem.get("examples"):
        # Until a route declares its own quota problem (problem_responses), a generic example.
        problem["examples"] = {
            "quota-exceeded": {
                "summary": "Quota exceeded",
                "value": {
                    "type": PROBLEM_TYPE_BASE + "quota-exceeded",
                    "title": "Quota exceeded",
                    "status": 429,
                    "detail": "The workspace's quota is used up; retry after Retry-After seconds.",
                },
            }
        }
    entry["content"]["application/json"] = {
        "schema": {"$ref": f"#/components/schemas/{THROTTLED_SCHEMA}"},
        "examples": {"gateway": {"value": {"message": "Too Many Requests"}}},
    }
    operation["responses"] = dict(sorted(responses.items()))


def _declare_throttled_schema(document: dict[str, Any]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas[THROTTLED_SCHEMA] = {
        "title": THROTTLED_SCHEMA,
        "type": "object",
        "description": "API Gateway's body when it throttles a request (not a problem document).",
        "properties": {"message": {"type": "string", "examples": ["Too Many Requests"]}},
        "required": ["message"],
    }


def _declare_problems(operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation["responses"]
    for status, response in list(responses.items()):
        content = response.get("content", {})
        schema_ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
        if schema_ref.endswith("/HTTPValidationError"):
            responses[status] = _problem_entry(ValidationFailed)
        elif PROBLEM_MEDIA_TYPE in content:
            content.pop("application/json", None)
    if "requestBody" in operation:
        for error in (MalformedJSON, PayloadTooLarge, UnsupportedMediaType):
            _merge(responses, _problem_entry(error), str(error.status))
    operation["responses"] = dict(sorted(responses.items()))


def _problem_entry(error: type[ProblemError]) -> dict[str, Any]:
    entry = problem_responses(error)[error.status]
    return {key: value for key, value in entry.items() if key != "model"}


def _merge(responses: dict[str, Any], entry: dict[str, Any], status: str) -> None:
    existing = responses.get(status)
    if existing is None:
        responses[status] = entry
        return
    examples = existing["content"][PROBLEM_MEDIA_TYPE].setdefault("examples", {})
    for slug, example in entry["content"][PROBLEM_MEDIA_TYPE]["examples"].items():
        if slug not in examples:
            examples[slug] = example
            existing["description"] += f" / {example['summary']}"


def _drop_unused_schemas(document: dict[str, Any], names: tuple[str, ...]) -> None:
    schemas = document.get("components", {}).get("schemas", {})
    for name in names:
        schema = schemas.pop(name, None)
        if schema is not None and f'"#/components/schemas/{name}"' in json.dumps(document):
            schemas[name] = schema  # still referenced (e.g. by another unused one): keep it


# Inline shapes that generated clients would otherwise name after their position
# (`MentionRawType0`, `ReceiveHookBodyGenericVigieCanonicalMentionType2`): named components.
RAW_FIELDS: Final = "RawFields"
_INLINE_RAW: Final = {"additionalProperties": True, "type": "object"}
_NAMED_COMPONENTS: Final[dict[str, dict[str, Any]]] = {
    RAW_FIELDS: {
        "title": RAW_FIELDS,
        "type": "object",
        "additionalProperties": True,
        "description": "A mention's fields Vigie does not model, kept as the tool sent them.",
    },
    "MentionEnvelope": {
        "title": "MentionEnvelope",
        "type": "object",
        "description": 'Canonical mentions wrapped as `{"mentions": [...]}` (a generic hook '
        "delivery; unlike `POST …/mentions`, any number, ingested in batches).",
        "required": ["mentions"],
        "properties": {
            "mentions": {"type": "array", "items": {"$ref": "#/components/schemas/Mention"}}
        },
    },
}


def _name_inline_schemas(document: dict[str, Any]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for schema in list(schemas.values()):
        raw = schema.get("properties", {}).get("raw", {})
        for index, option in enumerate(raw.get("anyOf", [])):
            if option == _INLINE_RAW:
                raw["anyOf"][index] = {"$ref": f"#/components/schemas/{RAW_FIELDS}"}
    text = json.dumps(document)
    for name, component in _NAMED_COMPONENTS.items():
        if f'"#/components/schemas/{name}"' in text:
            schemas[name] = component
    document["components"]["schemas"] = dict(sorted(schemas.items()))
