"""The registry is the one vendor list: the API's enum and the test fixtures follow it."""

from __future__ import annotations

from api.hooks.adapters.registry import ADAPTERS
from api.hooks.schemas import HookSourceName
from tests.hooks.conftest import FIXTURES


def test_every_adapter_is_a_source_the_api_accepts_and_the_other_way_round() -> None:
    assert set(ADAPTERS) == {name.value for name in HookSourceName}
    assert all(adapter.name == name for name, adapter in ADAPTERS.items())


def test_every_adapter_has_one_fixture_and_every_fixture_an_adapter() -> None:
    assert sorted(path.stem for path in FIXTURES.glob("*.json")) == sorted(ADAPTERS)
