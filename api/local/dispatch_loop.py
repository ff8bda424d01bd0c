"""The outbound workers in-process, for `vigie dev`, tests and benchmarks (never on Lambda).

On AWS the table's stream invokes the dispatcher, SQS holds the retries and EventBridge runs the
re-assessment and the unfinished erasures (serverless.yml). Here one thread does them all: it
reads DynamoDB Local's stream (`dynamodbstreams`, the same records, filtered like the event
source mapping), keeps retries in a heap, re-assesses active brands every few minutes and
resumes erasures every few seconds — so a user sees deliveries arrive on their machine exactly
as they would in production.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import botocore.session
from botocore.config import Config

from api.settings import Settings
from api.storage.table import latest_stream_arn
from api.subscriptions.dispatcher import Clock, Dispatcher, SystemClock
from api.subscriptions.repository import DeliveryKey, delivery_key_of, is_queued_delivery

log = logging.getLogger(__name__)


class InMemoryRetryScheduler:
    """Retries due at a time, in a heap (the local stand-in for the SQS retry queue)."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, DeliveryKey]] = []
        self._counter = itertools.count()
        self._lock = threading.Lock()
        self.scheduled: list[tuple[DeliveryKey, float]] = []  # every call, for benchmarks

    def schedule(self, key: DeliveryKey, due_at: float) -> None:
        with self._lock:
            heapq.heappush(self._heap, (due_at, next(self._counter), key))
            self.scheduled.append((key, due_at))

    def pop_due(self, now: float) -> list[DeliveryKey]:
        due = []
        with self._lock:
            while self._heap and self._heap[0][0] <= now:
                due.append(heapq.heappop(self._heap)[2])
        return due

    def next_due(self) -> float | None:
        with self._lock:
            return self._heap[0][0] if self._heap else None

    def __len__(self) -> int:
        return len(self._heap)


def create_streams_client(settings: Settings) -> Any:
    session = botocore.session.get_session()
    local = "local" if session.get_credentials() is None else None
    return session.create_client(
        "dynamodbstreams",
        config=Config(region_name=settings.region, retries={"mode": "standard", "max_attempts": 3}),
        endpoint_url=settings.dynamodb_endpoint,
        aws_access_key_id=local,
        aws_secret_access_key=local,
    )


class StreamReader:
    """Queued deliveries from the table's stream, from now on (or from the stream's start)."""

    def __init__(
        self,
        dynamodb: Any,
        streams: Any,
        table_name: str,
        *,
        from_start: bool = False,
        workspaces: Iterable[str] | None = None,
    ) -> None:
        self._streams = streams
        self._arn = latest_stream_arn(dynamodb, table_name)
        self._iterators: dict[str, str | None] = {}
        self._polls = 0
        self._workspaces = set(workspaces) if workspaces is not None else None
        self._refresh_shards(initial_type="TRIM_HORIZON" if from_start else "LATEST")

    def _refresh_shards(self, initial_type: str = "TRIM_HORIZON") -> None:
        description = self._streams.describe_stream(StreamArn=self._arn)["StreamDescription"]
        for shard in description.get("Shards", []):
            shard_id = shard["ShardId"]
            if shard_id in self._iterators:
                continue
            closed = "EndingSequenceNumber" in shard.get("SequenceNumberRange", {})
            if initial_type == "LATEST" and closed:
                self._iterators[shard_id] = None  # nothing new will ever come from it
                continue
            self._iterators[shard_id] = self._streams.get_shard_iterator(
                StreamArn=self._arn, ShardId=shard_id, ShardIteratorType=initial_type
            )["ShardIterator"]

    def watch(self, workspace: str) -> None:
        if self._workspaces is not None:
            self._workspaces.add(workspace)

    def poll(self) -> list[DeliveryKey]:
        self._polls += 1
        if self._polls % 10 == 0:  # new shards are rare: look for them every tenth poll
            self._refresh_shards()
        found: list[DeliveryKey] = []
        for shard_id, iterator in list(self._iterators.items()):
            if iterator is None:
                continue
            response = self._streams.get_records(ShardIterator=iterator, Limit=1000)
            self._iterators[shard_id] = response.get("NextShardIterator")
            for record in response.get("Records", []):
                image = record.get("dynamodb", {}).get("NewImage")
                if record.get("eventName") not in ("INSERT", "MODIFY") or not image:
                    continue
                if not is_queued_delivery(image):
                    continue
                key = delivery_key_of(image)
                if self._workspaces is None or key.workspace in self._workspaces:
                    found.append(key)
        return found


class LocalWorker:
    """A thread running the dispatcher (stream + retries) and the periodic re-assessment."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        reader: StreamReader,
        scheduler: InMemoryRetryScheduler,
        *,
        reassess: Callable[[], object] | None = None,
        reassess_seconds: float = 300.0,
        erase: Callable[[], object] | None = None,
        erase_seconds: float = 2.0,
        clock: Clock | None = None,
        poll_seconds: float = 0.1,
        concurrency: int = 4,
    ) -> None:
        self._dispatcher = dispatcher
        self._reader = reader
        self._scheduler = scheduler
        self._reassess = reassess
        self._reassess_seconds = reassess_seconds
        self._erase = erase
        self._erase_seconds = erase_seconds
        self._clock = clock or SystemClock()
        self._poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="dispatch")
        self._thread = threading.Thread(target=self._run, name="vigie-dispatch", daemon=True)

    def start(self) -> LocalWorker:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self._pool.shutdown(wait=True, cancel_futures=False)

    def _process(self, key: DeliveryKey) -> None:
        try:
            self._dispatcher.process(key)
        except Exception:  # a store hiccup: the stream/retry redelivers on AWS; here, retry soon
            log.exception("dispatching %s failed; retrying in 5 s", key)
            self._scheduler.schedule(key, self._clock.now() + 5)

    def _run(self) -> None:
        next_reassess = self._clock.now() + self._reassess_seconds
        next_erase = self._clock.now()
        while not self._stop.is_set():
            try:
                keys = self._reader.poll() + self._scheduler.pop_due(self._clock.now())
            except Exception:
                log.exception("reading the stream failed")
                keys = []
            for key in keys:
                self._pool.submit(self._process, key)
            if self._reassess is not None and self._clock.now() >= next_reassess:
                next_reassess = self._clock.now() + self._reassess_seconds
                try:
                    self._reassess()
                except Exception:
                    log.exception("re-assessment failed")
            if self._erase is not None and self._clock.now() >= next_erase:
                # Unfinished erasures (api/erasure), sooner than on AWS (every 5 minutes there).
                next_erase = self._clock.now() + self._erase_seconds
                try:
                    self._erase()
                except Exception:
                    log.exception("erasure failed")
            self._stop.wait(self._poll_seconds)
