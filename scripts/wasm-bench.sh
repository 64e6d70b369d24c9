#!/usr/bin/env bash
# Measures the WebAssembly check (issue 16: "1 M lines checked in the browser in
# <= 10 s on the 2-core machine") under node, the same V8 engine as Chromium, as
# a proxy for the browser's Web Worker; and the native `almen check` on the same
# file for comparison. Generates N lines (almen generate, default 1.000.000,
# claims only: the page checks the claim file alone), runs each RUNS times and
# prints the median wall time of the check itself (module loaded; for node also
# the whole process, which includes loading the module and reading the file),
# and the peak RSS. Figures go to docs/performance.md by hand.
# Usage: scripts/wasm-bench.sh ALMEN [WASM_DIR=build-wasm/dist] [LINES=1000000] [RUNS=3]
set -euo pipefail
almen=${1:?usage: wasm-bench.sh ALMEN [WASM_DIR] [LINES] [RUNS]}
wasm=${2:-build-wasm/dist}
lines=${3:-1000000}
runs=${4:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
export NODE_PATH="${NODE_PATH:-/usr/share/nodejs}" TZ=Europe/Copenhagen
work=$(mktemp -d /tmp/almen-wasm-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
"$almen" generate --out "$work" --lines "$lines" --seed 16 >/dev/null 2>&1
echo "wasm-bench: $lines lines, $(du -m "$work/claims.csv" | cut -f1) MB claims.csv, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
w_check=() w_total=() w_rss=() n_one=() n_all=()
for _ in $(seq "$runs"); do
  out=$( { /usr/bin/time -f 'rss %M total %e' node "$here/tests/wasm/almen_check_node.mjs" "$wasm" --claims "$work/claims.csv" --time >"$work/wasm.json"; } 2>&1 )
  w_check+=("$(sed -n 's/^check: \([0-9.]*\) s$/\1/p' <<<"$out")")
  w_total+=("$(sed -n 's/.*total \([0-9.]*\)$/\1/p' <<<"$out")")
  w_rss+=("$(sed -n 's/^rss \([0-9]*\).*/\1/p' <<<"$out")")
  n_one+=("$( { /usr/bin/time -f '%e' "$almen" check --claims "$work/claims.csv" --threads 1 --format json >/dev/null; } 2>&1 | tail -1)")
  n_all+=("$( { /usr/bin/time -f '%e' "$almen" check --claims "$work/claims.csv" --format json >/dev/null; } 2>&1 | tail -1)")
done
python3 - "$work/wasm.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["summary"]
print(f"wasm-bench: report: {r['lines']} lines, {r['accepted']} accepted, {r['rejected']} rejected, {r['review']} review")
PY
echo "wasm-bench: wasm under node: check $(printf '%s\n' "${w_check[@]}" | median) s (median of $runs: ${w_check[*]}), whole process $(printf '%s\n' "${w_total[@]}" | median) s, peak RSS $(( $(printf '%s\n' "${w_rss[@]}" | median) / 1024 )) MB"
echo "wasm-bench: native almen check, 1 thread: $(printf '%s\n' "${n_one[@]}" | median) s; all cores: $(printf '%s\n' "${n_all[@]}" | median) s"
