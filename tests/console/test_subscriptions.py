"""The console's subscription pages: list, create (the secret shown once), deliveries, resend."""

from __future__ import annotations

import re
import time

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api.console.app import build_console, writable_session
from api.local.dispatch_loop import LocalWorker
from api.services import Services
from api.subscriptions.schemas import EventType, SubscriptionCreate
from api.workspaces.service import Principal
from tests.console.seeding import csrf_of, signed_in
from tests.subscriptions.receivers import Receiver

HOSTILE = "<script>alert(1)</script> on-call"


def create(web: TestClient, **fields: str | list[str]) -> tuple[int, str]:
    token = csrf_of(web.get("/app/subscriptions").text)
    response = web.post("/app/subscriptions", data={"csrf": token, **fields})
    return response.status_code, response.text


def wait_for_log(web: TestClient, subscription_id: str, count: int) -> str:
    deadline = time.monotonic() + 30
    while True:
        page: str = web.get(f"/app/subscriptions/{subscription_id}").text
        if page.count('class="delivery-row') >= count:
            return page
        assert time.monotonic() < deadline, f"fewer than {count} deliveries logged"
        time.sleep(0.1)


def test_create_shows_the_secret_once_and_lists_it_escaped(
    web: TestClient, app: FastAPI, workspace: str
) -> None:
    assert 'id="no-subscriptions"' in web.get("/app/subscriptions").text
    status, created = create(
        web,
        url="https://hooks.example.com/vigie",
        events=["brand.tier_changed", "mention.escalated"],
        description=HOSTILE,
        format="standard_webhooks",
    )
    assert status == 201, created
    secret = re.search(r'id="subscription-secret">([^<]+)<', created)
    assert secret is not None
    assert len(secret[1]) > 20
    subscription_id = re.search(r"/app/subscriptions/(sub_[a-z2-7]+)", created)
    assert subscription_id is not None
    # The service agrees: this is the subscription and the secret that signs its deliveries.
    services: Services = app.state.services
    stored = services.subscriptions.get(Principal(workspace), subscription_id[1])
    assert [e.value for e in stored.events] == ["brand.tier_changed", "mention.escalated"]
    assert stored.brand_ids is None
    listing = web.get("/app/subscriptions").text
    detail = web.get(f"/app/subscriptions/{subscription_id[1]}").text
    for page in (listing, detail):
        assert subscription_id[1] in page
        assert secret[1] not in page  # never again
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt; on-call" in page


def test_create_refuses_bad_input_and_needs_the_csrf_token(web: TestClient) -> None:
    status, page = create(web, url="https://hooks.example.com/vigie")  # no event ticked
    assert status == 422
    assert 'role="alert"' in page
    assert 'value="https://hooks.example.com/vigie"' in page  # the form keeps what was typed
    status, page = create(web, url="http://10.0.0.7/hook", events=["brand.tier_changed"])
    assert status == 422  # the API's own SSRF guard: private addresses are refused
    refused = web.post(
        "/app/subscriptions",
        data={"url": "https://hooks.example.com/x", "events": "brand.tier_changed"},
    )
    assert refused.status_code == 403
    assert 'id="no-subscriptions"' in web.get("/app/subscriptions").text


def test_deliveries_log_and_resend(
    web: TestClient, receiver: Receiver, worker: LocalWorker
) -> None:
    status, created = create(web, url=receiver.url, events=["subscription.test"])
    assert status == 201, created
    found = re.search(r"/app/subscriptions/(sub_[a-z2-7]+)", created)
    assert found is not None
    subscription_id = found[1]
    assert 'id="no-deliveries"' in web.get(f"/app/subscriptions/{subscription_id}").text
    token = csrf_of(web.get(f"/app/subscriptions/{subscription_id}").text)
    sent = web.post(f"/app/subscriptions/{subscription_id}/test", data={"csrf": token})
    assert sent.status_code == 303
    (first,) = receiver.wait_for(1)
    page = wait_for_log(web, subscription_id, 1)
    event_id = first.headers["webhook-id"]
    assert f'data-event="{event_id}" data-state="delivered"' in page

    resend_url = f"/app/subscriptions/{subscription_id}/events/{event_id}/resend"
    assert web.post(resend_url, data={"csrf": "forged"}).status_code == 403
    resent = web.post(resend_url, data={"csrf": token}, headers={"HX-Request": "true"})
    assert resent.status_code == 200
    assert "1" in resent.text
    again = receiver.wait_for(2)[1]
    assert again.headers["webhook-id"] == event_id  # the same event, delivered again
    assert wait_for_log(web, subscription_id, 2).count(f'data-event="{event_id}"') == 2


def test_another_workspace_subscription_is_a_404_page(web: TestClient, app: FastAPI) -> None:
    status, created = create(
        web, url="https://hooks.example.com/vigie", events=["brand.tier_changed"]
    )
    assert status == 201
    found = re.search(r"/app/subscriptions/(sub_[a-z2-7]+)", created)
    assert found is not None
    services: Services = app.state.services
    with TestClient(app, follow_redirects=False) as other:
        signed_in(other, services.api_keys.create("ws-someone-else"))
        page = other.get(f"/app/subscriptions/{found[1]}")
        assert page.status_code == 404
        assert "hooks.example.com" not in page.text
        assert found[1] not in other.get("/app/subscriptions").text
        token = csrf_of(other.get("/app/subscriptions").text)
        test = other.post(f"/app/subscriptions/{found[1]}/test", data={"csrf": token})
        assert test.status_code == 404


def test_subscription_pages_speak_french(web: TestClient) -> None:
    page = web.get("/app/subscriptions", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert "Nouvel abonnement" in page.text
    assert "<h1>Abonnements</h1>" in page.text


def test_a_read_only_session_cannot_create_test_or_resend(
    app: FastAPI, workspace: str, receiver: Receiver, worker: LocalWorker
) -> None:
    services: Services = app.state.services
    principal = Principal(workspace)
    existing = services.subscriptions.create(
        principal,
        SubscriptionCreate(url=receiver.url, events=[EventType.subscription_test]),
    )
    with TestClient(app, follow_redirects=False) as reader:
        signed_in(reader, services.api_keys.issue(workspace, read_only=True).key)
        token = csrf_of(reader.get("/app/subscriptions").text)
        refused = [
            reader.post(
                "/app/subscriptions",
                data={"csrf": token, "url": receiver.url, "events": "subscription.test"},
            ),
            reader.post(f"/app/subscriptions/{existing.id}/test", data={"csrf": token}),
            reader.post(
                f"/app/subscriptions/{existing.id}/events/evt_{'a' * 26}/resend",
                data={"csrf": token},
            ),
        ]
        for response in refused:
            assert response.status_code == 403, response.text
            assert "read-only" in response.text
        # Looking is still allowed, and nothing was created or sent.
        assert reader.get(f"/app/subscriptions/{existing.id}").status_code == 200
    assert [s.id for s in services.subscriptions.list(principal, 50, None).items] == [existing.id]
    assert receiver.received == []


def test_every_mutating_console_route_needs_a_writable_session(app: FastAPI) -> None:
    # A new POST page must opt out explicitly (only the session's own doors do).
    console = build_console(app.state.services)
    mutating = [
        route
        for route in console.routes
        if isinstance(route, APIRoute) and set(route.methods or ()) - {"GET", "HEAD", "OPTIONS"}
    ]
    assert len(mutating) >= 4
    for route in mutating:
        if route.path in {"/sign-in", "/sign-out"}:
            continue
        calls = {dependency.call for dependency in route.dependant.dependencies}
        assert writable_session in calls, route.path
