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
