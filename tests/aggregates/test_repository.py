from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from mypy_boto3_dynamodb import DynamoDBClient

from api.engine import assess_brand, mention_counters, triage_mention
from api.engine.assessment import BURST_COUNTERS
from api.engine.mention import Mention
from api.local.scenarios import InMemoryAggregates
from api.services import Services
from tests.factories import create_brand, create_sharded_brand, mention


def ingest_at(client: TestClient, brand_id: str, moments: list[datetime]) -> None:
    batch = [mention(f"m{i}", published_at=m.isoformat()) for i, m in enumerate(moments)]
    response = client.post(f"/v1/brands/{brand_id}/mentions", json={"mentions": batch})
    assert response.status_code == 200, response.text


def test_the_hour_holding_at_counts_only_what_was_published_before_it(
    client: TestClient, brand_id: str, workspace: str, services: Services
) -> None:
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=3)
    ingest_at(client, brand_id, [hour + timedelta(minutes=m) for m in (1, 12, 40, 59)])
    aggregates = services.assessments._aggregates
    config = services.settings.engine

    def counted(at: datetime) -> tuple[float, int]:
        buckets = aggregates.read_buckets(workspace, brand_id, at, config)
        last = buckets[-1]
        return sum(b.counters["n"] for b in buckets), last.seconds

    assert counted(hour + timedelta(minutes=10)) == (1, 600)
    assert counted(hour + timedelta(minutes=13)) == (2, 900)  # rounded up to the 5-minute slot
    assert counted(hour + timedelta(hours=1)) == (4, 3600)
    assert aggregates.read_buckets(workspace, brand_id, hour, config) == []


def test_a_live_read_equals_the_slot_by_slot_read(
    client: TestClient, brand_id: str, workspace: str, services: Services
) -> None:
    now = datetime.now(UTC)
    ingest_at(client, brand_id, [now - timedelta(minutes=m) for m in (1, 20, 70, 300)])
    aggregates = services.assessments._aggregates
    config = services.settings.engine
    live = aggregates.read_buckets(workspace, brand_id, now, config, live=True)
    sliced = aggregates.read_buckets(workspace, brand_id, now, config)
    assert live == sliced
    assert sum(b.counters["n"] for b in live) == 4


def test_a_quiet_brand_keeps_one_aggregate_item_per_bucket(
    client: TestClient, brand_id: str, workspace: str, services: Services
) -> None:
    """Writes go to shard 0 unless writers collide: reads stay cheap for most brands."""
    now = datetime.now(UTC)
    for batch in range(3):
        moments = [now - timedelta(minutes=m + 10 * batch) for m in range(3)]
        batch_payload = [
            mention(f"b{batch}-{i}", published_at=m.isoformat()) for i, m in enumerate(moments)
        ]
        client.post(f"/v1/brands/{brand_id}/mentions", json={"mentions": batch_payload})
    dynamodb = services.assessments._aggregates._client
    table = services.settings.table_name
    for shard in range(1, services.settings.aggregate_shards):
        items = dynamodb.query(
            TableName=table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": f"AGG#{workspace}#{brand_id}#{shard}"}},
        )["Items"]
        assert items == []


def test_the_burst_slots_read_from_storage_equal_the_in_memory_ones(
    client: TestClient, brand_id: str, workspace: str, services: Services
) -> None:
    now = datetime.now(UTC)
    moments = [now - timedelta(minutes=m) for m in (1, 2, 9, 33, 70, 200)]
    ingest_at(client, brand_id, moments)
    aggregates = services.assessments._aggregates
    config = services.settings.engine
    memory = InMemoryAggregates(config)
    for index, moment in enumerate(moments):
        stored = Mention.model_validate(mention(f"m{index}", published_at=moment.isoformat()))
        triage = triage_mention(stored, now=moment, config=config)
        memory.add(stored, triage, mention_counters(stored, triage))
    slots = aggregates.read_slots(workspace, brand_id, now, config)
    assert [s.start for s in slots] == [s.start for s in memory.slots(now, config)]
    assert [s.counters["n"] for s in slots] == [s.counters["n"] for s in memory.slots(now, config)]
    assert sum(s.counters["n"] for s in slots) == 5  # 200 min ago is beyond the 2 h of slots
    # A history reads the slots of every point from `since` on (each point's 2 h before it).
    since = aggregates.read_slots(workspace, brand_id, now, config, since=now - timedelta(hours=2))
    assert sum(s.counters["n"] for s in since) == 6


def test_a_sharded_brand_spreads_single_mention_counters_and_reads_them_all_back(
    client: TestClient, workspace: str, services: Services, dynamodb: DynamoDBClient
) -> None:
    """One mention per POST (a push tool) to a brand of 8 shards: each POST's counters go to
    the aggregate shard of its mention (8 > aggregate_shards = 4: shards 4 to 7 too), and every
    read sums them all: the risk equals that of a brand of one shard given the same mentions."""
    table = services.settings.table_name
    sharded = create_sharded_brand(dynamodb, table, workspace, 8)
    single = create_brand(client)
    now = datetime.now(UTC)
    for i in range(24):
        payload = [mention(f"s{i}", published_at=(now - timedelta(minutes=i)).isoformat())]
        for brand in (sharded, single):
            response = client.post(f"/v1/brands/{brand}/mentions", json={"mentions": payload})
            assert response.status_code == 200, response.text
    used = {
        shard
        for shard in range(8)
        if dynamodb.query(
            TableName=table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": f"AGG#{workspace}#{sharded}#{shard}"}},
            Select="COUNT",
        )["Count"]
    }
    assert len(used) >= 4
    assert max(used) >= services.settings.aggregate_shards
    at = now.isoformat()
    risks = [
        client.get(f"/v1/brands/{brand}/risk", params={"at": at}).json()
        for brand in (sharded, single)
    ]
    for risk in risks:
        risk.pop("brand_id", None)
    assert risks[0] == risks[1]
    config = services.settings.engine
    aggregates = services.assessments._aggregates
    assert (
        sum(b.counters["n"] for b in aggregates.read_buckets(workspace, sharded, now, config)) == 24
    )


def test_slots_read_only_what_the_burst_reads_and_assess_the_same(
    client: TestClient, brand_id: str, workspace: str, services: Services
) -> None:
    """Slots come back with the burst's counters and `n` only; the assessment is the one the
    slots with every counter give (in memory), burst and all."""
    now = datetime.now(UTC)
    moments = [now - timedelta(minutes=m, seconds=s) for m in (1, 4, 9, 33, 70) for s in (0, 20)]
    ingest_at(client, brand_id, moments)
    aggregates = services.assessments._aggregates
    config = services.settings.engine
    memory = InMemoryAggregates(config)
    for index, moment in enumerate(moments):
        stored = Mention.model_validate(mention(f"m{index}", published_at=moment.isoformat()))
        triage = triage_mention(stored, now=moment, config=config)
        memory.add(stored, triage, mention_counters(stored, triage))
    slots = aggregates.read_slots(workspace, brand_id, now, config)
    full = memory.slots(now, config)
    assert {name for s in slots for name in s.counters} <= {"n", *BURST_COUNTERS}
    assert any(len(s.counters) > len(BURST_COUNTERS) + 1 for s in full)  # others were left out
    buckets = aggregates.read_buckets(workspace, brand_id, now, config, live=True)
    assert assess_brand(buckets, at=now, config=config, slots=slots) == assess_brand(
        buckets, at=now, config=config, slots=full
    )
