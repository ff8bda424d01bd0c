"""Every source a hook can be registered for, by name: the `{source}` of the receiver's path."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from api.hooks.adapters import brandwatch, generic, meltwater, mention, talkwalker, youscan
from api.hooks.adapters.base import HookAdapter

ADAPTERS: Final = MappingProxyType(
    {
        adapter.name: adapter
        for adapter in (
            generic.ADAPTER,
            youscan.ADAPTER,
            meltwater.ADAPTER,
            mention.ADAPTER,
            talkwalker.ADAPTER,
            brandwatch.ADAPTER,
        )
    }
)
SOURCE_NAMES: Final = tuple(ADAPTERS)


def adapter_for(source: str) -> HookAdapter | None:
    return ADAPTERS.get(source)
