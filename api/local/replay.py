"""`vigie replay`: push a scenario (or JSON-lines) file through a running API.

Timestamps are shifted by one offset so the stream ends now; mentions go in time order, in batches;
`GET /risk?at=` is read at every check time (shifted the same way). The checks are evaluated by
the same code as the in-memory replay (`api.local.scenarios`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
from pydantic import TypeAdapter

from api.engine import BrandRiskAssessment, MentionTriage
from api.engine.mention import Mention
from api.local.scenarios import (
    Scenario,
    ScenarioBrand,
    ScenarioReport,
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


def replay_file(path: Path, brand_id: str, url: str, api_key: str, batch_size: int) -> int:
    scenario = load_stream(path, brand_id)
    if not scenario.mentions:
        print("nothing to replay")
        return 1
    headers = {"Authorization": f"Bearer {api_key}"}
    with httpx.Client(base_url=url, headers=headers, timeout=60) as http:
        try:
            report, final = replay_through_api(http, scenario, brand_id, batch_size=batch_size)
        except ReplayError as error:
            print(f"vigie replay: {error}")
            return 1
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
