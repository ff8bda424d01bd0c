"""Accuracy and speed of the sentiment and language fallback, against labelled public posts.

Run: `.venv/bin/python bench/sentiment_accuracy.py` (reads `$VIGIE_SHARED_DIR/datasets`,
default `<project>/../shared`). The data sets are research-only: read here, never shipped, and no
lexicon entry was extracted from them: entries are general vocabulary written by hand (a few,
such as `maudit` or `whining`, were noticed while reading train errors; none from `val`). The
rules and label cut points were chosen by hand, and the calibration fitted, on the `train` splits
only (aggregate figures, confusion matrices, and the classes of errors they show); `val` is read,
never tuned on.

Figures of the last run (2026-12-02, 2-core AMD EPYC, shared; Python 3.11; lexicons: EN 1,176
entries + VADER's 5,504, FR 1,470 + Pattern's 998, symbols 175; calibrated by
`bench/sentiment_calibration.py` on the train splits), language given; before = engine 2026.12.5.
2026-12-03, engine 2026.12.11 (+ VADER-FR's 4,478 French words, refit): DEFT FR train 0.680
(F1 0.777 / 0.648 / 0.615), val **0.671** (0.761 / 0.656 / 0.596); English unchanged:

    macro-F1 (human labels)             before   after    after: F1 neg   neu    pos
      SemEval-2017 EN train (fitted on)  0.637   0.652           0.712  0.591  0.654
      SemEval-2017 EN val                0.618   0.642           0.670  0.539  0.716
      DEFT 2017 FR train (fitted on)     0.662   0.674           0.775  0.650  0.597
      DEFT 2017 FR val                   0.643   0.648           0.755  0.633  0.556
      majority class 0.167; naive 40-word lexicon EN 0.385/0.387, FR 0.243/0.263 (train/val)
      (references on the unseen test splits, not run here: VADER-FR 0.55 on DEFT; FastText 0.51,
      XLM-R 0.69+ on SemEval)

    X-CI EN vs its machine (VADER-like) sentiment column: macro-F1 0.698 (before 0.695)
    X-CI complaints (human label) scored negative 53.3 % vs 15.8 % of non-complaints;
      positive 9.4 % vs 31.9 %; mean score by severity 0..4:
      +0.139, -0.191, -0.380, -0.376, -0.485

    Language detection: DEFT FR 98.0 % fr (1.7 % undecided, 0.3 % wrong);
      X-CI EN 94.9 % en (5.0 % undecided, 0.1 % wrong)

    Throughput, CPU time, warm caches, median of 5 passes: score_sentiment with the language
      given 8.8 k texts/s, language None 5.6 k (naive 40-word lexicon 25.9 k; before, side by side
      in another run: ~0.6-0.75x of the uncalibrated rules, see bench/README.md)
"""

from __future__ import annotations

import csv
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
if str(PROJECT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(PROJECT))

from api.engine.language import detect_language  # noqa: E402
from api.engine.sentiment import label_for_score, score_sentiment  # noqa: E402
from api.engine.text import tokens  # noqa: E402

LABELS = ("negative", "neutral", "positive")


@dataclass(frozen=True, slots=True)
class LabelledPost:
    text: str
    label: str  # negative / neutral / positive
    split: str = ""
    complaint: bool = False
    severity: int = 0


def shared_dir() -> Path:
    return Path(os.environ.get("VIGIE_SHARED_DIR", PROJECT.parent / "shared"))


def _dataset(relative: str) -> Path:
    path = shared_dir() / "datasets" / relative
    if not path.is_file():
        raise FileNotFoundError(
            f"evaluation data set missing: {path} (set VIGIE_SHARED_DIR to the folder that holds "
            "datasets/deft2017_fr and datasets/xci_complaints_en)"
        )
    return path


def load_deft() -> list[LabelledPost]:
    """DEFT 2017 French tweets: `split` is train or val, labels are human."""
    with _dataset("deft2017_fr/deft2017_fr_trainval.csv").open(encoding="utf-8", newline="") as f:
        return [LabelledPost(r["text"], r["label"], split=r["split"]) for r in csv.DictReader(f)]


_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def load_semeval() -> list[LabelledPost]:
    """SemEval-2017 English tweets: `split` is train or val, labels are human.

    The packaging escaped apostrophes and commas (`can\\u2019t`, `\\u002c`): they are read back, as
    the posts were written.
    """
    path = _dataset("semeval2017_en/semeval2017_en_trainval.csv")
    with path.open(encoding="utf-8", newline="") as f:
        return [
            LabelledPost(
                _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), r["text"]),
                r["label"],
                split=r["split"],
            )
            for r in csv.DictReader(f)
        ]


def load_xci() -> list[LabelledPost]:
    """X-CI English tweets: `label` is the machine sentiment, complaint and severity are human."""
    with _dataset("xci_complaints_en/X-CI_Dataset.csv").open(encoding="utf-8", newline="") as f:
        return [
            LabelledPost(
                r["tweet"],
                r["sentiment"].strip().lower(),
                complaint=r["label"].strip() == "1",
                severity=int(r["Severity"]),
            )
            for r in csv.DictReader(f)
        ]


def f1_scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """Per-class F1 over `LABELS`."""
    pairs = Counter(zip(gold, predicted, strict=True))
    scores: dict[str, float] = {}
    for label in LABELS:
        true_positive = pairs[(label, label)]
        predicted_count = sum(n for (_, p), n in pairs.items() if p == label)
        gold_count = sum(n for (g, _), n in pairs.items() if g == label)
        denominator = predicted_count + gold_count
        scores[label] = 2 * true_positive / denominator if denominator else 0.0
    return scores


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    return statistics.fmean(f1_scores(gold, predicted).values())


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    return sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)


def vigie_labels(posts: Iterable[LabelledPost], language: str | None) -> list[str]:
    return [label_for_score(score_sentiment(p.text, language)).value for p in posts]


# Sanity baseline: the kind of lexicon anyone writes in five minutes, counting hits.
_NAIVE_POSITIVE = frozenset(
    "bon bien super merci bravo genial excellent top parfait content heureux aime "
    "good great love thanks thank excellent awesome happy best nice perfect amazing".split()
)
_NAIVE_NEGATIVE = frozenset(
    "mauvais nul pire honte arnaque probleme triste deteste horrible catastrophe "
    "bad worst terrible awful hate problem sad horrible scam never not".split()
)


def naive_label(text: str) -> str:
    words = tokens(text)
    balance = sum(w in _NAIVE_POSITIVE for w in words) - sum(w in _NAIVE_NEGATIVE for w in words)
    return "positive" if balance > 0 else "negative" if balance < 0 else "neutral"


def _row(name: str, gold: Sequence[str], predicted: Sequence[str]) -> str:
    per_class = f1_scores(gold, predicted)
    return (
        f"  {name:<34} macro-F1 {macro_f1(gold, predicted):.3f}"
        f"  acc {accuracy(gold, predicted):.3f}"
        f"  F1 neg {per_class['negative']:.3f} neu {per_class['neutral']:.3f}"
        f" pos {per_class['positive']:.3f}  (n={len(gold)})"
    )


def _throughput(
    function: Callable[[str, str], object], posts: Sequence[tuple[str, str]], rounds: int = 5
) -> float:
    """Median texts/s over `rounds` passes, in CPU time: the machines are shared, and wall time
    measures the neighbours as much as the code."""
    rates = []
    for _ in range(rounds):
        started = time.process_time()
        for text, language in posts:
            function(text, language)
        rates.append(len(posts) / (time.process_time() - started))
    return statistics.median(rates)


def _confusion(gold: Sequence[str], predicted: Sequence[str]) -> list[str]:
    pairs = Counter(zip(gold, predicted, strict=True))
    lines = ["    gold \\ computed   " + "".join(f"{label:>10}" for label in LABELS)]
    for label in LABELS:
        lines.append(
            f"    {label:<18}" + "".join(f"{pairs[(label, other)]:>10}" for other in LABELS)
        )
    return lines


def _complaint_report(posts: Sequence[LabelledPost]) -> list[str]:
    lines = []
    for name, group in (
        ("complaints (label=1)", [p for p in posts if p.complaint]),
        ("non-complaints (label=0)", [p for p in posts if not p.complaint]),
    ):
        labels = Counter(label_for_score(score_sentiment(p.text, None)) for p in group)
        share = {label.value: labels[label] / len(group) for label in labels}
        lines.append(
            f"  {name:<26} scored negative {share.get('negative', 0.0):.1%}"
            f"  neutral {share.get('neutral', 0.0):.1%}  positive {share.get('positive', 0.0):.1%}"
            f"  (n={len(group)})"
        )
    by_severity = {
        level: statistics.fmean(score_sentiment(p.text, None) for p in posts if p.severity == level)
        for level in sorted({p.severity for p in posts})
    }
    lines.append(
        "  mean score by severity (0 = no complaint … 4): "
        + "  ".join(f"{level}: {value:+.3f}" for level, value in by_severity.items())
    )
    return lines


def main() -> None:
    deft = load_deft()
    xci = load_xci()
    print(f"shared data: {shared_dir()}  —  DEFT FR {len(deft)} posts, X-CI EN {len(xci)} posts\n")

    print("DEFT 2017 FR (human labels; reference VADER-FR macro-F1 0.55 on its unseen test split)")
    majority = Counter(p.label for p in deft if p.split == "train").most_common(1)[0][0]
    for split in ("train", "val", "all"):
        posts = [p for p in deft if split in ("all", p.split)]
        gold = [p.label for p in posts]
        title = {"train": "train (rules tuned here)", "val": "val (never looked at)"}.get(
            split, "train + val"
        )
        print(f" {title}")
        print(_row(f"majority class ({majority})", gold, [majority] * len(gold)))
        print(_row("naive 40-word lexicon", gold, [naive_label(p.text) for p in posts]))
        print(_row("vigie, language given (fr)", gold, vigie_labels(posts, "fr")))
        print(_row("vigie, language detected", gold, vigie_labels(posts, None)))

    semeval = load_semeval()
    print(f"\nSemEval-2017 EN (human labels; {len(semeval)} posts; published test-split reference:")
    print(" FastText 0.51, XLM-R 0.69+ macro-F1)")
    majority = Counter(p.label for p in semeval if p.split == "train").most_common(1)[0][0]
    for split in ("train", "val"):
        posts = [p for p in semeval if p.split == split]
        gold = [p.label for p in posts]
        title = {"train": "train (rules tuned here)", "val": "val (never tuned on)"}[split]
        print(f" {title}")
        print(_row(f"majority class ({majority})", gold, [majority] * len(gold)))
        print(_row("naive 40-word lexicon", gold, [naive_label(p.text) for p in posts]))
        print(_row("vigie, language given (en)", gold, vigie_labels(posts, "en")))
        print(_row("vigie, language detected", gold, vigie_labels(posts, None)))
    for name, posts, language in (
        ("SemEval train", [p for p in semeval if p.split == "train"], "en"),
        ("DEFT train", [p for p in deft if p.split == "train"], "fr"),
    ):
        print(f" confusion, {name} (where the errors are):")
        for line in _confusion([p.label for p in posts], vigie_labels(posts, language)):
            print(line)

    print("\nX-CI EN (sentiment column is machine-made, VADER-like: agreement, not accuracy)")
    gold = [p.label for p in xci]
    print(_row("majority class (neutral)", gold, ["neutral"] * len(gold)))
    print(_row("naive 40-word lexicon", gold, [naive_label(p.text) for p in xci]))
    print(_row("vigie, language given (en)", gold, vigie_labels(xci, "en")))
    print(_row("vigie, language detected", gold, vigie_labels(xci, None)))
    print(" complaints (human labels), language detected:")
    for line in _complaint_report(xci):
        print(line)

    print("\nLanguage detection")
    for name, posts, expected in (("DEFT FR", deft, "fr"), ("X-CI EN", xci, "en")):
        found = Counter(detect_language(p.text) for p in posts)
        answered = len(posts) - found[None]
        print(
            f"  {name}: accuracy {found[expected] / len(posts):.1%} ({expected}),"
            f" undecided {found[None] / len(posts):.1%},"
            f" wrong {(answered - found[expected]) / len(posts):.1%},"
            f" precision when answering {found[expected] / answered:.1%}"
        )

    timed = [(p.text, "fr") for p in deft] + [(p.text, "en") for p in xci]
    short = [(text, language) for text, language in timed if len(text) <= 80]
    for title, sample in (("all posts", timed), ("posts of 80 chars or less", short)):
        mean_chars = statistics.fmean(len(text) for text, _ in sample)
        print(
            f"\nThroughput, {title}: median of 5 passes over {len(sample)} posts"
            f" ({mean_chars:.0f} chars on average), CPU time of this process"
        )
        cases: list[tuple[str, Callable[[str, str], object]]] = [
            ("detect_language", lambda text, _: detect_language(text)),
            ("score_sentiment, language given", score_sentiment),
            ("score_sentiment, language None", lambda text, _: score_sentiment(text, None)),
            ("naive 40-word lexicon", lambda text, _: naive_label(text)),
        ]
        for name, function in cases:
            print(f"  {name:<34} {_throughput(function, sample):>9,.0f} texts/s")


if __name__ == "__main__":
    main()
