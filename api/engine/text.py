"""Text normalisation shared by the lexicon-based parts of the engine (topics, sentiment...)."""

from __future__ import annotations

import re
import unicodedata

_TOKEN = re.compile(r"[a-z0-9]+(?:['\u2019-][a-z0-9]+)*")
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)


def fold(text: str) -> str:
    """Lower-case and strip accents, so `Sécurité` and `securite` match the same lexicon entry."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def strip_urls(text: str) -> str:
    return _URL.sub(" ", text)


def tokens(text: str) -> list[str]:
    """Folded word tokens, URLs removed; apostrophes split elisions (l'enquête → l, enquete)."""
    folded = fold(strip_urls(text)).replace("\u2019", "'")
    words: list[str] = []
    for token in _TOKEN.findall(folded):
        words.extend(part for part in re.split(r"'", token) if part)
    return words


_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "Œ": "oe", "Æ": "ae", "ß": "ss"})
_CLAUSE_END = re.compile(r"[.,;:!?…()\[\]{}\n\r]+")
CLAUSE_BREAK = "|"
"""Placed between clauses by `match_words`, so a phrase never spans punctuation."""


def match_words(text: str) -> list[str]:
    """Words for lexicon matching: `tokens`, ligatures expanded and hyphenated words split.

    Splitting `hors-service` into `hors service` lets one lexicon entry match both spellings;
    `CLAUSE_BREAK` between clauses keeps "burnt, my fault" from reading as "burnt my".
    """
    words: list[str] = []
    for clause in _CLAUSE_END.split(strip_urls(text.translate(_LIGATURES))):
        clause_words = [part for token in tokens(clause) for part in token.split("-") if part]
        if clause_words:
            if words:
                words.append(CLAUSE_BREAK)
            words.extend(clause_words)
    return words
