"""The house rules of docs/architecture.md, checked on the source: who may import whom, and where
DynamoDB may be called. Parsing (not importing) the modules keeps this test free of side effects."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

API = Path(__file__).resolve().parents[1] / "api"
ENGINE = API / "engine"

# The engine is the ground floor: the standard library's pure parts, pydantic, itself, and the
# leaf `api.types` (strict JSON input types, importing nothing of the project).
_ENGINE_ALLOWED_ROOTS = frozenset({"pydantic", "__future__"})
_ENGINE_ALLOWED_PROJECT = ("api.engine", "api.types")
_IO_MODULES = frozenset(
    {
        "boto3",
        "botocore",
        "httpx",
        "requests",
        "urllib",
        "http",
        "socket",
        "ssl",
        "subprocess",
        "sqlite3",
        "os",
        "io",
        "pathlib",
        "shutil",
        "tempfile",
        "time",
        "random",
        "logging",
        "asyncio",
        "threading",
    }
)
_DYNAMODB_CALLS = frozenset(
    {
        "put_item",
        "get_item",
        "update_item",
        "delete_item",
        "query",
        "scan",
        "batch_get_item",
        "batch_write_item",
        "transact_get_items",
        "transact_write_items",
        "create_table",
        "delete_table",
        "describe_table",
        "update_time_to_live",
    }
)


def _modules(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*.py") if "__pycache__" not in path.parts)


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return found


def _label(path: Path) -> str:
    return str(path.relative_to(API.parent))


@pytest.mark.parametrize("path", _modules(ENGINE), ids=_label)
def test_engine_module_imports_no_domain_and_no_io(path: Path) -> None:
    offending = []
    for module in _imports(path):
        root = module.split(".")[0]
        if root == "api":
            if not module.startswith(_ENGINE_ALLOWED_PROJECT):
                offending.append(module)
        elif root in _IO_MODULES:
            offending.append(module)
        elif root not in _ENGINE_ALLOWED_ROOTS and root not in sys.stdlib_module_names:
            offending.append(module)
    assert offending == [], f"{_label(path)} imports {offending}: the engine stays pure"


@pytest.mark.parametrize("path", _modules(ENGINE), ids=_label)
def test_engine_module_opens_no_file_but_its_own_lexicons(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        assert not (isinstance(function, ast.Name) and function.id == "open"), _label(path)
        if isinstance(function, ast.Attribute) and function.attr == "files":
            # importlib.resources.files(...) may only read the engine's own lexicon package.
            argument = node.args[0] if node.args else None
            assert isinstance(argument, ast.Constant), _label(path)
            assert argument.value == "api.engine.lexicons", _label(path)


def test_types_module_is_a_leaf() -> None:
    assert [m for m in _imports(API / "types.py") if m.split(".")[0] == "api"] == []


@pytest.mark.parametrize("path", _modules(API), ids=_label)
def test_dynamodb_is_called_only_from_repositories_and_storage(path: Path) -> None:
    if path.name == "repository.py" or (API / "storage") in path.parents:
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = sorted(
        {
            node.func.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _DYNAMODB_CALLS
        }
    )
    assert calls == [], f"{_label(path)} calls DynamoDB ({calls}): move it to a repository"


def test_the_checks_would_catch_a_domain_import(tmp_path: Path) -> None:
    # Guards the guard: the import reader sees a domain import written the usual ways.
    module = tmp_path / "bad.py"
    module.write_text("from api.mentions.schemas import X\nimport api.brands.service\n")
    assert _imports(module) == ["api.mentions.schemas", "api.brands.service"]
