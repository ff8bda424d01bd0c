from __future__ import annotations

import subprocess
import sys

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from mypy_boto3_dynamodb import DynamoDBClient

from api.settings import Settings
from api.storage.codec import from_item
from api.workspaces.service import hash_api_key


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Basic dXNlcjpwYXNz", "Bearer vg_not-a-real-key", "Bearer wrongprefix"],
)
def test_missing_or_wrong_key_is_a_401_problem(app: FastAPI, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    with TestClient(app, headers=headers) as anonymous:
        response = anonymous.get("/v1/brands")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_keys_are_stored_hashed(dynamodb: DynamoDBClient, settings: Settings, api_key: str) -> None:
    item = dynamodb.get_item(
        TableName=settings.table_name,
        Key={"PK": {"S": f"KEY#{hash_api_key(api_key)}"}, "SK": {"S": "KEY"}},
    )["Item"]
    assert api_key not in str(from_item(item))


def test_cli_prints_a_key_that_authenticates(app: FastAPI, settings: Settings) -> None:
    env = {
        "VIGIE_DYNAMODB_ENDPOINT": settings.dynamodb_endpoint or "",
        "VIGIE_TABLE_NAME": settings.table_name,
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", "api-key", "create", "--workspace", "cli-test"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    key = result.stdout.strip()
    with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as authed:
        assert authed.get("/v1/brands").status_code == 200


def test_cli_refuses_an_invalid_workspace_name(settings: Settings) -> None:
    env = {
        "VIGIE_DYNAMODB_ENDPOINT": settings.dynamodb_endpoint or "",
        "VIGIE_TABLE_NAME": settings.table_name,
    }
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", "api-key", "create", "--workspace", "Bad Name"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 2
    assert "workspace must be" in result.stderr
