"""The bounded hot-mention read (`AggregateRepository.hot_candidates`, GSI2).

Items are written straight to the table where the test needs chosen risks and key formats
(the hot index holds the keys, `mention_id` and `risk`); the last test goes through ingest.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from mypy_boto3_dynamodb import DynamoDBClient

from api.aggregates.repository import AggregateRepository
from api.engine import TopMentionCandidate, mention_counters
from api.local.scenarios import InMemoryAggregates
from api.services import Services
from api.storage import hot, keys
from api.storage.shards import ShardCounts
from tests.assessments.test_live import angry, new_brand
from tests.factories import create_sharded_brand


class CountingClient:
    """A pass-through client recording what each GSI2 Query returned."""

    def __init__(self, client: DynamoDBClient) -> None:
        self._client = client
        self.pages: list[int] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def query(self, **request: Any) -> Any:
        response = self._client.query(**request)
        if request.get("IndexName") == "GSI2":
            self.pages.append(len(response.get("Items", [])))
        return response


def put_hot(
    dynamodb: DynamoDBClient,
    table: str,
    workspace: str,
    brand_id: str,
    candidate: TopMentionCandidate,
    *,
    shard: int = 0,
    old_key: bool = False,
) -> None:
    sort_key = (
        keys.time_sort_key(candidate.published_at, candidate.mention_id)
        if old_key
        else hot.sort_key(candidate.published_at, candidate.risk, candidate.mention_id)
    )
    dynamodb.put_item(
        TableName=table,
        Item={
            "PK": {"S": keys.mentions_pk(workspace, brand_id, shard)},
            "SK": {"S": keys.mention_sk(candidate.mention_id)},
            "GSI2PK": {"S": keys.hot_mentions_pk(workspace, brand_id, shard)},
            "GSI2SK": {"S": sort_key},
            "mention_id": {"S": candidate.mention_id},
            "risk": {"N": str(candidate.risk)},
        },
    )


def repository(services: Services, client: Any) -> AggregateRepository:
    settings = services.settings
    return AggregateRepository(
        client,
        settings.table_name,
        settings.aggregate_shards,
        shard_counts=ShardCounts(client, settings.table_name),
    )


def spread(count: int, at: datetime, hours: float, seed: int = 7) -> list[TopMentionCandidate]:
    """`count` hot mentions over the `hours` before `at`, risks 40..100 at random."""
    rng = random.Random(seed)
    return [
        TopMentionCandidate(
            mention_id=f"m_{index:04d}",
            published_at=at - timedelta(seconds=rng.uniform(0, hours * 3600)),
            risk=rng.randint(40, 100),
        )
        for index in range(count)
    ]


def test_a_busy_window_reads_one_bounded_page_the_newest_hours_riskiest_first(
    services: Services, dynamodb: DynamoDBClient, workspace: str, brand_id: str
) -> None:
    table = services.settings.table_name
    at = datetime.now(UTC)
    config = services.settings.engine
    written = spread(160, at, 20)
    for c in written:
        put_hot(dynamodb, table, workspace, brand_id, c)
    counting = CountingClient(dynamodb)
    candidates = repository(services, counting).hot_candidates(workspace, brand_id, at, config)
    assert counting.pages == [hot.HOT_CANDIDATES]  # one page, whatever the number of mentions
    start = at - timedelta(hours=config.window_hours)
    assert candidates == hot.ranked(written, start, at)
    hours = {hot.hour_key(c.published_at) for c in candidates}
    # Whole newest hours, then the riskiest of the last hour read.
    assert len(hours) < len({hot.hour_key(c.published_at) for c in written})


def test_a_window_of_at_most_the_limit_reads_every_hot_mention(
    services: Services, dynamodb: DynamoDBClient, workspace: str, brand_id: str
) -> None:
    table = services.settings.table_name
    at = datetime.now(UTC)
    config = services.settings.engine
    written = spread(hot.HOT_CANDIDATES, at, 23)
    for c in written:
        put_hot(dynamodb, table, workspace, brand_id, c)
    candidates = services.assessments._aggregates.hot_candidates(workspace, brand_id, at, config)
    assert sorted(candidates, key=lambda c: c.mention_id) == written


def test_keys_written_before_the_hour_risk_format_are_still_read(
    services: Services, dynamodb: DynamoDBClient, workspace: str, brand_id: str
) -> None:
    table = services.settings.table_name
    at = datetime.now(UTC).replace(microsecond=250_000)
    config = services.settings.engine
    written = spread(12, at, 5)
    for index, c in enumerate(written):
        put_hot(dynamodb, table, workspace, brand_id, c, old_key=index % 2 == 0)
    candidates = services.assessments._aggregates.hot_candidates(workspace, brand_id, at, config)
    assert sorted(candidates, key=lambda c: c.mention_id) == written
    # The old keys' window edge: one published just before the window is not a candidate.
    stale = TopMentionCandidate("m_stale", at - timedelta(hours=24, seconds=1), 99)
    put_hot(dynamodb, table, workspace, brand_id, stale, old_key=True)
    again = services.assessments._aggregates.hot_candidates(workspace, brand_id, at, config)
    assert again == candidates


def test_mentions_of_the_edge_hours_outside_the_window_do_not_crowd_it_out(
    services: Services, dynamodb: DynamoDBClient, workspace: str, brand_id: str
) -> None:
    """The read takes the window's edge hours whole: riskier mentions published before the
    window (in its first hour) or after `at` (in its hour) fill the first page, and the read
    goes on until it finds the window's own."""
    table = services.settings.table_name
    config = services.settings.engine
    at = datetime.now(UTC).replace(minute=30, second=0, microsecond=0) - timedelta(hours=1)
    start = at - timedelta(hours=config.window_hours)
    after = [
        TopMentionCandidate(f"m_after{i}", at + timedelta(seconds=i + 1), 90) for i in range(30)
    ]
    before = [
        TopMentionCandidate(f"m_before{i}", start - timedelta(seconds=i + 1), 95) for i in range(60)
    ]
    mild = [
        TopMentionCandidate("m_mild_first_hour", start + timedelta(minutes=1), 41),
        TopMentionCandidate("m_mild_last_hour", at - timedelta(minutes=1), 41),
    ]
    for c in [*after, *before, *mild]:
        put_hot(dynamodb, table, workspace, brand_id, c)
    candidates = services.assessments._aggregates.hot_candidates(workspace, brand_id, at, config)
    assert [c.mention_id for c in candidates] == ["m_mild_last_hour", "m_mild_first_hour"]


def test_a_sharded_brand_merges_its_shards_as_one_read_would(
    services: Services, dynamodb: DynamoDBClient, workspace: str
) -> None:
    table = services.settings.table_name
    brand_id = create_sharded_brand(dynamodb, table, workspace, 4)
    at = datetime.now(UTC)
    config = services.settings.engine
    written = spread(150, at, 20, seed=3)
    for c in written:
        shard = keys.mention_shard(c.mention_id, 4)
        put_hot(dynamodb, table, workspace, brand_id, c, shard=shard)
    counting = CountingClient(dynamodb)
    candidates = repository(services, counting).hot_candidates(workspace, brand_id, at, config)
    assert candidates == hot.ranked(written, at - timedelta(hours=config.window_hours), at)
    assert len(counting.pages) == 4
    assert all(page <= hot.HOT_CANDIDATES for page in counting.pages)


def test_storage_and_the_in_memory_replay_name_the_same_top_mentions_beyond_the_limit(
    services: Services, workspace: str
) -> None:
    """70 hot mentions over 6 hours (more than the read takes), ingested: the stored read and
    the replay choose the same candidates, so the assessments are the same."""
    brand = new_brand(services, workspace)
    config = services.settings.engine
    now = datetime.now(UTC).replace(microsecond=0)
    rng = random.Random(11)
    batch = [
        angry(
            f"hot-{index}",
            now - timedelta(minutes=rng.randint(1, 360)),
            followers=rng.choice([50, 3_000, 40_000, 600_000]),
        )
        for index in range(70)
    ]
    response = services.mentions.ingest(workspace, brand, batch, now=now)
    memory = InMemoryAggregates(config)
    for item, result in zip(batch, response.results, strict=True):
        memory.add(item, result.triage, mention_counters(item, result.triage), mention_id=result.id)
    hot_count = sum(r.triage.risk >= config.hot_mention_risk for r in response.results)
    assert hot_count > hot.HOT_CANDIDATES
    assert len({r.triage.risk for r in response.results}) > 3  # the ranking has risks to order
    stored = services.assessments._aggregates.hot_candidates(workspace, brand.id, now, config)
    assert stored == memory.top_candidates(now, config)
    fresh = services.assessments.assess(workspace, brand.id, now, live=True)
    assert fresh.top_mentions == memory.assess(now, config).top_mentions
    assert response.assessment.top_mentions == fresh.top_mentions  # the live path's own writes
