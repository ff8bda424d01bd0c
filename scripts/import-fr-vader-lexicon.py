#!/usr/bin/env python3
"""Write `api/engine/lexicons/sentiment_fr_vader.json` from VADER-FR's published lexicon.

VADER-FR (`vaderSentiment-fr` 1.3.4 on PyPI, MIT; Olivier Deprez and Thomas Ek, 7 Lieues
Technologies, https://github.com/thomas7lieues/vader_FR) is VADER's lexicon translated into
French by hand, inflected forms listed one by one. Vigie keeps, as a third and weaker channel of
French evidence (after `sentiment_fr.txt` and Pattern's adjectives), the single words of three
letters or more that neither of those reaches through the engine's own lookup (inflections
included) and that the rules do not read as operators (intensifiers, negators, contrasts),
accents folded, the valences of a word's duplicate lines averaged. The calibration
(`bench/sentiment_calibration.py`) then weighs this channel with Pattern's, as `extra_*`.

Usage (a maintainer's tool, not run by the build; PyPI is the only source it reads):
    .venv/bin/python -m pip download --no-deps vaderSentiment-fr==1.3.4 -d /tmp/vader-fr
    tar xzf /tmp/vader-fr/vaderSentiment_fr-1.3.4.tar.gz -C /tmp/vader-fr
    .venv/bin/python scripts/import-fr-vader-lexicon.py /tmp/vader-fr/vaderSentiment_fr-1.3.4
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from api.engine import sentiment  # noqa: E402
from api.engine.text import fold  # noqa: E402

OUTPUT = PROJECT / "api" / "engine" / "lexicons" / "sentiment_fr_vader.json"
PATTERN = PROJECT / "api" / "engine" / "lexicons" / "sentiment_fr_pattern.json"
_WORD = re.compile(r"[a-z]{3,}")


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    source = Path(sys.argv[1])
    lines = (source / "vaderSentiment_fr" / "fr_lexicon.txt").read_text("utf-8").splitlines()
    licence = (source / "LICENSE.txt").read_text("utf-8").strip()
    pattern: dict[str, float] = json.loads(PATTERN.read_text("utf-8"))["words"]
    valences: dict[str, list[float]] = {}
    for line in lines:
        word, separator, value = line.rpartition("->")
        folded = fold(word.strip())
        if separator and _WORD.fullmatch(folded):
            valences.setdefault(folded, []).append(float(value))

    def covered(word: str) -> bool:
        if word in sentiment.OPERATORS or sentiment._booster(word) is not None:
            return True
        if sentiment._valence(word, "fr") != 0.0:  # ours, stems and inflections included
            return True
        forms = (word, *sentiment._inflections(word, "fr"))
        return any(form in pattern for form in forms)

    words = {
        word: round(sum(values) / len(values), 2)
        for word, values in sorted(valences.items())
        if not covered(word) and round(sum(values) / len(values), 2) != 0.0
    }
    header = {
        "about": "Supplementary French valences for api.engine.sentiment: the single words of "
        "the VADER-FR lexicon (VADER's lexicon translated into French by hand, inflected forms "
        "listed) that Vigie's hand-written lexicon (sentiment_fr.txt) and Pattern's adjectives "
        "(sentiment_fr_pattern.json) do not reach, three letters or more, accents folded, "
        "duplicate lines averaged; VADER scale [-4, 4] as published. Written by "
        "scripts/import-fr-vader-lexicon.py. The engine reads them with Pattern's as a second, "
        "weaker channel of evidence (weighed by sentiment_calibration.json), never as overrides "
        "of sentiment_fr.txt.",
        "source": "vaderSentiment-fr 1.3.4 on PyPI, vaderSentiment_fr/fr_lexicon.txt "
        "(Olivier Deprez, Thomas Ek, 7 Lieues Technologies, "
        "https://github.com/thomas7lieues/vader_FR; after VADER by C.J. Hutto)",
        "licence": "MIT",
        "licence_text": licence,
        "words": words,
    }
    OUTPUT.write_text(json.dumps(header, ensure_ascii=False, indent=0) + "\n", "utf-8")
    print(f"{OUTPUT.relative_to(PROJECT)}: {len(words)} words of {len(valences)}")


if __name__ == "__main__":
    main()
