"""The console's brand page against the API calls it is built from, on a brand of 100,000 mentions.

The brand page (`GET /app/brands/{id}`) shows the assessment, the 48-hour timeline, the answer
queue, its open/overdue counts and the top mentions. An integrator building the same screen
would call `GET /risk` + `GET /risk/history` (same 48 h) + `GET /mentions?status=open` (the
queue page). Target: page / API calls ≤ 1.5 (medians of interleaved rounds, over HTTP, one run).

The brand holds 100,000 mentions over the last 24 h: their hourly aggregates are written
directly through the aggregate repository's own update actions (counters computed by the engine
from realistic mentions), and 2,000 of them are stored as mention items (the repository's own
item builder: the open ones are in the queue index, the risky ones in the hot index), so the
page reads exactly what a real 100k brand would give it.

Run: .venv/bin/python bench/console_cost.py [--quick]   (exit 0 when the target is met)
"""

from __future__ import annotations

import random
import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.aggregates.repository import AggregateRepository
from api.engine import mention_counters, triage_mention
from api.engine.mention import Mention
from api.storage.buckets import add_counters, bucket_sort_keys
from bench import harness
from bench.harness import Report, Stack, median, ms, percentile, timed

RATIO_TARGET = 1.5
STORED_MENTIONS = 2_000
SAMPLE = 400  # distinct realistic mentions whose counters stand for the 100,000
WARM_UP = 5


def seed_aggregates(stack: Stack, brand_id: str, count: int, rng: random.Random) -> int:
    """Add the counters of `count` mentions over the last 24 h; returns the buckets written."""
    config = stack.settings.engine
    now = datetime.now(UTC)
    sample = []
    for payload in harness.realistic_mentions(
        rng, SAMPLE, prefix="sample", span=timedelta(hours=1)
    ):
        mention = Mention.model_validate(payload)
        triage = triage_mention(mention, now=now, config=config)
        sample.append(dict(mention_counters(mention, triage)))
    totals: dict[str, dict[str, float]] = defaultdict(dict)
    for _ in range(count):
        published = now - timedelta(seconds=rng.uniform(60, 24 * 3600))
        counters = rng.choice(sample)
        for sort_key in bucket_sort_keys(published, config.bucket_seconds):
            add_counters(totals[sort_key], counters)
    settings = stack.settings
    aggregates = AggregateRepository(stack.dynamodb, settings.table_name, settings.aggregate_shards)
    expires = int((now + timedelta(days=30)).timestamp())
    for sort_key, counters in totals.items():
        rounded = {name: round(value, 3) for name, value in counters.items()}
        action = aggregates.update_action(stack.workspace, brand_id, 0, sort_key, rounded, expires)
        stack.dynamodb.update_item(**action["Update"])
    return len(totals)


def seed_mention_items(stack: Stack, brand_id: str, count: int, rng: random.Random) -> int:
    """Store `count` mention items as the API would (triage, queue and hot indexes)."""
    payloads = harness.realistic_mentions(rng, count, prefix="stored", span=timedelta(hours=24))
    prepared = harness.prepare_new_mentions(stack, brand_id, payloads)
    for new in prepared:
        stack.dynamodb.put_item(
            TableName=stack.settings.table_name, Item=harness.mention_item(stack, brand_id, new)
        )
    return sum(new.triage.tier.value != "watch" for new in prepared)


@contextmanager
def console_client(stack: Stack) -> Iterator[httpx.Client]:
    """A browser-like client signed in to the console (session cookie, CSRF-checked sign-in)."""
    with httpx.Client(base_url=stack.server.url, timeout=60, follow_redirects=True) as http:
        yield signed_in(stack, http)


def signed_in(stack: Stack, http: httpx.Client) -> httpx.Client:
    form = http.get("/app/sign-in")
    match = re.search(r'name="csrf" value="([^"]+)"', form.text)
    if match is None:
        raise RuntimeError("no CSRF token on the sign-in page")
    response = http.post(
        "/app/sign-in", data={"csrf": match[1], "api_key": stack.api_key, "name": "bench"}
    )
    if response.status_code != 200 or "vigie_session" not in http.cookies:
        raise RuntimeError(f"sign-in failed: {response.status_code}")
    return http


def main() -> int:
    args = harness.parse_args(__doc__)
    mentions = 10_000 if args.quick else 100_000
    rounds = 20 if args.quick else 60
    report = Report("console brand page cost" + (" --quick" if args.quick else ""))
    rng = random.Random(args.seed)
    brand_id = "crisis"
    with harness.running_stack() as stack:
        stack.create_brand(brand_id)
        buckets = seed_aggregates(stack, brand_id, mentions, rng)
        open_count = seed_mention_items(stack, brand_id, STORED_MENTIONS, rng)
        report.section(
            f"{brand_id}: {mentions:,} mentions over 24 h ({buckets} aggregate buckets written), "
            f"{STORED_MENTIONS:,} stored as items, {open_count:,} of them open in the queue"
        )
        with stack.http() as api, console_client(stack) as console:

            def page() -> None:
                response = console.get(f"/app/brands/{brand_id}")
                if response.status_code != 200 or 'id="timeline-data"' not in response.text:
                    raise RuntimeError(f"brand page: {response.status_code}")

            def api_calls() -> None:
                now = datetime.now(UTC)
                window = {"from": (now - timedelta(hours=48)).isoformat(), "to": now.isoformat()}
                for path, params in (
                    (f"/v1/brands/{brand_id}/risk", {}),
                    (f"/v1/brands/{brand_id}/risk/history", {**window, "step": "3600"}),
                    (f"/v1/brands/{brand_id}/mentions", {"status": "open", "limit": "10"}),
                ):
                    response = api.get(path, params=params)
                    if response.status_code != 200:
                        raise RuntimeError(f"{path}: {response.status_code} {response.text}")

            variants = {"brand page": page, "API calls": api_calls}
            samples: dict[str, list[float]] = {name: [] for name in variants}
            for _ in range(WARM_UP):
                for action in variants.values():
                    action()
            names = list(variants)
            for index in range(rounds):
                shift = index % len(names)  # alternate which variant runs first
                for name in names[shift:] + names[:shift]:
                    samples[name].append(timed(partial(variants[name])))

        report.section(f"{rounds} interleaved rounds after {WARM_UP} warm-up, over HTTP")
        report.table(
            ["variant", "median", "p90"],
            [[name, ms(median(s)), ms(percentile(s, 0.9))] for name, s in samples.items()],
        )
        ratio = median(samples["brand page"]) / median(samples["API calls"])
        report.line(
            "API calls = GET /risk + GET /risk/history (48 h, hourly) + GET /mentions?status=open "
            "(10); the page also counts the queue and reads the top mentions, and renders HTML."
        )
        report.check(
            f"brand page ≤ {RATIO_TARGET}x the API calls it is built from ({mentions:,} mentions)",
            f"{ratio:.2f}x",
            ratio <= RATIO_TARGET,
        )
    return report.exit_code()


if __name__ == "__main__":
    sys.exit(main())
