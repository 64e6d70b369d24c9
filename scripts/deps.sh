#!/usr/bin/env bash
# Installs what almen needs to build, test and run on Debian 12 (bookworm):
# Debian packages only, plus the npm packages of the web UI and the browser
# tests (from package-lock.json; no browser is downloaded: the tests drive
# Debian's chromium). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  build-essential cmake ninja-build pkg-config python3 git ca-certificates \
  libfmt-dev nlohmann-json3-dev libcli11-dev libsodium-dev libzstd-dev zlib1g-dev libabsl-dev libxxhash-dev \
  libsqlite3-dev sqlite3 libpq-dev libpqxx-dev postgresql \
  libcpp-httplib-dev libssl-dev libxlsxwriter-dev libcctz-dev tzdata libjs-chart.js curl jq wrk \
  libgtest-dev libgmock-dev libbenchmark-dev \
  clang libclang-rt-14-dev llvm emscripten ccache \
  chromium fonts-dejavu-core >/dev/null
# Node.js and npm for the web UI build and the browser tests, if the machine lacks them.
if ! command -v npm >/dev/null 2>&1; then $SUDO apt-get install -y -qq nodejs npm >/dev/null; fi
# Front-end and browser-test packages, and the DuckDB peer of the benchmarks
# (bench/duckdb, ~70 MB; its smoke test is skipped without it), where a package.json exists.
for d in web tests/e2e bench/duckdb; do
  if [ -f "$d/package.json" ]; then
    (cd "$d" && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi)
  fi
done
echo "deps: ok"
