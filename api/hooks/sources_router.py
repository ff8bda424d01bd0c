"""Hook sources: registering the listening tools whose deliveries the receivers accept.

Managed with the workspace API key under `/v1/hook-sources`; the receivers are in
api/hooks/router.py. Apart from them so that a Lambda container receiving deliveries never builds
these routes (api/lazy.py: imported on the first request under `/v1/hook-sources`).
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Path, Query, Request, Response, status

from api.deps import PrincipalDep, ServicesDep, StrictQuery
from api.hooks.credentials import SecretsNotConfigured
from api.hooks.schemas import (
    HookSecretRotation,
    HookSource,
    HookSourceCreate,
    HookSourceList,
    HookSourceWithSecret,
)
from api.pagination import InvalidCursor, PageCursor
from api.problems import Conflict, NotFound, problem_responses

router = APIRouter(tags=["hooks"])
SOURCES: Final = "/v1/hook-sources"

HookIdPath = Annotated[
    str,
    Path(max_length=64, description="The hook source's id.", examples=["hk_q3v7x2k5d4h6j3n2p5r7"]),
]


def _base_url(request: Request) -> str:
    """The base of receiver URLs: VIGIE_PUBLIC_BASE_URL, else the API Gateway domain (from the
    Lambda event, set by AWS), else the local server's own socket; never the client's `Host`
    header, which anyone can set (a receiver URL pointing at an attacker's host)."""
    configured = request.app.state.services.settings.public_base_url
    if configured:
        return str(configured)
    event = request.scope.get("aws.event") or {}
    domain = (event.get("requestContext") or {}).get("domainName")
    if isinstance(domain, str) and domain:
        return f"https://{domain}/"
    host, port = request.scope.get("server") or ("127.0.0.1", 8000)
    scheme = request.url.scheme
    default_port = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}/" if port == default_port else f"{scheme}://{host}:{port}/"


# An empty body (or none) means the default overlap.
_DEFAULT_ROTATION: Final = HookSecretRotation()

# --- hook sources ----------------------------------------------------------------------------


@router.post(
    SOURCES,
    operation_id="register_hook_source",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(NotFound, SecretsNotConfigured),
    dependencies=[StrictQuery],
)
def register_hook_source(
    body: HookSourceCreate,
    request: Request,
    principal: PrincipalDep,
    services: ServicesDep,
) -> HookSourceWithSecret:
    """Register a listening tool for a brand (or the whole workspace); the secret is shown once.

    No `Idempotency-Key` here: replaying the first response would mean storing the secret.
    """
    return services.hook_sources.register(principal, body, _base_url(request))


@router.get(
    SOURCES,
    operation_id="list_hook_sources",
    responses=problem_responses(InvalidCursor),
    dependencies=[StrictQuery],
)
def list_hook_sources(
    request: Request,
    principal: PrincipalDep,
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: PageCursor = None,
) -> HookSourceList:
    """List the workspace's hook sources, by id, without their secrets."""
    return services.hook_sources.list_sources(principal, limit, cursor, _base_url(request))


@router.get(
    SOURCES + "/{hook_id}",
    operation_id="get_hook_source",
    responses=problem_responses(NotFound),
    dependencies=[StrictQuery],
)
def get_hook_source(
    hook_id: HookIdPath,
    request: Request,
    principal: PrincipalDep,
    services: ServicesDep,
) -> HookSource:
    """Get one hook source, without its secret."""
    return services.hook_sources.get(principal, hook_id, _base_url(request))


@router.delete(
    SOURCES + "/{hook_id}",
    operation_id="delete_hook_source",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(NotFound),
    dependencies=[StrictQuery],
)
def delete_hook_source(
    hook_id: HookIdPath, principal: PrincipalDep, services: ServicesDep
) -> Response:
    """Delete a hook source: its receiver URL refuses deliveries from now on."""
    services.hook_sources.delete(principal, hook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    SOURCES + "/{hook_id}/rotate",
    operation_id="rotate_hook_secret",
    responses=problem_responses(NotFound, Conflict, SecretsNotConfigured),
    dependencies=[StrictQuery],
)
def rotate_hook_secret(
    hook_id: HookIdPath,
    request: Request,
    principal: PrincipalDep,
    services: ServicesDep,
    body: HookSecretRotation = _DEFAULT_ROTATION,
) -> HookSourceWithSecret:
    """Issue a new secret (shown once); the previous one keeps verifying during the overlap."""
    return services.hook_sources.rotate(principal, hook_id, body, _base_url(request))
