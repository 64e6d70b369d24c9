#!/usr/bin/env bash
# Runs every libFuzzer target (fuzz/) for a fixed time, starting from the seed
# corpus in the repository (fuzz/corpus/<target>/, read only: new inputs go to
# a working corpus under the build directory). Builds the targets first
# (clang, -DALMEN_FUZZ=ON: AddressSanitizer + UndefinedBehaviorSanitizer).
#   scripts/fuzz.sh [SECONDS] [TARGET …]     (default 60 s, every target)
#   ALMEN_FUZZ_BUILD=dir   build directory (default build-fuzz)
#   ALMEN_FUZZ_JOBS=n      targets run at the same time (default 1)
#   scripts/fuzz.sh merge [TARGET …]
#     adds to the seed corpus the inputs of the working corpus (≤ 2 KiB) that
#     reach edges the seed corpus does not (libFuzzer -merge=1 with edge
#     coverage only, -use_counters=0, so that the repository corpus stays
#     small), named by the first 16 hex digits of their SHA-1.
# Prints one line per target (seconds, executions, executions/s, the working
# corpus at the end (inputs/size), coverage (edges cov, features ft), crashes) and
# exits non-zero if any target crashed, leaked or hung; crash inputs are kept
# in <build>/fuzz-out/<target>/crashes/ (add each one, once fixed, to the seed
# corpus). CI (scripts/test.sh) runs every target for a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=run
if [ "${1:-}" = merge ]; then
  mode=merge
  shift
else
  secs=${1:-60}
  [ $# -gt 0 ] && shift
fi
build=${ALMEN_FUZZ_BUILD:-build-fuzz}
jobs=${ALMEN_FUZZ_JOBS:-1}
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DALMEN_FUZZ=ON >/dev/null
fi
cmake --build "$build" --target almen_fuzzers -j "$(nproc)" >/dev/null
if [ $# -gt 0 ]; then targets="$*"; else targets=$(ls fuzz/*_fuzz.cc | sed 's|fuzz/\(.*\)_fuzz.cc|\1|'); fi
out=$build/fuzz-out
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Targets that write files (uploads) work in memory when /dev/shm exists.
[ -d /dev/shm ] && [ -w /dev/shm ] && export TMPDIR=${ALMEN_FUZZ_TMPDIR:-/dev/shm}
run() {
  local t=$1 max_len=4096
  case $t in upload|http_request|claims|csv) max_len=16384 ;; esac
  mkdir -p "$out/$t/corpus" "$out/$t/crashes"
  touch "$out/$t/started"  # crashes of this run only: inputs of an earlier run stay in crashes/ until fixed
  local rc=0
  "$build/fuzz/fuzz_$t" -max_total_time="$secs" -max_len="$max_len" -timeout=20 -rss_limit_mb=2560 \
    -print_final_stats=1 -artifact_prefix="$out/$t/crashes/" "$out/$t/corpus" "fuzz/corpus/$t" \
    >"$out/$t/log" 2>&1 || rc=$?
  local execs crashes rate last corp cov
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t/log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/$t/log" | tail -1)
  crashes=$(find "$out/$t/crashes" -type f -newer "$out/$t/started" | wc -l)
  # libFuzzer's last status line: "#N DONE cov: C ft: F corp: I/SIZE …".
  last=$(grep -E '^#[0-9]+' "$out/$t/log" | tail -1 || true)
  corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p' <<<"$last")
  cov=$(sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\).*/\1\/\2/p' <<<"$last")
  printf '%-14s %6s s %14s execs %9s execs/s  corpus %-12s cov/ft %-12s %3s crash(es)%s\n' "$t" "$secs" "${execs:-?}" \
    "${rate:-?}" "${corp:-?}" "${cov:-?}" "$crashes" \
    "$([ "$rc" != 0 ] && echo "  FAILED (exit $rc, see $out/$t/log)")"
  [ "$rc" = 0 ] && [ "$crashes" = 0 ]
}

# Seeds first, then the working corpus: what the seeds reach is not added again.
merge() {
  local t=$1 tmp added=0 bytes=0 f name
  tmp=$(mktemp -d)
  mkdir -p "$tmp/seeds" "$tmp/new"
  cp fuzz/corpus/"$t"/* "$tmp/seeds/" 2>/dev/null || true
  [ -d "$out/$t/corpus" ] && find "$out/$t/corpus" -type f -size -2049c -exec cp {} "$tmp/new/" \;
  if ! "$build/fuzz/fuzz_$t" -merge=1 -use_counters=0 -timeout=20 -rss_limit_mb=2560 "$tmp/seeds" "$tmp/new" \
    >"$out/$t/merge.log" 2>&1; then
    echo "$t: merge FAILED (see $out/$t/merge.log)"
    rm -rf "$tmp"
    return 1
  fi
  for f in "$tmp/seeds"/*; do
    [ -e "fuzz/corpus/$t/$(basename "$f")" ] && continue
    name=$(sha1sum "$f" | cut -c1-16)
    cp "$f" "fuzz/corpus/$t/$name"
    added=$((added + 1))
    bytes=$((bytes + $(stat -c %s "$f")))
  done
  printf '%-14s %4d input(s) added (%d bytes); seed corpus now %d inputs, %d bytes\n' "$t" "$added" "$bytes" \
    "$(find "fuzz/corpus/$t" -type f | wc -l)" "$(cat fuzz/corpus/"$t"/* | wc -c)"
  rm -rf "$tmp"
}
if [ "$mode" = merge ]; then
  mkdir -p "$out"
  for t in $targets; do mkdir -p "$out/$t"; merge "$t"; done
  exit 0
fi

failed=0
running=0
pids=()
for t in $targets; do
  if [ "$jobs" -le 1 ]; then
    run "$t" || failed=1
  else
    run "$t" & pids+=($!)
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then wait "${pids[0]}" || failed=1; pids=("${pids[@]:1}"); running=$((running - 1)); fi
  fi
done
for p in "${pids[@]+"${pids[@]}"}"; do wait "$p" || failed=1; done
[ "$failed" = 0 ] && echo "fuzz: no crashes" || { echo "fuzz: FAILED" >&2; exit 1; }
