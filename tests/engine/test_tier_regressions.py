"""Cases outside the dev files that once came out too low: under-escalation is the costly error."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from api.engine import EngineConfig, triage_mention
from api.engine.mention import Mention
from api.engine.schemas import MentionTriage, Tier

NOW = datetime(2026, 3, 9, 8, 5, tzinfo=UTC)


def triage(
    text: str, network: str, kind: str, followers: int, reactions: tuple[int, int, int]
) -> MentionTriage:
    likes, shares, comments = reactions
    mention = Mention.model_validate(
        {
            "external_id": "regression",
            "network": network,
            "published_at": "2026-03-09T08:00:00Z",
            "text": text,
            "author": {"followers": followers, "kind": kind},
            "engagement": {"likes": likes, "shares": shares, "comments": comments},
        }
    )
    return triage_mention(mention, now=NOW, config=EngineConfig())


@pytest.mark.parametrize(
    ("text", "network", "kind", "followers", "reactions", "topic", "tiers"),
    [
        (
            "Exclusive: internal emails show the company knew about the battery fires for months",
            "twitter", "journalist", 40_000, (300, 150, 80), "safety", {Tier.executive_statement},
        ),
        (
            "Ce resto m'a servi du poulet cru, j'ai été malade 3 jours. Je ne reviendrai jamais",
            "tiktok", "influencer", 250_000, (20_000, 5_000, 3_000), "health",
            {Tier.executive_statement},
        ),
        (
            "PSA: the new firmware update bricks the router, don't install it",
            "reddit", "person", 1_200, (400, 50, 200), "product_defect", {Tier.respond_publicly},
        ),
        (
            "My phone charger caught fire last night, could have burned the house down",
            "twitter", "person", 200, (5, 0, 1), "safety",
            {Tier.move_to_private, Tier.respond_publicly, Tier.executive_statement},
        ),
    ],
)  # fmt: skip
def test_reported_harm_is_escalated(
    text: str,
    network: str,
    kind: str,
    followers: int,
    reactions: tuple[int, int, int],
    topic: str,
    tiers: set[Tier],
) -> None:
    result = triage(text, network, kind, followers, reactions)
    assert topic in result.topics
    assert result.tier in tiers


def test_figurative_fire_is_not_a_safety_issue() -> None:
    result = triage("Our team is on fire today, great match!", "twitter", "person", 200, (5, 0, 1))
    assert "safety" not in result.topics
    assert result.tier is Tier.watch


def test_a_visible_price_complaint_is_answered_in_public_even_naming_the_account() -> None:
    text = "Their prices went up 30% overnight, this is a rip-off. Cancelling my subscription."
    result = triage(text, "twitter", "person", 900, (60, 40, 20))
    assert "price" in result.topics
    assert result.tier is Tier.respond_publicly


def test_a_reference_number_keeps_a_visible_shared_issue_private() -> None:
    text = "Charged the new higher price twice, order 48213, please refund my account"
    result = triage(text, "twitter", "person", 900, (60, 40, 20))
    assert result.tier is Tier.move_to_private
