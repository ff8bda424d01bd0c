"""Brand risk assessment (placeholder until the risk-engine issue lands)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from api.engine.config import EngineConfig
from api.engine.schemas import (
    AggregateBucket,
    BrandRiskAssessment,
    Level,
    Stage,
    Tier,
    TopMentionCandidate,
    Window,
)
from api.engine.version import MODEL_VERSION


def assess_brand(
    buckets: Sequence[AggregateBucket],
    *,
    at: datetime,
    config: EngineConfig,
    top_candidates: Sequence[TopMentionCandidate] = (),
) -> BrandRiskAssessment:
    start = at - timedelta(hours=config.window_hours)
    in_window = [b for b in buckets if b.start >= start and b.start < at]
    n = sum(b.counters.get("n", 0) for b in in_window)
    score = min(100, int(n))
    return BrandRiskAssessment(
        score=score,
        level=Level.low,
        tier=Tier.watch,
        stage=Stage.quiet,
        factors=[],
        playbook=[],
        window=Window(from_=start, to=at),
        as_of=at,
        top_mentions=[c.mention_id for c in sorted(top_candidates, key=lambda c: -c.risk)[:5]],
        model_version=MODEL_VERSION,
    )
