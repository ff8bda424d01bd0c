"""A viral brand at 5,000 mentions/s for 10 minutes: writes and reads per partition key, simulated.

Issue 16, item 4. No DynamoDB: the keys and sizes are those the code would write, computed by the
real builders. Realistic mentions (bench/harness.py) are validated and triaged by the engine
(`AssessmentService.triage`, `mention_counters`, as `MentionService.ingest` does), then
`MentionRepository._transaction` builds the very `TransactWriteItems` ingest sends (mention Puts
through `_mention_item`, counter Updates through `AggregateRepository.update_action`, keys from
`api/storage/keys.py`). Each action is charged what DynamoDB charges it:

- base table: a transactional write is 2 WCU per KB (rounded up) of the item, the new mention's
  size, or, for a counter Update, the bucket item's size once every counter of the brand's hour
  is in it (names and values as the engine sends them);
- GSIs (infra/table.yml): a standard 1 WCU per KB of the projected item, for every mention that
  carries the index's key (GSI1 time order: all; GSI2 hot: the risky ones, keys + risk +
  mention_id; GSI3 queue: the open ones, ALL; GSI4: its keys only).

Reads: every `POST …/mentions` answers a fresh assessment. A recording stub client run through the
real `AssessmentService.assess` gives the partitions it queries and how many queries; their read
units are spread evenly over those queries, `--risk-rru` in total (default 5.0: what
bench/cost_model.py measured for one GET /risk on DynamoDB Local).

Limits: 1,000 WCU/s and 3,000 RCU/s per partition (a key's items may split further by sort key
under sustained load, "split for heat", but DynamoDB promises nothing for one key value: the
per-key figure is the one to hold). Two arrival shapes: batches of 100 (50 POST/s) and one
mention per POST (5,000 POST/s, YouScan's push). PASS/MISS per key family.

Run: .venv/bin/python bench/hot_partitions.py [--rate 5000] [--seconds 600] [--risk-rru 5.0]
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.aggregates.repository import AggregateRepository
from api.assessments.service import AssessmentService
from api.engine.counters import mention_counters
from api.engine.mention import Mention
from api.mentions.repository import MentionRepository, NewMention
from api.mentions.service import mention_id_for
from api.settings import Settings
from bench import harness

WCU_PER_PARTITION = 1000
RCU_PER_PARTITION = 3000
WORKSPACE = "ws_viral"
BRAND = "viralbrand"
SAMPLE = 2000  # distinct realistic mentions triaged; the stream cycles through them
SIZES: dict[str, int] = {}


def attribute_size(value: Any) -> int:
    """DynamoDB's size of one attribute value (its low-level JSON form)."""
    (kind, inner), *_ = value.items()
    if kind == "S":
        return len(inner.encode("utf-8"))
    if kind == "N":
        digits = len(inner.lstrip("-").replace(".", "").lstrip("0")) or 1
        return math.ceil(digits / 2) + 1
    if kind == "BOOL" or kind == "NULL":
        return 1
    if kind == "M":
        return 3 + sum(len(k.encode()) + attribute_size(v) + 1 for k, v in inner.items())
    if kind == "L":
        return 3 + sum(attribute_size(v) + 1 for v in inner)
    return len(str(inner))


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + attribute_size(value) for name, value in item.items())


def kb(size: int) -> int:
    return max(1, math.ceil(size / 1024))


def prepare(settings: Settings, rng: random.Random, now: datetime) -> list[NewMention]:
    """What MentionService.ingest hands to the repository, for SAMPLE realistic mentions."""
    assessments = AssessmentService(None, settings)  # type: ignore[arg-type]  # triage reads nothing
    received = now
    expires_at = int((received + timedelta(days=settings.retention_days)).timestamp())
    prepared = []
    for index in range(SAMPLE):
        published = now - timedelta(seconds=rng.uniform(0, 60))
        mention = Mention.model_validate(
            harness.realistic_mention(rng, f"viral-{index}", published)
        )
        triage = assessments.triage(mention, None, None, now=received)
        prepared.append(
            NewMention(
                mention_id=mention_id_for(mention.source, mention.external_id),
                mention=mention,
                document=mention.model_dump_json(exclude_none=True),
                triage=triage,
                counters=dict(mention_counters(mention, triage)),
                received_at=received,
                expires_at=expires_at,
                hot=triage.risk >= settings.engine.hot_mention_risk,
            )
        )
    return prepared


class _RecordingClient:
    """Stands for DynamoDB in `assess`: records the partitions queried, returns nothing."""

    def __init__(self) -> None:
        self.queries: Counter[str] = Counter()

    def query(self, **request: Any) -> dict[str, Any]:
        values = request.get("ExpressionAttributeValues", {})
        pk = next((v["S"] for k, v in values.items() if k in {":pk", ":p"}), None)
        if pk is None:
            pk = next(iter(v["S"] for v in values.values() if "S" in v), "?")
        index = request.get("IndexName")
        self.queries[f"{index or 'base'} {pk}"] += 1
        return {"Items": [], "Count": 0, "ScannedCount": 0}


def family(key: str) -> str:
    """`MENTION#ws#brand` -> `MENTION#<ws>#<brand>`; shards keep their number."""
    head, *rest = key.split("#")
    if head == "AGG" and rest:
        return f"AGG#<ws>#<brand>#{rest[-1]}"
    return head + "#<ws>#<brand>" if rest else head


def simulate(
    settings: Settings, mentions: Sequence[NewMention], batch: int, rate: int, risk_rru: float
) -> tuple[dict[str, float], dict[str, float]]:
    """Steady-state write and read units per second per (index, partition key family)."""
    aggregates = AggregateRepository(None, settings.table_name, settings.aggregate_shards)  # type: ignore[arg-type]
    repository = MentionRepository(
        None,  # type: ignore[arg-type]
        settings.table_name,
        aggregates,
        bucket_seconds=settings.engine.bucket_seconds,
    )
    # A bucket item holds every counter the brand's mentions add up to within its hour.
    bucket_counters: dict[str, float] = {}
    for m in mentions:
        for name, value in m.counters.items():
            bucket_counters[name] = bucket_counters.get(name, 0.0) + value * rate * 3600 / len(
                mentions
            )
    probe: Any = aggregates.update_action(
        WORKSPACE, BRAND, 0, "H#2026-12-01T00", bucket_counters, 1
    )
    update = probe["Update"]
    bucket_item = dict(update["Key"]) | {"expires_at": {"N": "1790000000"}}
    for placeholder, name in update.get("ExpressionAttributeNames", {}).items():
        bucket_item[name] = update["ExpressionAttributeValues"][":" + placeholder[1:]]
    bucket_size = item_size(bucket_item)
    units: dict[str, float] = defaultdict(float)
    mention_sizes: list[int] = []
    for start in range(0, len(mentions), batch):
        pending = list(mentions[start : start + batch])
        while pending:
            part = repository._next_chunk(pending)
            pending = pending[len(part) :]
            for action in repository._transaction(WORKSPACE, BRAND, part, shard=0):
                if "Put" in action:
                    item: Any = action["Put"]["Item"]
                    size = item_size(item)
                    mention_sizes.append(size)
                    units[f"base {family(item['PK']['S'])}"] += 2 * kb(size)
                    for index, projected in projections(item, size):
                        units[index] += kb(projected)
                else:
                    key: Any = action["Update"]["Key"]
                    pk = key["PK"]["S"]
                    units[f"base {family(pk)}"] += 2 * kb(bucket_size)
    writes = {where: total * rate / len(mentions) for where, total in units.items()}
    writes["_sizes"] = 0.0
    SIZES.update(bucket=bucket_size, mention=max(mention_sizes or [0]))
    posts_per_second = rate / batch
    # Reads: one assessment per POST.
    recorder = _RecordingClient()
    assess = AssessmentService(
        AggregateRepository(recorder, settings.table_name, settings.aggregate_shards),  # type: ignore[arg-type]
        settings,
    )
    assess.assess(WORKSPACE, BRAND, datetime.now(UTC), live=True)
    queries = sum(recorder.queries.values())
    reads: dict[str, float] = defaultdict(float)
    for where, count in recorder.queries.items():
        index, pk = where.split(" ", 1)
        reads[f"{index} {family(pk)}"] += risk_rru * count / queries * posts_per_second
    return writes, dict(reads)


def projections(item: dict[str, Any], size: int) -> list[tuple[str, int]]:
    out = [(f"GSI1 {family(item['GSI1PK']['S'])}", size)]
    if "GSI2PK" in item:
        keys_only = {k: item[k] for k in ("PK", "SK", "GSI2PK", "GSI2SK", "risk", "mention_id")}
        out.append((f"GSI2 {family(item['GSI2PK']['S'])}", item_size(keys_only)))
    if "GSI3PK" in item:
        out.append((f"GSI3 {family(item['GSI3PK']['S'])}", size))
        keys_only = {k: item[k] for k in ("PK", "SK", "GSI3PK", "GSI3SK")}
        out.append((f"GSI4 {family(item['GSI3PK']['S'])}", item_size(keys_only)))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rate", type=int, default=5000, help="mentions per second")
    parser.add_argument("--seconds", type=int, default=600, help="how long the burst lasts")
    parser.add_argument("--risk-rru", type=float, default=5.0, help="read units of one assess")
    parser.add_argument("--seed", type=int, default=20261125)
    args = parser.parse_args()
    settings = Settings()
    rng = random.Random(args.seed)
    mentions = prepare(settings, rng, datetime.now(UTC))
    sizes = sorted(len(m.document) for m in mentions)
    print(
        f"Hot partitions: one brand at {args.rate:,} mentions/s for {args.seconds} s "
        f"({args.rate * args.seconds:,} mentions); {SAMPLE} realistic mentions triaged, "
        f"document sizes median {sizes[len(sizes) // 2]} B, p99 {sizes[int(len(sizes) * 0.99)]} B; "
        f"{sum(m.hot for m in mentions)} hot, "
        f"{sum(m.triage.tier.value != 'watch' for m in mentions)} open"
    )
    missed = 0
    for batch, label in ((100, "batches of 100"), (1, "one mention per POST")):
        writes, reads = simulate(settings, mentions, batch, args.rate, args.risk_rru)
        writes.pop("_sizes")
        print(
            f"\n--- {label}: {args.rate / batch:,.0f} POST/s (mention item up to "
            f"{SIZES['mention']} B = {kb(SIZES['mention'])} KB, hour bucket item "
            f"{SIZES['bucket']} B = {kb(SIZES['bucket'])} KB)"
        )
        print(f"  {'index / partition key':<34}{'WCU/s':>10}{'RCU/s':>10}  verdict")
        for where in sorted(set(writes) | set(reads)):
            w, r = writes.get(where, 0.0), reads.get(where, 0.0)
            ok = w <= WCU_PER_PARTITION and r <= RCU_PER_PARTITION
            missed += not ok
            verdict = (
                "PASS"
                if ok
                else f"MISS ({max(w / WCU_PER_PARTITION, r / RCU_PER_PARTITION):.1f}x the limit)"
            )
            print(f"  {where:<34}{w:>10,.0f}{r:>10,.0f}  {verdict}")
    print(
        f"\nLimits per partition key: {WCU_PER_PARTITION:,} WCU/s, {RCU_PER_PARTITION:,} RCU/s. "
        f"{'ALL PASS' if not missed else f'{missed} key famil(ies) MISS'}"
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
