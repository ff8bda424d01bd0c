"""Mention triage: tier, risk, reasons, topics, moderation and deadline of a mention."""

from __future__ import annotations

from datetime import datetime, timedelta

from api.engine.config import EngineConfig
from api.engine.mention import Mention
from api.engine.reasons import mention_reasons
from api.engine.risk import mention_risk
from api.engine.schemas import BrandRiskAssessment, MentionTriage, Moderation, Tier
from api.engine.signals import mention_signals
from api.engine.speech import BrandContext
from api.engine.tiers import crisis_topic, escalate_for_crisis, mention_tier
from api.engine.version import MODEL_VERSION


def triage_mention(
    mention: Mention,
    *,
    now: datetime,
    config: EngineConfig,
    brand_assessment: BrandRiskAssessment | None = None,
    brand: BrandContext | None = None,
) -> MentionTriage:
    """Triage one mention; with the brand's current assessment, a crisis-topic mention escalates.

    `brand` (its handles and aliases) tells whether the mention is written to the brand.
    """
    signals = mention_signals(mention, config, brand)
    decision = mention_tier(signals, config)
    on_crisis_topic = crisis_topic(signals, brand_assessment)
    if on_crisis_topic and brand_assessment is not None:
        decision = escalate_for_crisis(decision, signals, brand_assessment)
    verdict = signals.moderation
    return MentionTriage(
        tier=decision.tier,
        risk=mention_risk(signals, decision.tier, config, crisis_topic=on_crisis_topic),
        reasons=mention_reasons(signals, decision, config, crisis_topic=on_crisis_topic),
        # Most severe first: the first topic is the one to act on.
        topics=sorted(signals.topics, key=lambda t: (-config.topic_severity.get(t, 0.0), t)),
        moderation=Moderation.hide if verdict.hide else Moderation.keep,
        moderation_reason=verdict.reason,
        respond_by=respond_by(decision.tier, now, config),
        sentiment=signals.sentiment,
        language=signals.language,
        confidence=signals.confidence,
        model_version=MODEL_VERSION,
    )


def respond_by(tier: Tier, now: datetime, config: EngineConfig) -> datetime | None:
    """Deadline of the first answer: minutes for the high tiers, none for `watch`."""
    minutes = {
        Tier.executive_statement: config.respond_minutes_executive,
        Tier.respond_publicly: config.respond_minutes_public,
        Tier.move_to_private: config.respond_minutes_private,
        Tier.watch: None,
    }[tier]
    return None if minutes is None else now + timedelta(minutes=minutes)
