#!/usr/bin/env bash
# Installs what socialcrm needs to build and test on Debian 12, and nothing
# that is already there. Quiet when everything is installed; safe to rerun.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache openssl
  libcaf-dev libboost-dev libboost-system-dev libssl-dev
  libsqlite3-dev libsqlitecpp-dev sqlite3
  libcli11-dev libtomlplusplus-dev libspdlog-dev nlohmann-json3-dev
  libsodium-dev catch2 libbenchmark-dev
)
# The browser tests need Chromium and Node; only the test command asks for them.
if [[ "${1:-}" == "--with-browser" ]]; then
  packages+=(chromium nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "socialcrm: missing packages: ${missing[*]}" >&2
  echo "socialcrm: run this script as root (or with sudo) to install them" >&2
  exit 1
fi
echo "socialcrm: installing ${#missing[@]} missing package(s): ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
