"""The engine's triage before and after a change that must not change it: 0 differences expected.

Run: `.venv/bin/python bench/engine_equivalence.py [--ref REF]` (REF: the commit before the change,
default `HEAD`; reads `$VIGIE_SHARED_DIR`, default `<project>/../shared`).

Every text it can find is triaged by this checkout's engine and by REF's (its `api/` extracted
with `git archive`, run in a subprocess that puts it first on the path, and checked to have
imported it), and the full triage outputs are compared, field by field (signals, topics, reasons,
tier, risk, moderation, playbook…, as `MentionTriage.model_dump` gives them):

- X-CI (every tweet, with the care accounts as the brand's handles, as bench/triage_real.py),
  SemEval-2017 EN and DEFT 2017 FR (every post, their language given and unknown);
- the dev scenarios (`scenarios/dev`: every mention as written, with its brand's name);
- the test corpora: every string literal of two words or more in `tests/engine/*.py`, in English,
  French and an unknown language, with a brand that has handles and aliases.

Exit code 0 when there is no difference, 1 otherwise (the first differences are printed).
Written for issue 16 (cold start: lexicon matching rewritten for a cheaper import).
"""

from __future__ import annotations

import argparse
import ast
import csv
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
# Care accounts of X-CI: handles its brand-domain tweets name at least this often (triage_real).
CARE_ACCOUNT_MIN_TWEETS = 3


def shared_dir() -> Path:
    return Path(os.environ.get("VIGIE_SHARED_DIR", PROJECT.parent / "shared"))


def _csv(relative: str) -> list[dict[str, str]]:
    with (shared_dir() / "datasets" / relative).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _post(key: str, text: str, language: str | None) -> dict[str, Any]:
    return {
        "external_id": key,
        "network": "twitter",
        "published_at": NOW.isoformat(),
        "text": text,
        "language": language,
        "author": {"handle": "@customer", "followers": 300, "kind": "person"},
        "post_type": "post",
    }


def cases() -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(key, mention document, brand context) of every case, in a fixed order."""
    rows = _csv("xci_complaints_en/X-CI_Dataset.csv")
    counts: dict[str, int] = {}
    for row in rows:
        if not row["domain"].startswith("random"):
            for handle in {h.lower() for h in row["tweet"].split() if h.startswith("@")}:
                counts[handle.rstrip(".,:;!?")] = counts.get(handle.rstrip(".,:;!?"), 0) + 1
    care = {"handles": sorted(h for h, n in counts.items() if n >= CARE_ACCOUNT_MIN_TWEETS)}
    for index, row in enumerate(rows):
        yield f"xci-{index}", _post(f"xci-{index}", row["tweet"], None), care
    for name, relative, language in (
        ("semeval", "semeval2017_en/semeval2017_en_trainval.csv", "en"),
        ("deft", "deft2017_fr/deft2017_fr_trainval.csv", "fr"),
    ):
        for index, row in enumerate(_csv(relative)):
            for tag in (language, None):
                key = f"{name}-{index}-{tag}"
                yield key, _post(key, row["text"], tag), {}
    for path in sorted((shared_dir() / "scenarios" / "dev").glob("*.json")):
        scenario = json.loads(path.read_text("utf-8"))
        if isinstance(scenario, list):  # triage_cases.json: mentions with their expectations
            for index, case in enumerate(scenario):
                yield f"{path.stem}-{index}", case["mention"], {}
            continue
        brand = {"name": scenario["brand"]["name"]}
        for index, mention in enumerate(scenario["mentions"]):
            yield f"{path.stem}-{index}", mention, brand
    brand = {"handles": ["@acme", "@marque"], "aliases": ["ACME", "Marque"], "name": "Acme"}
    for path in sorted((PROJECT / "tests" / "engine").glob("*.py")):
        seen: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and " " in text.strip() and text not in seen:
                seen.add(text)
                for tag in ("en", "fr", None):
                    key = f"{path.stem}-{len(seen)}-{tag}"
                    yield key, _post(key, text, tag), brand


def dump(out: Path) -> None:
    """Triage every case with the engine first on the path; one JSON line per case."""
    import api.engine
    from api.engine import BrandContext, EngineConfig, triage_mention
    from api.engine.mention import Mention

    config = EngineConfig()
    with out.open("w", encoding="utf-8") as f:
        f.write(json.dumps({"engine": str(Path(api.engine.__file__).resolve())}) + "\n")
        for key, document, brand in cases():
            mention = Mention.model_validate(document)
            context = BrandContext(
                handles=tuple(brand.get("handles", ())),
                aliases=tuple(brand.get("aliases", ())),
                name=brand.get("name"),
            )
            triage = triage_mention(mention, now=NOW, config=config, brand=context)
            f.write(json.dumps([key, triage.model_dump(mode="json")], sort_keys=True) + "\n")


def run(root: Path, out: Path) -> None:
    environment = {**os.environ, "VIGIE_SHARED_DIR": str(shared_dir()), "PYTHONPATH": str(root)}
    subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--dump", str(out)],
        check=True,
        env=environment,
        cwd=root,
    )
    engine = json.loads(out.open(encoding="utf-8").readline())["engine"]
    if not engine.startswith(str(root.resolve())):
        raise SystemExit(f"the run for {root} imported the engine of {engine}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default="HEAD", help="the engine before the change (git ref)")
    parser.add_argument("--dump", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.dump:
        sys.path.insert(0, os.getcwd())
        dump(arguments.dump)
        return
    archive = subprocess.run(
        ["git", "-C", str(PROJECT), "archive", "--format=tar", arguments.ref, "api"],
        check=True,
        capture_output=True,
    ).stdout
    with tempfile.TemporaryDirectory(prefix="vigie-equivalence-") as folder:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        before, after = Path(folder) / "before.jsonl", Path(folder) / "after.jsonl"
        run(Path(folder), before)
        run(PROJECT, after)
        old = before.read_text("utf-8").splitlines()[1:]
        new = after.read_text("utf-8").splitlines()[1:]
    differences = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    print(f"engine equivalence vs {arguments.ref}: {len(new)} triages compared")
    by_source: dict[str, int] = {}
    for line in new:
        source = json.loads(line)[0].split("-", 1)[0]
        by_source[source] = by_source.get(source, 0) + 1
    print("  " + ", ".join(f"{source} {count}" for source, count in by_source.items()))
    print(f"  differences: {len(differences)} (target 0: {'PASS' if not differences else 'MISS'})")
    for a, b in differences[:5]:
        key, was = json.loads(a)
        now = json.loads(b)[1]
        fields = sorted(k for k in set(was) | set(now) if was.get(k) != now.get(k))
        print(f"  {key}: {', '.join(f'{k}: {was.get(k)!r} -> {now.get(k)!r}' for k in fields)}")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
