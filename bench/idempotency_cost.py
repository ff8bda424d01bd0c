"""What idempotency costs: conditional writes and replays against plain writes.

Vigie's idempotency check is the write itself: a mention is put with `attribute_not_exists(PK)`,
so a replay (same `source` + `external_id`, hence same key) fails its condition and stores and
counts nothing. BENCHMARKS targets: a new mention's conditional put ≤ 1.3x a plain put, a replay
≤ 1.2x a plain put, duplicates stored 0.

Measured on the exact items MentionRepository writes (its own item and transaction builders):
1. item level: `put_item` plain vs conditional (new key) vs conditional replay (existing key);
2. as the repository writes: `transact_write_items` of a mention and its bucket counters, plain vs
   conditional vs replay (cancelled by the condition), for 1 and for 25 mentions per transaction;
3. API level: re-posting a batch already stored vs its first post (`POST …/mentions`), with every
   result checked (`duplicate` true on the replay, false on the first post); the time ratio is
   printed for reference, not gated (BENCHMARKS sets no API-level replay target).
Then the table is audited: one item per (source, external_id), counters equal to what the stored
mentions add up to. Variants run interleaved, op by op, order alternating; medians and ratios.

Run: .venv/bin/python bench/idempotency_cost.py [--quick]   (exit 0 when every target is met)
"""

from __future__ import annotations

import random
import sys
import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

# Run as a script (`python bench/idempotency_cost.py`): make the `bench` package importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.aggregates.repository import AggregateRepository
from api.mentions.repository import MentionRepository, NewMention
from bench import harness
from bench.harness import Report, Stack, median, ms, percentile, timed

NEW_TARGET = 1.3
REPLAY_TARGET = 1.2
WARM_UP = 20


def _stats(samples: Sequence[float]) -> tuple[str, str]:
    return ms(median(samples)), ms(percentile(samples, 0.9))


def expect_condition_failure(action: Callable[[], object], code: str) -> None:
    """Run a write that must be refused by its condition (a replay): anything else is a bug."""
    try:
        action()
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != code:
            raise
        return
    raise RuntimeError(f"a replay was written: expected {code}")


def compare(
    report: Report, label: str, variants: dict[str, Sequence[Callable[[], object]]]
) -> dict[str, float]:
    """Time the variants op by op, interleaved (order alternating); print medians and ratios.

    Every variant gets the same number of operations; the first WARM_UP of each are not kept.
    Returns each variant's median divided by the `plain` median.
    """
    names = list(variants)
    count = min(len(ops) for ops in variants.values())
    samples: dict[str, list[float]] = {name: [] for name in names}
    for index in range(count):
        order = names if index % 2 == 0 else names[::-1]
        for name in order:
            seconds = timed(variants[name][index])
            if index >= WARM_UP:
                samples[name].append(seconds)
    plain = median(samples["plain"])
    report.table(
        [label, "ops", "median", "p90", "/ plain"],
        [
            [name, len(values), *_stats(values), f"{median(values) / plain:.2f}"]
            for name, values in samples.items()
        ],
    )
    return {name: median(values) / plain for name, values in samples.items()}


def item_level(report: Report, stack: Stack, brand_id: str, ops: int) -> dict[str, float]:
    rng = random.Random(1)
    table = stack.settings.table_name
    condition = "attribute_not_exists(PK)"

    def items(prefix: str) -> list[dict[str, Any]]:
        payloads = harness.realistic_mentions(rng, ops, prefix=prefix, span=timedelta(minutes=10))
        prepared = harness.prepare_new_mentions(stack, brand_id, payloads)
        return [harness.mention_item(stack, brand_id, new) for new in prepared]

    plain, conditional, replayed = items("plain"), items("conditional"), items("replayed")
    put: Callable[..., object] = stack.dynamodb.put_item
    for item in replayed:  # stored once, untimed: the timed writes below are replays
        put(TableName=table, Item=item, ConditionExpression=condition)
    return compare(
        report,
        "put_item (1 mention)",
        {
            "plain": [partial(put, TableName=table, Item=item) for item in plain],
            "conditional new": [
                partial(put, TableName=table, Item=item, ConditionExpression=condition)
                for item in conditional
            ],
            "replay": [
                partial(
                    expect_condition_failure,
                    partial(put, TableName=table, Item=item, ConditionExpression=condition),
                    "ConditionalCheckFailedException",
                )
                for item in replayed
            ],
        },
    )


def transaction_level(
    report: Report, stack: Stack, brand_id: str, ops: int, per_transaction: int
) -> dict[str, float]:
    """The repository's own transaction (mentions + counters), with and without the condition."""
    rng = random.Random(per_transaction)
    settings = stack.settings
    repository = MentionRepository(
        stack.dynamodb,
        settings.table_name,
        AggregateRepository(stack.dynamodb, settings.table_name, settings.aggregate_shards),
        bucket_seconds=settings.engine.bucket_seconds,
    )

    def groups(prefix: str) -> list[list[NewMention]]:
        payloads = harness.realistic_mentions(
            rng, ops * per_transaction, prefix=prefix, span=timedelta(minutes=10)
        )
        prepared = harness.prepare_new_mentions(stack, brand_id, payloads)
        return [
            prepared[start : start + per_transaction]
            for start in range(0, len(prepared), per_transaction)
        ]

    def actions(group: list[NewMention], *, conditional: bool) -> list[Any]:
        built: list[Any] = repository._transaction(stack.workspace, brand_id, group, shard=0)
        if not conditional:
            for action in built:
                action.get("Put", {}).pop("ConditionExpression", None)
        return built

    def transact(**request: Any) -> object:
        # A fresh idempotency token per call, as the repository sends.
        return stack.dynamodb.transact_write_items(**request, ClientRequestToken=uuid.uuid4().hex)

    plain, conditional, replayed = (
        groups(f"t{per_transaction}-{kind}") for kind in ("plain", "conditional", "replayed")
    )
    for group in replayed:  # stored once, untimed
        transact(TransactItems=actions(group, conditional=True))
    return compare(
        report,
        f"transaction ({per_transaction} mention{'s' if per_transaction > 1 else ''} + counters)",
        {
            "plain": [
                partial(transact, TransactItems=actions(g, conditional=False)) for g in plain
            ],
            "conditional new": [
                partial(transact, TransactItems=actions(g, conditional=True)) for g in conditional
            ],
            "replay": [
                partial(
                    expect_condition_failure,
                    partial(transact, TransactItems=actions(g, conditional=True)),
                    "TransactionCanceledException",
                )
                for g in replayed
            ],
        },
    )


def api_level(report: Report, stack: Stack, brand_id: str, rounds: int, size: int) -> list[str]:
    """First post vs re-post of the same batch over HTTP; returns misreported results."""
    rng = random.Random(size)
    misreported: list[str] = []
    first: list[float] = []
    replay: list[float] = []
    bodies = [
        harness.encode_batch(
            harness.realistic_mentions(
                rng, size, prefix=f"api{size}-{index}", span=timedelta(minutes=10)
            )
        )
        for index in range(rounds + 1)
    ]
    with stack.http() as http:

        def post(body: bytes, *, duplicate: bool) -> None:
            response = http.post(
                f"/v1/brands/{brand_id}/mentions",
                content=body,
                headers={"Content-Type": "application/json"},
            )
            if response.status_code != 200:
                raise RuntimeError(f"ingest refused: {response.status_code} {response.text}")
            misreported.extend(
                result["external_id"]
                for result in response.json()["results"]
                if result["duplicate"] is not duplicate
            )

        post(bodies[0], duplicate=False)
        for index in range(1, rounds + 1):
            # Batch `index` is new; batch `index - 1` was posted in the previous round.
            steps: list[tuple[list[float], Callable[[], None]]] = [
                (first, partial(post, bodies[index], duplicate=False)),
                (replay, partial(post, bodies[index - 1], duplicate=True)),
            ]
            for samples, action in steps if index % 2 else steps[::-1]:
                samples.append(timed(action))
    warm = min(3, rounds // 4)
    first, replay = first[warm:], replay[warm:]
    ratio = median(replay) / median(first)
    report.table(
        [f"POST …/mentions, {size} per batch", "posts", "median", "p90", "/ first post"],
        [
            ["first post", len(first), *_stats(first), "1.00"],
            ["re-post (all duplicates)", len(replay), *_stats(replay), f"{ratio:.2f}"],
        ],
    )
    # Reference only, not a gate: a replay must read back the stored triage (one BatchGetItem
    # more than a first post), so on a saturated machine the extra round trip weighs more.
    report.line(
        f"re-post / first post = {ratio:.2f} (reference: {REPLAY_TARGET}x, the replay target of "
        "the DynamoDB-level check; a replay pays one read more than a first post)"
    )
    return misreported


def main() -> int:
    args = harness.parse_args(__doc__)
    ops = 150 if args.quick else 600
    transactions = 60 if args.quick else 200
    api_rounds = 12 if args.quick else 40
    report = Report("idempotency cost" + (" --quick" if args.quick else ""))
    with harness.running_stack() as stack:
        for brand_id in ("dynamodb-level", "api-level"):
            stack.create_brand(brand_id)

        report.section(f"DynamoDB level, interleaved op by op, first {WARM_UP} of each not kept")
        levels = {
            "put_item": item_level(report, stack, "dynamodb-level", ops),
            "transaction of 1": transaction_level(report, stack, "dynamodb-level", ops, 1),
            "transaction of 25": transaction_level(
                report, stack, "dynamodb-level", transactions, 25
            ),
        }
        for level, ratios in levels.items():
            new, replay = ratios["conditional new"], ratios["replay"]
            report.check(
                f"{level}: new mention ≤ {NEW_TARGET}x plain", f"{new:.2f}x", new <= NEW_TARGET
            )
            report.check(
                f"{level}: replay ≤ {REPLAY_TARGET}x plain",
                f"{replay:.2f}x",
                replay <= REPLAY_TARGET,
            )

        report.section("API level: re-posting a stored batch vs its first post")
        misreported = api_level(report, stack, "api-level", api_rounds, 100)
        misreported += api_level(report, stack, "api-level", api_rounds * 2, 1)
        report.check(
            "API results misreported (duplicate flag)", str(len(misreported)), not misreported
        )

        report.section("Audit: the table read back")
        rows = []
        for brand_id in ("dynamodb-level", "api-level"):
            audit = harness.audit_brand(stack, brand_id)
            rows.append([brand_id, audit.mentions, audit.duplicates])
            report.check(
                f"{brand_id}: duplicates stored", str(audit.duplicates), not audit.duplicates
            )
            if brand_id == "api-level":
                report.line(
                    f"api-level: {audit.counters_checked} (bucket, counter) pairs compared, "
                    f"{len(audit.counter_mismatches)} differ; per-mention unit counters "
                    f"{audit.unit_counters} for {audit.mentions} stored mentions"
                )
                report.check(
                    "api-level: counters equal what the stored mentions add up to",
                    f"{len(audit.counter_mismatches)} mismatches",
                    not audit.counter_mismatches,
                )
        report.table(["brand", "mention items", "duplicates"], rows)
    return report.exit_code()


if __name__ == "__main__":
    sys.exit(main())
