"""serverless.yml against the code it deploys: handler, table, IAM grants, environment, locks.

Static checks, no AWS and no Node: scripts/check-deploy packages the service for real.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from api.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SERVERLESS_YML = ROOT / "serverless.yml"
TABLE_YML = ROOT / "infra" / "table.yml"
TABLE = "VigieTable"
TABLE_ARN = {"Fn::GetAtt": [TABLE, "Arn"]}

# Code that never runs in the Lambda: it acts with a developer's credentials, not the function's
# role (table bootstrap, the `vigie` console, DynamoDB Local tooling).
LOCAL_ONLY = ("api/cli.py", "api/storage/table.py", "api/local/")

# DynamoDB client method -> IAM actions it needs.
ACTIONS_BY_CALL = {
    "get_item": {"dynamodb:GetItem"},
    "batch_get_item": {"dynamodb:BatchGetItem"},
    "transact_get_items": {"dynamodb:GetItem"},
    "query": {"dynamodb:Query"},
    "scan": {"dynamodb:Scan"},
    "put_item": {"dynamodb:PutItem"},
    "update_item": {"dynamodb:UpdateItem"},
    "delete_item": {"dynamodb:DeleteItem"},
    "batch_write_item": {"dynamodb:BatchWriteItem"},
    "describe_table": {"dynamodb:DescribeTable"},
    # TransactWriteItems is no IAM action: each action inside it is authorised on its own.
    "transact_write_items": set(),
}
ACTIONS_BY_TRANSACTION_ITEM = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
}
# Powertools idempotency reads, writes, updates and deletes its records through its own client.
POWERTOOLS_IDEMPOTENCY_ACTIONS = {
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
}

_CALL = re.compile(r"\.(" + "|".join(ACTIONS_BY_CALL) + r")\(")
_TRANSACTION_ITEM = re.compile(r"""["'](Put|Update|Delete|ConditionCheck)["']\s*:""")
_FILE_VARIABLE = re.compile(r"^\$\{file\((?P<path>[^)]+)\)\}$")


@cache
def serverless_config() -> dict[str, Any]:
    """serverless.yml as YAML; `${…}` variables stay strings, `${file(…)}` resources are read."""
    config: dict[str, Any] = yaml.safe_load(SERVERLESS_YML.read_text())
    return config


def included_resources() -> dict[str, Any]:
    resources: dict[str, Any] = {}
    for entry in serverless_config()["resources"]:
        match = _FILE_VARIABLE.match(entry) if isinstance(entry, str) else None
        document = yaml.safe_load((ROOT / match["path"]).read_text()) if match else entry
        resources |= document.get("Resources", {})
    return resources


def table_definition() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(TABLE_YML.read_text())
    return document


SECRET = "VigieSecretsKey"
SECRET_READ = {"Sid", "Effect", "Action", "Resource"}


def all_statements() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = serverless_config()["provider"]["iam"]["role"]["statements"]
    return found


def is_secret_read(statement: dict[str, Any]) -> bool:
    return as_list(statement["Action"]) == ["secretsmanager:GetSecretValue"]


def statements() -> list[dict[str, Any]]:
    """The API role's table statements (the master key's read is checked on its own)."""
    return [statement for statement in all_statements() if not is_secret_read(statement)]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def index_arn(index: str) -> dict[str, Any]:
    return {"Fn::Join": ["/", [TABLE_ARN, "index", index]]}


def index_names() -> set[str]:
    properties = table_definition()["Resources"][TABLE]["Properties"]
    return {index["IndexName"] for index in properties.get("GlobalSecondaryIndexes", [])}


def lambda_sources() -> list[Path]:
    return [
        path
        for path in sorted((ROOT / "api").rglob("*.py"))
        if not path.relative_to(ROOT).as_posix().startswith(LOCAL_ONLY)
    ]


def actions_used_by_code() -> dict[str, set[str]]:
    """IAM action -> the files whose DynamoDB calls need it."""
    sources = {path.relative_to(ROOT).as_posix(): path.read_text() for path in lambda_sources()}
    # Transaction items are often built away from the call: look for them everywhere.
    uses_transactions = any(".transact_write_items(" in source for source in sources.values())
    used: dict[str, set[str]] = {}
    for relative, source in sources.items():
        needed = {action for call in _CALL.findall(source) for action in ACTIONS_BY_CALL[call]}
        if uses_transactions:
            needed |= {ACTIONS_BY_TRANSACTION_ITEM[k] for k in _TRANSACTION_ITEM.findall(source)}
        if "DynamoDBPersistenceLayer(" in source:
            needed |= POWERTOOLS_IDEMPOTENCY_ACTIONS
        for action in needed:
            used.setdefault(action, set()).add(relative)
    return used


def test_iam_statements_allow_only_named_dynamodb_actions() -> None:
    for statement in statements():
        assert statement["Effect"] == "Allow"
        for action in as_list(statement["Action"]):
            assert "*" not in action, f"wildcard action {action} in {statement.get('Sid')}"
            assert action.startswith("dynamodb:"), action
        assert "NotAction" not in statement
        assert "NotResource" not in statement


def test_iam_statements_name_only_the_table_and_its_indexes() -> None:
    allowed = [TABLE_ARN, *(index_arn(index) for index in sorted(index_names()))]
    for statement in statements():
        for resource in as_list(statement["Resource"]):
            assert resource in allowed, f"{statement.get('Sid')} grants on {resource}"
            assert "*" not in str(resource)


def test_indexes_are_only_queried() -> None:
    for statement in statements():
        if any(resource != TABLE_ARN for resource in as_list(statement["Resource"])):
            assert as_list(statement["Action"]) == ["dynamodb:Query"]


def test_every_index_of_the_table_can_be_queried() -> None:
    granted = [resource for statement in statements() for resource in statement["Resource"]]
    for index in index_names():
        assert index_arn(index) in granted, f"no Query grant on index {index}"


def test_granted_actions_are_exactly_those_the_code_uses() -> None:
    used = actions_used_by_code()
    granted = {
        action
        for statement in statements()
        if TABLE_ARN in as_list(statement["Resource"])
        for action in as_list(statement["Action"])
    }
    missing = {action: sorted(used[action]) for action in set(used) - granted}
    assert not missing, f"add to serverless.yml provider.iam (used, not granted): {missing}"
    unused = granted - set(used)
    assert not unused, f"remove from serverless.yml provider.iam (granted, never used): {unused}"


def test_no_full_table_scan_on_a_request_path() -> None:
    assert "dynamodb:Scan" not in actions_used_by_code(), "no scans on request paths"


def test_handler_path_exists_and_exports_handler() -> None:
    handler = serverless_config()["functions"]["api"]["handler"]
    module_path, _, attribute = handler.rpartition(".")
    source = ROOT / f"{module_path}.py"
    assert source.is_file(), f"{handler}: no {source.relative_to(ROOT)}"
    tree = ast.parse(source.read_text())
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    assigned = {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert attribute in functions or attribute in assigned, f"{source.name} has no `{attribute}`"
    if attribute in functions:
        assert len(functions[attribute].args.args) == 2, "a Lambda handler takes (event, context)"


def test_function_serves_every_path_of_the_http_api() -> None:
    events = serverless_config()["functions"]["api"]["events"]
    assert sorted(event["httpApi"] for event in events) == ["ANY /", "ANY /{proxy+}"]


def test_table_is_included_from_infra() -> None:
    assert "${file(infra/table.yml)}" in serverless_config()["resources"]
    assert included_resources()[TABLE]["Type"] == "AWS::DynamoDB::Table"


def test_shared_table_definition_keeps_its_contract() -> None:
    """The local bootstrap and the code rely on these names (api/storage/); yaml.safe_load
    reading it at all means no CloudFormation `!` tags crept in."""
    table = table_definition()["Resources"][TABLE]
    properties = table["Properties"]
    assert table["DeletionPolicy"] == "Retain"
    assert [key["AttributeName"] for key in properties["KeySchema"]] == ["PK", "SK"]
    assert index_names() == {"GSI1", "GSI2", "GSI3", "GSI4"}
    assert properties["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}


def test_package_is_the_build_script_output() -> None:
    script = (ROOT / "scripts" / "build-lambda.sh").read_text()
    match = re.search(r"^ARTIFACT=\$BUILD_DIR/(\S+)$", script, re.MULTILINE)
    assert match is not None
    assert serverless_config()["package"]["artifact"] == f".build/{match[1]}"


def test_environment_is_read_by_settings() -> None:
    environment = serverless_config()["provider"]["environment"]
    assert environment["VIGIE_TABLE_NAME"] == {"Ref": TABLE}
    fields = set(Settings.model_fields)
    for name in environment:
        if name.startswith("VIGIE_"):
            assert name.removeprefix("VIGIE_").lower() in fields, f"{name}: no such setting"
    assert {
        "VIGIE_REGION",
        "VIGIE_RETENTION_DAYS",
        "POWERTOOLS_SERVICE_NAME",
        "POWERTOOLS_METRICS_NAMESPACE",
        "POWERTOOLS_LOG_LEVEL",
        "LOG_LEVEL",
    } <= set(environment)
    assert "VIGIE_DYNAMODB_ENDPOINT" not in environment, "AWS has no endpoint override"


@pytest.mark.parametrize("stage", ["default", "dev", "ci", "prod"])
def test_log_retention_is_a_value_cloudwatch_accepts(stage: str) -> None:
    params = serverless_config()["params"]
    retention = params.get(stage, {}).get("logRetentionInDays")
    retention = retention or params["default"]["logRetentionInDays"]
    assert retention in {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096}


def test_lambda_wheels_match_the_runtime_and_architecture() -> None:
    provider = serverless_config()["provider"]
    lock = (ROOT / "requirements" / "lambda.txt").read_text()
    target = next(line for line in lock.splitlines() if line.startswith("# pip-target: "))
    assert provider["runtime"] == "python3.12"
    assert "--python-version 3.12" in target
    assert "--abi cp312" in target
    platforms = re.findall(r"--platform (\S+)", target)
    assert platforms
    assert all(platform.endswith(f"_{provider['architecture']}") for platform in platforms)


def test_lock_files_are_in_sync_with_their_inputs() -> None:
    """requirements/lambda.txt follows pyproject.toml's dependencies (tools.txt, tools.in)."""
    completed = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "lock-requirements.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr


# --- outbound workers (api/worker.py, infra/workers.yml) -------------------------------------

WORKER_ROLE = "SubscriptionWorkerRole"
WORKER_FUNCTIONS = ("dispatcher", "dispatcherRetries", "scheduler")
STREAM_ARN = {"Fn::GetAtt": [TABLE, "StreamArn"]}
QUEUE_ARNS = {
    "SubscriptionRetryQueue": {"Fn::GetAtt": ["SubscriptionRetryQueue", "Arn"]},
    "SubscriptionDeadLetterQueue": {"Fn::GetAtt": ["SubscriptionDeadLetterQueue", "Arn"]},
}


def worker_statements() -> list[dict[str, Any]]:
    role = included_resources()[WORKER_ROLE]["Properties"]
    (policy,) = role["Policies"]
    found: list[dict[str, Any]] = policy["PolicyDocument"]["Statement"]
    return found


@pytest.mark.parametrize("function", ["api", *WORKER_FUNCTIONS])
def test_every_function_handler_exists(function: str) -> None:
    handler = serverless_config()["functions"][function]["handler"]
    module_path, _, attribute = handler.rpartition(".")
    tree = ast.parse((ROOT / f"{module_path}.py").read_text())
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    # A handler built by a factory (`dispatch_stream = _batch_entry(...)`): the factory's own
    # entry function is the one Lambda calls (tests/test_worker.py invokes it).
    built = {
        target.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    if attribute in built:
        factory = built[attribute].func
        assert isinstance(factory, ast.Name)
        assert factory.id in functions
        inner = [n for n in ast.walk(functions[factory.id]) if isinstance(n, ast.FunctionDef)]
        (entry,) = inner[1:]
        assert len(entry.args.args) == 2
        return
    assert attribute in functions, f"{module_path}.py has no `{attribute}`"
    assert len(functions[attribute].args.args) == 2


def test_workers_have_their_own_role_and_the_api_reaches_no_queue() -> None:
    functions = serverless_config()["functions"]
    for name in WORKER_FUNCTIONS:
        assert functions[name]["role"] == WORKER_ROLE
    assert "role" not in functions["api"]
    actions = [a for s in all_statements() for a in as_list(s["Action"])]
    assert all(a.startswith(("dynamodb:", "secretsmanager:")) for a in actions)


def test_worker_table_grants_are_exactly_those_the_code_uses() -> None:
    used = set(actions_used_by_code())
    granted = {
        action
        for statement in worker_statements()
        if TABLE_ARN in as_list(statement["Resource"])
        for action in as_list(statement["Action"])
    }
    assert granted == used


def test_worker_grants_name_their_resources_one_by_one() -> None:
    allowed_by_service = {
        "dynamodb": [TABLE_ARN, STREAM_ARN, *(index_arn(i) for i in sorted(index_names()))],
        "sqs": list(QUEUE_ARNS.values()),
        "secretsmanager": [{"Ref": SECRET}],
    }
    for statement in worker_statements():
        assert statement["Effect"] == "Allow"
        actions = as_list(statement["Action"])
        assert not any("*" in action for action in actions), statement["Sid"]
        services = {action.split(":")[0] for action in actions}
        assert len(services) == 1, statement["Sid"]
        (service,) = services
        if service == "xray":  # X-Ray has no resource-level permissions
            assert statement["Resource"] == "*"
            continue
        for resource in as_list(statement["Resource"]):
            if service == "logs":
                assert "log-group:/aws/lambda/${AWS::StackName}-" in str(resource)
            else:
                assert resource in allowed_by_service[service], (statement["Sid"], resource)


def test_the_stream_is_read_only_by_the_stream_actions() -> None:
    for statement in worker_statements():
        if STREAM_ARN in as_list(statement["Resource"]):
            assert as_list(statement["Resource"]) == [STREAM_ARN]
            assert set(as_list(statement["Action"])) == {
                "dynamodb:DescribeStream",
                "dynamodb:GetRecords",
                "dynamodb:GetShardIterator",
                "dynamodb:ListStreams",
            }


def test_retry_queue_send_is_granted_because_the_code_sends() -> None:
    worker = (ROOT / "api" / "worker.py").read_text()
    assert ".send_message(" in worker
    retry = QUEUE_ARNS["SubscriptionRetryQueue"]
    sends = [s for s in worker_statements() if "sqs:SendMessage" in as_list(s["Action"])]
    assert any(retry in as_list(s["Resource"]) for s in sends)


def test_stream_filter_matches_only_queued_deliveries() -> None:
    from api.subscriptions.repository import is_queued_delivery

    (stream_event,) = serverless_config()["functions"]["dispatcher"]["events"]
    (pattern,) = stream_event["stream"]["filterPatterns"]
    wanted = pattern["dynamodb"]["NewImage"]

    def matches(image: dict[str, Any]) -> bool:
        return all(image.get(name, {}).get("S") in values["S"] for name, values in wanted.items())

    images = [
        {"kind": {"S": "delivery"}, "state": {"S": "queued"}},
        {"kind": {"S": "delivery"}, "state": {"S": "sending"}},
        {"kind": {"S": "delivery"}, "state": {"S": "delivered"}},
        {"kind": {"S": "subscription"}, "state": {"S": "queued"}},
        {"state": {"S": "queued"}},
        {},
    ]
    for image in images:
        assert matches(image) == is_queued_delivery(image), image
    assert stream_event["stream"]["functionResponseType"] == "ReportBatchItemFailures"


def test_table_stream_carries_new_images_for_the_dispatcher() -> None:
    properties = table_definition()["Resources"][TABLE]["Properties"]
    assert properties["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}


def test_retry_queue_outlives_the_retry_schedule() -> None:
    queue = included_resources()["SubscriptionRetryQueue"]["Properties"]
    schedule_seconds = sum(Settings().subscription_retry_schedule)
    assert queue["MessageRetentionPeriod"] > schedule_seconds
    assert (
        queue["RedrivePolicy"]["deadLetterTargetArn"] == QUEUE_ARNS["SubscriptionDeadLetterQueue"]
    )


# --- the master key (infra/secrets.yml, api/secrets_key.py) ----------------------------------


def test_functions_get_the_secrets_arn_never_the_key() -> None:
    environment = serverless_config()["provider"]["environment"]
    assert environment["VIGIE_SECRETS_KEY_SECRET_ARN"] == {"Ref": SECRET}
    assert "VIGIE_SECRETS_KEY" not in environment
    assert "resolve:secretsmanager" not in SERVERLESS_YML.read_text()
    for function in serverless_config()["functions"].values():
        assert "VIGIE_SECRETS_KEY" not in function.get("environment", {})
    assert included_resources()[SECRET]["Type"] == "AWS::SecretsManager::Secret"


@pytest.mark.parametrize("role", ["api", "workers"])
def test_each_role_may_read_that_one_secret_and_nothing_else_of_secrets_manager(
    role: str,
) -> None:
    found = all_statements() if role == "api" else worker_statements()
    secret_statements = [
        s for s in found if any(a.startswith("secretsmanager:") for a in as_list(s["Action"]))
    ]
    assert len(secret_statements) == 1
    (statement,) = secret_statements
    assert set(statement) == SECRET_READ
    assert statement["Effect"] == "Allow"
    assert as_list(statement["Action"]) == ["secretsmanager:GetSecretValue"]
    assert as_list(statement["Resource"]) == [{"Ref": SECRET}]


def test_the_code_reads_the_secret_by_the_arn_setting() -> None:
    source = (ROOT / "api" / "secrets_key.py").read_text()
    assert ".get_secret_value(SecretId=" in source
    assert "secrets_key_secret_arn" in Settings.model_fields


def test_the_lambda_package_keeps_the_botocore_model_of_every_client_the_code_creates() -> None:
    """scripts/build-lambda.sh strips botocore's models: a missing one is an UnknownServiceError
    on Lambda only (locally every model is installed)."""
    script = (ROOT / "scripts" / "build-lambda.sh").read_text()
    match = re.search(r"^BOTOCORE_MODELS=\(([^)]*)\)$", script, re.MULTILINE)
    assert match is not None
    kept = set(match[1].split())
    created = {
        service
        for path in lambda_sources()
        for service in re.findall(r"create_client\(\s*\"([a-z0-9-]+)\"", path.read_text())
    }
    assert created == {"dynamodb", "sqs", "secretsmanager"}
    assert created <= kept, f"add to BOTOCORE_MODELS in build-lambda.sh: {created - kept}"
