"""infra/alarms.yml and the HTTP API throttling of serverless.yml, against what they watch.

Static, like test_serverless_config.py: the YAML Serverless merges into the template, read with
its `${…}` variables as strings; scripts/check-deploy packages and lints the real template.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import pytest
import yaml

from tests.infra.test_serverless_config import (
    _CALL,
    ROOT,
    included_resources,
    lambda_sources,
    serverless_config,
)

ALARMS_YML = ROOT / "infra" / "alarms.yml"
TOPIC = {"Fn::If": ["CreateAlarmTopic", {"Ref": "AlarmTopic"}, {"Ref": "AlarmTopicArn"}]}
TABLE = {"Ref": "VigieTable"}
API = {"Ref": "HttpApi"}
DEAD_LETTER_QUEUE = {"Fn::GetAtt": ["SubscriptionDeadLetterQueue", "QueueName"]}


@cache
def alarms_document() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(ALARMS_YML.read_text())
    return document


def alarms() -> dict[str, dict[str, Any]]:
    return {
        name: resource["Properties"]
        for name, resource in alarms_document()["Resources"].items()
        if resource["Type"] == "AWS::CloudWatch::Alarm"
    }


def function_logical_id(name: str) -> str:
    """Serverless's logical id of a function (its naming.getNormalizedFunctionName)."""
    normalized = name[0].upper() + name[1:]
    return normalized.replace("-", "Dash").replace("_", "Underscore") + "LambdaFunction"


def single_metric(alarm: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    dimensions = {d["Name"]: d["Value"] for d in alarm["Dimensions"]}
    return alarm["Namespace"], alarm["MetricName"], dimensions


def math_metrics(alarm: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    found = {}
    for query in alarm["Metrics"]:
        if "MetricStat" in query:
            metric = query["MetricStat"]["Metric"]
            dimensions = {d["Name"]: d["Value"] for d in metric["Dimensions"]}
            found[query["Id"]] = (metric["Namespace"], metric["MetricName"], dimensions)
    return found


def test_alarms_are_included_from_infra() -> None:
    assert "${file(infra/alarms.yml)}" in serverless_config()["resources"]


def test_every_alarm_notifies_the_topic_when_it_fires_and_when_it_clears() -> None:
    assert alarms()
    for name, alarm in alarms().items():
        assert alarm["AlarmActions"] == [TOPIC], name
        assert alarm["OKActions"] == [TOPIC], name
        # No data is no traffic (nights, a new stage), not an incident.
        assert alarm["TreatMissingData"] == "notBreaching", name
        assert alarm["AlarmDescription"], name


def test_the_topic_is_created_only_when_no_existing_one_is_given() -> None:
    document = alarms_document()
    assert document["Conditions"]["CreateAlarmTopic"] == {
        "Fn::Equals": [{"Ref": "AlarmTopicArn"}, ""]
    }
    topic = document["Resources"]["AlarmTopic"]
    assert topic["Type"] == "AWS::SNS::Topic"
    assert topic["Condition"] == "CreateAlarmTopic"
    parameter = document["Parameters"]["AlarmTopicArn"]
    assert parameter["Type"] == "String"
    # The stage parameter of serverless.yml, empty unless a stage names an existing topic.
    assert parameter["Default"] == "${param:alarmTopicArn}"
    assert serverless_config()["params"]["default"]["alarmTopicArn"] == ""
    pattern = re.compile(parameter["AllowedPattern"])
    assert pattern.fullmatch("")
    assert pattern.fullmatch("arn:aws:sns:eu-west-3:123456789012:ops-oncall")
    assert not pattern.fullmatch("ops-oncall")
    assert not pattern.fullmatch("arn:aws:sqs:eu-west-3:123456789012:queue")
    assert document["Outputs"]["AlarmTopicArn"]["Value"] == TOPIC


def test_api_5xx_alarm_is_a_rate_of_the_http_api_requests() -> None:
    alarm = alarms()["Api5xxRateAlarm"]
    metrics = math_metrics(alarm)
    assert metrics["errors"] == ("AWS/ApiGateway", "5xx", {"ApiId": API})
    assert metrics["requests"] == ("AWS/ApiGateway", "Count", {"ApiId": API})
    (returned,) = [query for query in alarm["Metrics"] if query["ReturnData"]]
    assert "errors / requests" in returned["Expression"]
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
    assert 0 < alarm["Threshold"] < 100
    # The HTTP API whose id the alarm names is the one Serverless generates for these events.
    assert any("httpApi" in event for event in serverless_config()["functions"]["api"]["events"])


@pytest.mark.parametrize("function", list(serverless_config()["functions"]))
@pytest.mark.parametrize("metric", ["Errors", "Throttles"])
def test_every_function_has_an_errors_and_a_throttles_alarm(function: str, metric: str) -> None:
    wanted = ("AWS/Lambda", metric, {"FunctionName": {"Ref": function_logical_id(function)}})
    matching = [
        name
        for name, alarm in alarms().items()
        if "MetricName" in alarm and single_metric(alarm) == wanted
    ]
    assert len(matching) == 1, f"{function}: no single {metric} alarm ({matching})"
    alarm = alarms()[matching[0]]
    assert alarm["Statistic"] == "Sum"
    assert alarm["Threshold"] == 0
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"


def test_no_alarm_watches_a_function_that_does_not_exist() -> None:
    functions = {function_logical_id(name) for name in serverless_config()["functions"]}
    for name, alarm in alarms().items():
        if alarm.get("Namespace") == "AWS/Lambda":
            (_, _, dimensions) = single_metric(alarm)
            assert dimensions["FunctionName"]["Ref"] in functions, name


@pytest.mark.parametrize("metric", ["ReadThrottleEvents", "WriteThrottleEvents"])
def test_table_throttling_alarms(metric: str) -> None:
    wanted = ("AWS/DynamoDB", metric, {"TableName": TABLE})
    matching = [a for a in alarms().values() if "MetricName" in a and single_metric(a) == wanted]
    assert len(matching) == 1
    assert matching[0]["Statistic"] == "Sum"


def operations_used_by_code() -> set[str]:
    """DynamoDB operations the functions call (get_item -> GetItem), and the stream's."""
    calls = {call for path in lambda_sources() for call in _CALL.findall(path.read_text())}
    operations = {"".join(part.title() for part in call.split("_")) for call in calls}
    # The dispatcher's event source mapping reads the table's stream.
    return operations | {"GetRecords"}


def test_system_errors_alarm_sums_every_operation_vigie_performs() -> None:
    alarm = alarms()["TableSystemErrorsAlarm"]
    metrics = math_metrics(alarm)
    assert {namespace for namespace, _, _ in metrics.values()} == {"AWS/DynamoDB"}
    assert {metric for _, metric, _ in metrics.values()} == {"SystemErrors"}
    assert all(dimensions["TableName"] == TABLE for _, _, dimensions in metrics.values())
    watched = {dimensions["Operation"] for _, _, dimensions in metrics.values()}
    assert watched == operations_used_by_code()
    (returned,) = [query for query in alarm["Metrics"] if query["ReturnData"]]
    assert returned["Expression"] == "SUM(METRICS())"
    # CloudWatch takes at most 10 metrics in one alarm.
    assert len(alarm["Metrics"]) <= 10


def test_dead_letter_queue_depth_alarm() -> None:
    alarm = alarms()["DeadLetterQueueDepthAlarm"]
    assert single_metric(alarm) == (
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        {"QueueName": DEAD_LETTER_QUEUE},
    )
    assert alarm["Threshold"] == 0
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
    assert included_resources()["SubscriptionDeadLetterQueue"]["Type"] == "AWS::SQS::Queue"


def generated_logical_ids() -> set[str]:
    functions = {function_logical_id(name) for name in serverless_config()["functions"]}
    return functions | {"HttpApi"} | set(included_resources())


def dashboard_body() -> tuple[dict[str, Any], set[str]]:
    """The dashboard JSON with its `${…}` substitutions filled in, and their names."""
    body = alarms_document()["Resources"]["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    names = set(re.findall(r"\$\{([^}]+)\}", body))
    document: dict[str, Any] = json.loads(re.sub(r"\$\{([^}]+)\}", r"<\1>", body))
    return document, names


def test_dashboard_is_valid_json_naming_only_resources_of_the_stack() -> None:
    _, names = dashboard_body()
    known = generated_logical_ids()
    for name in names:
        if name.startswith("AWS::"):
            continue
        assert name.split(".")[0] in known, f"dashboard names unknown resource {name}"


def test_dashboard_shows_requests_errors_latency_capacity_throttles_and_the_dlq() -> None:
    document, _ = dashboard_body()
    shown = {
        (metric[0], metric[1])
        for widget in document["widgets"]
        for metric in widget["properties"]["metrics"]
    }
    assert {
        ("AWS/ApiGateway", "Count"),
        ("AWS/ApiGateway", "5xx"),
        ("AWS/ApiGateway", "Latency"),
        ("AWS/Lambda", "Errors"),
        ("AWS/Lambda", "Duration"),
        ("AWS/DynamoDB", "ConsumedReadCapacityUnits"),
        ("AWS/DynamoDB", "ConsumedWriteCapacityUnits"),
        ("AWS/DynamoDB", "ReadThrottleEvents"),
        ("AWS/DynamoDB", "WriteThrottleEvents"),
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible"),
    } <= shown
    lambda_functions = {
        metric[3]
        for widget in document["widgets"]
        for metric in widget["properties"]["metrics"]
        if metric[:2] == ["AWS/Lambda", "Errors"]
    }
    assert lambda_functions == {
        f"<{function_logical_id(name)}>" for name in serverless_config()["functions"]
    }


# --- API Gateway throttling -----------------------------------------------------------------


def stage_extension() -> dict[str, Any]:
    for entry in serverless_config()["resources"]:
        if isinstance(entry, dict) and "extensions" in entry:
            extension: dict[str, Any] = entry["extensions"]["HttpApiStage"]["Properties"]
            return extension
    raise AssertionError("serverless.yml extends no HttpApiStage")


def test_every_route_is_throttled_by_stage_parameters() -> None:
    settings = stage_extension()["DefaultRouteSettings"]
    assert settings["ThrottlingRateLimit"] == "${param:throttleRateLimit}"
    assert settings["ThrottlingBurstLimit"] == "${param:throttleBurstLimit}"
    # The extension replaces the generated DefaultRouteSettings: detailed metrics stay as asked.
    assert (
        settings["DetailedMetricsEnabled"] is serverless_config()["provider"]["httpApi"]["metrics"]
    )


@pytest.mark.parametrize("stage", ["default", "dev", "ci", "prod"])
def test_throttling_limits_are_positive_and_the_burst_covers_the_rate(stage: str) -> None:
    params = serverless_config()["params"]
    merged = params["default"] | params.get(stage, {})
    rate, burst = merged["throttleRateLimit"], merged["throttleBurstLimit"]
    assert isinstance(rate, int)
    assert isinstance(burst, int)
    assert 0 < rate <= burst
