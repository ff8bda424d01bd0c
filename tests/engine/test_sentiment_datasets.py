"""The sentiment fallback against labelled public posts (`../shared/datasets`, research-only).

No skip: a missing data set fails with the path it looked for (set VIGIE_SHARED_DIR). Figures and
the comparison with baselines: `bench/sentiment_accuracy.py`.
"""

from __future__ import annotations

from collections import Counter

from api.engine.language import detect_language
from api.engine.sentiment import label_for_score, score_sentiment
from api.mentions.schemas import SentimentLabel
from bench.sentiment_accuracy import load_deft, load_semeval, load_xci, macro_f1, vigie_labels

# Measured 0.670 on DEFT FR train + val, language detected (0.659 before the calibration); the floor
# leaves room for lexicon edits that trade a little of this general-news corpus for brand posts,
# not for a regression.
DEFT_MACRO_F1_FLOOR = 0.64


def test_deft_french_macro_f1_stays_above_floor() -> None:
    posts = load_deft()
    assert len(posts) > 2000
    gold = [post.label for post in posts]
    assert macro_f1(gold, vigie_labels(posts, None)) >= DEFT_MACRO_F1_FLOOR


# Measured 0.651 on SemEval train + val, language detected (train 0.652, val 0.642; 0.634 before the
# calibration, 0.603 before the issue 10 classes): the floor guards them, not the third decimal.
SEMEVAL_MACRO_F1_FLOOR = 0.63


def test_semeval_english_macro_f1_stays_above_floor() -> None:
    posts = load_semeval()
    assert len(posts) > 2000
    # The packaging's escapes are read back: no post keeps a literal `\u2019`.
    assert not any("\\u2019" in post.text for post in posts)
    gold = [post.label for post in posts]
    assert macro_f1(gold, vigie_labels(posts, None)) >= SEMEVAL_MACRO_F1_FLOOR


def test_xci_complaints_are_scored_negative_more_often_than_other_posts() -> None:
    posts = load_xci()
    negative_share: dict[bool, float] = {}
    for complaint in (True, False):
        group = [post for post in posts if post.complaint is complaint]
        labels = Counter(label_for_score(score_sentiment(post.text, None)) for post in group)
        negative_share[complaint] = labels[SentimentLabel.negative] / len(group)
    # Measured 53 % against 16 %: a factor of 2 is the floor.
    assert negative_share[True] >= 2 * negative_share[False]


def test_languages_of_both_data_sets_are_detected() -> None:
    for posts, expected, floor in ((load_deft(), "fr", 0.95), (load_xci(), "en", 0.92)):
        found = Counter(detect_language(post.text) for post in posts)
        assert found[expected] / len(posts) >= floor, (expected, found.most_common(4))
