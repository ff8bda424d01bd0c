"""Typed errors rendered as RFC 9457 `application/problem+json`.

Every error a client can cause is a `ProblemError` subclass carrying its status, so routers raise
types and never build responses by hand; `problem_responses()` declares them in OpenAPI.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from http import HTTPStatus
from typing import Any, ClassVar, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from api.request_id import current_request_id

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://vigie.dev/problems/"


class InvalidParam(BaseModel):
    name: str = Field(
        description="JSON path of the offending field, e.g. `mentions.0.published_at`."
    )
    reason: str


class ItemOutcome(BaseModel):
    """What became of one mention of a batch the store failed midway."""

    index: int = Field(ge=0, description="Position in the request (or the delivery).")
    external_id: str
    id: str = Field(description="Vigie's id of the mention (`m_…`).")
    outcome: Literal["stored", "not_stored", "unknown"] = Field(
        description="`stored`: it is stored and counted (a re-send is a duplicate). "
        "`not_stored`: nothing of it was written. `unknown`: the store timed out while writing "
        "it; re-send it, it is stored once either way."
    )


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str = Field(
        description="Identifies the kind of problem (branch on it); `GET /problems/{slug}` on "
        "this API describes it (docs/problems.md).",
        examples=["https://vigie.dev/problems/not-found"],
    )
    title: str = Field(examples=["Not found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["Brand 'acme' does not exist in this workspace."])
    instance: str | None = None
    invalid_params: list[InvalidParam] | None = None
    items: list[ItemOutcome] | None = Field(
        default=None,
        description="On a 503 after the store failed partway through a batch: each mention's "
        "outcome, in request order. Re-sending the whole batch is always safe.",
    )
    request_id: str | None = Field(
        default=None,
        description="The request's id (`X-Request-Id`): quote it when reporting a problem; "
        "every log line of the request carries it.",
        examples=["3f1c9a2e4b7d4e0f9a6b1c2d3e4f5a6b"],
    )


class ProblemError(Exception):
    status: ClassVar[int] = 400
    slug: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "Bad request"
    # What the OpenAPI document shows for this error (`problem_responses`).
    example_detail: ClassVar[str] = "The request is not valid."
    example_invalid_params: ClassVar[tuple[InvalidParam, ...]] = ()

    def __init__(
        self,
        detail: str,
        *,
        invalid_params: Sequence[InvalidParam] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.invalid_params = list(invalid_params) if invalid_params else None
        self.headers = headers or {}
        self.items: list[ItemOutcome] | None = None

    def to_problem(self, instance: str | None = None) -> Problem:
        return Problem(
            type=PROBLEM_TYPE_BASE + self.slug,
            title=self.title,
            status=self.status,
            detail=self.detail,
            instance=instance,
            invalid_params=self.invalid_params,
            items=self.items,
        )


class MalformedJSON(ProblemError):
    """The body is not JSON, not UTF-8, or ambiguous JSON (an object naming a member twice): fix
    the sender's serialisation."""

    status, slug, title = 400, "malformed-json", "Malformed JSON"
    example_detail = "The request body is not valid JSON: EOF while parsing a value at line 1"


class Unauthorized(ProblemError):
    """No API key, or an unknown, revoked or expired one: send `Authorization: Bearer <key>`."""

    status, slug, title = 401, "unauthorized", "Unauthorized"
    example_detail = "Missing `Authorization: Bearer <api key>` header."

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="vigie"'})


class Forbidden(ProblemError):
    status, slug, title = 403, "forbidden", "Forbidden"
    example_detail = "This API key is read-only: it cannot POST, PUT, PATCH or DELETE."


class QuotaExceeded(ProblemError):
    """The workspace's daily ingest quota would be exceeded: nothing of the request is stored."""

    status, slug, title = 429, "quota-exceeded", "Quota exceeded"
    example_detail = (
        "This batch of 40 mentions would exceed the workspace's quota of 100000 mentions per "
        "UTC day (99990 used); retry after Retry-After seconds (next UTC midnight)."
    )

    def __init__(self, detail: str, *, retry_after_seconds: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after_seconds)})


class NotFound(ProblemError):
    """Nothing by that id in the caller's workspace (another workspace's resources included)."""

    status, slug, title = 404, "not-found", "Not found"
    example_detail = "Brand 'acme' does not exist in this workspace."


class Conflict(ProblemError):
    """The resource already exists, or changed since it was read: read it again, then retry."""

    status, slug, title = 409, "conflict", "Conflict"
    example_detail = "Brand 'acme' already exists in this workspace."


class PayloadTooLarge(ProblemError):
    """The body exceeds `VIGIE_MAX_BODY_BYTES` (1 MiB by default): send smaller batches."""

    status, slug, title = 413, "payload-too-large", "Payload too large"
    example_detail = "The request body exceeds 1048576 bytes."


class UnsupportedMediaType(ProblemError):
    """The body is not sent as `application/json`."""

    status, slug, title = 415, "unsupported-media-type", "Unsupported media type"
    example_detail = "The request body must be JSON, sent with `Content-Type: application/json`."


class ValidationFailed(ProblemError):
    """The JSON is well-formed but a field is invalid: `invalid_params` names each one by its JSON
    path, with the reason. Nothing was stored."""

    status, slug, title = 422, "validation-failed", "Validation failed"
    example_detail = (
        "mentions.0.published_at: 2999-01-01T00:00:00+00:00 is more than 300 s in the future"
    )
    example_invalid_params = (
        InvalidParam(
            name="mentions.0.published_at",
            reason="2999-01-01T00:00:00+00:00 is more than 300 s in the future",
        ),
    )

    @classmethod
    def for_params(
        cls, params: Sequence[InvalidParam], *, limit: int | None = None
    ) -> ValidationFailed:
        """`first.name: first.reason (and N more)`, listing at most `limit` params."""
        first = params[0] if params else InvalidParam(name="body", reason="invalid")
        more = f" (and {len(params) - 1} more)" if len(params) > 1 else ""
        shown = list(params if limit is None else params[:limit])
        return cls(f"{first.name}: {first.reason}{more}", invalid_params=shown)


class ServiceBusy(ProblemError):
    """The store throttled or conflicted past our retries; the failed part wrote nothing."""

    status, slug, title = 503, "service-busy", "Service busy"
    example_detail = "The store is throttling; retry after the delay in `Retry-After`."

    def __init__(
        self,
        detail: str,
        *,
        retry_after_seconds: int = 1,
        items: Sequence[ItemOutcome] | None = None,
    ) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after_seconds)})
        self.items = list(items) if items is not None else None


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> JSONResponse:
    if problem.request_id is None:
        problem = problem.model_copy(update={"request_id": current_request_id()})
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def _loc_to_path(loc: Iterable[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header"}:
        parts = parts[1:] or parts
    return ".".join(parts)


def validation_problem(errors: Sequence[Any]) -> ValidationFailed:
    params = [
        InvalidParam(name=_loc_to_path(e.get("loc", ())), reason=str(e.get("msg", "invalid")))
        for e in errors
    ]
    return ValidationFailed.for_params(params)


def install_problem_handlers(app: FastAPI) -> None:
    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ProblemError)
        return problem_response(exc.to_problem(request.url.path), exc.headers)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            error: ProblemError = MalformedJSON(
                "The request body is not valid JSON: "
                + "; ".join(str(e.get("ctx", {}).get("error", e.get("msg"))) for e in errors)
            )
        else:
            error = validation_problem(errors)
        return problem_response(error.to_problem(request.url.path))

    async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        status = HTTPStatus(exc.status_code)
        slug = status.phrase.lower().replace(" ", "-")
        problem = Problem(
            type=PROBLEM_TYPE_BASE + slug,
            title=status.phrase,
            status=exc.status_code,
            detail=str(exc.detail) if exc.detail else status.description,
            instance=request.url.path,
        )
        headers = dict(exc.headers or {})
        if exc.status_code == HTTPStatus.METHOD_NOT_ALLOWED:
            # Starlette lists only the methods of the first route matching the path; RFC 9110
            # wants every method the resource supports (e.g. GET and POST on /v1/brands).
            headers["Allow"] = ", ".join(_allowed_methods(request))
        return problem_response(problem, headers)

    app.add_exception_handler(ProblemError, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http_error)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")


def _allowed_methods(request: Request) -> list[str]:
    scope = dict(request.scope)
    routes = request.app.router.routes
    return [
        method
        for method in _METHODS
        if any(route.matches({**scope, "method": method})[0] == Match.FULL for route in routes)
    ]


def problem_example(error: type[ProblemError], instance: str = "/v1/brands/acme") -> dict[str, Any]:
    """The problem document an `error` of this type renders to, with its example detail."""
    return Problem(
        type=PROBLEM_TYPE_BASE + error.slug,
        title=error.title,
        status=error.status,
        detail=error.example_detail,
        instance=instance,
        invalid_params=list(error.example_invalid_params) or None,
    ).model_dump(exclude_none=True)


# Headers that always come with a status (`ProblemError.headers`), documented on the response.
PROBLEM_HEADERS: dict[int, dict[str, Any]] = {
    401: {
        "WWW-Authenticate": {
            "description": "The authentication scheme to use: `Bearer`.",
            "schema": {"type": "string"},
        }
    },
    429: {
        "Retry-After": {
            "description": "Seconds until the quota resets (the next UTC midnight).",
            "schema": {"type": "integer", "minimum": 1},
        }
    },
    503: {
        "Retry-After": {
            "description": "Seconds to wait before retrying the same request.",
            "schema": {"type": "integer", "minimum": 0},
        }
    },
}


def problem_responses(*errors: type[ProblemError]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for the errors a route can raise (plus auth, validation and
    503: any DynamoDB call may be throttled), each as `application/problem+json` with one example
    per error type.

    Errors common to every request that has a JSON body (malformed JSON, oversized body) are
    added by `api.openapi.customize_openapi`, which sees the route's body.
    """
    declared: dict[int | str, dict[str, Any]] = {}
    declared_errors: tuple[type[ProblemError], ...] = (
        Unauthorized,
        ValidationFailed,
        *errors,
        ServiceBusy,
    )
    for error in dict.fromkeys(declared_errors):  # keep order, drop repeats
        entry = declared.setdefault(
            error.status,
            {
                "model": Problem,  # registers the schema; its application/json twin is dropped
                "description": error.title,
                "content": {
                    PROBLEM_MEDIA_TYPE: {
                        "schema": {"$ref": "#/components/schemas/Problem"},
                        "examples": {},
                    }
                },
            },
        )
        if error.status in PROBLEM_HEADERS:
            entry["headers"] = PROBLEM_HEADERS[error.status]
        if error.title not in entry["description"]:
            entry["description"] += f" / {error.title}"
        entry["content"][PROBLEM_MEDIA_TYPE]["examples"][error.slug] = {
            "summary": error.title,
            "value": problem_example(error),
        }
    return declared
