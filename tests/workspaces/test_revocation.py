"""A revoked key stops working everywhere within `api_key_cache_seconds` (5 s by default).

Two services on one table stand for two Lambda containers; their clocks are injected, so the
bound is checked at its edges without sleeping.
"""

from __future__ import annotations

import pytest
from mypy_boto3_dynamodb import DynamoDBClient

from api.problems import Unauthorized
from api.settings import Settings
from api.storage.codec import to_item
from api.workspaces.repository import ApiKeyRepository
from api.workspaces.service import ApiKeyService, Principal, hash_api_key, key_id_for


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_the_documented_bound_is_five_seconds() -> None:
    assert Settings().api_key_cache_seconds == 5.0


@pytest.mark.parametrize("bound", [Settings().api_key_cache_seconds, 1.0])
def test_a_revoked_key_is_refused_elsewhere_within_the_bound(
    dynamodb: DynamoDBClient, settings: Settings, workspace: str, bound: float
) -> None:
    clock = Clock()
    repository = ApiKeyRepository(dynamodb, settings.table_name)
    revoking = ApiKeyService(repository, cache_seconds=bound, clock=clock)
    serving = ApiKeyService(repository, cache_seconds=bound, clock=clock)
    issued = revoking.issue(workspace)
    header = f"Bearer {issued.key}"
    key_hash = hash_api_key(issued.key)
    assert serving.authenticate(header).workspace == workspace  # cached from here
    revoking.revoke(Principal(workspace), issued.key_id)

    with pytest.raises(Unauthorized):
        revoking.authenticate(header)  # the revoking container forgets it at once
    clock.now += bound - 0.01
    assert serving.authenticate(header).workspace == workspace  # within the bound
    assert serving.principal_for_hash(key_hash) is not None
    clock.now += 0.01
    with pytest.raises(Unauthorized):
        serving.authenticate(header)  # at the bound: refused
    assert serving.principal_for_hash(key_hash) is None  # and console sessions end too


def test_an_expired_key_ends_api_calls_and_console_sessions(
    dynamodb: DynamoDBClient, settings: Settings, workspace: str
) -> None:
    from datetime import UTC, datetime, timedelta

    clock = Clock()
    service = ApiKeyService(ApiKeyRepository(dynamodb, settings.table_name), clock=clock)
    expires = datetime.fromtimestamp(clock.now, UTC) + timedelta(minutes=10)
    issued = service.issue(workspace, expires_at=expires)
    assert service.authenticate(f"Bearer {issued.key}").workspace == workspace
    clock.now = expires.timestamp()
    with pytest.raises(Unauthorized, match="expired"):
        service.authenticate(f"Bearer {issued.key}")
    assert service.principal_for_hash(hash_api_key(issued.key)) is None


def test_last_use_is_written_at_most_once_an_hour(
    dynamodb: DynamoDBClient, settings: Settings, workspace: str
) -> None:
    clock = Clock()
    repository = ApiKeyRepository(dynamodb, settings.table_name)
    issued = ApiKeyService(repository, clock=clock).issue(workspace)
    header = f"Bearer {issued.key}"
    key_id = issued.key_id

    def last_used() -> str | None:
        found = repository.get_listed(workspace, key_id)
        assert found is not None
        return found.last_used_at

    # Two containers, each seeing the key several times in the hour.
    containers = [ApiKeyService(repository, clock=clock) for _ in range(2)]
    containers[0].authenticate(header)
    first = last_used()
    assert first is not None
    clock.now += 600
    for service in containers:
        service.authenticate(header)
    assert last_used() == first  # the other container's conditional update wrote nothing
    clock.now += 3600
    containers[1].authenticate(header)
    later = last_used()
    assert later is not None
    assert later > first


def test_a_key_issued_before_listings_is_adopted_on_its_next_use(
    dynamodb: DynamoDBClient, settings: Settings, workspace: str
) -> None:
    key = "vg_legacy-" + workspace
    key_hash = hash_api_key(key)
    dynamodb.put_item(  # what the previous version wrote: the credential only
        TableName=settings.table_name,
        Item=to_item(
            {
                "PK": f"KEY#{key_hash}",
                "SK": "KEY",
                "workspace": workspace,
                "prefix": key[:10],
                "created_at": "2026-01-01T00:00:00.000000Z",
            }
        ),
    )
    service = ApiKeyService(ApiKeyRepository(dynamodb, settings.table_name))
    principal = service.authenticate(f"Bearer {key}")
    assert principal.key_id == key_id_for(key_hash)
    page = service.list(principal, 100, None)
    assert [k.key_id for k in page.items] == [principal.key_id]
    service.revoke(principal, key_id_for(key_hash))
    with pytest.raises(Unauthorized):
        ApiKeyService(ApiKeyRepository(dynamodb, settings.table_name)).authenticate(f"Bearer {key}")
