"""botocore's endpoints.json, decoded a service at a time instead of whole.

Building a client makes botocore load `endpoints.json` (~1.2 MB of JSON: every service of every
partition) and decode it into tens of thousands of dicts, lists and strings, of which the
DynamoDB client reads one service of one partition. Those objects stay for the container's life:
~6 MiB of RSS, and their decoding is a share of each cold start.

The file is pretty-printed with one level of indentation per nesting level, so each partition's
`services` object, and each service in it, can be found by its lines without decoding it.
`EndpointsFileLoader` decodes the document with every `services` object emptied (regions,
defaults, dnsSuffix: small) and puts in each partition a `LazyServices` mapping over that
object's text, which decodes a service when it is first asked for. Anything unexpected in the
layout (a `services` object not where expected, a skeleton that does not decode to that shape, a
service's text that does not decode alone) and botocore's own decoding of the same text is used:
the same data, only decoded sooner.
"""

from __future__ import annotations

import json
import os
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import Any

from botocore.loaders import JSONFileLoader

ENDPOINTS = "endpoints"

# A partition's `services` object opens on its own line at the partition's key indentation and
# closes at the next line indented that much (everything inside is deeper); each service's key is
# a line one level deeper. JSON strings hold no raw newline: a line start is never inside one.
# (Plain substring searches: a regex anchored at line starts scans ~5x slower than the decoding
# it saves.)
_SERVICES_OPEN = '\n    "services" : {\n'
_SERVICES_CLOSE = "\n    }"
_SERVICE_KEY = '\n      "'
_KEY_END = '" : '
_SERVICE_CLOSE = "\n      }"


def _decode(text: str) -> Any:
    # botocore decodes its data files into OrderedDicts: keep the same types.
    return json.loads(text, object_pairs_hook=OrderedDict)


class LazyServices(Mapping[str, Any]):
    """A partition's `services`, kept as the text of its body: a service is found by its key's
    line and decoded on first access; the names are listed only if something iterates.

    A service whose text does not decode on its own (the layout was not what this expects after
    all) makes the whole body decode as botocore would have, and that answers from then on.
    """

    def __init__(self, body: str) -> None:
        self._body = body
        self._decoded: dict[str, Any] = {}
        self._whole: dict[str, Any] | None = None

    def _span(self, name: str) -> tuple[int, int] | None:
        if '"' in name or "\\" in name:  # never a service name; not findable as plain text
            return None
        start = self._body.find(f"{_SERVICE_KEY}{name}{_KEY_END}")
        if start < 0:
            return None
        value_start = start + len(_SERVICE_KEY) + len(name) + len(_KEY_END)
        end = self._body.find(_SERVICE_KEY, value_start)
        return value_start, len(self._body) if end < 0 else end

    def _all(self) -> dict[str, Any]:
        if self._whole is None:
            decoded: dict[str, Any] = _decode("{" + self._body + "}")
            self._whole = decoded
        return self._whole

    def __getitem__(self, name: str) -> Any:
        if self._whole is not None:
            return self._whole[name]
        if name in self._decoded:
            return self._decoded[name]
        span = self._span(name) if isinstance(name, str) else None
        if span is None:
            raise KeyError(name)
        text = self._body[span[0] : span[1]].rstrip().removesuffix(",")
        # A service's object closes on a line of its own at its key's depth (or is `{ }`), and
        # is exactly one JSON value (json raises otherwise): a span cut at the wrong place fails.
        if text == "{ }" or (text.startswith("{\n") and text.endswith(_SERVICE_CLOSE)):
            try:
                value = self._decoded[name] = _decode(text)
            except ValueError:
                pass
            else:
                return value
        return self._all()[name]

    def __contains__(self, name: object) -> bool:
        # Decoded to be sure (botocore reads the service right after asking anyway).
        try:
            self[name]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        # Rare (listing a partition's services): botocore's own decode, in its order.
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self._decoded)} decoded)"


def decode_endpoints(text: str) -> Any:
    """The endpoints document of `text`, its services decoded on demand when it can be."""
    skeleton: list[str] = []
    bodies: list[str] = []
    position = 0
    while (opened := text.find(_SERVICES_OPEN, position)) >= 0:
        body_start = opened + len(_SERVICES_OPEN) - 1  # from the newline before the first key
        closed = text.find(_SERVICES_CLOSE, body_start)
        if closed < 0:
            return _decode(text)
        body = text[body_start:closed]
        if not body.startswith(_SERVICE_KEY):
            return _decode(text)
        bodies.append(body)
        skeleton.append(text[position:body_start])
        position = closed
    skeleton.append(text[position:])
    try:
        document = _decode("".join(skeleton))
        partitions = document["partitions"]
        if not isinstance(partitions, list) or len(partitions) != len(bodies):
            return _decode(text)
        if any(partition.get("services") != {} for partition in partitions):
            return _decode(text)
    except (ValueError, TypeError, KeyError, AttributeError):
        return _decode(text)
    for partition, body in zip(partitions, bodies, strict=True):
        partition["services"] = LazyServices(body)
    return document


class EndpointsFileLoader(JSONFileLoader):
    """botocore's JSON file loader, but `endpoints.json` is decoded by `decode_endpoints`."""

    def load_file(self, file_path: str) -> Any:
        plain = file_path + ".json"
        # Only the uncompressed file botocore would read first; `.json.gz` and the rest as usual.
        if os.path.basename(file_path) != ENDPOINTS or not os.path.isfile(plain):
            return super().load_file(file_path)
        with open(plain, "rb") as fp:
            return decode_endpoints(fp.read().decode("utf-8"))
