"""Python values ⇄ DynamoDB attribute values (the subset Vigie stores).

boto3's TypeSerializer would pull `import boto3` (and s3transfer) onto the cold-start path; the
subset we need is small: str, bool, int, float (as Decimal text), None, list, dict.

Reading is where an assessment spends its client-side time, per attribute value: botocore walks
every `AttributeValue` of a response through the service model (ten member look-ups each, to turn
base64 blobs into bytes), then `from_attribute` decodes it again. `WireAttributeParsers` hands the
attribute values over as they came on the wire (JSON: `{"N": "3"}`); we store no binary, so that
is exactly what botocore would have built, at a fraction of the cost (bench/risk_cost.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from botocore.parsers import JSONParser, ResponseParser, ResponseParserFactory

if TYPE_CHECKING:
    from botocore.model import MapShape, Shape
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

_ATTRIBUTE_VALUE = "AttributeValue"


class _WireAttributeValues(JSONParser):
    """botocore's JSON parser, except that `AttributeValue`s (and the item maps of them) are
    kept as decoded from the JSON body instead of walked member by member."""

    # botocore-stubs leave the parsers' handlers out: they are what a subclass overrides.
    def _handle_map(self, shape: MapShape, value: Any) -> Any:
        if shape.value.name == _ATTRIBUTE_VALUE:
            return value  # an item: attribute names are plain strings, values as sent
        return super()._handle_map(shape, value)  # type: ignore[misc]

    def _handle_structure(self, shape: Shape, value: Any) -> Any:
        if shape.name == _ATTRIBUTE_VALUE:
            return value
        return super()._handle_structure(shape, value)  # type: ignore[misc]


class WireAttributeParsers(ResponseParserFactory):
    """The response parsers of a DynamoDB client (`session.register_component`)."""

    def create_parser(self, protocol_name: str) -> ResponseParser:
        if protocol_name == "json":
            return _WireAttributeValues(**self._defaults)  # type: ignore[attr-defined]
        return super().create_parser(protocol_name)


def to_attribute(value: Any) -> AttributeValueTypeDef:
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, int | Decimal):
        return {"N": str(value)}
    if isinstance(value, float):
        return {"N": repr(round(value, 6))}
    if isinstance(value, Mapping):
        return {"M": {str(k): to_attribute(v) for k, v in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [to_attribute(v) for v in value]}
    raise TypeError(f"cannot store {type(value).__name__} in DynamoDB")


def to_item(values: Mapping[str, Any]) -> dict[str, AttributeValueTypeDef]:
    return {k: to_attribute(v) for k, v in values.items() if v is not None}


def decode_number(text: str) -> int | float:
    """A DynamoDB number (decimal text): an int when written without a point, else a float."""
    # Plain digits and digits with a point convert directly, exactly as through Decimal (the
    # float nearest the decimal either way); only an exponent needs Decimal's reading.
    if "e" not in text and "E" not in text:
        return float(text) if "." in text else int(text)
    number = Decimal(text)
    integral = number == number.to_integral_value() and "." not in text
    return int(number) if integral else float(number)


def from_attribute(attribute: Mapping[str, Any]) -> Any:
    (kind, value), *_ = attribute.items()
    if kind == "S":
        return value
    if kind == "N":
        return decode_number(value)
    if kind == "BOOL":
        return bool(value)
    if kind == "NULL":
        return None
    if kind == "M":
        return {k: from_attribute(v) for k, v in value.items()}
    if kind == "L":
        return [from_attribute(v) for v in value]
    if kind == "SS":
        return set(value)
    raise TypeError(f"unexpected DynamoDB attribute type {kind}")


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: from_attribute(v) for k, v in item.items()}
