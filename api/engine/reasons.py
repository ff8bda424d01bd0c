"""The reasons a triage gives: one machine code and one human sentence each."""

from __future__ import annotations

from typing import Final

from api.engine.config import EngineConfig
from api.engine.moderation import moderation_message
from api.engine.schemas import Reason
from api.engine.signals import MentionSignals
from api.engine.tiers import TierDecision

TOPIC_LABELS: Final = {
    "safety": "a safety hazard",
    "health": "a health issue",
    "legal": "a legal issue",
    "discrimination": "discrimination",
    "privacy": "personal data and privacy",
    "outage": "an outage",
    "misinformation": "a claim spread in bad faith",
    "product_defect": "a defective product",
    "customer_service": "customer service",
    "delivery": "a delivery",
    "order": "a customer's order",
    "account": "a customer's account",
    "billing": "billing",
    "booking": "a booking",
    "personal_data": "the customer's contact details",
    "price": "prices",
}
_MISSING_LABELS: Final = {
    "text": "no text",
    "author": "no author",
    "engagement": "no engagement figures",
    "sentiment": "no sentiment (computed here)",
    "language": "no known language",
}


def mention_reasons(
    signals: MentionSignals,
    decision: TierDecision,
    config: EngineConfig,
    *,
    crisis_topic: bool,
) -> list[Reason]:
    reasons = [Reason(code=decision.code, message=decision.message)]
    if signals.moderation.hide and signals.moderation.reason:
        reasons.append(
            Reason(
                code=f"moderation.{signals.moderation.reason}",
                message=moderation_message(signals.moderation.reason),
            )
        )
    elif signals.moderation.abusive:
        reasons.append(
            Reason(
                code="moderation.kept_criticism",
                message="Rude, but it is criticism: keep it visible and answer calmly.",
            )
        )
    reasons.extend(_speech_reasons(signals))
    score = signals.sentiment.score
    if signals.negative:
        reasons.append(
            Reason(
                code="sentiment.negative",
                message=f"Negative ({score:+.2f}); negativity weighs "
                f"{config.negativity_weight:g} times praise.",
            )
        )
    elif signals.sentiment.label.value == "positive":
        reasons.append(Reason(code="sentiment.positive", message=f"Positive ({score:+.2f})."))
    for topic, terms in signals.findings.topics.items():
        quoted = ", ".join(f"“{term.rstrip('*')}”" for term in terms[:3])
        label = TOPIC_LABELS.get(topic, topic.replace("_", " "))
        reasons.append(Reason(code=f"topic.{topic}", message=f"About {label} ({quoted})."))
    if signals.findings.case_reference:
        reasons.append(
            Reason(
                code="case.reference",
                message="Quotes an order, account or booking reference: an individual case.",
            )
        )
    if signals.findings.collective:
        reasons.append(
            Reason(code="case.collective", message="Speaks for many customers, not just one.")
        )
    reasons.append(_reach_reason(signals))
    if signals.press:
        reasons.append(
            Reason(
                code="author.press",
                message="Press coverage: it can percolate to other media.",
            )
        )
    elif signals.influencer:
        reasons.append(
            Reason(code="author.influencer", message="An influencer: their community amplifies it.")
        )
    if signals.virality >= config.fast_network_virality and (signals.negative or signals.topics):
        reasons.append(Reason(code="network.fast", message="Posted where posts spread fast."))
    if crisis_topic:
        reasons.append(
            Reason(
                code="brand.crisis_topic",
                message="On the topic of the crisis the brand is going through.",
            )
        )
    if signals.missing:
        missing = ", ".join(_MISSING_LABELS[item] for item in signals.missing)
        reasons.append(
            Reason(
                code="data.partial",
                message=f"Partial data ({missing}): confidence {signals.confidence:.2f}.",
            )
        )
    return reasons


_ADDRESSED_BY: Final = {
    "handle": "names one of the brand's accounts",
    "vocative": "greets the brand by name",
    "reply": "replies to the brand's own post",
    "vendor": "is a direct message or reply to the brand, says the listening tool",
}


def _quoted(cues: tuple[str, ...]) -> str:
    return ", ".join(f"“{cue}”" for cue in cues[:3])


def _speech_reasons(signals: MentionSignals) -> list[Reason]:
    speech = signals.speech
    reasons: list[Reason] = []
    if speech.addressed and speech.addressed_by:
        reasons.append(
            Reason(
                code="speech.addressed",
                message=f"Written to the brand: it {_ADDRESSED_BY[speech.addressed_by]}; the "
                "writer expects an answer.",
            )
        )
    if speech.asks:
        reasons.append(
            Reason(
                code="speech.asks", message=f"Asks a question or for help ({_quoted(speech.asks)})."
            )
        )
    if speech.demands:
        reasons.append(
            Reason(code="speech.demand", message=f"Demands redress ({_quoted(speech.demands)}).")
        )
    if speech.first_person_problem:
        reasons.append(
            Reason(
                code="speech.own_problem",
                message=f"The writer's own problem ({_quoted(speech.first_person_problem)}).",
            )
        )
    elif speech.problem:
        reasons.append(
            Reason(code="speech.problem", message=f"States a problem ({_quoted(speech.problem)}).")
        )
    if speech.sarcasm:
        reasons.append(
            Reason(
                code="speech.sarcasm",
                message="Praise wrapped around a problem: read as the complaint it is.",
            )
        )
    return reasons


def _reach_reason(signals: MentionSignals) -> Reason:
    figures = f"{signals.reactions:,.0f} weighted reactions, audience {signals.audience:,}"
    if signals.real_reach:
        return Reason(code="reach.real", message=f"Real reach: {figures}.")
    if signals.visible:
        return Reason(code="reach.visible", message=f"People see and react to it: {figures}.")
    return Reason(code="reach.none", message=f"Nobody reacts to it yet: {figures}.")
