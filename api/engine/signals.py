"""Everything the triage reads from one mention, resolved once: sentiment, language, topics,
moderation, audience, reactions, network virality, author kind and how much data was missing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from api.engine.config import EngineConfig
from api.engine.mention import AuthorKind, Mention, Network, PostType, SentimentLabel
from api.engine.moderation import ModerationVerdict, moderate
from api.engine.schemas import ResolvedSentiment, SentimentOrigin
from api.engine.speech import BrandContext, SpeechActs, masked_aliases, speech_acts
from api.engine.text import fold, match_words
from api.engine.topics import TopicFindings, find_topics

# Long articles are read up to here: risk words appear early, and the cost of a triage must stay
# bounded whatever a tool sends (the canonical mention allows 40,000 characters).
MAX_ANALYSED_CHARS = 8_000

# Topics whose words alone report something wrong ("stopped working", "no answer", "a rash").
COMPLAINT_TOPICS = frozenset(
    {
        "product_defect",
        "outage",
        "customer_service",
        "safety",
        "health",
        "legal",
        "discrimination",
        "privacy",
    }
)
_PRESS_KINDS = frozenset({AuthorKind.journalist, AuthorKind.media})
_THREAD_POST_TYPES = frozenset({PostType.reply, PostType.comment})


@dataclass(frozen=True, slots=True)
class MentionSignals:
    """What one mention says and how far it can travel."""

    sentiment: ResolvedSentiment
    language: str | None
    findings: TopicFindings
    speech: SpeechActs
    """What the mention does: addressed to the brand, asks, demands, states a problem."""
    moderation: ModerationVerdict
    audience: int
    """Followers or tool-estimated reach, whichever is larger."""
    reactions: float
    """Likes + weighted shares, comments and views."""
    virality: float
    """How fast the network spreads posts, 0-1."""
    author_kind: AuthorKind
    verified: bool
    press: bool
    influencer: bool
    exposure: float
    """Audience, reactions and author weight on a log scale, adjusted by virality, 0-1."""
    visible: bool
    real_reach: bool
    in_thread: bool
    missing: tuple[str, ...]
    """What the listening tool did not send: text, author, engagement, sentiment, language."""
    confidence: float
    criticism_floor: float
    """Negativity from which a negative mention is a criticism (`criticism_min_negativity`)."""

    @property
    def negativity(self) -> float:
        return max(0.0, -self.sentiment.score)

    @property
    def positivity(self) -> float:
        """How positive a mention labelled positive is, 0 otherwise: the lean of a neutral score
        (one glad thing named, +0.004) is no praise, and switches no complaint rule off."""
        if self.sentiment.label is not SentimentLabel.positive:
            return 0.0
        return max(0.0, self.sentiment.score)

    @property
    def negative(self) -> bool:
        return self.sentiment.label is SentimentLabel.negative

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(self.findings.topics)

    @property
    def complains(self) -> bool:
        """States a problem, demands redress, criticises, or reports a defect, an outage or a
        service failure: a complaint whatever its tone."""
        return (
            self.speech.states_problem
            or (self.negative and self.negativity >= self.criticism_floor)
            or (
                (self.positivity == 0.0 or self.speech.irony_marker)
                and not self.findings.topics.keys().isdisjoint(COMPLAINT_TOPICS)
            )
        )


def mention_signals(
    mention: Mention, config: EngineConfig, brand: BrandContext | None = None
) -> MentionSignals:
    text = _analysed_text(mention)
    language = mention.language or (_detect_language(text) if text else None)
    speech = speech_acts(
        text,
        language,
        brand,
        replies_to_brand=_replies_to_brand(mention, brand),
        vendor_addressed=bool(mention.addressed_to_brand),
    )
    sentiment = resolve_sentiment(mention, text, language, config, speech)
    # The brand's own names are not words of the mention: "Free" is an ISP, not a spam word.
    lexical_text = masked_aliases(text, brand)
    words = match_words(lexical_text)
    findings = find_topics(words, lexical_text, language)
    verdict = moderate(words, lexical_text, findings, config, speech)

    kind = author_kind(mention)
    verified = bool(mention.author and mention.author.verified)
    audience = audience_of(mention)
    reactions = _weighted_reactions(mention, config)
    virality = config.network_virality.get(mention.network.value, 0.5)
    press = is_press(mention)
    influencer = kind is AuthorKind.influencer or (
        verified and audience >= config.influencer_audience
    )
    exposure = _exposure(audience, reactions, kind, verified, virality, config)
    missing = _missing_data(mention, text, language)
    return MentionSignals(
        sentiment=sentiment,
        language=language,
        findings=findings,
        speech=speech,
        moderation=verdict,
        audience=audience,
        reactions=reactions,
        virality=virality,
        author_kind=kind,
        verified=verified,
        press=press,
        influencer=influencer,
        exposure=exposure,
        visible=(
            press
            or influencer
            or reactions >= config.visible_reactions
            or audience >= config.visible_audience
        ),
        real_reach=(
            reactions >= config.real_reach_reactions or audience >= config.real_reach_audience
        ),
        in_thread=mention.post_type in _THREAD_POST_TYPES or mention.parent_external_id is not None,
        missing=missing,
        confidence=_confidence(missing, config),
        criticism_floor=config.criticism_min_negativity,
    )


def _replies_to_brand(mention: Mention, brand: BrandContext | None) -> bool:
    if brand is None or not mention.in_reply_to:
        return False
    return fold(mention.in_reply_to).lstrip("@").strip() in brand.handle_set()


def author_kind(mention: Mention) -> AuthorKind:
    return mention.author.kind if mention.author else AuthorKind.unknown


def audience_of(mention: Mention) -> int:
    """Followers or the tool's estimated reach, whichever is larger."""
    followers = (mention.author.followers or 0) if mention.author else 0
    return max(followers, mention.reach or 0)


def is_press(mention: Mention) -> bool:
    """Written by a journalist or a media outlet, or published as a news article."""
    return (
        author_kind(mention) in _PRESS_KINDS
        or mention.network is Network.news
        or mention.post_type is PostType.article
    )


def resolve_sentiment(
    mention: Mention,
    text: str,
    language: str | None,
    config: EngineConfig,
    speech: SpeechActs | None = None,
) -> ResolvedSentiment:
    """The tool's sentiment when it sent one (completing a lone score or label), else computed.

    A computed sentiment is the sentiment of the problem, not of the courtesy: a text that states
    a problem (or wraps one in sarcasm) is never positive, however many "thanks" it holds.
    """
    provided = mention.sentiment
    if provided is not None and provided.score is not None:
        label = provided.label or _label_for_score(provided.score)
        return ResolvedSentiment(score=provided.score, label=label, origin=SentimentOrigin.provided)
    if provided is not None and provided.label is not None:
        score = {
            SentimentLabel.negative: -config.label_only_score,
            SentimentLabel.neutral: 0.0,
            SentimentLabel.positive: config.label_only_score,
        }[provided.label]
        return ResolvedSentiment(score=score, label=provided.label, origin=SentimentOrigin.provided)
    score = _score_text(text, language) if text else 0.0
    # The problem sets the sentiment when it is told to the brand (a customer's case), or beside
    # courtesy ("thanks", "please") or irony ("great job", "merci pour rien"), which lift its
    # words above zero. Elsewhere the lexicon's reading stands: flooring every post with a
    # problem cue ("what happened", "for the 5th time", "should have") made general posts
    # negative (SemEval train macro-F1 0.653 -> 0.637), while X-CI complaints to care accounts
    # read negative at 73 % with the floor, 53 % without, 73 % with this rule.
    if (
        speech is not None
        and speech.states_problem
        and (speech.addressed or speech.courtesy or speech.irony_marker)
        and score > -config.problem_negativity
    ):
        score = -config.problem_negativity
    return ResolvedSentiment(
        score=score, label=_label_for_score(score), origin=SentimentOrigin.computed
    )


def _analysed_text(mention: Mention) -> str:
    parts = [part for part in (mention.title, mention.text) if part and part.strip()]
    return "\n".join(parts)[:MAX_ANALYSED_CHARS]


def _weighted_reactions(mention: Mention, config: EngineConfig) -> float:
    engagement = mention.engagement
    if engagement is None:
        return 0.0
    return (
        engagement.likes
        + config.share_weight * engagement.shares
        + config.comment_weight * engagement.comments
        + config.view_weight * engagement.views
    )


def _exposure(
    audience: int,
    reactions: float,
    kind: AuthorKind,
    verified: bool,
    virality: float,
    config: EngineConfig,
) -> float:
    audience_part = min(1.0, math.log10(1 + audience) / config.audience_log_max)
    reactions_part = min(1.0, math.log10(1 + reactions) / config.reactions_log_max)
    author_part = max(
        config.author_weight.get(kind.value, 0.0), config.verified_weight if verified else 0.0
    )
    base = (
        config.exposure_audience_weight * audience_part
        + config.exposure_reactions_weight * reactions_part
        + config.exposure_author_weight * author_part
    )
    network_factor = 1.0 - config.virality_mix + config.virality_mix * virality
    return min(1.0, base * network_factor)


def _missing_data(mention: Mention, text: str, language: str | None) -> tuple[str, ...]:
    missing: list[str] = []
    if not text:
        missing.append("text")
    if mention.author is None or (
        mention.author.followers is None and mention.author.kind is AuthorKind.unknown
    ):
        missing.append("author")
    if mention.engagement is None:
        missing.append("engagement")
    if mention.sentiment is None or (
        mention.sentiment.score is None and mention.sentiment.label is None
    ):
        missing.append("sentiment")
    if language is None:
        missing.append("language")
    return tuple(missing)


def _confidence(missing: tuple[str, ...], config: EngineConfig) -> float:
    penalties = {
        "text": config.confidence_missing_text,
        "author": config.confidence_missing_author,
        "engagement": config.confidence_missing_engagement,
        "sentiment": config.confidence_computed_sentiment,
        "language": config.confidence_unknown_language,
    }
    penalty = sum(penalties[item] for item in missing)
    return round(max(config.confidence_min, 1.0 - penalty), 2)


def _score_text(text: str, language: str | None) -> float:
    # Imported on first use: the lexicons load only when a tool sends no sentiment.
    from api.engine.sentiment import score_sentiment

    return max(-1.0, min(1.0, score_sentiment(text, language)))


def _label_for_score(score: float) -> SentimentLabel:
    from api.engine.sentiment import label_for_score

    return label_for_score(score)


def _detect_language(text: str) -> str | None:
    from api.engine.language import detect_language

    return detect_language(text)
