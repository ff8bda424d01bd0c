"""Subscriptions over HTTP: CRUD, isolation, secrets, test events, the log, resend and recover."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from standardwebhooks import Webhook, WebhookVerificationError

from api.local.dispatch_loop import LocalWorker
from api.services import Services
from api.subscriptions import ssrf
from tests.subscriptions.receivers import Receiver, StalledResolver, subscribe, wait_for_log

pytestmark = pytest.mark.usefixtures("dynamodb")


def test_create_shows_the_secret_once_and_never_again(
    client: TestClient, receiver: Receiver
) -> None:
    created = subscribe(client, receiver.url, brand_ids=["acme", "acme"])
    assert created["secret"].startswith("whsec_")
    assert created["brand_ids"] == ["acme"]
    assert created["format"] == "standard_webhooks"
    assert created["enabled"] is True
    fetched = client.get(f"/v1/subscriptions/{created['id']}")
    assert fetched.status_code == 200
    assert "secret" not in fetched.json()
    listed = client.get("/v1/subscriptions").json()
    assert [item["id"] for item in listed["items"]] == [created["id"]]
    assert "secret" not in listed["items"][0]


def test_the_secret_is_not_stored(
    client: TestClient, receiver: Receiver, services: Services, workspace: str
) -> None:
    created = subscribe(client, receiver.url)
    record = services.subscriptions.repository.get_subscription(workspace, created["id"])
    assert record is not None
    assert created["secret"] not in repr(record)
    assert created["secret"].removeprefix("whsec_") not in repr(record)


def test_patch_changes_filters_and_pauses(client: TestClient, receiver: Receiver) -> None:
    created = subscribe(client, receiver.url)
    path = f"/v1/subscriptions/{created['id']}"
    patched = client.patch(path, json={"events": ["mention.escalated"], "brand_ids": ["b1"]})
    assert patched.status_code == 200, patched.text
    assert patched.json()["events"] == ["mention.escalated"]
    assert patched.json()["brand_ids"] == ["b1"]
    paused = client.patch(path, json={"enabled": False}).json()
    assert paused["enabled"] is False
    assert paused["disabled_reason"] == "by_user"
    resumed = client.patch(path, json={"enabled": True, "brand_ids": None}).json()
    assert resumed["enabled"] is True
    assert resumed["disabled_reason"] is None
    assert resumed["brand_ids"] is None
    assert client.patch(path, json={"url": None}).status_code == 422
    assert client.patch(path, json={"unknown": 1}).status_code == 422
    # An empty filter matches no brand: a subscription that would never deliver.
    emptied = client.patch(path, json={"brand_ids": []})
    assert emptied.status_code == 422, emptied.text
    assert emptied.json()["invalid_params"][0]["name"] == "brand_ids"
    assert client.get(path).json()["brand_ids"] is None


def test_delete_then_404(client: TestClient, receiver: Receiver) -> None:
    created = subscribe(client, receiver.url)
    path = f"/v1/subscriptions/{created['id']}"
    assert client.delete(path).status_code == 204
    assert client.get(path).status_code == 404
    assert client.delete(path).status_code == 404


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("GET", "", None),
        ("PATCH", "", {"enabled": False}),
        ("DELETE", "", None),
        ("POST", "/rotate-secret", None),
        ("POST", "/test", None),
        ("GET", "/deliveries", None),
        ("POST", "/recover?since=2026-01-01T00:00:00Z", None),
    ],
)
def test_another_workspace_gets_404(
    client: TestClient,
    app_client_other: TestClient,
    receiver: Receiver,
    method: str,
    suffix: str,
    body: dict[str, object] | None,
) -> None:
    created = subscribe(client, receiver.url)
    path = f"/v1/subscriptions/{created['id']}{suffix}"
    response = app_client_other.request(method, path, json=body)
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert client.get(f"/v1/subscriptions/{created['id']}").json()["enabled"] is True


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/hook",
        "http://user:pass@example.com/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.1/hook",
        "http://[::ffff:10.0.0.1]/hook",
        "http://2130706433/hook",
        "http://localhost.internal/hook",
        "javascript:alert(1)",
    ],
)
def test_unsafe_urls_are_refused_at_creation(client: TestClient, url: str) -> None:
    response = client.post("/v1/subscriptions", json={"url": url, "events": ["subscription.test"]})
    assert response.status_code == 422, response.text
    assert response.json()["invalid_params"][0]["name"] in {"url", "body.url"}


def test_malformed_bodies_are_422(client: TestClient) -> None:
    for body in (
        {"url": "https://example.com/h", "events": []},
        {"url": "https://example.com/h", "events": ["brand.unknown"]},
        {"url": "https://example.com/h", "events": ["subscription.test"], "format": "xml"},
        {"events": ["subscription.test"]},
        {"url": "https://example.com/h", "events": ["mention.escalated"], "brand_ids": []},
    ):
        assert client.post("/v1/subscriptions", json=body).status_code == 422


def test_a_test_event_to_a_url_that_no_longer_resolves_is_a_conflict(
    client: TestClient,
) -> None:
    # `.invalid` never resolves (RFC 6761); the check at creation does not resolve names.
    created = client.post(
        "/v1/subscriptions",
        json={"url": "https://hooks.vigie.invalid/h", "events": ["subscription.test"]},
    )
    assert created.status_code == 201, created.text
    response = client.post(f"/v1/subscriptions/{created.json()['id']}/test")
    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "does not resolve" in response.json()["detail"]


@pytest.fixture
def stalled(monkeypatch: pytest.MonkeyPatch) -> Iterator[StalledResolver]:
    resolver = StalledResolver(socket.getaddrinfo)
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    monkeypatch.setattr(ssrf, "RESOLVE_TIMEOUT_SECONDS", 0.3)
    yield resolver
    resolver.released.set()


def test_a_test_event_whose_name_lookup_stalls_is_a_503_and_queues_nothing(
    client: TestClient, stalled: StalledResolver
) -> None:
    created = client.post(
        "/v1/subscriptions",
        json={"url": "https://hooks.stalled.test/h", "events": ["subscription.test"]},
    )
    assert created.status_code == 201, created.text
    path = f"/v1/subscriptions/{created.json()['id']}"
    response = client.post(f"{path}/test")
    assert stalled.asked.is_set()
    assert not stalled.answered.is_set()  # answered before the resolver did
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) > 0
    assert "name lookup" in response.json()["detail"]
    assert client.get(f"{path}/deliveries").json()["items"] == []


def test_test_event_arrives_signed_and_is_logged(
    client: TestClient, receiver: Receiver, worker: LocalWorker
) -> None:
    del worker
    created = subscribe(client, receiver.url)
    queued = client.post(f"/v1/subscriptions/{created['id']}/test")
    assert queued.status_code == 202, queued.text
    (delivery,) = receiver.wait_for(1)
    payload = Webhook(created["secret"]).verify(delivery.body, delivery.headers)
    assert payload["type"] == "subscription.test"
    assert payload["data"]["subscription_id"] == created["id"]
    assert delivery.headers["webhook-id"] == queued.json()["event_id"]
    log = wait_for_log(client, created["id"], 1)
    (attempt,) = log
    assert attempt["event_id"] == queued.json()["event_id"]
    assert attempt["status_code"] == 204
    assert attempt["state"] == "delivered"
    assert attempt["attempt"] == 1


def test_rotation_signs_with_both_secrets_during_the_overlap(
    client: TestClient, receiver: Receiver, worker: LocalWorker
) -> None:
    del worker
    created = subscribe(client, receiver.url)
    rotated = client.post(f"/v1/subscriptions/{created['id']}/rotate-secret").json()
    assert rotated["secret"] != created["secret"]
    assert rotated["previous_secret_expires_at"] is not None
    client.post(f"/v1/subscriptions/{created['id']}/test")
    (during,) = receiver.wait_for(1)
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    for secret in (created["secret"], rotated["secret"]):
        Webhook(secret).verify(during.body, during.headers)

    # Overlap 0: the previous secret stops signing at once.
    again = client.post(
        f"/v1/subscriptions/{created['id']}/rotate-secret", json={"overlap_seconds": 0}
    ).json()
    client.post(f"/v1/subscriptions/{created['id']}/test")
    after = receiver.wait_for(2)[1]
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    Webhook(again["secret"]).verify(after.body, after.headers)
    for old in (created["secret"], rotated["secret"]):
        with pytest.raises(WebhookVerificationError):
            Webhook(old).verify(after.body, after.headers)


def test_failures_retry_then_dead_letter_then_recover(
    client: TestClient, receiver: Receiver, worker: LocalWorker
) -> None:
    del worker
    failing = True
    receiver.respond = lambda _: (500, {}, b"boom") if failing else (200, {}, b"ok")
    created = subscribe(client, receiver.url)
    event_id = client.post(f"/v1/subscriptions/{created['id']}/test").json()["event_id"]
    # The schedule of these tests is 2 retries: 3 attempts, then dead-lettered.
    log = wait_for_log(client, created["id"], 3)
    assert [a["attempt"] for a in log] == [3, 2, 1]
    assert [a["state"] for a in log] == ["dead_lettered", "retrying", "retrying"]
    assert log[1]["next_retry_at"] is not None
    assert log[0]["response_excerpt"] == "boom"
    assert {r.headers["webhook-id"] for r in receiver.received} == {event_id}

    failing = False
    since = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    recovered = client.post(f"/v1/subscriptions/{created['id']}/recover", params={"since": since})
    assert recovered.status_code == 202, recovered.text
    assert recovered.json()["event_ids"] == [event_id]
    last = receiver.wait_for(4)[3]
    assert last.headers["webhook-id"] == event_id
    assert wait_for_log(client, created["id"], 4)[0]["state"] == "delivered"

    resent = client.post(f"/v1/events/{event_id}/resend")
    assert resent.status_code == 202
    assert resent.json()["subscription_ids"] == [created["id"]]
    assert receiver.wait_for(5)[4].headers["webhook-id"] == event_id


def test_410_disables_and_tells_the_other_subscriptions(
    client: TestClient, receiver: Receiver, worker: LocalWorker
) -> None:
    del worker
    gone = Receiver(respond=lambda _: (410, {}, b""))
    try:
        doomed = subscribe(client, gone.url)
        watcher = subscribe(client, receiver.url, events=["subscription.disabled"])
        client.post(f"/v1/subscriptions/{doomed['id']}/test")
        (notice,) = receiver.wait_for(1)
        payload = Webhook(watcher["secret"]).verify(notice.body, notice.headers)
        assert payload["type"] == "subscription.disabled"
        assert payload["data"] == {
            "subscription_id": doomed["id"],
            "url": gone.url,
            "reason": "gone",
            "disabled_at": payload["data"]["disabled_at"],
        }
        state = client.get(f"/v1/subscriptions/{doomed['id']}").json()
        assert state["enabled"] is False
        assert state["disabled_reason"] == "gone"
        assert client.post(f"/v1/subscriptions/{doomed['id']}/test").status_code == 409
        assert len(gone.received) == 1
    finally:
        gone.close()


def test_unknown_event_and_hostile_ids_are_404(client: TestClient) -> None:
    assert client.post("/v1/events/evt_aaaaaaaaaaaaaaaaaaaaaaaa/resend").status_code == 404
    assert client.post("/v1/events/..%2F..%2Fx/resend").status_code == 404
    assert client.get("/v1/subscriptions/sub_%00").status_code == 404
    assert client.get("/v1/subscriptions/x/deliveries?cursor=abc").status_code in {400, 404}


def test_recover_since_an_unrepresentable_instant_is_422(
    client: TestClient, receiver: Receiver
) -> None:
    created = subscribe(client, receiver.url)
    response = client.post(
        f"/v1/subscriptions/{created['id']}/recover",
        params={"since": "0001-01-01T00:00:00+14:00"},
    )
    assert response.status_code == 422, response.text
    assert client.post(f"/v1/subscriptions/{created['id']}/recover").status_code == 422


def test_a_stale_write_is_a_409_not_a_lost_update(
    client: TestClient, receiver: Receiver, services: Services, workspace: str
) -> None:
    from api.subscriptions.repository import SubscriptionChangedError

    created = subscribe(client, receiver.url)
    repository = services.subscriptions.repository
    record = repository.get_subscription(workspace, created["id"])
    assert record is not None
    patched = client.patch(f"/v1/subscriptions/{created['id']}", json={"description": "x"})
    assert patched.status_code == 200
    values = {k: v for k, v in record.items() if k not in ("PK", "SK", "kind", "workspace")}
    with pytest.raises(SubscriptionChangedError):
        repository.put_subscription(
            workspace, values, new=False, expected_updated_at=record["updated_at"]
        )


def test_another_workspaces_event_cannot_be_resent(
    client: TestClient, app_client_other: TestClient, receiver: Receiver
) -> None:
    created = subscribe(client, receiver.url)
    event_id = client.post(f"/v1/subscriptions/{created['id']}/test").json()["event_id"]
    response = app_client_other.post(f"/v1/events/{event_id}/resend")
    assert response.status_code == 404, response.text
    assert client.post(f"/v1/events/{event_id}/resend").status_code == 202


@pytest.mark.parametrize("enabled", ["yes", "false", 0, 1, "1", "on"])
def test_enabled_is_a_json_boolean_only(
    client: TestClient, receiver: Receiver, enabled: object
) -> None:
    # Pydantic's lax mode read "yes", 0 and 1 as booleans: a typo could pause a subscription.
    created = subscribe(client, receiver.url)
    path = f"/v1/subscriptions/{created['id']}"
    response = client.patch(path, json={"enabled": enabled})
    assert response.status_code == 422, response.text
    assert response.json()["invalid_params"][0]["name"] == "enabled"
    assert client.get(path).json()["enabled"] is True
