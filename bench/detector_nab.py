"""The brand detector on real tweet volumes with labelled anomaly windows (NAB realTweets).

Each 5-minute count of `../shared/datasets/nab_realtweets_dev/` becomes that many canonical
mentions with no text and no sentiment (what a tool stripping X data sends), fed through the
engine's own path: `triage_mention` → `mention_counters` → the in-memory aggregates that give
exactly the buckets storage gives (`api.local.scenarios.InMemoryAggregates`; identical mentions
of a slot are added in bulk: integer counters times the count, what the real path would store).
The brand is assessed (`assess_brand`, with the 5-minute slots) at every row. A detection is the
stage leaving `quiet`/`resolved`, then nothing for 6 h (refractory).

Printed per series and in total: windows found, delay of the first detection in each window from
the labelled point (the window's centre), false alarms (detections outside every window after a
62.5 h probation) per week; the same for a windowed-Gaussian detector on the raw 5-minute counts
in the same run; and NAB's standard and reward-low-FN scores (NAB's own scoring rules, ported:
`nab/scorer.py`, `nab/sweeper.py`) for both.

Targets (BENCHMARKS.md): ≥ 15/16 windows, ≤ 1 false alarm a week, median delay ≤ 0 h.

Run: .venv/bin/python bench/detector_nab.py [--series AAPL,FB] [--data DIR]   (exit 0 on target)
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.engine import EngineConfig, mention_counters, triage_mention
from api.engine.mention import Mention
from api.engine.schemas import Stage
from api.local.scenarios import InMemoryAggregates

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "nab_realtweets_dev"
PROBATION = timedelta(hours=62.5)
REFRACTORY = timedelta(hours=6)
CALM_STAGES = frozenset({Stage.quiet, Stage.resolved})
WINDOWS_TARGET = 15
FALSE_ALARMS_PER_WEEK_TARGET = 1.0
MEDIAN_DELAY_TARGET_HOURS = 0.0
GAUSSIAN_WINDOW = 6400  # NAB's windowed Gaussian default (points)
GAUSSIAN_Z = 5.0


@dataclass
class Series:
    name: str
    rows: list[tuple[datetime, int]]
    windows: list[tuple[datetime, datetime]]


@dataclass
class Outcome:
    detections: list[datetime] = field(default_factory=list)
    stages: dict[datetime, Stage] = field(default_factory=dict)
    """The stage each detection entered (for the record: which rule fires)."""
    seconds: float = 0.0


def load(data: Path, names: Sequence[str] | None) -> list[Series]:
    labelled = json.loads((data / "windows.json").read_text())
    found = []
    for key, windows in sorted(labelled.items()):
        file = key.split("/")[-1]
        name = file.removeprefix("Twitter_volume_").removesuffix(".csv")
        if names and name not in names:
            continue
        with (data / file).open() as handle:
            rows = [
                (datetime.fromisoformat(r["timestamp"]).replace(tzinfo=UTC), int(r["value"]))
                for r in csv.DictReader(handle)
            ]
        spans = [
            (
                datetime.fromisoformat(a).replace(tzinfo=UTC),
                datetime.fromisoformat(b).replace(tzinfo=UTC),
            )
            for a, b in windows
        ]
        found.append(Series(name, rows, spans))
    return found


def engine_detections(series: Series, config: EngineConfig) -> Outcome:
    aggregates = InMemoryAggregates(config)
    outcome = Outcome()
    started = time.perf_counter()
    previous = Stage.quiet
    last: datetime | None = None
    for index, (moment, count) in enumerate(series.rows):
        if count:
            mention = Mention.model_validate(
                {
                    "external_id": f"{series.name}-{index}",
                    "source": "nab",
                    "network": "twitter",
                    "published_at": moment,
                }
            )
            triage = triage_mention(mention, now=moment, config=config)
            counters = mention_counters(mention, triage)
            aggregates.add_repeated(mention, triage, counters, count)  # type: ignore[arg-type]
        stage = aggregates.assess(moment, config).stage
        if previous in CALM_STAGES and stage not in CALM_STAGES:
            if last is None or moment - last >= REFRACTORY:
                outcome.detections.append(moment)
                outcome.stages[moment] = stage
                last = moment
        previous = stage
    outcome.seconds = time.perf_counter() - started
    return outcome


def gaussian_detections(series: Series, threshold: float = GAUSSIAN_Z) -> Outcome:
    """NAB's windowed Gaussian: z of each count against the mean/sd of the last 6,400 counts."""
    outcome = Outcome()
    values: list[int] = []
    total = squares = 0.0
    last: datetime | None = None
    for moment, count in series.rows:
        if len(values) >= 2:
            mean = total / len(values)
            sd = math.sqrt(max(squares / len(values) - mean * mean, 0.0)) or 1.0
            if (count - mean) / sd >= threshold and (last is None or moment - last >= REFRACTORY):
                outcome.detections.append(moment)
                last = moment
        values.append(count)
        total += count
        squares += count * count
        if len(values) > GAUSSIAN_WINDOW:
            old = values.pop(0)
            total -= old
            squares -= old * old
    return outcome


@dataclass
class Score:
    found: int = 0
    windows: int = 0
    delays: list[float] = field(default_factory=list)
    false_alarms: int = 0
    weeks: float = 0.0

    def add(self, other: Score) -> None:
        self.found += other.found
        self.windows += other.windows
        self.delays += other.delays
        self.false_alarms += other.false_alarms
        self.weeks += other.weeks

    @property
    def per_week(self) -> float:
        return self.false_alarms / self.weeks if self.weeks else 0.0

    @property
    def median_delay(self) -> float:
        return statistics.median(self.delays) if self.delays else math.inf


def judge(series: Series, detections: Sequence[datetime]) -> Score:
    start, end = series.rows[0][0], series.rows[-1][0]
    score = Score(windows=len(series.windows))
    score.weeks = (end - start - PROBATION).total_seconds() / (7 * 86400)
    for low, high in series.windows:
        inside = [d for d in detections if low <= d <= high]
        if inside:
            score.found += 1
            centre = low + (high - low) / 2
            score.delays.append((inside[0] - centre).total_seconds() / 3600)
    score.false_alarms = sum(
        1
        for d in detections
        if d >= start + PROBATION and not any(low <= d <= high for low, high in series.windows)
    )
    return score


# --- NAB scoring (a port of numenta/NAB nab/sweeper.py: calcSweepScore + calcScoreByThreshold
# for a binary detector; profiles from NAB config/profiles.json) -------------------------------

PROFILES = {
    "standard": {"tp": 1.0, "fp": 0.11, "fn": 1.0},
    "reward_low_FN": {"tp": 1.0, "fp": 0.11, "fn": 2.0},
}
NAB_PROBATION_PERCENT = 0.15


def _scaled_sigmoid(relative_position: float) -> float:
    if relative_position >= 3.0:
        return -1.0
    return 2.0 / (1.0 + math.exp(5.0 * relative_position)) - 1.0


def nab_raw(
    series: Series, detections: Sequence[datetime], weights: dict[str, float]
) -> tuple[float, float, float]:
    """(score, perfect score, null score) of one series under one profile, as NAB counts them."""
    timestamps = [moment for moment, _ in series.rows]
    index_of = {moment: i for i, moment in enumerate(timestamps)}
    # NAB's windows start and end on rows: snap each limit to the first row at or after it.
    limits = []
    for low, high in series.windows:
        first = next(i for i, t in enumerate(timestamps) if t >= low)
        last = max(i for i, t in enumerate(timestamps) if t <= high)
        limits.append((first, last))
    probation = min(
        math.floor(NAB_PROBATION_PERCENT * len(timestamps)), NAB_PROBATION_PERCENT * 5000
    )
    max_tp = _scaled_sigmoid(-1.0)
    window_parts = [-weights["fn"]] * len(limits)
    false_positives = 0.0
    for moment in sorted(set(detections)):
        i = index_of[moment]
        if i < probation:
            continue
        inside = next((w for w, (a, b) in enumerate(limits) if a <= i <= b), None)
        if inside is not None:
            a, b = limits[inside]
            width = float(b - a + 1)
            position = -(b - i + 1) / width
            weighted = _scaled_sigmoid(position) * weights["tp"] / max_tp
            window_parts[inside] = max(window_parts[inside], weighted)
            continue
        previous = [(a, b) for a, b in limits if b < i]
        if previous:
            a, b = previous[-1]
            past = abs(b - i) / float(b - a)
        else:
            past = 3.0
        false_positives += _scaled_sigmoid(past) * weights["fp"]
    score = false_positives + sum(window_parts)
    perfect = weights["tp"] * len(limits)
    null = -weights["fn"] * len(limits)
    return score, perfect, null


def nab_score(pairs: Sequence[tuple[Series, Sequence[datetime]]], profile: str) -> float:
    """NAB's normalised score over the series: 100 x (raw - null) / (perfect - null)."""
    raw = perfect = null = 0.0
    for series, detections in pairs:
        r, p, n = nab_raw(series, detections, PROFILES[profile])
        raw, perfect, null = raw + r, perfect + p, null + n
    return 100.0 * (raw - null) / (perfect - null)


def report(label: str, scores: dict[str, Score]) -> Score:
    total = Score()
    for name, score in scores.items():
        total.add(score)
        print(
            f"  {label:<18} {name:<5} windows {score.found}/{score.windows}  "
            f"delays h {', '.join(f'{d:+.1f}' for d in score.delays) or '-'}  "
            f"false alarms {score.false_alarms} ({score.per_week:.2f}/week)"
        )
    print(
        f"  {label:<18} TOTAL windows {total.found}/{total.windows}  median delay "
        f"{total.median_delay:+.2f} h  false alarms {total.false_alarms} "
        f"({total.per_week:.2f}/week over {total.weeks:.1f} weeks)"
    )
    return total


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--series", default="", help="comma-separated subset, e.g. AAPL,FB")
    parser.add_argument(
        "--set", action="append", default=[], help="an EngineConfig override, name=value"
    )
    args = parser.parse_args(argv)
    names = [n for n in args.series.split(",") if n]
    overrides = dict(item.split("=", 1) for item in args.set)
    config = EngineConfig.model_validate(overrides)
    all_series = load(args.data, names)
    engine: dict[str, Score] = {}
    gaussian: dict[str, Score] = {}
    pairs_engine: list[tuple[Series, Sequence[datetime]]] = []
    pairs_gauss: list[tuple[Series, Sequence[datetime]]] = []
    assessments = 0
    seconds = 0.0
    for series in all_series:
        outcome = engine_detections(series, config)
        baseline = gaussian_detections(series)
        engine[series.name] = judge(series, outcome.detections)
        alarms = [
            f"{d:%m-%d %H:%M} {outcome.stages[d].value}"
            for d in outcome.detections
            if d >= series.rows[0][0] + PROBATION
            and not any(low <= d <= high for low, high in series.windows)
        ]
        print(f"  {series.name} false alarms: {'; '.join(alarms) or 'none'}", flush=True)
        gaussian[series.name] = judge(series, baseline.detections)
        pairs_engine.append((series, outcome.detections))
        pairs_gauss.append((series, baseline.detections))
        assessments += len(series.rows)
        seconds += outcome.seconds
    print(f"NAB realTweets dev: {len(all_series)} series, {assessments} assessments every 5 min")
    total = report("engine", engine)
    report(f"windowed Gaussian z>={GAUSSIAN_Z:g}", gaussian)
    for profile in PROFILES:
        print(
            f"  NAB {profile:<14} engine {nab_score(pairs_engine, profile):6.1f}   "
            f"windowed Gaussian {nab_score(pairs_gauss, profile):6.1f}"
        )
    print(f"  engine cost: {1000 * seconds / max(assessments, 1):.2f} ms per 5-minute step")
    met = (
        total.found >= WINDOWS_TARGET * total.windows / 16
        and total.per_week <= FALSE_ALARMS_PER_WEEK_TARGET
        and total.median_delay <= MEDIAN_DELAY_TARGET_HOURS
    )
    print(
        f"targets: windows >= {WINDOWS_TARGET}/16, false alarms <= "
        f"{FALSE_ALARMS_PER_WEEK_TARGET:g}/week, median delay <= {MEDIAN_DELAY_TARGET_HOURS:g} h: "
        + ("met" if met else "NOT met")
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
