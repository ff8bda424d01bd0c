"""Builders shared by the engine tests: mentions, buckets, and the shared scenario folder."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from api.engine import AggregateBucket, EngineConfig, mention_counters, triage_mention
from api.engine.factors import BrandSignals
from api.engine.mention import Mention

PROJECT_ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
CONFIG = EngineConfig()


def shared_dir() -> Path:
    """The shared folder (scenarios, datasets): `VIGIE_SHARED_DIR`, else `<project>/../shared`."""
    return Path(os.environ.get("VIGIE_SHARED_DIR", PROJECT_ROOT.parent / "shared"))


def dev_scenarios_dir() -> Path:
    return shared_dir() / "scenarios" / "dev"


def make_mention(
    text: str | None = "Just a mention of the brand",
    *,
    score: float | None = 0.0,
    label: str | None = None,
    network: str = "twitter",
    kind: str = "person",
    followers: int | None = 100,
    likes: int = 0,
    shares: int = 0,
    comments: int = 0,
    language: str | None = "en",
    published_at: datetime = NOW,
    external_id: str = "m-1",
    **extra: Any,
) -> Mention:
    """A canonical mention with a person's small audience and no reactions unless told."""
    payload: dict[str, Any] = {
        "external_id": external_id,
        "network": network,
        "published_at": published_at.isoformat(),
        "author": {"handle": "@someone", "followers": followers, "kind": kind},
        "engagement": {"likes": likes, "shares": shares, "comments": comments},
        "language": language,
    }
    if text is not None:
        payload["text"] = text
    if score is not None or label is not None:
        payload["sentiment"] = {"score": score, "label": label}
    payload.update(extra)
    return Mention.model_validate(payload)


def bucket(
    hours_before: float, counters: Mapping[str, float], *, at: datetime = NOW, seconds: int = 3600
) -> AggregateBucket:
    """A bucket starting `hours_before` hours before `at`."""
    return AggregateBucket(
        start=at - timedelta(hours=hours_before), seconds=seconds, counters=dict(counters)
    )


def counters_of(mention: Mention, config: EngineConfig = CONFIG) -> dict[str, int | float]:
    triage = triage_mention(mention, now=mention.published_at, config=config)
    return mention_counters(mention, triage)


def add_counters(total: dict[str, float], counters: Mapping[str, float], times: int = 1) -> None:
    for name, value in counters.items():
        total[name] = total.get(name, 0.0) + value * times


def hourly_buckets(
    per_hour: Mapping[int, Mapping[str, float]], *, at: datetime = NOW
) -> list[AggregateBucket]:
    """Buckets from {hours before `at` (1 = the last full hour): counters}, in time order."""
    return [bucket(hours, per_hour[hours], at=at) for hours in sorted(per_hour, reverse=True)]


# A brand nothing happens to: tier tests change the one signal they are about.
CALM_SIGNALS = BrandSignals(
    score=5,
    negative_gate=0.0,
    spike_strength=0.0,
    executive_mentions=0.0,
    executive_mentions_in_window=0.0,
    public_mentions=0.0,
    private_mentions=0.0,
    severe_mentions=0.0,
    major_mentions=0.0,
    misinformation_mentions=0.0,
    amplifiers=0.0,
    topics=(),
)
