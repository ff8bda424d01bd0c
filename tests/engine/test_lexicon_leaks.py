"""Lexicons match each language on its own and on word boundaries (issue 10, failure class 4):
one test per leak class seen on real traffic."""

from __future__ import annotations

import pytest

from api.engine import triage_mention
from api.engine.text import match_words
from api.engine.topic_lexicon import TOPIC_BLOCKS, terms_by_language
from api.engine.topics import find_topics
from tests.engine.factories import CONFIG, NOW, make_mention


def topics(text: str, language: str | None) -> set[str]:
    return set(find_topics(match_words(text), text, language).topics)


@pytest.mark.parametrize("language", ["en", None])
def test_english_process_is_not_a_french_trial(language: str | None) -> None:
    assert "legal" not in topics("The refund process takes forever", language)
    assert "legal" in topics("Un procès contre la marque est ouvert", "fr")
    assert "legal" in topics("Un procès contre la marque est ouvert", None)


@pytest.mark.parametrize("language", ["en", None])
def test_a_penalty_is_not_penal(language: str | None) -> None:
    assert "legal" not in topics("They charged me a late payment penalty", language)
    assert "legal" in topics("Je porte plainte au pénal", "fr")


@pytest.mark.parametrize("language", ["en", None])
def test_insult_to_injury_is_no_safety_issue(language: str | None) -> None:
    text = "And to add insult to injury, they cancelled my order"
    assert "safety" not in topics(text, language)
    assert "safety" in topics("My son was injured by the toy", language)


@pytest.mark.parametrize(
    ("text", "language", "topic"),
    [
        ("This wait is killing me", "en", "safety"),
        ("Sick of waiting for my parcel", "en", "health"),
        ("Mort de rire avec leur nouvelle pub", "fr", "safety"),
        ("Ce burger est une tuerie", "fr", "safety"),
    ],
)
def test_idioms_raise_no_severe_topic(text: str, language: str, topic: str) -> None:
    assert topic not in topics(text, language)
    triage = triage_mention(
        make_mention(text, score=None, language=language), now=NOW, config=CONFIG
    )
    assert topic not in triage.topics


def test_french_words_are_not_read_in_english_text() -> None:
    # `sav` (service après-vente), `prix`, `colis` are French; in English they mean nothing.
    assert "customer_service" not in topics("Sav is my friend's name", "en")
    assert "customer_service" in topics("Le SAV ne répond pas", "fr")


def test_english_words_are_not_read_in_french_text() -> None:
    # "bill" (a French first name) and "fire" in a French post are not billing or safety.
    assert "billing" not in topics("Bill a adoré le concert", "fr")
    assert "billing" in topics("My bill doubled this month", "en")


@pytest.mark.parametrize(
    "text",
    [
        "Bill does not end chain migration, oppose it",  # a law
        "Can you confirm this is from the Bills game last night?",  # a team
        "Just finished collecting a complete set of limited edition collectors bills",  # notes
        "Bill Gates gave a talk at the conference",  # a name
    ],
)
def test_a_bill_that_is_nobodys_bill_is_not_billing(text: str) -> None:
    # A bare "bill" sent law, teams, banknotes and names to private as personal billing cases.
    assert "billing" not in topics(text, "en")


@pytest.mark.parametrize(
    "text",
    [
        "@acme my phone bill is wrong again",
        "Again a huge bill shock despite all the earlier calls",
        "You charged me twice on the bill",
        "why are my bills so high since March",
        "The electricity bill was 300 euros this month",
    ],
)
def test_somebodys_bill_is_billing(text: str) -> None:
    assert "billing" in topics(text, "en")


def test_stems_match_word_starts_only() -> None:
    # `nique*` (French insult) must not fire inside "technique"; `penal` not inside "repenalise".
    triage = triage_mention(
        make_mention("Le support technique est unique", score=None, language="fr"),
        now=NOW,
        config=CONFIG,
    )
    assert triage.moderation.value == "keep"
    assert "legal" not in topics("Impenalisable", None)


def test_unknown_language_uses_both_lexicons() -> None:
    assert {"outage", "delivery"} <= topics("panne générale and my parcel never arrived", None)


@pytest.mark.parametrize("topic", sorted(TOPIC_BLOCKS))
def test_every_topic_has_words_in_both_languages(topic: str) -> None:
    terms = terms_by_language(TOPIC_BLOCKS[topic])
    assert terms["en"], topic
    assert terms["fr"], topic
