"""Fast matching of hand-written FR+EN term lists against a mention's words.

Entries are written the way people read them and normalised with the same `match_words` as the
text, so accents, case, elisions and hyphens never matter:

- `word`          the word, or its plural (a trailing `s`/`x` is tolerated on the text side);
- `stem*`         any word starting with the stem (`discrimin*` → discrimination, discriminé);
- `two words`     consecutive words, each of which may be a stem (`pedal* stuck`).

Matching walks the words once and looks candidates up by first word (or by the first three
letters of a stem), so its cost grows with the text, not with the size of the lexicon.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from api.engine.text import CLAUSE_BREAK, match_words

_STEM_KEY = 3
# An entry's word already in the form `match_words` gives (most of them): used as it is, since
# normalising ~1,800 words costs more at import than the rest of the lexicon's build.
_PLAIN_WORD = re.compile(r"[a-z0-9]+")


# A tuple, not a dataclass: ~1,100 of them are built at import (cold start).
class _Pattern(NamedTuple):
    label: str
    term: str
    words: tuple[str, ...]
    stems: tuple[bool, ...]


def _singular(word: str) -> str:
    # `-ss` is no plural: English "process" must not read as French "procès" (folded `proces`).
    if len(word) > 3 and word[-1] in "sx" and word[-2] != "s":
        return word[:-1]
    return word


def _word_matches(expected: str, is_stem: bool, word: str) -> bool:
    if is_stem:
        return word.startswith(expected)
    return word == expected or _singular(word) == expected


def _compile(label: str, term: str) -> _Pattern:
    words: list[str] = []
    stems: list[bool] = []
    for part in term.split():
        is_stem = part.endswith("*")
        word = part.rstrip("*")
        pieces = [word] if _PLAIN_WORD.fullmatch(word) else match_words(word)
        if not pieces:
            continue
        for index, piece in enumerate(pieces):
            words.append(piece)
            stems.append(is_stem and index == len(pieces) - 1)
    if not words:
        raise ValueError(f"empty lexicon entry {term!r} for {label!r}")
    if stems[0] and len(words[0]) < _STEM_KEY:
        raise ValueError(f"stem {term!r} for {label!r} is shorter than {_STEM_KEY} letters")
    return _Pattern(label=label, term=term, words=tuple(words), stems=tuple(stems))


class TermMatcher:
    """Finds which labelled terms occur in a text; built once at import, then read-only."""

    def __init__(self, lexicon: Mapping[str, Iterable[str]]) -> None:
        self._by_word: dict[str, list[_Pattern]] = {}
        self._by_stem_key: dict[str, list[_Pattern]] = {}
        for label, terms in lexicon.items():
            for term in terms:
                pattern = _compile(label, term)
                if pattern.stems[0]:
                    key = pattern.words[0][:_STEM_KEY]
                    self._by_stem_key.setdefault(key, []).append(pattern)
                else:
                    self._by_word.setdefault(pattern.words[0], []).append(pattern)

    def find(self, words: Sequence[str]) -> dict[str, list[str]]:
        """Label → the terms found for it, in order of first occurrence, each once."""
        found: dict[str, list[str]] = {}
        for start, word in enumerate(words):
            candidates = self._candidates(word)
            for pattern in candidates:
                if self._matches_at(pattern, words, start):
                    terms = found.setdefault(pattern.label, [])
                    if pattern.term not in terms:
                        terms.append(pattern.term)
        return found

    def spans(self, words: Sequence[str]) -> list[tuple[int, int]]:
        """(start, length) of every match, in order."""
        found: list[tuple[int, int]] = []
        for start, word in enumerate(words):
            for pattern in self._candidates(word):
                if self._matches_at(pattern, words, start):
                    found.append((start, len(pattern.words)))
        return found

    def find_in(self, text: str) -> dict[str, list[str]]:
        return self.find(match_words(text))

    def _candidates(self, word: str) -> list[_Pattern]:
        candidates = list(self._by_word.get(word, ()))
        singular = _singular(word)
        if singular != word:
            candidates.extend(self._by_word.get(singular, ()))
        candidates.extend(
            pattern
            for pattern in self._by_stem_key.get(word[:_STEM_KEY], ())
            if word.startswith(pattern.words[0])
        )
        return candidates

    @staticmethod
    def _matches_at(pattern: _Pattern, words: Sequence[str], start: int) -> bool:
        if start + len(pattern.words) > len(words):
            return False
        return all(
            _word_matches(expected, is_stem, words[start + offset])
            for offset, (expected, is_stem) in enumerate(
                zip(pattern.words, pattern.stems, strict=True)
            )
        )


def language_key(language: str | None, languages: Sequence[str]) -> str | None:
    """The lexicon language of a BCP-47 tag, or None (unknown or without a lexicon: use all)."""
    if not language:
        return None
    primary = language.split("-", 1)[0].split("_", 1)[0].lower()
    return primary if primary in languages else None


class LanguageMatcher:
    """One `TermMatcher` per language: a text is matched against its own language's terms only,
    against all of them when its language is unknown (FR and EN lexicons)."""

    def __init__(self, lexicons: Mapping[str, Mapping[str, Iterable[str]]]) -> None:
        self._languages = tuple(lexicons)
        self._matchers = {language: TermMatcher(terms) for language, terms in lexicons.items()}

    def find(self, words: Sequence[str], language: str | None) -> dict[str, list[str]]:
        key = language_key(language, self._languages)
        if key is not None:
            return self._matchers[key].find(words)
        found: dict[str, list[str]] = {}
        for matcher in self._matchers.values():
            for label, terms in matcher.find(words).items():
                merged = found.setdefault(label, [])
                merged.extend(term for term in terms if term not in merged)
        return found

    def without(self, words: Sequence[str], language: str | None) -> list[str]:
        """`words` with every matched span replaced by a clause break (for idioms)."""
        key = language_key(language, self._languages)
        matchers = [self._matchers[key]] if key is not None else list(self._matchers.values())
        result = list(words)
        for matcher in matchers:
            for start, length in matcher.spans(result):
                for index in range(start, start + length):
                    result[index] = CLAUSE_BREAK
        return result
