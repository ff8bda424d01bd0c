"""Response tiers, for one mention and for the brand as a whole.

Rules are ordered, first match wins, and each returns the sentence that explains it. They encode
the playbook: a critique nobody reacts to is watched; visible criticism and false claims that
spread get a public answer; individual cases and heated exchanges go private; a severe issue
carried by the press, an influencer or real reach needs the leadership. Under-escalation is the
costly error, so a severe topic never ends in `watch` unless moderation hides the post or it is
a false claim nobody sees.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from api.engine.config import EngineConfig
from api.engine.factors import BrandSignals
from api.engine.risk import is_severe
from api.engine.schemas import BrandRiskAssessment, Stage, Tier
from api.engine.signals import MentionSignals

# Topics solved by one customer-service conversation rather than a public answer.
SERVICE_TOPICS: Final = frozenset({"customer_service", "delivery"})
# A report of these is a complaint even in neutral words ("the update bricks the router").
PROBLEM_REPORT_TOPICS: Final = frozenset({"product_defect", "outage"})
# Issues every customer shares, so a visible complaint about them is not a private case.
SHARED_ISSUE_TOPICS: Final = frozenset({"price", "outage", "product_defect"})
_ACTIVE_STAGES: Final = frozenset({Stage.emerging, Stage.growing, Stage.peak})


@dataclass(frozen=True, slots=True)
class TierDecision:
    tier: Tier
    code: str
    message: str


def mention_tier(signals: MentionSignals, config: EngineConfig) -> TierDecision:
    """The tier a mention calls for on its own, before the brand's context."""
    findings = signals.findings
    topics = set(signals.topics)
    severe = any(is_severe(topic, config) for topic in topics)

    if signals.moderation.hide:
        if signals.real_reach:
            return TierDecision(
                Tier.respond_publicly,
                "tier.hidden_but_spreading",
                "Hidden content that spreads anyway: answer the wave calmly, never aggressively.",
            )
        return TierDecision(
            Tier.watch, "tier.hidden", "Moderated content: hide it and do not feed it."
        )
    if "misinformation" in topics and not signals.press:
        return _misinformation_tier(signals, severe)
    if severe:
        return _severe_tier(signals)
    if topics & set(config.major_topics) and (
        signals.press or (signals.influencer and signals.real_reach)
    ):
        return TierDecision(
            Tier.executive_statement,
            "tier.major_issue_amplified",
            "A major incident carried by the press or an influencer: leadership must explain.",
        )
    # Someone who writes *to* the brand and asks or complains expects an answer:
    # in private when it is their own case, in public when the issue is shared or seen.
    speech = signals.speech
    asks_or_complains = bool(speech.asks) or signals.complains or speech.negation
    shared_issue = bool(topics & SHARED_ISSUE_TOPICS) and signals.visible
    collective = findings.collective or speech.shared
    if speech.addressed and asks_or_complains:
        return _addressed_tier(signals, shared_issue=shared_issue, collective=collective)
    # Politeness and sarcasm do not switch the rules off: a stated problem is a complaint
    # whatever the sentiment score says.
    not_praise = signals.positivity == 0.0 or speech.states_problem
    # A visible complaint about something every customer shares (a price rise, an outage) is
    # answered in public even when it names the writer's account; a reference number still
    # makes it an individual case.
    if (
        findings.personal_case
        and not_praise
        and not collective
        and (findings.case_reference or not shared_issue)
    ):
        return TierDecision(
            Tier.move_to_private,
            "tier.personal_case",
            "An individual case that needs the customer's details: acknowledge publicly once, "
            "then continue in private with customer service.",
        )
    if signals.moderation.abusive and signals.in_thread:
        return TierDecision(
            Tier.move_to_private,
            "tier.heated_exchange",
            "The exchange is heating up: acknowledge once, then take it to private messages.",
        )
    criticism = signals.complains
    if criticism and signals.visible:
        return TierDecision(
            Tier.respond_publicly,
            "tier.visible_criticism",
            "Visible criticism: answer publicly, humanly and consistently.",
        )
    if topics & PROBLEM_REPORT_TOPICS and signals.visible and not_praise:
        return TierDecision(
            Tier.respond_publicly,
            "tier.visible_problem_report",
            "A visible report of a defect or an outage: acknowledge it publicly and say what is "
            "being done.",
        )
    if criticism and topics & SERVICE_TOPICS:
        return TierDecision(
            Tier.move_to_private,
            "tier.service_case",
            "A customer-service failure for one customer: follow up in private.",
        )
    # About the brand, not to it: the customer's own problem, asked about or stated in so many
    # words, is an individual case; a passing "my day is ruined" is not.
    if (
        speech.personal
        and not collective
        and (speech.asks or speech.demands or (speech.own_problem_stated and criticism))
    ):
        return TierDecision(
            Tier.move_to_private,
            "tier.customer_case",
            "A customer reports a problem of their own: one conversation in private solves it.",
        )
    if criticism:
        return TierDecision(
            Tier.watch,
            "tier.unseen_critique",
            "A critique nobody reacts to: watch it, answering could feed it.",
        )
    return TierDecision(Tier.watch, "tier.nothing_to_answer", "Nothing calls for an answer.")


def _addressed_tier(
    signals: MentionSignals, *, shared_issue: bool, collective: bool
) -> TierDecision:
    """A mention written to the brand that asks or complains: never left on `watch`."""
    findings = signals.findings
    speech = signals.speech
    own_case = findings.personal_case or speech.personal or bool(speech.demands)
    public_issue = collective or (shared_issue and not findings.case_reference)
    if own_case and not public_issue:
        return TierDecision(
            Tier.move_to_private,
            "tier.addressed_personal_case",
            "Written to the brand about the customer's own case: answer within the hour, "
            "publicly once, then in private to get the details.",
        )
    if signals.complains:
        return TierDecision(
            Tier.respond_publicly,
            "tier.addressed_complaint",
            "A complaint written to the brand: answer it publicly, humanly, within the hour.",
        )
    return TierDecision(
        Tier.respond_publicly,
        "tier.addressed_question",
        "A question written to the brand: answer it publicly within the hour.",
    )


def _misinformation_tier(signals: MentionSignals, severe: bool) -> TierDecision:
    if signals.influencer and signals.real_reach and severe:
        return TierDecision(
            Tier.executive_statement,
            "tier.misinformation_amplified",
            "An influencer spreads a false claim on a severe subject: leadership must answer "
            "with facts.",
        )
    if signals.visible or signals.real_reach:
        return TierDecision(
            Tier.respond_publicly,
            "tier.misinformation_spreading",
            "A false claim that spreads: correct it publicly with facts, calmly.",
        )
    return TierDecision(
        Tier.watch,
        "tier.misinformation_unseen",
        "A claim nobody reacts to: watch it, answering would spread it.",
    )


def _severe_tier(signals: MentionSignals) -> TierDecision:
    if signals.press:
        return TierDecision(
            Tier.executive_statement,
            "tier.severe_press",
            "The press covers a severe issue: a leadership statement is expected.",
        )
    if signals.influencer and signals.visible:
        return TierDecision(
            Tier.executive_statement,
            "tier.severe_influencer",
            "An influencer spreads a severe issue: a leadership statement is expected.",
        )
    if signals.real_reach:
        return TierDecision(
            Tier.executive_statement,
            "tier.severe_reach",
            "A severe issue with real reach: a leadership statement is expected.",
        )
    if signals.findings.personal_case or signals.speech.personal:
        return TierDecision(
            Tier.move_to_private,
            "tier.severe_personal_case",
            "A severe incident of one customer: reach out privately now to get the details.",
        )
    if signals.visible:
        return TierDecision(
            Tier.respond_publicly,
            "tier.severe_visible",
            "A severe issue people react to: answer publicly with what is being done.",
        )
    return TierDecision(
        Tier.move_to_private,
        "tier.severe_individual",
        "A severe issue reported by one person: never ignore it, follow up privately.",
    )


def crisis_topic(signals: MentionSignals, brand: BrandRiskAssessment | None) -> bool:
    """The mention adds to the topic of a crisis the brand is going through."""
    return (
        brand is not None
        and brand.tier is not Tier.watch
        and brand.stage in _ACTIVE_STAGES
        and signals.negative
        and not signals.moderation.hide
        and not set(brand.topics).isdisjoint(signals.topics)
    )


def escalate_for_crisis(
    decision: TierDecision, signals: MentionSignals, brand: BrandRiskAssessment
) -> TierDecision:
    """In a running crisis, a mention on its topic is part of the wave and is answered with it."""
    if (
        brand.tier is Tier.executive_statement
        and signals.visible
        and decision.tier is not Tier.executive_statement
    ):
        return TierDecision(
            Tier.executive_statement,
            "tier.crisis_wave",
            "Part of a crisis that calls for the leadership: answer in line with its statement.",
        )
    if decision.tier is Tier.watch:
        return TierDecision(
            Tier.respond_publicly,
            "tier.crisis_wave",
            "Part of the brand's running crisis on this topic: answer with the public message.",
        )
    return decision


def brand_tier(signals: BrandSignals, stage: Stage, config: EngineConfig) -> TierDecision:
    """The brand's tier: leadership for a severe issue that spreads, else by score."""
    decision = _brand_tier_by_signals(signals, config)
    if stage is Stage.resolved and decision.tier is Tier.executive_statement:
        # Past the wave, the leadership's statement has been made or is moot: what remains is
        # the public follow-up.
        return TierDecision(
            Tier.respond_publicly,
            "tier.after_crisis",
            "The wave is over: report back publicly on what was done and what changes.",
        )
    return decision


def _brand_tier_by_signals(signals: BrandSignals, config: EngineConfig) -> TierDecision:
    amplified = signals.amplifiers >= config.amplifier_mentions_min
    if signals.executive_mentions >= config.executive_mentions_min:
        return TierDecision(
            Tier.executive_statement,
            "tier.executive_mentions",
            "Recent mentions put a severe issue in the press or in influencers' hands: "
            "the leadership must speak.",
        )
    # A wave of false claims on a severe subject ("it gives cancer") is answered with facts, not
    # by the leadership, unless the press or influencers carry it (executive mentions above).
    false_claims = (
        signals.misinformation_mentions >= config.misinformation_share_max * signals.severe_mentions
    )
    if (
        signals.severe_mentions >= config.severe_mentions_min
        and not false_claims
        and (amplified or signals.spike_strength >= config.severe_spike_min)
    ):
        return TierDecision(
            Tier.executive_statement,
            "tier.severe_spreading",
            "A severe issue spreads fast: the leadership must speak.",
        )
    if signals.major_mentions >= config.severe_mentions_min and amplified:
        return TierDecision(
            Tier.executive_statement,
            "tier.major_issue_amplified",
            "A major incident reached the press or influencers: the leadership must explain.",
        )
    if signals.score >= config.respond_min_score or signals.sustained_negativity:
        if signals.score < config.respond_min_score:
            return TierDecision(
                Tier.respond_publicly,
                "tier.sustained_negativity",
                "Most mentions of the day are negative, spike or not: answer publicly what "
                "people complain about.",
            )
        answered = signals.public_mentions + signals.private_mentions
        if (
            answered > 0
            and signals.private_mentions >= config.private_share_min * answered
            and signals.spike_strength < config.severe_spike_min
        ):
            return TierDecision(
                Tier.move_to_private,
                "tier.individual_cases",
                "Mostly individual cases: acknowledge publicly, solve each one in private.",
            )
        return TierDecision(
            Tier.respond_publicly,
            "tier.visible_criticism",
            "Visible criticism: answer publicly, humanly and consistently.",
        )
    if (
        signals.executive_mentions_in_window >= 1
        or signals.severe_mentions >= config.severe_floor_mentions
    ):
        return TierDecision(
            Tier.respond_publicly,
            "tier.severe_floor",
            "A severe issue was raised in the window: never leave it unanswered.",
        )
    return TierDecision(
        Tier.watch,
        "tier.watch",
        "Nothing spreads: keep watching; answering a critique nobody reacts to can feed it.",
    )


def held_tier(
    decision: TierDecision,
    signals: BrandSignals,
    earlier_score: Callable[[int], int],
    config: EngineConfig,
) -> TierDecision:
    """Hysteresis of the score bar: a brand that answered in the last `tier_hold_hours` keeps
    answering while its score stays within `tier_hysteresis_points` under the bar, so a score
    wavering around it does not flip the tier without a change of signal.

    Earlier scores are computed only when the score sits in that band (cheap on average).
    """
    bar = config.respond_min_score
    if decision.code != "tier.watch" or not bar - config.tier_hysteresis_points <= signals.score:
        return decision
    step = max(1, config.tier_hold_hours // 6)
    for hours in range(step, config.tier_hold_hours + 1, step):
        if earlier_score(hours) >= bar:
            return TierDecision(
                Tier.respond_publicly,
                "tier.held",
                f"The score eased to {signals.score}, just under {bar}, after reaching it in "
                f"the last {hours} h: keep answering until the criticism really subsides.",
            )
    return decision
