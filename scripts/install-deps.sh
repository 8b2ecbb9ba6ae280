#!/usr/bin/env bash
# Installs what socialcrm needs to build and test on Debian 12, and nothing
# that is already there. Quiet when everything is installed; safe to rerun.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

packages=(
  build-essential cmake ninja-build pkg-config ccache openssl
  libcaf-dev libboost-dev libboost-system-dev libssl-dev
  libsqlite3-dev libsqlitecpp-dev sqlite3
  libcli11-dev libtomlplusplus-dev libspdlog-dev nlohmann-json3-dev
  libsodium-dev catch2 libbenchmark-dev
  # The console: ncurses for `top`, libedit for the shell's line editing.
  libncurses-dev libedit-dev
  # The fuzz targets (scripts/fuzz.sh): clang with libFuzzer, and the
  # sanitizer runtimes, which clang only recommends.
  clang libfuzzer-14-dev libclang-rt-14-dev
)
# The browser tests (tests/ui) drive Debian's Chromium through the npm
# package playwright-core, which never downloads a browser of its own.
# --no-browser skips them (a build-only machine).
with_browser=1
[[ "${1:-}" == "--no-browser" ]] && with_browser=0
if [[ $with_browser -eq 1 ]]; then
  packages+=(chromium)
  # Node may come from another source (NodeSource ships npm inside its
  # nodejs package, and Debian's npm would conflict with it): ask for the
  # commands, not for Debian's package names.
  command -v node >/dev/null 2>&1 || packages+=(nodejs)
  command -v npm >/dev/null 2>&1 || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "socialcrm: missing packages: ${missing[*]}" >&2
    echo "socialcrm: run this script as root (or with sudo) to install them" >&2
    exit 1
  fi
  echo "socialcrm: installing ${#missing[@]} missing package(s): ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The npm packages of the tests (playwright-core for the browser tests, the
# networks' client libraries for tests/clients) at the versions
# package-lock.json pins: `npm ci` whenever the lock file changed since the
# last install, nothing otherwise.
if [[ $with_browser -eq 1 ]]; then
  stamp="$root/node_modules/.socialcrm-lock.sha256"
  wanted=$(sha256sum "$root/package-lock.json" | cut -d' ' -f1)
  if [[ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]]; then
    echo "socialcrm: installing the npm packages package-lock.json pins (npm ci)"
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$wanted" > "$stamp"
  fi
fi
