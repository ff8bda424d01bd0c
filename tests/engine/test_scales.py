"""The bounded curves behind the factor points."""

from __future__ import annotations

import pytest

from api.engine.scales import clamp01, ramp, saturating


def test_ramp_is_linear_between_its_bounds_and_flat_outside() -> None:
    assert [ramp(v, 2.0, 4.0) for v in (0.0, 2.0, 3.0, 4.0, 9.0)] == [0.0, 0.0, 0.5, 1.0, 1.0]
    assert ramp(5.0, 3.0, 3.0) == 1.0


def test_saturating_grows_with_diminishing_returns() -> None:
    assert saturating(0.0, 2.0) == 0.0
    assert saturating(2.0, 2.0) == pytest.approx(0.632, abs=1e-3)
    assert saturating(-5.0, 2.0) == 0.0
    assert saturating(1e6, 2.0) == pytest.approx(1.0)


def test_clamp01() -> None:
    assert (clamp01(-1.0), clamp01(0.3), clamp01(7.0)) == (0.0, 0.3, 1.0)
