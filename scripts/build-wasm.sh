#!/usr/bin/env bash
# Builds the WebAssembly `almen check` (src/wasm/, Debian's emscripten) into
# build-wasm/dist/almen_check.{js,wasm}. The native build embeds them under
# /wasm/ when they exist at its configure time (ALMEN_WASM_DIR, default
# build-wasm/dist): run this first, then configure/build the native tree.
# Without emscripten it says so and exits 77 (skipped), changing nothing.
# Compiles go through ccache when it is installed. -j2, nice.
# Usage: scripts/build-wasm.sh [BUILD_DIR]   (default build-wasm)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-build-wasm}"
if ! command -v emcmake >/dev/null 2>&1 || ! command -v em++ >/dev/null 2>&1; then
  echo "build-wasm: emscripten is not installed (apt-get install emscripten; scripts/deps.sh does): skipped" >&2
  exit 77
fi
# Debian's em++ runs its JS optimiser with the machine's node; when node is not
# Debian's (e.g. NodeSource) it finds acorn only through NODE_PATH.
export NODE_PATH="${NODE_PATH:-/usr/share/nodejs}"
launcher=()
if command -v ccache >/dev/null 2>&1; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache); fi
start=$(date +%s)
emcmake cmake -S src/wasm -B "$out" -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" >/dev/null
nice cmake --build "$out" -j2
mkdir -p "$out/dist"
cp "$out/almen_check.js" "$out/almen_check.wasm" "$out/dist/"
echo "build-wasm: $out/dist/almen_check.{js,wasm} ($(du -k "$out/dist/almen_check.wasm" | cut -f1) KiB wasm) in $(( $(date +%s) - start )) s"
