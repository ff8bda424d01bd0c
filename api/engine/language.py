"""Language detection for mentions sent without `language`: fr, en, es, de, it, pt.

A vote of hand-written profiles (`lexicons/language_profiles.json`): function words, French
elisions (`l'avis`, `qu'il`), English contractions (`don't`, `it's`), word endings and accented
letters. Function words carry most of the signal in short social posts and cost one dict lookup
per word, which keeps detection far cheaper than a character n-gram model while being as reliable
on the two languages the engine has lexicons for. When the evidence is thin or two languages are
close, the answer is `None`: the caller then scores with every lexicon rather than a wrong one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Final

from api.engine.text import fold, strip_urls

__all__ = ["LANGUAGES", "MIN_EVIDENCE", "MIN_RATIO", "detect_language", "language_scores"]

# Below this much evidence (about one unambiguous function word) a guess is noise.
MIN_EVIDENCE: Final = 1.0
# The winner must beat the runner-up by this factor: fr/es/it/pt share many short words.
MIN_RATIO: Final = 1.3
# Vigie's brands are French and English and only those have sentiment lexicons: another language
# must win more clearly, because mistaking a French headline for Spanish (they share `de`, `la`,
# `en`, `que`) costs a lexicon, while the reverse costs little.
_PRIOR: Final = MappingProxyType({"fr": 1.0, "en": 1.0})
_OTHER_PRIOR: Final = 0.7

_SUFFIX_WEIGHT: Final = 0.3
_CHAR_WEIGHT: Final = 0.5
# Accented letters repeat inside one word list; past a few they stop adding information.
_CHAR_CAP: Final = 2.0
_MIN_SUFFIX_WORD: Final = 5

_HANDLE = re.compile(r"@\w+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_WORD = re.compile(r"[a-z]+")
# Elision only happens before a vowel or a mute h: that rule keeps English `I'm`/`it's` out.
_FR_ELISION = re.compile(r"\b(?:c|j|l|d|n|m|t|s|qu|jusqu|lorsqu|puisqu)'[aeiouyh]")
_EN_CONTRACTION = re.compile(r"[a-z](?:n't|'(?:s|re|ve|ll|m|d))\b")


def _load_profiles() -> tuple[
    Mapping[str, Mapping[str, float]],
    Mapping[str, Mapping[str, float]],
    Mapping[str, Mapping[str, float]],
    tuple[str, ...],
]:
    raw = json.loads(
        resources.files("api.engine.lexicons").joinpath("language_profiles.json").read_text("utf-8")
    )
    profiles = {lang: spec for lang, spec in raw.items() if not lang.startswith("_")}

    def shared(field: str, weight: float) -> Mapping[str, Mapping[str, float]]:
        # A feature listed by k languages gives each of them 1/k of its weight.
        owners: dict[str, list[str]] = {}
        for lang, spec in profiles.items():
            items = list(spec[field]) if field == "chars" else spec[field].split()
            for item in dict.fromkeys(items):
                owners.setdefault(item, []).append(lang)
        return MappingProxyType(
            {
                item: MappingProxyType({lang: weight / len(langs) for lang in langs})
                for item, langs in owners.items()
            }
        )

    return (
        shared("words", 1.0),
        shared("suffixes", _SUFFIX_WEIGHT),
        shared("chars", _CHAR_WEIGHT),
        tuple(profiles),
    )


_WORDS, _SUFFIXES, _CHARS, LANGUAGES = _load_profiles()
_SUFFIX_LENGTHS: Final = tuple(sorted({len(s) for s in _SUFFIXES}, reverse=True))
_ACCENTED: Final = frozenset(_CHARS)


@lru_cache(maxsize=65536)
def _word_votes(word: str) -> tuple[tuple[str, float], ...]:
    """What one word says (function word, ending); cached because posts reuse the same words."""
    votes: dict[str, float] = dict(_WORDS.get(word, {}))
    if len(word) >= _MIN_SUFFIX_WORD:
        for length in _SUFFIX_LENGTHS:
            ending = _SUFFIXES.get(word[-length:])
            if ending is not None:
                for lang, weight in ending.items():
                    votes[lang] = votes.get(lang, 0.0) + weight
                break
    return tuple(votes.items())


def _hashtags_split(text: str) -> str:
    # `#MauvaisService` votes like "mauvais service"; the `#` itself is dropped by the word regex.
    return _CAMEL.sub(" ", text) if "#" in text else text


def language_scores(text: str) -> dict[str, float]:
    """Evidence per language (diagnostics and tests): the vote `detect_language` decides on."""
    cleaned = _hashtags_split(_HANDLE.sub(" ", strip_urls(text)))
    scores: dict[str, float] = dict.fromkeys(LANGUAGES, 0.0)

    if not _ACCENTED.isdisjoint(cleaned.lower()):
        char_scores = dict.fromkeys(LANGUAGES, 0.0)
        for ch in cleaned.lower():
            owners = _CHARS.get(ch)
            if owners is not None:
                for lang, weight in owners.items():
                    char_scores[lang] += weight
        for lang, value in char_scores.items():
            scores[lang] += min(value, _CHAR_CAP)

    # ASCII needs no accent folding, and most English posts are ASCII.
    folded = cleaned.lower() if cleaned.isascii() else fold(cleaned).replace("\u2019", "'")
    if "'" in folded:
        scores["fr"] += len(_FR_ELISION.findall(folded))
        scores["en"] += len(_EN_CONTRACTION.findall(folded))

    for word in _WORD.findall(folded):
        for lang, weight in _word_votes(word):
            scores[lang] += weight

    return scores


def detect_language(text: str) -> str | None:
    """BCP-47 primary tag of `text` (`fr`, `en`, `es`, `de`, `it`, `pt`), or None when unsure."""
    if not text:
        return None
    scores = language_scores(text)
    weighted = {lang: score * _PRIOR.get(lang, _OTHER_PRIOR) for lang, score in scores.items()}
    ranked = sorted(weighted.items(), key=lambda item: (-item[1], item[0]))
    (best_lang, best), (_, second) = ranked[0], ranked[1]
    if best < MIN_EVIDENCE or best < MIN_RATIO * second:
        return None
    return best_lang
