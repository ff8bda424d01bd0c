"""Every source a hook can be registered for, by name: the `{source}` of the receiver's path.

The one list of vendors: `HookSourceName`, the OpenAPI enums and the tests derive from it, in
this order (docs/webhooks.md, "Adding a vendor").
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from api.hooks.adapters import brandwatch, generic, meltwater, mention, talkwalker, youscan
from api.hooks.adapters.adapter import HookAdapter

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


def adapter_for(source: str) -> HookAdapter | None:
    return ADAPTERS.get(source)
