"""`vigie dev`'s in-process loop finishes the erasures their request left (as the scheduled
worker does on AWS)."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from mypy_boto3_dynamodb import DynamoDBClient

from api.local.dispatch_loop import (
    InMemoryRetryScheduler,
    LocalWorker,
    StreamReader,
    create_streams_client,
)
from api.services import Services
from api.settings import Settings
from api.subscriptions.dispatcher import Dispatcher
from api.subscriptions.ssrf import allowed_networks
from api.subscriptions.transport import HttpSender
from tests.erasure.helpers import angry, ingest, items_naming, scan_table
from tests.factories import create_brand


def test_the_local_loop_finishes_a_background_erasure(
    client: TestClient,
    background_client: TestClient,
    background_services: Services,
    dynamodb: DynamoDBClient,
    settings: Settings,
    workspace: str,
) -> None:
    brand_id = create_brand(client)
    ingest(client, brand_id, [angry(f"m{i}", minutes_ago=2) for i in range(4)])
    erasure = background_client.delete(f"/v1/brands/{brand_id}").json()
    assert erasure["status"] == "pending"

    scheduler = InMemoryRetryScheduler()
    sender = HttpSender(allowed_networks(""), 2.0)
    reader = StreamReader(
        dynamodb, create_streams_client(settings), settings.table_name, workspaces=[workspace]
    )
    worker = LocalWorker(
        Dispatcher(background_services.subscriptions, sender, scheduler),
        reader,
        scheduler,
        erase=lambda: background_services.erasures.run_pending(seconds=5.0),
        erase_seconds=0.1,
        poll_seconds=0.05,
    ).start()
    try:
        deadline = time.monotonic() + 60  # a bound on the wait, not an assertion on speed
        status = erasure["status"]
        while status != "done" and time.monotonic() < deadline:
            time.sleep(0.2)
            status = client.get(f"/v1/erasures/{erasure['id']}").json()["status"]
    finally:
        worker.stop()
        sender.close()
    assert status == "done"
    assert items_naming(scan_table(dynamodb, settings), workspace, brand_id) == []
