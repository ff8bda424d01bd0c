# shellcheck shell=bash
# Sourced by scripts/build-lambda.sh and scripts/check-deploy: finds a CPython 3.12, the Lambda
# runtime's version, to byte-compile the package and to run it. Prints its path, or fails.
# LAMBDA_PYTHON=/path/to/python3.12 picks one; pyenv installs are found without being activated.
find_python312() {
  local candidate
  for candidate in "${LAMBDA_PYTHON:-}" python3.12 "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12*/bin/python3.12; do
    [[ -n $candidate ]] || continue
    if "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' >/dev/null 2>&1; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}
