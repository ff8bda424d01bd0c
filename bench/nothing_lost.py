"""Nothing lost under throttling: counts, not timings (BENCHMARKS "Nothing lost").

16 concurrent HTTP clients (threads, httpx, against the app on uvicorn) post 2,000 unique
mentions plus 10 % replays (same `source` + `external_id`, sometimes in flight at the same time
as their original, sometimes in the same batch) in batches of 1 to 20, while a wrapper around the
app's DynamoDB client throttles a random fraction (0, 20 %, 50 %) of `transact_write_items`,
`batch_get_item` and `query` calls before they reach DynamoDB Local: `ThrottlingException`,
`ProvisionedThroughputExceededException`, and for transactions also the cancellation DynamoDB
really answers (`TransactionCanceledException`, reason `ThrottlingError`).

The wrapper raises above botocore, so botocore's own retries never see these faults: they stand
for throttling that outlasted botocore's retries, the case the service itself must handle.

Clients retry 429/503 after `Retry-After` (capped) and 5xx/transport errors after a short pause,
within a bounded number of attempts. At the end the table is read back directly. Per level:
acknowledged-but-missing 0 (a result said stored or duplicate, the mention is not in the table),
duplicates stored 0 (items per (source, external_id)), HTTP 500 0, every refusal a 429/503 with
`Retry-After`, aggregate counters equal to what the stored mentions add up to (expectation derived
with the engine's own `mention_counters`, whatever its counter names).

Run: .venv/bin/python bench/nothing_lost.py [--quick]   (exit 0 when every target is met)
"""

from __future__ import annotations

import random
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from botocore.exceptions import ClientError

# Run as a script (`python bench/nothing_lost.py`): make the `bench` package importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import harness
from bench.harness import Payload, Report, Stack

THROTTLE_LEVELS = (0.0, 0.2, 0.5)
CLIENTS = 16
REPLAY_FRACTION = 0.10
MAX_BATCH = 20
MAX_ATTEMPTS = 25  # per batch: a client gives up (and says so) rather than loop forever
RETRY_AFTER_CAP = 5.0  # seconds: honour Retry-After, but never stall a run on a silly value
PAUSE_AFTER_ERROR = 0.2  # seconds before retrying a 5xx or a transport error


class FaultInjection:
    """Throttles a random fraction of the app's DynamoDB calls (thread-safe, seeded)."""

    THROTTLED_OPERATIONS = frozenset({"transact_write_items", "batch_get_item", "query"})

    def __init__(self, seed: int) -> None:
        self.rate = 0.0
        self.injected: Counter[str] = Counter()
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def wrap(self, client: Any) -> ThrottledClient:
        return ThrottledClient(client, self)

    def maybe_throttle(self, operation: str, request: dict[str, Any]) -> None:
        with self._lock:
            if self._rng.random() >= self.rate:
                return
            self.injected[operation] += 1
            kind = self._rng.randrange(3)
        if operation == "transact_write_items" and kind == 2:
            actions = len(request.get("TransactItems", []))
            cancelled: Any = {
                "Error": {"Code": "TransactionCanceledException", "Message": "injected"},
                "CancellationReasons": [{"Code": "ThrottlingError"}]
                + [{"Code": "None"}] * (actions - 1),
            }
            raise ClientError(cancelled, "TransactWriteItems")
        code = "ThrottlingException" if kind == 0 else "ProvisionedThroughputExceededException"
        raise ClientError({"Error": {"Code": code, "Message": "injected"}}, operation)


class ThrottledClient:
    """The app's DynamoDB client behind fault injection; every other call passes through."""

    def __init__(self, client: Any, faults: FaultInjection) -> None:
        self._client = client
        self._faults = faults

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if name not in FaultInjection.THROTTLED_OPERATIONS:
            return attribute

        def throttled(**request: Any) -> Any:
            self._faults.maybe_throttle(name, request)
            return attribute(**request)

        return throttled


@dataclass
class Outcome:
    """What the clients saw during one throttling level (shared by the client threads)."""

    statuses: Counter[int] = field(default_factory=Counter)
    refusals_without_retry_after: int = 0
    transport_errors: int = 0
    abandoned_batches: int = 0
    acknowledged: dict[str, str] = field(default_factory=dict)  # external_id -> mention id
    reported_new: Counter[str] = field(default_factory=Counter)  # external_id -> "stored" count
    lock: threading.Lock = field(default_factory=threading.Lock)


def plan_batches(rng: random.Random, unique: int) -> list[list[Payload]]:
    """Unique mentions plus replays, shuffled into batches of 1 to MAX_BATCH.

    Shuffling puts some replays in the same batch as their original, some in a batch another
    client sends at the same moment, some before it (the original then is the duplicate).
    """
    mentions = harness.realistic_mentions(rng, unique, prefix="m", span=timedelta(hours=3))
    replays = rng.sample(mentions, round(unique * REPLAY_FRACTION))
    stream = mentions + [dict(m) for m in replays]
    rng.shuffle(stream)
    planned: list[list[Payload]] = []
    while stream:
        size = rng.randint(1, MAX_BATCH)
        planned.append(stream[:size])
        stream = stream[size:]
    return planned


def post_until_answered(
    http: httpx.Client, brand_id: str, batch: list[Payload], outcome: Outcome
) -> None:
    body = harness.encode_batch(batch)
    for _ in range(MAX_ATTEMPTS):
        try:
            response = http.post(
                f"/v1/brands/{brand_id}/mentions",
                content=body,
                headers={"Content-Type": "application/json"},
            )
        except httpx.TransportError:
            with outcome.lock:
                outcome.transport_errors += 1
            time.sleep(PAUSE_AFTER_ERROR)
            continue
        with outcome.lock:
            outcome.statuses[response.status_code] += 1
        if response.status_code == 200:
            with outcome.lock:
                for result in response.json()["results"]:
                    outcome.acknowledged[result["external_id"]] = result["id"]
                    if not result["duplicate"]:
                        outcome.reported_new[result["external_id"]] += 1
            return
        if response.status_code in (429, 503):
            retry_after = response.headers.get("Retry-After", "")
            if not retry_after.isdigit():
                with outcome.lock:
                    outcome.refusals_without_retry_after += 1
            # A little jitter, as any decent client adds, so 16 clients do not retry in lockstep.
            delay = float(retry_after) if retry_after.isdigit() else 1.0
            time.sleep(min(delay, RETRY_AFTER_CAP) * random.uniform(0.5, 1.0))
            continue
        if response.status_code >= 500:
            time.sleep(PAUSE_AFTER_ERROR)
            continue
        raise RuntimeError(f"unexpected answer {response.status_code}: {response.text[:300]}")
    with outcome.lock:
        outcome.abandoned_batches += 1


def run_level(stack: Stack, brand_id: str, planned: list[list[Payload]]) -> tuple[Outcome, float]:
    """All clients post their share of the batches concurrently; returns when all are done."""
    outcome = Outcome()
    failures: list[BaseException] = []

    def client(share: list[list[Payload]]) -> None:
        try:
            with stack.http(timeout=30) as http:
                for batch in share:
                    post_until_answered(http, brand_id, batch, outcome)
        except BaseException as error:  # surfaced after join: a crashed client voids the run
            failures.append(error)

    shares = [planned[index::CLIENTS] for index in range(CLIENTS)]
    threads = [threading.Thread(target=client, args=(share,)) for share in shares]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return outcome, time.perf_counter() - start


def main() -> int:
    args = harness.parse_args(__doc__)
    unique = 500 if args.quick else 2000
    report = Report("nothing lost under throttling" + (" --quick" if args.quick else ""))
    faults = FaultInjection(args.seed)
    wrap: Callable[[Any], Any] = faults.wrap
    rows: list[list[object]] = []
    with harness.running_stack(wrap_client=wrap) as stack:
        report.section(
            f"{unique:,} unique mentions + {REPLAY_FRACTION:.0%} replays, {CLIENTS} clients, "
            f"batches of 1-{MAX_BATCH}, per throttling level"
        )
        for level in THROTTLE_LEVELS:
            brand_id = f"throttled-{round(level * 100)}"
            stack.create_brand(brand_id)
            planned = plan_batches(random.Random(args.seed + round(level * 100)), unique)
            faults.rate, faults.injected = level, Counter()
            stack.server.errors.causes.clear()
            outcome, seconds = run_level(stack, brand_id, planned)
            faults.rate = 0.0
            audit = harness.audit_brand(stack, brand_id)

            acknowledged_missing = sum(
                mention_id not in audit.stored_ids for mention_id in outcome.acknowledged.values()
            )
            reported_new_twice = sum(count > 1 for count in outcome.reported_new.values())
            unacknowledged = unique - len(outcome.acknowledged)
            refusals = outcome.statuses[429] + outcome.statuses[503]
            errors_500 = sum(n for s, n in outcome.statuses.items() if s >= 500 and s != 503)
            unit = ", ".join(f"Σ{name}={value:g}" for name, value in audit.unit_counters.items())
            rows.append(
                [
                    f"{level:.0%}",
                    sum(faults.injected.values()),
                    sum(outcome.statuses.values()),
                    outcome.statuses[200],
                    refusals,
                    outcome.refusals_without_retry_after,
                    errors_500,
                    len(outcome.acknowledged),
                    acknowledged_missing,
                    unacknowledged,
                    audit.mentions,
                    audit.duplicates,
                    reported_new_twice,
                    unit,
                    len(audit.counter_mismatches),
                    f"{seconds:.0f} s",
                ]
            )
            name = f"throttling {level:.0%}"
            report.check(
                f"{name}: acknowledged but missing",
                str(acknowledged_missing),
                not acknowledged_missing,
            )
            report.check(f"{name}: duplicates stored", str(audit.duplicates), not audit.duplicates)
            report.check(
                f"{name}: mentions reported stored (not duplicate) twice",
                str(reported_new_twice),
                not reported_new_twice,
            )
            report.check(f"{name}: HTTP 5xx other than 503", str(errors_500), not errors_500)
            report.check(
                f"{name}: refusals without Retry-After",
                f"{outcome.refusals_without_retry_after} of {refusals}",
                not outcome.refusals_without_retry_after,
            )
            report.check(
                f"{name}: counters equal what the stored mentions add up to",
                f"{len(audit.counter_mismatches)} of {audit.counters_checked} differ",
                not audit.counter_mismatches,
            )
            for mismatch in audit.counter_mismatches[:3]:
                report.line(f"  {name}: {mismatch}")
            if outcome.transport_errors or outcome.abandoned_batches:
                report.line(
                    f"  {name}: {outcome.transport_errors} transport errors, "
                    f"{outcome.abandoned_batches} batches abandoned after {MAX_ATTEMPTS} attempts"
                )
            for cause, count in stack.server.errors.causes.most_common(5):
                report.line(f"  {name}: {count} x HTTP 500 from {cause}")
            other = {s: n for s, n in outcome.statuses.items() if s not in (200, 429, 503)}
            report.line(
                f"{name}: done in {seconds:.0f} s; faults injected {dict(faults.injected)}; "
                f"statuses other than 200/429/503: {other or 'none'}"
            )
        report.section("Summary")
        report.table(
            [
                "throttled",
                "faults",
                "requests",
                "200",
                "429/503",
                "no Retry-After",
                "500",
                "acked",
                "acked missing",
                "never acked",
                "stored",
                "dupes",
                "new twice",
                "counters",
                "mismatches",
                "time",
            ],
            rows,
        )
    return report.exit_code()


if __name__ == "__main__":
    sys.exit(main())
