"""Only spam, insults, trolling, hate and doxxing may be hidden; criticism is always kept."""

from __future__ import annotations

import pytest

from api.engine.moderation import ModerationVerdict, moderate
from api.engine.text import match_words
from api.engine.topics import find_topics
from tests.engine.factories import CONFIG


def verdict(text: str) -> ModerationVerdict:
    words = match_words(text)
    return moderate(words, text, find_topics(words, text), CONFIG)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Gagnez un iPhone gratuit ici http://bit.ly/xxxx http://bit.ly/yyyy", "spam"),
        ("Win a free gift card, click here https://example.com/win", "spam"),
        ("Bande d'escrocs, allez vous faire voir, sales ****", "insult"),
        ("Racist garbage brand for racist garbage people", "insult"),
        ("You are all idiots and morons", "insult"),
        ("lol cry more, stay mad", "trolling"),
        ("Go back to your country, vermin", "hate"),
        ("Here is her address: 12 rue des Lilas, call her at 06 12 34 56 78", "doxxing"),
    ],
)
def test_what_the_playbook_allows_to_hide_is_hidden(text: str, reason: str) -> None:
    result = verdict(text)
    assert result.hide
    assert result.reason == reason


@pytest.mark.parametrize(
    "text",
    [
        "This product is garbage, it broke in two days",
        "Your customer service is a joke, nobody answers",
        "Fuck you, my order #48213 never arrived and support ignores me",
        "Their new ad is racist, idiots",
        "Quelle honte, votre service client est nul",
        "The new logo is a catastrophe, bring back the old one!!!",
        "My car caught fire, video here https://example.com/video",
    ],
)
def test_criticism_is_kept_whatever_its_tone(text: str) -> None:
    assert not verdict(text).hide


def test_rude_criticism_is_kept_but_flagged_as_heated() -> None:
    result = verdict("You morons, my parcel is three weeks late")
    assert not result.hide
    assert result.abusive


def test_personal_data_without_a_third_party_is_not_doxxing() -> None:
    assert not verdict("Contact me at jane@example.com about my order").hide


def test_empty_text_is_kept() -> None:
    assert verdict("") == ModerationVerdict(hide=False)
