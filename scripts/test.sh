#!/usr/bin/env bash
# Command 2 of the README: install what is missing, build, run every test
# through CTest, then every fuzz target for a few seconds (scripts/fuzz.sh;
# FUZZ_SECONDS=0 skips them). SANITIZE=1 selects the AddressSanitizer +
# UBSan build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
dir=$(bash scripts/build.sh | tail -n 1)
(cd "$dir" && ctest --output-on-failure -j "${TEST_JOBS:-2}" --timeout 600)
if [[ "${FUZZ_SECONDS:-5}" != 0 ]]; then
  bash scripts/fuzz.sh
fi
