"""What an adapter is, and how the items it reads become canonical mentions or one 422.

An adapter turns the JSON a listening tool pushes into canonical mentions. Tools send
what they have: X posts without text or author, counters as strings, dates in three formats. So
readers are lenient per field (`fields.py`, `vocabulary.py`) — a value that cannot be used is
dropped (and stays in `raw`) rather than failing the mention. Only a mention without an id or a
publication date is refused, and then the whole delivery is refused with the JSON path of every
such item (422).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, NoReturn

from pydantic import ValidationError

from api.engine.mention import Mention
from api.problems import InvalidParam, ValidationFailed

Fields = dict[str, Any]

# Every mode, for tools (or the relay posting for them) that can sign the body.
ALL_AUTH_MODES: Final = ("standard_webhooks", "hmac_sha256", "url_token")
URL_TOKEN_ONLY: Final = ("url_token",)

# Listing only the first problems keeps a refusal of a 1,000-item delivery readable.
MAX_REPORTED_PROBLEMS: Final = 20


@dataclass(frozen=True, slots=True)
class HookAdapter:
    """One listening tool's native push format, and how it becomes canonical mentions."""

    name: str
    title: str
    summary: str
    parse: Callable[[Any], list[Mention]]
    request_schema: Mapping[str, Any]
    example: Mapping[str, Any]
    documentation: str
    # The `auth` modes (api.hooks.schemas.HookAuth values) the tool's deliveries can use: a
    # vendor that pushes itself and cannot sign as Vigie verifies gets `url_token` only, so a
    # registration never hands out instructions the tool cannot follow.
    auth_modes: tuple[str, ...] = ALL_AUTH_MODES


class ItemRejected(Exception):
    """This item cannot become a mention (no id, no date): `field` says where, `reason` why."""

    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(f"{field_name}: {reason}")
        self.field_name = field_name
        self.reason = reason


def build_mentions(
    entries: Iterable[tuple[str, Any]], convert: Callable[[Mapping[str, Any]], Fields]
) -> list[Mention]:
    """Convert every `(JSON path, item)`, or refuse the delivery naming each unusable item (422)."""
    mentions: list[Mention] = []
    problems: list[InvalidParam] = []
    for where, item in entries:
        if not isinstance(item, Mapping):
            problems.append(InvalidParam(name=where or "body", reason="expected a JSON object"))
            continue
        try:
            mentions.append(Mention.model_validate(convert(item)))
        except ItemRejected as rejected:
            problems.append(
                InvalidParam(name=json_path(where, rejected.field_name), reason=rejected.reason)
            )
        except ValidationError as error:
            problems.extend(
                InvalidParam(
                    name=json_path(where, *(str(part) for part in e["loc"])),
                    reason=str(e["msg"]),
                )
                for e in error.errors(include_url=False, include_input=False)
            )
    if problems:
        raise_invalid(problems)
    return mentions


def indexed(items: Sequence[Any], path: str) -> list[tuple[str, Any]]:
    """`(path.i, item)` for every item of a list found at `path`."""
    return [(json_path(path, str(index)), item) for index, item in enumerate(items)]


def json_path(*parts: str) -> str:
    return ".".join(part for part in parts if part)


def list_at(payload: Mapping[str, Any], key: str) -> list[Any]:
    """`payload[key]` when it is a list; a 422 naming the field otherwise."""
    value = payload.get(key)
    if not isinstance(value, list):
        raise_invalid([InvalidParam(name=key, reason="expected a JSON array")])
    assert isinstance(value, list)
    return value


def raise_invalid(problems: Sequence[InvalidParam]) -> NoReturn:
    raise ValidationFailed.for_params(problems, limit=MAX_REPORTED_PROBLEMS)


def unmapped(item: Mapping[str, Any], consumed: Iterable[str]) -> dict[str, Any] | None:
    """The item's fields Vigie does not model, kept as sent in `raw` for audit."""
    taken = set(consumed)
    rest = {key: value for key, value in item.items() if key not in taken}
    return rest or None


def items_of(payload: Any, *envelopes: str) -> list[tuple[str, Any]]:
    """`(JSON path, item)` of a delivery: an array of items, the list under the first of
    `envelopes` the object has, or the payload as one item."""
    if isinstance(payload, list):
        return indexed(payload, "")
    if isinstance(payload, Mapping):
        for envelope in envelopes:
            if envelope in payload:
                return indexed(list_at(payload, envelope), envelope)
    return [("", payload)]


def require(value: Any, field_name: str, reason: str) -> Any:
    if value is None:
        raise ItemRejected(field_name, reason)
    return value
