"""The DynamoDB client, created once per process (per Lambda container).

We build it from botocore, the core boto3 wraps: `import boto3` also imports s3transfer, ~110 ms of
cold start for a module this service never uses.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, cast

import botocore.session
from botocore.config import Config

from api.settings import Settings, get_settings
from api.storage.codec import WireAttributeParsers
from api.storage.endpoint_data import EndpointsFileLoader

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


def create_dynamodb_client(settings: Settings) -> DynamoDBClient:
    session = botocore.session.get_session()
    # Items as sent on the wire, not walked value by value through the service model (codec.py).
    session.register_component("response_parser_factory", WireAttributeParsers())
    # endpoints.json decoded one service at a time, not whole (~6.6 MiB kept per container).
    # The session's own loader (search paths, caches), only its file reader changes.
    session.get_component("data_loader").file_loader = EndpointsFileLoader()
    config = Config(
        region_name=settings.region,
        # Explicit retry policy: defaults differ between botocore versions and Lambda runtimes.
        retries={"mode": "standard", "max_attempts": settings.dynamodb_max_attempts},
        connect_timeout=settings.dynamodb_connect_timeout,
        read_timeout=settings.dynamodb_read_timeout,
        tcp_keepalive=True,
    )
    local_credentials: str | None = None
    if settings.dynamodb_endpoint and session.get_credentials() is None:
        # DynamoDB Local accepts any credentials; only fill them in when none are configured.
        local_credentials = "local"
    client = session.create_client(
        "dynamodb",
        config=config,
        endpoint_url=settings.dynamodb_endpoint,
        aws_access_key_id=local_credentials,
        aws_secret_access_key=local_credentials,
    )
    return cast("DynamoDBClient", client)


@lru_cache
def get_dynamodb_client() -> DynamoDBClient:
    return create_dynamodb_client(get_settings())
