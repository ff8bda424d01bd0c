"""Cold start of the Lambda handler, side by side with two baselines (shared/BENCHMARKS.md).

Each run is a new Python process that imports a handler module, then handles one real API
Gateway HTTP API (payload v2) event, GET /healthz (tests/events/http_api_healthz.json), in a
Lambda-like environment (function name, region, trace header; no DynamoDB endpoint override:
/healthz makes no network call). Handlers compared:

- vigie: `api.handler.handler`, Powertools around the app and its DynamoDB client;
- hello: bench/baselines/hello_handler.py, a bare FastAPI + Mangum app;
- floor: bench/baselines/floor_handler.py, hello plus one boto3 DynamoDB client, the least any
  FastAPI + Mangum + DynamoDB service can load.

Runs are interleaved, their order rotated every round, so the machine's noise hits every handler
alike; medians and ratios are printed, never a lone absolute time. The import and first-event
ratios are also printed in CPU time of the child (`time.process_time()`), which a machine busy
with other work inflates far less than wall time (for reference: the targets are wall time). Then
`python -X importtime` shows where the handler's import spends its time.

Usage: .venv/bin/python bench/cold_start.py [--runs N] [--strict] [--compare REF]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVENT = ROOT / "tests" / "events" / "http_api_healthz.json"

HANDLERS = {
    "hello": "bench.baselines.hello_handler",
    "floor": "bench.baselines.floor_handler",
    "vigie": "api.handler",
}

# (what, numerator, denominator, field, maximum ratio) — targets of shared/BENCHMARKS.md.
TARGETS = (
    ("import", "vigie", "hello", "import_ms", 1.6),
    ("spawn -> first event", "vigie", "floor", "first_event_ms", 1.25),
    ("modules after import", "vigie", "hello", "modules", 1.5),
    ("RSS after import", "vigie", "hello", "rss_mib", 1.5),
)
# The same ratios in CPU time, for a machine shared with other work (not the targets' measure).
CPU_RATIOS = (
    ("import (CPU)", "hello", "import_cpu_ms", 1.6),
    ("1st event (CPU)", "floor", "first_event_cpu_ms", 1.25),
)

# Runs in the new process. time.monotonic() is CLOCK_MONOTONIC, one clock for every process of
# the machine, so the parent's spawn time and the child's timestamps can be subtracted.
_CHILD = r"""
import importlib, json, sys, time
started = time.monotonic()
root, module_name, event_path, result_path = sys.argv[1:5]
sys.path.insert(0, root)


class LambdaContext:
    function_name = "vigie-bench-api"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:eu-west-3:123456789012:function:vigie-bench-api"
    memory_limit_in_mb = 1024
    aws_request_id = "5b1f4c2e-9a7d-4e21-b0a4-3c8d2e6f7a10"
    log_group_name = "/aws/lambda/vigie-bench-api"
    log_stream_name = "2026/11/25/[$LATEST]0123456789abcdef"

    def get_remaining_time_in_millis(self):
        return 29_000


with open(event_path) as file:
    event = json.load(file)
import_started, import_cpu_started = time.monotonic(), time.process_time()
module = importlib.import_module(module_name)
imported, imported_cpu = time.monotonic(), time.process_time()
modules = len(sys.modules)
with open("/proc/self/status") as file:
    rss_kib = next(int(line.split()[1]) for line in file if line.startswith("VmRSS:"))
response = module.handler(event, LambdaContext())
handled, handled_cpu = time.monotonic(), time.process_time()
if response.get("statusCode") != 200:
    raise SystemExit(f"unexpected response: {response}")
with open(result_path, "w") as file:
    json.dump({"started": started, "import_started": import_started, "imported": imported,
               "handled": handled, "modules": modules, "rss_kib": rss_kib,
               "import_cpu": imported_cpu - import_cpu_started, "first_event_cpu": handled_cpu,
               "file": module.__file__}, file)
"""


@dataclass(frozen=True)
class Sample:
    import_ms: float
    first_event_ms: float
    handler_ms: float
    modules: float
    rss_mib: float
    # CPU seconds of the process (time.process_time): what a busy machine inflates least, since
    # waiting for a core is not counted. First event: from the interpreter's start.
    import_cpu_ms: float
    first_event_cpu_ms: float


def lambda_environment() -> dict[str, str]:
    """This machine's environment minus AWS/Vigie/Powertools settings, plus what Lambda sets."""
    kept = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "VIGIE_", "POWERTOOLS_", "_X_AMZN", "LOG_LEVEL"))
        and key not in {"PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX"}
    }
    return kept | {
        "AWS_LAMBDA_FUNCTION_NAME": "vigie-bench-api",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
        "AWS_REGION": "eu-west-3",
        "AWS_DEFAULT_REGION": "eu-west-3",
        # Lambda hands its role's credentials over in the environment; nothing here uses them.
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_SESSION_TOKEN": "bench",
        # An unsampled trace: the X-Ray SDK does its work but sends nothing.
        "_X_AMZN_TRACE_ID": (
            "Root=1-6744a9d8-3f0c1b2a4d5e6f7081920a1b;Parent=53995c3f42cd8ad8;Sampled=0"
        ),
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        # The environment serverless.yml gives the function (VIGIE_DYNAMODB_ENDPOINT left unset).
        "VIGIE_TABLE_NAME": "vigie-bench",
        "VIGIE_REGION": "eu-west-3",
        "VIGIE_RETENTION_DAYS": "90",
        "POWERTOOLS_SERVICE_NAME": "vigie",
        "POWERTOOLS_METRICS_NAMESPACE": "Vigie",
        "POWERTOOLS_LOG_LEVEL": "INFO",
        "LOG_LEVEL": "INFO",
        # serverless.yml's default: Lambda's active tracing, no X-Ray SDK at cold start.
        "POWERTOOLS_TRACE_DISABLED": "true",
    }


# Handler name -> the folder its child puts first on sys.path (`--compare REF` adds one).
ROOTS: dict[str, Path] = {}


def run_once(module: str, environment: dict[str, str], root: Path = ROOT) -> Sample:
    with tempfile.TemporaryDirectory() as scratch:
        result_path = Path(scratch) / "result.json"
        spawned = time.monotonic()
        completed = subprocess.run(
            [sys.executable, "-c", _CHILD, str(root), module, str(EVENT), str(result_path)],
            env=environment,
            stdout=subprocess.DEVNULL,  # Powertools logs and metrics (EMF) go to stdout
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
        if completed.returncode != 0:
            raise SystemExit(f"{module} failed:\n{completed.stderr}")
        result = json.loads(result_path.read_text())
    if not Path(result["file"]).resolve().is_relative_to(root.resolve()):
        raise SystemExit(f"{module} was imported from {result['file']}, not from {root}")
    return Sample(
        import_ms=(result["imported"] - result["import_started"]) * 1000,
        first_event_ms=(result["handled"] - spawned) * 1000,
        handler_ms=(result["handled"] - result["imported"]) * 1000,
        modules=result["modules"],
        rss_mib=result["rss_kib"] / 1024,
        import_cpu_ms=result["import_cpu"] * 1000,
        first_event_cpu_ms=result["first_event_cpu"] * 1000,
    )


def measure(runs: int, environment: dict[str, str]) -> dict[str, list[Sample]]:
    names = list(HANDLERS)
    samples: dict[str, list[Sample]] = defaultdict(list)
    for name in names:  # warm-up: writes the .pyc files, as the Lambda package ships them
        run_once(HANDLERS[name], environment, ROOTS.get(name, ROOT))
    for round_index in range(runs):
        shift = round_index % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(run_once(HANDLERS[name], environment, ROOTS.get(name, ROOT)))
    return samples


def median(samples: list[Sample], field: str) -> float:
    return statistics.median(float(getattr(sample, field)) for sample in samples)


_IMPORTTIME = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s+)(\S+)")


@dataclass(frozen=True)
class ImportProfile:
    """Median import times (ms) from `python -X importtime`."""

    # Per top-level package, cumulative: a package imported by another also counts in its
    # importer's time, since that is what dropping the importer would save.
    packages: dict[str, float]
    # Per module of ours, self time: our modules nest, their cumulative times would all add up.
    own_modules: dict[str, float]


def import_profile(module: str, environment: dict[str, str], runs: int = 3) -> ImportProfile:
    per_run: dict[str, list[float]] = defaultdict(list)
    own: dict[str, list[float]] = defaultdict(list)
    code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); import {module}"
    for _ in range(runs):
        completed = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", code],
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        slowest: dict[str, float] = {}
        for line in completed.stderr.splitlines():
            match = _IMPORTTIME.match(line)
            if match is None:
                continue
            name = match.group(4)
            package = name.split(".")[0]
            if package == "api":
                own[name].append(int(match.group(1)) / 1000)
            cumulative_ms = int(match.group(2)) / 1000
            slowest[package] = max(slowest.get(package, 0.0), cumulative_ms)
        for package, cumulative_ms in slowest.items():
            per_run[package].append(cumulative_ms)
    return ImportProfile(
        packages={package: statistics.median(times) for package, times in per_run.items()},
        own_modules={name: statistics.median(times) for name, times in own.items()},
    )


def report(samples: dict[str, list[Sample]], runs: int) -> bool:
    print(f"Cold start: {runs} runs per handler, interleaved, medians ({os.cpu_count()} cores)")
    print(f"{'handler':<16}{'import ms':>11}{'spawn->1st event ms':>21}{'handler call ms':>17}"
          f"{'modules':>9}{'RSS MiB':>9}")  # fmt: skip
    for name in HANDLERS:
        print(
            f"{name:<16}{median(samples[name], 'import_ms'):>11.1f}"
            f"{median(samples[name], 'first_event_ms'):>21.1f}"
            f"{median(samples[name], 'handler_ms'):>17.1f}"
            f"{median(samples[name], 'modules'):>9.0f}{median(samples[name], 'rss_mib'):>9.1f}"
        )
    print("\nRatios (targets: shared/BENCHMARKS.md)")
    all_met = True
    for label, numerator, denominator, field, maximum in TARGETS:
        ratio = median(samples[numerator], field) / median(samples[denominator], field)
        met = ratio <= maximum
        all_met &= met
        verdict = "ok" if met else "MISSED"
        print(f"  {label:<22}{numerator} / {denominator} = {ratio:.2f}x  (<= {maximum}x) {verdict}")
        for other in (name for name in HANDLERS if name.startswith("vigie@")):
            before = median(samples[other], field) / median(samples[denominator], field)
            print(f"  {'':<22}{other} / {denominator} = {before:.2f}x  (before, for reference)")
    for name in (name for name in HANDLERS if name.startswith("vigie@")):
        call = median(samples[name], "handler_ms") / median(samples["floor"], "handler_ms")
        print(f"  first call            {name} / floor = {call:.2f}x")
    call = median(samples["vigie"], "handler_ms") / median(samples["floor"], "handler_ms")
    print(f"  first call            vigie / floor = {call:.2f}x  (<= 2x)")
    print("\nIn CPU time (a busy machine inflates wall time unevenly; for reference)")
    for label, denominator, field, maximum in CPU_RATIOS:
        for name in (name for name in HANDLERS if name.startswith("vigie")):
            ratio = median(samples[name], field) / median(samples[denominator], field)
            ms = median(samples[name], field)
            verdict = f"({ms:.0f} ms, <= {maximum}x)"
            print(f"  {label:<22}{name} / {denominator} = {ratio:.2f}x  {verdict}")
    return all_met


def report_profile(environment: dict[str, str], top: int = 15) -> None:
    profile = import_profile(HANDLERS["vigie"], environment)
    dependencies = sorted(
        (
            (ms, package)
            for package, ms in profile.packages.items()
            # not stdlib, not ours, not the import hook of the editable install
            if package not in sys.stdlib_module_names | {"api", "bench"}
            and not package.startswith("__editable__")
        ),
        reverse=True,
    )
    print("\nImport of api.handler: heaviest dependencies (median cumulative ms, -X importtime)")
    for ms, package in dependencies[:top]:
        print(f"  {ms:>8.1f}  {package}")
    print("Our own modules (median self ms, top 5)")
    own = sorted(((ms, name) for name, ms in profile.own_modules.items()), reverse=True)
    for ms, name in own[:5]:
        print(f"  {ms:>8.1f}  {name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=15, help="runs per handler (default 15)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--compare",
        metavar="REF",
        help="also measure REF's api/ (git archive into a temporary folder), side by side",
    )
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="vigie-pyc-") as bytecode,
        tempfile.TemporaryDirectory(prefix="vigie-ref-") as reference,
    ):
        if args.compare:
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", args.compare, "api", "bench", "tests"],
                capture_output=True,
                check=True,
            )
            subprocess.run(["tar", "-x", "-C", reference], input=archive.stdout, check=True)
            HANDLERS[f"vigie@{args.compare}"] = "api.handler"
            ROOTS[f"vigie@{args.compare}"] = Path(reference)
        # The Lambda package ships .pyc files (scripts/build-lambda.sh): the children must find
        # theirs too. A PYTHONDONTWRITEBYTECODE inherited from the shell made every run compile
        # our ~100 modules from source (site-packages had their .pyc, `api/` had none), which
        # counted ~0.1-0.2 s against Vigie that Lambda never pays. The warm-up writes them here.
        environment = lambda_environment() | {"PYTHONPYCACHEPREFIX": bytecode}
        samples = measure(args.runs, environment)
        all_met = report(samples, args.runs)
        report_profile(environment)
    return 1 if args.strict and not all_met else 0


if __name__ == "__main__":
    sys.exit(main())
