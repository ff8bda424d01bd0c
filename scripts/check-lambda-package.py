#!/usr/bin/env python3
"""Check the Lambda package: sizes, contents, and (under CPython 3.12) that it serves a request.

Run by scripts/check-deploy. Under CPython 3.12 with `-I -S` (no site-packages: only the zip's
code and the standard library can be imported, as on Lambda) it also unpacks the zip, imports the
handler and sends it a real API Gateway HTTP API event: proof that the cp312 wheels load and that
nothing the handler needs was left out. Under another Python that step is skipped, said so.

Usage: python3.12 -I -S scripts/check-lambda-package.py PACKAGE.zip EVENT.json
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

MIB = 1024 * 1024
# AWS Lambda quotas: 50 MB for a zip uploaded directly, 250 MB unzipped (code and layers).
MAX_ZIPPED = 50 * MIB
MAX_UNZIPPED = 250 * MIB
# Only the `api` package and dependencies belong in the package (scripts/build-lambda.sh).
FORBIDDEN_PREFIXES = (
    "tests/", "bench/", "docs/", "scripts/", "infra/", "node_modules/", ".venv", ".build/",
    ".serverless/", "seeds/", "scenarios/",
)  # fmt: skip
HANDLER_MODULE = "api.handler"
# Clients the functions create (api/storage/client.py, api/worker.py, api/secrets_key.py).
CLIENT_SERVICES = ("dynamodb", "sqs", "secretsmanager")
# The console (/app) and /docs, /redoc are served from these files: without them they are blank.
REQUIRED_FILES = (
    "api/console/templates/brand.html",
    "api/console/i18n/fr.json",
    "api/console/static/console.js",
    "api/console/static/vendor/htmx.min.js",
    "api/console/static/vendor/uPlot.iife.min.js",
    "api/console/static/vendor/swagger-ui-bundle.js",
    "api/console/static/vendor/redoc.standalone.js",
)

# What Lambda and serverless.yml put in the function's environment (fake credentials: /healthz
# makes no AWS call, and nothing must reach AWS from a check).
LAMBDA_ENVIRONMENT = {
    "AWS_LAMBDA_FUNCTION_NAME": "vigie-ci-api",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024",
    "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
    "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
    "AWS_REGION": "eu-west-3",
    "AWS_DEFAULT_REGION": "eu-west-3",
    "AWS_ACCESS_KEY_ID": "offline",
    "AWS_SECRET_ACCESS_KEY": "offline",
    # An unsampled trace: the X-Ray SDK does its work but sends nothing.
    "_X_AMZN_TRACE_ID": (
        "Root=1-6744a9d8-3f0c1b2a4d5e6f7081920a1b;Parent=53995c3f42cd8ad8;Sampled=0"
    ),
    "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
    "VIGIE_TABLE_NAME": "vigie-ci-vigie",
    "VIGIE_REGION": "eu-west-3",
    "VIGIE_RETENTION_DAYS": "90",
    "POWERTOOLS_SERVICE_NAME": "vigie",
    "POWERTOOLS_METRICS_NAMESPACE": "Vigie",
    "POWERTOOLS_LOG_LEVEL": "INFO",
    "LOG_LEVEL": "INFO",
}


class LambdaContext:
    function_name = "vigie-ci-api"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:eu-west-3:123456789012:function:vigie-ci-api"
    memory_limit_in_mb = 1024
    aws_request_id = "5b1f4c2e-9a7d-4e21-b0a4-3c8d2e6f7a10"
    log_group_name = "/aws/lambda/vigie-ci-api"
    log_stream_name = "2026/11/25/[$LATEST]0123456789abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return 29_000


def check_archive(package: Path) -> list[str]:
    """Size and content problems of the zip (empty when fine); prints its sizes."""
    problems: list[str] = []
    with zipfile.ZipFile(package) as archive:
        entries = archive.infolist()
    zipped = package.stat().st_size
    unzipped = sum(entry.file_size for entry in entries)
    print(
        f"package {package}: {zipped / MIB:.1f} MiB zipped (limit {MAX_ZIPPED // MIB}), "
        f"{unzipped / MIB:.1f} MiB unzipped (limit {MAX_UNZIPPED // MIB}), {len(entries)} files"
    )
    if zipped >= MAX_ZIPPED:
        problems.append(f"zipped size {zipped / MIB:.1f} MiB >= {MAX_ZIPPED // MIB} MiB")
    if unzipped >= MAX_UNZIPPED:
        problems.append(f"unzipped size {unzipped / MIB:.1f} MiB >= {MAX_UNZIPPED // MIB} MiB")
    names = {entry.filename for entry in entries}
    if "api/handler.py" not in names:
        problems.append("api/handler.py is missing")
    problems.extend(f"{name} is missing" for name in REQUIRED_FILES if name not in names)
    stray = sorted(name for name in names if name.startswith(FORBIDDEN_PREFIXES))
    if stray:
        problems.append(f"{len(stray)} files that are not runtime code, e.g. {stray[:3]}")
    # A compiled extension built for another Python would fail to import on Lambda.
    foreign = sorted(
        name for name in names if name.endswith(".so") and ".cpython-" in name
        and ".cpython-312-x86_64-linux-gnu." not in name
    )  # fmt: skip
    if foreign:
        problems.append(f"extensions for another Python or platform: {foreign[:3]}")
    return problems


def invoke(package: Path, event_path: Path) -> list[str]:
    """Import the handler from the unpacked zip and send it the event."""
    event: dict[str, Any] = json.loads(event_path.read_text())
    with tempfile.TemporaryDirectory() as task_root:
        with zipfile.ZipFile(package) as archive:
            archive.extractall(task_root)
        os.environ.update(LAMBDA_ENVIRONMENT)
        for key in [key for key in os.environ if key.startswith("VIGIE_DYNAMODB")]:
            del os.environ[key]
        sys.path.insert(0, task_root)
        started = time.perf_counter()
        module = importlib.import_module(HANDLER_MODULE)
        imported = time.perf_counter()
        response: dict[str, Any] = module.handler(event, LambdaContext())
        handled = time.perf_counter()
        print(
            f"python{sys.version.split()[0]} handler: import {1000 * (imported - started):.0f} ms,"
            f" first event {1000 * (handled - imported):.0f} ms"
            f" -> {response.get('statusCode')} {response.get('body')}"
        )
        # The botocore models build-lambda.sh keeps: each client the functions create must load
        # from the package (no call is made).
        import botocore.session

        unloadable = []
        for service in CLIENT_SERVICES:
            try:
                botocore.session.get_session().create_client(service, region_name="eu-west-3")
            except Exception as error:  # reported below, not raised
                unloadable.append(f"{service}: {error}")
        stray = sorted(
            path
            for path in (getattr(module, "__file__", None) for module in list(sys.modules.values()))
            if path and "site-packages" in path
        )
    problems = []
    if response.get("statusCode") != 200:
        problems.append(f"the packaged handler answered {response}")
    if stray:
        problems.append(f"modules came from outside the package: {stray[:3]}")
    if unloadable:
        problems.append(f"botocore clients the functions create fail to load: {unloadable}")
    return problems


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    package, event = Path(sys.argv[1]), Path(sys.argv[2])
    problems = check_archive(package)
    if sys.version_info[:2] == (3, 12):
        problems += invoke(package, event)
    else:
        print(f"skipped invoking the package: this is Python {sys.version.split()[0]}, not 3.12")
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
