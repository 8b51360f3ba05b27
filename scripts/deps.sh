#!/usr/bin/env bash
# scripts/deps.sh — install what vigie needs to build, test and run, and nothing else.
#
# Idempotent: asks dpkg which of the Debian packages below are missing and installs
# only those (apt-get, no recommends), then the web UI's npm packages when web/ has
# a package.json whose lock file changed. Prints what it does; fails with a clear
# message when it cannot (not root and no sudo, no network, unknown package).
# The package list mirrors docs/architecture.md (Dependencies).
set -euo pipefail

PACKAGES=(
  # build and tests
  build-essential cmake pkg-config clang libclang-rt-14-dev libcmocka-dev
  # core libraries
  libjansson-dev libinih-dev libsqlite3-dev sqlite3 libsodium-dev libpcap-dev
  libgeos-dev libuv1-dev libmicrohttpd-dev libdouble-conversion-dev
  # interoperability and scale (SAPIENT, NATS)
  libprotobuf-c-dev protobuf-c-compiler libnats-dev nats-server
  # capture dissection, browser tests, benchmarks
  tshark chromium chromium-driver hyperfine valgrind
  # HTTP API tests (a real client over loopback)
  curl jq openssl
  # the web UI's toolchain (npm comes with Debian's nodejs or NodeSource's)
  nodejs
)

say() { printf 'deps: %s\n' "$*"; }
die() { printf 'deps: error: %s\n' "$*" >&2; exit 1; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
# npm ships inside NodeSource's nodejs; Debian splits it out.
if ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi

if ((${#missing[@]})); then
  say "missing Debian packages: ${missing[*]}"
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "not root and no sudo: install as root: apt-get install ${missing[*]}"
    SUDO=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  say "apt-get update"
  "${SUDO[@]}" apt-get update -qq || die "apt-get update failed (no network, or no Debian mirror reachable?)"
  say "apt-get install ${missing[*]}"
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install failed for: ${missing[*]}"
  say "installed ${#missing[@]} packages"
else
  say "all ${#PACKAGES[@]} Debian packages present"
fi

# The web UI's packages, when there is a web UI. The stamp holds the lock file's hash
# so that an unchanged lock file costs nothing.
if [[ -f "$root/web/package.json" ]]; then
  stamp="$root/web/node_modules/.vigie-deps-stamp"
  want=$(sha256sum "$root/web/package.json" "$root/web/package-lock.json" 2>/dev/null | sha256sum | cut -c1-64)
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    say "npm ci in web/"
    if [[ -f "$root/web/package-lock.json" ]]; then
      (cd "$root/web" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in web/ (is the npm registry reachable?)"
    else
      (cd "$root/web" && npm install --no-audit --no-fund --loglevel=error) || die "npm install failed in web/"
    fi
    echo "$want" > "$stamp"
  else
    say "web/ npm packages up to date"
  fi
fi
