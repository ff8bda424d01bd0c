"""TypeScript types generate from the committed openapi/openapi.json and type-check.

`openapi-typescript` and `typescript` are pinned devDependencies (package.json): `--no-install`
makes npx use them and never fetch anything. Integrators run the same command:
`npx openapi-typescript openapi/openapi.json -o vigie.d.ts --default-non-nullable false`.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = ROOT / "openapi" / "openapi.json"

# Uses the generated types the way an integrator would; `@ts-expect-error` lines must fail to
# type-check, which proves the types are precise rather than `any`.
USAGE = """
import type { components, operations, paths } from "./vigie";

type Ingest = operations["ingest_mentions"];
type Problem = components["schemas"]["Problem"];

const batch: Ingest["requestBody"]["content"]["application/json"] = {
  mentions: [{ external_id: "tw-1", published_at: "2026-03-09T08:15:00Z", network: "twitter" }],
};
const notFound: Ingest["responses"][404]["content"]["application/problem+json"] = {
  type: "https://vigie.dev/problems/not-found",
  title: "Not found",
  status: 404,
  detail: "Brand 'acme' does not exist in this workspace.",
};
const tier: components["schemas"]["Tier"] = "executive_statement";
const risk: paths["/v1/brands/{brand_id}/risk"]["get"]["parameters"]["path"] = { brand_id: "acme" };
const problems: Problem[] = [notFound];

// @ts-expect-error external_id is required
const noId: components["schemas"]["Mention"] = { published_at: "2026-03-09T08:15:00Z" };
// @ts-expect-error not a tier
const badTier: components["schemas"]["Tier"] = "panic";
// @ts-expect-error 418 is not a declared response
type Teapot = Ingest["responses"][418];

export { batch, tier, risk, problems, noId, badTier };
export type { Teapot };
"""


def run(*command: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=180, check=False
    )


def test_openapi_typescript_generates_types_that_type_check(tmp_path: Path) -> None:
    output = tmp_path / "vigie.d.ts"
    generated = run(
        "npx",
        "--no-install",
        "openapi-typescript",
        str(DOCUMENT),
        "-o",
        str(output),
        # openapi-typescript 7 otherwise makes every field that has a default required, so a
        # request body would have to spell out `source`, `network`, `post_type`...
        "--default-non-nullable",
        "false",
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    declarations = output.read_text()
    for operation_id in (
        "create_brand",
        "list_brands",
        "ingest_mentions",
        "list_mentions",
        "get_mention",
        "get_brand_risk",
        "get_brand_risk_history",
        "triage_mention",
        "healthz",
    ):
        assert f'operations["{operation_id}"]' in declarations, operation_id
        assert f"    {operation_id}: {{" in declarations, operation_id
    assert '"application/problem+json": components["schemas"]["Problem"]' in declarations

    (tmp_path / "usage.ts").write_text(USAGE)
    checked = run(
        "npx",
        "--no-install",
        "tsc",
        "--noEmit",
        "--strict",
        "--target",
        "es2022",
        "--module",
        "es2022",
        "--moduleResolution",
        "bundler",
        str(output),
        str(tmp_path / "usage.ts"),
        cwd=ROOT,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
