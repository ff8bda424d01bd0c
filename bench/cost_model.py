"""What a mention costs: DynamoDB request units per operation, and the monthly AWS bill.

Issue 16, item 5. The app's own DynamoDB client gets two botocore event hooks (no wrapper, no
change to the repositories): `provide-client-params.dynamodb.*` adds
`ReturnConsumedCapacity=TOTAL` to every call that accepts it, and `after-call.dynamodb.*` adds
up the `ConsumedCapacity` DynamoDB Local returns (read and write units, per operation). Every
figure below is therefore **DynamoDB Local's own count** (1 WRU per KB written, 1 RRU per 4 KB read
strongly, half for eventually consistent reads), not an estimate from item sizes. Caveat: the
service bills a transactional write twice (2 WRU per KB) and every GSI copy; Local does neither
(a 1-2 KB mention put in a transaction reads as ~1 WRU), so the script also charges the exact
actions ingest sends by the service's rules (bench/hot_partitions.py) and bills the larger.
Calls that return no `ConsumedCapacity` (DescribeTable, streams) are counted as calls only.

Measured over real HTTP (uvicorn + httpx), each after warm-up, `--rounds` times, medians:

- ingest, a batch of 100 new mentions (`POST …/mentions`), per mention;
- ingest, one new mention per call, per mention;
- one assessment, `GET /risk`;
- one list page, `GET /mentions?limit=50`;
- one outbound delivery: `SubscriptionService.announce` (the outbox event and its delivery
  item, what ingest writes when a tier changes) plus the production `Dispatcher.process` of it to
  a real receiver on 127.0.0.1 answering 204 (lease, attempt, outcome).

Durations (the Lambda GB-s) are the HTTP medians measured here against DynamoDB Local: a real
table answers in ~5-10 ms a call, DynamoDB Local on this machine in 1-3 ms, so they are an order
of magnitude, and the bill's Lambda line says so.

Run: .venv/bin/python bench/cost_model.py [--quick]   (prints the tables; exit 0)
"""

from __future__ import annotations

import random
import re
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.engine.schemas import BrandRiskAssessment, Tier
from api.examples import ASSESSMENT_EXAMPLE
from api.local.dispatch_loop import InMemoryRetryScheduler, StreamReader, create_streams_client
from api.settings import Settings
from api.subscriptions.dispatcher import Dispatcher
from api.subscriptions.schemas import EventType, SubscriptionCreate
from api.subscriptions.ssrf import allowed_networks
from api.subscriptions.transport import HttpSender
from api.workspaces.service import Principal
from bench import harness
from bench.hot_partitions import item_size, prepare, projections, simulate

ROOT = Path(__file__).resolve().parents[1]

# us-east-1 list prices, as published on aws.amazon.com/<service>/pricing (read 2026-12-01;
# DynamoDB on-demand after the November 2024 cut). No free tier, no savings plan.
PRICES = {
    "dynamodb_write_per_million": 0.625,  # write request units, Standard table class
    "dynamodb_read_per_million": 0.125,  # read request units
    "dynamodb_storage_gb_month": 0.25,
    "lambda_gb_second": 0.0000166667,  # x86_64, first 6 billion GB-s a month
    "lambda_per_million_requests": 0.20,
    "http_api_per_million_requests": 1.00,  # API Gateway HTTP API, first 300 M a month
}
MONTHLY_VOLUMES = (1_000_000, 10_000_000, 100_000_000)
# The traffic around the mentions, per 1,000 mentions ingested (assumptions, written down):
# a dashboard refresh or an integrator poll of GET /risk and a list page per 100 mentions, and one
# outbound delivery per 1,000 mentions (a tier or stage change reaching one subscriber).
READS_PER_THOUSAND = {"risk": 10, "list_page": 10}
DELIVERIES_PER_THOUSAND = 1
SINGLE_CALLS_TARGET = 2  # issue 16: DynamoDB calls per mention pushed one per call


@dataclass
class Capacity:
    """Units and calls seen by the client's hooks since the last `take()`."""

    read: float = 0.0
    write: float = 0.0
    calls: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self) -> tuple[float, float, Counter[str]]:
        with self.lock:
            taken = (self.read, self.write, self.calls)
            self.read, self.write, self.calls = 0.0, 0.0, Counter()
        return taken


_WITH_CAPACITY = {
    "GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem",
    "BatchWriteItem", "TransactWriteItems", "TransactGetItems",
}  # fmt: skip
_WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}


def instrument(client: Any, capacity: Capacity) -> Any:
    """Ask DynamoDB for its consumed capacity on every call and add it up."""

    def ask(params: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name in _WITH_CAPACITY:
            params.setdefault("ReturnConsumedCapacity", "TOTAL")

    def record(parsed: dict[str, Any], model: Any, **_: Any) -> None:
        consumed = parsed.get("ConsumedCapacity")
        entries = consumed if isinstance(consumed, list) else [consumed] if consumed else []
        with capacity.lock:
            capacity.calls[model.name] += 1
            for entry in entries:
                units = float(entry.get("CapacityUnits", 0.0))
                read = entry.get("ReadCapacityUnits")
                write = entry.get("WriteCapacityUnits")
                if read is not None or write is not None:
                    capacity.read += float(read or 0.0)
                    capacity.write += float(write or 0.0)
                elif model.name in _WRITES:
                    capacity.write += units
                else:
                    capacity.read += units

    client.meta.events.register("provide-client-params.dynamodb.*", ask)
    client.meta.events.register("after-call.dynamodb.*", record)
    return client


@dataclass(frozen=True)
class Figure:
    name: str
    per: int  # mentions (or operations) the sample covers
    read: float
    write: float
    calls: float
    seconds: float  # median duration of the request (or operation)
    by_operation: dict[str, float] = field(default_factory=dict)  # mean calls per sample

    @property
    def rru(self) -> float:
        return self.read / self.per

    @property
    def wru(self) -> float:
        return self.write / self.per


def sample(
    name: str, per: int, capacity: Capacity, action: Callable[[], object], rounds: int
) -> Figure:
    reads, writes, calls, seconds = [], [], [], []
    operations: Counter[str] = Counter()
    action()  # warm-up, not counted
    capacity.take()
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - started)
        read, write, counted = capacity.take()
        reads.append(read)
        writes.append(write)
        calls.append(sum(counted.values()))
        operations.update(counted)
    return Figure(
        name,
        per,
        statistics.median(reads),
        statistics.median(writes),
        statistics.median(calls),
        statistics.median(seconds),
        {operation: count / rounds for operation, count in sorted(operations.items())},
    )


class _Accepting(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_: Any) -> None:
        return


def configured_memory_mb() -> int:
    """The API function's memory, as serverless.yml gives it (provider default)."""
    text = (ROOT / "serverless.yml").read_text()
    match = re.search(r"^\s+memorySize:\s*(\d+)", text, re.MULTILINE)
    return int(match.group(1)) if match else 1024


# DynamoDB bills 100 bytes of overhead per item, in the table and in each index holding it.
_ITEM_OVERHEAD = 100


def stored_bytes_per_mention(stack: harness.Stack, brand_id: str) -> float:
    """Billed storage of one mention: its item plus its index projections (infra/table.yml)."""
    sizes: list[int] = []
    request: dict[str, Any] = {
        "TableName": stack.settings.table_name,
        "KeyConditionExpression": "PK = :pk",
        "ExpressionAttributeValues": {":pk": {"S": f"MENTION#{stack.workspace}#{brand_id}"}},
    }
    while True:
        page = stack.dynamodb.query(**request)
        for item in page["Items"]:
            size = item_size(dict(item))
            billed = size + _ITEM_OVERHEAD
            billed += sum(projected + _ITEM_OVERHEAD for _, projected in projections(item, size))
            sizes.append(billed)
        if "LastEvaluatedKey" not in page:
            break
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return statistics.mean(sizes)


def monthly_bill(
    mentions: int,
    ingest: Figure,
    risk: Figure,
    page: Figure,
    delivery: Figure,
    memory_gb: float,
    stored_gb: float,
) -> dict[str, float]:
    thousands = mentions / 1000
    ops = [
        (ingest, mentions, mentions / ingest.per),
        (risk, thousands * READS_PER_THOUSAND["risk"], thousands * READS_PER_THOUSAND["risk"]),
        (
            page,
            thousands * READS_PER_THOUSAND["list_page"],
            thousands * READS_PER_THOUSAND["list_page"],
        ),
        (delivery, thousands * DELIVERIES_PER_THOUSAND, thousands * DELIVERIES_PER_THOUSAND),
    ]
    rru = sum(figure.rru * units for figure, units, _ in ops)
    wru = sum(figure.wru * units for figure, units, _ in ops)
    requests = sum(calls for figure, _, calls in ops if figure is not delivery)
    invocations = sum(calls for _, _, calls in ops)
    gb_seconds = sum(figure.seconds * calls * memory_gb for figure, _, calls in ops)
    return {
        "dynamodb_writes": wru / 1e6 * PRICES["dynamodb_write_per_million"],
        "dynamodb_reads": rru / 1e6 * PRICES["dynamodb_read_per_million"],
        "lambda": gb_seconds * PRICES["lambda_gb_second"]
        + invocations / 1e6 * PRICES["lambda_per_million_requests"],
        "api_gateway": requests / 1e6 * PRICES["http_api_per_million_requests"],
        "storage": stored_gb * PRICES["dynamodb_storage_gb_month"],
    }


def main() -> int:
    args = harness.parse_args(__doc__.splitlines()[0] if __doc__ else None)
    rounds = 5 if args.quick else 15
    rng = random.Random(args.seed)
    capacity = Capacity()
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), _Accepting)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    report = harness.Report("Cost model: request units per operation, monthly bill")
    try:
        with harness.running_stack(
            lambda client: instrument(client, capacity),
            outbound_allow_cidrs="127.0.0.0/8",
            subscription_timeout_seconds=2.0,
        ) as stack:
            stack.create_brand("costs")
            counter = {"n": 0}

            def fresh(count: int) -> bytes:
                now = datetime.now(UTC)
                mentions = []
                for _ in range(count):
                    counter["n"] += 1
                    published = now - timedelta(seconds=rng.uniform(0, 600))
                    mentions.append(
                        harness.realistic_mention(rng, f"cost-{counter['n']}", published)
                    )
                return harness.encode_batch(mentions)

            http = stack.http()
            path = "/v1/brands/costs/mentions"
            headers = {"content-type": "application/json"}

            def post(count: int) -> Callable[[], object]:
                def run() -> None:
                    body = fresh(count)
                    response = http.post(path, content=body, headers=headers)
                    assert response.status_code == 200, response.text[:300]

                return run

            # The body is built inside the timed call; it is ~1 % of a request here.
            batched = sample("ingest, batch of 100", 100, capacity, post(100), rounds)
            single = sample("ingest, 1 per call", 1, capacity, post(1), rounds * 4)

            def get(url: str) -> Callable[[], object]:
                def run() -> None:
                    response = http.get(url)
                    assert response.status_code == 200, response.text[:300]

                return run

            risk = sample("GET /risk", 1, capacity, get("/v1/brands/costs/risk"), rounds * 2)
            page = sample(
                "list page (50)", 1, capacity, get("/v1/brands/costs/mentions?limit=50"), rounds * 2
            )

            per_mention_bytes = stored_bytes_per_mention(stack, "costs")
            retention_days = stack.settings.retention_days
            services = stack.services
            subscriptions = services.subscriptions
            brand = services.brands.get(Principal(stack.workspace), "costs")
            url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
            subscriptions.create(
                Principal(stack.workspace),
                SubscriptionCreate(
                    url=url, events=[EventType.brand_tier_changed], brand_ids=["costs"]
                ),
            )
            sender = HttpSender(allowed_networks(stack.settings.outbound_allow_cidrs), 2.0)
            dispatcher = Dispatcher(subscriptions, sender, InMemoryRetryScheduler())
            reader = StreamReader(
                stack.dynamodb, create_streams_client(stack.settings), stack.settings.table_name,
                workspaces=[stack.workspace],
            )  # fmt: skip
            reader.poll()
            base = BrandRiskAssessment.model_validate(ASSESSMENT_EXAMPLE)
            flips = {"n": 0}

            def deliver() -> None:
                flips["n"] += 1
                tier = Tier.respond_publicly if flips["n"] % 2 else Tier.watch
                assessment = base.model_copy(update={"tier": tier, "as_of": datetime.now(UTC)})
                subscriptions.announce(stack.workspace, brand, assessment)
                delivered = 0
                for _ in range(50):
                    for key in reader.poll():
                        outcome = dispatcher.process(key)
                        delivered += outcome.state == "delivered"
                    if delivered:
                        return
                    time.sleep(0.05)
                raise RuntimeError("the delivery never came out of the stream")

            delivery = sample("outbound delivery", 1, capacity, deliver, rounds)
            http.close()
    finally:
        receiver.shutdown()

    # DynamoDB Local under-counts writes: it neither doubles transactional writes nor adds the
    # GSI copies (a 2 KB mention put in a transaction reads as ~1 WRU). The service's rules,
    # applied to the exact actions ingest sends (bench/hot_partitions.py), give the other figure;
    # the bill takes the larger of the two, for the mention and counter writes.
    settings = Settings()
    sample_mentions = prepare(settings, random.Random(args.seed), datetime.now(UTC))
    by_rule: dict[int, float] = {}
    for size in (100, 1):
        writes, _ = simulate(settings, sample_mentions, size, 1, 0.0)
        writes.pop("_sizes", None)
        by_rule[size] = sum(writes.values())
    billed_batched = replace(batched, write=max(batched.write, by_rule[100] * batched.per))
    # The single path writes more than the mention and its counters (Local counts those extra
    # plain puts and updates right): add what Local missed on the mention part, where it counted
    # about the batch's per-mention figure plus its two bucket updates (hour, 5-min) once each.
    extra = max(0.0, by_rule[1] - (batched.wru + 2))
    billed_single = replace(single, write=single.write + extra * single.per)
    report.line(
        f"Write units by the service's rules (transactions 2x, GSI copies), mention + counters: "
        f"{by_rule[100]:.2f} WRU per mention in batches of 100, {by_rule[1]:.2f} one per call "
        f"(DynamoDB Local counted {batched.wru:.2f} for the batch); billed: "
        f"{billed_batched.wru:.2f} batched, {billed_single.wru:.2f} single"
    )
    figures = [batched, single, risk, page, delivery]
    report.section(
        "DynamoDB request units (ConsumedCapacity as DynamoDB Local returns it), medians of "
        f"{rounds}+ requests"
    )
    report.table(
        ["operation", "per", "RRU", "WRU", "DynamoDB calls", "duration"],
        [
            (
                f.name,
                "mention" if f.name.startswith("ingest") else "call",
                f"{f.rru:.2f}",
                f"{f.wru:.2f}",
                f"{f.calls / f.per:.2f}",
                f"{f.seconds * 1000:.1f} ms" + (f" / {f.per}" if f.per > 1 else ""),
            )
            for f in figures
        ],
    )
    for figure in (batched, single):
        report.line(
            f"{figure.name}: DynamoDB calls per request, mean: "
            + ", ".join(f"{op} {n:.2f}" for op, n in figure.by_operation.items())
        )
    single_calls = sum(single.by_operation.values())
    report.line(
        f"issue 16: DynamoDB calls per single mention (mean, cache refreshes included) ≤ "
        f"{SINGLE_CALLS_TARGET}: {single_calls:.2f} "
        + ("PASS" if single_calls <= SINGLE_CALLS_TARGET else "MISS")
    )
    memory_mb = configured_memory_mb()
    memory_gb = memory_mb / 1024
    report.section(
        f"Monthly bill, USD (us-east-1 list prices read 2026-12-01; Lambda {memory_mb} MB as "
        "serverless.yml configures it, at the durations above; per 1,000 mentions "
        f"{READS_PER_THOUSAND['risk']} GET /risk, {READS_PER_THOUSAND['list_page']} list pages, "
        f"{DELIVERIES_PER_THOUSAND} delivery; storage at {per_mention_bytes:,.0f} B per mention "
        f"with its index copies, kept {retention_days} days; CloudWatch, streams and data "
        "transfer not included)"
    )
    rows = []
    for mentions in MONTHLY_VOLUMES:
        for ingest in (billed_batched, billed_single):
            # Steady state: the mentions of the last `retention_days` are stored.
            stored_gb = mentions * retention_days / 30.4 * per_mention_bytes / 1e9
            bill = monthly_bill(mentions, ingest, risk, page, delivery, memory_gb, stored_gb)
            rows.append(
                (
                    f"{mentions / 1e6:g} M",
                    "batches of 100" if ingest is billed_batched else "1 per call",
                    f"{bill['dynamodb_writes']:,.2f}",
                    f"{bill['dynamodb_reads']:,.2f}",
                    f"{bill['lambda']:,.2f}",
                    f"{bill['api_gateway']:,.2f}",
                    f"{bill['storage']:,.2f}",
                    f"{sum(bill.values()):,.2f}",
                )
            )
    report.table(
        [
            "mentions/month",
            "ingest",
            "DynamoDB W",
            "DynamoDB R",
            "Lambda",
            "API GW",
            "storage",
            "total",
        ],
        rows,
    )
    report.line("\nPrices used: " + ", ".join(f"{k} {v}" for k, v in PRICES.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
