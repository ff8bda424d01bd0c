"""Create the table from infra/table.yml — the same definition CloudFormation deploys."""

from __future__ import annotations

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
    """Create the table (and enable TTL) if missing; return True when it was created."""
    existing = client.list_tables()["TableNames"]
    if table_name in existing:
        return False
    properties = table_properties(path)
    request = {k: properties[k] for k in _CREATE_TABLE_FIELDS if k in properties}
    request["SSESpecification"] = {
        "Enabled": properties.get("SSESpecification", {}).get("SSEEnabled", True)
    }
    try:
        client.create_table(TableName=table_name, **request)
    except client.exceptions.ResourceInUseException:
        # A first attempt that timed out (a busy DynamoDB Local) may still have created it.
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
