"""Mention triage (placeholder until the risk-engine issue lands)."""

from __future__ import annotations

from datetime import datetime

from api.engine.config import EngineConfig
from api.engine.schemas import MentionTriage, Moderation, ResolvedSentiment, SentimentOrigin, Tier
from api.engine.version import MODEL_VERSION
from api.mentions.canonical import Mention, SentimentLabel


def triage_mention(
    mention: Mention,
    *,
    now: datetime,
    config: EngineConfig,
    brand_assessment: object | None = None,
) -> MentionTriage:
    del now, config, brand_assessment  # placeholder: the risk-engine issue uses them
    score = (
        mention.sentiment.score
        if mention.sentiment and mention.sentiment.score is not None
        else 0.0
    )
    label = (
        SentimentLabel.negative
        if score < -0.2
        else SentimentLabel.positive
        if score > 0.2
        else SentimentLabel.neutral
    )
    risk = int(max(0.0, -score) * 50)
    return MentionTriage(
        tier=Tier.watch,
        risk=risk,
        reasons=[],
        topics=[],
        moderation=Moderation.keep,
        respond_by=None,
        sentiment=ResolvedSentiment(score=score, label=label, origin=SentimentOrigin.provided),
        language=mention.language,
        confidence=1.0,
        model_version=MODEL_VERSION,
    )
