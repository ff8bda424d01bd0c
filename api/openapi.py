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
from typing import TYPE_CHECKING, Any

from api.deps import READ_ONLY_POSTS, STATE_CHANGING_METHODS
from api.examples import ASSESSMENT_EXAMPLE, TRIAGE_EXAMPLE
from api.problems import (
    PROBLEM_MEDIA_TYPE,
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


def customize_openapi(app: FastAPI) -> None:
    """Make `app.openapi()` return the finished document (built once, then cached)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        document = generate()
        _declare_read_only_refusals(document)
        for operation in _operations(document):
            _declare_problems(operation)
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


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        operation
        for path_item in document.get("paths", {}).values()
        for operation in path_item.values()
        if isinstance(operation, dict) and "responses" in operation
    ]


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
