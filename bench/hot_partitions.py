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

Sharding (docs/architecture.md "Hot partitions"): the viral brand was created with `--shards`
mention shards (default 32); each row shows the busiest key of its family, N = 1 (today's keys)
and N = `--shards` side by side. The brand's shard count is handed to the real builders through
`ShardCounts`, as the brand item would; counter writes take the aggregate shard the code's first
attempt would (`MentionRepository._counter_shard`).

Quota (`QUOTA#<ws>#<day>[#<k>]`, api/quotas): the workspace's daily counter, split over the
workspace's mention shard count (`VIGIE_WORKSPACE_MENTION_SHARDS`, the same N). A batch that fits
one transaction reserves in it (`QuotaClaim.action` on the shard `MentionRepository._quota_shard`
picks: the first mention's id hash, as the counter shard), a larger batch with one conditional
UpdateItem (`QuotaService.try_reserve`, through a recording client). The fallback reads (a full
shard, near the day's limit) are not in the steady state.

Reads: a batch `POST …/mentions` answers a fresh assessment (one per POST). A single-mention POST
answers its container's cached assessment (issue 16 item 2), re-read at most every
`--refresh-seconds` by each of `--containers` containers: containers / refresh assessments a
second, not one per POST (the figure without the cache is printed too). Each container also
reads the triage context once per 5-minute slot. A recording stub client run through the real
`AssessmentService.assess` gives the partitions each assessment queries; a query costs what the
same query of an unsharded brand costs (`--risk-rru` spread over its queries, default 5.0: what
bench/cost_model.py measured for one GET /risk on DynamoDB Local), at least one read unit.

Limits: 1,000 WCU/s and 3,000 RCU/s per partition (a key's items may split further by sort key
under sustained load, "split for heat", but DynamoDB promises nothing for one key value: the
per-key figure is the one to hold). Two arrival shapes: batches of 100 (50 POST/s) and one
mention per POST (5,000 POST/s, YouScan's push). PASS/MISS per key family; the exit status is
that of N = `--shards`.

Run: .venv/bin/python bench/hot_partitions.py [--rate 5000] [--seconds 600] [--risk-rru 5.0]
     [--shards 32] [--containers 200] [--refresh-seconds 5]
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
from api.assessments.service import CONTEXT_SLOT_SECONDS, AssessmentService
from api.engine.counters import mention_counters
from api.engine.mention import Mention
from api.mentions.repository import MentionRepository, NewMention
from api.mentions.service import mention_id_for
from api.quotas.repository import QuotaRepository
from api.quotas.service import QuotaService
from api.settings import Settings
from api.storage import keys
from api.storage.shards import ShardCounts
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


def family(where: str) -> str:
    """`GSI1 MENTION#ws#brand#7` -> `GSI1 MENTION#<ws>#<brand>[#<s>]`: one row per key family
    (its figures: those of its busiest key)."""
    index, key = where.split(" ", 1)
    head, *rest = key.split("#")
    if not rest:
        return f"{index} {head}"
    if head == "QUOTA":  # per workspace and UTC day, shard 0 unsuffixed (today's key)
        return f"{index} QUOTA#<ws>#<day>[#<k>]"
    # Shard 0 of the mention keys has no suffix (today's key): one family with the others.
    return f"{index} {head}#<ws>#<brand>" + ("#<s>" if head == "AGG" else "[#<s>]")


def shard_directory(shards: int) -> ShardCounts:
    """The brand's shard count as the brand item would record it (no DynamoDB here)."""
    directory = ShardCounts(None, "bench")
    directory.remember(WORKSPACE, BRAND, shards)
    return directory


class _RecordingQuotaClient:
    """Stands for DynamoDB under the large-batch path's quota reservation (a plain conditional
    UpdateItem, 1 WCU per KB): records the key, grants the room."""

    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []

    def update_item(self, **request: Any) -> dict[str, Any]:
        self.updates.append(request)
        return {}


def quota_item_size(update: dict[str, Any]) -> int:
    """The quota item once written: its key, `used` (a day's count) and `expires_at`."""
    return item_size(
        dict(update["Key"]) | {"used": {"N": "100000"}, "expires_at": {"N": "1790000000"}}
    )


QUOTA_TRANSACTIONS: dict[str, float] = {}
"""Transactions per second on the busiest quota key, per `(batch, shards)` label."""


def simulate_writes(
    settings: Settings, mentions: Sequence[NewMention], batch: int, rate: int, shards: int
) -> dict[str, float]:
    """Steady-state write units per second per (index, partition key), the workspace's daily
    quota (one workspace, this one brand) included as ingest reserves it: in the mention's
    transaction when the batch fits one (2 WCU/KB), else one conditional update per batch
    (1 WCU/KB) through the real `QuotaService.try_reserve`."""
    # The workspace's quota shards are its mention shard setting, as the brand's are.
    settings = settings.model_copy(update={"workspace_mention_shards": {WORKSPACE: shards}})
    recorder = _RecordingQuotaClient()
    quotas = QuotaService(QuotaRepository(recorder, settings.table_name), settings)  # type: ignore[arg-type]
    now = datetime.now(UTC)
    claim = quotas.claim(WORKSPACE, now)
    quota_transactions: Counter[str] = Counter()
    directory = shard_directory(shards)
    aggregates = AggregateRepository(
        None,  # type: ignore[arg-type]
        settings.table_name,
        settings.aggregate_shards,
        shard_counts=directory,
    )
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
        # As `MentionService.ingest`: the quota in the transaction when the batch fits one.
        in_transaction = repository.fits_one_transaction(pending)
        if not in_transaction:
            quotas.try_reserve(WORKSPACE, len(pending), now, pending[0].mention_id)
        while pending:
            part = repository._next_chunk(pending)
            pending = pending[len(part) :]
            # The aggregate shard the first attempt of this write would use.
            shard = repository._counter_shard(WORKSPACE, BRAND, part, 0)
            actions = repository._transaction(WORKSPACE, BRAND, part, shard=shard)
            if in_transaction:
                quota_shard = repository._quota_shard(claim, part, 0)
                actions.append(claim.action(len(part), quota_shard))
            for action in actions:
                if "Put" in action:
                    item: Any = action["Put"]["Item"]
                    size = item_size(item)
                    mention_sizes.append(size)
                    units[f"base {item['PK']['S']}"] += 2 * kb(size)
                    for index, projected in projections(item, size):
                        units[index] += kb(projected)
                else:
                    written: Any = action["Update"]
                    pk = written["Key"]["PK"]["S"]
                    if pk.startswith("QUOTA#"):
                        units[f"base {pk}"] += 2 * kb(quota_item_size(written))
                        quota_transactions[pk] += 1
                    else:
                        units[f"base {pk}"] += 2 * kb(bucket_size)
    for request in recorder.updates:
        units[f"base {request['Key']['PK']['S']}"] += kb(quota_item_size(request))
    SIZES.update(bucket=bucket_size, mention=max(mention_sizes or [0]))
    QUOTA_TRANSACTIONS[f"{batch}/{shards}"] = (
        max(quota_transactions.values()) * rate / len(mentions) if quota_transactions else 0.0
    )
    return {where: total * rate / len(mentions) for where, total in units.items()}


def simulate(
    settings: Settings,
    mentions: Sequence[NewMention],
    batch: int,
    rate: int,
    risk_rru: float,
    shards: int = 1,
) -> tuple[dict[str, float], dict[str, float]]:
    """Writes and reads per (index, partition key), one assessment per POST (cost_model.py)."""
    writes = simulate_writes(settings, mentions, batch, rate, shards)
    return writes, simulate_reads(settings, shards, rate / batch, 0.0, risk_rru)


def simulate_reads(
    settings: Settings,
    shards: int,
    assessments_per_second: float,
    contexts_per_second: float,
    risk_rru: float,
) -> dict[str, float]:
    """Read units per second per (index, partition key): the partitions the real `assess`
    queries (through a recording client), live (the answer of a POST) and as triage context."""
    reads: dict[str, float] = defaultdict(float)
    one_shard = _queries(settings, 1, live=True)
    # A query of one shard reads at most what the same query of an unsharded brand reads
    # (`--risk-rru` spread over its queries), and at least one read unit.
    per_query = max(1.0, risk_rru / sum(one_shard.values()))
    for live, rate in ((True, assessments_per_second), (False, contexts_per_second)):
        for where, count in _queries(settings, shards, live=live).items():
            reads[where] += per_query * count * rate
    return dict(reads)


def _queries(settings: Settings, shards: int, *, live: bool) -> Counter[str]:
    recorder = _RecordingClient()
    assess = AssessmentService(
        AggregateRepository(
            recorder,  # type: ignore[arg-type]
            settings.table_name,
            settings.aggregate_shards,
            shard_counts=shard_directory(shards),
        ),
        settings,
    )
    assess.assess(WORKSPACE, BRAND, datetime.now(UTC), live=live)
    return recorder.queries


def projections(item: dict[str, Any], size: int) -> list[tuple[str, int]]:
    out = [(f"GSI1 {item['GSI1PK']['S']}", size)]
    if "GSI2PK" in item:
        keys_only = {k: item[k] for k in ("PK", "SK", "GSI2PK", "GSI2SK", "risk", "mention_id")}
        out.append((f"GSI2 {item['GSI2PK']['S']}", item_size(keys_only)))
    if "GSI3PK" in item:
        out.append((f"GSI3 {item['GSI3PK']['S']}", size))
        keys_only = {k: item[k] for k in ("PK", "SK", "GSI3PK", "GSI3SK")}
        out.append((f"GSI4 {item['GSI3PK']['S']}", item_size(keys_only)))
    return out


def by_family(per_key: dict[str, float]) -> dict[str, tuple[int, float]]:
    """family -> (keys written or read, units per second of the busiest key)."""
    grouped: dict[str, list[float]] = defaultdict(list)
    for where, value in per_key.items():
        grouped[family(where)].append(value)
    return {name: (len(values), max(values)) for name, values in grouped.items()}


def verdict(w: float, r: float) -> tuple[bool, str]:
    ok = w <= WCU_PER_PARTITION and r <= RCU_PER_PARTITION
    worst = max(w / WCU_PER_PARTITION, r / RCU_PER_PARTITION)
    return ok, "PASS" if ok else f"MISS {worst:.1f}x"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rate", type=int, default=5000, help="mentions per second")
    parser.add_argument("--seconds", type=int, default=600, help="how long the burst lasts")
    parser.add_argument("--risk-rru", type=float, default=5.0, help="read units of one assess")
    parser.add_argument("--shards", type=int, default=32, help="the viral brand's mention shards")
    parser.add_argument(
        "--containers", type=int, default=200, help="Lambda containers serving the burst"
    )
    parser.add_argument(
        "--refresh-seconds",
        type=float,
        default=5.0,
        help="how often one container re-reads a single-mention POST's assessment (its cache)",
    )
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
    contexts = args.containers / CONTEXT_SLOT_SECONDS
    cached = args.containers / args.refresh_seconds
    print(
        f"Reads: a batch POST answers a fresh assessment (one per POST); a single-mention POST "
        f"answers its container's cached one, re-read at most every {args.refresh_seconds:g} s "
        f"by each of {args.containers} containers (--containers x --refresh-seconds: "
        f"{cached:,.0f} assessments/s instead of one per POST); each container also reads "
        f"the triage context once per {CONTEXT_SLOT_SECONDS} s slot ({contexts:.1f}/s)."
    )
    missed = 0
    for batch, label in ((100, "batches of 100"), (1, "one mention per POST")):
        posts = args.rate / batch
        live = posts if batch > 1 else min(posts, cached)
        columns = []
        for shards in (1, args.shards):
            writes = by_family(simulate_writes(settings, mentions, batch, args.rate, shards))
            reads = by_family(simulate_reads(settings, shards, live, contexts, args.risk_rru))
            columns.append((shards, writes, reads))
        print(
            f"\n--- {label}: {posts:,.0f} POST/s, {live:,.0f} live assessments/s (mention item "
            f"up to {SIZES['mention']} B = {kb(SIZES['mention'])} KB, hour bucket item "
            f"{SIZES['bucket']} B = {kb(SIZES['bucket'])} KB); busiest key of each family"
        )
        header = f"  {'index / partition key family':<34}"
        for shards, _, _ in columns:
            header += f"| N = {shards:<3}{'keys':>6}{'WCU/s':>9}{'RCU/s':>8}  {'verdict':<11}"
        print(header)
        families = sorted({f for _, w, r in columns for f in (*w, *r)})
        for name in families:
            line = f"  {name:<34}"
            for position, (_, writes, reads) in enumerate(columns):
                keys_written, w = writes.get(name, (0, 0.0))
                keys_read, r = reads.get(name, (0, 0.0))
                ok, text = verdict(w, r)
                if position == len(columns) - 1:
                    missed += not ok
                line += f"|       {max(keys_written, keys_read):>6}{w:>9,.0f}{r:>8,.0f}  {text:<11}"
            print(line)
        on_quota = [QUOTA_TRANSACTIONS.get(f"{batch}/{shards}", 0.0) for shards, _, _ in columns]
        print(
            "  quota in the mention's transaction: "
            + (
                ", ".join(
                    f"N = {shards}: {tx:,.0f} transactions/s on the busiest quota key"
                    for (shards, _, _), tx in zip(columns, on_quota, strict=True)
                )
                + " (each may cancel the others in flight on that item: TransactionConflict)"
                if any(on_quota)
                else "none (the batch does not fit one transaction: one conditional "
                "UpdateItem per batch reserves it, which does not conflict)"
            )
        )
    uncached = simulate_reads(settings, args.shards, args.rate, contexts, args.risk_rru)
    busiest = max(uncached, key=uncached.__getitem__)
    print(
        f"\nWithout the per-container assessment cache (one assessment per single-mention "
        f"POST, as on main): the busiest read key, {family(busiest)}, would take "
        f"{uncached[busiest]:,.0f} RCU/s at N = {args.shards} "
        f"({verdict(0, uncached[busiest])[1]}): sharding needs that cache."
    )
    spread = Counter(keys.mention_shard(m.mention_id, args.shards) for m in mentions)
    print(
        f"\nThe busiest key is the sample's: {SAMPLE} ids over {args.shards} shards put up to "
        f"{max(spread.values())} on one (mean {SAMPLE / args.shards:.1f}); the real stream's "
        f"{args.rate:,} distinct ids a second spread tighter. Same per-key figures whatever "
        "the burst's length (steady state)."
    )
    print(
        f"Limits per partition key: {WCU_PER_PARTITION:,} WCU/s, {RCU_PER_PARTITION:,} RCU/s. "
        f"N = {args.shards}: " + ("ALL PASS" if not missed else f"{missed} key famil(ies) MISS")
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
