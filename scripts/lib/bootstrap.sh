# Sourced by scripts/dev and scripts/test: installs everything the project needs, idempotently.
# Python deps go to .venv (from pyproject.toml), Node deps to node_modules (from package-lock.json).
# Each step is skipped when its inputs did not change since the last run (stamp files).

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

pick_python() {
  for candidate in python3.11 python3.12 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 14) else 1)'; then
      echo "$candidate"; return 0
    fi
  done
  echo "Python 3.11 or 3.12 is required" >&2; return 1
}

ensure_java() {
  if java -version 2>&1 | grep -Eq 'version "(1[7-9]|2[0-9])'; then return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing Java 17 (DynamoDB Local runs on it)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless
  else
    echo "Java 17+ is required for DynamoDB Local (e.g. apt-get install openjdk-17-jre-headless)" >&2
    return 1
  fi
}

# The console's browser tests (tests/console/) drive the distribution's Chromium through
# Playwright's `executable_path`: Playwright never downloads a browser.
ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing Chromium (the console's browser tests run in it)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  else
    echo "Chromium is required for the console's browser tests (e.g. apt-get install chromium)" >&2
    return 1
  fi
}

ensure_node() {
  if command -v node >/dev/null 2>&1 && node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)'; then
    return 0
  fi
  echo "Node.js 20+ and npm are required (DynamoDB Local and the Serverless Framework come from npm)" >&2
  return 1
}

ensure_python_env() {
  local stamp=.venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)
  if [ -f "$stamp" ]; then return 0; fi
  local python; python=$(pick_python)
  [ -x .venv/bin/python ] || { log "creating .venv with $python"; "$python" -m venv .venv; }
  log "installing Python dependencies"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
  rm -f .venv/.installed-*; touch "$stamp"
}

ensure_node_modules() {
  local stamp=node_modules/.installed-$(cat package-lock.json | sha256sum | cut -c1-16)
  if [ -f "$stamp" ]; then return 0; fi
  log "installing Node dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
}

# htmx, uPlot, Swagger UI and ReDoc, copied from node_modules into the app (never a CDN).
ensure_console_assets() {
  local stamp=api/console/static/vendor/.installed-$(cat package-lock.json scripts/vendor-assets.sh | sha256sum | cut -c1-16)
  if [ -f "$stamp" ]; then return 0; fi
  log "vendoring the browser assets (scripts/vendor-assets.sh)"
  scripts/vendor-assets.sh
  touch "$stamp"
}

bootstrap() {
  ensure_java
  ensure_chromium
  ensure_node
  ensure_python_env
  ensure_node_modules
  ensure_console_assets
}
