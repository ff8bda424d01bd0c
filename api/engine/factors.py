"""The factors of the brand risk score: each a value, its points out of 100, and a sentence.

Every factor reads recency-weighted sums of the window's counters (half-life
`recent_half_life_hours`), so the cost depends on the number of buckets, never on the number of
mentions. Each factor is bounded by its weight and grows with negative signal, so the score is
bounded and monotone in it. The volume-type factors (spike, audience, engagement, virality,
cross-network spread, answered mentions) are muted by the *negativity gate*: the negative share
of recent mentions, negatives weighing `negativity_weight` (3.3) times praise. A successful
campaign makes volume jump but keeps that share low, so it is not a crisis.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from api.engine import counters as names
from api.engine.config import EngineConfig
from api.engine.risk import is_severe
from api.engine.scales import ramp, saturating
from api.engine.schemas import Factor, Tier
from api.engine.series import RecentSums
from api.engine.spike import Baseline, BurstReading, SpikeReading

_SOCIAL_EXCLUDED = frozenset({"news"})

SPIKE: Final = "volume_spike"
"""The factor whose points say the volume spikes (in the hour or a 5-minute burst)."""


@dataclass(frozen=True, slots=True)
class BrandSignals:
    """What the tier rules read, beyond the score."""

    score: int
    negative_gate: float
    spike_strength: float
    executive_mentions: float
    executive_mentions_in_window: float
    public_mentions: float
    private_mentions: float
    severe_mentions: float
    major_mentions: float
    misinformation_mentions: float
    amplifiers: float
    topics: tuple[str, ...]
    sustained_negativity: bool = False
    """Most of the window's mentions are negative, at a real rate: a crisis without a spike."""


@dataclass(frozen=True, slots=True)
class FactorReading:
    """A factor's value and points, its sentence written only when it is presented: a risk
    history reads the points of hundreds of assessments and shows none of their sentences."""

    name: str
    value: float
    points: float
    describe: Callable[[], str]

    @property
    def contribution(self) -> float:
        return round(self.points, 2)

    def factor(self) -> Factor:
        return Factor(
            name=self.name,
            value=round(self.value, 3),
            contribution=self.contribution,
            detail=self.describe(),
        )


@dataclass(frozen=True, slots=True)
class FactorSheet:
    readings: tuple[FactorReading, ...]
    signals: BrandSignals

    @property
    def factors(self) -> list[Factor]:
        return [reading.factor() for reading in self.readings]

    def earns(self, name: str) -> bool:
        """The factor `name` earns points."""
        return any(r.name == name and r.contribution > 0 for r in self.readings)


def weighted_negative_share(negative: float, positive: float, config: EngineConfig) -> float:
    """Share of negative volume once negativity weighs `negativity_weight` times praise."""
    weighted = config.negativity_weight * negative
    total = weighted + positive
    return weighted / total if total > 0 else 0.0


def negative_gate(negative: float, positive: float, config: EngineConfig) -> float:
    """0 while praise dominates, 1 once the weighted negative share is high enough."""
    share = weighted_negative_share(negative, positive, config)
    return ramp(share, config.negative_share_low, config.negative_share_high)


def volume_gate(negative: float, unknown: float, positive: float, config: EngineConfig) -> float:
    """The negativity gate where unknown sentiment counts `unknown_negative_share` negative:
    a surge of unscored mentions is not muted, a surge known to be praise is."""
    return negative_gate(negative + config.unknown_negative_share * unknown, positive, config)


def attention_volume(
    negative: float, unknown: float, positive: float, config: EngineConfig
) -> float:
    """Volume the spike and the stage read: negative + unknown-sentiment, muted by praise."""
    volume = negative + config.unknown_volume_weight * unknown
    return volume * volume_gate(negative, unknown, positive, config) if volume else 0.0


def gated_volume_series(
    negative: Sequence[float],
    unknown: Sequence[float],
    positive: Sequence[float],
    config: EngineConfig,
) -> list[float]:
    """Hourly (or 5-minute) attention volume, muted where praise dominates (a campaign)."""
    return [
        attention_volume(n, u, p, config) if n or u else 0.0
        for n, u, p in zip(negative, unknown, positive, strict=True)
    ]


def gated_negative_series(
    negative: Sequence[float], positive: Sequence[float], config: EngineConfig
) -> list[float]:
    """Hourly negative volume, muted in the hours where praise dominates (a campaign)."""
    return gated_volume_series(negative, [0.0] * len(negative), positive, config)


def brand_factors(
    sums: RecentSums,
    baseline: Baseline,
    spike: SpikeReading,
    config: EngineConfig,
    burst: BurstReading | None = None,
) -> FactorSheet:
    negative, positive = sums[names.NEGATIVE_WEIGHT], sums[names.POSITIVE_WEIGHT]
    share = weighted_negative_share(negative, positive, config)
    gate = negative_gate(negative, positive, config)
    negative_rate = sums.rate(names.NEGATIVE_WEIGHT)
    sustained = sustained_negativity(sums, config)
    strength = max(spike.strength, burst.strength if burst else 0.0)
    readings = [
        _spike_factor(spike, burst, baseline, sums, config),
        _share_factor(share, negative_rate, sustained, config),
        _audience_factor(sums, gate, config),
        _engagement_factor(sums, gate, config),
        _virality_factor(sums, gate, config),
        _author_factor(sums, config),
    ]
    topic_factor, topics, severe, major = _topic_factor(sums, gate, config)
    readings.append(topic_factor)
    readings.append(_spread_factor(sums, gate, config))
    readings.append(_mentions_factor(sums, gate, config))
    score = max(0, min(100, round(sum(reading.contribution for reading in readings))))
    return FactorSheet(
        readings=tuple(readings),
        signals=BrandSignals(
            score=score,
            negative_gate=gate,
            spike_strength=strength,
            executive_mentions=sums[names.TIER_COUNTERS[Tier.executive_statement]],
            executive_mentions_in_window=sums.window.get(
                names.TIER_COUNTERS[Tier.executive_statement], 0.0
            ),
            public_mentions=sums[names.TIER_COUNTERS[Tier.respond_publicly]],
            private_mentions=sums[names.TIER_COUNTERS[Tier.move_to_private]],
            severe_mentions=severe,
            major_mentions=major,
            misinformation_mentions=sums[names.topic_counter("misinformation")],
            amplifiers=sums[names.PRESS_ISSUE] + sums[names.INFLUENCER_ISSUE],
            topics=topics,
            sustained_negativity=sustained,
        ),
    )


def plain_negative_share(sums: RecentSums) -> float:
    """Negative mentions over mentions of known sentiment in the window (no weighting)."""
    window = sums.window
    negative = window.get(names.NEGATIVE, 0.0)
    known = negative + window.get(names.NEUTRAL, 0.0) + window.get(names.POSITIVE, 0.0)
    return negative / known if known > 0 else 0.0


def sustained_negativity(sums: RecentSums, config: EngineConfig) -> bool:
    """Most mentions of the window negative, at a real rate: a crisis even without a spike."""
    negative_per_hour = sums.window.get(names.NEGATIVE, 0.0) / max(config.window_hours, 1)
    return (
        negative_per_hour >= config.sustained_min_rate
        and plain_negative_share(sums) >= config.sustained_share_min
    )


def unknown_certainty(sums: RecentSums, config: EngineConfig) -> float:
    """How much of the recent volume is known negative: unknown sentiment earns a share only."""
    negative, unknown = sums[names.NEGATIVE_WEIGHT], sums[names.UNKNOWN]
    unknown *= config.unknown_volume_weight
    if negative + unknown <= 0:
        return 1.0
    return (negative + config.unknown_score_weight * unknown) / (negative + unknown)


def tier_floor(tier: Tier, config: EngineConfig) -> int:
    """The least score of a tier: a tier chosen by a rule (a severe issue in the press) never
    sits beside a low score."""
    return {
        Tier.executive_statement: config.executive_min_score,
        Tier.respond_publicly: config.respond_min_score,
        Tier.move_to_private: config.respond_min_score,
        Tier.watch: 0,
    }[tier]


def tier_floor_factor(score: int, tier: Tier, reason: str, config: EngineConfig) -> Factor | None:
    """The points that bring the score up to its tier's level, with the tier's reason in words."""
    floor = tier_floor(tier, config)
    if score >= floor:
        return None
    return FactorReading(
        "tier_floor",
        floor,
        floor - score,
        lambda: f"Raised from {score} to {floor}, the least score of `{tier.value}`: {reason}",
    ).factor()


def _spike_factor(
    spike: SpikeReading,
    burst: BurstReading | None,
    baseline: Baseline,
    sums: RecentSums,
    config: EngineConfig,
) -> FactorReading:
    gate = volume_gate(
        sums[names.NEGATIVE_WEIGHT], sums[names.UNKNOWN], sums[names.POSITIVE_WEIGHT], config
    )
    certainty = unknown_certainty(sums, config)
    bursting = burst is not None and burst.strength > spike.strength
    strength = burst.strength if burst is not None and bursting else spike.strength
    points = config.weight_spike * strength * gate * certainty

    def describe() -> str:
        if not baseline.warm:
            return (
                f"Warming up: {baseline.history_hours:.0f} h of history, "
                f"{config.warmup_hours} h and {config.seasonal_min_days} days of the same hour "
                "needed before a spike is reported."
            )
        detail = (
            f"Last hour: {spike.volume:.1f} mentions to look at (negative or of unknown "
            f"sentiment), {spike.ratio:.1f}x the {baseline.mean:.1f} usual at this hour and "
            f"weekday (± {baseline.deviation:.1f}, z = {spike.z:.1f}). Points grow with the "
            f"log of the size, full at {config.spike_ratio_full:g}x."
        )
        if burst is not None and burst.burst:
            detail += (
                f" A 5-minute burst of {burst.volume:.0f} against {burst.expected:.1f} "
                f"(z = {burst.z:.1f})."
            )
        if strength > 0 and certainty < 1:
            detail += (
                f" Counted at {certainty:.0%}: part of the volume has no known sentiment, "
                "which is not praise but not proven criticism either."
            )
        if strength > 0 and gate < 1:
            detail += f" Muted to {gate:.0%}: most recent mentions are not negative."
        return detail

    value = burst.z if burst is not None and bursting else spike.z
    return FactorReading(SPIKE, value, points, describe)


def _share_factor(
    share: float, negative_rate: float, sustained: bool, config: EngineConfig
) -> FactorReading:
    points = (
        config.weight_negative_share
        * ramp(share, config.negative_share_low, 1.0)
        * ramp(negative_rate, 0.0, config.share_min_volume)
    )

    def describe() -> str:
        detail = (
            f"{share:.0%} of recent mentions are negative once negativity weighs "
            f"{config.negativity_weight:g} times praise ({negative_rate:.1f} negative per hour)."
        )
        if sustained:
            detail += " Most mentions of the day are negative: a crisis even without a spike."
        return detail

    return FactorReading("negative_share", share, points, describe)


def _magnitude_factor(
    name: str, value: float, weight: float, logs: tuple[float, float], gate: float, sentence: str
) -> FactorReading:
    """Points that grow with the order of magnitude of `value` (log10 from `logs[0]` to
    `logs[1]`), muted by the negativity gate; `sentence` formats the value as `{value:,.0f}`."""
    points = weight * ramp(math.log10(1 + value), *logs) * gate
    return FactorReading(name, value, points, lambda: sentence.format(value=value))


def _audience_factor(sums: RecentSums, gate: float, config: EngineConfig) -> FactorReading:
    return _magnitude_factor(
        "audience",
        sums[names.NEGATIVE_AUDIENCE],
        config.weight_audience,
        (config.audience_log_low, config.audience_log_high),
        gate,
        "Negative mentions recently reached an audience of about {value:,.0f}.",
    )


def _engagement_factor(sums: RecentSums, gate: float, config: EngineConfig) -> FactorReading:
    return _magnitude_factor(
        "engagement_velocity",
        sums.rate(names.NEGATIVE_REACTIONS),
        config.weight_engagement,
        (config.engagement_log_low, config.engagement_log_high),
        gate,
        "Negative mentions gather about {value:,.0f} reactions per hour.",
    )


def _virality_factor(sums: RecentSums, gate: float, config: EngineConfig) -> FactorReading:
    per_network = sums.with_prefix(names.NEGATIVE_NETWORK_PREFIX)
    viral = sum(
        config.network_virality.get(network, 0.5) * value for network, value in per_network.items()
    )
    points = config.weight_virality * saturating(viral, config.virality_scale) * gate

    def describe() -> str:
        fastest = sorted(
            per_network, key=lambda n: (-config.network_virality.get(n, 0.5), -per_network[n], n)
        )[:2]
        where = f" (mostly on {', '.join(fastest)})" if fastest else ""
        return (
            f"Virality-weighted negative volume {viral:.1f}{where}: X spreads faster than Facebook."
        )

    return FactorReading("network_virality", viral, points, describe)


def _author_factor(sums: RecentSums, config: EngineConfig) -> FactorReading:
    press = sums[names.PRESS_ISSUE]
    influencers = sums[names.INFLUENCER_ISSUE]
    points = config.weight_authors * saturating(
        config.press_author_multiplier * press + influencers, config.author_scale
    )
    return FactorReading(
        "author_kinds",
        press + influencers,
        points,
        lambda: (
            f"Journalists and media: {press:.1f}, influencers: {influencers:.1f} recent mentions "
            "carrying the issue."
        ),
    )


def _topic_factor(
    sums: RecentSums, gate: float, config: EngineConfig
) -> tuple[FactorReading, tuple[str, ...], float, float]:
    weights: dict[str, float] = {}
    severe = 0.0
    major = 0.0
    major_topics = set(config.major_topics)
    for topic, count in sums.with_prefix(names.TOPIC_PREFIX).items():
        severity = config.topic_severity.get(topic, 0.0)
        if is_severe(topic, config):
            # Severe topics count whatever the sentiment: sarcasm cannot hide them.
            severe += count
            weights[topic] = severity * count
        else:
            weights[topic] = severity * count * gate
        if topic in major_topics:
            major += count * gate
    mass = sum(weights.values())
    points = config.weight_topics * saturating(mass, config.topic_scale)
    ranked = tuple(
        topic
        for topic, weight in sorted(weights.items(), key=lambda item: (-item[1], item[0]))
        if weight >= config.brand_topic_min_mass
    )[:5]

    def describe() -> str:
        if not ranked:
            return "No risk topic stands out in recent mentions."
        return f"Risk topics: {', '.join(ranked)} (severity-weighted mass {mass:.1f})."

    return FactorReading("risk_topics", mass, points, describe), ranked, severe, major


def _spread_factor(sums: RecentSums, gate: float, config: EngineConfig) -> FactorReading:
    # Networks are counted on the window's plain sums: two networks carrying criticism all day
    # are two networks, whatever the recency weighting of the points.
    prefix = names.NEGATIVE_NETWORK_PREFIX
    carrying = sorted(
        name[len(prefix) :]
        for name, value in sums.window.items()
        if name.startswith(prefix) and value >= config.spread_min_mentions
    )
    social = [n for n in carrying if n not in _SOCIAL_EXCLUDED]
    press = sums[names.PRESS_ISSUE]
    percolation = saturating(press, config.percolation_scale) if social else 0.0
    cross_network = ramp(len(carrying), 1, config.spread_networks_max) * gate
    share = config.spread_percolation_share
    points = config.weight_spread * ((1 - share) * cross_network + share * percolation)

    def describe() -> str:
        return (
            f"Criticism carried by {len(carrying)} network(s)"
            + (f" ({', '.join(carrying)})" if carrying else "")
            + (
                "; it has percolated from social networks to the press."
                if percolation >= 0.5
                else "."
            )
        )

    return FactorReading("spread", len(carrying) + percolation, points, describe)


def _mentions_factor(sums: RecentSums, gate: float, config: EngineConfig) -> FactorReading:
    executive = sums[names.TIER_COUNTERS[Tier.executive_statement]]
    answered = (
        sums[names.TIER_COUNTERS[Tier.respond_publicly]]
        + sums[names.TIER_COUNTERS[Tier.move_to_private]]
    )
    points = config.weight_mentions * (
        config.mentions_executive_share * saturating(executive, config.executive_mentions_scale)
        + (1 - config.mentions_executive_share) * gate * saturating(answered, config.mentions_scale)
    )
    return FactorReading(
        "mention_tiers",
        executive + answered,
        points,
        lambda: (
            f"Recent mentions calling for the leadership: {executive:.1f}; "
            f"for an answer: {answered:.1f}."
        ),
    )
