"""What a mention talks about: risk topics and the playbook's cues, from FR+EN lexicons.

Topics are found from words alone, never from sentiment, so a sarcastic "great, the brakes
failed again" still counts as a safety topic.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from api.engine.lexicon import LanguageMatcher
from api.engine.topic_lexicon import (
    CUE_TERMS_BY_LANGUAGE,
    IDIOMS_BY_LANGUAGE,
    TOPIC_TERMS_BY_LANGUAGE,
)

# Topics solved one customer at a time, with the customer's own details (the playbook: "individual
# cases go private").
PERSONAL_CASE_TOPICS: Final = frozenset({"order", "account", "billing", "booking", "personal_data"})
# Topics that are accusations more than descriptions: alone, they do not make an insult a
# criticism (see moderation).
ACCUSATION_TOPICS: Final = frozenset({"discrimination", "misinformation"})

_TOPICS: Final = LanguageMatcher(TOPIC_TERMS_BY_LANGUAGE)
_CUES: Final = LanguageMatcher(CUE_TERMS_BY_LANGUAGE)
_IDIOMS: Final = LanguageMatcher(
    {language: {"idiom": terms} for language, terms in IDIOMS_BY_LANGUAGE.items()}
)
# Words that mean a topic only together, anywhere in the mention, with words in between:
# "the brake pedal got stuck", "the battery exploded", "they sold our data", "comments about
# women … disgusting". Each part alone is too common to raise a severe topic.
_CO_OCCURRENCES: Final = (
    ("safety", "component", "mechanical_failure"),
    ("safety", "device", "device_failure"),
    ("privacy", "data", "data_loss"),
    ("discrimination", "group", "offence"),
)
# An order, ticket, booking or account reference: "n°48213", "#48213", "ref AB-12345", "12345678",
# or a flight, train, order or file named by its code: "flight AC123", "vol AF1234", "dossier 882".
_CASE_REFERENCE: Final = re.compile(
    r"(?:#(?!(?:19|20)\d\d\b)|\bn\s?°|\bno\.|\bnum(?:ero|ber)?\.?|\bref(?:erence)?\.?)\s?:?\s?[a-z]{0,3}-?\d{3,}"
    r"|\b\d{5,}\b"
    r"|\b(?:flight|vol|train|booking|reservation|réservation|order|commande|ticket|billet|dossier|"
    r"case|claim|parcel|colis|tracking)\s+(?:n\s?°\s?|no\.?\s?|#)?(?:[a-z]{1,3}-?\d{2,}|\d{3,})\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class TopicFindings:
    """Topics (with the words that revealed them) and the cues the tier rules read."""

    topics: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    case_reference: bool = False
    collective: bool = False
    criticism_target: bool = False

    @property
    def personal_case(self) -> bool:
        return self.case_reference or any(topic in PERSONAL_CASE_TOPICS for topic in self.topics)

    @property
    def substantive(self) -> bool:
        """Says what is wrong (a concrete topic or the thing criticised), beyond abuse."""
        return self.criticism_target or any(t not in ACCUSATION_TOPICS for t in self.topics)


def find_topics(words: Sequence[str], raw_text: str, language: str | None = None) -> TopicFindings:
    """Topics and cues of a mention, from its matching words and its raw text, on the lexicon of
    its language (both when unknown); idioms ("insult to injury") are left out first."""
    words = _IDIOMS.without(words, language)
    found = {topic: list(terms) for topic, terms in _TOPICS.find(words, language).items()}
    cues = _CUES.find(words, language)
    for topic, first, second in _CO_OCCURRENCES:
        if first in cues and second in cues:
            found.setdefault(topic, []).extend(cues[first] + cues[second])
    return TopicFindings(
        topics={topic: tuple(terms) for topic, terms in sorted(found.items())},
        case_reference=bool(_CASE_REFERENCE.search(raw_text)),
        collective="collective" in cues,
        criticism_target="target" in cues,
    )
