"""Create the table from infra/table.yml — the same definition CloudFormation deploys."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

TABLE_DEFINITION = Path(__file__).resolve().parents[2] / "infra" / "table.yml"
_CREATE_TABLE_FIELDS = (
    "AttributeDefinitions",
    "KeySchema",
    "GlobalSecondaryIndexes",
    "BillingMode",
    "SSESpecification",
)


def table_properties(path: Path = TABLE_DEFINITION) -> dict[str, Any]:
    import yaml  # local tooling only: never imported on the Lambda path

    document = yaml.safe_load(path.read_text())
    properties: dict[str, Any] = document["Resources"]["VigieTable"]["Properties"]
    return properties


def create_table(client: DynamoDBClient, table_name: str, path: Path = TABLE_DEFINITION) -> bool:
    """Create the table (and enable TTL) if missing; return True when it was created.

    An existing table (a developer's `.data/`) gains the indexes added to infra/table.yml since.
    """
    properties = table_properties(path)
    if table_exists(client, table_name):
        add_missing_indexes(client, table_name, properties)
        return False
    request = {k: properties[k] for k in _CREATE_TABLE_FIELDS if k in properties}
    request["SSESpecification"] = {
        "Enabled": properties.get("SSESpecification", {}).get("SSEEnabled", True)
    }
    stream = properties.get("StreamSpecification")
    if stream:  # CloudFormation has no StreamEnabled: the view type alone turns the stream on
        request["StreamSpecification"] = {
            "StreamEnabled": True,
            "StreamViewType": stream["StreamViewType"],
        }
    try:
        client.create_table(TableName=table_name, **request)
    except client.exceptions.ResourceInUseException:
        # A retried CreateTable whose first try went through (a slow DynamoDB Local under load).
        pass
    client.get_waiter("table_exists").wait(TableName=table_name)
    ttl = properties.get("TimeToLiveSpecification")
    if ttl:
        client.update_time_to_live(
            TableName=table_name,
            TimeToLiveSpecification={
                "AttributeName": ttl["AttributeName"],
                "Enabled": ttl["Enabled"],
            },
        )
    return True


def table_exists(client: DynamoDBClient, table_name: str) -> bool:
    # DescribeTable, not ListTables: a listing is paged (100 names), and an account (or a
    # DynamoDB Local shared by a test session) may hold more tables than one page.
    try:
        client.describe_table(TableName=table_name)
    except client.exceptions.ResourceNotFoundException:
        return False
    return True


def latest_stream_arn(client: DynamoDBClient, table_name: str) -> str:
    """The ARN of the table's current stream (where outbox inserts are read from locally)."""
    return str(client.describe_table(TableName=table_name)["Table"]["LatestStreamArn"])


def add_missing_indexes(
    client: DynamoDBClient, table_name: str, properties: dict[str, Any]
) -> None:
    """Create, one at a time (DynamoDB's rule), the indexes of the definition the table lacks."""
    description = client.describe_table(TableName=table_name)["Table"]
    present = {index["IndexName"] for index in description.get("GlobalSecondaryIndexes", [])}
    attributes = {a["AttributeName"]: a for a in properties["AttributeDefinitions"]}
    for index in properties.get("GlobalSecondaryIndexes", []):
        if index["IndexName"] in present:
            continue
        used = [attributes[key["AttributeName"]] for key in index["KeySchema"]]
        client.update_table(
            TableName=table_name,
            AttributeDefinitions=used,
            GlobalSecondaryIndexUpdates=[{"Create": index}],
        )
        _wait_for_indexes(client, table_name)


def _wait_for_indexes(client: DynamoDBClient, table_name: str, timeout: float = 300.0) -> None:
    """Until the table and every index are ACTIVE: the `table_exists` waiter looks at the table
    alone, and the next index may only be created once the previous one is built."""
    deadline = time.monotonic() + timeout
    while True:
        table = client.describe_table(TableName=table_name)["Table"]
        statuses = [i.get("IndexStatus", "ACTIVE") for i in table.get("GlobalSecondaryIndexes", [])]
        if table["TableStatus"] == "ACTIVE" and all(s == "ACTIVE" for s in statuses):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"the indexes of {table_name} are not ACTIVE after {timeout:.0f} s")
        time.sleep(0.2)
