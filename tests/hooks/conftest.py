"""Hook fixtures; the helpers (register, sign, deliver) are plain code in deliveries.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient


@pytest.fixture
def tool(app: FastAPI) -> Iterator[TestClient]:
    """A listening tool: it knows the receiver URL and its secret, never an API key."""
    with TestClient(app) as test_client:
        yield test_client
