"""Data files of the engine's lexicon-based parts (sentiment, language), loaded once at import.

`sentiment_{en,fr,symbols}.txt` and `language_profiles.json` are written by hand for Vigie from
general knowledge of French and English. `sentiment_en_vader.json` (VADER, MIT licence),
`sentiment_fr_pattern.json` (Pattern's French adjectives, PDDL) and `sentiment_fr_vader.json`
(VADER-FR, MIT; written by `scripts/import-fr-vader-lexicon.py`) are published lexicons, each with
its origin and licence in its header fields, cut to the words ours lack; `sentiment_en_labmt.json`
(labMT 1.0, CC BY; written by `scripts/import-en-labmt-lexicon.py`) holds everyday English words
rated for happiness, the things posts name, read only where the opinion words leave room.
`sentiment_calibration.json` holds the 3 x 17 weights per lexicon of the sentiment calibration
(kinds of evidence, no word).
No entry is taken from an evaluation data set (those are research-only and must never ship in the
package).
"""
