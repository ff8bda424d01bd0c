"""Problem `type` URIs lead somewhere: /problems/{slug} describes each, docs/problems.md too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from api.hooks.credentials import SecretsNotConfigured
from api.problem_pages import problem_types
from api.problems import PROBLEM_TYPE_BASE, ProblemError, ValidationFailed

ROOT = Path(__file__).resolve().parents[1]


def test_every_problem_class_has_a_page_naming_its_status_and_type(client: TestClient) -> None:
    types = problem_types()
    slugs = {problem.slug for problem in types}
    assert {"validation-failed", "not-found", "service-busy", "secrets-not-configured"} <= slugs
    for problem in types:
        page = client.get(f"/problems/{problem.slug}")
        assert page.status_code == 200, problem.slug
        assert page.headers["content-type"].startswith("text/html")
        assert f"HTTP {problem.status}" in page.text
        assert PROBLEM_TYPE_BASE + problem.slug in page.text


def test_a_problem_document_type_ends_with_a_served_slug(client: TestClient) -> None:
    problem = client.get("/v1/brands/nope").json()
    slug = problem["type"].removeprefix(PROBLEM_TYPE_BASE)
    assert client.get(f"/problems/{slug}").status_code == 200


def test_the_description_comes_from_the_class(client: TestClient) -> None:
    assert ValidationFailed.__doc__ is not None
    page = client.get("/problems/validation-failed").text
    assert "invalid_params" in page
    # Both classes sharing the slug are described.
    assert SecretsNotConfigured.__doc__ is not None
    assert "signed hook sources" in client.get("/problems/secrets-not-configured").text


def test_statuses_without_a_class_use_the_http_phrase(client: TestClient) -> None:
    page = client.get("/problems/method-not-allowed")
    assert page.status_code == 200
    assert "HTTP 405" in page.text


def test_an_unknown_slug_is_a_404_problem_and_markup_is_escaped(client: TestClient) -> None:
    response = client.get("/problems/<script>")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "<script>" not in client.get("/problems").text


def test_the_index_lists_every_type(client: TestClient) -> None:
    index = client.get("/problems").text
    for problem in problem_types():
        assert f'href="/problems/{problem.slug}"' in index


def test_no_problem_class_is_left_undocumented() -> None:
    for problem in problem_types():
        assert problem.description or problem.example_detail, problem.slug
    assert not ProblemError.__subclasses__() or problem_types()


def test_generated_docs_are_up_to_date() -> None:
    """docs/problems.md and the native payload samples of docs/webhooks.md."""
    completed = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate-docs.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr


def test_webhooks_md_shows_every_vendor_fixture_verbatim() -> None:
    import json

    from api.hooks.adapters.registry import ADAPTERS

    webhooks = (ROOT / "docs" / "webhooks.md").read_text()
    for name in ADAPTERS:
        sample = json.loads((ROOT / "tests" / "fixtures" / "hooks" / f"{name}.json").read_text())
        assert json.dumps(sample, indent=2, ensure_ascii=False) in webhooks, name
        assert f"(`{name}`, auth" in webhooks


def test_every_module_defining_a_problem_type_is_one_the_pages_import() -> None:
    """Lazy areas (api/lazy.py) load their modules on first use: the pages must not depend on
    what happens to be loaded. Import every module of `api` in a fresh interpreter and compare."""
    script = """
import importlib, pkgutil, api
from api.problems import ProblemError
from api.problem_pages import PROBLEM_MODULES
for found in pkgutil.walk_packages(api.__path__, "api."):
    if not found.name.startswith(("api.local", "api.cli", "api.handler", "api.worker")):
        importlib.import_module(found.name)
def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)
defining = {sub.__module__ for sub in subclasses(ProblemError)} - {"api.problems"}
print(sorted(defining - set(PROBLEM_MODULES)))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]", result.stdout


def test_a_fresh_process_lists_the_problem_types_of_lazy_areas_too() -> None:
    script = (
        "from api.problem_pages import problem_types\n"
        "print([p.description for p in problem_types() if p.slug == 'secrets-not-configured'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "deliveries could not be signed" in result.stdout
