"""Risk histories before and after a change that must not change them: 0 differences expected.

Run: `.venv/bin/python bench/history_equivalence.py [--ref REF] [--brands N]` (REF: the commit
before the change, default `HEAD`).

Brands' hourly buckets and 5-minute slots are generated here once (counters of realistic
mentions, triaged by this checkout's engine, written to a JSON file both sides read): random
brands (1 to 20 days of life, quiet or busy, with gaps, shards of one hour, partial current
buckets, praise campaigns) and scenarios (a crisis wave on a mature brand, a burst, a weekly
pattern, a brand born mid-history). For every point of a 14-day hourly history, plus points
off the hour grid, REF's `assess_brand` of the point's own buckets and slots (as `GET /risk?at=`
reads them) is compared, as JSON bytes, with this checkout's `assess_brand` and with its
`HistoryAssessor.at`, and with what its `HistoryAssessor.point` shows (what `GET /risk/history`
computes: score, level, tier, stage, spike).

Exit code 0 when there is no difference, 1 otherwise. Written for issue 16 item 3.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import subprocess
import sys
import tarfile
import tempfile
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
END = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
SLOT = 300


def _sample_counters(rng: random.Random) -> list[dict[str, float]]:
    sys.path.insert(0, str(PROJECT))
    from api.engine import mention_counters, triage_mention
    from api.engine.config import EngineConfig
    from api.engine.mention import Mention
    from bench import harness

    config = EngineConfig()
    sample = []
    for payload in harness.realistic_mentions(rng, 300, prefix="s", span=timedelta(hours=1)):
        mention = Mention.model_validate(payload)
        triage = triage_mention(mention, now=mention.published_at, config=config)
        sample.append(dict(mention_counters(mention, triage)))
    return sample


def _brand(
    rng: random.Random,
    sample: list[dict[str, float]],
    *,
    days: float,
    rate: float,
    waves: list[tuple[float, float, float]] = (),  # type: ignore[assignment]
    gaps: float = 0.0,
    shards: int = 1,
    negative_bias: float = 0.0,
) -> dict[str, Any]:
    """Buckets and slots of `days` of mentions before END (+40 min: a partial hour)."""
    negative = [c for c in sample if c.get("neg")]
    hours: dict[tuple[datetime, int], dict[str, float]] = {}
    slots: dict[datetime, dict[str, float]] = {}
    now = END + timedelta(minutes=40)
    total_slots = int(days * 24 * 12)
    for index in range(total_slots):
        slot_start = now - timedelta(seconds=(index + 1) * SLOT)
        slot_start -= timedelta(seconds=slot_start.timestamp() % SLOT)
        hours_ago = (END - slot_start).total_seconds() / 3600
        if gaps and rng.random() < gaps:
            continue
        cycle = 1.0 + 0.6 * math.sin(2 * math.pi * (slot_start.hour - 9) / 24)
        if slot_start.weekday() == 6:
            cycle *= 0.5
        mean = rate * cycle / 12
        boost = sum(size for start, length, size in waves if start >= hours_ago > start - length)
        count = (
            sum(rng.random() < mean / 8 for _ in range(8))
            if mean < 8
            else round(rng.gauss(mean, math.sqrt(mean)))
        )
        wave_count = round(rng.gauss(boost / 12, math.sqrt(boost / 12))) if boost else 0
        for pool, n in ((sample, max(0, count)), (negative or sample, max(0, wave_count))):
            for _ in range(n):
                counters = rng.choice(pool)
                if negative_bias and rng.random() < negative_bias and negative:
                    counters = rng.choice(negative)
                hour = slot_start - timedelta(seconds=slot_start.timestamp() % 3600)
                shard = rng.randrange(shards)
                for total in (
                    hours.setdefault((hour, shard), {}),
                    slots.setdefault(slot_start, {}),
                ):
                    for name, value in counters.items():
                        total[name] = total.get(name, 0) + value

    def bucket(start: datetime, seconds: int, counters: dict[str, float]) -> dict[str, Any]:
        if seconds == 3600 and start >= END:  # the current hour, 40 minutes in
            seconds = int(math.ceil((now.timestamp() - start.timestamp()) / SLOT) * SLOT)
        return {"start": start.isoformat(), "seconds": seconds, "counters": counters}

    return {
        "buckets": [bucket(h, 3600, c) for (h, _), c in sorted(hours.items())],
        "slots": [bucket(s, SLOT, c) for s, c in sorted(slots.items())],
    }


def cases(brands: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    sample = _sample_counters(rng)
    out = {
        "mature-calm": _brand(rng, sample, days=16, rate=40),
        "mature-wave": _brand(rng, sample, days=16, rate=30, waves=[(60, 10, 400), (200, 3, 90)]),
        "mature-burst": _brand(rng, sample, days=16, rate=20, waves=[(5, 0.3, 2000)]),
        "mature-sharded": _brand(rng, sample, days=15, rate=60, shards=3),
        "born-mid-history": _brand(rng, sample, days=6, rate=25, waves=[(30, 6, 200)]),
        "sparse": _brand(rng, sample, days=20, rate=1.5, gaps=0.3),
        "negative": _brand(rng, sample, days=16, rate=15, negative_bias=0.5),
    }
    for index in range(brands):
        waves = [
            (rng.uniform(0, 340), rng.uniform(0.2, 20), rng.uniform(20, 800))
            for _ in range(rng.randrange(3))
        ]
        out[f"random-{index}"] = _brand(
            rng,
            sample,
            days=rng.uniform(1, 20),
            rate=rng.choice([0.5, 3, 10, 40, 120]),
            waves=waves,
            gaps=rng.choice([0.0, 0.0, 0.2, 0.6]),
            shards=rng.choice([1, 1, 2]),
            negative_bias=rng.choice([0.0, 0.0, 0.3]),
        )
    return out


def points() -> list[datetime]:
    hourly = [END - timedelta(hours=h) for h in range(14 * 24, -1, -1)]
    off_grid = [END - timedelta(hours=h, minutes=17) for h in range(0, 14 * 24, 37)]
    return hourly + off_grid + [END + timedelta(minutes=40)]


def dump(cases_file: Path, out: Path, new: bool) -> None:
    """Every point's assessment of every brand, with the `api` first on the path."""
    from api.engine import assess_brand
    from api.engine.config import EngineConfig
    from api.engine.schemas import AggregateBucket

    config = EngineConfig()
    data = json.loads(cases_file.read_text())
    result: dict[str, list[str]] = {}
    for name, brand in data.items():

        def parse(items: list[dict[str, Any]]) -> list[AggregateBucket]:
            return [
                AggregateBucket(
                    start=datetime.fromisoformat(i["start"]),
                    seconds=i["seconds"],
                    counters=i["counters"],
                )
                for i in items
            ]

        buckets, slots = parse(brand["buckets"]), parse(brand["slots"])
        history = None
        if new:
            from api.engine.assessment import HistoryAssessor

            history = HistoryAssessor(buckets, config, slots)
        rows = []
        for at in points():
            window = at - timedelta(hours=config.history_hours)
            seen = [b for b in buckets if window <= b.start < at]
            recent = [
                s
                for s in slots
                if at - timedelta(seconds=config.burst_slots * SLOT) <= s.start < at
            ]
            rows.append(assess_brand(seen, at=at, config=config, slots=recent).model_dump_json())
            if history is not None:
                rows.append(history.at(at).model_dump_json())
                point = history.point(at)
                rows.append(
                    json.dumps(
                        {
                            "score": point.score,
                            "level": point.level.value,
                            "tier": point.tier.value,
                            "stage": point.stage.value,
                            "spike": point.spike,
                        }
                    )
                )
        result[name] = rows
    out.write_text(json.dumps(result))


def _point_of(assessment: str) -> str:
    """What `GET /risk/history` shows of an assessment (`HistoryPoint`'s fields), as JSON."""
    body = json.loads(assessment)
    spike = any(f["name"] == "volume_spike" and f["contribution"] > 0 for f in body["factors"])
    fields = {name: body[name] for name in ("score", "level", "tier", "stage")}
    return json.dumps({**fields, "spike": spike})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ref", default="HEAD")
    parser.add_argument("--brands", type=int, default=20)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--dump", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--new", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dump:
        dump(Path(args.dump[0]), Path(args.dump[1]), args.new)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cases_file = root / "cases.json"
        cases_file.write_text(json.dumps(cases(args.brands, args.seed)))
        archive = subprocess.run(
            ["git", "archive", args.ref, "api"], cwd=PROJECT, check=True, capture_output=True
        ).stdout
        (root / "ref").mkdir()
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(root / "ref", filter="data")
        for label, path, flags in (("ref", root / "ref", []), ("new", PROJECT, ["--new"])):
            code = (
                f"import sys; sys.path.insert(0, {str(path)!r}); import api; "
                f"assert api.__file__.startswith({str(path)!r}), api.__file__; "
                f"sys.argv = ['x', '--dump', {str(cases_file)!r}, {str(root / label)!r}+'.json'"
                f"{''.join(', ' + repr(f) for f in flags)}]; "
                f"__file__ = {str(Path(__file__).resolve())!r}; exec(open(__file__).read())"
            )
            subprocess.run([sys.executable, "-c", code], check=True)
        ref = json.loads((root / "ref.json").read_text())
        new = json.loads((root / "new.json").read_text())
    differences = compared = 0
    for name, rows in ref.items():
        for index, expected in enumerate(rows):
            for kind, got, want in (
                ("assess_brand", new[name][3 * index], expected),
                ("history", new[name][3 * index + 1], expected),
                ("history point", new[name][3 * index + 2], _point_of(expected)),
            ):
                compared += 1
                if got != want:
                    differences += 1
                    if differences <= 5:
                        print(f"DIFF {name} point {index} ({kind}):")
                        print(f"  ref {want[:400]}\n  new {got[:400]}")
    print(
        f"{len(ref)} brands x {len(points())} points: {compared} assessments compared with "
        f"{args.ref}'s assess_brand (this checkout's assess_brand, HistoryAssessor.at and "
        "HistoryAssessor.point): "
        f"{differences} differences"
    )
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
