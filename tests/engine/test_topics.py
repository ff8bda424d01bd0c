"""Risk topics and playbook cues from the FR+EN lexicons."""

from __future__ import annotations

import pytest

from api.engine.lexicon import TermMatcher
from api.engine.text import match_words
from api.engine.topics import TopicFindings, find_topics


def findings(text: str) -> TopicFindings:
    return find_topics(match_words(text), text)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("The charger exploded and burned my hand", "safety"),
        ("Ce siège auto est dangereux, mon fils s'est blessé", "safety"),
        ("Rappel produit : des morceaux de verre dans les pots", "safety"),
        ("The brake pedal got stuck on the motorway", "safety"),
        ("La pédale de frein est restée bloquée", "safety"),
        ("Got food poisoning after eating their salad", "health"),
        ("Intoxication alimentaire, toute la famille aux urgences", "health"),
        ("They are facing a class action lawsuit", "legal"),
        ("Je vais porter plainte, c'est illégal", "legal"),
        ("The manager made racist remarks to my friend", "discrimination"),
        ("Refus de service : c'est de la discrimination", "discrimination"),
        ("Their comments about women engineers are disgusting", "discrimination"),
        ("They sold customer data without consent", "privacy"),
        ("Fuite de données personnelles chez eux", "privacy"),
        ("Is the site down for everyone? Outage since 9am", "outage"),
        ("L'appli est en panne, impossible de se connecter", "outage"),
        ("The zipper broke after two days, poor quality", "product_defect"),
        ("Le produit est arrivé cassé", "product_defect"),
        ("Customer service never answered my emails", "customer_service"),
        ("Service client injoignable, personne ne répond", "customer_service"),
        ("My parcel never arrived", "delivery"),
        ("Toujours pas reçu, livraison en retard", "delivery"),
        ("Where is my order?", "order"),
        ("Ma commande est introuvable", "order"),
        ("I can't access my account anymore", "account"),
        ("I was charged twice, I want a refund", "billing"),
        ("Prélevé deux fois, je veux être remboursé", "billing"),
        ("My reservation was cancelled without notice", "booking"),
        ("My email is in my profile, DM me", "personal_data"),
        ("Way too expensive now, what a rip-off", "price"),
        ("Les prix ont encore augmenté, trop cher", "price"),
        ("Share before they delete this: the truth about their food", "misinformation"),
        ("Partagez avant que ce soit supprimé, on nous cache tout", "misinformation"),
    ],
)
def test_topic_is_found_in_french_and_english(text: str, topic: str) -> None:
    assert topic in findings(text).topics


@pytest.mark.parametrize(
    "text",
    [
        "I accidentally ordered two, my bad",  # not an accident
        "Une jolie plante verte offerte en magasin",  # a plant, not a crash
        "J'adore la police du nouveau logo",  # a font, not the police
        "Offre exclusive sur les produits d'origine France",  # no discrimination
        "Ce gâteau est mort de bon",  # slang, nobody died
        "My phone battery died, time for a new one",  # a battery, not a death
        "Trop court ce film",  # French "court" is short, not a lawsuit
        "Love this jewelry, absolutely disgusting price though",  # jewel is not jew
    ],
)
def test_ambiguous_words_do_not_raise_a_severe_topic(text: str) -> None:
    severe = {"safety", "health", "legal", "discrimination", "privacy"}
    assert severe.isdisjoint(findings(text).topics)


def test_accents_case_and_plurals_do_not_matter() -> None:
    assert "safety" in findings("DANGEREUSES ces poussettes").topics
    assert "health" in findings("Deux HÔPITAUX ont signalé des cas").topics
    assert "delivery" in findings("Mes colis sont perdus").topics


def test_topics_carry_the_words_that_revealed_them() -> None:
    topics = findings("Their brakes failed and it is dangerous").topics
    assert "dangerous" in topics["safety"]


def test_topic_detection_ignores_sentiment_so_sarcasm_cannot_hide_it() -> None:
    # The text reads as praise; the safety words are what matters.
    assert "safety" in findings("Great job, the brakes failed again, love it").topics


def test_case_reference_is_recognised() -> None:
    assert findings("Commande n°48213 jamais reçue").case_reference
    assert findings("Ticket #55231 still open").case_reference
    assert findings("ref AB-12345 please").case_reference
    assert not findings("Open 24/7, call us at noon").case_reference
    # A flight, train, order or file named by its code is one traveller's or customer's case.
    assert findings("flight AC123 cancelled, nobody tells us anything").case_reference
    assert findings("vol AF1234 annulé").case_reference
    assert findings("dossier 882 toujours pas traité").case_reference
    assert not findings("train 8:15 delayed again").case_reference
    assert not findings("my flight to Lisbon was great").case_reference


def test_personal_case_comes_from_personal_topics_or_a_reference() -> None:
    assert findings("Where is my order?").personal_case
    assert findings("Dossier 1234567 bloqué").personal_case
    assert not findings("Their new ad is weird").personal_case


def test_collective_cue() -> None:
    assert findings("Not just me, everyone has the issue").collective
    assert findings("Déjà 200 témoignages sous ce post").collective
    assert not findings("My parcel is late").collective


def test_substantive_means_a_concrete_topic_or_a_criticised_thing() -> None:
    assert findings("Their ad is racist").substantive
    assert findings("My parcel is late").substantive
    assert not findings("Racist garbage brand").substantive


def test_matcher_supports_words_stems_and_phrases() -> None:
    matcher = TermMatcher({"a": ("brake", "discrimin*", "caught fire", "pedal* stuck")})
    found = matcher.find_in("Brakes? Discriminatory! The car caught fire, pedals stuck.")
    assert found == {"a": ["brake", "discrimin*", "caught fire", "pedal* stuck"]}


def test_matcher_rejects_a_too_short_stem() -> None:
    with pytest.raises(ValueError, match="shorter"):
        TermMatcher({"a": ("ab*",)})


@pytest.mark.parametrize(
    "text",
    [
        "The toast came out burnt, my fault",
        "Le pain était un peu brûlé aujourd'hui",
        "Such a toxic fanbase lol",
        "Best hospitality in town",
        "You killed it with this collab",
        "Franchement ce concert était mortel",
        "J'ai explosé de rire devant la pub",
        "My data plan ran out again",
        "Stop harassing me with your newsletters",
        "Fatal error when I open the app",
        "I ordered it by accident",
        "My phone is stuck on the logo screen",
        "The truth about our new recipe: it's delicious",
    ],
)
def test_everyday_and_figurative_words_do_not_raise_a_severe_topic(text: str) -> None:
    severe = {"safety", "health", "legal", "discrimination", "privacy", "misinformation"}
    assert severe.isdisjoint(findings(text).topics), findings(text).topics


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("The battery exploded in my hand", "safety"),
        ("Mon téléphone a pris feu pendant la charge", "safety"),
        ("They sold our personal information to advertisers", "privacy"),
        ("Mes données bancaires ont fuité", "privacy"),
        ("Sexual harassment by the store manager", "discrimination"),
    ],
)
def test_two_words_together_reveal_a_topic(text: str, topic: str) -> None:
    assert topic in findings(text).topics
