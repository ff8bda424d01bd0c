"""What one mention adds to its brand's time-bucketed aggregates, and the names of those counters.

Storage sums these per hour (DynamoDB `ADD`) without interpreting them; the assessment reads them
back through the constants below, so a name is written in one place only. Values are ints, or
floats rounded to 3 decimals; a mention adds at most ~20 names.

Moderated posts (spam, insults, hate…) count only in `n` and `hidden`: a troll raid is handled
by moderation and must not read as a reputation crisis.
"""

from __future__ import annotations

from typing import Final

from api.engine.mention import AuthorKind, Mention, Network, SentimentLabel
from api.engine.schemas import MentionTriage, Moderation, Tier
from api.engine.signals import audience_of, author_kind, is_press

MENTIONS: Final = "n"
HIDDEN: Final = "hidden"
NEGATIVE: Final = "neg"
NEUTRAL: Final = "neu"
POSITIVE: Final = "pos"
UNKNOWN: Final = "unk"
"""Mentions of unknown sentiment: none sent and no text to read it from (X data stripped by the
tool). They count here instead of `neu`: nobody has judged them neutral."""
NEGATIVE_WEIGHT: Final = "neg_w"
"""Σ intensity of negative mentions, 0.5 + 0.5 * |score| each: the volume the spike reads."""
POSITIVE_WEIGHT: Final = "pos_w"
RISK_SUM: Final = "risk"
NEGATIVE_AUDIENCE: Final = "neg_aud"
"""Σ audience (followers or reach) of negative mentions."""
NEGATIVE_REACTIONS: Final = "neg_react"
"""Σ likes + shares + comments of negative mentions."""
PRESS_ISSUE: Final = "press_issue"
"""Press mentions (journalist, media, news site, article) that are negative or carry a topic."""
INFLUENCER_ISSUE: Final = "infl_issue"
TIER_COUNTERS: Final = {
    Tier.executive_statement: "t_exec",
    Tier.respond_publicly: "t_public",
    Tier.move_to_private: "t_private",
}
NEGATIVE_NETWORK_PREFIX: Final = "neg_net_"
"""Σ intensity of negative mentions per network (`neg_net_twitter`…): virality and spread are
weighted at read time, so tuning a network's virality needs no re-ingest."""
TOPIC_PREFIX: Final = "topic_"

_LABEL_COUNTERS: Final = {
    SentimentLabel.negative: NEGATIVE,
    SentimentLabel.neutral: NEUTRAL,
    SentimentLabel.positive: POSITIVE,
}


def network_counter(network: Network | str) -> str:
    return NEGATIVE_NETWORK_PREFIX + (network.value if isinstance(network, Network) else network)


def topic_counter(topic: str) -> str:
    return TOPIC_PREFIX + topic


def sentiment_unknown(mention: Mention) -> bool:
    """Nobody said what this mention feels: no sentiment sent, no text or title to score."""
    sent = mention.sentiment
    if sent is not None and (sent.score is not None or sent.label is not None):
        return False
    return not (mention.text or "").strip() and not (mention.title or "").strip()


def mention_counters(mention: Mention, triage: MentionTriage) -> dict[str, int | float]:
    """Counters this mention adds to the bucket of the hour it was published in."""
    counters: dict[str, int | float] = {MENTIONS: 1}
    if triage.moderation is Moderation.hide:
        counters[HIDDEN] = 1
        return counters

    label = triage.sentiment.label
    counters[UNKNOWN if sentiment_unknown(mention) else _LABEL_COUNTERS[label]] = 1
    counters[RISK_SUM] = triage.risk
    intensity = 0.5 + 0.5 * abs(triage.sentiment.score)
    if label is SentimentLabel.positive:
        counters[POSITIVE_WEIGHT] = round(intensity, 3)
    negative = label is SentimentLabel.negative
    if negative:
        engagement = mention.engagement
        counters[NEGATIVE_WEIGHT] = round(intensity, 3)
        counters[NEGATIVE_AUDIENCE] = audience_of(mention)
        counters[NEGATIVE_REACTIONS] = (
            engagement.likes + engagement.shares + engagement.comments if engagement else 0
        )
        counters[network_counter(mention.network)] = round(intensity, 3)

    carries_issue = negative or bool(triage.topics)
    if is_press(mention) and carries_issue:
        counters[PRESS_ISSUE] = 1
    if author_kind(mention) is AuthorKind.influencer and carries_issue:
        counters[INFLUENCER_ISSUE] = 1
    # Praise that names a topic ("fast delivery!") is no risk; a topic still counts in a
    # positive mention when the triage escalated it, so sarcasm cannot hide a severe one.
    if label is not SentimentLabel.positive or triage.tier is not Tier.watch:
        for topic in triage.topics:
            counters[topic_counter(topic)] = 1
    if triage.tier is not Tier.watch:
        counters[TIER_COUNTERS[triage.tier]] = 1
    return counters
