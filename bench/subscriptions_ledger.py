"""Outbound deliveries never lost: a ledger over failing receivers, under a fake clock.

BENCHMARKS "Nothing lost" (outbound). One workspace, five subscriptions, each to a real HTTP
receiver on 127.0.0.1: `ok` (always 204), `flaky` (500 on 30 % of requests, seeded), `slow`
(answers after 1 s: every attempt times out; the client's timeout is 0.3 s here), `gone` (410)
and `failing` (503 until it is repaired). Brand changes are announced through the service's own
`announce` (the transaction ingest uses) in two waves, a day and a half apart; the dispatcher is
the production one (`api.subscriptions.dispatcher`) fed by DynamoDB Local's stream and by an
in-memory retry heap, with a fake clock that jumps to the next due retry, so the real schedule
(5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, ±10 % jitter) runs in seconds.

Targets: `produced == delivered + dead_lettered + skipped + in_flight` (delivery items by state),
`in_flight == 0` after draining; every logged retry delay within ±10 % of its step of the
schedule; `gone` disabled by its first 410 and hit once; `flaky` gets every event; `slow` is
retried, then disabled with its events kept; `failing` disabled after
`subscription_disable_after_days` (0.5 here) of failures, receiving nothing while disabled
(requests counted after the disabling write, not compared by time), and — once repaired,
re-enabled and `recover`ed — receiving every event it missed, once each. One line per target,
PASS or MISS.

Run: .venv/bin/python bench/subscriptions_ledger.py [--quick]   (exit 0 when every target is met)
"""

from __future__ import annotations

import random
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.brands.schemas import Brand, BrandSettings
from api.engine.schemas import BrandRiskAssessment, Stage, Tier
from api.examples import ASSESSMENT_EXAMPLE
from api.local.dispatch_loop import InMemoryRetryScheduler, StreamReader, create_streams_client
from api.subscriptions.dispatcher import Dispatcher
from api.subscriptions.repository import IN_FLIGHT, DeliveryKey
from api.subscriptions.schemas import SubscriptionCreate, SubscriptionUpdate
from api.subscriptions.ssrf import allowed_networks
from api.subscriptions.transport import HttpSender
from api.workspaces.service import Principal
from bench import harness
from bench.harness import Report

DISABLE_AFTER_DAYS = 0.5


class FakeClock:
    def __init__(self, start: float) -> None:
        self.t = start

    def now(self) -> float:
        return self.t


class Receiver:
    """Records (fake time, webhook-id) of every request; answers `respond()`."""

    def __init__(self, clock: FakeClock, respond: Callable[[], tuple[int, float]]) -> None:
        receiver = self
        self.hits: list[tuple[float, str]] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length") or 0))
                receiver.hits.append((clock.now(), self.headers.get("webhook-id", "")))
                status, pause = respond()
                if pause:
                    time.sleep(pause)
                try:
                    self.send_response(status)
                    self.send_header("content-length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the client gave up (timeout)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def main() -> int:
    args = harness.parse_args(__doc__)
    wave_one, wave_two, slow_changes = (12, 6, 2) if args.quick else (40, 20, 3)
    rng = random.Random(args.seed)
    report = Report("Outbound deliveries: ledger under failing receivers (fake clock)")
    with harness.running_stack(
        outbound_allow_cidrs="127.0.0.0/8",
        subscription_timeout_seconds=0.3,
        subscription_disable_after_days=DISABLE_AFTER_DAYS,
    ) as stack:
        services = stack.services
        subscriptions = services.subscriptions
        repository = subscriptions.repository
        settings = stack.settings
        principal = Principal(stack.workspace)
        clock = FakeClock(time.time())
        failing_healthy = threading.Event()
        receivers = {
            "ok": Receiver(clock, lambda: (204, 0.0)),
            "flaky": Receiver(clock, lambda: (500 if rng.random() < 0.3 else 204, 0.0)),
            "slow": Receiver(clock, lambda: (204, 1.0)),
            "gone": Receiver(clock, lambda: (410, 0.0)),
            "failing": Receiver(
                clock, lambda: (204, 0.0) if failing_healthy.is_set() else (503, 0.0)
            ),
        }
        now = datetime.now(UTC)
        main_brand = Brand(
            id="main", name="Main", settings=BrandSettings(), created_at=now, updated_at=now
        )
        slow_brand = main_brand.model_copy(update={"id": "slowbrand", "name": "Slow"})
        ids: dict[str, str] = {}
        for name, receiver in receivers.items():
            events: list[Any] = ["brand.tier_changed"]
            if name == "ok":
                events.append("subscription.disabled")
            created = subscriptions.create(
                principal,
                SubscriptionCreate(
                    url=receiver.url,
                    events=events,
                    brand_ids=["slowbrand"] if name == "slow" else ["main"],
                ),
            )
            ids[name] = created.id
        names = {value: key for key, value in ids.items()}

        scheduler = InMemoryRetryScheduler()
        sender = HttpSender(allowed_networks(settings.outbound_allow_cidrs), 0.3)
        dispatcher = Dispatcher(subscriptions, sender, scheduler, clock, random.Random(args.seed))
        reader = StreamReader(
            stack.dynamodb, create_streams_client(settings), settings.table_name,
            workspaces=[stack.workspace],
        )  # fmt: skip
        base = BrandRiskAssessment.model_validate(ASSESSMENT_EXAMPLE)
        changes = {"n": 0}

        def announce(brand: Brand, count: int) -> None:
            for _ in range(count):
                changes["n"] += 1
                tier = Tier.respond_publicly if changes["n"] % 2 else Tier.watch
                assessment = base.model_copy(
                    update={
                        "tier": tier,
                        "stage": Stage.growing,
                        "as_of": datetime.now(UTC) + timedelta(microseconds=changes["n"]),
                    }
                )
                subscriptions.announce(stack.workspace, brand, assessment)

        attempts_by_subscription: Counter[str] = Counter()
        # Requests each receiver had had when its subscription was disabled: the fake clock
        # stands still within a step, so "after the disabling" is counted, not timed.
        hits_at_disable: dict[str, int] = {}
        disable = repository.disable_subscription

        def recording_disable(workspace: str, subscription_id: str, *args: Any, **kw: Any) -> bool:
            done = bool(disable(workspace, subscription_id, *args, **kw))
            if done:
                name = names.get(subscription_id, "?")
                hits_at_disable[name] = len(receivers[name].hits) if name in receivers else 0
            return done

        repository.disable_subscription = recording_disable  # type: ignore[method-assign]

        def process(key: DeliveryKey) -> None:
            outcome = dispatcher.process(key)
            if outcome.state not in ("early", "leased", "raced", "missing", "skipped"):
                attempts_by_subscription[names.get(key.subscription_id, "?")] += 1

        def drain(until: float | None = None) -> None:
            quiet_polls = 0
            while True:
                keys = reader.poll()
                if keys:
                    quiet_polls = 0
                    for key in keys:
                        process(key)
                    continue
                due = scheduler.next_due()
                if due is not None and (until is None or due <= until):
                    quiet_polls = 0
                    clock.t = max(clock.t, due)
                    for key in scheduler.pop_due(clock.t):
                        process(key)
                    continue
                quiet_polls += 1
                if quiet_polls >= 3:  # the stream has caught up and nothing is due
                    if until is not None:
                        clock.t = max(clock.t, until)
                    return
                time.sleep(0.2)

        started = time.monotonic()
        recover_since = datetime.now(UTC) - timedelta(minutes=1)
        t0 = clock.t
        announce(main_brand, wave_one)
        announce(slow_brand, slow_changes)
        drain(until=t0 + 1.5 * 86400)
        in_flight_mid = _ledger(repository, stack.workspace, ids)["in_flight"]
        announce(main_brand, wave_two)
        drain()
        failing_record = repository.get_subscription(stack.workspace, ids["failing"]) or {}
        gone_record = repository.get_subscription(stack.workspace, ids["gone"]) or {}
        slow_reason = (repository.get_subscription(stack.workspace, ids["slow"]) or {}).get(
            "disabled_reason"
        )
        disabled_at = datetime.fromisoformat(
            str(failing_record.get("disabled_at", "2100-01-01T00:00:00Z")).replace("Z", "+00:00")
        ).timestamp()
        failing_hits_before_repair = list(receivers["failing"].hits)
        hits_while_disabled = failing_hits_before_repair[
            hits_at_disable.get("failing", len(failing_hits_before_repair)) :
        ]
        disabled_after_hours = (disabled_at - t0) / 3600
        missed = {
            d["event_id"]
            for d in repository.deliveries_since(stack.workspace, ids["failing"], "")
            if d["state"] != "delivered"
        }

        failing_healthy.set()
        subscriptions.update(principal, ids["failing"], SubscriptionUpdate(enabled=True))
        recovered = subscriptions.recover(principal, ids["failing"], recover_since)
        drain()
        repaired_hits = receivers["failing"].hits[len(failing_hits_before_repair) :]
        ledger = _ledger(repository, stack.workspace, ids)
        delays = _retry_delays(repository, stack.workspace, ids, settings)
        elapsed = time.monotonic() - started
        sender.close()
        for receiver in receivers.values():
            receiver.close()

    report.section("ledger (delivery items by state, all subscriptions)")
    report.table(
        ["produced", "delivered", "dead_lettered", "skipped", "in_flight"],
        [[ledger[k] for k in ("produced", "delivered", "dead_lettered", "skipped", "in_flight")]],
    )
    report.section("per subscription")
    report.table(
        ["subscription", "requests received", "attempts", "states"],
        [
            [
                name,
                len(receivers[name].hits),
                attempts_by_subscription[name],
                dict(ledger["by_subscription"].get(ids[name], {})),
            ]
            for name in receivers
        ],
    )
    report.line(
        f"{changes['n']} brand changes announced, simulated "
        f"{(clock.t - t0) / 3600:.1f} h in {elapsed:.0f} s of wall time"
    )
    report.section("retry delays (logged next_retry_at - attempted_at, per step)")
    report.table(
        ["step", "schedule s", "n", "min s", "max s"],
        [
            [step, f"{settings.subscription_retry_schedule[step - 1]:g}", len(v), f"{min(v):.1f}",
             f"{max(v):.1f}"]
            for step, v in sorted(delays.items())
        ],
    )  # fmt: skip
    balanced = ledger["produced"] == (
        ledger["delivered"] + ledger["dead_lettered"] + ledger["skipped"] + ledger["in_flight"]
    )
    report.check(
        "produced == delivered + dead_lettered + skipped + in_flight",
        f"{ledger['produced']} == {ledger['delivered']} + {ledger['dead_lettered']} + "
        f"{ledger['skipped']} + {ledger['in_flight']}",
        balanced,
    )
    report.check(
        "in_flight == 0 after draining",
        f"{ledger['in_flight']} (after wave 1: {in_flight_mid})",
        ledger["in_flight"] == 0 and in_flight_mid == 0,
    )
    out_of_schedule = sum(
        not 0.9 * settings.subscription_retry_schedule[step - 1] - 1e-3
        <= delay
        <= 1.1 * settings.subscription_retry_schedule[step - 1] + 1e-3
        for step, values in delays.items()
        for delay in values
    )
    report.check(
        "retry delays follow the schedule (±10 % jitter)",
        f"{sum(len(v) for v in delays.values())} delays, {out_of_schedule} out of schedule, "
        f"steps seen {sorted(delays)}",
        out_of_schedule == 0 and len(delays) == len(settings.subscription_retry_schedule),
    )
    report.check(
        "410 disables at once",
        f"gone: {len(receivers['gone'].hits)} request(s), reason "
        f"{gone_record.get('disabled_reason')}",
        len(receivers["gone"].hits) == 1 and gone_record.get("disabled_reason") == "gone",
    )
    report.check(
        f"failing for {DISABLE_AFTER_DAYS} day(s) disables; nothing received while disabled",
        f"reason {failing_record.get('disabled_reason')} after {disabled_after_hours:.1f} h, "
        f"{hits_at_disable.get('failing')} requests before, "
        f"{len(hits_while_disabled)} while disabled",
        failing_record.get("disabled_reason") == "failing"
        and "failing" in hits_at_disable
        and not hits_while_disabled,
    )
    flaky_states = ledger["by_subscription"].get(ids["flaky"], {})
    report.check(
        "30 % failing receiver: every event delivered (retries absorb the failures)",
        f"{len(receivers['flaky'].hits)} requests for {sum(flaky_states.values())} events, "
        f"{dict(flaky_states)}",
        set(flaky_states) == {"delivered"},
    )
    slow_states = ledger["by_subscription"].get(ids["slow"], {})
    slow_record_reason = slow_reason
    report.check(
        "timing-out receiver: retried on schedule, then disabled, its events kept",
        f"{len(receivers['slow'].hits)} requests, reason {slow_record_reason}, {dict(slow_states)}",
        slow_record_reason == "failing"
        and not set(slow_states) - {"dead_lettered", "skipped"}
        and len(receivers["slow"].hits) > sum(slow_states.values()),
    )
    repaired_ids = [event_id for _, event_id in repaired_hits]
    report.check(
        "recover delivers what it missed, once each",
        f"missed {len(missed)}, recovered {recovered.queued}, received {len(repaired_ids)} "
        f"({len(set(repaired_ids))} distinct)",
        bool(missed) and set(repaired_ids) == missed and len(repaired_ids) == len(missed),
    )
    return report.exit_code()


def _ledger(repository: Any, workspace: str, ids: dict[str, str]) -> dict[str, Any]:
    counts: Counter[str] = Counter()
    by_subscription: dict[str, Counter[str]] = {}
    for subscription_id in ids.values():
        for delivery in repository.deliveries_since(workspace, subscription_id, ""):
            state = delivery["state"]
            counts[state] += 1
            by_subscription.setdefault(subscription_id, Counter())[state] += 1
    # subscription.disabled notices were sent to `ok` (it is subscribed to them).
    return {
        "produced": sum(counts.values()),
        "delivered": counts["delivered"],
        "dead_lettered": counts["dead_lettered"],
        "skipped": counts["skipped"],
        "in_flight": sum(counts[state] for state in IN_FLIGHT),
        "by_subscription": by_subscription,
    }


def _retry_delays(
    repository: Any, workspace: str, ids: dict[str, str], settings: Any
) -> dict[int, list[float]]:
    delays: dict[int, list[float]] = {}
    for subscription_id in ids.values():
        cursor = None
        while True:
            items, more = repository.list_attempts(workspace, subscription_id, 100, cursor)
            for item in items:
                if not item.get("next_retry_at"):
                    continue
                attempted = datetime.fromisoformat(item["attempted_at"].replace("Z", "+00:00"))
                retry = datetime.fromisoformat(item["next_retry_at"].replace("Z", "+00:00"))
                delays.setdefault(int(item["attempt"]), []).append(
                    (retry - attempted).total_seconds()
                )
            if not more:
                break
            cursor = items[-1]["SK"]
    del settings
    return delays


if __name__ == "__main__":
    sys.exit(main())
