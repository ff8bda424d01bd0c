"""A Python client generated from the committed openapi/openapi.json drives the live API.

This is the integrator's path: `openapi-python-client generate` on our document, then the typed
client against a real server (uvicorn + DynamoDB Local). Problems come back as typed `Problem`
models because errors are declared per route as `application/problem+json`.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.factories import mention
from tests.live_server import LiveServer

DOCUMENT = Path(__file__).resolve().parents[1] / "openapi" / "openapi.json"
PACKAGE = "vigie_client"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def vigie_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """The generated package's modules, imported from a temporary directory."""
    where = tmp_path_factory.mktemp("generated")
    # The generator formats its output with ruff (from our venv); it needs no network.
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    generated = subprocess.run(
        [
            str(BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(DOCUMENT),
            "--meta",
            "none",
            "--output-path",
            str(where / PACKAGE),
        ],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = generated.stdout + generated.stderr
    assert generated.returncode == 0, output
    assert "Warning" not in output, output  # every schema and response was understood

    sys.path.insert(0, str(where))
    try:
        modules = {
            name: importlib.import_module(f"{PACKAGE}.{name}")
            for name in (
                "client",
                "models",
                "types",
                "api.brands.create_brand",
                "api.brands.get_brand",
                "api.mentions.ingest_mentions",
                "api.mentions.list_mentions",
                "api.mentions.get_mention",
                "api.risk.get_brand_risk",
                "api.risk.get_brand_risk_history",
                "api.risk.triage_mention",
                "api.health.healthz",
            )
        }
        yield SimpleNamespace(
            **{name.rsplit(".", 1)[-1]: module for name, module in modules.items()}
        )
    finally:
        sys.path.remove(str(where))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def test_generated_client_creates_ingests_reads_risk_and_pages(
    vigie_client: Any, live_server: LiveServer, api_key: str
) -> None:
    gen = vigie_client
    models = gen.models
    client = gen.client.AuthenticatedClient(
        base_url=live_server.url, token=api_key, raise_on_unexpected_status=True
    )

    created = gen.create_brand.sync_detailed(
        client=client, body=models.BrandCreate(id="acme", name="ACME")
    )
    assert created.status_code == 201
    assert isinstance(created.parsed, models.Brand)
    assert created.parsed.id == "acme"
    assert created.parsed.created_at.tzinfo is not None
    assert gen.get_brand.sync("acme", client=client).name == "ACME"

    now = datetime.now(UTC)
    typed = models.Mention(
        external_id="tw-typed",
        published_at=now - timedelta(minutes=30),
        network=models.Network.TWITTER,
        text="Your product broke after two days, I want a refund",
        author=models.Author(handle="@jane", followers=240, kind=models.AuthorKind.PERSON),
        engagement=models.Engagement(likes=3, shares=1),
    )
    first = gen.ingest_mentions.sync(
        "acme", client=client, body=models.MentionBatch(mentions=[typed])
    )
    assert isinstance(first, models.IngestResponse)
    assert [r.external_id for r in first.results] == ["tw-typed"]
    assert first.results[0].duplicate is False
    assert isinstance(first.results[0].triage.tier, models.Tier)
    assert 0 <= first.results[0].triage.risk <= 100

    batch = [
        mention(f"tw-{i}", published_at=(now - timedelta(minutes=20 - i)).isoformat())
        for i in range(4)
    ]
    second = gen.ingest_mentions.sync(
        "acme", client=client, body=models.MentionBatch.from_dict({"mentions": batch})
    )
    assert [r.external_id for r in second.results] == [f"tw-{i}" for i in range(4)]
    again = gen.ingest_mentions.sync(
        "acme", client=client, body=models.MentionBatch(mentions=[typed])
    )
    assert again.results[0].duplicate is True
    assert again.results[0].id == first.results[0].id

    risk = gen.get_brand_risk.sync("acme", client=client)
    assert isinstance(risk, models.BrandRiskAssessment)
    assert 0 <= risk.score <= 100
    assert isinstance(risk.level, models.Level)
    assert isinstance(risk.stage, models.Stage)
    assert risk.window.to > risk.window.from_
    assert all(isinstance(f, models.Factor) for f in risk.factors)

    history = gen.get_brand_risk_history.sync("acme", client=client, step=3600)
    assert isinstance(history, models.RiskHistory)
    assert history.points
    assert all(0 <= p.score <= 100 for p in history.points)

    seen: list[Any] = []
    cursor: Any = gen.types.UNSET
    pages = 0
    while True:
        page = gen.list_mentions.sync("acme", client=client, limit=2, cursor=cursor)
        assert isinstance(page, models.MentionPage)
        assert len(page.items) <= 2
        seen.extend(page.items)
        pages += 1
        if not isinstance(page.next_cursor, str):
            break
        cursor = page.next_cursor
    assert pages >= 3
    assert len({m.id for m in seen}) == len(seen) == 5
    published = [m.mention.published_at for m in seen]
    assert published == sorted(published, reverse=True)  # newest first

    one = gen.get_mention.sync("acme", seen[0].id, client=client)
    assert isinstance(one, models.StoredMention)
    assert one.id == seen[0].id
    assert one.brand_id == "acme"

    triaged = gen.triage_mention.sync(
        client=client,
        body=models.TriageRequest.from_dict({"mention": mention("t-1"), "brand_id": "acme"}),
    )
    assert isinstance(triaged, models.TriageResponse)
    assert isinstance(triaged.triage.sentiment.origin, models.SentimentOrigin)


def test_generated_client_returns_problems_as_typed_models(
    vigie_client: Any, live_server: LiveServer, api_key: str
) -> None:
    gen = vigie_client
    models = gen.models
    client = gen.client.AuthenticatedClient(base_url=live_server.url, token=api_key)

    missing = gen.get_brand.sync_detailed("no-such-brand", client=client)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert isinstance(missing.parsed, models.Problem)
    assert missing.parsed.status == 404
    assert missing.parsed.type_.endswith("/not-found")
    assert "no-such-brand" in missing.parsed.detail

    gen.create_brand.sync(client=client, body=models.BrandCreate(id="late", name="Late"))
    future = mention("from-the-future", published_at="2999-01-01T00:00:00Z")
    invalid = gen.ingest_mentions.sync(
        "late", client=client, body=models.MentionBatch.from_dict({"mentions": [future]})
    )
    assert isinstance(invalid, models.Problem)
    assert invalid.status == 422
    assert [p.name for p in invalid.invalid_params] == ["mentions.0.published_at"]
    assert all(isinstance(p, models.InvalidParam) for p in invalid.invalid_params)

    stranger = gen.client.AuthenticatedClient(base_url=live_server.url, token="vg_not-a-key")
    refused = gen.get_brand.sync_detailed("late", client=stranger)
    assert refused.status_code == 401
    assert isinstance(refused.parsed, models.Problem)
    assert refused.headers["www-authenticate"].startswith("Bearer")

    health = gen.healthz.sync(client=gen.client.Client(base_url=live_server.url))
    assert isinstance(health, models.Health)
    assert health.status == "ok"


def test_every_generated_model_has_a_readable_name(vigie_client: SimpleNamespace) -> None:
    """No class named after its position in a union (`MentionRawType0`, `…Type2`)."""
    import re

    names = [name for name in dir(vigie_client.models) if name[:1].isupper()]
    assert "RawFields" in names
    assert "MentionEnvelope" in names
    positional = [name for name in names if re.search(r"Type\d+$", name)]
    assert not positional, positional
