from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from botocore.parsers import create_parser
from hypothesis import given
from hypothesis import strategies as st

from api.settings import Settings
from api.storage.codec import decode_number, from_item, to_attribute, to_item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

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


@given(
    st.decimals(allow_nan=False, allow_infinity=False, places=6) | st.integers(-(10**18), 10**18)
)
def test_numbers_decode_as_the_decimal_reading_does(number: Decimal | int) -> None:
    """The fast path (no Decimal for plain digits or a point) gives what Decimal gave."""
    text = str(number)
    reference = Decimal(text)
    expected = (
        int(reference)
        if reference == reference.to_integral_value() and "." not in text
        else float(reference)
    )
    decoded = decode_number(text)
    assert decoded == expected
    assert type(decoded) is type(expected)


def test_items_come_back_as_sent_and_decode_like_botocore_parsed_them(
    dynamodb: DynamoDBClient, settings: Settings
) -> None:
    """The client keeps attribute values as sent on the wire: what botocore's own parser builds
    for every type Vigie stores (no binary), so `from_item` reads the same item."""
    values = {"PK": "CODEC#wire", "SK": "1", "n": 3, "f": 0.125, "b": True, "z": None,
              "l": [1, "x", {"k": -2.5}], "m": {"a": {"b": [False]}}, "s": "é"}  # fmt: skip
    dynamodb.put_item(TableName=settings.table_name, Item=to_item(values))
    query = {
        "TableName": settings.table_name,
        "KeyConditionExpression": "PK = :pk",
        "ExpressionAttributeValues": {":pk": {"S": "CODEC#wire"}},
    }
    sent: list[dict[str, Any]] = []

    def keep(response_dict: dict[str, Any], **_: Any) -> None:
        sent.append(dict(response_dict))

    dynamodb.meta.events.register("before-parse.dynamodb.Query", keep)
    try:
        wire = dynamodb.query(**query)["Items"]  # type: ignore[arg-type]
    finally:
        dynamodb.meta.events.unregister("before-parse.dynamodb.Query", keep)
    output = dynamodb.meta.service_model.operation_model("Query").output_shape
    assert output is not None
    botocore_parsed = create_parser("json").parse(sent[0], output)["Items"]
    assert wire == botocore_parsed
    assert from_item(wire[0]) == {k: v for k, v in values.items() if v is not None}
