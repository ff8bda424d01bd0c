"""Cold-start cost of reading VIGIE_SECRETS_KEY from Secrets Manager, two ways side by side.

Each run is a new Python process that first loads what the API handler already has at that
point (botocore, Powertools Logger and Metrics, pydantic and the settings, a DynamoDB client),
then times one way of
getting the secret:

- botocore: api.secrets_key — a `secretsmanager` client from the already-loaded botocore
  session, one `get_secret_value`;
- powertools: `aws_lambda_powertools.utilities.parameters.SecretsProvider(...).get(...)`, the
  Powertools Parameters way (it imports boto3 and builds a boto3 client).

The network call itself is answered by botocore's Stubber in both (the same round trip on AWS
either way), so what is measured is the code each way adds: imports, client, call machinery.
Runs are interleaved, medians and their ratio printed. Then `python -X importtime` shows what the
Parameters import loads.

Usage: .venv/bin/python bench/secrets_cold_start.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARN = "arn:aws:secretsmanager:eu-west-3:123456789012:secret:VigieSecretsKey-AbCdEf"

_CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
way, arn = sys.argv[2], sys.argv[3]
# What the API handler has loaded before its settings are read.
import botocore.session
from botocore.config import Config
from botocore.stub import Stubber
from aws_lambda_powertools import Logger, Metrics
import api.settings  # pydantic, pydantic-settings: the app's settings are always loaded
botocore.session.get_session().create_client("dynamodb", config=Config(region_name="eu-west-3"))
before = set(sys.modules)
answer = {"ARN": arn, "Name": "VigieSecretsKey", "SecretString": "k" * 40}
started = time.perf_counter()
if way == "botocore":
    from api.secrets_key import read_secrets_key, secretsmanager_client
    client = secretsmanager_client("eu-west-3")
    with Stubber(client) as stubber:
        stubber.add_response("get_secret_value", answer, {"SecretId": arn})
        value = read_secrets_key(arn, client).get_secret_value()
else:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider
    provider = SecretsProvider(boto_config=Config(region_name="eu-west-3"))
    with Stubber(provider.client) as stubber:
        stubber.add_response("get_secret_value", answer, {"SecretId": arn})
        value = provider.get(arn)
elapsed = (time.perf_counter() - started) * 1000
assert value == "k" * 40
print(json.dumps({"ms": elapsed, "modules": len(set(sys.modules) - before)}))
"""

WAYS = ("botocore", "powertools")


def run_once(way: str) -> dict[str, float]:
    completed = subprocess.run(
        [sys.executable, "-c", _CHILD, str(ROOT), way, ARN],
        capture_output=True,
        text=True,
        check=True,
        env={"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "PATH": "/usr/bin"},
    )
    result: dict[str, float] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def import_profile() -> dict[str, int]:
    """Cumulative import time (µs) of the Parameters module and of what it drags in, once
    botocore and Powertools' core are loaded (as in the handler)."""
    code = (
        "import botocore.session, aws_lambda_powertools; "
        "import aws_lambda_powertools.utilities.parameters"
    )
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    wanted = ("aws_lambda_powertools.utilities.parameters", "boto3", "s3transfer")
    found: dict[str, int] = {}
    for line in completed.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|\s*(\S+)$", line)
        if match and match[2] in wanted:
            found[match[2]] = int(match[1])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    results: dict[str, list[dict[str, float]]] = {way: [] for way in WAYS}
    for round_number in range(args.runs):
        order = WAYS if round_number % 2 == 0 else tuple(reversed(WAYS))
        for way in order:
            results[way].append(run_once(way))
    medians = {
        way: (
            statistics.median(r["ms"] for r in runs),
            statistics.median(r["modules"] for r in runs),
        )
        for way, runs in results.items()
    }
    print(f"{args.runs} runs each, interleaved; medians (ms over what the handler already loads)")
    for way, (ms, modules) in medians.items():
        print(f"  {way:<10} {ms:7.1f} ms  {modules:5.0f} new modules")
    ratio = medians["powertools"][0] / medians["botocore"][0]
    print(f"  powertools / botocore: {ratio:.2f}x")
    print("python -X importtime, cumulative, after botocore and aws_lambda_powertools:")
    for name, micros in import_profile().items():
        print(f"  {micros / 1000:7.1f} ms  {name}")


if __name__ == "__main__":
    main()
