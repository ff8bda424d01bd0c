"""`vigie replay`: push a scenario (or JSON-lines) file through a running API.

Timestamps are shifted by one offset so the stream ends now; mentions go in time order, in batches;
`GET /risk?at=` is read at every check time (shifted the same way). The checks are evaluated by
the same code as the in-memory replay (`api.local.scenarios`).
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeGuard

import httpx
from pydantic import TypeAdapter, ValidationError

from api.engine import BrandRiskAssessment, MentionTriage
from api.engine.mention import Mention
from api.local.scenarios import (
    Scenario,
    ScenarioBrand,
    ScenarioReport,
    UnshiftableScenarioError,
    load_scenario,
    report_for,
    shifted_to_end_at,
)

_MENTIONS = TypeAdapter(list[Mention])


class ReplayError(RuntimeError):
    pass


def load_stream(path: Path, brand_id: str) -> Scenario:
    """A scenario file, or a JSON-lines file of canonical mentions (a scenario without checks)."""
    if path.suffix == ".jsonl":
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        mentions = _MENTIONS.validate_json("[" + ",".join(lines) + "]")
        return Scenario(brand=ScenarioBrand(id=brand_id, name=brand_id), mentions=mentions)
    return load_scenario(path)


def replay_through_api(
    http: httpx.Client, scenario: Scenario, brand_id: str, *, batch_size: int = 100
) -> tuple[ScenarioReport, BrandRiskAssessment]:
    """Replay through the HTTP API; return the report and the assessment at the stream's end."""
    now = datetime.now(UTC)
    shifted = shifted_to_end_at(scenario, now)
    created = http.post("/v1/brands", json={"id": brand_id, "name": scenario.brand.name})
    if created.status_code not in (201, 409):
        raise ReplayError(f"cannot create brand {brand_id}: {created.status_code} {created.text}")
    ordered = sorted(shifted.mentions, key=lambda m: m.published_at)
    triages: dict[str, MentionTriage] = {}
    for start in range(0, len(ordered), batch_size):
        batch = [
            m.model_dump(mode="json", exclude_none=True)
            for m in ordered[start : start + batch_size]
        ]
        response = http.post(f"/v1/brands/{brand_id}/mentions", json={"mentions": batch})
        if response.status_code != 200:
            raise ReplayError(f"batch at {start} refused: {response.status_code} {response.text}")
        for result in response.json()["results"]:
            triages.setdefault(
                result["external_id"], MentionTriage.model_validate(result["triage"])
            )

    def assess(at: datetime) -> BrandRiskAssessment:
        response = http.get(f"/v1/brands/{brand_id}/risk", params={"at": at.isoformat()})
        if response.status_code != 200:
            raise ReplayError(f"risk at {at}: {response.status_code} {response.text}")
        return BrandRiskAssessment.model_validate(response.json())

    return report_for(scenario, shifted, now, assess, triages), assess(now)


def is_triage_cases(document: object) -> TypeGuard[list[dict[str, Any]]]:
    """`triage_cases.json`: a list of `{"mention": …, "expect": …}`, not a stream."""
    return (
        isinstance(document, list)
        and bool(document)
        and all(
            isinstance(case, dict) and {"mention", "expect"} <= case.keys() for case in document
        )
    )


def replay_triage_cases(http: httpx.Client, cases: list[dict[str, Any]]) -> int:
    """Each case through `POST /v1/triage`, published now (as the engine's tests judge it)."""
    failed = 0
    for case in cases:
        mention = {**case["mention"], "published_at": datetime.now(UTC).isoformat()}
        response = http.post("/v1/triage", json={"mention": mention})
        if response.status_code != 200:
            raise ReplayError(
                f"triage of {mention.get('external_id')} refused: "
                f"{response.status_code} {response.text}"
            )
        triage = MentionTriage.model_validate(response.json()["triage"])
        expect = case["expect"]
        failures = [
            f"{name} {got} not in {expect[name]}"
            for name, got in (("tier", triage.tier.value), ("moderation", triage.moderation.value))
            if name in expect and got not in expect[name]
        ]
        failed += bool(failures)
        verdict = "ok" if not failures else "FAILED: " + "; ".join(failures)
        print(
            f"triage {mention.get('external_id')}: tier={triage.tier.value} "
            f"moderation={triage.moderation.value} {verdict}"
        )
    print(f"triaged {len(cases)} cases, {failed} failed (nothing stored)")
    return 1 if failed else 0


def replay_file(path: Path, brand_id: str | None, url: str, api_key: str, batch_size: int) -> int:
    """`vigie replay`: 0 when every check passes, 1 when one fails, 2 when it cannot run."""
    try:
        document = json.loads(path.read_text(encoding="utf-8")) if path.suffix != ".jsonl" else None
    except OSError as error:
        return _cannot(f"cannot read {path}: {error.strerror or error}")
    except ValueError as error:
        return _cannot(f"{path} is not JSON ({error})")
    headers = {"Authorization": f"Bearer {api_key}"}
    with httpx.Client(base_url=url, headers=headers, timeout=60) as http:
        try:
            if is_triage_cases(document):
                print(f"{path.name} holds single-mention triage cases: POST /v1/triage each")
                return replay_triage_cases(http, document)
            if path.suffix == ".jsonl" and not brand_id:
                return _cannot("--brand is required for a JSON-lines stream")
            try:
                scenario = load_stream(path, brand_id or "")
            except ValidationError as error:
                first = error.errors()[0]
                where = ".".join(str(part) for part in first["loc"]) or "the document"
                return _cannot(
                    f"{path} is not a scenario, a JSON-lines stream or triage cases "
                    f"({error.error_count()} errors; first at {where}: {first['msg']})"
                )
            if not scenario.mentions:
                print("nothing to replay")
                return 1
            brand_id = brand_id or scenario.brand.id
            report, final = replay_through_api(http, scenario, brand_id, batch_size=batch_size)
        except ReplayError as error:
            print(f"vigie replay: {error}")
            return 1
        except UnshiftableScenarioError as error:
            return _cannot(f"{path}: {error}")
        except httpx.TransportError as error:
            return _cannot(
                f"cannot reach the API at {url} ({type(error).__name__}: {error}). "
                "Is `vigie dev` running? Point --url (or VIGIE_URL) at it."
            )
    print(f"replayed {len(scenario.mentions)} mentions into brand {brand_id}")
    for check in report.checks:
        verdict = "ok" if not check.failures else "FAILED: " + "; ".join(check.failures)
        print(
            f"{check.at.isoformat()}  score={check.score:>3}  level={check.level:<8} "
            f"tier={check.tier.value:<20} stage={check.stage.value:<9} {verdict}  ({check.why})"
        )
    for mention_check in report.mention_checks:
        verdict = (
            "ok" if not mention_check.failures else "FAILED: " + "; ".join(mention_check.failures)
        )
        tier = mention_check.tier.value if mention_check.tier else "-"
        print(f"mention {mention_check.external_id}: tier={tier} {verdict}")
    print(
        f"now: score={final.score} level={final.level.value} tier={final.tier.value} "
        f"stage={final.stage.value}"
    )
    return 0 if report.passed else 1


def _cannot(message: str) -> int:
    print(f"vigie replay: {message}", file=sys.stderr)
    return 2
