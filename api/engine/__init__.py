"""The risk engine: pure functions, no I/O.

Mentions and aggregates in, triage and assessment out:

- `triage_mention(mention, now=…, config=…, brand_assessment=None, brand=None)` → `MentionTriage`
  (`brand`: a `BrandContext` with the brand's handles and aliases)
- `mention_counters(mention, triage)` → the counters this mention adds to its time bucket
- `assess_brand(buckets, at=…, config=…, top_candidates=…, slots=…)` → `BrandRiskAssessment`
  (`slots`: the newest 5-minute buckets, for bursts)

The model is described in `docs/risk-model.md`; every weight is an `EngineConfig` field.
"""

from api.engine.assessment import assess_brand
from api.engine.config import EngineConfig
from api.engine.counters import mention_counters
from api.engine.schemas import (
    AggregateBucket,
    BrandRiskAssessment,
    Factor,
    Level,
    MentionTriage,
    Moderation,
    PlaybookAction,
    Reason,
    Stage,
    Tier,
    TopMentionCandidate,
)
from api.engine.speech import BrandContext
from api.engine.triage import triage_mention
from api.engine.version import MODEL_VERSION

__all__ = [
    "MODEL_VERSION",
    "AggregateBucket",
    "BrandContext",
    "BrandRiskAssessment",
    "EngineConfig",
    "Factor",
    "Level",
    "MentionTriage",
    "Moderation",
    "PlaybookAction",
    "Reason",
    "Stage",
    "Tier",
    "TopMentionCandidate",
    "assess_brand",
    "mention_counters",
    "triage_mention",
]
