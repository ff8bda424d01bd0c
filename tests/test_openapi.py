"""The committed OpenAPI document: equal to what the app generates, and good enough to generate
clients from (readable ids, examples that validate, problem+json errors, security)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from api.cli import write_openapi
from api.local.openapi_document import render_openapi
from api.problems import PROBLEM_MEDIA_TYPE

COMMITTED = Path(__file__).resolve().parents[1] / "openapi" / "openapi.json"
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
PROBLEM_REF = "#/components/schemas/Problem"


@pytest.fixture(scope="module")
def rendered() -> str:
    return render_openapi()


@pytest.fixture(scope="module")
def document(rendered: str) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(rendered)
    return parsed


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method.upper(), path, operation


def test_committed_document_is_what_the_app_generates(rendered: str) -> None:
    committed = COMMITTED.read_text() if COMMITTED.exists() else ""
    assert committed == rendered, (
        "openapi/openapi.json is out of date: regenerate it with `.venv/bin/vigie openapi` "
        "and commit it (client generators read that file)"
    )


def test_the_openapi_check_command_detects_a_stale_file(tmp_path: Path) -> None:
    target = tmp_path / "openapi.json"
    target.write_text("{}\n")
    assert write_openapi(target, check=True) == 1
    assert write_openapi(target, check=False) == 0
    assert write_openapi(target, check=True) == 0


def test_info_block_names_the_api_and_its_license(document: dict[str, Any]) -> None:
    info = document["info"]
    assert info["title"] == "Vigie"
    assert re.fullmatch(r"\d+\.\d+\.\d+", info["version"])
    assert "problem+json" in info["description"]
    assert info["license"]["identifier"] == "Apache-2.0"
    declared_tags = {tag["name"] for tag in document["tags"]}
    assert {"brands", "mentions", "risk", "health"} <= declared_tags


def test_operation_ids_are_unique_snake_case_and_documented(document: dict[str, Any]) -> None:
    ids = [operation.get("operationId") for _, _, operation in operations(document)]
    assert len(ids) == len(set(ids)), ids
    for method, path, operation in operations(document):
        where = f"{method} {path}"
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", operation.get("operationId", "")), where
        assert operation.get("tags"), where
        assert operation.get("summary"), where
        assert operation.get("description"), where


def _schemas(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _schemas(value)
    elif isinstance(node, list):
        for value in node:
            yield from _schemas(value)


def test_constraints_are_json_schema_keywords(document: dict[str, Any]) -> None:
    """pydantic writes `ge`/`le` verbatim when a constraint follows a validator in `Annotated`:
    generators then ignore the bound (a `minimum` is what they read)."""
    leaked = {"ge", "gt", "le", "lt", "min_length", "max_length", "multiple_of", "allow_inf_nan"}
    bad = [
        node for node in _schemas(document["components"]) if "type" in node and leaked & set(node)
    ]
    assert not bad, bad
    retention = document["components"]["schemas"]["BrandSettings"]["properties"]["retention_days"]
    assert {"type": "integer", "minimum": 1, "maximum": 3650} in retention["anyOf"]


def test_the_contract_operations_keep_their_ids(document: dict[str, Any]) -> None:
    by_id = {op["operationId"]: (m, p) for m, p, op in operations(document)}
    assert by_id["create_brand"] == ("POST", "/v1/brands")
    assert by_id["list_brands"] == ("GET", "/v1/brands")
    assert by_id["get_brand"] == ("GET", "/v1/brands/{brand_id}")
    assert by_id["update_brand"] == ("PATCH", "/v1/brands/{brand_id}")
    assert by_id["ingest_mentions"] == ("POST", "/v1/brands/{brand_id}/mentions")
    assert by_id["list_mentions"] == ("GET", "/v1/brands/{brand_id}/mentions")
    assert by_id["get_mention"] == ("GET", "/v1/brands/{brand_id}/mentions/{mention_id}")
    assert by_id["get_brand_risk"] == ("GET", "/v1/brands/{brand_id}/risk")
    assert by_id["get_brand_risk_history"] == ("GET", "/v1/brands/{brand_id}/risk/history")
    assert by_id["triage_mention"] == ("POST", "/v1/triage")
    assert by_id["healthz"] == ("GET", "/healthz")


def test_errors_are_problem_json_only(document: dict[str, Any]) -> None:
    assert "HTTPValidationError" not in json.dumps(document)
    for method, path, operation in operations(document):
        for status, response in operation["responses"].items():
            if int(status) < 400:
                continue
            where = f"{method} {path} {status}"
            # A 429 may also be API Gateway's own throttling body, which is not a problem.
            gateway = {"application/json"} if status == "429" else set()
            assert set(response["content"]) == {PROBLEM_MEDIA_TYPE} | gateway, where
            media = response["content"][PROBLEM_MEDIA_TYPE]
            assert media["schema"] == {"$ref": PROBLEM_REF}, where
            assert media["examples"], where


def test_errors_are_declared_where_they_can_happen(document: dict[str, Any]) -> None:
    for method, path, operation in operations(document):
        declared = set(operation["responses"])
        where = f"{method} {path}"
        if operation.get("security"):
            assert {"401"} <= declared, where
        if operation.get("parameters") or "requestBody" in operation:
            assert "422" in declared, where
        if "requestBody" in operation:
            assert {"400", "413"} <= declared, where  # malformed JSON, body size limit
        if "{brand_id}" in path or "{mention_id}" in path:
            assert "404" in declared, where
        if any(p["name"] == "cursor" for p in operation.get("parameters", [])):
            assert "400" in declared, where  # invalid cursor
    by_id = {op["operationId"]: op for _, _, op in operations(document)}
    assert "409" in by_id["create_brand"]["responses"]
    assert {"404", "409", "503"} <= set(by_id["ingest_mentions"]["responses"])
    assert "Retry-After" in by_id["ingest_mentions"]["responses"]["503"]["headers"]
    assert "404" in by_id["triage_mention"]["responses"]  # brand_id in the body


def test_the_api_key_is_a_bearer_scheme_required_everywhere_but_health(
    document: dict[str, Any],
) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes == {"apiKey": schemes["apiKey"]}
    assert schemes["apiKey"]["type"] == "http"
    assert schemes["apiKey"]["scheme"] == "bearer"
    for method, path, operation in operations(document):
        if path == "/healthz":
            assert not operation.get("security"), "health is public"
        elif path.startswith(("/v1/brands", "/v1/triage")):
            assert operation.get("security") == [{"apiKey": []}], f"{method} {path}"
    assert "security" not in document  # no global requirement: each operation says its own


def _inline_examples(media: dict[str, Any]) -> list[Any]:
    found: list[Any] = [media["example"]] if "example" in media else []
    found.extend(example["value"] for example in media.get("examples", {}).values())
    found.extend(media.get("schema", {}).get("examples", []))
    return found


def _media_examples(media: dict[str, Any], schemas: dict[str, Any]) -> list[Any]:
    """Examples of a request or response body: on the media type, or on its component schema."""
    ref = media.get("schema", {}).get("$ref", "")
    component = schemas[ref.rsplit("/", 1)[1]] if ref.startswith("#/components/") else {}
    examples: list[Any] = component.get("examples", [])
    return _inline_examples(media) + examples


def _bodies(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for method, path, operation in operations(document):
        for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
            yield f"{method} {path} request {media_type}", media
        for status, response in operation["responses"].items():
            for media_type, media in response.get("content", {}).items():
                yield f"{method} {path} {status} {media_type}", media


def test_every_request_and_response_body_has_an_example(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    missing = [where for where, media in _bodies(document) if not _media_examples(media, schemas)]
    assert not missing, missing


def test_every_example_matches_its_schema(document: dict[str, Any]) -> None:
    """Examples are documentation clients copy: one that the API would refuse (or never send)
    is a bug. Checked against the schema itself, formats included."""
    schemas = document["components"]["schemas"]
    checked = 0
    failures: list[str] = []

    def check(where: str, schema: dict[str, Any], example: Any) -> None:
        nonlocal checked
        root = {"components": document["components"], **schema}
        validator = jsonschema_rs.Draft202012Validator(root, validate_formats=True)
        errors = [error.message for error in validator.iter_errors(example)]
        if errors:
            failures.append(f"{where}: {errors[:3]}")
        checked += 1

    for name, schema in schemas.items():
        for example in schema.get("examples", []):
            check(f"components.schemas.{name}", schema, example)
    for where, media in _bodies(document):
        for example in _inline_examples(media):  # component examples are checked above
            check(where, media["schema"], example)
    for method, path, operation in operations(document):
        for parameter in operation.get("parameters", []):
            for example in parameter["schema"].get("examples", []):
                check(f"{method} {path} {parameter['name']}", parameter["schema"], example)
    assert not failures, failures
    assert checked >= 20


def test_an_example_that_drifts_from_its_schema_is_caught() -> None:
    """The check above must be able to fail: a required field missing, a wrong enum value."""
    schema = {"$ref": "#/components/schemas/Brand"}
    document = json.loads(COMMITTED.read_text())
    validator = jsonschema_rs.Draft202012Validator(
        {"components": document["components"], **schema}, validate_formats=True
    )
    good = document["components"]["schemas"]["Brand"]["examples"][0]
    assert validator.is_valid(good)
    assert not validator.is_valid({k: v for k, v in good.items() if k != "created_at"})
    assert not validator.is_valid({**good, "created_at": "yesterday"})


def test_every_v1_operation_documents_429_from_the_gateway_or_a_quota(
    document: dict[str, Any],
) -> None:
    """API Gateway throttles every route (serverless.yml), before the app runs."""
    v1 = [(m, p, o) for m, p, o in operations(document) if p.startswith("/v1/")]
    assert v1
    for method, path, operation in v1:
        response = operation["responses"].get("429")
        assert response is not None, f"{method} {path}: no 429"
        content = response["content"]
        assert content[PROBLEM_MEDIA_TYPE]["schema"] == {"$ref": PROBLEM_REF}
        assert content["application/json"]["schema"] == {
            "$ref": "#/components/schemas/GatewayThrottled"
        }
        assert "Retry-After" in response["headers"]
    gateway = document["components"]["schemas"]["GatewayThrottled"]
    assert gateway["required"] == ["message"]
    for method, path, operation in operations(document):
        if not path.startswith("/v1/"):
            assert "429" not in operation["responses"], f"{method} {path}"


def test_servers_default_to_the_serving_host_and_vigie_dev(document: dict[str, Any]) -> None:
    assert [server["url"] for server in document["servers"]] == ["/", "http://127.0.0.1:8080"]


def test_servers_name_the_public_base_url_when_set() -> None:
    from api.openapi import openapi_servers

    assert openapi_servers("https://api.example.com/") == [
        {"url": "https://api.example.com", "description": "This deployment"}
    ]


def test_the_package_and_the_document_have_one_version(document: dict[str, Any]) -> None:
    import tomllib

    from api import __version__

    pyproject = tomllib.loads((COMMITTED.parents[1] / "pyproject.toml").read_text())
    assert pyproject["project"]["version"] == __version__ == document["info"]["version"]


def test_risk_history_says_step_is_in_seconds(document: dict[str, Any]) -> None:
    operation = document["paths"]["/v1/brands/{brand_id}/risk/history"]["get"]
    (step,) = [p for p in operation["parameters"] if p["name"] == "step"]
    assert "Seconds" in step["description"]
    assert "`step` is in **seconds**" in operation["description"]


@pytest.mark.parametrize(
    "schema",
    ["BrandList", "MentionPage", "HookSourceList", "SubscriptionList", "DeliveryAttemptList"],
)
def test_next_cursor_is_required_and_nullable(document: dict[str, Any], schema: str) -> None:
    """The server always sends it (null on the last page): clients need not test for absence."""
    component = document["components"]["schemas"][schema]
    assert "next_cursor" in component["required"]
    types = {option.get("type") for option in component["properties"]["next_cursor"]["anyOf"]}
    assert types == {"string", "null"}


def test_inline_shapes_are_named_components(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    raw = schemas["Mention"]["properties"]["raw"]["anyOf"]
    assert {"$ref": "#/components/schemas/RawFields"} in raw
    assert "MentionEnvelope" in schemas
    assert '"additionalProperties": true, "type": "object"}, {"type": "null"}' not in json.dumps(
        document
    )
