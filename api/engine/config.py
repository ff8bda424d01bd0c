"""Tunable parameters of the risk engine, overridable from the environment (see Settings).

Every weight and threshold of the model lives here, so calibration is a settings change
(`VIGIE_ENGINE__<FIELD>=…`, dicts as JSON) and never a code edit. `docs/risk-model.md` explains
what each group does and how the defaults were calibrated.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

Weight = Annotated[float, Field(ge=0.0)]
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
Positive = Annotated[float, Field(gt=0.0)]
Minutes = Annotated[int, Field(ge=1)]


def _network_virality() -> dict[str, float]:
    # How fast a post spreads on each network (1 = fastest). X/Twitter and TikTok push posts to
    # strangers through reposts and feeds; Facebook and Instagram mostly reach friends; forums and
    # review sites are read by people who search for them.
    return {
        "twitter": 1.0,
        "tiktok": 1.0,
        "news": 0.9,
        "youtube": 0.8,
        "reddit": 0.75,
        "instagram": 0.7,
        "facebook": 0.65,
        "linkedin": 0.5,
        "blog": 0.5,
        "other": 0.5,
        "forum": 0.4,
        "review": 0.4,
    }


def _author_weight() -> dict[str, float]:
    # How much an author's kind amplifies a mention beyond its raw audience: the press lends
    # credibility and percolates to other media, influencers mobilise their community.
    return {
        "journalist": 1.0,
        "media": 1.0,
        "influencer": 0.7,
        "person": 0.0,
        "brand": 0.0,
        "unknown": 0.0,
    }


def _topic_severity() -> dict[str, float]:
    # 1 = the playbook's "big crisis" topics; personal-case topics stay low because they are
    # solved one customer at a time.
    return {
        "safety": 1.0,
        "health": 1.0,
        "discrimination": 1.0,
        "privacy": 0.9,
        "legal": 0.8,
        "outage": 0.6,
        "misinformation": 0.6,
        "product_defect": 0.5,
        "customer_service": 0.35,
        "delivery": 0.35,
        "billing": 0.35,
        "order": 0.3,
        "account": 0.3,
        "booking": 0.3,
        "personal_data": 0.3,
        "price": 0.2,
    }


class EngineConfig(BaseModel):
    """Weights and thresholds of the risk model; each can be set via `VIGIE_ENGINE__<NAME>`."""

    # --- aggregates and windows ---------------------------------------------------------------
    bucket_seconds: int = Field(
        default=3600, description="Width of an aggregate bucket; storage sums counters per bucket."
    )
    history_hours: int = Field(
        default=14 * 24,
        description="How far back before `at` the assessment reads buckets (baseline + window).",
    )
    window_hours: int = Field(default=24, description="The assessment's reporting window.")
    hot_mention_risk: int = Field(
        default=40, description="Mentions at or above this risk are candidates for top_mentions."
    )

    # --- sentiment ----------------------------------------------------------------------------
    negativity_weight: Positive = Field(
        default=3.3,
        description="Weight of a negative mention against a positive one (unhappy customers tell "
        "~10 people, happy ones ~3).",
    )
    label_only_score: Fraction = Field(
        default=0.6,
        description="Score magnitude given to a mention whose tool sent only a sentiment label.",
    )

    # --- mention exposure ---------------------------------------------------------------------
    share_weight: Weight = Field(default=2.0, description="A share counts as this many likes.")
    comment_weight: Weight = Field(default=1.5, description="A comment counts as this many likes.")
    view_weight: Weight = Field(default=0.01, description="A view counts as this many likes.")
    audience_log_max: Positive = Field(
        default=7.0, description="log10 of the audience (followers/reach) that counts as maximal."
    )
    reactions_log_max: Positive = Field(
        default=4.5, description="log10 of the weighted reactions that count as maximal."
    )
    exposure_audience_weight: Weight = Field(default=0.35)
    exposure_reactions_weight: Weight = Field(default=0.45)
    exposure_author_weight: Weight = Field(default=0.2)
    verified_weight: Fraction = Field(
        default=0.3, description="Author weight of a verified account of no special kind."
    )
    virality_mix: Fraction = Field(
        default=0.3, description="Share of exposure that depends on the network's virality."
    )
    network_virality: dict[str, float] = Field(default_factory=_network_virality)
    author_weight: dict[str, float] = Field(default_factory=_author_weight)
    influencer_audience: int = Field(
        default=50_000,
        description="A verified account with at least this audience is treated as an influencer.",
    )
    visible_reactions: Weight = Field(
        default=15.0, description="Weighted reactions from which a mention is visible (reacted to)."
    )
    visible_audience: int = Field(
        default=50_000, description="Audience from which a mention is visible without reactions."
    )
    real_reach_reactions: Weight = Field(
        default=500.0, description="Weighted reactions from which a severe mention has real reach."
    )
    real_reach_audience: int = Field(
        default=100_000, description="Audience from which a severe mention has real reach."
    )

    # --- mention risk -------------------------------------------------------------------------
    topic_severity: dict[str, float] = Field(default_factory=_topic_severity)
    severe_topic_min: Fraction = Field(
        default=0.8, description="Topics at or above this severity are severe (safety, health…)."
    )
    major_topics: list[str] = Field(
        default_factory=lambda: ["outage"],
        description="Topics that call for leadership only once the press or an influencer with "
        "real reach carries them (a large outage), not on customers' reach alone.",
    )
    criticism_min_negativity: Fraction = Field(
        default=0.2,
        description="A negative mention is a criticism to answer from this negativity on.",
    )
    spam_promo_terms_min: int = Field(
        default=3, ge=1, description="Promotion terms that make spam even without a link."
    )
    spam_links_min: int = Field(
        default=4, ge=1, description="Links (shorteners count twice) that make a link dump."
    )
    fast_network_virality: Fraction = Field(
        default=0.9, description="Networks at or above this virality are named as fast."
    )
    hidden_risk_factor: Fraction = Field(
        default=0.5, description="Risk multiplier of posts that moderation hides."
    )
    risk_exposure_floor: Fraction = Field(
        default=0.35,
        description="Share of a mention's risk that does not depend on exposure.",
    )
    crisis_topic_boost: Weight = Field(
        default=10.0,
        description="Risk points added to a negative mention on the topic of a running crisis.",
    )
    tier_risk_floor_executive: int = Field(default=60, ge=0, le=100)
    tier_risk_floor_respond: int = Field(default=40, ge=0, le=100)
    tier_risk_floor_private: int = Field(default=30, ge=0, le=100)
    # === BEGIN issue 10 (triage): speech acts and addressed mentions ==========================
    problem_negativity: Fraction = Field(
        default=0.3,
        description="Computed sentiment of a text that states a problem is at most minus this: "
        "politeness and sarcasm never make a problem statement positive.",
    )
    # === END issue 10 (triage) ================================================================

    # --- mention deadlines --------------------------------------------------------------------
    respond_minutes_executive: Minutes = Field(default=30)
    respond_minutes_public: Minutes = Field(default=60)
    respond_minutes_private: Minutes = Field(default=120)

    # --- confidence ---------------------------------------------------------------------------
    confidence_missing_text: Fraction = Field(default=0.35)
    confidence_missing_author: Fraction = Field(default=0.15)
    confidence_missing_engagement: Fraction = Field(default=0.1)
    confidence_computed_sentiment: Fraction = Field(default=0.15)
    confidence_unknown_language: Fraction = Field(default=0.05)
    confidence_min: Fraction = Field(default=0.1)

    # --- brand assessment: time ---------------------------------------------------------------
    recent_half_life_hours: Positive = Field(
        default=6.0, description="Half-life of the recent-activity weighting inside the window."
    )
    baseline_half_life_hours: Positive = Field(
        default=72.0, description="Half-life of the EWMA baseline of the brand's own volume."
    )
    warmup_hours: int = Field(
        default=48, ge=0, description="History needed before any spike is reported."
    )

    # --- brand assessment: spike --------------------------------------------------------------
    spike_noise_floor: Positive = Field(
        default=1.0, description="Minimal standard deviation of the hourly negative volume."
    )
    spike_min_volume: Positive = Field(
        default=4.0, description="Negative volume per hour (intensity-weighted) for a full spike."
    )
    spike_z_low: float = Field(default=2.0, description="z-score where the spike starts counting.")
    spike_z_high: float = Field(default=8.0, description="z-score where the spike saturates.")
    damping_z: float = Field(
        default=3.0, description="Hours above this z-score barely move the baseline."
    )
    damping_factor: Fraction = Field(
        default=0.1, description="Learning-rate multiplier of the baseline during a spike."
    )

    # --- brand assessment: negativity ---------------------------------------------------------
    negative_share_low: Fraction = Field(
        default=0.35, description="Weighted negative share below which volume signals are muted."
    )
    negative_share_high: Fraction = Field(
        default=0.65, description="Weighted negative share at which volume signals count fully."
    )
    share_min_volume: Positive = Field(
        default=2.0, description="Negative volume per hour for the negative share to count fully."
    )

    # --- brand assessment: factor weights (points out of 100) ---------------------------------
    weight_spike: Weight = Field(default=22.0)
    weight_negative_share: Weight = Field(default=14.0)
    weight_audience: Weight = Field(default=8.0)
    weight_engagement: Weight = Field(default=10.0)
    weight_virality: Weight = Field(default=6.0)
    weight_authors: Weight = Field(default=10.0)
    weight_topics: Weight = Field(default=14.0)
    weight_spread: Weight = Field(default=8.0)
    weight_mentions: Weight = Field(default=8.0)

    # --- brand assessment: factor scales ------------------------------------------------------
    audience_log_low: float = Field(default=3.0, description="log10 audience that starts to count.")
    audience_log_high: float = Field(default=7.0, description="log10 audience that saturates.")
    engagement_log_low: float = Field(
        default=1.0, description="log10 reactions/hour on negative mentions that start to count."
    )
    engagement_log_high: float = Field(default=4.0, description="… and that saturate.")
    virality_scale: Positive = Field(
        default=20.0, description="Recent virality-weighted negative mentions for ~63% of points."
    )
    author_scale: Positive = Field(
        default=2.0, description="Recent negative press/influencer mentions for ~63% of points."
    )
    topic_scale: Positive = Field(
        default=6.0, description="Recent severity-weighted topic mentions for ~63% of points."
    )
    brand_topic_min_mass: Positive = Field(
        default=0.5, description="Severity-weighted recent mentions for a topic to be listed."
    )
    spread_min_mentions: Positive = Field(
        default=1.0, description="Recent negative mentions for a network to count in the spread."
    )
    spread_networks_max: int = Field(
        default=4, ge=2, description="Networks carrying criticism for full cross-network points."
    )
    press_author_multiplier: Positive = Field(
        default=2.0, description="A press mention counts as this many influencer mentions."
    )
    percolation_scale: Positive = Field(
        default=1.0, description="Recent press mentions for ~63% of the percolation points."
    )
    spread_percolation_share: Fraction = Field(
        default=0.4, description="Share of the spread points that rewards social-to-press moves."
    )
    executive_mentions_scale: Positive = Field(
        default=1.0, description="Recent executive-tier mentions for ~63% of their points."
    )
    mentions_executive_share: Fraction = Field(
        default=0.6, description="Share of the mention-tier points from executive-tier mentions."
    )
    mentions_scale: Positive = Field(
        default=10.0, description="Recent respond-tier mentions for ~63% of their points."
    )

    # --- brand assessment: levels and tiers ---------------------------------------------------
    level_moderate: int = Field(default=25, ge=0, le=100)
    level_high: int = Field(default=50, ge=0, le=100)
    level_critical: int = Field(default=75, ge=0, le=100)
    respond_min_score: int = Field(
        default=30, ge=0, le=100, description="Below this score (and without severe signal): watch."
    )
    executive_mentions_min: Positive = Field(
        default=0.5,
        description="Recent (decayed) executive-tier mentions that put the brand in that tier.",
    )
    severe_mentions_min: Positive = Field(
        default=3.0,
        description="Recent (decayed) severe-topic mentions that, with fast spread, press or "
        "influencers, call for a leadership statement.",
    )
    severe_floor_mentions: Positive = Field(
        default=0.5,
        description="Recent (decayed) severe-topic mentions that keep the brand out of `watch`.",
    )
    severe_spike_min: Fraction = Field(
        default=0.5, description="Spike strength that counts as fast spread of a severe issue."
    )
    misinformation_share_max: Fraction = Field(
        default=0.3,
        description="When false-claim markers reach this share of the severe-topic mentions, the "
        "wave is answered with facts, not by the leadership (unless press/influencers carry it).",
    )
    amplifier_mentions_min: Positive = Field(
        default=0.5, description="Recent negative press or influencer mentions that amplify."
    )
    private_share_min: Fraction = Field(
        default=0.5,
        description="Share of individual cases among respond-tier mentions for move_to_private.",
    )

    # --- brand assessment: stage --------------------------------------------------------------
    stage_half_life_hours: Positive = Field(
        default=2.0, description="Smoothing of the hourly negative volume for the stage."
    )
    stage_lag_hours: int = Field(
        default=2, ge=1, description="Hours between the levels compared for velocity."
    )
    stage_min_volume: Positive = Field(
        default=3.0, description="Smoothed negative volume per hour of a crisis episode."
    )
    emerging_min_volume: Positive = Field(
        default=1.5, description="Smoothed negative volume per hour of an emerging signal."
    )
    elevated_z: float = Field(default=4.0, description="z-score of a crisis episode.")
    emerging_z: float = Field(default=4.0, description="z-score of an emerging signal.")
    growth_rate: Positive = Field(
        default=0.15, description="Relative velocity (per lag) that counts as growing or falling."
    )
    decline_ratio: Fraction = Field(
        default=0.65, description="Below this share of the episode's peak, a falling wave declines."
    )
    resolved_z: float = Field(
        default=1.0, description="Back within this z-score of the baseline: resolved."
    )
    resolved_ratio: Fraction = Field(
        default=0.1, description="Or back below this share of the episode's peak: resolved."
    )
    near_peak_ratio: Fraction = Field(
        default=0.85, description="A wave falling fast but above this share of its peak: peak."
    )
    cold_start_factor: Positive = Field(
        default=2.0, description="Absolute stage bars are this much stricter before warm-up."
    )
    episode_memory_hours: int = Field(
        default=48, ge=1, description="How long a past episode keeps the stage out of `quiet`."
    )

    # === brand radar (model 2026.12.2): seasonal baseline, unknown sentiment, bursts, =========
    # === stage and tier hysteresis, score coherence. Owned by the brand-level engine. =========
    unknown_volume_weight: Weight = Field(
        default=1.0,
        description="Weight of a mention of unknown sentiment (no text, none sent) in the volume "
        "the spike and the stage read: a surge nobody has scored yet must be looked at.",
    )
    unknown_score_weight: Fraction = Field(
        default=0.5,
        description="Share of the spike's points a volume of unknown sentiment earns: unknown "
        "is not positive, nor proven negative.",
    )
    unknown_negative_share: Fraction = Field(
        default=0.5,
        description="Share of unknown-sentiment volume counted as negative in the negativity gate.",
    )
    seasonal_min_days: int = Field(
        default=2, ge=1, description="Same-hour samples of earlier days the baseline needs."
    )
    weekly_factor_min: Positive = Field(
        default=0.5, description="Lowest weekday factor applied to the hour-of-day profile."
    )
    weekly_factor_max: Positive = Field(
        default=1.5, description="Highest weekday factor applied to the hour-of-day profile."
    )
    spread_hours: int = Field(
        default=168,
        ge=24,
        description="Hours whose residuals give the baseline's spread (a week: every weekday).",
    )
    spread_min_expected: Positive = Field(
        default=3.0, description="Expected volume from which an hour's residual feeds the spread."
    )
    spike_ratio_full: Positive = Field(
        default=100.0, description="Spike size (volume / expected) that earns the full points."
    )
    spike_size_floor: Fraction = Field(
        default=0.3, description="Share of the spike points a just-significant spike earns."
    )
    elevated_ratio: Positive = Field(
        default=2.0, description="Volume / expected of an hour that starts an episode."
    )
    emerging_ratio: Positive = Field(
        default=1.8, description="Volume / expected of an hour that reads as emerging."
    )
    elevated_hours: int = Field(
        default=2,
        ge=1,
        description="Hours at the elevated bar whose evidence (sum of z) starts an episode: "
        "persistence, or one hour this many times above the bar.",
    )
    resolve_hours: int = Field(
        default=2,
        ge=1,
        description="Hours out of the wave whose mean z, at most `resolved_z`, ends an episode.",
    )
    burst_slots: int = Field(
        default=24, ge=4, description="5-minute slots the burst detector reads (the last 2 h)."
    )
    burst_memory_slots: int = Field(
        default=6, ge=1, description="Newest slots in which a burst keeps the stage `emerging`."
    )
    burst_z: Positive = Field(
        default=20.0, description="z-score of a 5-minute slot against its neighbours for a burst."
    )
    burst_min_slots: int = Field(
        default=2, ge=1, description="5-minute slots in a row at the bar that make a burst."
    )
    burst_ratio: Positive = Field(
        default=5.0, description="Slot volume / expected slot volume of a burst."
    )
    burst_min_volume: Positive = Field(
        default=10.0, description="Volume in one 5-minute slot for a burst."
    )
    sustained_share_min: Fraction = Field(
        default=0.6,
        description="Plain negative share of the window's mentions that is a crisis by itself.",
    )
    sustained_min_rate: Positive = Field(
        default=4.0, description="Negative mentions per hour over the window for that rule."
    )
    tier_hysteresis_points: Weight = Field(
        default=8.0,
        description="A brand answering keeps answering while its score stays within this many "
        "points under `respond_min_score` (it had reached it in the last `tier_hold_hours`).",
    )
    tier_hold_hours: int = Field(
        default=24, ge=1, description="How far back a score above the bar holds the tier."
    )
    executive_min_score: int = Field(
        default=50, ge=0, le=100, description="Score floor of `executive_statement` (level high)."
    )
    # === end of the brand radar block ==========================================================

    # --- playbook deadlines (minutes after `at`) ----------------------------------------------
    playbook_minutes_first_answer: Minutes = Field(default=60)
    playbook_minutes_holding_statement: Minutes = Field(default=30)
    playbook_minutes_leadership: Minutes = Field(default=240)
    playbook_minutes_private: Minutes = Field(default=120)
    playbook_minutes_follow_up: Minutes = Field(default=24 * 60)
    playbook_minutes_review: Minutes = Field(default=24 * 60)
    top_mentions_count: int = Field(default=5, ge=0, le=50)
