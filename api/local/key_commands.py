"""`vigie api-key list` and `vigie api-key revoke`: the operator's side of key lifecycle."""

from __future__ import annotations

import sys

from api.problems import ProblemError
from api.settings import get_settings
from api.storage.client import create_dynamodb_client
from api.workspaces.repository import ApiKeyRepository
from api.workspaces.service import ApiKeyService, Principal


def _service() -> ApiKeyService:
    settings = get_settings()
    client = create_dynamodb_client(settings)
    return ApiKeyService(ApiKeyRepository(client, settings.table_name))


def list_api_keys(workspace: str) -> int:
    """One line per key of the workspace: id, prefix, created, last used, expiry, scope."""
    service = _service()
    principal = Principal(workspace=workspace)
    cursor: str | None = None
    print("KEY_ID                    PREFIX      CREATED               LAST_USED             "
          "EXPIRES               SCOPE")  # fmt: skip
    while True:
        try:
            page = service.list(principal, 100, cursor)
        except ProblemError as error:
            print(f"vigie: {error.detail}", file=sys.stderr)
            return 2
        cursor = page.next_cursor
        for key in page.items:
            print(
                f"{key.key_id:<25} {key.prefix:<11} {_when(key.created_at):<21} "
                f"{_when(key.last_used_at):<21} {_when(key.expires_at):<21} "
                f"{'read-only' if key.read_only else 'read-write'}"
            )
        if cursor is None:
            return 0


def revoke_api_key(workspace: str, key_id: str) -> int:
    try:
        _service().revoke(Principal(workspace=workspace), key_id)
    except ProblemError as error:
        print(f"vigie: {error.detail}", file=sys.stderr)
        return 1
    settings = get_settings()
    print(
        f"revoked {key_id}: refused everywhere within {settings.api_key_cache_seconds:g} s "
        "(VIGIE_API_KEY_CACHE_SECONDS)"
    )
    return 0


def _when(moment: object) -> str:
    return "-" if moment is None else str(moment)[:19].replace(" ", "T") + "Z"
