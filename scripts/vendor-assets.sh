#!/usr/bin/env bash
# Copy the browser assets the app serves itself (never a CDN) from node_modules into
# api/console/static/vendor/: htmx and uPlot for the console (/app), Swagger UI and ReDoc for
# /docs and /redoc. Versions are pinned in package.json/package-lock.json; the copies are
# git-ignored build output, run by scripts/lib/bootstrap.sh and scripts/build-lambda.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

VENDOR=api/console/static/vendor
ASSETS=(
  node_modules/htmx.org/dist/htmx.min.js
  node_modules/uplot/dist/uPlot.iife.min.js
  node_modules/uplot/dist/uPlot.min.css
  node_modules/swagger-ui-dist/swagger-ui-bundle.js
  node_modules/swagger-ui-dist/swagger-ui.css
  node_modules/swagger-ui-dist/favicon-32x32.png
  node_modules/redoc/bundles/redoc.standalone.js
)
for asset in "${ASSETS[@]}"; do
  if [[ ! -f $asset ]]; then
    echo "vendor-assets: $asset is missing (run npm ci)" >&2
    exit 1
  fi
done
mkdir -p "$VENDOR.partial"
cp "${ASSETS[@]}" "$VENDOR.partial/"
rm -rf "$VENDOR"
mv "$VENDOR.partial" "$VENDOR"
