#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) in build-fuzz/ with clang,
# AddressSanitizer (leaks included) and UBSan, and runs each one for
# FUZZ_SECONDS seconds from its seed corpus (fuzz/corpus/TARGET/). Any
# crash, sanitizer report, leak or hang fails the run; the input that did it
# is kept in build-fuzz/artifacts/TARGET/ (replay it with
# `build-fuzz/fuzz/fuzz_TARGET FILE`, then add it to the seed corpus).
#
#   bash scripts/fuzz.sh                       # every target, a few seconds
#   FUZZ_SECONDS=600 bash scripts/fuzz.sh x_response   # a longer run of one
#
# New inputs found along the way go to build-fuzz/work/TARGET/, not into
# the repository's corpus.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=${FUZZ_SECONDS:-5}
dir=${FUZZ_BUILD_DIR:-$root/build-fuzz}

# The largest input each target is given, in bytes: about the size of the
# largest real input of its kind (network pages are a few KB, client
# messages and URLs far less); larger inputs only slow the search.
declare -A max_len=(
  [rest_body]=16384 [ws_message]=4096
  [x_response]=32768 [facebook_response]=32768 [googleplus_response]=32768
  [mastodon_response]=32768 [bluesky_response]=32768
  [sim_request]=16384 [url_query]=4096 [config]=8192
)
all=(rest_body ws_message x_response facebook_response googleplus_response
     mastodon_response bluesky_response sim_request url_query config)
targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=("${all[@]}")
for t in "${targets[@]}"; do
  [[ -n "${max_len[$t]:-}" ]] || { echo "fuzz.sh: no target $t (${all[*]})" >&2; exit 2; }
done

if [[ ! -f "$dir/build.ninja" ]]; then
  CC=clang CXX=clang++ cmake -S "$root" -B "$dir" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSOCIALCRM_FUZZ=ON -DSOCIALCRM_TESTS=OFF -DSOCIALCRM_BENCH=OFF >/dev/null
fi
if ! cmake --build "$dir" --target "${targets[@]/#/fuzz_}" -- -j "${JOBS:-$(nproc)}" >"$dir/build.log" 2>&1; then
  grep -E 'error|FAILED' "$dir/build.log" | head -n 40 >&2
  echo "fuzz.sh: the fuzz build failed; see $dir/build.log" >&2
  exit 1
fi

# Leaks are reported at exit of every run; UBSan reports are fatal.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1:allocator_may_return_null=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

failed=()
for t in "${targets[@]}"; do
  work="$dir/work/$t"
  artifacts="$dir/artifacts/$t/"
  mkdir -p "$work" "$artifacts"
  log="$dir/work/$t.log"
  if "$dir/fuzz/fuzz_$t" -max_total_time="$seconds" -max_len="${max_len[$t]}" \
       -timeout=10 -rss_limit_mb=2048 -detect_leaks=1 \
       -artifact_prefix="$artifacts" "$work" "$root/fuzz/corpus/$t" \
       >"$log" 2>&1; then
    echo "fuzz: $t ok ($(grep -o 'DONE *cov: [0-9]*' "$log" | head -n 1 || true), ${seconds}s)"
  else
    echo "fuzz: $t FAILED; log: $log" >&2
    grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" >&2 || tail -n 30 "$log" >&2
    failed+=("$t")
  fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  exit 1
fi
