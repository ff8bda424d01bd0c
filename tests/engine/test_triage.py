"""Mention triage: tier rules, risk, sentiment resolution, confidence, deadlines, brand context."""

from __future__ import annotations

from datetime import timedelta

import pytest

from api.engine import MODEL_VERSION, BrandRiskAssessment, MentionTriage, Tier, triage_mention
from api.engine.mention import Mention, SentimentLabel
from api.engine.schemas import Level, Moderation, SentimentOrigin, Stage, Window
from tests.engine.factories import CONFIG, NOW, make_mention


def triage(mention: Mention, brand: BrandRiskAssessment | None = None) -> MentionTriage:
    return triage_mention(mention, now=NOW, config=CONFIG, brand_assessment=brand)


def codes(mention: Mention) -> list[str]:
    return [reason.code for reason in triage(mention).reasons]


# --- tier rules -------------------------------------------------------------------------------


def test_a_critique_nobody_reacts_to_is_watched() -> None:
    result = triage(make_mention("Not a fan of the new flavour", score=-0.5))
    assert result.tier is Tier.watch
    assert result.respond_by is None
    assert result.reasons[0].code == "tier.unseen_critique"


def test_visible_criticism_gets_a_public_answer() -> None:
    mention = make_mention("The new flavour is awful", score=-0.6, likes=40, shares=10)
    assert triage(mention).tier is Tier.respond_publicly


def test_criticism_with_a_large_audience_is_visible_without_reactions() -> None:
    mention = make_mention("The new flavour is awful", score=-0.6, followers=80_000)
    assert triage(mention).tier is Tier.respond_publicly


def test_an_individual_case_needing_personal_data_goes_private() -> None:
    mention = make_mention("My order #48213 never arrived", score=-0.6, likes=30)
    assert triage(mention).tier is Tier.move_to_private


def test_a_collective_complaint_is_answered_publicly_even_with_personal_words() -> None:
    mention = make_mention(
        "Everyone is waiting for their order, not just me", score=-0.6, likes=80, shares=20
    )
    assert triage(mention).tier is Tier.respond_publicly


def test_a_heated_reply_goes_private() -> None:
    mention = make_mention(
        "You idiots, your app crashed again", score=-0.8, likes=40, post_type="reply"
    )
    result = triage(mention)
    assert result.tier is Tier.move_to_private
    assert result.moderation is Moderation.keep


def test_an_unseen_customer_service_failure_goes_private() -> None:
    mention = make_mention("Customer service never answered, I will cancel", score=-0.6)
    assert triage(mention).tier is Tier.move_to_private


def test_praise_is_watched() -> None:
    result = triage(make_mention("Love it!", score=0.9, likes=500, followers=90_000))
    assert result.tier is Tier.watch


def test_a_plain_question_is_watched() -> None:
    result = triage(make_mention("Does the warranty cover the battery?", score=0.0))
    assert result.tier is Tier.watch


@pytest.mark.parametrize(
    ("kind", "network", "post_type"),
    [("journalist", "twitter", "post"), ("media", "news", "article"), ("person", "news", "post")],
)
def test_press_coverage_of_a_severe_issue_needs_the_leadership(
    kind: str, network: str, post_type: str
) -> None:
    mention = make_mention(
        "Children injured by the stroller, investigation opened",
        score=-0.7,
        kind=kind,
        network=network,
        post_type=post_type,
    )
    result = triage(mention)
    assert result.tier is Tier.executive_statement
    assert result.respond_by == NOW + timedelta(minutes=CONFIG.respond_minutes_executive)


def test_an_influencer_spreading_a_severe_issue_needs_the_leadership() -> None:
    mention = make_mention(
        "Their CEO's comments about women are disgusting. Boycott.",
        score=-0.8,
        kind="influencer",
        followers=95_000,
        likes=8_000,
        shares=3_500,
    )
    assert triage(mention).tier is Tier.executive_statement


def test_a_severe_issue_with_real_reach_needs_the_leadership() -> None:
    mention = make_mention("The heater caught fire in my living room", score=-0.8, likes=900)
    assert triage(mention).tier is Tier.executive_statement


@pytest.mark.parametrize(
    "text",
    [
        "My kid got food poisoning after eating their yogurt",
        "The brakes failed on my new car",
        "Their staff made racist remarks to me",
        "My personal data leaked after their data breach",
        "I will sue them, this is illegal",
    ],
)
def test_a_severe_issue_is_never_watched_even_without_reach(text: str) -> None:
    for score in (-0.9, 0.0, 0.8):  # the sentiment, even sarcastic, cannot hide it
        assert triage(make_mention(text, score=score)).tier is not Tier.watch


def test_a_severe_issue_without_reach_is_followed_up_privately() -> None:
    mention = make_mention("The brakes failed on my new car", score=-0.8)
    assert triage(mention).tier is Tier.move_to_private


def test_a_false_claim_that_spreads_is_corrected_publicly_not_by_the_leadership() -> None:
    mention = make_mention(
        "Your product gives people cancer, share before they delete this!!",
        score=-0.8,
        network="facebook",
        followers=2_200,
        likes=150,
        shares=300,
        comments=80,
    )
    result = triage(mention)
    assert result.tier is Tier.respond_publicly
    assert "misinformation" in result.topics


def test_a_false_claim_nobody_sees_is_watched() -> None:
    mention = make_mention("Wake up people, the truth about their soda", score=-0.5)
    assert triage(mention).tier is Tier.watch


def test_a_major_outage_in_the_press_needs_the_leadership() -> None:
    mention = make_mention(
        "Outage: thousands of sites down at the host since this morning",
        score=-0.5,
        kind="media",
        network="news",
        post_type="article",
    )
    assert triage(mention).tier is Tier.executive_statement


def test_an_outage_reported_by_customers_is_answered_publicly() -> None:
    mention = make_mention("Is the site down? Outage again", score=-0.6, likes=30, shares=10)
    assert triage(mention).tier is Tier.respond_publicly


# --- moderation -------------------------------------------------------------------------------


def test_an_insult_is_hidden_and_watched() -> None:
    result = triage(make_mention("Bande d'escrocs, allez vous faire voir", score=-0.9))
    assert (result.tier, result.moderation, result.moderation_reason) == (
        Tier.watch,
        Moderation.hide,
        "insult",
    )


def test_hidden_content_that_spreads_is_answered_calmly() -> None:
    mention = make_mention("You are all idiots", score=-0.9, likes=2_000, shares=500)
    result = triage(mention)
    assert result.moderation is Moderation.hide
    assert result.tier is Tier.respond_publicly


def test_hidden_posts_weigh_less() -> None:
    hidden = triage(make_mention("You are all idiots", score=-0.9))
    kept = triage(make_mention("You are all late", score=-0.9))
    assert hidden.risk < kept.risk


# --- risk -------------------------------------------------------------------------------------


def test_risk_grows_with_negativity_reach_and_severity() -> None:
    mild = triage(make_mention("Meh", score=-0.3)).risk
    angry = triage(make_mention("Awful", score=-0.9)).risk
    viral = triage(make_mention("Awful", score=-0.9, likes=5_000, shares=2_000)).risk
    severe = triage(
        make_mention("Awful, the battery exploded", score=-0.9, likes=5_000, shares=2_000)
    ).risk
    assert mild < angry < viral < severe <= 100


def test_network_virality_raises_risk() -> None:
    on_x = triage(make_mention("Awful", score=-0.9, likes=300, network="twitter")).risk
    on_forum = triage(make_mention("Awful", score=-0.9, likes=300, network="forum")).risk
    assert on_x > on_forum


def test_press_and_influencers_raise_risk() -> None:
    person = triage(make_mention("Awful", score=-0.9, likes=50)).risk
    influencer = triage(make_mention("Awful", score=-0.9, likes=50, kind="influencer")).risk
    journalist = triage(make_mention("Awful", score=-0.9, likes=50, kind="journalist")).risk
    assert person < influencer < journalist


def test_every_answered_mention_clears_the_hot_mention_bar() -> None:
    mention = make_mention("The new flavour is awful", score=-0.3, likes=40)
    result = triage(mention)
    assert result.tier is Tier.respond_publicly
    assert result.risk >= CONFIG.hot_mention_risk


# --- sentiment, language, confidence ------------------------------------------------------------


def test_provided_sentiment_is_kept_with_its_origin() -> None:
    result = triage(make_mention("Whatever", score=-0.42, label="negative"))
    assert (result.sentiment.score, result.sentiment.label) == (-0.42, SentimentLabel.negative)
    assert result.sentiment.origin is SentimentOrigin.provided


def test_a_lone_label_gets_a_score() -> None:
    result = triage(make_mention("Whatever", score=None, label="negative"))
    assert result.sentiment.score == -CONFIG.label_only_score
    assert result.sentiment.origin is SentimentOrigin.provided
    assert triage(make_mention("x", score=None, label="neutral")).sentiment.score == 0.0


def test_a_lone_score_gets_a_label() -> None:
    result = triage(make_mention("Whatever", score=-0.8))
    assert result.sentiment.label is SentimentLabel.negative
    assert triage(make_mention("x", score=0.8)).sentiment.label is SentimentLabel.positive


def test_missing_sentiment_is_computed_from_the_text() -> None:
    result = triage(make_mention("Terrible service, I am furious and disappointed", score=None))
    assert result.sentiment.origin is SentimentOrigin.computed
    assert result.sentiment.label is SentimentLabel.negative
    assert result.confidence < 1.0


def test_missing_language_is_detected() -> None:
    mention = make_mention("Le service client ne répond jamais, c'est une honte", language=None)
    assert triage(mention).language == "fr"


def test_a_mention_without_text_author_or_engagement_gets_low_confidence() -> None:
    bare = Mention.model_validate({"external_id": "x", "published_at": NOW.isoformat()})
    result = triage(bare)
    assert result.tier is Tier.watch
    assert result.confidence <= 0.5
    assert result.reasons[-1].code == "data.partial"
    assert result.sentiment.origin is SentimentOrigin.computed
    assert result.model_version == MODEL_VERSION


def test_confidence_is_full_with_complete_data() -> None:
    assert triage(make_mention("Great", score=0.5)).confidence == 1.0


# --- deadlines and reasons --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mention", "minutes"),
    [
        (make_mention("My order #48213 never arrived", score=-0.6), "respond_minutes_private"),
        (make_mention("Awful", score=-0.8, likes=100), "respond_minutes_public"),
    ],
)
def test_respond_by_follows_the_tier_delay(mention: Mention, minutes: str) -> None:
    result = triage(mention)
    assert result.respond_by == NOW + timedelta(minutes=getattr(CONFIG, minutes))


def test_every_reason_has_a_code_and_a_sentence() -> None:
    mention = make_mention(
        "The charger exploded, my order #12345", score=-0.9, likes=40, kind="journalist"
    )
    reasons = triage(mention).reasons
    assert reasons[0].code.startswith("tier.")
    assert {"topic.safety", "case.reference", "author.press"} <= {r.code for r in reasons}
    assert all(reason.message.endswith((".", "!")) for reason in reasons)


def test_topics_are_listed() -> None:
    result = triage(make_mention("Outage again and customer service never answered", score=-0.5))
    assert set(result.topics) == {"outage", "customer_service"}


# --- brand context ----------------------------------------------------------------------------


def crisis(tier: Tier, topics: list[str], stage: Stage = Stage.growing) -> BrandRiskAssessment:
    return BrandRiskAssessment(
        score=80,
        level=Level.critical,
        tier=tier,
        stage=stage,
        factors=[],
        playbook=[],
        window=Window(from_=NOW - timedelta(hours=24), to=NOW),
        as_of=NOW,
        top_mentions=[],
        model_version=MODEL_VERSION,
        topics=topics,
    )


def test_a_mention_on_the_crisis_topic_escalates_during_the_crisis() -> None:
    mention = make_mention("Still down, outage since this morning", score=-0.6)
    alone = triage(mention)
    during = triage(mention, crisis(Tier.respond_publicly, ["outage"]))
    assert alone.tier is Tier.watch
    assert during.tier is Tier.respond_publicly
    assert during.risk > alone.risk
    assert "brand.crisis_topic" in [reason.code for reason in during.reasons]


def test_a_visible_mention_joins_the_leadership_tier_of_a_severe_crisis() -> None:
    mention = make_mention("The brakes failed, this is dangerous", score=-0.8, likes=60)
    during = triage(mention, crisis(Tier.executive_statement, ["safety"]))
    assert during.tier is Tier.executive_statement


def test_no_escalation_off_topic_or_once_the_crisis_is_over() -> None:
    mention = make_mention("Still down, outage since this morning", score=-0.6)
    assert triage(mention, crisis(Tier.respond_publicly, ["safety"])).tier is Tier.watch
    resolved = crisis(Tier.respond_publicly, ["outage"], Stage.resolved)
    assert triage(mention, resolved).tier is Tier.watch


def test_triage_is_deterministic() -> None:
    mention = make_mention("The brakes failed, this is dangerous", score=-0.8, likes=60)
    assert triage(mention) == triage(mention)
