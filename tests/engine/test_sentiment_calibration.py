"""Sentiment calibration and the supplementary published lexicons (issue 10, item 3)."""

from __future__ import annotations

import json
import math
import re
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.engine import sentiment, triage_mention
from api.engine.sentiment import (
    FEATURES,
    NEGATIVE_BELOW,
    POSITIVE_ABOVE,
    label_for_score,
    score_sentiment,
)
from api.engine.speech import BrandContext, speech_acts
from api.mentions.schemas import SentimentLabel
from tests.engine.factories import CONFIG, NOW, make_mention

_LEXICONS = resources.files("api.engine.lexicons")


def _supplement(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(_LEXICONS.joinpath(name).read_text("utf-8"))
    return data


def test_vader_supplement_carries_its_mit_licence_and_attribution() -> None:
    data = _supplement("sentiment_en_vader.json")
    assert "VADER" in str(data["about"])
    assert "Hutto" in str(data["about"])
    assert data["licence"] == "MIT"
    text = str(data["licence_text"])
    assert "Copyright (c) 2016 C.J. Hutto" in text
    # The MIT licence asks for its permission notice in every copy.
    assert "The above copyright notice and this permission notice shall be included" in text


def test_french_supplement_names_its_authors_and_public_domain_dedication() -> None:
    data = _supplement("sentiment_fr_pattern.json")
    assert "Tom De Smedt" in str(data["about"])
    assert "Walter Daelemans" in str(data["about"])
    assert data["licence"] == "PDDL-1.0"
    assert "opendatacommons.org/licenses/pddl" in str(data["licence_text"])


def test_vader_fr_supplement_carries_its_mit_licence_and_translators() -> None:
    data = _supplement("sentiment_fr_vader.json")
    assert "Olivier Deprez" in str(data["source"])
    assert "Thomas Ek" in str(data["source"])
    assert "vaderSentiment-fr 1.3.4" in str(data["source"])
    assert data["licence"] == "MIT"
    assert "The above copyright notice and this permission notice shall be included" in str(
        data["licence_text"]
    )


def test_vader_fr_holds_only_what_neither_french_lexicon_reaches() -> None:
    vader_fr = _supplement("sentiment_fr_vader.json")["words"]
    pattern = _supplement("sentiment_fr_pattern.json")["words"]
    assert isinstance(vader_fr, dict)
    assert isinstance(pattern, dict)
    assert not vader_fr.keys() & pattern.keys()
    # Operators of the rules are no opinion: "vraiment nul" stays stronger than "nul".
    for word in ("vraiment", "tres", "trop", "pas", "jamais", "mais", "super", "si"):
        assert word not in vader_fr, word
    assert score_sentiment("Service vraiment nul", "fr") < score_sentiment("Service nul", "fr")


def test_labmt_supplement_carries_its_cc_by_attribution() -> None:
    data = _supplement("sentiment_en_labmt.json")
    assert data["licence"] == "CC BY"
    source = str(data["source"])
    # CC BY asks for attribution: the authors, the article and where the list was read.
    for part in ("Dodds PS", "Danforth CM", "PLoS ONE 6(12): e26752", "labMTsimple 2.8.8"):
        assert part in source, part


def test_labmt_holds_only_everyday_words_no_opinion_lexicon_reaches() -> None:
    words = _supplement("sentiment_en_labmt.json")["words"]
    assert isinstance(words, dict)
    for word in words:
        assert sentiment._extra_valence(word, "en") == 0.0, word  # VADER keeps its own words
    # Operators of the rules are no topic: a valence would count them twice.
    assert not words.keys() & sentiment.OPERATORS
    assert {"never", "very", "really", "would", "pretty", "without"} <= sentiment.OPERATORS
    # The weakest channel: under VADER's strong words (±2 and beyond), never over them.
    assert max(abs(float(value)) for value in words.values()) < 2.0


def test_a_word_only_vader_fr_knows_is_french_evidence() -> None:
    # Words of neither hand-written nor Pattern's lexicon, found by the third channel.
    vader_fr = _supplement("sentiment_fr_vader.json")["words"]
    assert isinstance(vader_fr, dict)
    negative = next(w for w, v in sorted(vader_fr.items()) if float(v) <= -2.0)
    assert sentiment._extra_valence(negative, "fr") <= -2.0
    assert sentiment._extra_valence(negative, "en") == 0.0  # French evidence, not English


@pytest.mark.parametrize(
    ("name", "own"),
    [
        ("sentiment_en_vader.json", "en"),
        ("sentiment_fr_pattern.json", "fr"),
        ("sentiment_fr_vader.json", "fr"),
        ("sentiment_en_labmt.json", "en"),
    ],
)
def test_supplements_are_well_formed_and_never_override_our_lexicon(name: str, own: str) -> None:
    words = _supplement(name)["words"]
    assert isinstance(words, dict)
    assert len(words) > 500
    for word, value in words.items():
        assert -4.0 <= float(value) <= 4.0, word
        assert value != 0, word
        # Stored as the engine looks them up: folded, single words.
        assert word == sentiment._normalise(word), word
        assert word.isalpha(), word
        # Only words our hand-written lexicon lacks: it keeps the last word on every entry.
        assert sentiment._valence(word, own) == 0.0, word


def test_calibration_file_matches_the_engine_features() -> None:
    data = json.loads(_LEXICONS.joinpath("sentiment_calibration.json").read_text("utf-8"))
    assert tuple(data["features"]) == FEATURES
    assert data["labels"] == ["negative", "neutral", "positive"]
    assert set(data["weights"]) == {"en", "fr", "*"}
    for rows in data["weights"].values():
        assert len(rows) == 3
        for row in rows:
            assert len(row) == len(FEATURES) + 1
            assert all(math.isfinite(w) for w in row)
    # Fitted, not the zeros of a placeholder: every lexicon tells strong praise from strong blame.
    for key in ("en", "fr", "*"):
        assert sentiment._CALIBRATION[key] == tuple(tuple(row) for row in data["weights"][key])
    assert score_sentiment("excellent, perfect, wonderful", "en") > 0.5
    assert score_sentiment("horrible, disgusting, awful", "en") < -0.5
    assert score_sentiment("excellent, parfait, génial", "fr") > 0.5
    assert score_sentiment("horrible, honteux, lamentable", "fr") < -0.5
    assert score_sentiment("excellent, perfect, génial", "und") > 0.5


_TEXT = st.lists(
    st.sampled_from(
        [
            "great", "awful", "not", "very", "but", "thanks", "please", "?", "!", "#sarcasm",
            "génial", "nul", "merci", "pas", "mais", ":)", "😡", "http://x.co/a", "the", "le",
            "sublime", "dreadful", "superbe", "minable", "delay", "help", ".",
        ]
    ),
    max_size=12,
).map(" ".join)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(text=_TEXT, language=st.sampled_from(["en", "fr", None, "und"]))
def test_the_label_of_the_score_is_the_most_likely_label(text: str, language: str | None) -> None:
    evidence = sentiment._evidence(text, language)
    score = score_sentiment(text, language)
    assert -1.0 <= score <= 1.0
    if evidence is None or not (evidence.values or evidence.extra):
        assert score == 0.0
        return
    features = sentiment._features(evidence, text)
    probabilities = sentiment._allowed(features, sentiment._probabilities(features, evidence.key))
    best = max(range(3), key=lambda k: (probabilities[k], k == 1))
    expected = (SentimentLabel.negative, SentimentLabel.neutral, SentimentLabel.positive)[best]
    assert label_for_score(score) is expected, (probabilities, score)


# Posts of our own the engine before the calibration read wrong (all neutral but the last, read
# positive): a blame word only VADER lists, and a question whose praise is a wish.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("She looked crestfallen after the interview", SentimentLabel.negative),
        ("Such a neglectful landlord", SentimentLabel.negative),
        (
            "Does anyone know if the store is open on Sunday? That would be great",
            SentimentLabel.neutral,
        ),
    ],
)
def test_cases_the_uncalibrated_rules_missed(text: str, expected: SentimentLabel) -> None:
    assert label_for_score(score_sentiment(text, "en")) is expected


def test_a_lone_mild_supplementary_blame_word_leans_negative() -> None:
    # On the knife edge: one VADER-only word of valence -2 in a short post without marks. The
    # refit of session 3 (set phrases) put it neutral by 0.004 of probability (0.435 negative,
    # 0.439 neutral; it was 0.441 / 0.439); stronger ones (`crestfallen` -2.5) stay negative.
    assert score_sentiment("What a vexing afternoon", "en") < 0


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Thanks a lot for cancelling my flight, really great service #sarcasm", "en"),
        ("Merci beaucoup, toujours pas de connexion depuis 3 jours, c'est nul", "fr"),
        ("Super, encore un colis perdu, bravo #ironie", "fr"),
        ("Great job guys, the app crashed again, thanks", "en"),
    ],
)
def test_courtesy_and_sarcasm_never_make_a_blamed_problem_positive(
    text: str, language: str
) -> None:
    assert score_sentiment(text, language) < NEGATIVE_BELOW


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("you charged me 5 times, can you please help, thanks!", "en"),
        ("my parcel never arrived, could you please check? thank you so much!", "en"),
        ("bonjour, ma box ne marche plus depuis hier, merci de votre aide !", "fr"),
    ],
)
def test_a_polite_problem_is_still_negative_once_triaged(text: str, language: str) -> None:
    # The calibration may read the courtesy of these posts as praise (no blame word in them):
    # the problem statement the speech acts find puts the triage's sentiment under the cut.
    triage = triage_mention(
        make_mention(text, score=None, language=language), now=NOW, config=CONFIG
    )
    assert triage.sentiment.label is SentimentLabel.negative, triage.sentiment


@pytest.mark.parametrize(
    "text",
    [
        "@acme my new card was supposed to come last week, nothing yet",
        "@acme the new update logged me out of my account, can't get back in",
    ],
)
def test_a_problem_told_to_the_brand_is_negative_without_an_opinion_word(text: str) -> None:
    # No opinion word: the text alone reads neutral (its everyday words, "new", "update", lean
    # it by less than 0.01). Written to the brand, it is a customer's case, and the problem sets
    # its sentiment; about the brand, the lexicon's reading stands.
    assert label_for_score(score_sentiment(text, "en")) is SentimentLabel.neutral
    acme = BrandContext(handles=("@acme",), aliases=())
    told = triage_mention(make_mention(text, score=None), now=NOW, config=CONFIG, brand=acme)
    assert told.sentiment.label is SentimentLabel.negative, told.sentiment
    about = text.replace("@acme ", "")
    untold = triage_mention(make_mention(about, score=None), now=NOW, config=CONFIG, brand=acme)
    assert untold.sentiment.label is SentimentLabel.neutral, untold.sentiment


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # Problem-like cues ("for the 5th time", "should have") beside praise, in posts to no
        # brand, without courtesy or irony: the floor is for a problem told to the brand and
        # for politeness and sarcasm, not for every cue.
        ("Seeing them live for the 5th time tomorrow, best band ever!", "en"),
        ("I should have bought this blender years ago, it is wonderful", "en"),
        ("Pour la troisième fois au concert ce soir, j'adore ce groupe !", "fr"),
    ],
)
def test_praise_beside_a_problem_like_cue_stays_positive(text: str, language: str) -> None:
    assert score_sentiment(text, language) > POSITIVE_ABOVE
    assert speech_acts(text, language).states_problem  # the cue is there: the floor could act
    triage = triage_mention(
        make_mention(text, score=None, language=language), now=NOW, config=CONFIG
    )
    assert triage.sentiment.label is SentimentLabel.positive, triage.sentiment


@pytest.mark.parametrize(
    ("text", "language", "never"),
    [
        # A question or exclamations beside praise alone: neutral at worst, never blame.
        ("Vous savez si la nouvelle carte est valable en magasin ?", "fr", SentimentLabel.negative),
        ("Le nouveau forfait est-il vraiment avantageux ?", "fr", SentimentLabel.negative),
        ("Nouvelle boutique ouverte à Lyon !!!", "fr", SentimentLabel.negative),
        # Blame alone is never read as praise, whatever the marks around it.
        ("Delayed again!!! see you next year", "en", SentimentLabel.positive),
        ("Encore en retard ?! https://exemple.fr/info", "fr", SentimentLabel.positive),
    ],
)
def test_marks_weigh_the_evidence_never_reverse_it(
    text: str, language: str, never: SentimentLabel
) -> None:
    assert label_for_score(score_sentiment(text, language)) is not never


def test_no_evidence_stays_exactly_neutral_whatever_the_marks() -> None:
    # A question, a link or exclamations alone carry no sentiment: the calibration is not asked.
    for text in ("where is it?", "http://example.com/x !!!", "@brand #order 1234"):
        assert score_sentiment(text, "en") == 0.0


def test_the_things_a_post_names_speak_where_no_opinion_word_does() -> None:
    # No word of ours or VADER's: read 0.0 before the topical channel ("concert", "weekend").
    text = "Guess who is going to see Foo Fighters in concert this weekend!!!"
    evidence = sentiment._evidence(text, "en")
    assert evidence is not None
    assert not evidence.opinion
    assert label_for_score(score_sentiment(text, "en")) is SentimentLabel.positive


@pytest.mark.parametrize("text", ["Taxes and bills again", "Flu, fever and a cough since Monday"])
def test_the_things_a_post_names_reinforce_a_mild_opinion(text: str) -> None:
    # One mild blame word ("again", VADER's "cough"): neutral (-0.02) before the topical channel.
    assert label_for_score(score_sentiment(text, "en")) is SentimentLabel.negative


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Glad things named beside blame: the blame is all that counts.
        ("@acme photos of the damage", SentimentLabel.negative),
        ("My birthday weekend was ruined by a cancelled flight", SentimentLabel.negative),
        ("Worst concert ever", SentimentLabel.negative),
        # A sad thing named beside praise: the praise is all that counts.
        ("Great news, my dad is out of hospital", SentimentLabel.positive),
    ],
)
def test_a_thing_named_never_outweighs_what_the_author_says_of_it(
    text: str, expected: SentimentLabel
) -> None:
    evidence = sentiment._evidence(text, "en")
    assert evidence is not None
    words = [sentiment._normalise(word) for word in re.findall(r"[A-Za-z]+", text)]
    topical = [sentiment._topical_valence(word, "en") for word in words]
    side = 1.0 if expected is SentimentLabel.positive else -1.0
    # The topical channel knows words of the other side here ...
    assert any(value * side < 0 for value in topical), topical
    # ... and none of them joins the evidence.
    assert all(value * side > 0 for value in (*evidence.values, *evidence.extra) if value)
    assert label_for_score(score_sentiment(text, "en")) is expected


def test_french_posts_get_no_english_topical_reading() -> None:
    # labMT's French list lowered DEFT's cross-validated macro-F1: French has no topical channel.
    assert sentiment._topical_valence("weekend", "fr") == 0.0
    assert score_sentiment("Le concert de samedi à la plage", "fr") == 0.0
    assert sentiment._topical_valence("weekend", "en") > 0
