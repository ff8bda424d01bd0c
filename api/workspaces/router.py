"""API key endpoints: list, issue and revoke the keys of the caller's workspace."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from api.deps import PrincipalDep, ServicesDep, StrictQuery
from api.pagination import InvalidCursor, PageCursor, PageLimit
from api.problems import Forbidden, NotFound, problem_responses
from api.workspaces.schemas import ApiKeyCreate, ApiKeyList, NewApiKey

router = APIRouter(prefix="/v1/api-keys", tags=["api-keys"], dependencies=[StrictQuery])

KeyIdPath = Annotated[
    str,
    Path(
        description="The key's `key_id`.",
        examples=["key_4q2vkd7wmnbx3hzeo5ti"],
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
    ),
]


@router.get(
    "",
    operation_id="list_api_keys",
    response_description="One page of the workspace's keys, by key id (never the keys).",
    responses=problem_responses(InvalidCursor),
)
def list_api_keys(
    principal: PrincipalDep,
    services: ServicesDep,
    limit: PageLimit = 50,
    cursor: PageCursor = None,
) -> ApiKeyList:
    """List the workspace's API keys: prefix, creation, last use (to the hour), expiry, scope."""
    return services.api_keys.list(principal, limit, cursor)


@router.post(
    "",
    operation_id="create_api_key",
    response_description="The new key: `key` is shown this once.",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(Forbidden),
)
def create_api_key(body: ApiKeyCreate, principal: PrincipalDep, services: ServicesDep) -> NewApiKey:
    """Issue a key for the caller's workspace, optionally expiring and read-only.

    A read-only key cannot issue keys. No `Idempotency-Key` here: a replayed response would
    have to keep the key itself.
    """
    return services.api_keys.issue(
        principal.workspace, expires_at=body.expires_at, read_only=body.read_only
    )


@router.delete(
    "/{key_id}",
    operation_id="revoke_api_key",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    response_description="Revoked.",
    responses=problem_responses(NotFound, Forbidden),
)
def revoke_api_key(key_id: KeyIdPath, principal: PrincipalDep, services: ServicesDep) -> Response:
    """Revoke a key of the workspace (the calling key too): refused everywhere within
    `VIGIE_API_KEY_CACHE_SECONDS` (5 s by default), at once by the container that revoked it."""
    services.api_keys.revoke(principal, key_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
