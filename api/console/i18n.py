"""French and English console texts, chosen from the browser's Accept-Language."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"
_DIRECTORY = Path(__file__).resolve().parent / "i18n"


@cache
def messages(language: str) -> dict[str, str]:
    loaded: dict[str, str] = json.loads((_DIRECTORY / f"{language}.json").read_text("utf-8"))
    return loaded


def negotiate(accept_language: str | None) -> str:
    """The supported language the browser prefers most (RFC 9110 weights), else English."""
    best, best_weight = DEFAULT_LANGUAGE, 0.0
    for position, part in enumerate((accept_language or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        weight -= position * 1e-6  # among equals, the first listed wins
        if primary in LANGUAGES and weight > best_weight:
            best, best_weight = primary, weight
    return best


class Translator:
    def __init__(self, language: str) -> None:
        self.language = language
        self._messages = messages(language)
        self._fallback = messages(DEFAULT_LANGUAGE)

    def __call__(self, key: str, **values: object) -> str:
        text = self._messages.get(key) or self._fallback.get(key) or key
        return text.format(**values) if values else text
