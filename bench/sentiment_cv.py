"""Cross-validated macro-F1 of the sentiment fallback inside the `train` splits: compare variants.

Run: `.venv/bin/python bench/sentiment_cv.py [--seeds 7 11] [--l2 0.001] [--lang en fr]`
(~35 s per language and seed on a shared core).

What `bench/sentiment_calibration.py` does for one choice of L2, without writing anything and
without the both-lexicons model: the engine's evidence features of each `train` post (language
given), a k-fold cross-validation of the calibration, macro-F1 and the per-class F1 and confusion
of the held-out predictions, averaged over a few shuffles (one shuffle's folds move macro-F1 by
±0.003, about what the variants under test change). A variant of the rules is compared by running
this script on each checkout. `val` is never read here.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import Counter
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
if str(PROJECT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(PROJECT))

from bench.sentiment_accuracy import LABELS, f1_scores, load_deft, load_semeval  # noqa: E402
from bench.sentiment_calibration import FOLDS, _evidence_rows, held_out  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 11])
    parser.add_argument("--l2", type=float, default=1e-3)
    parser.add_argument("--lang", nargs="+", default=["en", "fr"], choices=["en", "fr"])
    args = parser.parse_args()
    sets = {
        "en": ("SemEval-2017 EN train", load_semeval),
        "fr": ("DEFT 2017 FR train", load_deft),
    }
    for language in args.lang:
        name, load = sets[language]
        posts = [p for p in load() if p.split == "train"]
        rows, labels = _evidence_rows(posts, language)
        gold = [LABELS[k] for k in labels]
        scores: list[float] = []
        per_class: Counter[str] = Counter()
        pairs: Counter[tuple[str, str]] = Counter()
        for seed in args.seeds:
            predicted = [LABELS[k] for k in held_out(rows, labels, args.l2, seed)]
            f1 = f1_scores(gold, predicted)
            scores.append(statistics.fmean(f1.values()))
            per_class.update(f1)
            pairs.update(zip(gold, predicted, strict=True))
        runs = len(args.seeds)
        print(
            f"{name}: {FOLDS}-fold CV macro-F1 {statistics.fmean(scores):.4f}"
            f" (seeds {' '.join(f'{s:.4f}' for s in scores)}),"
            f" F1 neg {per_class['negative'] / runs:.3f} neu {per_class['neutral'] / runs:.3f}"
            f" pos {per_class['positive'] / runs:.3f};"
            f" no evidence {sum(r is None for r in rows)} of {len(rows)}",
            flush=True,
        )
        print(
            "  gold -> computed (per shuffle): "
            + ", ".join(
                f"{g[:3]}->{p[:3]} {pairs[(g, p)] / runs:.0f}"
                for g in LABELS
                for p in LABELS
                if g != p
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
