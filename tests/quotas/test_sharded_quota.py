"""A sharded workspace's quota: N items share the day's limit exactly; a full shard falls back
to the others; 429 only when the workspace as a whole has no room (api/quotas/service.py)."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from mypy_boto3_dynamodb import DynamoDBClient

from api.brands.schemas import Brand, BrandCreate
from api.engine.mention import Mention
from api.mentions.service import mention_id_for
from api.problems import QuotaExceeded, ServiceBusy
from api.quotas.repository import QuotaRepository, quota_pk, rooms, share
from api.quotas.service import SPREAD_ROUNDS, spread
from api.services import Services, build_services
from api.settings import Settings
from api.storage import keys
from api.workspaces.service import Principal
from tests.factories import mention


def sharded(
    settings: Settings, dynamodb: DynamoDBClient, limit: int, shards: int
) -> tuple[Services, str, Brand]:
    """A service instance (a container) whose new workspace has `shards` mention shards."""
    workspace = f"qshard-{uuid.uuid4().hex[:10]}"
    services = build_services(
        settings.model_copy(
            update={
                "workspace_mention_quotas": {workspace: limit},
                "workspace_mention_shards": {workspace: shards},
            }
        ),
        dynamodb,
    )
    brand = services.brands.create(
        Principal(workspace), BrandCreate(id=f"b-{uuid.uuid4().hex[:6]}", name="Viral")
    )
    return services, workspace, brand


def stored_mentions(
    dynamodb: DynamoDBClient, settings: Settings, workspace: str, brand: str
) -> list[object]:
    """Every mention item of a brand, over all its shards, read straight from the table."""
    shards = settings.workspace_mention_shards.get(workspace, settings.mention_shards)
    found: list[object] = []
    for shard in range(shards):
        response = dynamodb.query(
            TableName=settings.table_name,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": keys.mentions_pk(workspace, brand, shard)}},
            ConsistentRead=True,
        )
        found.extend(response["Items"])
    return found


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def used(dynamodb: DynamoDBClient, settings: Settings, workspace: str, shards: int) -> list[int]:
    return QuotaRepository(dynamodb, settings.table_name).used_by_shard(workspace, today(), shards)


def on_shard(shard: int, shards: int, count: int, prefix: str = "x") -> list[str]:
    """External ids whose mentions reserve on quota shard `shard` (their id's hash)."""
    found: list[str] = []
    index = 0
    while len(found) < count:
        external_id = f"{prefix}{index}"
        if keys.mention_shard(mention_id_for("test", external_id), shards) == shard:
            found.append(external_id)
        index += 1
    return found


def one(external_id: str) -> list[Mention]:
    return [Mention.model_validate(mention(external_id))]


@given(limit=st.integers(0, 10_000_000), shards=st.integers(1, 64))
def test_the_shares_add_up_to_the_limit_exactly(limit: int, shards: int) -> None:
    parts = [share(limit, shards, shard) for shard in range(shards)]
    assert sum(parts) == limit
    assert max(parts) - min(parts) <= 1


@given(room=st.lists(st.integers(0, 50), min_size=1, max_size=64), count=st.integers(1, 200))
def test_a_spread_takes_exactly_the_batch_within_each_shards_room(
    room: list[int], count: int
) -> None:
    takes = spread(room, count)
    assert all(0 < take <= room[shard] for shard, take in takes.items())
    assert sum(takes.values()) == min(count, sum(room))


def test_one_shard_keeps_todays_single_key(settings: Settings, dynamodb: DynamoDBClient) -> None:
    services, workspace, brand = sharded(settings, dynamodb, 10, 1)
    services.mentions.ingest(workspace, brand, one("a"))
    item = dynamodb.get_item(
        TableName=settings.table_name,
        Key={"PK": {"S": f"QUOTA#{workspace}#{today()}"}, "SK": {"S": "MENTIONS"}},
        ConsistentRead=True,
    )
    assert item["Item"]["used"] == {"N": "1"}
    assert quota_pk(workspace, today(), 0) == f"QUOTA#{workspace}#{today()}"
    assert quota_pk(workspace, today(), 3) == f"QUOTA#{workspace}#{today()}#3"


def test_a_mention_reserves_on_its_own_shard(settings: Settings, dynamodb: DynamoDBClient) -> None:
    services, workspace, brand = sharded(settings, dynamodb, 100, 4)
    for shard in range(4):
        services.mentions.ingest(workspace, brand, one(on_shard(shard, 4, 1)[0]))
    assert used(dynamodb, settings, workspace, 4) == [1, 1, 1, 1]


def test_a_full_shard_falls_back_to_one_with_room(
    settings: Settings, dynamodb: DynamoDBClient
) -> None:
    # 8 over 4 shards: 2 each. Three mentions of shard 0: the third is stored on another one.
    services, workspace, brand = sharded(settings, dynamodb, 8, 4)
    ids = on_shard(0, 4, 3)
    for external_id in ids:
        response = services.mentions.ingest(workspace, brand, one(external_id))
        assert not response.results[0].duplicate
    per_shard = used(dynamodb, settings, workspace, 4)
    assert per_shard[0] == 2
    assert sum(per_shard) == 3
    assert len(stored_mentions(dynamodb, services.settings, workspace, brand.id)) == 3


def test_a_batch_bigger_than_any_shards_room_is_reserved_across_shards(
    settings: Settings, dynamodb: DynamoDBClient
) -> None:
    services, workspace, brand = sharded(settings, dynamodb, 8, 4)
    for shard in range(4):  # one room left on each shard
        services.mentions.ingest(workspace, brand, one(on_shard(shard, 4, 1)[0]))
    three = [Mention.model_validate(mention(f"three-{i}")) for i in range(3)]
    response = services.mentions.ingest(workspace, brand, three)
    assert not any(result.duplicate for result in response.results)
    assert sum(used(dynamodb, settings, workspace, 4)) == 7
    # One room left: a batch of two is refused whole, a re-sent duplicate needs none.
    with pytest.raises(QuotaExceeded, match=r"\(7 used\)"):
        services.mentions.ingest(
            workspace, brand, [Mention.model_validate(mention(f"two-{i}")) for i in range(2)]
        )
    assert services.mentions.ingest(workspace, brand, three[:1]).results[0].duplicate
    assert sum(used(dynamodb, settings, workspace, 4)) == 7
    assert len(stored_mentions(dynamodb, services.settings, workspace, brand.id)) == 7
    services.mentions.ingest(workspace, brand, one("last"))
    assert used(dynamodb, settings, workspace, 4) == [2, 2, 2, 2]
    with pytest.raises(QuotaExceeded):
        services.mentions.ingest(workspace, brand, one("over"))
    assert len(stored_mentions(dynamodb, services.settings, workspace, brand.id)) == 8


def test_a_large_batch_reserves_across_shards_and_gives_back_duplicates(
    settings: Settings, dynamodb: DynamoDBClient
) -> None:
    # 40 mentions, one an hour: more than one transaction, so reserved first (pre-reservation),
    # more than one shard's share (50 over 4: 13, 13, 12, 12).
    services, workspace, brand = sharded(settings, dynamodb, 50, 4)
    now = datetime.now(UTC)
    mentions = [
        Mention.model_validate(
            mention(f"h{i}", published_at=(now - timedelta(hours=i, minutes=1)).isoformat())
        )
        for i in range(40)
    ]
    services.mentions.ingest(workspace, brand, mentions)
    per_shard = used(dynamodb, settings, workspace, 4)
    assert sum(per_shard) == 40
    assert all(n <= share(50, 4, shard) for shard, n in enumerate(per_shard))
    again = services.mentions.ingest(workspace, brand, mentions)
    assert all(result.duplicate for result in again.results)
    assert sum(used(dynamodb, settings, workspace, 4)) == 40
    with pytest.raises(QuotaExceeded):
        services.mentions.ingest(
            workspace,
            brand,
            [
                Mention.model_validate(
                    mention(f"n{i}", published_at=(now - timedelta(hours=i)).isoformat())
                )
                for i in range(11)
            ],
        )
    assert sum(used(dynamodb, settings, workspace, 4)) == 40
    assert len(stored_mentions(dynamodb, services.settings, workspace, brand.id)) == 40


def test_concurrent_single_mention_posts_from_two_containers_never_pass_the_limit(
    settings: Settings, dynamodb: DynamoDBClient
) -> None:
    limit, shards = 12, 4
    first, workspace, brand = sharded(settings, dynamodb, limit, shards)
    second = build_services(first.settings, dynamodb)  # another container, same table

    # All on quota shard 0 (their ids' hash): past its share, every one is stored through the
    # fallback onto the other shards, in a race with the other writers.
    ids = on_shard(0, shards, 36, prefix="c")

    def post(index: int) -> str:
        services = (first, second)[index % 2]
        try:
            services.mentions.ingest(workspace, brand, one(ids[index]))
        except QuotaExceeded:
            return "429"
        return "stored"

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(post, range(36)))
    stored = len(stored_mentions(dynamodb, first.settings, workspace, brand.id))
    per_shard = used(dynamodb, settings, workspace, shards)
    # Exact upper bound, and a 429 only once full: as many stored as the limit, not one more.
    assert outcomes.count("stored") == stored == sum(per_shard) == limit
    assert outcomes.count("429") == 36 - limit
    assert all(n <= share(limit, shards, shard) for shard, n in enumerate(per_shard))


@hypothesis_settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    limit=st.integers(0, 9),
    shards=st.integers(1, 5),
    sizes=st.lists(st.integers(1, 4), min_size=1, max_size=6),
)
def test_a_batch_is_refused_exactly_when_the_workspace_has_no_room_for_it(
    settings: Settings, dynamodb: DynamoDBClient, limit: int, shards: int, sizes: list[int]
) -> None:
    services, workspace, brand = sharded(settings, dynamodb, limit, shards)
    stored = 0
    for number, size in enumerate(sizes):
        batch = [Mention.model_validate(mention(f"s{number}-{i}")) for i in range(size)]
        if stored + size <= limit:
            services.mentions.ingest(workspace, brand, batch)
            stored += size
        else:
            with pytest.raises(QuotaExceeded):
                services.mentions.ingest(workspace, brand, batch)
        per_shard = used(dynamodb, settings, workspace, shards)
        assert sum(per_shard) == stored
        assert rooms(per_shard, limit) == [
            share(limit, shards, shard) - n for shard, n in enumerate(per_shard)
        ]
    assert len(stored_mentions(dynamodb, services.settings, workspace, brand.id)) == stored


def test_a_spread_reservation_that_keeps_losing_its_room_is_a_503_not_a_429(
    settings: Settings, dynamodb: DynamoDBClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault injected: every spread reservation finds its room taken (concurrent writers)."""
    services, workspace, brand = sharded(settings, dynamodb, 8, 4)
    for external_id in on_shard(0, 4, 2):  # shard 0 full, 6 left elsewhere
        services.mentions.ingest(workspace, brand, one(external_id))
    attempts: list[int] = []

    def lost(*_: object, **__: object) -> bool:
        attempts.append(1)
        return False

    monkeypatch.setattr(QuotaRepository, "reserve_spread", lost)
    # Three of shard 0's mentions: bigger than any other shard's room (2), so spread.
    three = [Mention.model_validate(mention(external_id)) for external_id in on_shard(0, 4, 5)[2:]]
    with pytest.raises(ServiceBusy):
        services.mentions.ingest(workspace, brand, three)
    assert len(attempts) == SPREAD_ROUNDS
    assert sum(used(dynamodb, settings, workspace, 4)) == 2
    assert len(stored_mentions(dynamodb, services.settings, workspace, brand.id)) == 2
