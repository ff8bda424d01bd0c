"""Key builders of the single table (see infra/table.yml for the item catalogue)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime


def api_key_pk(key_hash: str) -> str:
    return f"KEY#{key_hash}"


def workspace_pk(workspace: str) -> str:
    return f"WS#{workspace}"


def brand_sk(brand_id: str) -> str:
    return f"BRAND#{brand_id}"


def _sharded(key: str, shard: int) -> str:
    # Shard 0 is the key as it always was: a brand with one shard reads and writes as before.
    return key if shard == 0 else f"{key}#{shard}"


def mention_shard(mention_id: str, shards: int) -> int:
    """The shard of a mention among its brand's `shards`: computed from the id, never stored,
    so one GetItem finds it and a replay lands on the same key (`attribute_not_exists` dedupe)."""
    if shards <= 1:
        return 0
    return int(hashlib.sha256(mention_id.encode()).hexdigest()[:8], 16) % shards


def mentions_pk(workspace: str, brand_id: str, shard: int = 0) -> str:
    """The mention items of one shard of a brand (also their GSI1 time-order key)."""
    return _sharded(f"MENTION#{workspace}#{brand_id}", shard)


def mention_sk(mention_id: str) -> str:
    return f"M#{mention_id}"


def hot_mentions_pk(workspace: str, brand_id: str, shard: int = 0) -> str:
    return _sharded(f"HOT#{workspace}#{brand_id}", shard)


def aggregate_pk(workspace: str, brand_id: str, shard: int) -> str:
    return f"AGG#{workspace}#{brand_id}#{shard}"


def time_sort_key(moment: datetime, mention_id: str) -> str:
    """Sortable `<UTC instant, fixed width>#<id>`: lexical order is time order."""
    return f"{format_instant(moment)}#{mention_id}"


def format_instant(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def hook_source_pk(hook_id: str) -> str:
    """The route item of an inbound hook source: how a receiver finds its workspace and secrets."""
    return f"HOOKSRC#{hook_id}"


def hook_source_sk(hook_id: str) -> str:
    """The listing item of a hook source, under its workspace (`WS#…`): public fields only."""
    return f"HOOKSRC#{hook_id}"


def hook_delivery_pk(hook_id: str, delivery_digest: str) -> str:
    """A delivery already received by a hook (`webhook-id` or signature digest), kept with a TTL."""
    return f"HOOKDELIVERY#{hook_id}#{delivery_digest}"


def queue_pk(workspace: str, brand_id: str, shard: int = 0) -> str:
    """The answer queue of one shard of a brand (sparse GSI3): its open mentions only."""
    return _sharded(f"QUEUE#{workspace}#{brand_id}", shard)


# Sorts after every real deadline: an open mention without one comes last.
NO_DEADLINE = "9999-12-31T23:59:59.999999Z"


def queue_sk(respond_by: datetime | None, mention_id: str) -> str:
    """`<respond_by>#<id>`: the queue in deadline order, the most overdue first."""
    deadline = format_instant(respond_by) if respond_by is not None else NO_DEADLINE
    return f"{deadline}#{mention_id}"
