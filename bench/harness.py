"""Shared plumbing of the benchmarks: a private stack, realistic mentions, timing and reporting.

Every script starts its own in-memory DynamoDB Local, creates the table from infra/table.yml, builds
the real app with `create_app` and serves it with uvicorn on a free 127.0.0.1 port, so a run
depends on nothing left over from another run and leaves nothing behind.

The machine is shared and noisy: scripts compare variants measured side by side, interleaved, in
the same run, and report medians and ratios, never a lone absolute time as a verdict.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import random
import statistics
import sys
import threading
import time
import traceback
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import uvicorn
from botocore.exceptions import ClientError
from fastapi import FastAPI
from typing_extensions import override

# _counters_of: the repository's own rule for which attributes of a bucket are counters.
from api.aggregates.repository import AggregateRepository, _counters_of
from api.app import create_app
from api.engine import MentionTriage, mention_counters
from api.engine.mention import Mention
from api.local.dynamodb_local import DynamoDBLocal, free_port
from api.mentions.repository import MentionRepository, NewMention, QuotaAction
from api.mentions.schemas import StoredMention
from api.mentions.service import MentionService
from api.services import Services
from api.settings import Settings
from api.storage import keys
from api.storage.buckets import bucket_sort_keys
from api.storage.client import create_dynamodb_client
from api.storage.codec import from_item, to_item
from api.storage.table import create_table
from api.workspaces.service import Principal

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

Payload = dict[str, Any]


# --- the stack ----------------------------------------------------------------------------------


class ServerErrors(logging.Handler):
    """Counts the app's unhandled exceptions (each one an HTTP 500) by cause.

    A run under fault injection can produce thousands of them: one line per cause, with the
    innermost frame of our code, says more than thousands of tracebacks on stderr.
    """

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.causes: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        error = record.exc_info[1] if record.exc_info else None
        if error is None:
            self.causes[record.getMessage()[:120]] += 1
            return
        kind = type(error).__name__
        if isinstance(error, ClientError):
            kind += f"({error.response.get('Error', {}).get('Code', '?')})"
        ours = [f for f in traceback.extract_tb(error.__traceback__) if "/api/" in f.filename]
        if ours:
            frame = ours[-1]
            kind += f" in {'/'.join(Path(frame.filename).parts[-2:])}:{frame.lineno} {frame.name}()"
        self.causes[kind] += 1


class ThreadedUvicorn:
    """The app on a real uvicorn socket in a daemon thread (the HTTP stack is part of the cost)."""

    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.errors = ServerErrors()
        error_log = logging.getLogger("uvicorn.error")
        error_log.handlers, error_log.propagate = [self.errors], False
        # No access log (per-request I/O in every measurement); our handler for errors.
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            log_config=None,
            log_level="warning",
            access_log=False,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def start(self, timeout: float = 20.0) -> None:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


@dataclass
class Stack:
    """One benchmark's private world: DynamoDB Local, the table, the app behind uvicorn."""

    settings: Settings
    dynamodb: DynamoDBClient  # direct client: raw baselines and end-of-run verification
    app: FastAPI
    server: ThreadedUvicorn
    workspace: str
    api_key: str

    @property
    def services(self) -> Services:
        services: Services = self.app.state.services
        return services

    def http(self, timeout: float = 60.0) -> httpx.Client:
        """An authenticated HTTP client for the stack's workspace (only ever 127.0.0.1)."""
        return httpx.Client(
            base_url=self.server.url,
            headers={"Authorization": f"Bearer {self.api_key}"},
            timeout=timeout,
        )

    def create_brand(self, brand_id: str) -> None:
        with self.http() as http:
            response = http.post("/v1/brands", json={"id": brand_id, "name": brand_id})
        if response.status_code != 201:
            raise RuntimeError(
                f"cannot create brand {brand_id}: {response.status_code} {response.text[:300]}"
            )


@contextmanager
def running_stack(
    wrap_client: Callable[[DynamoDBClient], Any] | None = None, **settings: Any
) -> Iterator[Stack]:
    """Start everything; `wrap_client` lets a fault-injection benchmark wrap the app's client."""
    with DynamoDBLocal() as local:
        config = Settings(
            dynamodb_endpoint=local.endpoint,
            table_name=f"vigie-bench-{uuid.uuid4().hex[:8]}",
            **settings,
        )
        dynamodb = create_dynamodb_client(config)
        create_table(dynamodb, config.table_name)
        app_client = create_dynamodb_client(config)
        app = create_app(config, wrap_client(app_client) if wrap_client else app_client)
        workspace = f"bench-{uuid.uuid4().hex[:8]}"
        services: Services = app.state.services
        api_key = services.api_keys.create(workspace)
        server = ThreadedUvicorn(app)
        server.start()
        try:
            yield Stack(config, dynamodb, app, server, workspace, api_key)
        finally:
            server.stop()


# --- realistic mentions ---------------------------------------------------------------------

_NETWORKS = (
    ("twitter", 30),
    ("facebook", 15),
    ("instagram", 12),
    ("tiktok", 8),
    ("reddit", 8),
    ("review", 7),
    ("news", 5),
    ("youtube", 5),
    ("forum", 4),
    ("blog", 3),
    ("linkedin", 2),
    ("other", 1),
)
_TEXTS = (
    ("My order #{n} never arrived and nobody answers the phone", -0.7),
    ("Third time the app crashes at checkout, this is ridiculous", -0.8),
    ("Customer service solved my billing issue in five minutes, thanks!", 0.7),
    ("Anyone else seeing the outage since this morning?", -0.4),
    ("Just picked up the new model, looks great", 0.6),
    ("Store opening hours changed? Can't find the info anywhere", -0.1),
    ("Recall notice on the website about the glass jars, be careful", -0.9),
    ("Commande jamais livrée, service client injoignable, honteux", -0.8),
    ("Très contente de ma commande, livraison rapide", 0.8),
    ("Price went up again this month", -0.3),
    ("Neutral unboxing video, link in bio", 0.0),
    ("They charged me twice and the refund still hasn't come", -0.6),
)
_AUTHOR_KINDS = (("person", 80), ("influencer", 8), ("journalist", 4), ("media", 4), ("brand", 4))


def _weighted(rng: random.Random, choices: Sequence[tuple[str, int]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def realistic_mention(rng: random.Random, external_id: str, published_at: datetime) -> Payload:
    """A canonical mention payload with the variety of a listening tool's stream.

    Networks, author kinds and audiences follow rough real-world proportions; sentiment comes as a
    score, a label, both or neither (then the engine computes it), so every code path is used.
    """
    text, polarity = rng.choice(_TEXTS)
    kind = _weighted(rng, _AUTHOR_KINDS)
    followers = int(10 ** rng.uniform(1, 3.5 if kind == "person" else 6.5))
    payload: Payload = {
        "external_id": external_id,
        "source": "bench",
        "network": _weighted(rng, _NETWORKS),
        "published_at": published_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "text": text.format(n=rng.randrange(10_000, 99_999)),
        "author": {
            "handle": f"@u{rng.randrange(1_000_000)}",
            "followers": followers,
            "verified": kind in {"media", "brand"} or rng.random() < 0.02,
            "kind": kind,
        },
        "engagement": {
            "likes": int(rng.expovariate(1 / 12)),
            "shares": int(rng.expovariate(1 / 3)),
            "comments": int(rng.expovariate(1 / 4)),
        },
        "url": f"https://example.org/p/{external_id}",
    }
    score = max(-1.0, min(1.0, polarity + rng.uniform(-0.2, 0.2)))
    style = rng.random()
    label = "negative" if score < -0.2 else "positive" if score > 0.2 else "neutral"
    if style < 0.6:
        payload["sentiment"] = {"score": round(score, 2)}
    elif style < 0.8:
        payload["sentiment"] = {"label": label}
    elif style < 0.9:
        payload["sentiment"] = {"score": round(score, 2), "label": label}
    if rng.random() < 0.7:
        payload["language"] = "fr" if "é" in text or "Commande" in text else "en"
    return payload


def realistic_mentions(
    rng: random.Random, count: int, *, prefix: str, span: timedelta, end: datetime | None = None
) -> list[Payload]:
    """`count` mentions published uniformly over `span` before `end`, in publication order.

    Listening tools push in (roughly) time order, so batches cover a short stretch of time.
    """
    end = end or datetime.now(UTC) - timedelta(seconds=1)
    offsets = sorted(rng.uniform(0, span.total_seconds()) for _ in range(count))
    return [
        realistic_mention(rng, f"{prefix}-{index:07d}", end - timedelta(seconds=offset))
        for index, offset in enumerate(reversed(offsets))
    ]


def batches(items: Sequence[Payload], size: int) -> list[list[Payload]]:
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


def encode_batch(mentions: Sequence[Payload]) -> bytes:
    """The request body, encoded before timing: the client's JSON work is not the server's cost."""
    return json.dumps({"mentions": list(mentions)}).encode()


# --- the items the repository writes ---------------------------------------------------------


class _RecordingRepository(MentionRepository):
    """Captures what MentionService hands to storage instead of writing it."""

    def __init__(self, stack: Stack) -> None:
        settings = stack.settings
        aggregates = AggregateRepository(
            stack.dynamodb, settings.table_name, settings.aggregate_shards
        )
        super().__init__(
            stack.dynamodb,
            settings.table_name,
            aggregates,
            bucket_seconds=settings.engine.bucket_seconds,
        )
        self.prepared: list[NewMention] = []

    @override
    def store_new(
        self,
        workspace: str,
        brand_id: str,
        mentions: Sequence[NewMention],
        *,
        quota: QuotaAction | None = None,
    ) -> set[str]:
        self.prepared.extend(mentions)
        return set()

    @override
    def get_many(
        self, workspace: str, brand_id: str, mention_ids: Sequence[str]
    ) -> dict[str, StoredMention]:
        return {}


def prepare_new_mentions(
    stack: Stack, brand_id: str, payloads: Sequence[Payload]
) -> list[NewMention]:
    """The NewMentions MentionService.ingest would store (its own triage, counters, TTL, ids).

    Running the real service against a recording repository reuses its preparation instead of
    copying it here, so raw baselines write exactly what the API writes.
    """
    recorder = _RecordingRepository(stack)
    service = MentionService(recorder, stack.services.assessments, stack.settings)
    brand = stack.services.brands.get(Principal(stack.workspace), brand_id)
    for batch in batches(payloads, stack.settings.max_mentions_per_batch):
        service.ingest(stack.workspace, brand, [Mention.model_validate(p) for p in batch])
    return recorder.prepared


def mention_item(stack: Stack, brand_id: str, new: NewMention) -> dict[str, Any]:
    """The DynamoDB item of a mention, built by MentionRepository's own item builder."""
    repository = stack.services.mentions._repository  # its shard count of the brand too
    return dict(to_item(repository._mention_item(stack.workspace, brand_id, new)))


# --- reading the table back ----------------------------------------------------------------


def query_all(dynamodb: DynamoDBClient, table: str, pk: str) -> list[dict[str, Any]]:
    """Every item of a partition, decoded (bounded by the partition's size)."""
    items: list[dict[str, Any]] = []
    request: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": "PK = :pk",
        "ExpressionAttributeValues": {":pk": {"S": pk}},
        "ConsistentRead": True,
    }
    while True:
        response = dynamodb.query(**request)
        items += [from_item(raw) for raw in response.get("Items", [])]
        if "LastEvaluatedKey" not in response:
            return items
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


@dataclass
class BrandAudit:
    """What is really in the table for a brand, and whether its counters add up."""

    stored_ids: set[str]
    mentions: int
    duplicates: int  # items beyond the first per (source, external_id)
    counters_checked: int  # (bucket, counter name) pairs compared
    counter_mismatches: list[str]
    unit_counters: dict[str, float]  # counters every mention adds 1 to (`n`-style), summed


def audit_brand(stack: Stack, brand_id: str) -> BrandAudit:
    """Read a brand's mentions and aggregates straight from the table and cross-check them.

    The expected counters are derived by calling the engine's own `mention_counters` on each
    stored mention with its stored triage, so this check follows the engine's counter names
    whatever they become.
    """
    table, workspace = stack.settings.table_name, stack.workspace
    bucket_seconds = stack.settings.engine.bucket_seconds
    items = query_all(stack.dynamodb, table, keys.mentions_pk(workspace, brand_id))
    per_origin: Counter[tuple[str, str]] = Counter()
    expected: dict[tuple[str, str], float] = defaultdict(float)
    names_per_mention: Counter[str] = Counter()
    for item in items:
        mention = Mention.model_validate_json(item["mention"])
        triage = MentionTriage.model_validate_json(item["triage"])
        per_origin[(mention.source, mention.external_id)] += 1
        counters = mention_counters(mention, triage)
        names_per_mention.update(name for name, value in counters.items() if value == 1)
        for sort_key in bucket_sort_keys(mention.published_utc, bucket_seconds):
            for name, value in counters.items():
                expected[(sort_key, name)] += value
    actual: dict[tuple[str, str], float] = defaultdict(float)
    for shard in range(stack.settings.aggregate_shards):
        pk = keys.aggregate_pk(workspace, brand_id, shard)
        for bucket in query_all(stack.dynamodb, table, pk):
            for name, value in _counters_of(bucket).items():
                actual[(bucket["SK"], name)] += value
    mismatches = [
        f"{sort_key} {name}: stored {actual.get((sort_key, name), 0)}, "
        f"mentions add up to {expected.get((sort_key, name), 0)}"
        for sort_key, name in sorted(set(expected) | set(actual))
        if not math.isclose(
            actual.get((sort_key, name), 0), expected.get((sort_key, name), 0), abs_tol=1e-6
        )
    ]
    unit_names = [name for name, count in names_per_mention.items() if count == len(items)]
    unit_totals = {
        name: sum(v for (sk, n), v in actual.items() if n == name and sk.startswith("H#"))
        for name in unit_names
    }
    return BrandAudit(
        stored_ids={item["mention_id"] for item in items},
        mentions=len(items),
        duplicates=sum(count - 1 for count in per_origin.values()),
        counters_checked=len(set(expected) | set(actual)),
        counter_mismatches=mismatches,
        unit_counters=unit_totals,
    )


# --- timing and statistics -----------------------------------------------------------------


def timed(action: Callable[[], object]) -> float:
    """Seconds taken by one call."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p90 → 0.9): simple and exact for the sample sizes used here."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


# --- reporting -----------------------------------------------------------------------------


@dataclass
class Report:
    """Collects target checks and prints the verdict; `exit_code()` is what CI looks at."""

    title: str
    checks: list[tuple[str, str, bool]] = field(default_factory=list)

    def __post_init__(self) -> None:
        print(f"\n=== {self.title} ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC) ===", flush=True)

    def section(self, heading: str) -> None:
        print(f"\n--- {heading}", flush=True)

    def line(self, text: str) -> None:
        print(text, flush=True)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
        widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
        for index, row in enumerate(cells):
            print(
                "  ".join(
                    c.rjust(w) if i else c.ljust(w)
                    for i, (c, w) in enumerate(zip(row, widths, strict=True))
                )
            )
            if index == 0:
                print("  ".join("-" * w for w in widths))
        sys.stdout.flush()

    def check(self, name: str, measured: str, ok: bool) -> None:
        self.checks.append((name, measured, ok))

    def exit_code(self) -> int:
        print(f"\n--- targets: {self.title}")
        for name, measured, ok in self.checks:
            print(f"  [{'PASS' if ok else 'MISS'}] {name}: {measured}")
        failed = sum(not ok for _, _, ok in self.checks)
        print(f"\n{'ALL TARGETS MET' if not failed else f'{failed} TARGET(S) MISSED'}", flush=True)
        return 1 if failed else 0


def parse_args(description: str | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="smaller sizes and fewer rounds (about a minute)"
    )
    parser.add_argument("--seed", type=int, default=20261125, help="seed of the generated data")
    return parser.parse_args()
