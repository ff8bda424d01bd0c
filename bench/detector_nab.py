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

Each false alarm is printed with what the stage read: weekday and hour, the hour's volume, its
seasonal expectation, z and ratio, the baseline's spread and the largest 5-minute slot.

`--stage-only` replays only the stage (`SeasonalBaseline`, `burst_reading`, `crisis_stage`) on the
hourly and 5-minute series rebuilt from the counts exactly as the buckets give them (trailing hours
ending at `at`, each clock hour spread evenly; checked equal to the full path): the same
detections, ~10x faster, for sweeps. `--perturb` runs it with each detector threshold x0.8 and
x1.2 and prints the targets of each variant (robustness: the thresholds are not a knife edge).

Run: .venv/bin/python bench/detector_nab.py [--series AAPL,FB] [--data DIR] [--set name=value]
     [--stage-only] [--perturb]   (exit 0 on target)
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.engine import EngineConfig, mention_counters, triage_mention
from api.engine.factors import attention_volume
from api.engine.mention import Mention
from api.engine.schemas import Stage
from api.engine.spike import SeasonalBaseline, burst_reading
from api.engine.stage import crisis_stage
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
PERTURBED = ("elevated_z", "emerging_z", "emerging_ratio", "elevated_ratio", "burst_z")
PERTURB_FACTORS = (0.8, 1.2)


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


def trailing_series(
    series: Series, config: EngineConfig
) -> Iterator[tuple[datetime, list[float], list[float]]]:
    """(at, hourly volume, 5-minute slot volume) at each row, as the assessment at that row reads
    them from the buckets: trailing hours [at-1h, at), [at-2h, at-1h)… over `history_hours`, the
    clock hours spread evenly over the time they cover, the partial hour and the slots up to and
    including the row's own (each row is the only count of its 5-minute slot)."""
    per_mention = attention_volume(0.0, 1.0, 0.0, config)  # no sentiment: linear in the count
    hours: dict[int, float] = {}
    counts: list[float] = []
    periods = config.history_hours
    for moment, count in series.rows:
        value = count * per_mention
        counts.append(value)
        epoch = int(moment.timestamp())
        hour = epoch // 3600
        hours[hour] = hours.get(hour, 0.0) + value
        # The clock hour `hour - j` covers ages [f + j - 1, f + j) hours before `at`.
        f = (epoch - hour * 3600) / 3600.0
        volume = [0.0] * periods
        volume[-1] = hours[hour] + (1.0 - f) * hours.get(hour - 1, 0.0)
        for back in range(1, periods):
            volume[-1 - back] = f * hours.get(hour - back, 0.0) + (1.0 - f) * hours.get(
                hour - back - 1, 0.0
            )
        slots = counts[-config.burst_slots :]
        yield moment, volume, [0.0] * (config.burst_slots - len(slots)) + slots


@dataclass(frozen=True)
class Reading:
    """What the stage read at a detection (for the false-alarm listing)."""

    volume: float
    expected: float
    z: float
    spread: float
    slot: float
    slot_expected: float
    reason: str

    def describe(self) -> str:
        ratio = self.volume / self.expected if self.expected > 0 else math.inf
        return (
            f"hour {self.volume:.0f} vs {self.expected:.0f} expected (z {self.z:+.1f}, "
            f"x{ratio:.2f}, spread {self.spread:.2f}), top 5-min slot {self.slot:.0f} vs "
            f"{self.slot_expected:.1f}: {self.reason}"
        )


def stage_only_detections(
    series: Series, config: EngineConfig, readings: dict[datetime, Reading] | None = None
) -> Outcome:
    """The detections of `engine_detections`, from the stage alone (see the module docstring)."""
    outcome = Outcome()
    started = time.perf_counter()
    previous = Stage.quiet
    last: datetime | None = None
    for moment, volume, slots in trailing_series(series, config):
        seasonal = SeasonalBaseline(volume, config)
        baseline = seasonal.at(len(volume) - 1)
        burst = burst_reading(slots, baseline, config)
        reading = crisis_stage(volume, seasonal, config, burst)
        stage = reading.stage
        if previous in CALM_STAGES and stage not in CALM_STAGES:
            if last is None or moment - last >= REFRACTORY:
                outcome.detections.append(moment)
                outcome.stages[moment] = stage
                last = moment
                if readings is not None:
                    readings[moment] = Reading(
                        volume[-1],
                        baseline.mean,
                        (volume[-1] - baseline.mean) / baseline.deviation,
                        baseline.spread,
                        burst.volume,
                        burst.expected,
                        reading.reason,
                    )
        previous = stage
    outcome.seconds = time.perf_counter() - started
    return outcome


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


def readings_at(
    series: Series, config: EngineConfig, moments: Sequence[datetime]
) -> dict[datetime, Reading]:
    """What the stage read at `moments` (the full path's detections), from the same series."""
    wanted = set(moments)
    found: dict[datetime, Reading] = {}
    for moment, volume, slots in trailing_series(series, config):
        if moment not in wanted:
            continue
        seasonal = SeasonalBaseline(volume, config)
        baseline = seasonal.at(len(volume) - 1)
        burst = burst_reading(slots, baseline, config)
        reading = crisis_stage(volume, seasonal, config, burst)
        found[moment] = Reading(
            volume[-1],
            baseline.mean,
            (volume[-1] - baseline.mean) / baseline.deviation,
            baseline.spread,
            burst.volume,
            burst.expected,
            reading.reason,
        )
    return found


def false_alarms(series: Series, detections: Sequence[datetime]) -> list[datetime]:
    return [
        d
        for d in detections
        if d >= series.rows[0][0] + PROBATION
        and not any(low <= d <= high for low, high in series.windows)
    ]


def targets_met(total: Score) -> bool:
    return (
        total.found >= WINDOWS_TARGET * total.windows / 16
        and total.per_week <= FALSE_ALARMS_PER_WEEK_TARGET
        and total.median_delay <= MEDIAN_DELAY_TARGET_HOURS
    )


def perturb(all_series: Sequence[Series], overrides: dict[str, str]) -> bool:
    """Every threshold of `PERTURBED` x0.8 and x1.2 (stage only); True if all variants meet."""
    print("robustness: each threshold x0.8 / x1.2, the others at their value (stage only)")
    every = True
    for name in ("(as set)", *PERTURBED):
        for factor in (1.0,) if name == "(as set)" else PERTURB_FACTORS:
            values: dict[str, object] = dict(overrides)
            if name != "(as set)":
                values[name] = getattr(EngineConfig.model_validate(overrides), name) * factor
            config = EngineConfig.model_validate(values)
            total = Score()
            pairs: list[tuple[Series, Sequence[datetime]]] = []
            per_series = []
            for series in all_series:
                detections = stage_only_detections(series, config).detections
                score = judge(series, detections)
                total.add(score)
                pairs.append((series, detections))
                per_series.append(
                    f"{series.name} {score.found}/{score.windows} {score.false_alarms}"
                )
            met = targets_met(total)
            every = every and met
            label = name if name == "(as set)" else f"{name} x{factor:g}"
            print(
                f"  {label:<22} windows {total.found}/{total.windows}  median delay "
                f"{total.median_delay:+.2f} h  false alarms {total.per_week:.2f}/week  "
                f"NAB std {nab_score(pairs, 'standard'):.1f} low-FN "
                f"{nab_score(pairs, 'reward_low_FN'):.1f}  [{', '.join(per_series)}]  "
                + ("met" if met else "NOT met"),
                flush=True,
            )
    return every


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--series", default="", help="comma-separated subset, e.g. AAPL,FB")
    parser.add_argument(
        "--set", action="append", default=[], help="an EngineConfig override, name=value"
    )
    parser.add_argument(
        "--stage-only", action="store_true", help="replay the stage alone (same detections)"
    )
    parser.add_argument(
        "--perturb", action="store_true", help="each threshold x0.8 and x1.2 (stage only)"
    )
    args = parser.parse_args(argv)
    names = [n for n in args.series.split(",") if n]
    overrides = dict(item.split("=", 1) for item in args.set)
    config = EngineConfig.model_validate(overrides)
    all_series = load(args.data, names)
    if args.perturb:
        return 0 if perturb(all_series, overrides) else 1
    engine: dict[str, Score] = {}
    gaussian: dict[str, Score] = {}
    pairs_engine: list[tuple[Series, Sequence[datetime]]] = []
    pairs_gauss: list[tuple[Series, Sequence[datetime]]] = []
    assessments = 0
    seconds = 0.0
    for series in all_series:
        readings: dict[datetime, Reading] = {}
        if args.stage_only:
            outcome = stage_only_detections(series, config, readings)
        else:
            outcome = engine_detections(series, config)
            readings = readings_at(series, config, false_alarms(series, outcome.detections))
        baseline = gaussian_detections(series)
        engine[series.name] = judge(series, outcome.detections)
        alarms = false_alarms(series, outcome.detections)
        print(f"  {series.name} false alarms: {len(alarms) or 'none'}", flush=True)
        for moment in alarms:
            print(
                f"    {moment:%a %m-%d %H:%M} {outcome.stages[moment].value:<9} "
                f"{readings[moment].describe()}"
            )
        gaussian[series.name] = judge(series, baseline.detections)
        pairs_engine.append((series, outcome.detections))
        pairs_gauss.append((series, baseline.detections))
        assessments += len(series.rows)
        seconds += outcome.seconds
    path = "stage only" if args.stage_only else "full path"
    print(
        f"NAB realTweets dev: {len(all_series)} series, {assessments} assessments every 5 min "
        f"({path})"
    )
    total = report("engine", engine)
    report(f"windowed Gaussian z>={GAUSSIAN_Z:g}", gaussian)
    for profile in PROFILES:
        print(
            f"  NAB {profile:<14} engine {nab_score(pairs_engine, profile):6.1f}   "
            f"windowed Gaussian {nab_score(pairs_gauss, profile):6.1f}"
        )
    print(f"  engine cost: {1000 * seconds / max(assessments, 1):.2f} ms per 5-minute step")
    met = targets_met(total)
    print(
        f"targets: windows >= {WINDOWS_TARGET}/16, false alarms <= "
        f"{FALSE_ALARMS_PER_WEEK_TARGET:g}/week, median delay <= {MEDIAN_DELAY_TARGET_HOURS:g} h: "
        + ("met" if met else "NOT met")
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
