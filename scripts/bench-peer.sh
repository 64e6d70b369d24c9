#!/usr/bin/env bash
# almen settle against its DuckDB peer (bench/duckdb/settle.mjs) on the same
# claim files, in one sitting: for each file, RUNS runs of each, alternating
# (almen, peer, almen, peer, …) so that a machine whose speed drifts charges
# both alike; wall time and peak RSS of every run from /usr/bin/time; then the
# two settlements are compared (bench/duckdb/compare.mjs: totals per code and
# status, lines per rule, statement rows, every line).
#
#   scripts/bench-peer.sh [--runs N] [--almen BIN] [--threads N] [--work DIR] CLAIMS.csv [CLAIMS.csv …]
#
# providers.csv and listings.csv are taken from each claim file's directory
# (the layout of `almen generate`). The peer's npm packages are installed on
# first use (bench/duckdb, from package-lock.json). Prints one Markdown table
# row per file (medians; min–max in brackets) and exits 1 if any settlement
# pair differs. Measured, never asserted: this is not part of the test suite.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs=3
almen="$root/build/src/cli/almen"
threads=""
work=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --almen) almen="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    --*) echo "bench-peer: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || { echo "usage: scripts/bench-peer.sh [--runs N] [--almen BIN] [--threads N] [--work DIR] CLAIMS.csv …" >&2; exit 2; }
[ -x "$almen" ] || { echo "bench-peer: no almen binary at $almen (build it, or pass --almen BIN)" >&2; exit 2; }
command -v node >/dev/null || { echo "bench-peer: node is needed (scripts/deps.sh installs it)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench-peer: /usr/bin/time is needed (Debian package time)" >&2; exit 2; }
peer="$root/bench/duckdb"
if [ ! -d "$peer/node_modules/@duckdb/node-api" ] || [ ! -d "$peer/node_modules/hash-wasm" ]; then
  echo "bench-peer: installing the peer's npm packages (bench/duckdb)…" >&2
  (cd "$peer" && npm ci --no-audit --no-fund --loglevel=error)
fi
if [ -z "$work" ]; then
  work="$(mktemp -d "${TMPDIR:-/tmp}/almen-bench-peer.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
thread_args=()
peer_threads=()
if [ -n "$threads" ]; then thread_args=(--threads "$threads"); peer_threads=(--threads "$threads"); fi

# median and min–max of numbers on stdin
stats() { sort -g | awk '{v[NR]=$1} END {m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2; printf "%.2f (%.2f–%.2f)", m, v[1], v[NR]}'; }
median() { sort -g | awk '{v[NR]=$1} END {m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2; printf "%.3f", m}'; }

status=0
echo "| claims | lines | MB | almen wall s | almen CPU s | almen peak RSS MiB | peer wall s | peer CPU s | peer peak RSS MiB | peer / almen wall (median of pairs) | agree |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for claims in "$@"; do
  dir="$(cd "$(dirname "$claims")" && pwd)"
  claims="$dir/$(basename "$claims")"
  [ -f "$dir/providers.csv" ] || { echo "bench-peer: $dir/providers.csv is missing" >&2; exit 2; }
  inputs=(--providers "$dir/providers.csv")
  [ -f "$dir/listings.csv" ] && inputs+=(--listings "$dir/listings.csv")
  lines=$(($(wc -l <"$claims") - 1))
  mb=$(awk -v b="$(stat -c %s "$claims")" 'BEGIN {printf "%.0f", b / 1e6}')
  cat "$claims" "$dir/providers.csv" "$dir/listings.csv" >/dev/null 2>&1 || true  # both start from the page cache
  : >"$work/almen.times"; : >"$work/peer.times"; : >"$work/ratios"
  for ((r = 1; r <= runs; r++)); do
    rm -rf "$work/almen-out" "$work/peer-out"
    sync  # neither run pays for writing back the other's output (a GB each)
    /usr/bin/time -f "%e %M %U %S" -o "$work/t" "$almen" settle --claims "$claims" "${inputs[@]}" "${thread_args[@]}" \
      --out "$work/almen-out" >/dev/null 2>"$work/almen.log" || { cat "$work/almen.log" >&2; exit 1; }
    cat "$work/t" >>"$work/almen.times"
    a=$(cut -d' ' -f1 "$work/t")
    sync
    /usr/bin/time -f "%e %M %U %S" -o "$work/t" node "$peer/settle.mjs" --claims "$claims" "${inputs[@]}" "${peer_threads[@]}" \
      --agreement "$root/agreement/ok25" --out "$work/peer-out" >/dev/null 2>"$work/peer.log" || { cat "$work/peer.log" >&2; exit 1; }
    cat "$work/t" >>"$work/peer.times"
    p=$(cut -d' ' -f1 "$work/t")
    awk -v a="$a" -v p="$p" 'BEGIN {printf "%.4f\n", p / a}' >>"$work/ratios"
    echo "bench-peer: $(basename "$claims") run $r: almen ${a} s, peer ${p} s" >&2
  done
  if node "$peer/compare.mjs" "$work/almen-out" "$work/peer-out" >"$work/compare.log" 2>&1; then agree="yes"; else agree="**no**"; status=1; fi
  sed 's/^/  /' "$work/compare.log" >&2
  a_wall=$(cut -d' ' -f1 "$work/almen.times" | stats)
  p_wall=$(cut -d' ' -f1 "$work/peer.times" | stats)
  a_cpu=$(awk '{print $3 + $4}' "$work/almen.times" | median)
  p_cpu=$(awk '{print $3 + $4}' "$work/peer.times" | median)
  a_rss=$(awk '{print $2 / 1024}' "$work/almen.times" | median)
  p_rss=$(awk '{print $2 / 1024}' "$work/peer.times" | median)
  ratio=$(median <"$work/ratios")
  printf '| %s | %s | %s | %s | %.1f | %.0f | %s | %.1f | %.0f | %.2f× | %s |\n' "$claims" "$lines" "$mb" "$a_wall" "$a_cpu" "$a_rss" \
    "$p_wall" "$p_cpu" "$p_rss" "$ratio" "$agree"
done
exit "$status"
