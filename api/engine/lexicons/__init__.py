"""Data files of the engine's lexicon-based parts (sentiment, language), loaded once at import.

Written by hand for Vigie from general knowledge of French and English; no entry is taken from an
evaluation data set (those are research-only and must never ship in the package).
"""
