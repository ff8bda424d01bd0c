"""The dispatcher core: one attempt at one delivery, and what comes after it.

Pure of any transport: the clock, the HTTP sender and the retry scheduler are given, so the
same code runs on Lambda (stream + SQS, `api/worker.py`), in `vigie dev` (an in-process loop,
`api/local/dispatch_loop.py`) and in the ledger benchmark under a fake clock.

A delivery is claimed before it is sent (conditional update to `sending` with a lease), so two
copies of the same stream record or retry message never send twice at once; a crash after the
claim leaves a lease that expires, and whichever message comes next takes it over. Outcomes:

- 2xx: `delivered`; the subscription's `failing_since` is cleared.
- 410 Gone: `dead_lettered` (kept for `recover`), and the subscription is disabled at once.
- anything else (3xx included: redirects are never followed; timeouts; refused addresses):
  `retrying` after the next delay of the schedule (±10 % jitter; `Retry-After` when longer),
  `dead_lettered` once the schedule is exhausted. A subscription whose attempts have all failed
  for `subscription_disable_after_days` is disabled.
- subscription disabled or deleted: `skipped` (kept for `recover`).

Disabling sends `subscription.disabled` to the workspace's other subscriptions.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Protocol

from api.storage.keys import format_instant
from api.subscriptions import slack
from api.subscriptions.repository import IN_FLIGHT, DeliveryKey
from api.subscriptions.schemas import DisabledReason
from api.subscriptions.secrets import sign
from api.subscriptions.service import SubscriptionService
from api.subscriptions.transport import MAX_RETRY_AFTER_SECONDS, SendResult

log = logging.getLogger(__name__)

LEASE_SECONDS: Final = 60.0
EARLY_SLACK_SECONDS: Final = 0.5
JITTER: Final = 0.1


class Clock(Protocol):
    def now(self) -> float: ...


class SystemClock:
    def now(self) -> float:
        return time.time()


class Sender(Protocol):
    def post(self, url: str, headers: Mapping[str, str], body: bytes) -> SendResult: ...


class RetryScheduler(Protocol):
    def schedule(self, key: DeliveryKey, due_at: float) -> None: ...


@dataclass(frozen=True, slots=True)
class AttemptOutcome:
    state: str
    delay_seconds: float | None = None
    status: int | None = None


def retry_delay(
    schedule: tuple[float, ...], attempt: int, retry_after: float | None, rng: random.Random
) -> float | None:
    """Seconds before the next try after failed attempt `attempt` (1-based); None: give up."""
    if attempt > len(schedule):
        return None
    base = schedule[attempt - 1]
    delay = base * rng.uniform(1 - JITTER, 1 + JITTER)
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER_SECONDS))
    return delay


class Dispatcher:
    def __init__(
        self,
        service: SubscriptionService,
        sender: Sender,
        scheduler: RetryScheduler,
        clock: Clock | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._service = service
        self._repository = service.repository
        self._settings = service.settings
        self._sender = sender
        self._scheduler = scheduler
        self._clock = clock or SystemClock()
        self._rng = rng or random.Random()

    def process(self, key: DeliveryKey) -> AttemptOutcome:
        """Attempt the delivery if it is due; reschedule it if not. Idempotent per message."""
        now = self._clock.now()
        delivery = self._repository.get_delivery(key)
        if delivery is None:
            return AttemptOutcome("missing")
        state = str(delivery["state"])
        if state not in IN_FLIGHT:
            return AttemptOutcome(state)
        next_at = float(delivery.get("next_attempt_at") or 0)
        if state == "retrying" and next_at > now + EARLY_SLACK_SECONDS:
            self._scheduler.schedule(key, next_at)  # early (SQS caps delays at 15 minutes)
            return AttemptOutcome("early")
        lease = float(delivery.get("lease_until") or 0)
        if state == "sending" and lease > now:
            self._scheduler.schedule(key, lease)
            return AttemptOutcome("leased")
        attempts = int(delivery.get("attempts", 0))
        record = self._repository.get_subscription(key.workspace, key.subscription_id)
        if record is None or not record["enabled"]:
            self._repository.update_delivery(
                key,
                {"state": "skipped", "updated_at": self._instant(now)},
                expect_state=state,
                expect_attempts=attempts,
                remove=("lease_until", "next_attempt_at"),
            )
            return AttemptOutcome("skipped")
        claimed = self._repository.update_delivery(
            key,
            {"state": "sending", "lease_until": now + LEASE_SECONDS},
            expect_state=state,
            expect_attempts=attempts,
        )
        if not claimed:
            return AttemptOutcome("raced")
        event = self._repository.get_event(key.workspace, str(delivery["event_id"]))
        if event is None:  # expired before it could be sent
            self._finish(key, delivery, attempts, "dead_lettered", None, now)
            return AttemptOutcome("dead_lettered")
        result = self._send(record, event, now)
        return self._record(key, record, delivery, attempts, result, now)

    def _send(self, record: Mapping[str, Any], event: Mapping[str, Any], now: float) -> SendResult:
        body = str(event["body"])
        if record["format"] == "slack":
            body = slack.render_body(body)
        timestamp = int(now)
        headers = {
            "content-type": "application/json",
            "webhook-id": str(event["event_id"]),
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(
                self._service.signing_secrets(record, now), str(event["event_id"]), timestamp, body
            ),
        }
        return self._sender.post(str(record["url"]), headers, body.encode())

    def _record(
        self,
        key: DeliveryKey,
        record: Mapping[str, Any],
        delivery: Mapping[str, Any],
        attempts: int,
        result: SendResult,
        now: float,
    ) -> AttemptOutcome:
        round_attempt = int(delivery.get("round_attempts", 0)) + 1
        status = result.status
        delay: float | None = None
        disable: DisabledReason | None = None
        if status is not None and 200 <= status < 300:
            state = "delivered"
            if record.get("failing_since") is not None:
                self._repository.update_subscription_health(
                    key.workspace, key.subscription_id, failing_since=None
                )
        elif status == 410:
            state, disable = "dead_lettered", DisabledReason.gone
        else:
            delay = retry_delay(
                tuple(self._settings.subscription_retry_schedule),
                round_attempt,
                result.retry_after_seconds,
                self._rng,
            )
            state = "dead_lettered" if delay is None else "retrying"
            failing_since = record.get("failing_since")
            if failing_since is None:
                self._repository.update_subscription_health(
                    key.workspace, key.subscription_id, failing_since=now
                )
            elif (
                now - float(failing_since) >= self._settings.subscription_disable_after_days * 86400
            ):
                disable = DisabledReason.failing
        next_at = now + delay if delay is not None else None
        self._finish(key, delivery, attempts, state, next_at, now, round_attempt)
        self._repository.put_attempt(
            key.workspace,
            key.subscription_id,
            f"{self._instant(now)}#{delivery['event_id']}#{attempts + 1}",
            {
                "event_id": delivery["event_id"],
                "event_type": delivery["event_type"],
                "attempt": round_attempt,
                "attempted_at": self._instant(now),
                "status_code": status,
                "latency_ms": result.latency_ms,
                "response_excerpt": result.excerpt,
                "error": result.error,
                "next_retry_at": self._instant(next_at) if next_at is not None else None,
                "state": state,
                "expires_at": int(now) + self._settings.subscription_event_retention_days * 86400,
            },
        )
        if next_at is not None:
            self._scheduler.schedule(key, next_at)
        if disable is not None:
            self._disable(key, record, disable, now)
        return AttemptOutcome(state, delay, status)

    def _finish(
        self,
        key: DeliveryKey,
        delivery: Mapping[str, Any],
        attempts: int,
        state: str,
        next_at: float | None,
        now: float,
        round_attempt: int | None = None,
    ) -> None:
        values: dict[str, Any] = {
            "state": state,
            "attempts": attempts + 1,
            "round_attempts": round_attempt or int(delivery.get("round_attempts", 0)) + 1,
            "updated_at": self._instant(now),
        }
        remove = ["lease_until"]
        if next_at is not None:
            values["next_attempt_at"] = next_at
        else:
            remove.append("next_attempt_at")
        self._repository.update_delivery(
            key, values, expect_state="sending", expect_attempts=attempts, remove=remove
        )

    def _disable(
        self, key: DeliveryKey, record: Mapping[str, Any], reason: DisabledReason, now: float
    ) -> None:
        at = datetime.fromtimestamp(now, UTC)
        failing_since = record.get("failing_since")
        if self._repository.disable_subscription(
            key.workspace,
            key.subscription_id,
            reason.value,
            format_instant(at),
            expect_failing_since=(
                float(failing_since)
                if reason is DisabledReason.failing and failing_since is not None
                else None
            ),
        ):
            log.warning("subscription %s disabled: %s", key.subscription_id, reason.value)
            self._service.notify_disabled(key.workspace, record, reason, at)

    @staticmethod
    def _instant(moment: float) -> str:
        return format_instant(datetime.fromtimestamp(moment, UTC))
