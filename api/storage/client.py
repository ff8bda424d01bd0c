"""The DynamoDB client, created once per process (per Lambda container).

We build it from botocore, the core boto3 wraps: `import boto3` also imports s3transfer, ~110 ms of
cold start for a module this service never uses.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, cast

import botocore.session
from botocore.config import Config
from botocore.exceptions import DataNotFoundError
from botocore.loaders import Loader, create_loader

from api.settings import Settings, get_settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


# Every client this package builds (Secrets Manager has its own session: api/secrets_key.py).
SERVICES = ("dynamodb",)


def _named_services_only(loader: Loader) -> Loader:
    """`loader`, looking for the models of SERVICES only.

    Before it loads a model, botocore checks that the service is one it knows by listing every
    service folder it ships (~420: a listdir and a few stats each, for each kind of model it
    loads: ~3,500 file-system calls on a cold container) and keeps the names. Checking the
    services we create clients for answers the same for them (an unknown name is still an
    `UnknownServiceError`).
    """

    def list_available_services(type_name: str) -> list[str]:
        available = []
        for name in SERVICES:
            try:
                loader.list_api_versions(name, type_name)
            except DataNotFoundError:
                continue
            available.append(name)
        return available

    loader.list_available_services = list_available_services  # type: ignore[method-assign]
    return loader


def create_dynamodb_client(settings: Settings) -> DynamoDBClient:
    session = botocore.session.get_session()
    # The loader the session would create (AWS_DATA_PATH honoured), scanning less.
    data_path = session.get_config_variable("data_path")
    session.register_component("data_loader", _named_services_only(create_loader(data_path)))
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
