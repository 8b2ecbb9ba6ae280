#!/usr/bin/env bash
# Configures and builds socialcrm into BUILD_DIR (default build/, or
# build-asan/ with SANITIZE=1). Uses both cores; ccache makes rebuilds cheap.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${JOBS:-$(nproc)}
if [[ "${SANITIZE:-0}" == "1" ]]; then
  dir=${BUILD_DIR:-build-asan}; extra=(-DSOCIALCRM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
else
  dir=${BUILD_DIR:-build}; extra=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
fi
if [[ ! -f "$dir/build.ninja" ]]; then
  cmake -S . -B "$dir" -G Ninja "${extra[@]}" >/dev/null
fi
cmake --build "$dir" -j "$jobs"
echo "$dir"
