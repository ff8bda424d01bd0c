"""Language detection of short brand posts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.engine.language import LANGUAGES, detect_language


@pytest.mark.parametrize(
    "text",
    [
        "Toujours pas reçu ma commande, c'est inadmissible",
        "Merci @Fnac pour la livraison rapide !",
        "Le service client ne répond jamais, je suis dégoûté",
        "Quelqu'un a eu le même problème avec la box ?",
        "J'adore leur nouvelle collection #mode",
        "Service client nul",
        "Bonjour, mon colis est bloqué depuis une semaine",
        "C'est une honte",
        "l\u2019appli plante encore",  # typographic apostrophe
    ],
)
def test_french_posts_are_fr(text: str) -> None:
    assert detect_language(text) == "fr"


@pytest.mark.parametrize(
    "text",
    [
        "Still waiting for my refund @Amazon",
        "Worst customer service ever, never again",
        "Thanks for the quick reply!",
        "My order hasn't arrived yet, can you help?",
        "I love the new update, great job",
        "The app keeps crashing when I open it",
        "Why is nobody answering the phone?",
        "It's been two weeks and I'm still waiting",
    ],
)
def test_english_posts_are_en(text: str) -> None:
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Todavía no he recibido mi pedido y nadie me responde", "es"),
        ("Ich warte immer noch auf meine Bestellung, das ist nicht gut", "de"),
        ("Non ho ancora ricevuto il mio ordine, che vergogna", "it"),
        ("Ainda não recebi o meu pedido, isso é um absurdo", "pt"),
    ],
)
def test_other_common_languages(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    "text", ["", "   ", "ok", "👍👍", "@marque", "https://example.com/page", "12:30", "#"]
)
def test_too_little_evidence_is_none(text: str) -> None:
    assert detect_language(text) is None


def test_urls_and_handles_do_not_vote() -> None:
    # An English URL slug and handle must not outvote a French sentence.
    text = "@the_best_of_you regardez ça https://example.com/the-best-of-the-year-in-review"
    assert detect_language(text) == "fr"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_detection_is_total_and_deterministic(text: str) -> None:
    found = detect_language(text)
    assert found is None or found in LANGUAGES
    assert detect_language(text) == found
