"""The answer queue: handling statuses, the open queue in deadline order, its counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.engine.mention import Mention
from api.services import Services
from api.workspaces.service import Principal
from tests.factories import mention

COMPLAINT = "My order never arrived and nobody answers"
SAFETY = "Your charger caught fire and burned my kid, this is dangerous, I am calling my lawyer"
PRAISE = "Nice product, thanks"


def ingest(client: TestClient, brand_id: str, mentions: list[dict[str, Any]]) -> list[str]:
    response = client.post(f"/v1/brands/{brand_id}/mentions", json={"mentions": mentions})
    assert response.status_code == 200, response.text
    return [r["id"] for r in response.json()["results"]]


def queue_ids(client: TestClient, brand_id: str, **params: Any) -> list[str]:
    response = client.get(f"/v1/brands/{brand_id}/mentions", params={"status": "open", **params})
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_mentions_above_watch_start_open_and_watch_ones_stay_out(
    client: TestClient, brand_id: str
) -> None:
    complaint, praise = ingest(
        client,
        brand_id,
        [mention("c", text=COMPLAINT), mention("p", text=PRAISE, sentiment={"score": 0.6})],
    )
    stored = client.get(f"/v1/brands/{brand_id}/mentions/{complaint}").json()
    assert stored["handling"] == {
        "status": "open", "updated_at": None, "updated_by": None, "note": None,
    }  # fmt: skip
    assert client.get(f"/v1/brands/{brand_id}/mentions/{praise}").json()["handling"] is None
    assert queue_ids(client, brand_id) == [complaint]
    summary = client.get(f"/v1/brands/{brand_id}/queue").json()
    assert (summary["open"], summary["overdue"], summary["truncated"]) == (1, 0, False)
    assert summary["oldest_respond_by"] == stored["triage"]["respond_by"].replace("+00:00", "Z")


def test_queue_is_ordered_by_deadline_overdue_first_and_counted(
    client: TestClient, services: Services, workspace: str, brand_id: str
) -> None:
    brand = services.brands.get(Principal(workspace=workspace), brand_id)
    now = datetime.now(UTC)
    # Received two days ago: its deadline is long past.
    old = Mention.model_validate(
        mention("late", text=COMPLAINT, published_at=(now - timedelta(days=2)).isoformat())
    )
    services.mentions.ingest(workspace, brand, [old], now=now - timedelta(days=2))
    fresh_complaint, safety = ingest(
        client,
        brand_id,
        [
            mention("fresh", text=COMPLAINT),
            mention(
                "safety", text=SAFETY, author={"handle": "@b", "followers": 50000, "kind": "person"}
            ),
        ],
    )
    ordered = queue_ids(client, brand_id)
    assert len(ordered) == 3
    deadlines = [
        client.get(f"/v1/brands/{brand_id}/mentions/{i}").json()["triage"]["respond_by"]
        for i in ordered
    ]
    assert deadlines == sorted(deadlines)
    # The overdue one first; the two fresh ones follow by their own deadlines (both personal
    # cases since engine 2026.12: due at the same time, in either order).
    assert set(ordered[1:]) == {fresh_complaint, safety}
    summary = client.get(f"/v1/brands/{brand_id}/queue").json()
    assert (summary["open"], summary["overdue"]) == (3, 1)
    # Pages follow the same order.
    first = client.get(
        f"/v1/brands/{brand_id}/mentions", params={"status": "open", "limit": 2}
    ).json()
    second = queue_ids(client, brand_id, limit=2, cursor=first["next_cursor"])
    assert [i["id"] for i in first["items"]] + second == ordered


def test_status_change_records_who_when_note_and_leaves_triage_and_risk_alone(
    client: TestClient, brand_id: str
) -> None:
    (mention_id,) = ingest(client, brand_id, [mention("c", text=COMPLAINT)])
    url = f"/v1/brands/{brand_id}/mentions/{mention_id}"
    before = client.get(url).json()
    risk_before = client.get(
        f"/v1/brands/{brand_id}/risk", params={"at": before["received_at"]}
    ).json()

    response = client.patch(
        url, json={"status": "answered", "by": "camille", "note": "Replied with the refund link"}
    )
    assert response.status_code == 200, response.text
    handling = response.json()["handling"]
    assert handling["status"] == "answered"
    assert handling["updated_by"] == "camille"
    assert handling["note"] == "Replied with the refund link"
    assert handling["updated_at"] is not None

    after = client.get(url).json()
    assert after["handling"] == handling
    assert after["triage"] == before["triage"]
    assert (
        client.get(f"/v1/brands/{brand_id}/risk", params={"at": before["received_at"]}).json()
        == risk_before
    )
    assert queue_ids(client, brand_id) == []
    assert client.get(f"/v1/brands/{brand_id}/queue").json()["open"] == 0

    reopened = client.patch(url, json={"status": "open"}).json()["handling"]
    assert (reopened["status"], reopened["updated_by"]) == ("open", "api")
    assert queue_ids(client, brand_id) == [mention_id]
    for status in ("moved_to_private", "dismissed"):
        assert client.patch(url, json={"status": status}).json()["handling"]["status"] == status
        assert queue_ids(client, brand_id) == []


def test_handling_refuses_unknown_statuses_mentions_and_other_workspaces(
    client: TestClient, app_client_other: TestClient, brand_id: str
) -> None:
    (mention_id,) = ingest(client, brand_id, [mention("c", text=COMPLAINT)])
    url = f"/v1/brands/{brand_id}/mentions/{mention_id}"
    refused = client.patch(url, json={"status": "done"})
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert client.patch(url, json={"status": "answered", "extra": 1}).status_code == 422
    assert client.patch(url, json={"status": "answered", "note": "x" * 1001}).status_code == 422
    missing = client.patch(
        f"/v1/brands/{brand_id}/mentions/m_{'a' * 24}", json={"status": "answered"}
    )
    assert missing.status_code == 404
    assert app_client_other.patch(url, json={"status": "answered"}).status_code == 404
    assert app_client_other.get(f"/v1/brands/{brand_id}/queue").status_code == 404
    assert client.get(url).json()["handling"]["status"] == "open"


def test_queue_listing_does_not_combine_with_other_filters(
    client: TestClient, brand_id: str
) -> None:
    response = client.get(
        f"/v1/brands/{brand_id}/mentions", params={"status": "open", "tier": "watch"}
    )
    assert response.status_code == 422
    assert response.json()["invalid_params"][0]["name"] == "tier"
    assert (
        client.get(f"/v1/brands/{brand_id}/mentions", params={"status": "done"}).status_code == 422
    )
    bad_cursor = client.get(
        f"/v1/brands/{brand_id}/mentions", params={"status": "open", "cursor": "nope"}
    )
    assert bad_cursor.status_code == 400


def test_every_handling_status_is_a_listing_filter(client: TestClient, brand_id: str) -> None:
    ids = ingest(
        client,
        brand_id,
        [mention(f"c{i}", text=COMPLAINT) for i in range(5)]
        + [mention("p", text=PRAISE, sentiment={"score": 0.6})],
    )
    complaints, praise = ids[:5], ids[5]
    chosen = {
        complaints[0]: "answered",
        complaints[1]: "answered",
        complaints[2]: "moved_to_private",
        complaints[3]: "dismissed",
    }
    for mention_id, status in chosen.items():
        url = f"/v1/brands/{brand_id}/mentions/{mention_id}"
        assert client.patch(url, json={"status": status}).status_code == 200

    def listed(status: str, **params: Any) -> list[str]:
        response = client.get(
            f"/v1/brands/{brand_id}/mentions", params={"status": status, **params}
        )
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert listed("open") == [complaints[4]]
    assert sorted(listed("answered")) == sorted(complaints[:2])
    assert listed("moved_to_private") == [complaints[2]]
    assert listed("dismissed") == [complaints[3]]
    assert praise not in {i for s in ("open", "answered", "dismissed") for i in listed(s)}
    # The handled listings are mention listings: they page and combine with the filters.
    first = client.get(
        f"/v1/brands/{brand_id}/mentions", params={"status": "answered", "limit": 1}
    ).json()
    assert len(first["items"]) == 1
    assert first["next_cursor"]
    second = client.get(
        f"/v1/brands/{brand_id}/mentions",
        params={"status": "answered", "limit": 1, "cursor": first["next_cursor"]},
    ).json()
    assert {first["items"][0]["id"], second["items"][0]["id"]} == set(complaints[:2])
    assert listed("answered", tier="watch") == []
    # Reopened, a mention leaves its handled listing for the queue.
    url = f"/v1/brands/{brand_id}/mentions/{complaints[3]}"
    assert client.patch(url, json={"status": "open"}).status_code == 200
    assert listed("dismissed") == []
    assert sorted(listed("open")) == sorted([complaints[3], complaints[4]])


def test_the_summary_stops_counting_at_its_bound(
    client: TestClient, brand_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("api.queue.repository.MAX_COUNTED", 2)
    ingest(client, brand_id, [mention(f"c{i}", text=COMPLAINT) for i in range(4)])
    summary = client.get(f"/v1/brands/{brand_id}/queue").json()
    assert (summary["open"], summary["truncated"]) == (2, True)
