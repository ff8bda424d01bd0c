"""What one mention adds to its brand's time-bucketed aggregates."""

from __future__ import annotations

from api.engine.schemas import MentionTriage
from api.mentions.canonical import Mention


def mention_counters(mention: Mention, triage: MentionTriage) -> dict[str, int]:
    counters = {"n": 1, f"net_{mention.network.value}": 1}
    counters[f"sent_{triage.sentiment.label.value}"] = 1
    counters["risk_sum"] = triage.risk
    return counters
