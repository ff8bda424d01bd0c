"""The DynamoDB client's model loader looks for our services only, not all botocore ships."""

from __future__ import annotations

from pathlib import Path

import botocore.exceptions
import pytest

from api.settings import Settings
from api.storage.client import create_dynamodb_client


def test_the_loader_knows_the_services_we_use_and_refuses_the_others(
    settings: Settings, dynamodb: object
) -> None:
    client = create_dynamodb_client(settings)
    loader = client._loader  # type: ignore[attr-defined]
    assert loader.list_available_services("service-2") == ["dynamodb"]
    assert loader.list_available_services("no-such-model-1") == []
    with pytest.raises(botocore.exceptions.UnknownServiceError):
        loader.load_service_model("s3", "service-2")
    # …and the client it built works.
    table = client.describe_table(TableName=settings.table_name)["Table"]
    assert table["TableName"] == settings.table_name


def test_the_loader_still_honours_aws_data_path(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path))
    loader = create_dynamodb_client(settings)._loader  # type: ignore[attr-defined]
    assert str(tmp_path) in loader.search_paths
