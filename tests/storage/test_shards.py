"""Sharded brands (issue 16, hot partitions): keys, and pages that give every mention once.

A brand's mentions are spread over N partition keys (api/storage/shards.py); listings and the
answer queue read every shard and merge (api/storage/fanout.py). The oracle here is the plain
per-shard Query of each index, merged in Python: a walk through the pages, whatever their sizes
and filters, must give exactly that sequence.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest.mock import patch

import hypothesis.strategies as st
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from mypy_boto3_dynamodb import DynamoDBClient

from api.aggregates.repository import AggregateRepository
from api.mentions.repository import MentionRepository
from api.mentions.service import mention_id_for
from api.services import Services
from api.settings import Settings
from api.storage import keys
from api.storage.codec import from_item
from tests.factories import create_brand, create_sharded_brand, mention

SHARD_COUNTS = (1, 2, 5)
BASE = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
CALM = "Lovely weather in Lyon today, nothing to report"
ANSWERED = (1, 5, 9, 13)


def test_shard_zero_keys_are_the_keys_of_a_brand_without_shards() -> None:
    assert keys.mentions_pk("ws", "acme", 0) == keys.mentions_pk("ws", "acme") == "MENTION#ws#acme"
    assert keys.hot_mentions_pk("ws", "acme", 0) == "HOT#ws#acme"
    assert keys.queue_pk("ws", "acme", 0) == "QUEUE#ws#acme"
    assert keys.mentions_pk("ws", "acme", 3) == "MENTION#ws#acme#3"
    assert keys.queue_pk("ws", "acme", 31) == "QUEUE#ws#acme#31"
    assert keys.hot_mentions_pk("ws", "acme", 7) == "HOT#ws#acme#7"


def test_the_shard_of_a_mention_is_its_id_s_alone_and_spreads_evenly() -> None:
    ids = [f"m_{uuid.uuid4().hex[:24]}" for _ in range(6400)]
    assert {keys.mention_shard(i, 1) for i in ids} == {0}
    assert [keys.mention_shard(i, 32) for i in ids] == [keys.mention_shard(i, 32) for i in ids]
    spread = Counter(keys.mention_shard(i, 32) for i in ids)
    assert set(spread) == set(range(32))
    # 200 expected per shard: a hash, not a round robin, but no shard twice its share.
    assert max(spread.values()) < 2 * 6400 / 32


def test_a_brand_without_a_shard_count_writes_today_s_keys(
    client: TestClient, brand_id: str, dynamodb: DynamoDBClient, settings: Settings, workspace: str
) -> None:
    """Brands created before sharding have no `mention_shards`: they read and write as before."""
    dynamodb.update_item(
        TableName=settings.table_name,
        Key={"PK": {"S": keys.workspace_pk(workspace)}, "SK": {"S": keys.brand_sk(brand_id)}},
        UpdateExpression="REMOVE mention_shards",
    )
    response = client.post(
        f"/v1/brands/{brand_id}/mentions",
        json={"mentions": [mention(f"old-{i}") for i in range(12)]},
    )
    assert response.status_code == 200, response.text
    stored = dynamodb.query(
        TableName=settings.table_name,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": f"MENTION#{workspace}#{brand_id}"}},
    )["Items"]
    assert len(stored) == 12
    for raw in map(from_item, stored):
        assert raw["GSI1PK"] == f"MENTION#{workspace}#{brand_id}"
        assert raw.get("GSI3PK", f"QUEUE#{workspace}#{brand_id}") == f"QUEUE#{workspace}#{brand_id}"
        assert raw.get("GSI2PK", f"HOT#{workspace}#{brand_id}") == f"HOT#{workspace}#{brand_id}"


# --- the property: pages across shards -------------------------------------------------------


class Corpus:
    """One workspace, one brand per shard count, the same mentions in each."""

    def __init__(self, services: Services, app: FastAPI, dynamodb: DynamoDBClient) -> None:
        self.workspace = f"ws-{uuid.uuid4().hex[:10]}"
        self.dynamodb = dynamodb
        self.table = services.settings.table_name
        self.client = TestClient(
            app, headers={"Authorization": f"Bearer {services.api_keys.create(self.workspace)}"}
        )
        # Many mentions share an instant (ties broken by id), some are calm (`watch`: not in
        # the queue), some on another network; a few are answered (out of the queue).
        payloads = []
        for i in range(46):
            published = BASE + timedelta(minutes=(i * 7) % 13)
            extra: dict[str, Any] = {"network": "facebook"} if i % 3 == 0 else {}
            if i % 4 == 0:
                extra |= {"text": CALM, "sentiment": {"score": 0.4}}
            payloads.append(mention(f"p{i}", published_at=published.isoformat(), **extra))
        self.brands: dict[int, str] = {}
        for shards in SHARD_COUNTS:
            brand = (
                create_brand(self.client)
                if shards == 1
                else create_sharded_brand(dynamodb, self.table, self.workspace, shards)
            )
            self.brands[shards] = brand
            for batch in (payloads[:20], payloads[20:]):
                response = self.client.post(
                    f"/v1/brands/{brand}/mentions", json={"mentions": batch}
                )
                assert response.status_code == 200, response.text
            for index in ANSWERED:
                answered = self.client.patch(
                    f"/v1/brands/{brand}/mentions/{mention_id_for('test', f'p{index}')}",
                    json={"status": "answered"},
                )
                assert answered.status_code == 200, answered.text

    def index_items(self, shards: int, index: str, prefix: str) -> list[dict[str, Any]]:
        """Every item of the brand in one index, shard by shard (the oracle's reads)."""
        brand = self.brands[shards]
        found: list[dict[str, Any]] = []
        for shard in range(shards):
            pk = f"{prefix}#{self.workspace}#{brand}" + (f"#{shard}" if shard else "")
            request: dict[str, Any] = {
                "TableName": self.table,
                "IndexName": index,
                "KeyConditionExpression": f"{index}PK = :pk",
                "ExpressionAttributeValues": {":pk": {"S": pk}},
            }
            while True:
                response = self.dynamodb.query(**request)
                found += [from_item(raw) for raw in response["Items"]]
                if "LastEvaluatedKey" not in response:
                    break
                request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        return found


@pytest.fixture(scope="module")
def corpus(services: Services, app: FastAPI, dynamodb: DynamoDBClient) -> Iterator[Corpus]:
    built = Corpus(services, app, dynamodb)
    yield built
    built.client.close()


def walk(client: TestClient, url: str, params: dict[str, Any], sizes: list[int]) -> list[str]:
    """Every id the listing gives, page after page (page sizes cycled from `sizes`)."""
    seen: list[str] = []
    cursor = None
    for page_number in range(500):
        query = params | {"limit": sizes[page_number % len(sizes)]}
        if cursor:
            query["cursor"] = cursor
        response = client.get(url, params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= query["limit"]
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("the listing never ended")


FILTERS = st.sampled_from(
    [{}, {"network": "facebook"}, {"tier": "watch"}, {"status": "answered"}, {"since": "x"}]
)


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    shards=st.sampled_from(SHARD_COUNTS),
    sizes=st.lists(st.integers(min_value=1, max_value=12), min_size=1, max_size=4),
    filters=FILTERS,
    budget=st.sampled_from([None, 2, 5, 17]),
)
def test_listing_pages_give_every_mention_once_in_order_across_shards(
    corpus: Corpus, shards: int, sizes: list[int], filters: dict[str, Any], budget: int | None
) -> None:
    brand = corpus.brands[shards]
    items = corpus.index_items(shards, "GSI1", "MENTION")
    params = dict(filters)
    if "since" in params:
        params["since"] = (BASE + timedelta(minutes=5)).isoformat()
        items = [
            i for i in items if i["GSI1SK"] >= keys.format_instant(BASE + timedelta(minutes=5))
        ]
    for name in ("network", "tier"):
        if name in params:
            items = [i for i in items if i[name] == params[name]]
    if "status" in params:
        items = [i for i in items if i.get("handling_status") == params["status"]]
    expected = [i["mention_id"] for i in sorted(items, key=lambda i: i["GSI1SK"], reverse=True)]
    assert expected  # each filter matches some mentions: the walk has something to prove
    # A small scan budget makes filtered pages stop short, mid-shard: the cursor still holds.
    with patch("api.mentions.repository.SCAN_BUDGET", budget or 500):
        seen = walk(corpus.client, f"/v1/brands/{brand}/mentions", params, sizes)
    assert seen == expected


@hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    shards=st.sampled_from(SHARD_COUNTS),
    sizes=st.lists(st.integers(min_value=1, max_value=12), min_size=1, max_size=4),
)
def test_queue_pages_give_every_open_mention_once_in_deadline_order_across_shards(
    corpus: Corpus, shards: int, sizes: list[int]
) -> None:
    brand = corpus.brands[shards]
    items = corpus.index_items(shards, "GSI3", "QUEUE")
    expected = [i["mention_id"] for i in sorted(items, key=lambda i: i["GSI3SK"])]
    # Answered ones left the queue; the others above `watch` are in it.
    assert 10 < len(expected) <= 46 - len(ANSWERED)
    assert not {mention_id_for("test", f"p{i}") for i in ANSWERED} & set(expected)
    seen = walk(corpus.client, f"/v1/brands/{brand}/mentions", {"status": "open"}, sizes)
    assert seen == expected


def test_a_sharded_brand_answers_what_a_brand_of_one_shard_does(corpus: Corpus) -> None:
    """Same mentions, 1, 2 or 5 shards: the same listings, queue summary, risk and mentions."""
    at = datetime.now(UTC).isoformat()
    answers: dict[int, list[Any]] = {}
    for shards, brand in corpus.brands.items():
        url = f"/v1/brands/{brand}"
        risk = corpus.client.get(f"{url}/risk", params={"at": at}).json()
        summary = corpus.client.get(f"{url}/queue")
        assert summary.status_code == 200
        listing = corpus.client.get(f"{url}/mentions", params={"limit": 100}).json()
        one = corpus.client.get(f"{url}/mentions/{listing['items'][7]['id']}")
        assert one.status_code == 200
        assert listing["next_cursor"] is None
        answers[shards] = [
            _without_brand(risk),
            _without_brand(summary.json()),
            [_without_brand(item) for item in listing["items"]],
            _without_brand(one.json()),
        ]
    assert answers[2] == answers[1]
    assert answers[5] == answers[1]


# What differs between the brands by construction: their ids, and instants derived from when
# each brand's copy was received (deadlines, handling times).
_PER_BRAND = {"brand_id", "as_of", "respond_by", "oldest_respond_by", "received_at", "updated_at"}


def _without_brand(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_brand(v) for k, v in value.items() if k not in _PER_BRAND}
    if isinstance(value, list):
        return [_without_brand(v) for v in value]
    return value


def test_a_replay_is_a_duplicate_in_its_shard_and_each_mention_is_one_get(
    corpus: Corpus, services: Services
) -> None:
    brand = corpus.brands[5]
    again = corpus.client.post(
        f"/v1/brands/{brand}/mentions", json={"mentions": [mention("p3"), mention("p30")]}
    )
    assert [r["duplicate"] for r in again.json()["results"]] == [True, True]
    stored = corpus.index_items(5, "GSI1", "MENTION")
    assert len(stored) == 46
    shards_used = {str(item["PK"]) for item in stored}
    assert len(shards_used) == 5  # the 46 mentions really are spread over the 5 shards
    repository = MentionRepository(
        corpus.dynamodb,
        corpus.table,
        AggregateRepository(corpus.dynamodb, corpus.table, services.settings.aggregate_shards),
    )
    for item in stored:
        # A repository that never saw the brand reads its shard count once, then one GetItem.
        found = repository.get(corpus.workspace, brand, str(item["mention_id"]))
        assert found is not None
        assert found.id == item["mention_id"]
