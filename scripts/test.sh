#!/usr/bin/env bash
# Builds almen with warnings as errors and runs every test (unit, golden
# scenarios, CLI contract, server API on SQLite and PostgreSQL, browser), then
# builds again with AddressSanitizer + UndefinedBehaviorSanitizer and runs the
# unit and golden tests under them, then runs every libFuzzer target (fuzz/,
# clang) for a few seconds. Exit status 0 only if all passed.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
export TZ=Europe/Copenhagen
# The WebAssembly check first (src/wasm/, emscripten; skipped when it is not installed), so
# the server embeds it and the wasm and browser tests use it. ccache makes the rebuild quick.
scripts/build-wasm.sh build-wasm-test || [ $? = 77 ]
cmake -S . -B build-test -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DALMEN_WERROR=ON \
  -DALMEN_WASM_DIR="$PWD/build-wasm-test/dist" >/dev/null
cmake --build build-test -j "$jobs"
ctest --test-dir build-test --output-on-failure -j "$jobs"
if [ "${ALMEN_SKIP_SANITIZERS:-0}" != 1 ]; then
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DALMEN_WERROR=ON -DALMEN_SANITIZE=ON >/dev/null
  cmake --build build-asan -j "$jobs"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure -j "$jobs" -L 'unit|golden|cli'
fi
if [ "${ALMEN_SKIP_FUZZ:-0}" != 1 ]; then
  ALMEN_FUZZ_BUILD=build-fuzz scripts/fuzz.sh "${ALMEN_FUZZ_SECONDS:-5}"
fi
echo "all tests passed"
