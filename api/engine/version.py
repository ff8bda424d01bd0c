"""Bump MODEL_VERSION whenever the engine's output for the same input changes."""

MODEL_VERSION = "2026.11.0"
