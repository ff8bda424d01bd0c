"""Nothing lost under throttling, stalls and resets: counts, not timings (BENCHMARKS).

16 concurrent HTTP clients (threads, httpx, against the app on uvicorn) post 2,000 unique
mentions plus 10 % replays (same `source` + `external_id`, sometimes in flight at the same time
as their original, sometimes in the same batch) in batches of 1 to 20, and among them:

- YouScan deliveries of 250 items through a `url_token` hook receiver (4 per level), and 2 more
  whose item 200 is dated 2999: refused whole (422), nothing of them may be stored;
- mixed batches (1 in 10): fresh valid mentions plus one invalid item (dated 2999, a text over
  DynamoDB's 400 KB *in bytes* but not in characters, no `external_id`, an unknown network, a
  lone surrogate in an unknown field): refused whole, nothing stored; a sender drops them.

Faults, per level, between the app and DynamoDB Local:

- throttling: a wrapper around the app's DynamoDB client throttles a random fraction (20 %,
  50 %) of `transact_write_items`, `batch_get_item` and `query` calls (`ThrottlingException`,
  `ProvisionedThroughputExceededException`, and for transactions the cancellation DynamoDB
  really answers, `TransactionCanceledException` with reason `ThrottlingError`). It raises above
  botocore, so botocore's retries never see these faults: throttling that outlasted them.
- stalls and resets: the app's client reaches DynamoDB Local through `api.local.tcp_proxy`, a
  TCP proxy that, on a random schedule, forwards (2-6 s), stalls (0.5-3 s: connections stay
  open, nothing goes through, then they are cut) or resets every connection (0.05-0.5 s, TCP
  RST, new connections refused too). A write may be applied with its answer lost.

Clients retry 429/503 after `Retry-After` (capped) and 5xx/transport errors after a short pause,
within a bounded number of attempts. At the end the table is read back directly. Per level:
acknowledged-but-missing 0 (a result said stored or duplicate, the mention is not in the table),
stored-but-reported-refused 0 (an item of a refused batch or delivery is in the table), every
invalid batch refused, duplicates stored 0, HTTP 500 0, every 429/503 with `Retry-After`,
aggregate counters equal to what the stored mentions add up to (expectation derived with the
engine's own `mention_counters`, whatever its counter names).

Run: .venv/bin/python bench/nothing_lost.py [--quick]   (exit 0 when every target is met)
"""

from __future__ import annotations

import contextlib
import copy
import json
import random
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from botocore.exceptions import ClientError

# Run as a script (`python bench/nothing_lost.py`): make the `bench` package importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.engine.mention import Mention
from api.local.tcp_proxy import FaultProxy
from api.settings import Settings
from api.storage import keys
from api.storage.client import create_dynamodb_client
from bench import harness
from bench.harness import Payload, Report, Stack

YOUSCAN_FIXTURE = (
    Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "hooks" / "youscan.json"
)


@dataclass(frozen=True)
class Level:
    name: str
    throttle: float
    network_faults: bool


LEVELS = (
    Level("no faults", 0.0, False),
    Level("throttling 20 %", 0.2, False),
    Level("throttling 50 %", 0.5, False),
    Level("stalls + resets", 0.0, True),
    Level("stalls + resets + throttling 20 %", 0.2, True),
)
CLIENTS = 16
REPLAY_FRACTION = 0.10
MIXED_FRACTION = 0.10  # of the batches: one more batch of fresh mentions with an invalid item
MAX_BATCH = 20
HOOK_DELIVERIES = 4  # valid YouScan deliveries per level
HOOK_REFUSED_DELIVERIES = 2  # and deliveries whose item 200 is dated 2999
HOOK_ITEMS = 250
MAX_ATTEMPTS = 25  # per batch: a client gives up (and says so) rather than loop forever
RETRY_AFTER_CAP = 5.0  # seconds: honour Retry-After, but never stall a run on a silly value
PAUSE_AFTER_ERROR = 0.2  # seconds before retrying a 5xx or a transport error
REFUSED_PREFIXES = ("x-", "ysx-")  # external ids of refused batches and deliveries only


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


class NetworkFaults:
    """Moves the proxy between forward, stall and reset on a seeded random schedule."""

    def __init__(self, seed: int) -> None:
        self.proxy: FaultProxy | None = None
        self.injected: Counter[str] = Counter()
        self._rng = random.Random(seed)

    def route(self, endpoint: str) -> str:
        self.proxy = FaultProxy.for_endpoint(endpoint).__enter__()
        return self.proxy.endpoint

    def close(self) -> None:
        if self.proxy is not None:
            self.proxy.close()

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        stop = threading.Event()
        thread = threading.Thread(target=self._run, args=(stop,), daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()

    def _run(self, stop: threading.Event) -> None:
        proxy = self.proxy
        assert proxy is not None
        while not stop.wait(self._rng.uniform(2.0, 6.0)):
            if self._rng.random() < 0.6:
                self.injected["stall"] += 1
                proxy.stall()
                stop.wait(self._rng.uniform(0.5, 3.0))
            else:
                self.injected["reset"] += 1
                proxy.reset()
                stop.wait(self._rng.uniform(0.05, 0.5))
            proxy.forward()
        proxy.forward()


@dataclass(frozen=True)
class Job:
    """One request a sender makes until it is answered: a batch, a mixed batch, a delivery."""

    kind: str  # "batch", "mixed", "hook", "hook-refused"
    path: str
    body: bytes
    external_ids: tuple[str, ...]

    @property
    def must_be_refused(self) -> bool:
        return self.kind in ("mixed", "hook-refused")


@dataclass
class Outcome:
    """What the clients saw during one level (shared by the client threads)."""

    statuses: Counter[int] = field(default_factory=Counter)
    refusals_without_retry_after: int = 0
    transport_errors: int = 0
    abandoned: Counter[str] = field(default_factory=Counter)  # by job kind
    refused: Counter[str] = field(default_factory=Counter)  # 4xx final answers, by job kind
    accepted_invalid: int = 0  # a batch that must be refused was acknowledged
    acknowledged: dict[str, str] = field(default_factory=dict)  # external_id -> mention id
    reported_new: Counter[str] = field(default_factory=Counter)  # external_id -> "stored" count
    unexpected: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


def invalid_item(rng: random.Random, valid: Payload, index: int) -> tuple[str, Payload]:
    kind = rng.choice(["future", "bytes", "no-id", "network", "surrogate"])
    item = dict(valid, external_id=f"x-bad-{index}")
    if kind == "future":
        item["published_at"] = "2999-01-01T00:00:00Z"
    elif kind == "bytes":
        item["text"] = "é" * 215_000  # 215,000 characters, 430,000 bytes
    elif kind == "no-id":
        del item["external_id"]
    elif kind == "network":
        item["network"] = "myspace"
    else:
        item["custom"] = "\ud800"
    return kind, item


def plan_jobs(rng: random.Random, unique: int, brand_id: str, hook_path: str) -> list[Job]:
    """Unique mentions plus replays, shuffled into batches of 1 to MAX_BATCH, mixed batches and
    YouScan deliveries, all shuffled together.

    Shuffling puts some replays in the same batch as their original, some in a batch another
    client sends at the same moment, some before it (the original then is the duplicate).
    """
    path = f"/v1/brands/{brand_id}/mentions"
    mentions = harness.realistic_mentions(rng, unique, prefix="m", span=timedelta(hours=3))
    replays = rng.sample(mentions, round(unique * REPLAY_FRACTION))
    stream = mentions + [dict(m) for m in replays]
    rng.shuffle(stream)
    jobs: list[Job] = []
    while stream:
        size = rng.randint(1, MAX_BATCH)
        batch, stream = stream[:size], stream[size:]
        jobs.append(Job("batch", path, harness.encode_batch(batch), ()))
    for index in range(round(len(jobs) * MIXED_FRACTION)):
        fresh = harness.realistic_mentions(
            rng, rng.randint(1, MAX_BATCH - 1), prefix=f"x-{index}", span=timedelta(hours=1)
        )
        kind, bad = invalid_item(rng, fresh[0], index)
        batch = [*fresh]
        batch.insert(rng.randint(0, len(batch)), bad)
        # UTF-8 as senders send it: the 430,000-byte text stays under the 1 MiB body limit; a
        # lone surrogate can only travel as a JSON escape.
        body = json.dumps({"mentions": batch}, ensure_ascii=kind == "surrogate").encode()
        ids = tuple(m["external_id"] for m in batch if "external_id" in m)
        jobs.append(Job("mixed", path, body, ids))
    for index in range(HOOK_DELIVERIES + HOOK_REFUSED_DELIVERIES):
        refused = index >= HOOK_DELIVERIES
        items = youscan_delivery(rng, f"ysx-{index}" if refused else f"ys-{index}", refused)
        ids = tuple(str(item["mentionId"]) for item in items)
        kind = "hook-refused" if refused else "hook"
        jobs.append(Job(kind, hook_path, json.dumps(items).encode(), ids))
    rng.shuffle(jobs)
    return jobs


def youscan_delivery(rng: random.Random, prefix: str, refused: bool) -> list[dict[str, Any]]:
    """250 YouScan webhook items (the fixture's shape), published over the last hour."""
    template = json.loads(YOUSCAN_FIXTURE.read_text(encoding="utf-8"))
    now = datetime.now(UTC)
    items = []
    for index in range(HOOK_ITEMS):
        item = copy.deepcopy(template)
        item["mentionId"] = f"{prefix}-{index:04d}"
        published = now - timedelta(seconds=rng.uniform(1, 3600))
        item["published"] = published.strftime("%Y-%m-%dT%H:%M:%SZ")
        item["likes"] = rng.randint(0, 50)
        items.append(item)
    if refused:
        items[199]["published"] = "2999-03-09T08:12:41Z"  # item 200
    return items


def post_until_answered(http: httpx.Client, job: Job, outcome: Outcome) -> None:
    for _ in range(MAX_ATTEMPTS):
        try:
            response = http.post(
                job.path, content=job.body, headers={"Content-Type": "application/json"}
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
                if job.must_be_refused:
                    outcome.accepted_invalid += 1
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
        with outcome.lock:  # a refusal: final (a sender drops the batch)
            outcome.refused[job.kind] += 1
            if not job.must_be_refused:
                outcome.unexpected[f"{response.status_code} {response.text[:160]}"] += 1
        return
    with outcome.lock:
        outcome.abandoned[job.kind] += 1


def run_level(stack: Stack, jobs: list[Job]) -> tuple[Outcome, float]:
    """All clients post their share of the jobs concurrently; returns when all are done."""
    outcome = Outcome()
    failures: list[BaseException] = []

    def client(share: list[Job]) -> None:
        try:
            with stack.http(timeout=30) as http:
                for job in share:
                    post_until_answered(http, job, outcome)
        except BaseException as error:  # surfaced after join: a crashed client voids the run
            failures.append(error)

    shares = [jobs[index::CLIENTS] for index in range(CLIENTS)]
    threads = [threading.Thread(target=client, args=(share,)) for share in shares]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return outcome, time.perf_counter() - start


def stored_external_ids(stack: Stack, brand_id: str) -> set[str]:
    items = harness.query_all(
        stack.dynamodb, stack.settings.table_name, keys.mentions_pk(stack.workspace, brand_id)
    )
    return {Mention.model_validate_json(item["mention"]).external_id for item in items}


def register_youscan_hook(stack: Stack, brand_id: str) -> str:
    """The receiver's path and query (the URL token in it), as YouScan would store it."""
    with stack.http() as http:
        response = http.post(
            "/v1/hook-sources",
            json={"source": "youscan", "auth": "url_token", "brand_id": brand_id},
        )
    if response.status_code != 201:
        raise RuntimeError(f"cannot register a hook: {response.status_code} {response.text}")
    url: str = response.json()["receiver_url"]
    return url[url.index("/v1/hooks/") :]


def main() -> int:
    args = harness.parse_args(__doc__)
    unique = 500 if args.quick else 2000
    report = Report(
        "nothing lost under throttling, stalls and resets" + (" --quick" if args.quick else "")
    )
    throttling = FaultInjection(args.seed)
    network = NetworkFaults(args.seed + 1)

    def wrap(client: Any) -> Any:
        # The app's own client, re-created to reach DynamoDB Local through the fault proxy (a
        # client holds no table: the stack's other settings come from the same environment).
        endpoint = network.route(client.meta.endpoint_url)
        return throttling.wrap(create_dynamodb_client(Settings(dynamodb_endpoint=endpoint)))

    rows: list[list[object]] = []
    try:
        with harness.running_stack(wrap_client=wrap) as stack:
            report.section(
                f"{unique:,} unique mentions + {REPLAY_FRACTION:.0%} replays, {CLIENTS} clients, "
                f"batches of 1-{MAX_BATCH}, {MIXED_FRACTION:.0%} more mixed valid/invalid "
                f"batches, {HOOK_DELIVERIES} YouScan deliveries of {HOOK_ITEMS} items and "
                f"{HOOK_REFUSED_DELIVERIES} with item 200 in 2999, per level"
            )
            for number, level in enumerate(LEVELS):
                rows.append(run_one_level(stack, level, number, args.seed, unique, throttling,
                                          network, report))  # fmt: skip
            report.section("Summary")
            report.table(
                ["level", "faults", "requests", "200", "429", "503", "no Retry-After", "500",
                 "acked", "acked missing", "never acked", "refused (mixed/hook)",
                 "stored but refused", "accepted invalid", "stored", "dupes", "new twice",
                 "counters", "mismatches", "time"],
                rows,
            )  # fmt: skip
    finally:
        network.close()
    return report.exit_code()


def run_one_level(
    stack: Stack,
    level: Level,
    number: int,
    seed: int,
    unique: int,
    throttling: FaultInjection,
    network: NetworkFaults,
    report: Report,
) -> list[object]:
    brand_id = f"level-{number}"
    stack.create_brand(brand_id)
    hook_path = register_youscan_hook(stack, brand_id)
    jobs = plan_jobs(random.Random(seed + number), unique, brand_id, hook_path)
    mixed_planned = sum(job.kind == "mixed" for job in jobs)
    hook_valid_items = HOOK_DELIVERIES * HOOK_ITEMS
    throttling.rate, throttling.injected = level.throttle, Counter()
    network.injected = Counter()
    stack.server.errors.causes.clear()
    with network.active() if level.network_faults else contextlib.nullcontext():
        outcome, seconds = run_level(stack, jobs)
    throttling.rate = 0.0
    audit = harness.audit_brand(stack, brand_id)
    stored_ids = stored_external_ids(stack, brand_id)

    acknowledged_missing = sum(
        mention_id not in audit.stored_ids for mention_id in outcome.acknowledged.values()
    )
    stored_but_refused = sum(ext.startswith(REFUSED_PREFIXES) for ext in stored_ids)
    reported_new_twice = sum(count > 1 for count in outcome.reported_new.values())
    unacknowledged = unique + hook_valid_items - len(outcome.acknowledged)
    refusals = outcome.statuses[429] + outcome.statuses[503]
    errors_500 = sum(n for s, n in outcome.statuses.items() if s >= 500 and s != 503)
    refused_expected = outcome.refused["mixed"] + outcome.refused["hook-refused"]
    planned_refusals = mixed_planned + HOOK_REFUSED_DELIVERIES
    unit = ", ".join(f"Σ{name}={value:g}" for name, value in audit.unit_counters.items())
    faults = sum(throttling.injected.values()) + sum(network.injected.values())
    name = level.name
    report.check(f"{name}: acknowledged but missing", str(acknowledged_missing),
                 not acknowledged_missing)  # fmt: skip
    report.check(f"{name}: stored but reported refused", str(stored_but_refused),
                 not stored_but_refused)  # fmt: skip
    report.check(
        f"{name}: invalid batches and deliveries refused",
        f"{refused_expected} of {planned_refusals}; accepted {outcome.accepted_invalid}",
        refused_expected == planned_refusals and not outcome.accepted_invalid,
    )
    report.check(f"{name}: valid requests refused", str(sum(outcome.unexpected.values())),
                 not outcome.unexpected)  # fmt: skip
    report.check(f"{name}: never acknowledged (abandoned)", str(unacknowledged),
                 not unacknowledged)  # fmt: skip
    report.check(f"{name}: duplicates stored", str(audit.duplicates), not audit.duplicates)
    report.check(f"{name}: mentions reported stored (not duplicate) twice",
                 str(reported_new_twice), not reported_new_twice)  # fmt: skip
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
    for answer, count in outcome.unexpected.most_common(3):
        report.line(f"  {name}: {count} x valid request refused: {answer}")
    if outcome.transport_errors or outcome.abandoned:
        report.line(
            f"  {name}: {outcome.transport_errors} transport errors, "
            f"abandoned after {MAX_ATTEMPTS} attempts: {dict(outcome.abandoned) or 'none'}"
        )
    for cause, count in stack.server.errors.causes.most_common(5):
        report.line(f"  {name}: {count} x HTTP 500 from {cause}")
    other = {s: n for s, n in outcome.statuses.items() if s not in (200, 429, 503)}
    report.line(
        f"{name}: done in {seconds:.0f} s; faults injected "
        f"{dict(throttling.injected) | dict(network.injected)}; "
        f"statuses other than 200/429/503: {other or 'none'}"
    )
    return [
        name, faults, sum(outcome.statuses.values()), outcome.statuses[200],
        outcome.statuses[429], outcome.statuses[503],
        outcome.refusals_without_retry_after, errors_500, len(outcome.acknowledged),
        acknowledged_missing, unacknowledged,
        f"{outcome.refused['mixed']}/{outcome.refused['hook-refused']}", stored_but_refused,
        outcome.accepted_invalid, audit.mentions, audit.duplicates, reported_new_twice, unit,
        len(audit.counter_mismatches), f"{seconds:.0f} s",
    ]  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
