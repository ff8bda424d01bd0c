"""Bump MODEL_VERSION whenever the engine's output for the same input changes."""

# 2026.11.1: the first calibrated model (lexicon topics, EWMA spike, stage, tier rules).
MODEL_VERSION = "2026.11.1"
