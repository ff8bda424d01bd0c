"""Sentiment fallback for mentions sent without one: a lexicon and rules, FR and EN.

The model is VADER-like, written for Vigie and for Lambda (plain Python, data files shipped in the
package, loaded once at import):

- valences in [-4, 4] from hand-written lexicons (`lexicons/sentiment_{fr,en,symbols}.txt`), with
  phrases (`toujours pas`, `still waiting`), stems (`arnaqu*`) and French inflections;
- negation of the next words (`ne … pas`, `jamais`, `sans`, `not`, `never`, `n't`) and colloquial
  French post-negation (`j'aime pas`), applied once however many negators the clause holds;
- intensifiers and dampeners (`très`, `vraiment`, `un peu`, `very`, `kind of`), ALL CAPS and
  stretched words (`nuuul`), exclamation marks;
- contrast (`mais`, `but`): what follows weighs more than what precedes;
- emoji and emoticons, split hashtags (`#ServiceClientNul`, `#worstservice`).

Words the hand-written lexicons lack are looked up in published ones, shipped with their licence
(`sentiment_en_vader.json`: VADER, MIT; `sentiment_fr_pattern.json`: Pattern's French adjectives,
PDDL; `sentiment_fr_vader.json`: VADER-FR, MIT, the words neither French one reaches): a second
channel of evidence, never an override of ours. English has a third, weakest channel: the
everyday words of labMT 1.0 (`sentiment_en_labmt.json`, CC BY: `weekend`, `concert`, `debt`),
things a post names rather than opinions. They speak where no opinion word does, and beside
opinion words only on the side those take (`_topical_agreeing`): a thing named never outweighs
what its author says of it.

The evidence is then calibrated: a multinomial logistic regression over 16 features of it
(strengths, counts, negation, `!`, `?`, courtesy, irony, link, length, contrast, the supplements'
strengths, whether an opinion word speaks; `sentiment_calibration.json`, fitted by
`bench/sentiment_calibration.py` on the train splits of labelled public posts, no word in it)
gives P(negative), P(neutral), P(positive). The
score is P(positive) - P(negative), placed so that `label_for_score` returns the most likely
label; a post where no lexicon finds anything scores 0.0. Sarcasm is not handled here beyond
irony tags: risk topics are scored apart so that it cannot hide them, and the triage floors the
sentiment of a stated problem (`signals.resolve_sentiment`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Final

from api.engine.language import detect_language
from api.engine.mention import SentimentLabel
from api.engine.text import fold, strip_urls

__all__ = [
    "NEGATIVE_BELOW",
    "POSITIVE_ABOVE",
    "SENTIMENT_LANGUAGES",
    "label_for_score",
    "score_sentiment",
]

# Label cut points on the score (VADER's). On the DEFT 2017 train split any cut between 0 and 0.1
# scores within 0.002 macro-F1 while wider ones lose (±0.25: -0.02): a lexicon hit is rare enough
# in a post to be the signal, so one mild word is enough to leave `neutral`.
NEGATIVE_BELOW: Final = -0.05
POSITIVE_ABOVE: Final = 0.05

# Languages with their own lexicon; any other (or an undetected one) is scored with both.
SENTIMENT_LANGUAGES: Final = frozenset({"fr", "en"})

# Rule weights from VADER (Hutto & Gilbert, 2014), fitted on human ratings of social-media text.
# Kept as published: on the DEFT train split, halving or doubling them moves macro-F1 by < 0.002
# (coverage of the lexicon is what matters there). Stretched words (`nuuul`) are ours, below caps.
_NEGATION_SCALAR: Final = -0.74
_BOOST: Final = 0.293
_CAPS_BOOST: Final = 0.733
_STRETCH_BOOST: Final = 0.4
_EXCLAMATION_BOOST: Final = 0.292
_MAX_EXCLAMATIONS: Final = 4
_BEFORE_CONTRAST: Final = 0.5
_AFTER_CONTRAST: Final = 1.5
# Squashing constant: a sum of 4 (one strong word, emphasised) lands near 0.72.
_ALPHA: Final = 15.0
# Negators and intensifiers act on words up to this far after them (VADER's window).
_WINDOW: Final = 3
_BOOST_DECAY: Final = (1.0, 0.95, 0.9)
# A stem shorter than this matches too many unrelated words.
_MIN_STEM: Final = 3

_NEGATORS: Final = frozenset(
    {
        # French: `ne`/`n'` alone is enough to negate (`je ne l'aime pas` has `pas` after the verb).
        "ne", "n", "pas", "jamais", "rien", "aucun", "aucune", "sans", "ni", "nullement", "guere",
        # English: `n't` is rewritten `not` before tokenising; bare forms are common in posts.
        "not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without", "cannot",
        "dont", "doesnt", "didnt", "isnt", "wasnt", "arent", "werent", "cant", "couldnt", "wont",
        "wouldnt", "shouldnt", "havent", "hasnt", "hadnt", "aint", "nope",
    }
)  # fmt: skip
# Colloquial French drops `ne`: in `j'aime pas` the negator follows the word it negates.
_POST_NEGATORS: Final = frozenset({"pas", "jamais"})

_BOOSTERS: Final = MappingProxyType(
    {
        **dict.fromkeys(
            (
                "tres", "trop", "vraiment", "tellement", "hyper", "ultra", "mega", "super",
                "grave", "completement", "totalement", "absolument", "extremement", "vachement",
                "franchement", "carrement", "profondement", "enormement", "particulierement",
                "terriblement", "incroyablement", "sacrement", "archi", "putain", "plus",
                "very", "really", "so", "too", "extremely", "totally", "absolutely", "completely",
                "utterly", "incredibly", "highly", "hugely", "deeply", "seriously", "truly",
                "especially", "particularly", "exceptionally", "remarkably", "ridiculously",
                "insanely", "terribly", "awfully", "fucking", "freaking", "bloody", "damn", "most",
                "such", "quite", "pretty",
            ),
            _BOOST,
        ),
        **dict.fromkeys(
            (
                "peu", "assez", "plutot", "legerement", "moyennement", "relativement", "presque",
                "slightly", "somewhat", "kinda", "sorta", "barely", "hardly", "fairly", "rather",
                "marginally", "partly", "bit", "little", "almost",
            ),
            -_BOOST,
        ),
    }
)  # fmt: skip
# Two-word dampeners (`kind of bad`); the lexicon gives the pair itself no valence.
_BOOSTER_PAIRS: Final = MappingProxyType({("kind", "of"): -_BOOST, ("sort", "of"): -_BOOST})
# Words with a valence of their own that act as intensifiers before another sentiment word
# (`super lent`, `terribly slow`): there they lend their force, not their sign.
_DUAL_BOOSTERS: Final = frozenset(
    {"super", "grave", "terriblement", "incroyablement", "putain", "terribly", "incredibly",
     "awfully", "ridiculously", "bloody", "damn", "fucking", "pretty"}
)  # fmt: skip
# Hashtags by which an author marks irony: the praise around them is blame.
_IRONY_TAGS: Final = frozenset(
    {"sarcasm", "sarcastic", "sarcasme", "irony", "ironie", "ironique", "not", "yeahright"}
)
# What an irony tag alone says: mild blame (the valence of `meh`).
_IRONY_VALENCE: Final = -1.0
# Words that put what follows in a wish or a condition, up to the end of the clause.
_IRREALIS: Final = frozenset(
    {"if", "would", "could", "should", "wish", "si", "aurait", "serait", "faudrait", "souhaite"}
)
_IRREALIS_WINDOW: Final = 4
_IRREALIS_SCALAR: Final = 0.5
# Thanks and congratulations are courtesy (or irony) beside blame: "thanks for the 3rd cancelled
# flight", "merci de me répondre enfin". In a post that blames, they add no praise.
_COURTESY: Final = frozenset(
    {
        ("thank",), ("thanks",), ("thank", "you"), ("thx",), ("thanx",), ("ty",), ("tnx",),
        ("cheers",), ("kudos",), ("bravo",), ("congrats",), ("congratulations",),
        ("great", "job"), ("good", "job"), ("well", "done"), ("nice", "one"), ("please",),
        ("merci",), ("remercie",), ("remercier",), ("felicitations",), ("bien", "joue"),
        ("bon", "boulot"), ("beau", "travail"), ("chapeau",),
        # set phrases of thanks and praise (`lexicons/*.txt`, session 3): as easily ironic
        ("well", "played"), ("can", "not", "thank", "you", "enough"),
        ("cannot", "thank", "you", "enough"), ("big", "up"), ("merci", "mille", "fois"),
    }
)  # fmt: skip
# A word this negative is blame; milder ones (`remboursement`, `waiting`) only name the topic of
# a thanks ("mon remboursement est arrivé, merci").
_BLAME: Final = -1.0
_CONTRASTS: Final = frozenset(
    {"mais", "cependant", "pourtant", "toutefois", "neanmoins", "but", "however"}
)
# Words the rules read as operators, not opinions: a published list that rates one would have it
# count twice (VADER-FR gives "vraiment" +1.9, which would make "vraiment nul" weaker than "nul").
# The import scripts leave them out (`scripts/import-*-lexicon.py`).
OPERATORS: Final = frozenset(
    _BOOSTERS.keys() | _NEGATORS | _POST_NEGATORS | _DUAL_BOOSTERS | _IRREALIS | _CONTRASTS
)

_LEXICON_DIR: Final = resources.files("api.engine.lexicons")


@dataclass(frozen=True, slots=True)
class _Lexicon:
    words: Mapping[str, float]
    stems: Mapping[str, float]
    # first token → (phrase tokens, valence, negation already inside), longest phrases first
    phrases: Mapping[str, tuple[tuple[tuple[str, ...], float, bool], ...]]
    # words of a published lexicon that this one lacks: a second, weaker channel of evidence
    extra: Mapping[str, float]
    # everyday words rated for happiness that neither channel above holds (`weekend`, `delayed`):
    # the things a post talks about, read only where the opinion words leave room (`_evidence`)
    topical: Mapping[str, float]


def _normalise(text: str) -> str:
    # `fold` leaves the ligatures whole; French writes `cœur`, posts write `coeur`.
    if text.isascii():
        return text.lower()
    return fold(text).replace("œ", "oe").replace("æ", "ae")


@lru_cache(maxsize=65536)
def _word_form(word: str) -> tuple[str, float]:
    """Folded form of a word as written, with its stretch emphasis (`nuuul`); words repeat a lot."""
    folded = _normalise(word)
    return folded, _STRETCH_BOOST if _STRETCH.search(folded) is not None else 0.0


def _read_entries(name: str) -> list[tuple[str, float]]:
    entries: list[tuple[str, float]] = []
    for line in _LEXICON_DIR.joinpath(name).read_text("utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        entry, value = line.rsplit(None, 1)
        entries.append((entry, float(value)))
    return entries


def _read_supplement(name: str) -> Mapping[str, float]:
    # Stored folded and JSON-encoded: the entries parse in C with no per-entry normalising (~2 ms
    # for VADER's 5.5 k at import), and the header fields `about`, `source`, `licence` travel
    # with the data.
    words: dict[str, float] = json.loads(_LEXICON_DIR.joinpath(name).read_text("utf-8"))["words"]
    return words


def _build_lexicon(
    entries: Iterable[tuple[str, float]],
    extra: Mapping[str, float] | None = None,
    topical: Mapping[str, float] | None = None,
) -> _Lexicon:
    words: dict[str, float] = {}
    stems: dict[str, float] = {}
    phrases: dict[str, list[tuple[tuple[str, ...], float, bool]]] = {}
    for raw, value in entries:
        entry = _normalise(raw)
        if " " in entry:
            parts = tuple(entry.split())
            phrases.setdefault(parts[0], []).append((parts, value, not _NEGATORS.isdisjoint(parts)))
        elif entry.endswith("*"):
            stems.setdefault(entry[:-1], value)
        else:
            words.setdefault(entry, value)
    return _Lexicon(
        extra=MappingProxyType(extra if extra is not None else {}),
        topical=MappingProxyType(topical if topical is not None else {}),
        words=MappingProxyType(words),
        stems=MappingProxyType(stems),
        phrases=MappingProxyType(
            {
                first: tuple(sorted(found, key=lambda item: (-len(item[0]), item[0])))
                for first, found in phrases.items()
            }
        ),
    )


def _merged(first: _Lexicon, second: _Lexicon) -> _Lexicon:
    """Both lexicons in one, `first` winning a clash: what `_build_lexicon` makes of both entry
    lists, without normalising every entry a second time at import."""
    phrases = dict(first.phrases)
    for word, found in second.phrases.items():
        # A stable sort keeps `first`'s phrase ahead of an equal one of `second`.
        phrases[word] = tuple(
            sorted((*phrases.get(word, ()), *found), key=lambda item: (-len(item[0]), item[0]))
        )
    return _Lexicon(
        words=MappingProxyType({**second.words, **first.words}),
        stems=MappingProxyType({**second.stems, **first.stems}),
        phrases=MappingProxyType(phrases),
        extra=MappingProxyType({**second.extra, **first.extra}),
        topical=MappingProxyType({**second.topical, **first.topical}),
    )


_FR_ENTRIES: Final = _read_entries("sentiment_fr.txt")
_EN_ENTRIES: Final = _read_entries("sentiment_en.txt")
# Published lexicons (VADER, MIT; Pattern's French adjectives, PDDL; VADER-FR, MIT), the words
# ours lack: see the header of each file for its origin and licence. VADER-FR holds only what
# neither ours nor Pattern's reaches (scripts/import-fr-vader-lexicon.py).
_FR_EXTRA: Final = {
    **_read_supplement("sentiment_fr_vader.json"),
    **_read_supplement("sentiment_fr_pattern.json"),
}
_EN_EXTRA: Final = _read_supplement("sentiment_en_vader.json")
# labMT 1.0 (CC BY), English only: French everyday words (labMT 2.0's) lowered DEFT's
# cross-validated macro-F1 (0.675 -> 0.667 to 0.670, every threshold tried); English rose.
_EN_TOPICAL: Final = _read_supplement("sentiment_en_labmt.json")
# Unknown language: English first on a clash (`hate`, `rage`), the rarer French reading loses.
_FR_LEXICON: Final = _build_lexicon(_FR_ENTRIES, _FR_EXTRA)
_EN_LEXICON: Final = _build_lexicon(_EN_ENTRIES, _EN_EXTRA, _EN_TOPICAL)
_LEXICONS: Final = MappingProxyType(
    {"fr": _FR_LEXICON, "en": _EN_LEXICON, "*": _merged(_EN_LEXICON, _FR_LEXICON)}
)
_SYMBOLS: Final = MappingProxyType(dict(_read_entries("sentiment_symbols.txt")))
_EMOJI: Final = MappingProxyType({s: v for s, v in _SYMBOLS.items() if len(s) == 1})
_EMOTICONS: Final = MappingProxyType({s: v for s, v in _SYMBOLS.items() if len(s) > 1})


def _hashtag_vocabulary() -> frozenset[str]:
    lexicon = _LEXICONS["*"]
    phrase_words = {
        word for found in lexicon.phrases.values() for parts, _, _ in found for word in parts
    }
    glue = (
        "the my your our this that of for is was are it me you we ever service customer "
        "le la les de du des mon ma mes ton ta vous nous un une et est client"
    )
    words = {*lexicon.words, *phrase_words, *_NEGATORS, *_BOOSTERS, *glue.split()}
    return frozenset(word for word in words if len(word) > 1)


# Hashtags are segmented into these (`#worstserviceever` → worst service ever).
_VOCABULARY: Final = _hashtag_vocabulary()


def _emoticon_pattern(emoticon: str) -> str:
    escaped = re.escape(emoticon)
    # `xD` must not fire inside `fixDate`, nor `:p` at the start of `:pour`.
    before = r"(?<![^\W_])" if emoticon[0].isalnum() else ""
    after = r"(?![^\W_])" if emoticon[-1].isalnum() else ""
    return before + escaped + after


_TOKEN: Final = re.compile(
    r"(?P<handle>@\w+)"
    r"|(?P<hashtag>#[^\W_][\w]*)"
    r"|(?P<emoticon>"
    + "|".join(_emoticon_pattern(e) for e in sorted(_EMOTICONS, key=lambda e: (-len(e), e)))
    + r")"
    # A swear word masked by the author (`f***`, `sh*t`, `m*rde`) is still one.
    r"|(?P<masked>(?<![\w*])[^\W\d_]{1,3}(?:\*{2,}[^\W\d_]{0,3}|\*[^\W\d_]{1,4})(?![\w*]))"
    r"|(?P<word>[^\W\d_]+)"
    r"|(?P<exclamation>!+)"
    # One mark at a time: a run (`...:-)`) would swallow the emoticon that ends it.
    r"|(?P<stop>[.,;:?()\[\]\n\"\u2026]|\s[-\u2013\u2014]\s)"
    r"|(?P<emoji>[" + "".join(re.escape(e) for e in sorted(_EMOJI)) + r"])"
)
# `n't` becomes a word of its own; `can't`/`won't` keep a readable stem.
_CONTRACTIONS: Final = (
    (re.compile(r"\b(ca)n['\u2019]t\b", re.IGNORECASE), r"\1n not"),
    (re.compile(r"\bwon['\u2019]t\b", re.IGNORECASE), "will not"),
    (re.compile(r"n['\u2019]t\b", re.IGNORECASE), " not"),
)
_CAMEL: Final = re.compile(r"[A-ZÀ-Þ]?[a-zß-ÿ]+|[A-ZÀ-Þ]+(?![a-zß-ÿ])|\d+")
_STRETCH: Final = re.compile(r"([a-z])\1{2,}")
_LAUGH: Final = re.compile(r"(?:a?h[aei]){2,}h?|(?:ah){2,}|lo+l|mdr+|x?ptdr+|lmf?ao+|hihi(?:hi)*")

# Tokens: a folded word, or one of these markers.
_STOP: Final = "\x00stop"
_SYMBOL: Final = "\x00symbol"
_SWEAR: Final = "\x00swear"
# A lower-case word this long shows running text (not a headline, which capitalises all but
# `a`, `the`, `de`, `la`…).
_RUNNING_WORD: Final = 4
# A masked swear word: blame, as strong as the common ones (`crap`, `shit`).
_SWEAR_VALENCE: Final = -2.4


@dataclass(frozen=True, slots=True)
class _Tokens:
    words: list[str]
    # token index → valence of the emoji or emoticon there
    symbols: dict[int, float]
    # token index → emphasis boost (ALL CAPS among lower-case words, or stretched like `nuuul`)
    emphasis: dict[int, float]
    exclamations: int
    # token indexes of words inside a run of capitalised words in running text: names
    # (`Super Eagles`, `Good Morning America`, `Great Lakes`), which say nothing of the author
    names: frozenset[int] = frozenset()
    # `#sarcasm`, `#ironie`: the author says the words mean their opposite
    irony: bool = False


def _split_hashtag(tag: str) -> list[str]:
    parts = _CAMEL.findall(tag)
    if len(parts) > 1:
        return [_normalise(p) for p in parts]
    return list(_segment(_normalise(tag)))


@lru_cache(maxsize=4096)
def _segment(word: str) -> tuple[str, ...]:
    """Split a glued hashtag into known words (fewest pieces), or keep it whole."""
    if word in _VOCABULARY or len(word) > 30:
        return (word,)
    # best[i]: fewest-pieces split of word[:i]; ties keep the earliest split (deterministic).
    best: list[tuple[str, ...] | None] = [None] * (len(word) + 1)
    best[0] = ()
    for end in range(2, len(word) + 1):
        for start in range(max(0, end - 15), end - 1):
            head = best[start]
            if head is not None and word[start:end] in _VOCABULARY:
                candidate = (*head, word[start:end])
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    found = best[len(word)]
    return found if found is not None and len(found) <= 4 else (word,)


def _tokenise(text: str) -> _Tokens:
    text = strip_urls(text)
    if "'" in text or "\u2019" in text:
        for pattern, replacement in _CONTRACTIONS:
            text = pattern.sub(replacement, text)
    words: list[str] = []
    symbols: dict[int, float] = {}
    emphasis: dict[int, float] = {}
    exclamations = 0
    lower_words = 0
    caps_words: list[int] = []
    titled: list[int] = []
    running = 0
    irony = False
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        value = match.group()
        if kind == "word":
            if len(value) > 1 and value.isupper():
                caps_words.append(len(words))
            else:
                lower_words += 1
                if len(value) > 1 and value[0].isupper() and value[1:].islower():
                    titled.append(len(words))
                elif len(value) >= _RUNNING_WORD and value.islower():
                    running += 1
            folded, stretched = _word_form(value)
            if stretched:
                emphasis[len(words)] = stretched
            words.append(folded)
        elif kind == "masked":
            lower_words += 1
            words.append(_SWEAR)
        elif kind == "hashtag":
            if _normalise(value[1:]) in _IRONY_TAGS:
                irony = True
                continue
            words.extend(_split_hashtag(value[1:]))
        elif kind == "emoji":
            symbols[len(words)] = _EMOJI[value]
            words.append(_SYMBOL)
        elif kind == "emoticon":
            symbols[len(words)] = _EMOTICONS[value]
            words.append(_SYMBOL)
        elif kind == "exclamation":
            exclamations += len(value)
            words.append(_STOP)
        elif kind == "stop":
            words.append(_STOP)
        # handles carry no sentiment and are not words of the sentence
    # Capitals stress a word only against lower-case neighbours: an all-caps post is just loud.
    if caps_words and lower_words:
        for index in caps_words:
            emphasis[index] = _CAPS_BOOST
    return _Tokens(words, symbols, emphasis, exclamations, _names(words, titled, running), irony)


def _names(words: list[str], titled: list[int], running: int) -> frozenset[int]:
    # A headline capitalises every word (short ones aside): there a capital marks no name.
    if not running:
        return frozenset()
    marked = set(titled)
    found = set()
    for index in titled:
        if index - 1 in marked:
            found.add(index)
        elif index + 1 in marked and index > 0 and words[index - 1] != _STOP:
            # A sentence starts with a capital anyway: `Happy Birthday` may be the author's.
            found.add(index)
    return frozenset(found)


def _inflections(word: str, lexicon_key: str) -> Iterable[str]:
    """Dictionary forms to try for an inflected word (plural, feminine), most likely first.

    The feminine endings are French: in English, dropping a final `e` turns `made` into `mad`,
    `hate` into `hat`; English words get their plural forms only.
    """
    if lexicon_key == "en":
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            yield word[:-1]
            if word.endswith("ies"):
                yield word[:-3] + "y"
            if word.endswith("es"):
                yield word[:-2]
        return
    if len(word) > 3 and word[-1] in "sx":
        singular = word[:-1]
        yield singular
        if word.endswith("aux"):
            yield word[:-3] + "al"
        if word.endswith("ies"):
            yield word[:-3] + "y"
        if word.endswith("es"):
            yield word[:-2]
        word = singular
    if len(word) > 3 and word.endswith("e"):
        yield word[:-1]
        for feminine, masculine in (("euse", "eux"), ("ive", "if"), ("elle", "el"),
                                    ("enne", "en"), ("ere", "er"), ("ee", "e")):  # fmt: skip
            if word.endswith(feminine):
                yield word[: -len(feminine)] + masculine


@lru_cache(maxsize=65536)
def _valence(word: str, lexicon_key: str) -> float:
    lexicon = _LEXICONS[lexicon_key]
    found = lexicon.words.get(word)
    if found is not None:
        return found
    for form in _inflections(word, lexicon_key):
        found = lexicon.words.get(form)
        if found is not None:
            return found
    stems = lexicon.stems
    for end in range(len(word), _MIN_STEM - 1, -1):
        found = stems.get(word[:end])
        if found is not None:
            return found
    if _LAUGH.fullmatch(word):
        return lexicon.words.get("haha", 0.0)
    collapsed = _STRETCH.sub(r"\1\1", word)
    if collapsed != word:
        # `cooool` → `cool`, `nuuuul` → `nul`: try doubled letters, then single ones.
        return _valence(collapsed, lexicon_key) or _valence(_STRETCH.sub(r"\1", word), lexicon_key)
    return 0.0


def _looked_up(table: Mapping[str, float], word: str, lexicon_key: str) -> float:
    """A published list's valence of a word, as written or in a dictionary form of it."""
    found = table.get(word)
    if found is not None:
        return found
    for form in _inflections(word, lexicon_key):
        found = table.get(form)
        if found is not None:
            return found
    return 0.0


@lru_cache(maxsize=65536)
def _extra_valence(word: str, lexicon_key: str) -> float:
    return _looked_up(_LEXICONS[lexicon_key].extra, word, lexicon_key)


@lru_cache(maxsize=65536)
def _topical_valence(word: str, lexicon_key: str) -> float:
    return _looked_up(_LEXICONS[lexicon_key].topical, word, lexicon_key)


def _lexicon_key(text: str, language: str | None) -> str:
    if language is None:
        language = detect_language(text)
    if language is None:
        return "*"
    primary = language.split("-", 1)[0].split("_", 1)[0].lower()
    return primary if primary in SENTIMENT_LANGUAGES else "*"


def _negated(words: list[str], index: int, length: int, muted: set[int]) -> bool:
    for back in range(1, _WINDOW + 1):
        position = index - back
        if position < 0 or words[position] == _STOP:
            break
        if words[position] in _NEGATORS and position not in muted:
            return True
    after = index + length
    return after < len(words) and words[after] in _POST_NEGATORS


def _irrealis(words: list[str], index: int) -> bool:
    """Praise in a wish or a condition (`it would be nice if`, `if only it worked`, `j'aimerais
    que ça marche`) is what the author lacks, not what they got."""
    for back in range(1, _IRREALIS_WINDOW + 1):
        position = index - back
        if position < 0 or words[position] == _STOP:
            return False
        if words[position] in _IRREALIS:
            return True
    return False


@lru_cache(maxsize=4096)
def _booster(word: str) -> float | None:
    """The intensifier a word is, stretched or not (`sooo`, `tooo`, `trèèès`, `vraimeeent`)."""
    found = _BOOSTERS.get(word)
    if found is None and _STRETCH.search(word) is not None:
        found = _BOOSTERS.get(_STRETCH.sub(r"\1\1", word))
        if found is None:
            found = _BOOSTERS.get(_STRETCH.sub(r"\1", word))
    return found


def _boost(words: list[str], index: int) -> float:
    total = 0.0
    for back in range(1, _WINDOW + 1):
        position = index - back
        if position < 0 or words[position] == _STOP:
            break
        increment = _booster(words[position])
        if increment is None and position > 0:
            increment = _BOOSTER_PAIRS.get((words[position - 1], words[position]))
        if increment is not None:
            total += increment * _BOOST_DECAY[back - 1]
    return total


@dataclass(frozen=True, slots=True)
class _Evidence:
    """What the rules found in a text, before the valences are combined into one score."""

    # valence of each sentiment word, phrase, emoji or emoticon, in order, after negation,
    # emphasis, courtesy and irony
    values: list[float]
    # index in `values` of the first value after a contrast (`but`, `mais`), -1 without one
    contrast_at: int
    exclamations: int
    # valences of the words found in the supplementary lexicons only, same rules applied, then
    # the topical words that agree with the opinion words (`_topical_agreeing`)
    extra: list[float] = field(default_factory=list)
    negated: int = 0
    courtesy: int = 0
    irony: bool = False
    words: int = 0
    # the lexicon read: `en`, `fr`, or `*` (both)
    key: str = "*"
    # whether an opinion word speaks (ours or a published lexicon's), not only topical ones
    opinion: bool = True


def _evidence(text: str, language: str | None) -> _Evidence | None:
    if not text or text.isspace():
        return None
    tokens = _tokenise(text)
    words = tokens.words
    if not words and not tokens.irony:
        return None
    key = _lexicon_key(text, language)
    phrases = _LEXICONS[key].phrases
    emphasis = tokens.emphasis

    values: list[float] = []
    extra: list[float] = []
    topical: list[float] = []
    courtesy: list[int] = []
    negated = 0
    word_count = 0
    # Negators a phrase has already used up (`pas de souci`, `sans doute`, `pas mal de`): they do
    # not negate the words after the phrase. One that ends it (`toujours pas`, `still not`) does.
    muted: set[int] = set()
    contrast_at = -1
    count = len(words)
    index = 0
    while index < count:
        word = words[index]
        if word == _STOP:
            index += 1
            continue
        if word == _SYMBOL:
            # Emoji express the author's mood directly: no negation or intensifier applies.
            values.append(tokens.symbols[index])
            index += 1
            continue
        word_count += 1
        if contrast_at < 0 and word in _CONTRASTS:
            contrast_at = len(values)

        length = 1
        valence = 0.0
        self_negated = False
        candidates = phrases.get(word) if index not in tokens.names else None
        if candidates is not None:
            for parts, phrase_valence, has_negator in candidates:
                if tuple(words[index : index + len(parts)]) == parts:
                    length, valence, self_negated = len(parts), phrase_valence, has_negator
                    if has_negator:
                        last = index + length - 1
                        muted.update(range(index, last if parts[-1] in _NEGATORS else last + 1))
                    break
        if word == _SWEAR:
            valence = _SWEAR_VALENCE
        elif length == 1 and index not in tokens.names:
            valence = _valence(word, key)
        supplementary = topic = False
        if valence == 0.0 and length == 1 and index not in tokens.names:
            valence = _extra_valence(word, key)
            supplementary = True
            if valence == 0.0:
                valence = _topical_valence(word, key)
                topic = True
        if valence == 0.0:
            index += length
            continue
        if length == 1 and word in _DUAL_BOOSTERS and index + 1 < count:
            following = words[index + 1]
            if following not in (_STOP, _SYMBOL) and _valence(following, key) != 0.0:
                index += 1
                continue

        if topic:
            # A thing named is not stressed like an opinion; a negated one is still negated
            # ("no concert this weekend"), without counting as the post's negation.
            if _negated(words, index, length, muted):
                valence *= _NEGATION_SCALAR
            topical.append(valence)
            index += 1
            continue
        sign = 1.0 if valence > 0 else -1.0
        stress = max((emphasis.get(i, 0.0) for i in range(index, index + length)), default=0.0)
        valence += sign * (stress + _boost(words, index))
        if not self_negated and _negated(words, index, length, muted):
            valence *= _NEGATION_SCALAR
            negated += 1
        elif valence > 0 and _irrealis(words, index):
            valence *= _IRREALIS_SCALAR
        if supplementary:
            extra.append(valence)
            index += length
            continue
        if valence > 0 and tuple(words[index : index + length]) in _COURTESY:
            courtesy.append(len(values))
        values.append(valence)
        index += length

    if courtesy and any(value <= _BLAME for value in values):
        for position in courtesy:
            values[position] = 0.0
    opinion = any(values) or any(extra)
    if topical:
        extra += _topical_agreeing(topical, (*values, *extra))
    if tokens.irony:
        # Irony turns praise into blame and leaves blame as it is; alone it is mild blame.
        values = [-abs(value) for value in values] or [_IRONY_VALENCE]
        extra = [-abs(value) for value in extra]
    return _Evidence(
        values,
        contrast_at,
        tokens.exclamations,
        extra,
        negated,
        len(courtesy),
        tokens.irony,
        word_count,
        key,
        opinion,
    )


def _topical_agreeing(topical: list[float], opinions: tuple[float, ...]) -> list[float]:
    """The topical valences that may count beside the opinion words of a post.

    Where no opinion word speaks, all of them: "guess who's going to the concert this weekend"
    is glad without saying so. Where opinion words speak, only on a side they take: a thing the
    post names never outweighs what its author says of it ("@acme photos of the damage", "my
    birthday weekend ruined" stay blame; a split post may be tipped either way).
    """
    if not any(opinions):
        return topical
    praise = any(value > 0 for value in opinions)
    blame = any(value < 0 for value in opinions)
    return [value for value in topical if (praise if value > 0 else blame)]


def _total(evidence: _Evidence) -> float:
    """The valences summed, what follows a contrast weighing more, stressed by exclamations."""
    values = evidence.values
    if evidence.contrast_at >= 0:
        total = _BEFORE_CONTRAST * math.fsum(
            values[: evidence.contrast_at]
        ) + _AFTER_CONTRAST * math.fsum(values[evidence.contrast_at :])
    else:
        total = math.fsum(values)
    if total and evidence.exclamations:
        total += math.copysign(
            _EXCLAMATION_BOOST * min(evidence.exclamations, _MAX_EXCLAMATIONS), total
        )
    return total


# The features the calibration weighs, in the order of its weights (`sentiment_calibration.json`).
FEATURES: Final = (
    "score",
    "positive",
    "negative",
    "positive_hits",
    "negative_hits",
    "negated",
    "exclamations",
    "question",
    "courtesy",
    "irony",
    "link",
    "length",
    "contrast",
    "extra_positive",
    "extra_negative",
    "opinion",
)
_MAX_HITS: Final = 4
_LENGTH_SCALE: Final = 4.0


def _features(evidence: _Evidence, text: str) -> tuple[float, ...]:
    """Lexicon evidence as a few bounded numbers: strengths, counts and marks of the post.

    No word of any data set is among them: the calibration learns how much each kind of evidence
    is worth (a hit of the supplementary lexicons, a question, a link), never which words matter.
    """
    values = evidence.values
    if evidence.contrast_at >= 0:
        # What follows `but`/`mais` weighs more, in the strengths as in the sum.
        cut = evidence.contrast_at
        weighted = [_BEFORE_CONTRAST * v for v in values[:cut]]
        weighted += [_AFTER_CONTRAST * v for v in values[cut:]]
    else:
        weighted = values
    positive = math.fsum(value for value in weighted if value > 0)
    negative = -math.fsum(value for value in weighted if value < 0)
    total = _total(evidence) if values else 0.0
    extra = evidence.extra
    return (
        total / math.sqrt(total * total + _ALPHA),
        math.log1p(positive),
        math.log1p(negative),
        min(sum(value > 0 for value in values), _MAX_HITS) / _MAX_HITS,
        min(sum(value < 0 for value in values), _MAX_HITS) / _MAX_HITS,
        float(evidence.negated > 0),
        min(evidence.exclamations, _MAX_EXCLAMATIONS) / _MAX_EXCLAMATIONS,
        float("?" in text),
        float(evidence.courtesy > 0),
        float(evidence.irony),
        # A link beside opinion words only: news posts name things and link to them, so a
        # link read in posts of topical words alone made the calibration read "@acme photos of
        # the damage: <link>" neutral (-0.02; -0.56 with this rule, train CV unchanged).
        float(evidence.opinion and ("http" in text or "www." in text)),
        math.log1p(evidence.words) / _LENGTH_SCALE,
        float(evidence.contrast_at >= 0),
        math.log1p(math.fsum(value for value in extra if value > 0)),
        math.log1p(-math.fsum(value for value in extra if value < 0)),
        float(evidence.opinion),
    )


_NEGATIVE_EVIDENCE: Final = (FEATURES.index("negative"), FEATURES.index("extra_negative"))
_POSITIVE_EVIDENCE: Final = (FEATURES.index("positive"), FEATURES.index("extra_positive"))


def _has_negative(features: tuple[float, ...]) -> bool:
    return any(features[i] > 0 for i in _NEGATIVE_EVIDENCE)


def _has_positive(features: tuple[float, ...]) -> bool:
    return any(features[i] > 0 for i in _POSITIVE_EVIDENCE)


def _allowed(
    features: tuple[float, ...], probabilities: tuple[float, float, float]
) -> tuple[float, float, float]:
    """Marks (`?`, `!`, a link, the length) weigh the evidence, never reverse it: a post whose
    words are all praise is not read as blame because it asks a question, nor the reverse. The
    pole no word supports is ruled out and the other two keep their odds (on the train splits'
    cross-validation this costs < 0.001 of macro-F1; sending that share to neutral cost 0.003)."""
    negative, neutral, positive = probabilities
    if not _has_negative(features):
        negative = 0.0
    if not _has_positive(features):
        positive = 0.0
    norm = negative + neutral + positive
    return negative / norm, neutral / norm, positive / norm


def _read_calibration() -> Mapping[str, tuple[tuple[float, ...], ...]]:
    data = json.loads(_LEXICON_DIR.joinpath("sentiment_calibration.json").read_text("utf-8"))
    if tuple(data["features"]) != FEATURES or tuple(data["labels"]) != _LABEL_ORDER:
        raise ValueError("sentiment_calibration.json does not match the engine's features")
    return MappingProxyType(
        {
            key: tuple(tuple(float(w) for w in row) for row in rows)
            for key, rows in data["weights"].items()
        }
    )


_LABEL_ORDER: Final = ("negative", "neutral", "positive")
# Multinomial logistic regression over `FEATURES`, one per lexicon (`en`, `fr`, both): for each
# label, a weight per feature then a bias. Fitted by `bench/sentiment_calibration.py` on the
# train splits of labelled public posts; 3 x 17 numbers per lexicon, no word.
_CALIBRATION: Final = _read_calibration()


def _probabilities(features: tuple[float, ...], key: str) -> tuple[float, float, float]:
    rows = _CALIBRATION[key]
    # Each row holds a weight per feature, then the bias (`zip` stops before it).
    logits = [
        math.fsum(w * x for w, x in zip(row, features, strict=False)) + row[-1] for row in rows
    ]
    top = max(logits)
    exps = [math.exp(logit - top) for logit in logits]
    norm = math.fsum(exps)
    return exps[0] / norm, exps[1] / norm, exps[2] / norm


def score_sentiment(text: str, language: str | None) -> float:
    """Sentiment of `text` in [-1, 1] (0.0 when nothing in it carries sentiment).

    `language` is a BCP-47 tag (`fr`, `en-GB`…); None detects it, and a language without a
    lexicon (or an undetectable one) is scored with the French and English lexicons together.
    A caller that already ran `detect_language` in vain passes `"und"` to skip a second try.

    The score is the calibrated expectation P(positive) - P(negative), placed so that
    `label_for_score` returns the most likely label: inside the neutral band when neutral wins,
    beyond the cut points otherwise.
    """
    evidence = _evidence(text, language)
    if evidence is None or not (evidence.values or evidence.extra):
        return 0.0
    features = _features(evidence, text)
    negative, neutral, positive = _probabilities(features, evidence.key)
    negative, neutral, positive = _allowed(features, (negative, neutral, positive))
    expected = positive - negative
    if neutral >= positive and neutral >= negative:
        return round(expected * POSITIVE_ABOVE, 4)
    if positive > negative:
        return max(_LEAST_LABELLED, round(POSITIVE_ABOVE + (1 - POSITIVE_ABOVE) * expected, 4))
    return min(-_LEAST_LABELLED, round(NEGATIVE_BELOW + (1 + NEGATIVE_BELOW) * expected, 4))


# The smallest score that still reads as its label once rounded to 4 decimals.
_LEAST_LABELLED: Final = POSITIVE_ABOVE + 0.0001


def label_for_score(score: float) -> SentimentLabel:
    """Three-way label of a sentiment score, cut at `NEGATIVE_BELOW` and `POSITIVE_ABOVE`."""
    if score < NEGATIVE_BELOW:
        return SentimentLabel.negative
    if score > POSITIVE_ABOVE:
        return SentimentLabel.positive
    return SentimentLabel.neutral
