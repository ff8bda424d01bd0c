"""End to end: a replayed escalating scenario, delivered to a real receiver, verified; once only."""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from standardwebhooks import Webhook

from api.local.dispatch_loop import LocalWorker
from api.local.replay import load_stream
from api.services import Services
from api.subscriptions.scheduler import reassess_active_brands
from tests.subscriptions.receivers import Receiver, subscribe

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "dev" / "pedal_recall_en.json"
if not SCENARIO.exists():
    SCENARIO = Path("/work/shared/scenarios/dev/pedal_recall_en.json")


def _settle(receiver: Receiver, services: Services, workspace: str, brand_id: str) -> None:
    """Wait until every event announced for the brand has arrived."""
    deadline = time.monotonic() + 60
    while True:
        state = services.subscriptions.repository.get_announced(workspace, brand_id)
        expected = int(state["sequence"]) if state else 0
        brand_events = [r for r in receiver.received if r.json()["type"] != "subscription.test"]
        if expected and len(brand_events) >= expected:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(brand_events)} of {expected} events arrived")
        time.sleep(0.1)


def _batches_until_the_peak(size: int = 100) -> list[list[dict[str, Any]]]:
    """The scenario's mentions up to its checked peak, shifted so that the peak is now."""
    scenario = load_stream(SCENARIO, "unused")
    peak = scenario.checks[0].at
    delta = datetime.now(UTC) - peak
    ordered = sorted(
        (m for m in scenario.mentions if m.published_at <= peak), key=lambda m: m.published_at
    )
    shifted = [
        m.model_copy(update={"published_at": m.published_at + delta}).model_dump(
            mode="json", exclude_none=True
        )
        for m in ordered
    ]
    return [shifted[i : i + size] for i in range(0, len(shifted), size)]


def test_escalating_scenario_delivers_changes_in_sequence_order_signed(
    client: TestClient,
    receiver: Receiver,
    worker: LocalWorker,
    services: Services,
    workspace: str,
) -> None:
    del worker
    created = subscribe(client, receiver.url)
    brand_id = f"recall-{uuid.uuid4().hex[:6]}"
    assert client.post("/v1/brands", json={"id": brand_id, "name": "Pedal"}).status_code == 201
    for batch in _batches_until_the_peak():
        response = client.post(f"/v1/brands/{brand_id}/mentions", json={"mentions": batch})
        assert response.status_code == 200, response.text
    _settle(receiver, services, workspace, brand_id)

    events = [Webhook(created["secret"]).verify(r.body, r.headers) for r in receiver.received]
    assert len({r.headers["webhook-id"] for r in receiver.received}) == len(events)
    types = Counter(event["type"] for event in events)
    assert types["brand.tier_changed"] >= 1
    assert types["brand.stage_changed"] >= 1
    assert types["mention.escalated"] >= 1
    ordered = sorted(events, key=lambda e: e["data"]["sequence"])
    assert [e["data"]["sequence"] for e in ordered] == list(range(1, len(events) + 1))
    # Each change starts where the previous one of its kind ended: nothing announced twice.
    tier = "watch"
    stage = "quiet"
    tiers = set()
    for event in ordered:
        data = event["data"]
        assert data["brand"]["id"] == brand_id
        if event["type"] == "brand.tier_changed":
            assert data["previous"]["tier"] == tier != data["new"]["tier"]
            tier = data["new"]["tier"]
            tiers.add(tier)
        elif event["type"] == "brand.stage_changed":
            assert data["previous"]["stage"] == stage != data["new"]["stage"]
            stage = data["new"]["stage"]
        if event["type"].startswith("brand."):
            assert len(data["top_factors"]) <= 3
            assert data["model_version"]
        else:
            triage = data["triage"]
            assert triage["tier"] == "executive_statement" or (
                triage["tier"] == "respond_publicly" and triage["risk"] >= 70
            )
            assert data["link"].endswith(f"/mentions/{data['mention']['id']}")
    assert "executive_statement" in tiers  # the scenario's check at its peak
    escalated = [e["data"]["mention"]["id"] for e in events if e["type"] == "mention.escalated"]
    assert len(escalated) == len(set(escalated))


def test_the_same_batch_posted_three_times_at_once_announces_each_change_once(
    app: FastAPI,
    client: TestClient,
    receiver: Receiver,
    worker: LocalWorker,
    services: Services,
    workspace: str,
) -> None:
    del worker
    created = subscribe(client, receiver.url)
    brand_id = f"race-{uuid.uuid4().hex[:6]}"
    assert client.post("/v1/brands", json={"id": brand_id, "name": "Race"}).status_code == 201
    batch = _batches_until_the_peak(size=500)[0][-100:]
    auth = dict(client.headers)

    def post(_: int) -> int:
        with TestClient(app, headers=auth) as client:
            response = client.post(f"/v1/brands/{brand_id}/mentions", json={"mentions": batch})
            return int(response.status_code)

    with ThreadPoolExecutor(3) as pool:
        statuses = list(pool.map(post, range(3)))
    assert statuses == [200, 200, 200]
    # Every event written advanced the brand's sequence: waiting for that many is waiting for all.
    _settle(receiver, services, workspace, brand_id)

    events: list[dict[str, Any]] = [
        Webhook(created["secret"]).verify(r.body, r.headers) for r in receiver.received
    ]
    types = Counter(event["type"] for event in events)
    assert types["brand.tier_changed"] == 1
    assert types["brand.stage_changed"] <= 1
    escalated = [e["data"]["mention"]["id"] for e in events if e["type"] == "mention.escalated"]
    assert escalated
    assert len(escalated) == len(set(escalated))
    sequences = [e["data"]["sequence"] for e in events]
    assert sorted(sequences) == list(range(1, len(events) + 1))
    state = services.subscriptions.repository.get_announced(workspace, brand_id)
    assert state is not None
    assert state["sequence"] == len(events)


def test_a_brand_filter_and_an_event_filter_are_honoured(
    client: TestClient,
    receiver: Receiver,
    brand_id: str,
    services: Services,
    workspace: str,
) -> None:
    other = Receiver()
    try:
        by_brand = subscribe(client, receiver.url, brand_ids=["someone-else"])
        by_event = subscribe(client, other.url, events=["subscription.disabled"])
        watching = subscribe(client, other.url, brand_ids=[brand_id])
        batch = _batches_until_the_peak(size=500)[0][-100:]
        response = client.post(f"/v1/brands/{brand_id}/mentions", json={"mentions": batch})
        assert response.status_code == 200
        assert response.json()["assessment"]["tier"] != "watch"
        repository = services.subscriptions.repository
        # Filters act when the outbox is written: the filtered-out subscriptions have no row.
        assert repository.deliveries_since(workspace, watching["id"], "")
        for filtered in (by_brand, by_event):
            assert repository.deliveries_since(workspace, filtered["id"], "") == []
    finally:
        other.close()


def test_time_alone_moves_a_brand_on_and_the_re_assessment_announces_it(
    client: TestClient,
    receiver: Receiver,
    brand_id: str,
    services: Services,
    workspace: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    subscribe(client, receiver.url)
    batch = _batches_until_the_peak(size=500)[0][-100:]
    assert client.post(f"/v1/brands/{brand_id}/mentions", json={"mentions": batch}).is_success
    repository = services.subscriptions.repository
    announced = repository.get_announced(workspace, brand_id)
    assert announced is not None
    assert (workspace, brand_id) in repository.active_brands()
    # The table is shared by the session: re-assess this workspace's active brands only.
    every_active = repository.active_brands
    monkeypatch.setattr(
        repository, "active_brands", lambda: [a for a in every_active() if a[0] == workspace]
    )
    later = datetime.now(UTC) + timedelta(days=3)
    written = reassess_active_brands(
        services.subscriptions, services.brands, services.assessments, now=later
    )
    assert written >= 1
    state = repository.get_announced(workspace, brand_id)
    assert state is not None
    assert state["sequence"] == announced["sequence"] + written
    moved = [k for k in ("tier", "stage") if state[k] != announced[k]]
    assert moved
    bodies = [
        json.loads(event["body"])
        for event in (
            repository.get_event(workspace, delivery["event_id"])
            for subscription in repository.all_subscriptions(workspace)
            for delivery in repository.deliveries_since(
                workspace, subscription["subscription_id"], ""
            )
        )
        if event is not None
    ]
    changes = [b for b in bodies if b["data"].get("as_of", "") >= later.isoformat()[:10]]
    assert {c["type"] for c in changes} == {f"brand.{k}_changed" for k in moved}
    for change in changes:
        assert change["data"]["previous"] == {k: announced[k] for k in change["data"]["previous"]}
        assert change["data"]["new"] == {k: state[k] for k in change["data"]["new"]}
    if state["tier"] == "watch" and state["stage"] in ("quiet", "resolved"):
        assert (workspace, brand_id) not in repository.active_brands()  # at rest: not re-assessed
    # A second run at the same time finds nothing new to announce.
    assert (
        reassess_active_brands(
            services.subscriptions, services.brands, services.assessments, now=later
        )
        == 0
    )
