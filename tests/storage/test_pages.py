"""Listed items read back: one by its key, a page under a prefix, both decoded."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from api.settings import Settings
from api.storage.codec import to_item
from api.storage.pages import get_by_key, query_prefix_page

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


def test_an_item_written_is_read_back_by_its_key_and_listed_under_its_prefix(
    dynamodb: DynamoDBClient, settings: Settings
) -> None:
    pk = f"WS#{uuid.uuid4().hex}"
    for name in ("a", "b", "c"):
        item = {"PK": pk, "SK": f"THING#{name}", "name": name, "count": 2}
        dynamodb.put_item(TableName=settings.table_name, Item=to_item(item))

    found = get_by_key(dynamodb, settings.table_name, pk=pk, sk="THING#b")
    assert found == {"PK": pk, "SK": "THING#b", "name": "b", "count": 2}
    assert get_by_key(dynamodb, settings.table_name, pk=pk, sk="THING#z") is None

    page, more = query_prefix_page(
        dynamodb, settings.table_name, pk=pk, sk_prefix="THING#", limit=2, after_sk=None
    )
    assert [item["name"] for item in page] == ["a", "b"]
    assert more
    rest, more = query_prefix_page(
        dynamodb, settings.table_name, pk=pk, sk_prefix="THING#", limit=2, after_sk="THING#b"
    )
    assert [item["name"] for item in rest] == ["c"]
    assert not more
