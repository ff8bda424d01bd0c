"""The dispatcher's rules against real receivers: Retry-After, days of failures, user changes.

The subscription item has two writers: the user (PATCH, rotate) and the dispatcher (failure
tracking, disabling). Where a test needs them to interleave, the one injected fault is a read
that lets the other writer in between a read and a write.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from standardwebhooks import Webhook

from api.brands.schemas import Brand, BrandSettings
from api.engine.schemas import BrandRiskAssessment
from api.examples import ASSESSMENT_EXAMPLE
from api.local.dispatch_loop import InMemoryRetryScheduler, LocalWorker
from api.services import Services
from api.settings import Settings
from api.subscriptions.dispatcher import Dispatcher, retry_delay
from api.subscriptions.repository import DeliveryKey
from api.subscriptions.schemas import EventType, SubscriptionCreate
from api.subscriptions.ssrf import parse_allow_cidrs
from api.subscriptions.transport import (
    MAX_RETRY_AFTER_SECONDS,
    HttpSender,
    SendResult,
    parse_retry_after,
)
from api.workspaces.service import Principal
from tests.subscriptions.receivers import Receiver, subscribe, wait_for_log


def _seconds(later: str, earlier: str) -> float:
    return (datetime.fromisoformat(later) - datetime.fromisoformat(earlier)).total_seconds()


def test_retry_after_parses_seconds_and_dates_and_ignores_garbage() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(" 7 ") == 7.0
    assert parse_retry_after(str(10**12)) == MAX_RETRY_AFTER_SECONDS
    in_an_hour = format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)
    assert 3500 < (parse_retry_after(in_an_hour) or 0) <= 3600
    assert parse_retry_after(format_datetime(datetime(2000, 1, 1, tzinfo=UTC), usegmt=True)) == 0
    for garbage in (None, "", "soon", "-5", "1.5e3", "Mon, 99 Foo 2026"):
        assert parse_retry_after(garbage) is None


def test_retry_after_lengthens_a_delay_never_shortens_it_and_is_capped() -> None:
    schedule = (5.0, 300.0)
    rng = random.Random(1)
    assert 4.5 <= (retry_delay(schedule, 1, None, rng) or 0) <= 5.5
    assert retry_delay(schedule, 1, 60, rng) == 60
    assert 270 <= (retry_delay(schedule, 2, 1, rng) or 0) <= 330  # a shorter ask is not obeyed
    assert retry_delay(schedule, 2, 10**9, rng) == MAX_RETRY_AFTER_SECONDS
    assert retry_delay(schedule, 3, 60, rng) is None  # the schedule is exhausted: dead-lettered


def test_a_receivers_retry_after_sets_the_next_attempt(
    client: TestClient, receiver: Receiver, worker: LocalWorker, settings: Settings
) -> None:
    del worker
    receiver.respond = lambda _: (503, {"retry-after": "3"}, b"busy")
    created = subscribe(client, receiver.url)
    client.post(f"/v1/subscriptions/{created['id']}/test")
    (first,) = wait_for_log(client, created["id"], 1)
    assert first["state"] == "retrying"
    # The schedule says 0.2 s (±10 %): the receiver's 3 s wins.
    assert settings.subscription_retry_schedule[0] < 1
    assert _seconds(first["next_retry_at"], first["attempted_at"]) == pytest.approx(3, abs=0.01)


def _age_failures(services: Services, workspace: str, subscription_id: str, days: float) -> None:
    """As if the dispatcher had seen this subscription fail for `days` already."""
    since = time.time() - days * 86400
    services.subscriptions.repository.update_subscription_health(
        workspace, subscription_id, failing_since=since
    )


def test_failing_for_n_days_disables_tells_the_others_and_skips_later_events(
    client: TestClient,
    receiver: Receiver,
    worker: LocalWorker,
    services: Services,
    settings: Settings,
    workspace: str,
) -> None:
    del worker
    failing = Receiver(respond=lambda _: (500, {}, b"down"))
    try:
        doomed = subscribe(client, failing.url)
        watcher = subscribe(client, receiver.url, events=["subscription.disabled"])
        _age_failures(services, workspace, doomed["id"], settings.subscription_disable_after_days)
        client.post(f"/v1/subscriptions/{doomed['id']}/test")
        (notice,) = receiver.wait_for(1)
        payload = Webhook(watcher["secret"]).verify(notice.body, notice.headers)
        assert payload["type"] == "subscription.disabled"
        assert payload["data"]["subscription_id"] == doomed["id"]
        assert payload["data"]["reason"] == "failing"
        state = client.get(f"/v1/subscriptions/{doomed['id']}").json()
        assert (state["enabled"], state["disabled_reason"]) == (False, "failing")
        assert len(failing.received) == 1

        # Its pending retry and a later brand change are kept for `recover` as skipped.
        _announce_a_tier_change(services, workspace)
        repository = services.subscriptions.repository
        deadline = time.monotonic() + 30
        while True:
            states = {
                d["event_type"]: d["state"]
                for d in repository.deliveries_since(workspace, doomed["id"], "")
            }
            if states.get("subscription.test") != "retrying" or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert states == {
            "subscription.test": "skipped",
            "brand.tier_changed": "skipped",
            "brand.stage_changed": "skipped",
        }
        assert len(failing.received) == 1
    finally:
        failing.close()


def _announce_a_tier_change(services: Services, workspace: str) -> None:
    # A brand of no table: the session's later re-assessments (tests/test_worker.py) skip it
    # rather than announce its return to rest.
    now = datetime.now(UTC)
    brand = Brand(
        id=f"b-{uuid.uuid4().hex[:8]}", name="ACME", settings=BrandSettings(), created_at=now,
        updated_at=now,
    )  # fmt: skip
    assessment = BrandRiskAssessment.model_validate(ASSESSMENT_EXAMPLE).model_copy(
        update={"as_of": datetime.now(UTC)}
    )
    written = services.subscriptions.announce(workspace, brand, assessment)
    assert written


def test_failures_younger_than_n_days_do_not_disable(
    client: TestClient, receiver: Receiver, worker: LocalWorker, services: Services, workspace: str
) -> None:
    del worker
    receiver.respond = lambda _: (500, {}, b"down")
    created = subscribe(client, receiver.url)
    _age_failures(services, workspace, created["id"], 0.5)  # the setting is 5 days
    client.post(f"/v1/subscriptions/{created['id']}/test")
    assert wait_for_log(client, created["id"], 3)[0]["state"] == "dead_lettered"
    assert client.get(f"/v1/subscriptions/{created['id']}").json()["enabled"] is True


def test_patch_keeps_the_failure_tracking_the_dispatcher_wrote_meanwhile(
    client: TestClient,
    receiver: Receiver,
    services: Services,
    workspace: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    created = subscribe(client, receiver.url)
    repository = services.subscriptions.repository
    read = repository.get_subscription

    def read_then_the_dispatcher_records_a_failure(ws: str, sid: str) -> dict[str, Any] | None:
        record = read(ws, sid)
        repository.update_subscription_health(ws, sid, failing_since=1_700_000_000.5)
        return record

    monkeypatch.setattr(repository, "get_subscription", read_then_the_dispatcher_records_a_failure)
    patched = client.patch(
        f"/v1/subscriptions/{created['id']}", json={"description": "on-call", "brand_ids": ["b"]}
    )
    monkeypatch.undo()
    assert patched.status_code == 200, patched.text
    assert patched.json()["description"] == "on-call"
    stored = repository.get_subscription(workspace, created["id"])
    assert stored is not None
    assert stored["failing_since"] == 1_700_000_000.5
    assert (stored["description"], stored["brand_ids"], stored["url"]) == (
        "on-call",
        ["b"],
        receiver.url,
    )


def test_re_enabling_resets_the_failure_tracking(
    client: TestClient, receiver: Receiver, worker: LocalWorker, services: Services, workspace: str
) -> None:
    del worker
    created = subscribe(client, receiver.url)
    path = f"/v1/subscriptions/{created['id']}"
    repository = services.subscriptions.repository
    _age_failures(services, workspace, created["id"], 30)
    assert client.patch(path, json={"enabled": False}).json()["disabled_reason"] == "by_user"
    paused = repository.get_subscription(workspace, created["id"]) or {}
    assert "failing_since" in paused  # pausing changes nothing but `enabled`
    resumed = client.patch(path, json={"enabled": True})
    assert resumed.json()["enabled"] is True
    stored = repository.get_subscription(workspace, created["id"]) or {}
    assert not {"failing_since", "disabled_reason", "disabled_at"} & set(stored)

    # Its next failures start a new count: 30 old days do not disable it at the first one.
    receiver.respond = lambda _: (500, {}, b"down")
    client.post(f"{path}/test")
    assert wait_for_log(client, created["id"], 3)[0]["state"] == "dead_lettered"
    after = repository.get_subscription(workspace, created["id"]) or {}
    assert after["enabled"] is True
    assert time.time() - float(after["failing_since"]) < 600


def test_a_stale_failure_count_cannot_disable_a_re_enabled_subscription(
    client: TestClient, receiver: Receiver, services: Services, workspace: str
) -> None:
    created = subscribe(client, receiver.url)
    repository = services.subscriptions.repository
    _age_failures(services, workspace, created["id"], 30)
    read_by_the_dispatcher = repository.get_subscription(workspace, created["id"]) or {}
    client.patch(f"/v1/subscriptions/{created['id']}", json={"enabled": False})
    client.patch(f"/v1/subscriptions/{created['id']}", json={"enabled": True})
    at = datetime.now(UTC).isoformat()
    assert not repository.disable_subscription(
        workspace,
        created["id"],
        "failing",
        at,
        expect_failing_since=float(read_by_the_dispatcher["failing_since"]),
    )
    assert client.get(f"/v1/subscriptions/{created['id']}").json()["enabled"] is True


def test_two_rotations_at_once_leave_no_secret_that_nothing_signs_with(
    client: TestClient,
    receiver: Receiver,
    services: Services,
    workspace: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    created = subscribe(client, receiver.url)
    repository = services.subscriptions.repository
    read = repository.get_subscription
    rivals: list[dict[str, Any]] = []

    def read_then_another_rotation(ws: str, sid: str) -> dict[str, Any] | None:
        record = read(ws, sid)
        if not rivals:
            monkeypatch.setattr(repository, "get_subscription", read)
            rivals.append(client.post(f"/v1/subscriptions/{sid}/rotate-secret").json())
        return record

    monkeypatch.setattr(repository, "get_subscription", read_then_another_rotation)
    late = client.post(f"/v1/subscriptions/{created['id']}/rotate-secret")
    assert late.status_code == 409, late.text
    (rival,) = rivals
    stored = repository.get_subscription(workspace, created["id"]) or {}
    signing = services.subscriptions.signing_secrets(stored, time.time())
    assert signing == [rival["secret"], created["secret"]]


def test_the_previous_secret_signs_for_24_hours_then_stops(
    client: TestClient, receiver: Receiver, services: Services, workspace: str
) -> None:
    created = subscribe(client, receiver.url)
    rotated = client.post(f"/v1/subscriptions/{created['id']}/rotate-secret").json()
    expires = datetime.fromisoformat(rotated["previous_secret_expires_at"])
    assert expires - datetime.now(UTC) == pytest.approx(timedelta(hours=24), abs=timedelta(60))
    stored = services.subscriptions.repository.get_subscription(workspace, created["id"]) or {}
    secrets_at = services.subscriptions.signing_secrets
    assert secrets_at(stored, expires.timestamp() - 1) == [rotated["secret"], created["secret"]]
    assert secrets_at(stored, expires.timestamp() + 1) == [rotated["secret"]]


def test_the_log_keeps_the_first_2_kb_of_an_answer(
    client: TestClient, receiver: Receiver, worker: LocalWorker
) -> None:
    del worker
    receiver.respond = lambda _: (500, {}, b"e" * 5000)
    created = subscribe(client, receiver.url)
    client.post(f"/v1/subscriptions/{created['id']}/test")
    (attempt,) = wait_for_log(client, created["id"], 1)[-1:]
    assert attempt["response_excerpt"] == "e" * 2048
    assert attempt["status_code"] == 500
    assert attempt["latency_ms"] >= 0


def test_a_receiver_slower_than_the_timeout_is_a_failed_attempt() -> None:
    def answer_late(_: object) -> tuple[int, dict[str, str], bytes]:
        time.sleep(1.0)
        return 204, {}, b""

    slow = Receiver(respond=answer_late)
    sender = HttpSender(parse_allow_cidrs("127.0.0.0/8"), timeout=0.2)
    try:
        result = sender.post(slow.url, {}, b"{}")
    finally:
        sender.close()
        slow.close()
    assert result.status is None
    assert result.error == "timed out"


class _FakeClock:
    def __init__(self, now: float) -> None:
        self.t = now

    def now(self) -> float:
        return self.t


class _BusySender:
    """Answers 503 with `Retry-After: 1 h`, then 204; counts the requests."""

    def __init__(self) -> None:
        self.calls = 0

    def post(self, url: str, headers: Mapping[str, str], body: bytes) -> SendResult:
        del url, headers, body
        self.calls += 1
        if self.calls == 1:
            return SendResult(503, 3, "busy", retry_after_seconds=3600)
        return SendResult(204, 3, "")


def test_a_retry_due_past_the_queues_15_minute_cap_is_put_back_until_due(
    receiver: Receiver, services: Services, workspace: str
) -> None:
    principal = Principal(workspace)
    created = services.subscriptions.create(
        principal, SubscriptionCreate(url=receiver.url, events=[EventType.subscription_test])
    )
    services.subscriptions.send_test(principal, created.id)
    repository = services.subscriptions.repository
    (delivery,) = repository.deliveries_since(workspace, created.id, "")
    key = DeliveryKey(workspace, created.id, delivery["SK"])
    clock, sender, queue = _FakeClock(time.time()), _BusySender(), InMemoryRetryScheduler()
    dispatcher = Dispatcher(services.subscriptions, sender, queue, clock)
    start = clock.t

    assert dispatcher.process(key).state == "retrying"
    ((scheduled_key, due),) = queue.scheduled
    assert scheduled_key == key
    assert due == pytest.approx(start + 3600)
    # SQS delivers the message after at most 15 minutes: early, it goes back, unsent.
    for step in (1, 2, 3):
        clock.t = start + step * 900
        assert dispatcher.process(key).state == "early"
        assert queue.scheduled[-1][0] == key
        assert queue.scheduled[-1][1] == pytest.approx(start + 3600)
    clock.t = start + 3600
    assert dispatcher.process(key).state == "delivered"
    assert sender.calls == 2
    assert dispatcher.process(key).state == "delivered"  # a duplicate message sends nothing
    assert sender.calls == 2
