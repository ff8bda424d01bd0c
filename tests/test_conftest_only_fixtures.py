"""conftest.py files hold fixtures only; shared helpers live in plain modules that tests import.

pytest imports each conftest.py under its own rules (rootdir, package or not), so importing one
from a test module can load it twice; a helper hidden among fixtures is also hard to find.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _is_fixture(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(target, ast.Attribute) and target.attr == "fixture"


def test_no_test_module_imports_a_conftest() -> None:
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            if any(name.split(".")[-1] == "conftest" for name in names):
                offenders.append(f"{path.relative_to(TESTS)}:{node.lineno}")
    assert offenders == []


def test_conftest_files_define_nothing_but_fixtures() -> None:
    offenders = []
    for path in sorted(TESTS.rglob("conftest.py")):
        for node in ast.parse(path.read_text(), filename=str(path)).body:
            if isinstance(node, ast.ClassDef) or (
                isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                and not any(_is_fixture(decorator) for decorator in node.decorator_list)
            ):
                offenders.append(f"{path.relative_to(TESTS)}:{node.lineno} {node.name}")
    assert offenders == []
