"""A key that does not exist costs one confirmed read per `api_key_cache_seconds`, not one per
request: a client retrying a revoked or mistyped key in a loop does not hammer the table, and a
key issued a moment ago in another container is never refused for the bound."""

from __future__ import annotations

import pytest
from mypy_boto3_dynamodb import DynamoDBClient

from api.problems import Unauthorized
from api.settings import Settings
from api.workspaces.repository import ApiKeyRepository, StoredApiKey
from api.workspaces.service import KEY_PREFIX, ApiKeyService, Principal
from tests.workspaces.test_revocation import Clock

BOUND = 5.0


class CountingRepository(ApiKeyRepository):
    """The real repository, its credential reads counted (consistent or not)."""

    def __init__(self, dynamodb: DynamoDBClient, table: str) -> None:
        super().__init__(dynamodb, table)
        self.reads: list[bool] = []

    def get(self, key_hash: str, *, consistent: bool = False) -> StoredApiKey | None:
        self.reads.append(consistent)
        return super().get(key_hash, consistent=consistent)


class StaleFirstRead(CountingRepository):
    """An eventually consistent read that has not seen the newest keys yet."""

    def get(self, key_hash: str, *, consistent: bool = False) -> StoredApiKey | None:
        found = super().get(key_hash, consistent=consistent)
        return found if consistent else None


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_a_key_refused_again_within_the_bound_reads_nothing(
    dynamodb: DynamoDBClient, settings: Settings, clock: Clock
) -> None:
    repository = CountingRepository(dynamodb, settings.table_name)
    service = ApiKeyService(repository, cache_seconds=BOUND, clock=clock)
    header = f"Bearer {KEY_PREFIX}{'x' * 43}"
    for _ in range(20):
        with pytest.raises(Unauthorized):
            service.authenticate(header)
    assert repository.reads == [False, True]  # confirmed once, strongly consistent
    clock.now += BOUND
    with pytest.raises(Unauthorized):
        service.authenticate(header)
    assert repository.reads == [False, True, False, True]  # the bound holds for unknown keys too


def test_a_revoked_key_stays_refused_in_the_revoking_container(
    dynamodb: DynamoDBClient, settings: Settings, workspace: str, clock: Clock
) -> None:
    repository = CountingRepository(dynamodb, settings.table_name)
    service = ApiKeyService(repository, cache_seconds=BOUND, clock=clock)
    issued = service.issue(workspace)
    header = f"Bearer {issued.key}"
    assert service.authenticate(header).workspace == workspace
    service.revoke(Principal(workspace), issued.key_id)
    repository.reads.clear()
    for _ in range(5):
        with pytest.raises(Unauthorized):
            service.authenticate(header)
    assert repository.reads == [False, True]


def test_a_key_issued_elsewhere_a_moment_ago_is_accepted_despite_a_stale_read(
    dynamodb: DynamoDBClient, settings: Settings, workspace: str, clock: Clock
) -> None:
    issuing = ApiKeyService(ApiKeyRepository(dynamodb, settings.table_name), clock=clock)
    stale = StaleFirstRead(dynamodb, settings.table_name)
    serving = ApiKeyService(stale, cache_seconds=BOUND, clock=clock)
    issued = issuing.issue(workspace)
    assert serving.authenticate(f"Bearer {issued.key}").workspace == workspace
    assert stale.reads == [False, True]


def test_unknown_keys_do_not_evict_known_ones(
    dynamodb: DynamoDBClient, settings: Settings, workspace: str, clock: Clock
) -> None:
    repository = CountingRepository(dynamodb, settings.table_name)
    service = ApiKeyService(repository, cache_seconds=BOUND, clock=clock)
    issued = service.issue(workspace)
    header = f"Bearer {issued.key}"
    service.authenticate(header)
    for index in range(1100):  # a spray of random tokens, past TtlCache's 1,024 entries
        with pytest.raises(Unauthorized):
            service.authenticate(f"Bearer {KEY_PREFIX}{index:043d}")
    repository.reads.clear()
    assert service.authenticate(header).workspace == workspace
    assert repository.reads == []
