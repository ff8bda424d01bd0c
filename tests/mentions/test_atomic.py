"""A refused batch stores nothing: the whole batch is validated (sizes in UTF-8 bytes, as DynamoDB
counts them) before anything is written, on the API and on webhook deliveries alike; and the
same mentions get the same tiers however they are batched."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import hypothesis.strategies as st
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from mypy_boto3_dynamodb import DynamoDBClient

from api.brands.schemas import Brand
from api.engine.mention import Mention
from api.mentions.service import MAX_STORED_MENTION_BYTES
from api.services import Services
from api.settings import Settings
from tests.factories import mention
from tests.mentions.test_ingest import stored_items

# Characters whose UTF-8 encoding is 2, 3 and 4 bytes: a character count under the cap can be
# a byte count far over it.
WIDE_CHARACTERS = ["é", "€", "😀"]


def assert_nothing_stored(
    dynamodb: DynamoDBClient, settings: Settings, workspace: str, brand: str
) -> None:
    items = stored_items(dynamodb, settings, workspace, brand)
    assert items == {"mentions": [], "aggregates": []}


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    wide=st.sampled_from(WIDE_CHARACTERS),
    position=st.integers(min_value=0, max_value=99),
)
def test_a_batch_with_one_mention_over_the_byte_cap_stores_nothing(
    client: TestClient,
    dynamodb: DynamoDBClient,
    settings: Settings,
    workspace: str,
    wide: str,
    position: int,
) -> None:
    brand = f"b-{uuid.uuid4().hex[:8]}"
    assert client.post("/v1/brands", json={"id": brand, "name": "B"}).status_code == 201
    # Under the cap in characters, over it in bytes.
    characters = MAX_STORED_MENTION_BYTES // len(wide.encode()) + 1000
    assert characters < MAX_STORED_MENTION_BYTES
    now = datetime.now(UTC)
    batch = [
        mention(f"m-{i}", published_at=(now - timedelta(hours=i + 1)).isoformat())
        for i in range(100)
    ]
    batch[position]["vendor_blob"] = wide * characters
    body = json.dumps({"mentions": batch}, ensure_ascii=False).encode()
    response = client.post(
        f"/v1/brands/{brand}/mentions",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    if len(body) > 1_048_576:
        assert response.status_code == 413  # refused before anything reads it
    else:
        assert response.status_code == 422, response.text
        assert response.json()["invalid_params"][0]["name"] == f"mentions.{position}"
        assert "bytes" in response.json()["invalid_params"][0]["reason"]
    assert_nothing_stored(dynamodb, settings, workspace, brand)


def test_the_same_mentions_get_the_same_tiers_one_by_one_or_in_batches(
    services: Services,
) -> None:
    """Triage context is the brand's state as of the current 5-minute slot, not of the batch."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    slot = now.replace(minute=now.minute - now.minute % 5)
    # A crisis in the making: angry, influential, viral mentions, published during the slot.
    payloads = [
        mention(
            f"c-{i}",
            published_at=(slot + timedelta(seconds=i)).isoformat(),
            text="This is a scandal, your product poisoned my child, boycott now"
            if i % 2
            else "Still waiting for my refund, terrible service",
            author={"handle": f"@user{i}", "followers": 50_000 * (i % 7), "kind": "person"},
            engagement={"likes": 500 * i, "shares": 200 * i, "comments": 50},
            sentiment={"score": -0.9},
        )
        for i in range(60)
    ]
    mentions = [Mention.model_validate(p) for p in payloads]
    received = slot + timedelta(minutes=4)

    def tiers(split: int) -> list[str]:
        workspace = f"ws-{uuid.uuid4().hex[:10]}"
        brand = Brand.model_validate(
            {
                "id": "b",
                "name": "B",
                "settings": {},
                "created_at": datetime.now(UTC),
                "updated_at": datetime.now(UTC),
            }
        )
        out: list[str] = []
        for start in range(0, len(mentions), split):
            response = services.mentions.ingest(
                workspace, brand, mentions[start : start + split], now=received
            )
            out.extend(r.triage.tier.value for r in response.results)
        return out

    assert tiers(1) == tiers(60) == tiers(7)
