from __future__ import annotations

from mypy_boto3_dynamodb import DynamoDBClient

from api.settings import Settings
from api.storage.table import create_table, table_properties


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
