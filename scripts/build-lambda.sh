#!/usr/bin/env bash
# Build the Lambda package .build/vigie-api.zip: the `api` package plus the locked runtime
# dependencies (requirements/lambda.txt) as CPython 3.12 manylinux x86_64 wheels. pip downloads
# wheels for the Lambda's platform whatever Python runs it, so no docker is needed.
#
# Run by Serverless before packaging (scripts/serverless-plugin.cjs) and by hand:
#   scripts/build-lambda.sh            # prints the package path and size
# Environment: LAMBDA_PYTHON=/path/to/python3.12 to byte-compile with that interpreter.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

LOCK=requirements/lambda.txt
BUILD_DIR=.build
DEPS_DIR=$BUILD_DIR/lambda-deps
APP_DIR=$BUILD_DIR/lambda-app
ARTIFACT=$BUILD_DIR/vigie-api.zip

if [[ -x .venv/bin/python ]]; then
  HOST_PYTHON=.venv/bin/python
else
  HOST_PYTHON=python3
fi

# Lambda cannot write __pycache__ into /var/task (read-only), so without .pyc files in the zip
# every cold start compiles every imported module again. Bytecode is version-specific: only a
# CPython 3.12 can write it. Without one the package still works, only its cold start is slower.
source scripts/lib/python312.sh

# Compile in place. unchecked-hash: the package never changes once deployed, so Python need not
# stat or hash the sources at import. -s/-p make tracebacks show the paths Lambda runs from.
compile_for_lambda() {
  "$PYTHON312" -m compileall -q -j 0 --invalidation-mode unchecked-hash -s "$1" -p /var/task "$1"
}

PYTHON312=$(find_python312 || true)
if [[ -n $PYTHON312 ]]; then
  PYC_TAG="pyc:$("$PYTHON312" -c 'import sys; print(sys.version.split()[0])')"
else
  PYC_TAG="no-pyc"
  echo "build-lambda: no CPython 3.12 found (set LAMBDA_PYTHON): packaging without .pyc files" >&2
fi

# Flags the lock was resolved with (platform, Python version, wheels only): one source of truth.
read -r -a PIP_TARGET <<<"$(sed -n 's/^# pip-target: //p' "$LOCK")"
if [[ ${#PIP_TARGET[@]} -eq 0 ]]; then
  echo "build-lambda: no '# pip-target:' line in $LOCK (run scripts/lock-requirements.py)" >&2
  exit 1
fi

# botocore ships the models of ~400 AWS services; the package keeps those the functions create
# clients for (tests/infra/test_serverless_config.py checks this list against api/): DynamoDB,
# SQS (the retry queue), Secrets Manager (the master key at cold start), STS for credential
# providers, X-Ray for the opt-in tracer's sampling client. Every client creation lists that
# folder at cold start, and the models are most of the package's size (26.7 MiB zipped with
# them all, about 11.5 MiB without).
BOTOCORE_MODELS=(dynamodb sqs secretsmanager sts xray)

# Dependencies: reinstalled only when the lock, the bytecode compiler or the kept models change.
stamp="$(sha256sum "$LOCK" | cut -d' ' -f1) $PYC_TAG ${BOTOCORE_MODELS[*]}"
if [[ ! -f $DEPS_DIR/.stamp || $(<"$DEPS_DIR/.stamp") != "$stamp" ]]; then
  echo "build-lambda: installing $LOCK for the Lambda runtime"
  rm -rf "$DEPS_DIR" "$DEPS_DIR.partial"
  # --no-deps + --require-hashes: exactly the locked files, nothing resolved at build time.
  "$HOST_PYTHON" -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes \
    --no-compile "${PIP_TARGET[@]}" --target "$DEPS_DIR.partial" -r "$LOCK"
  # Console scripts carry this machine's interpreter path: useless on Lambda.
  rm -rf "$DEPS_DIR.partial/bin"
  keep=()
  for model in "${BOTOCORE_MODELS[@]}"; do keep+=(! -name "$model"); done
  find "$DEPS_DIR.partial/botocore/data" -mindepth 1 -maxdepth 1 -type d "${keep[@]}" \
    -exec rm -rf {} +
  if [[ -n $PYTHON312 ]]; then compile_for_lambda "$DEPS_DIR.partial"; fi
  echo "$stamp" >"$DEPS_DIR.partial/.stamp"
  mv "$DEPS_DIR.partial" "$DEPS_DIR"
fi

# The console's and the docs' browser assets (htmx, uPlot, Swagger UI, ReDoc) ship inside the
# `api` package: the function serves them itself, never from a CDN.
scripts/vendor-assets.sh

# Application code: a whitelist (the `api` package only), so tests, benchmarks, docs, node_modules
# and virtualenvs can never end up in the package.
rm -rf "$APP_DIR"
mkdir -p "$APP_DIR"
cp -R api "$APP_DIR/api"
rm -f "$APP_DIR"/api/console/static/vendor/.installed-*
find "$APP_DIR" -name __pycache__ -type d -prune -exec rm -rf {} +
find "$APP_DIR" -name '*.py[co]' -delete
if [[ -n $PYTHON312 ]]; then compile_for_lambda "$APP_DIR"; fi

# The stamp is build bookkeeping, not code: keep it out of the zip.
mv "$DEPS_DIR/.stamp" "$BUILD_DIR/lambda-deps.stamp"
trap 'mv "$BUILD_DIR/lambda-deps.stamp" "$DEPS_DIR/.stamp"' EXIT
"$HOST_PYTHON" scripts/zip-dir.py "$ARTIFACT" "$DEPS_DIR" "$APP_DIR"
echo "build-lambda: $ARTIFACT $(du -k "$ARTIFACT" | cut -f1) KiB ($PYC_TAG)"
