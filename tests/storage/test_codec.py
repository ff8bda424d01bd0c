from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.storage.codec import from_item, to_attribute, to_item

json_like = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**15), 10**15) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(min_size=1, max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@given(st.dictionaries(st.text(min_size=1, max_size=10), json_like, max_size=6))
def test_items_round_trip(values: dict[str, Any]) -> None:
    stored = {k: v for k, v in values.items() if v is not None}
    assert from_item(to_item(values)) == stored


def test_numbers_keep_their_kind() -> None:
    assert from_item(to_item({"i": 3, "f": 0.25, "d": Decimal("2")})) == {"i": 3, "f": 0.25, "d": 2}
    assert to_attribute(1 / 3) == {"N": "0.333333"}


def test_unsupported_values_are_refused() -> None:
    with pytest.raises(TypeError):
        to_attribute(object())
