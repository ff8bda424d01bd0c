"""`vigie replay`: push a scenario (or JSON-lines) file through a running API, as SPEC §6 says.

Timestamps are shifted by one offset so the stream ends now; mentions go in time order, in batches;
`GET /risk?at=` is read at every check time (shifted the same way) and printed.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx


def _parse_instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def load_stream(path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str | None]:
    """Mentions, checks and the brand name of a scenario file or a JSON-lines file."""
    text = path.read_text()
    if path.suffix == ".jsonl":
        mentions = [json.loads(line) for line in text.splitlines() if line.strip()]
        return mentions, [], None
    document = json.loads(text)
    return document["mentions"], document.get("checks", []), document.get("brand", {}).get("name")


def replay_file(path: Path, brand_id: str, url: str, api_key: str, batch_size: int) -> int:
    mentions, checks, brand_name = load_stream(path)
    if not mentions:
        print("nothing to replay")
        return 1
    mentions.sort(key=lambda m: _parse_instant(m["published_at"]))
    offset = datetime.now(UTC) - _parse_instant(mentions[-1]["published_at"])
    for mention in mentions:
        mention["published_at"] = (_parse_instant(mention["published_at"]) + offset).isoformat()
    headers = {"Authorization": f"Bearer {api_key}"}
    with httpx.Client(base_url=url, headers=headers, timeout=60) as http:
        created = http.post("/v1/brands", json={"id": brand_id, "name": brand_name or brand_id})
        if created.status_code not in (201, 409):
            print(f"cannot create brand {brand_id}: {created.status_code} {created.text}")
            return 1
        for start in range(0, len(mentions), batch_size):
            batch = mentions[start : start + batch_size]
            response = http.post(f"/v1/brands/{brand_id}/mentions", json={"mentions": batch})
            if response.status_code != 200:
                print(f"batch at {start} refused: {response.status_code} {response.text}")
                return 1
        print(f"replayed {len(mentions)} mentions into brand {brand_id}")
        moments = [(_parse_instant(c["at"]) + offset, c) for c in checks]
        if not moments:
            moments = [(datetime.now(UTC), {})]
        failures = 0
        for at, check in moments:
            assessment = http.get(f"/v1/brands/{brand_id}/risk", params={"at": at.isoformat()})
            body = assessment.json()
            verdict = _verdict(check, body)
            failures += verdict != "ok"
            print(
                f"{at.isoformat()}  score={body['score']:>3}  level={body['level']:<8} "
                f"tier={body['tier']:<20} stage={body['stage']:<9} {verdict}"
            )
    return 1 if failures else 0


def _verdict(check: dict[str, Any], assessment: dict[str, Any]) -> str:
    if not check:
        return ""
    problems = []
    if "tier" in check and assessment["tier"] not in check["tier"]:
        problems.append(f"tier not in {check['tier']}")
    if "stage" in check and assessment["stage"] not in check["stage"]:
        problems.append(f"stage not in {check['stage']}")
    if "score_min" in check and assessment["score"] < check["score_min"]:
        problems.append(f"score < {check['score_min']}")
    if "score_max" in check and assessment["score"] > check["score_max"]:
        problems.append(f"score > {check['score_max']}")
    return "ok" if not problems else "FAILED: " + "; ".join(problems)
