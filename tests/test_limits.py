"""Body limits before any parsing: a declared Content-Length is read without trusting it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.factories import create_brand


@pytest.mark.parametrize("digits", [30, 4301, 10_000])
def test_a_content_length_of_thousands_of_digits_is_a_413_problem(
    client: TestClient, digits: int
) -> None:
    # int() refuses more than 4,300 digits with ValueError: that was a 500.
    brand_id = create_brand(client)
    response = client.post(
        f"/v1/brands/{brand_id}/mentions",
        content=b'{"mentions": []}',
        headers={"content-type": "application/json", "content-length": "9" * digits},
    )
    assert response.status_code == 413
    assert response.json()["type"].endswith("/payload-too-large")
