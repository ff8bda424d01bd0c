"""Hot mentions (sparse GSI2): the sort key and the bounded candidate ranking, in one place.

The assessment names the riskiest mentions of its window (`engine.assessment.top_mentions`). It
reads at most `HOT_CANDIDATES` of them, in the order of their GSI2 sort key read backwards:

    <UTC hour>#<risk, 3 digits>#<published instant>#<mention id>

newest hour first, the riskiest first within an hour (newest, then greatest id, among equals).
One Query of `HOT_CANDIDATES` items a shard, whatever the number of mentions: the read stays flat
for a busy brand, and it is exact (the same top mentions as reading every hot mention of the
window) whenever the window holds at most `HOT_CANDIDATES` hot mentions. Beyond that, the
candidates are the newest hours' (the oldest hour read only in part, its riskiest first): a busy
brand's top mentions come from its recent hours.

The DynamoDB read (api/aggregates), the live assessment's own writes (api/assessments/live.py)
and the in-memory replay (api/local/scenarios.py) all choose with `ranked`, so the replay names
the same mentions as storage.

Keys written before this format (`<published instant>#<mention id>`, the time key) are still
read: `parse_sort_key` takes both, and both sort by hour alike (an old key of an hour sorts after
that hour's new keys, before the next hour's), so no backfill is needed; they expire with their
mention.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from api.engine import TopMentionCandidate
from api.storage.keys import format_instant

# At most this many candidates an assessment reads (a Limit per shard, then merged).
HOT_CANDIDATES = 50

_HOUR_FORMAT = "%Y-%m-%dT%H"
_HOUR_WIDTH = len("2026-01-01T00")
_RISK_WIDTH = 3  # risk is 0..100


def hour_key(moment: datetime) -> str:
    """The UTC hour of `moment` as the sort key begins with it (also the bounds of a read)."""
    return moment.astimezone(UTC).strftime(_HOUR_FORMAT)


def sort_key(published: datetime, risk: int, mention_id: str) -> str:
    """`<UTC hour>#<risk>#<published instant>#<id>`: lexical order is hour, then risk, then
    time, then id (every part fixed width but the last)."""
    if not 0 <= risk <= 10**_RISK_WIDTH - 1:
        raise ValueError(f"risk {risk} does not fit the hot sort key")
    return f"{hour_key(published)}#{risk:0{_RISK_WIDTH}d}#{format_instant(published)}#{mention_id}"


def parse_sort_key(key: str) -> datetime:
    """The published instant of a hot sort key, of either format (`sort_key`'s, or the time
    key `<published instant>#<id>` written before it)."""
    head, _, rest = key.partition("#")
    if len(head) == _HOUR_WIDTH:  # <hour>#<risk>#<instant>#<id>
        instant = rest.split("#", 2)[1]
    else:  # <instant>#<id>
        instant = head
    return datetime.fromisoformat(instant).astimezone(UTC)


def candidate_key(candidate: TopMentionCandidate) -> str:
    """Where a candidate sorts among the hot mentions (`sort_key` of its fields)."""
    return sort_key(candidate.published_at, candidate.risk, candidate.mention_id)


def ranked(
    candidates: Iterable[TopMentionCandidate],
    window_start: datetime,
    at: datetime,
    limit: int = HOT_CANDIDATES,
) -> list[TopMentionCandidate]:
    """The candidates an assessment at `at` reads: those published in `[window_start, at]`,
    in the hot read's order (newest hour, riskiest, newest, greatest id first), each mention
    once, the first `limit`."""
    seen: set[str] = set()
    chosen: list[TopMentionCandidate] = []
    in_window = (c for c in candidates if window_start <= c.published_at <= at)
    for candidate in sorted(in_window, key=candidate_key, reverse=True):
        if len(chosen) >= limit:
            break
        if candidate.mention_id not in seen:
            seen.add(candidate.mention_id)
            chosen.append(candidate)
    return chosen
