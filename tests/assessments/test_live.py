"""The assessment an ingest returns (api/assessments/live.py): its staleness bound, two containers.

Each container is its own `build_services` (own caches) on the shared DynamoDB Local table, like
two Lambda containers. Instants are passed explicitly (`now`): the bound is about the `at` of the
assessments, so no test waits or times anything. The bound is set to 60 s so that the real
clock never expires a cache during a test: only the instants given decide.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from mypy_boto3_dynamodb import DynamoDBClient

from api.brands.schemas import BrandCreate
from api.engine.mention import Mention
from api.mentions.service import mention_id_for
from api.quotas.repository import QuotaRepository
from api.services import Services, build_services
from api.settings import Settings
from api.storage.buckets import floor_to
from api.workspaces.service import Principal
from tests.call_counting import app_counting_dynamodb_calls
from tests.factories import create_brand, mention
from tests.mentions.test_ingest import counter_totals, stored_items

BOUND = 60.0


def container(settings: Settings, dynamodb: DynamoDBClient, **update: Any) -> Services:
    return build_services(
        settings.model_copy(update={"live_assessment_seconds": BOUND, **update}), dynamodb
    )


def slot_start() -> datetime:
    """The start of the current 5-minute slot: the instants below stay inside it."""
    return floor_to(datetime.now(UTC), 300)


def angry(external_id: str, published: datetime, followers: int = 120) -> Mention:
    return Mention.model_validate(
        mention(
            external_id,
            published_at=published.isoformat(),
            text="This is a scandal, your product poisoned my child, boycott now",
            author={"handle": f"@{external_id}", "followers": followers, "kind": "person"},
            engagement={"likes": 900, "shares": 400, "comments": 80},
            sentiment={"score": -0.9},
        )
    )


def new_brand(services: Services, workspace: str) -> Any:
    brand_id = f"b-{uuid.uuid4().hex[:8]}"
    return services.brands.create(Principal(workspace), BrandCreate(id=brand_id, name="Acme"))


def test_alone_the_returned_assessment_is_always_a_fresh_one(
    settings: Settings, dynamodb: DynamoDBClient, workspace: str
) -> None:
    """One container writing: its cached inputs plus its own writes are exactly a fresh read,
    whatever the mentions (hot ones, an earlier hour, a slot before, a copy)."""
    a = container(settings, dynamodb)
    brand = new_brand(a, workspace)
    start = slot_start()
    published = [
        start - timedelta(seconds=30),  # the slot before (in the burst slots)
        start - timedelta(hours=3),  # an earlier hour of the window
        start - timedelta(minutes=1),
        start - timedelta(hours=30),  # out of the window: counts nowhere in it
        start - timedelta(seconds=5),
    ]
    hot = 0
    for index, moment in enumerate(published):
        at = start + timedelta(seconds=10 + index)
        item = angry(f"alone-{index}", moment, followers=200_000 * (index % 2))
        response = a.mentions.ingest(workspace, brand, [item], now=at)
        hot += response.results[0].triage.risk >= settings.engine.hot_mention_risk
        fresh = a.assessments.assess(workspace, brand.id, at, live=True)
        assert response.assessment == fresh, index
    again = a.mentions.ingest(workspace, brand, [angry("alone-0", published[0])], now=at)
    assert again.results[0].duplicate
    assert again.assessment == a.assessments.assess(workspace, brand.id, at, live=True)
    assert hot > 0  # the test covers high-risk candidates (top_mentions)
    assert again.assessment.top_mentions


def test_another_containers_writes_show_within_the_bound(
    settings: Settings, dynamodb: DynamoDBClient, workspace: str
) -> None:
    """A counts B's mention once its inputs are older than the bound, never later; before
    that, its answer is the store as A last read it plus A's own writes."""
    a, b = container(settings, dynamodb), container(settings, dynamodb)
    brand = new_brand(a, workspace)
    # The same mentions without B's: what A's answer must be while B's write is not visible.
    control = new_brand(a, workspace)
    start = slot_start()
    t = [start + timedelta(seconds=10 + s) for s in (0, 1, 2)]
    first, own, late = (angry(f"x-{i}", start - timedelta(minutes=1)) for i in range(3))
    others = angry("from-b", start - timedelta(seconds=20), followers=900_000)

    a.mentions.ingest(workspace, brand, [first], now=t[0])
    a.mentions.ingest(workspace, control, [first], now=t[0])
    b.mentions.ingest(workspace, brand, [others], now=t[1])
    a.mentions.ingest(workspace, control, [own], now=t[2])
    within = a.mentions.ingest(workspace, brand, [own], now=t[2])
    fresh = a.assessments.assess(workspace, brand.id, t[2], live=True)
    assert within.assessment == a.assessments.assess(workspace, control.id, t[2], live=True)
    # B's viral mention is not counted yet, though a fresh read cites it.
    viral = mention_id_for(others.source, others.external_id)
    assert viral in fresh.top_mentions
    assert viral not in within.assessment.top_mentions

    # Past the bound (from A's last read), A reads again: B's mention is in its answer.
    past = t[0] + timedelta(seconds=BOUND + 1)
    assert floor_to(past, 300) == start, "the test runs inside one 5-minute slot"
    after = a.mentions.ingest(workspace, brand, [late], now=past)
    assert after.assessment == a.assessments.assess(workspace, brand.id, past, live=True)


def test_two_containers_ingesting_the_same_mentions_store_and_count_them_once(
    settings: Settings, dynamodb: DynamoDBClient, workspace: str
) -> None:
    """Duplicates 0, counters and quota exact, whichever container wins each mention."""
    a, b = container(settings, dynamodb), container(settings, dynamodb)
    brand = new_brand(a, workspace)
    reference = new_brand(a, workspace)
    now = datetime.now(UTC)
    mentions = [angry(f"race-{i}", now - timedelta(minutes=i)) for i in range(12)]

    def push(services: Services) -> list[bool]:
        return [
            services.mentions.ingest(workspace, brand, [m], now=now).results[0].duplicate
            for m in mentions
        ]

    with ThreadPoolExecutor(max_workers=2) as pool:
        from_a, from_b = pool.map(push, [a, b])
    assert [x + y for x, y in zip(from_a, from_b, strict=True)] == [1] * len(mentions)
    for m in mentions:
        a.mentions.ingest(workspace, reference, [m], now=now)
    stored = stored_items(dynamodb, settings, workspace, brand.id)
    assert len(stored["mentions"]) == len(mentions)
    assert counter_totals(stored["aggregates"]) == counter_totals(
        stored_items(dynamodb, settings, workspace, reference.id)["aggregates"]
    )
    used = QuotaRepository(dynamodb, settings.table_name).used(workspace, now.date().isoformat())
    assert used == 2 * len(mentions)  # both brands' mentions, each once
    # Both containers' next answers, past the bound, agree with a fresh read.
    later = now + timedelta(seconds=BOUND + 1)
    for services in (a, b):
        answer = services.mentions.ingest(workspace, brand, [mentions[0]], now=later)
        assert answer.assessment == a.assessments.assess(workspace, brand.id, later, live=True)


def test_with_no_bound_every_answer_is_read_after_the_write(
    settings: Settings, dynamodb: DynamoDBClient, workspace: str
) -> None:
    a, b = container(settings, dynamodb, live_assessment_seconds=0.0), container(settings, dynamodb)
    brand = new_brand(a, workspace)
    at = slot_start() + timedelta(seconds=10)
    a.mentions.ingest(workspace, brand, [angry("n-1", at - timedelta(minutes=1))], now=at)
    b.mentions.ingest(workspace, brand, [angry("n-2", at - timedelta(minutes=2))], now=at)
    answer = a.mentions.ingest(workspace, brand, [angry("n-3", at - timedelta(minutes=3))], now=at)
    assert answer.assessment == a.assessments.assess(workspace, brand.id, at, live=True)


def test_a_mention_pushed_one_per_call_costs_one_dynamodb_call(
    settings: Settings, workspace: str
) -> None:
    """Over HTTP, once the container has read what it caches (key, brand, subscriptions, the
    assessment inputs): the mention's transaction, and nothing else."""
    counted = app_counting_dynamodb_calls(settings, workspace)
    calls = counted.calls
    with TestClient(counted.app, headers={"Authorization": f"Bearer {counted.key}"}) as http:
        brand = create_brand(http)
        for index in range(3):
            calls.clear()
            body = {"mentions": [mention(f"one-{index}")]}
            assert http.post(f"/v1/brands/{brand}/mentions", json=body).status_code == 200
    assert calls == ["TransactWriteItems"]
