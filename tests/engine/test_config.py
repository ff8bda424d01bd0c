"""The model is tuned through settings, never code: `VIGIE_ENGINE__<FIELD>`."""

from __future__ import annotations

import pytest

from api.engine import MODEL_VERSION, EngineConfig
from api.settings import Settings


def test_weights_and_thresholds_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VIGIE_ENGINE__WEIGHT_SPIKE", "30")
    monkeypatch.setenv("VIGIE_ENGINE__NEGATIVITY_WEIGHT", "4")
    monkeypatch.setenv("VIGIE_ENGINE__NETWORK_VIRALITY", '{"twitter": 0.9, "facebook": 0.8}')
    monkeypatch.setenv("VIGIE_ENGINE__MAJOR_TOPICS", '["outage", "product_defect"]')
    engine = Settings().engine
    assert engine.weight_spike == 30
    assert engine.negativity_weight == 4
    assert engine.network_virality["facebook"] == 0.8
    assert engine.major_topics == ["outage", "product_defect"]


def test_the_factor_weights_add_up_to_100() -> None:
    config = EngineConfig()
    weights = [value for name, value in config.model_dump().items() if name.startswith("weight_")]
    assert sum(weights) == 100


def test_the_model_has_a_version_of_its_own() -> None:
    assert MODEL_VERSION != "2026.11.0"  # the placeholder engine's
