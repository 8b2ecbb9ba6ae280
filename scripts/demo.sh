#!/usr/bin/env bash
# Command 1 of the README: install what is missing, build, run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
# The demo needs no browser of ours: the test command installs Chromium.
bash scripts/install-deps.sh --no-browser
dir=$(bash scripts/build.sh | tail -n 1)
exec "$dir/socialcrm" serve --demo --data "${SOCIALCRM_DEMO_DATA:-./demo-data}" \
  --listen "${SOCIALCRM_LISTEN:-127.0.0.1:8080}"
