"""The workers' Lambda entry points (api/worker.py) on real events, in a fresh process.

A stream record (the delivery item's image, as the filtered stream hands it over) and an SQS
retry message each deliver to a real receiver on 127.0.0.1; the scheduled re-assessment runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from standardwebhooks import Webhook

from api.settings import Settings
from tests.subscriptions.receivers import Receiver

PROBE = """
import json, os
from tests.lambda_events import FakeContext
import api.worker as worker
from api.subscriptions.repository import DeliveryKey, delivery_pk
from api.subscriptions.schemas import SubscriptionCreate
from api.workspaces.service import Principal

services = worker.services
principal = Principal("worker-probe")
body = SubscriptionCreate(url=os.environ["PROBE_URL"], events=["subscription.test"])
created = services.subscriptions.create(principal, body)
out = {"secret": created.secret, "results": []}
for source in ("stream", "sqs"):
    queued = services.subscriptions.send_test(principal, created.id)
    items = worker.dynamodb.query(
        TableName=os.environ["VIGIE_TABLE_NAME"],
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": delivery_pk("worker-probe", created.id)}},
    )["Items"]
    image = next(i for i in items if i["event_id"]["S"] == queued.event_id)
    if source == "stream":
        event = {"Records": [{
            "eventID": "1", "eventName": "INSERT", "eventSource": "aws:dynamodb",
            "awsRegion": "eu-west-3",
            "dynamodb": {"Keys": {"PK": image["PK"], "SK": image["SK"]}, "NewImage": image,
                         "SequenceNumber": "1", "SizeBytes": 10, "StreamViewType": "NEW_IMAGE"},
        }]}
        response = worker.dispatch_stream(event, FakeContext())
    else:
        key = DeliveryKey("worker-probe", created.id, image["SK"]["S"])
        event = {"Records": [{
            "messageId": "m1", "receiptHandle": "r", "body": json.dumps(key.to_message()),
            "attributes": {}, "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:eu-west-3:123456789012:retry", "awsRegion": "eu-west-3",
        }]}
        response = worker.dispatch_retries(event, FakeContext())
    out["results"].append(response)
out["reassess"] = worker.reassess({}, FakeContext())
print(json.dumps(out))
"""


def test_worker_entry_points_deliver_from_stream_records_and_retry_messages(
    settings: Settings, dynamodb: object
) -> None:
    del dynamodb
    receiver = Receiver()
    try:
        env = {
            **os.environ,
            "VIGIE_DYNAMODB_ENDPOINT": settings.dynamodb_endpoint or "",
            "VIGIE_TABLE_NAME": settings.table_name,
            "VIGIE_OUTBOUND_ALLOW_CIDRS": "127.0.0.0/8",
            "VIGIE_SECRETS_KEY": "k" + "".join(chr(65 + i % 26) for i in range(40)) + "9z",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_NAMESPACE": "VigieTest",
            "AWS_LAMBDA_FUNCTION_NAME": "vigie-worker-probe",
            "PROBE_URL": receiver.url,
        }
        result = subprocess.run(
            [sys.executable, "-W", "ignore", "-c", PROBE],
            capture_output=True, text=True, env=env, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        out = json.loads(result.stdout.strip().splitlines()[-1])
        assert out["results"] == [{"batchItemFailures": []}, {"batchItemFailures": []}]
        assert out["reassess"]["events_written"] == 0
        # Other tests' unfinished erasures share the table: how many is not this test's to say.
        assert out["reassess"]["erasures_finished"] >= 0
        deliveries = receiver.wait_for(2)
        for delivery in deliveries:
            event = Webhook(out["secret"]).verify(delivery.body, delivery.headers)
            assert event["type"] == "subscription.test"
    finally:
        receiver.close()
