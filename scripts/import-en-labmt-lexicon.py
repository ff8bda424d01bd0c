#!/usr/bin/env python3
"""Write `api/engine/lexicons/sentiment_en_labmt.json` from labMT 1.0, everyday English words.

labMT 1.0 (Dodds, Harris, Kloumann, Bliss, Danforth, "Temporal patterns of happiness and
information in a global social network: Hedonometrics and Twitter", PLoS ONE 6(12): e26752,
2011, supporting information S1; CC BY, as the article) rates the 10,222 most frequent words of
Twitter, Google Books, the New York Times and song lyrics from 1 (sad) to 9 (happy), 50 people
a word. Most are not opinions but the things posts talk about: `weekend` 8.0, `birthday` 7.78,
`concert` 6.94, `delayed` 3.24, `funeral` 1.72. Vigie reads them as its weakest channel of
English evidence, the *topical* one (`sentiment._evidence`): it tips a post where no opinion word
speaks, and only ever reinforces the opinion words of a post that has some.

Kept: words of three letters or more, rated at least half a point away from the neutral 5, that
neither `sentiment_en.txt` nor VADER reaches through the engine's own lookup (plurals included)
and that the rules do not read as operators (negators, intensifiers, contrasts, wishes). Valence:
(rating - 5) / 2, about [-1.9, 1.8], under VADER's [-4, 4] as a weaker channel should be.

Usage (a maintainer's tool, not run by the build; PyPI is the only source it reads — labMTsimple
ships labMT 1.0 as published):
    .venv/bin/python -m pip download --no-deps labMTsimple==2.8.8 -d /tmp/labmt
    tar xzf /tmp/labmt/labMTsimple-2.8.8.tar.gz -C /tmp/labmt
    .venv/bin/python scripts/import-en-labmt-lexicon.py /tmp/labmt/labMTsimple-2.8.8
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from api.engine import sentiment  # noqa: E402

OUTPUT = PROJECT / "api" / "engine" / "lexicons" / "sentiment_en_labmt.json"
_WORD = re.compile(r"[a-z]{3,}")
# Ratings closer than this to the neutral 5 say nothing of a post (`the` 4.98, `going` 5.42).
_MIN_DISTANCE = 0.5


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    source = Path(sys.argv[1]) / "labMTsimple" / "data" / "LabMT" / "labMT1.txt"

    def covered(word: str) -> bool:
        if word in sentiment.OPERATORS or sentiment._booster(word) is not None:
            return True
        # ours (stems and plurals included), then VADER's
        return sentiment._valence(word, "en") != 0.0 or sentiment._extra_valence(word, "en") != 0.0

    words: dict[str, float] = {}
    rows = source.read_text("utf-8").splitlines()[1:]
    for row in rows:
        word, _rank, rating, *_ = row.split("\t")
        distance = float(rating) - 5.0
        if _WORD.fullmatch(word) and abs(distance) >= _MIN_DISTANCE and not covered(word):
            words[word] = round(distance / 2.0, 2)
    header = {
        "about": "Topical English valences for api.engine.sentiment: the words of labMT 1.0 "
        "(10,222 frequent words of Twitter, Google Books, the New York Times and song lyrics, "
        "each rated 1-9 for happiness by 50 people) that neither Vigie's lexicon "
        "(sentiment_en.txt) nor VADER reaches, three letters or more, rated at least 0.5 from "
        "the neutral 5; valence (rating - 5) / 2. Written by scripts/import-en-labmt-lexicon.py. "
        "Most are things, not opinions (weekend, concert, delayed): the engine reads them only "
        "where no opinion word speaks, or on the side the opinion words already take.",
        "source": "labMT 1.0: Dodds PS, Harris KD, Kloumann IM, Bliss CA, Danforth CM (2011) "
        "Temporal Patterns of Happiness and Information in a Global Social Network: "
        "Hedonometrics and Twitter. PLoS ONE 6(12): e26752, doi:10.1371/journal.pone.0026752, "
        "Supporting Information S1; read from labMTsimple 2.8.8 on PyPI, "
        "labMTsimple/data/LabMT/labMT1.txt",
        "licence": "CC BY",
        "licence_text": "Creative Commons Attribution License, as the article and its supporting "
        "information (PLoS ONE, open access). Attribution: the source above.",
        "words": dict(sorted(words.items())),
    }
    OUTPUT.write_text(json.dumps(header, ensure_ascii=False, indent=0) + "\n", "utf-8")
    print(f"{OUTPUT.relative_to(PROJECT)}: {len(words)} words of {len(rows)}")


if __name__ == "__main__":
    main()
