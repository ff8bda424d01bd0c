"""AWS Lambda entry points of the outbound workers (api/subscriptions), beside the API's handler.

- `dispatch_stream`: the table's DynamoDB stream, filtered by the event source mapping on queued
  deliveries (`kind = delivery`, `state = queued`: the outbox rows). One attempt per record.
- `dispatch_retries`: the SQS retry queue. SQS delays a message at most 15 minutes, so a retry
  due later is sent with the longest delay and put back each time it comes early, until due
  (`Dispatcher.process` does that): a 10-hour wait costs 40 tiny messages, no scheduler state.
- `reassess`: every few minutes (EventBridge schedule), active brands are assessed again: a
  crisis declines with no new mention, and that change is announced too. The same run resumes
  the erasures their request could not finish (api/erasure).

Both dispatchers report partial batch failures (Powertools batch processing): a record whose
attempt could not be recorded (DynamoDB busy) is retried by Lambda, the others are done.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import botocore.session
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from botocore.config import Config

from api.observability import publish_metrics_with
from api.redaction import redact_lambda_logs
from api.services import build_services
from api.settings import get_settings
from api.storage.client import create_dynamodb_client
from api.subscriptions.dispatcher import Dispatcher
from api.subscriptions.repository import DeliveryKey, delivery_key_of, is_queued_delivery
from api.subscriptions.scheduler import reassess_active_brands
from api.subscriptions.ssrf import allowed_networks
from api.subscriptions.transport import HttpSender

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

SQS_MAX_DELAY_SECONDS = 900
ERASURE_MARGIN_SECONDS = 15

logger = Logger(service=os.environ.get("POWERTOOLS_SERVICE_NAME", "vigie"))
# POWERTOOLS_LOGGER_LOG_EVENT prints whole events: never their tokens or Authorization headers.
redact_lambda_logs(logger.name)
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "Vigie"))
publish_metrics_with(metrics)

settings = get_settings()
dynamodb = create_dynamodb_client(settings)
services = build_services(settings, dynamodb)


class SqsRetryScheduler:
    """Retries as delayed SQS messages (at most 15 minutes each; re-sent until due)."""

    def __init__(self, queue_url: str | None) -> None:
        self._queue_url = queue_url
        self._client: Any = None

    def schedule(self, key: DeliveryKey, due_at: float) -> None:
        if not self._queue_url:
            raise RuntimeError("VIGIE_RETRY_QUEUE_URL is not set: retries cannot be scheduled")
        if self._client is None:
            self._client = botocore.session.get_session().create_client(
                "sqs",
                config=Config(
                    region_name=settings.region,
                    retries={"mode": "standard", "max_attempts": 5},
                    connect_timeout=2,
                    read_timeout=5,
                ),
            )
        delay = min(SQS_MAX_DELAY_SECONDS, max(0, math.ceil(due_at - time.time())))
        self._client.send_message(
            QueueUrl=self._queue_url,
            MessageBody=json.dumps(key.to_message()),
            DelaySeconds=delay,
        )


sender = HttpSender(
    allowed_networks(settings.outbound_allow_cidrs), settings.subscription_timeout_seconds
)
dispatcher = Dispatcher(services.subscriptions, sender, SqsRetryScheduler(settings.retry_queue_url))


def _dispatch(key: DeliveryKey) -> None:
    outcome = dispatcher.process(key)
    metrics.add_metric(name=f"Delivery_{outcome.state}", unit="Count", value=1)


def _stream_record(record: DynamoDBRecord) -> None:
    image = record.raw_event.get("dynamodb", {}).get("NewImage") or {}
    if is_queued_delivery(image):  # the event source mapping filters already: belt and braces
        _dispatch(delivery_key_of(image))


def _retry_record(record: SQSRecord) -> None:
    _dispatch(DeliveryKey.from_message(json.loads(record.body)))


def _batch_entry(
    event_type: EventType, record_handler: Callable[[Any], None]
) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
    """A Lambda handler running `record_handler` per record, reporting partial failures."""
    processor = BatchProcessor(event_type=event_type)

    @logger.inject_lambda_context(clear_state=True)
    @metrics.log_metrics
    def entry(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        response = process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )
        return dict(response)

    return entry


dispatch_stream = _batch_entry(EventType.DynamoDBStreams, _stream_record)
dispatch_retries = _batch_entry(EventType.SQS, _retry_record)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def reassess(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    del event
    written = reassess_active_brands(services.subscriptions, services.brands, services.assessments)
    # Erasures too large for their request (api/erasure) resume where they stopped, in the
    # time this invocation has left (with a margin to record the last page).
    seconds = context.get_remaining_time_in_millis() / 1000 - ERASURE_MARGIN_SECONDS
    finished = services.erasures.run_pending(seconds=seconds) if seconds > 0 else 0
    return {"events_written": written, "erasures_finished": finished}
