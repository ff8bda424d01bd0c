"""How dangerous one mention is, 0-100: concern (negativity and topic severity) * exposure.

    concern  = 1 - (1 - negativity) * (1 - topic severity)
    risk     = 100 * concern * (floor + (1 - floor) * exposure)

Severe topics (safety, health, discrimination, privacy, legal) count whatever the sentiment, so
sarcasm or a wrong score cannot hide them; milder topics count less in a positive mention
("great price!"). The result is then raised to the floor of the tier chosen for the mention, so
every mention that calls for an answer clears the `hot_mention_risk` bar, and lowered for posts
that moderation hides.
"""

from __future__ import annotations

from api.engine.config import EngineConfig
from api.engine.schemas import Tier
from api.engine.signals import MentionSignals


def topic_severity(topics: tuple[str, ...], config: EngineConfig) -> float:
    """Severity of the most severe topic, 0 when there is none."""
    return max((config.topic_severity.get(topic, 0.0) for topic in topics), default=0.0)


def is_severe(topic: str, config: EngineConfig) -> bool:
    return config.topic_severity.get(topic, 0.0) >= config.severe_topic_min


def mention_concern(signals: MentionSignals, config: EngineConfig) -> float:
    severity = topic_severity(signals.topics, config)
    if severity < config.severe_topic_min:
        severity *= 1.0 - signals.positivity
    return 1.0 - (1.0 - signals.negativity) * (1.0 - severity)


def mention_risk(
    signals: MentionSignals, tier: Tier, config: EngineConfig, *, crisis_topic: bool = False
) -> int:
    floor = config.risk_exposure_floor
    risk = 100.0 * mention_concern(signals, config) * (floor + (1.0 - floor) * signals.exposure)
    if crisis_topic:
        risk += config.crisis_topic_boost
    if signals.moderation.hide:
        risk *= config.hidden_risk_factor
    risk = max(risk, float(tier_risk_floor(tier, config)))
    return max(0, min(100, round(risk)))


def tier_risk_floor(tier: Tier, config: EngineConfig) -> int:
    return {
        Tier.executive_statement: config.tier_risk_floor_executive,
        Tier.respond_publicly: config.tier_risk_floor_respond,
        Tier.move_to_private: config.tier_risk_floor_private,
        Tier.watch: 0,
    }[tier]
