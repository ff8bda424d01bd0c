from __future__ import annotations

import uuid
from pathlib import Path

import yaml
from mypy_boto3_dynamodb import DynamoDBClient

from api.settings import Settings
from api.storage.table import TABLE_DEFINITION, create_table, table_properties


def test_the_table_is_created_from_the_cloudformation_definition(
    dynamodb: DynamoDBClient, settings: Settings
) -> None:
    definition = table_properties()
    table = dynamodb.describe_table(TableName=settings.table_name)["Table"]
    assert table["KeySchema"] == definition["KeySchema"]
    assert {i["IndexName"] for i in table["GlobalSecondaryIndexes"]} == {
        i["IndexName"] for i in definition["GlobalSecondaryIndexes"]
    }
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    ttl = dynamodb.describe_time_to_live(TableName=settings.table_name)["TimeToLiveDescription"]
    assert ttl["AttributeName"] == definition["TimeToLiveSpecification"]["AttributeName"]
    # Creating it again is a no-op, not an error (vigie dev runs it at every start).
    assert create_table(dynamodb, settings.table_name) is False


def test_an_existing_table_gains_the_indexes_added_since(
    dynamodb: DynamoDBClient, tmp_path: Path
) -> None:
    """A developer's `.data/` table predating an index (GSI3, the answer queue) gets it."""
    document = yaml.safe_load(TABLE_DEFINITION.read_text())
    properties = document["Resources"]["VigieTable"]["Properties"]
    properties["GlobalSecondaryIndexes"] = [
        index
        for index in properties["GlobalSecondaryIndexes"]
        if index["IndexName"] not in {"GSI3", "GSI4"}
    ]
    properties["AttributeDefinitions"] = [
        a for a in properties["AttributeDefinitions"] if not a["AttributeName"].startswith("GSI3")
    ]
    older = tmp_path / "table.yml"
    older.write_text(yaml.safe_dump(document))
    name = f"vigie-old-{uuid.uuid4().hex[:8]}"
    assert create_table(dynamodb, name, older) is True
    assert create_table(dynamodb, name) is False
    table = dynamodb.describe_table(TableName=name)["Table"]
    assert {i["IndexName"] for i in table["GlobalSecondaryIndexes"]} == {
        i["IndexName"] for i in table_properties()["GlobalSecondaryIndexes"]
    }
    dynamodb.delete_table(TableName=name)
