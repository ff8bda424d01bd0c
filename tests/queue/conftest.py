"""Every test here runs against a brand of one shard (today's keys) and a sharded one."""

from __future__ import annotations

import pytest


@pytest.fixture
def brand_id(brand_of_1_or_5_shards: str) -> str:
    return brand_of_1_or_5_shards
