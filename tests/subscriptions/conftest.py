"""Subscription fixtures: a real HTTP receiver on 127.0.0.1 and the in-process dispatcher.

The app, its services, the workspace and its clients are the root ones (tests/conftest.py),
whose settings let subscriptions reach 127.0.0.1 and retry within a second.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

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
from tests.subscriptions.receivers import Receiver

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def worker(
    services: Services, settings: Settings, dynamodb: DynamoDBClient, workspace: str
) -> Iterator[LocalWorker]:
    """The in-process dispatcher of `vigie dev`, reading the real stream, for this workspace."""
    scheduler = InMemoryRetryScheduler()
    sender = HttpSender(
        allowed_networks(settings.outbound_allow_cidrs), settings.subscription_timeout_seconds
    )
    dispatcher = Dispatcher(services.subscriptions, sender, scheduler)
    reader = StreamReader(
        dynamodb,
        create_streams_client(settings),
        settings.table_name,
        workspaces=[workspace],
    )
    running = LocalWorker(dispatcher, reader, scheduler, poll_seconds=0.05).start()
    yield running
    running.stop()
    sender.close()
