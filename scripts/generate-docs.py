#!/usr/bin/env python3
"""Write the generated parts of the docs, so they cannot drift from what they describe.

- docs/webhooks.md, between its `generated: native payload samples` markers: one sample per
  vendor, the test fixture its adapter is tested with (tests/fixtures/hooks/<source>.json), in
  the registry's order (api/hooks/adapters/registry.py).
- docs/problems.md: every problem type, from the ProblemError classes (api/problem_pages.py,
  which also serves them at /problems/{slug}).

Usage:
    .venv/bin/python scripts/generate-docs.py           # rewrite the generated parts
    .venv/bin/python scripts/generate-docs.py --check   # fail if a file is stale (tests run it)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WEBHOOKS_MD = ROOT / "docs" / "webhooks.md"
PROBLEMS_MD = ROOT / "docs" / "problems.md"
FIXTURES = ROOT / "tests" / "fixtures" / "hooks"
BEGIN = "<!-- generated: native payload samples (scripts/generate-docs.py), do not edit -->"
END = "<!-- end of generated native payload samples -->"


def native_samples() -> str:
    from api.hooks.adapters.registry import ADAPTERS

    parts = [
        BEGIN,
        "",
        "What each tool posts, as Vigie's tests deliver it (`tests/fixtures/hooks/`); the",
        "receiver answers each with the acknowledgement of §3.",
    ]
    for name, adapter in ADAPTERS.items():
        sample = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
        modes = " / ".join(f"`{mode}`" for mode in adapter.auth_modes)
        parts += [
            "",
            f"#### {adapter.title} (`{name}`, auth {modes})",
            "",
            "```json",
            json.dumps(sample, indent=2, ensure_ascii=False),
            "```",
        ]
    parts += ["", END]
    return "\n".join(parts)


def webhooks_md() -> str:
    current = WEBHOOKS_MD.read_text(encoding="utf-8")
    if BEGIN not in current or END not in current:
        raise SystemExit(f"{WEBHOOKS_MD}: the generated-section markers are missing")
    head, rest = current.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + native_samples() + tail


def problems_md() -> str:
    import api.app  # noqa: F401  (imports every module that defines a problem type)
    from api.problem_pages import render_markdown

    return render_markdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a file is stale")
    args = parser.parse_args()
    stale = []
    for path, wanted in ((WEBHOOKS_MD, webhooks_md()), (PROBLEMS_MD, problems_md())):
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current == wanted:
            continue
        if args.check:
            stale.append(path.relative_to(ROOT).as_posix())
        else:
            path.write_text(wanted, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print(
            f"stale: {', '.join(stale)}: run `.venv/bin/python scripts/generate-docs.py`",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
