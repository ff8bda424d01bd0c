from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from fastapi.testclient import TestClient

from api.services import Services
from tests.factories import mention


def test_risk_is_the_assessment_object_as_of_now(client: TestClient, brand_id: str) -> None:
    client.post(f"/v1/brands/{brand_id}/mentions", json={"mentions": [mention("a")]})
    response = client.get(f"/v1/brands/{brand_id}/risk")
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {
        "score", "level", "tier", "stage", "factors", "playbook", "window", "as_of",
        "top_mentions", "model_version",
    }  # fmt: skip
    assert set(body["window"]) == {"from", "to"}


def test_risk_at_a_past_instant_ignores_later_mentions(client: TestClient, brand_id: str) -> None:
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    url = f"/v1/brands/{brand_id}/risk"
    empty_then = client.get(url, params={"at": (now - timedelta(hours=3)).isoformat()}).json()
    batch = [
        mention(f"m{i}", published_at=(now - timedelta(hours=2, minutes=i)).isoformat())
        for i in range(30)
    ]
    client.post(f"/v1/brands/{brand_id}/mentions", json={"mentions": batch})
    before = client.get(url, params={"at": (now - timedelta(hours=3)).isoformat()}).json()
    assert before == empty_then
    after = client.get(url, params={"at": (now - timedelta(hours=1)).isoformat()}).json()
    assert after["factors"] != before["factors"] or after["score"] != before["score"]


def test_risk_in_the_future_is_a_422(client: TestClient, brand_id: str) -> None:
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    response = client.get(f"/v1/brands/{brand_id}/risk", params={"at": future})
    assert response.status_code == 422
    assert response.json()["invalid_params"][0]["name"] == "at"


def test_history_points_equal_risk_at_those_points(client: TestClient, brand_id: str) -> None:
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    batch = [
        mention(f"m{i}", published_at=(now - timedelta(hours=5, minutes=7 * i)).isoformat())
        for i in range(20)
    ]
    client.post(f"/v1/brands/{brand_id}/mentions", json={"mentions": batch})
    start, end = now - timedelta(hours=8), now
    history = client.get(
        f"/v1/brands/{brand_id}/risk/history",
        params={"from": start.isoformat(), "to": end.isoformat(), "step": 7200},
    )
    assert history.status_code == 200, history.text
    points = history.json()["points"]
    assert [p["at"] for p in points] == [
        (start + timedelta(hours=2 * i)).isoformat().replace("+00:00", "Z") for i in range(5)
    ]
    for point in points:
        risk = client.get(f"/v1/brands/{brand_id}/risk", params={"at": point["at"]}).json()
        assert (risk["score"], risk["tier"], risk["stage"], risk["level"]) == (
            point["score"], point["tier"], point["stage"], point["level"],
        )  # fmt: skip


def test_history_refuses_bad_ranges(client: TestClient, brand_id: str) -> None:
    url = f"/v1/brands/{brand_id}/risk/history"
    assert client.get(url, params={"step": 5400}).status_code == 422
    assert client.get(url, params={"step": 60}).status_code == 422
    now = datetime.now(UTC)
    inverted = {"from": now.isoformat(), "to": (now - timedelta(days=1)).isoformat()}
    assert client.get(url, params=inverted).status_code == 422
    too_long = {"from": (now - timedelta(days=60)).isoformat(), "to": now.isoformat()}
    response = client.get(url, params=too_long)
    assert response.status_code == 422
    assert "at most" in response.json()["detail"]


def test_stateless_triage_stores_nothing(client: TestClient, brand_id: str) -> None:
    response = client.post("/v1/triage", json={"mention": mention("t"), "brand_id": brand_id})
    assert response.status_code == 200
    assert response.json()["triage"]["tier"]
    assert client.get(f"/v1/brands/{brand_id}/mentions").json()["items"] == []
    unknown = client.post("/v1/triage", json={"mention": mention("t"), "brand_id": "nope"})
    assert unknown.status_code == 404
    alone = client.post(
        "/v1/triage", json={"mention": {"external_id": "x", "published_at": "2026-01-01T00:00:00Z"}}
    )
    assert alone.status_code == 200


def _throttled(operation: str) -> ClientError:
    return ClientError(
        {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}},
        operation,
    )


def test_throttled_reads_are_503_with_retry_after(
    client: TestClient, brand_id: str, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault injection: DynamoDB keeps throttling the aggregate queries, then a brand lookup."""
    aggregates = services.assessments._aggregates
    real = aggregates._client

    class ThrottledQueries:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def query(self, **_: Any) -> None:
            raise _throttled("Query")

    monkeypatch.setattr(aggregates, "_client", ThrottledQueries())
    monkeypatch.setattr(aggregates, "_max_attempts", 2)
    response = client.get(f"/v1/brands/{brand_id}/risk")
    assert response.status_code == 503
    assert response.headers["retry-after"].isdigit()
    assert response.json()["type"].endswith("/service-busy")
    monkeypatch.undo()

    brands = services.brands._repository

    class ThrottledGets:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def get_item(self, **_: Any) -> None:
            raise _throttled("GetItem")

    monkeypatch.setattr(brands, "_client", ThrottledGets())
    assert client.get(f"/v1/brands/{brand_id}").status_code == 503
    monkeypatch.undo()
    assert client.get(f"/v1/brands/{brand_id}/risk").status_code == 200


def test_a_query_instant_without_offset_is_read_as_utc(client: TestClient, brand_id: str) -> None:
    url = f"/v1/brands/{brand_id}/risk"
    naive = client.get(url, params={"at": "2026-03-09T12:00:00"})
    explicit = client.get(url, params={"at": "2026-03-09T12:00:00Z"})
    assert naive.status_code == explicit.status_code == 200
    assert naive.json() == explicit.json()
    assert naive.json()["as_of"] == "2026-03-09T12:00:00Z"


def test_triage_for_a_brand_knows_its_handles(client: TestClient, brand_id: str) -> None:
    settings = {"handles": ["@acmehelp"], "aliases": ["Acmé"]}
    patched = client.patch(f"/v1/brands/{brand_id}", json={"settings": settings})
    assert patched.status_code == 200, patched.text
    assert patched.json()["settings"]["handles"] == ["@acmehelp"]
    question = mention(
        "q", text="@AcmeHelp the update broke my router, what can I do?", sentiment=None
    )
    answered = client.post("/v1/triage", json={"mention": question, "brand_id": brand_id})
    assert answered.status_code == 200, answered.text
    triage = answered.json()["triage"]
    assert triage["tier"] == "move_to_private"
    assert triage["reasons"][0]["code"] == "tier.addressed_personal_case"
    # The same words about the brand, not to it, written to someone else: nobody to answer.
    aside = mention("a", text="@friend the update broke my router lol", sentiment=None)
    watched = client.post("/v1/triage", json={"mention": aside, "brand_id": brand_id})
    assert watched.json()["triage"]["tier"] == "watch"


def test_brand_handles_are_validated(client: TestClient, brand_id: str) -> None:
    response = client.patch(
        f"/v1/brands/{brand_id}", json={"settings": {"handles": ["not a handle!"]}}
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")


def test_history_points_carry_volume_negative_share_and_spikes(
    client: TestClient, brand_id: str
) -> None:
    now = datetime.now(UTC).replace(minute=30, second=0, microsecond=0) - timedelta(hours=1)
    batch = [
        mention(f"v{i}", published_at=(now - timedelta(minutes=i)).isoformat(),
                **({"sentiment": {"score": 0.7}, "text": "Love it"} if i % 4 == 0 else {}))
        for i in range(8)
    ]  # fmt: skip
    client.post(f"/v1/brands/{brand_id}/mentions", json={"mentions": batch})
    points = client.get(f"/v1/brands/{brand_id}/risk/history").json()["points"]
    assert sum(point["mentions"] for point in points) == 8
    (busy,) = [point for point in points if point["mentions"]]
    assert busy["negative_share"] == 0.75
    assert all(isinstance(point["spike"], bool) for point in points)


def test_history_points_equal_risk_at_those_points_across_the_warm_up(
    client: TestClient, brand_id: str
) -> None:
    """Four days of mentions and a burst: the points before the baseline is warm (read without
    slots by the history) and after it (with them) each equal `GET /risk?at=<point>`."""
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    moments = [now - timedelta(hours=96) + timedelta(minutes=20 * i) for i in range(3 * 96)]
    # A burst in the last 10 minutes before the point 44 h ago: two slots of 50.
    burst_start = now - timedelta(hours=44, minutes=10)
    moments += [burst_start + timedelta(seconds=6 * i) for i in range(100)]
    batch = [mention(f"w{i}", published_at=m.isoformat()) for i, m in enumerate(moments)]
    for first in range(0, len(batch), 100):
        response = client.post(
            f"/v1/brands/{brand_id}/mentions", json={"mentions": batch[first : first + 100]}
        )
        assert response.status_code == 200, response.text
    start, end = now - timedelta(hours=54), now - timedelta(hours=40)
    history = client.get(
        f"/v1/brands/{brand_id}/risk/history",
        params={"from": start.isoformat(), "to": end.isoformat()},
    )
    assert history.status_code == 200, history.text
    points = history.json()["points"]
    assert len(points) == 15
    stages = set()
    for point in points:
        risk = client.get(f"/v1/brands/{brand_id}/risk", params={"at": point["at"]}).json()
        spike = any(f["name"] == "volume_spike" and f["contribution"] > 0 for f in risk["factors"])
        assert (risk["score"], risk["tier"], risk["stage"], risk["level"], spike) == (
            point["score"], point["tier"], point["stage"], point["level"], point["spike"],
        )  # fmt: skip
        stages.add(risk["stage"])
    assert "quiet" in stages  # warming up at the first points
    assert "growing" in stages  # the burst, read from the slots once the baseline is warm


def test_a_14_day_history_of_a_brand_with_15_days_of_mentions_equals_risk_at_its_points(
    client: TestClient, brand_id: str
) -> None:
    """Every point has a full, warm baseline (the history shares work across such points):
    each point is still `GET /risk?at=<point>`."""
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    moments = [now - timedelta(days=15) + timedelta(minutes=30 * i) for i in range(15 * 48)]
    # A negative wave 20 h ago: four mentions every five minutes for three hours.
    wave = now - timedelta(hours=20)
    moments += [wave + timedelta(seconds=75 * i) for i in range(144)]
    batch = [
        mention(f"h{i}", published_at=m.isoformat(), sentiment={"score": 0.5 if i % 3 else -0.6})
        if i < 15 * 48
        else mention(f"h{i}", published_at=m.isoformat())
        for i, m in enumerate(moments)
    ]
    for first in range(0, len(batch), 100):
        response = client.post(
            f"/v1/brands/{brand_id}/mentions", json={"mentions": batch[first : first + 100]}
        )
        assert response.status_code == 200, response.text
    start = now - timedelta(days=14)
    history = client.get(
        f"/v1/brands/{brand_id}/risk/history",
        params={"from": start.isoformat(), "to": now.isoformat(), "step": 3600},
    )
    assert history.status_code == 200, history.text
    points = history.json()["points"]
    assert len(points) == 14 * 24 + 1
    # Every fifth point, and every point of the last day (the wave).
    checked = points[::5] + points[-25:]
    stages = set()
    for point in checked:
        risk = client.get(f"/v1/brands/{brand_id}/risk", params={"at": point["at"]}).json()
        spike = any(f["name"] == "volume_spike" and f["contribution"] > 0 for f in risk["factors"])
        assert (risk["score"], risk["tier"], risk["stage"], risk["level"], spike) == (
            point["score"], point["tier"], point["stage"], point["level"], point["spike"],
        )  # fmt: skip
        stages.add(risk["stage"])
    assert stages - {"quiet"}  # the wave is seen
    assert len({p["score"] for p in points}) > 1


def _spy_on_slot_reads(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> list[tuple[datetime, datetime | None]]:
    """(at, since) of each `read_slots` the app makes from now on."""
    aggregates = client.app.state.services.assessments._aggregates  # type: ignore[attr-defined]
    reads: list[tuple[datetime, datetime | None]] = []
    real_read = aggregates.read_slots

    def read_slots(*args: Any, since: datetime | None = None, **kwargs: Any) -> Any:
        reads.append((args[2], since))
        return real_read(*args, since=since, **kwargs)

    monkeypatch.setattr(aggregates, "read_slots", read_slots)
    return reads


def _post_with_bursts(client: TestClient, brand_id: str, now: datetime, *hours: int) -> None:
    """Four days of mentions (three an hour) and a burst (two slots of 50) in the last 10
    minutes before each of the points `hours` ago."""
    moments = [now - timedelta(hours=96) + timedelta(minutes=20 * i) for i in range(3 * 96)]
    for hours_ago in hours:
        burst_start = now - timedelta(hours=hours_ago, minutes=10)
        moments += [burst_start + timedelta(seconds=6 * i) for i in range(100)]
    batch = [mention(f"s{i}", published_at=m.isoformat()) for i, m in enumerate(moments)]
    for first in range(0, len(batch), 100):
        response = client.post(
            f"/v1/brands/{brand_id}/mentions", json={"mentions": batch[first : first + 100]}
        )
        assert response.status_code == 200, response.text


def test_a_history_reads_only_the_slots_of_the_points_that_can_see_a_burst(
    client: TestClient, brand_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slots count only through a burst: of 25 points with a warm baseline for most, only the
    one just after the burst has enough volume in its last hour to need them."""
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    _post_with_bursts(client, brand_id, now, 44)
    reads = _spy_on_slot_reads(client, monkeypatch)
    start, end = now - timedelta(hours=54), now - timedelta(hours=30)
    history = client.get(
        f"/v1/brands/{brand_id}/risk/history",
        params={"from": start.isoformat(), "to": end.isoformat()},
    )
    assert history.status_code == 200, history.text
    assert reads == [(now - timedelta(hours=44), now - timedelta(hours=44))]
    assert "growing" in {point["stage"] for point in history.json()["points"]}


def test_a_history_with_bursts_all_over_reads_its_slots_in_one_query(
    client: TestClient, brand_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    _post_with_bursts(client, brand_id, now, 44, 38, 32, 26, 20)
    reads = _spy_on_slot_reads(client, monkeypatch)
    start, end = now - timedelta(hours=54), now - timedelta(hours=10)
    history = client.get(
        f"/v1/brands/{brand_id}/risk/history",
        params={"from": start.isoformat(), "to": end.isoformat()},
    )
    assert history.status_code == 200, history.text
    # Five points 6 h apart need slots: one read from the first to the last, not five.
    assert reads == [(now - timedelta(hours=20), now - timedelta(hours=44))]
    for point in history.json()["points"]:
        risk = client.get(f"/v1/brands/{brand_id}/risk", params={"at": point["at"]}).json()
        spike = any(f["name"] == "volume_spike" and f["contribution"] > 0 for f in risk["factors"])
        assert (risk["score"], risk["tier"], risk["stage"], risk["level"], spike) == (
            point["score"], point["tier"], point["stage"], point["level"], point["spike"],
        )  # fmt: skip
