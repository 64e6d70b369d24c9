#!/usr/bin/env bash
# The ledger at scale (issue 11): a year of claims in arrival order is stored
# received month by received month (the store), then one weekly file of the
# next weeks is settled into it, the run that is timed: wall time, CPU and peak
# RSS, on SQLite (the default) or PostgreSQL (DB=postgresql://…), with the
# stages of the run (ALMEN_TIMING). Not part of CI; results go into
# docs/performance.md ("The ledger").
#
#   scripts/bench-ledger.sh [LINES] [WORKDIR]      (LINES default 10000000)
#   ALMEN=build-rel/src/cli/almen DB=postgresql://postgres@127.0.0.1:5432/almen_bench scripts/bench-ledger.sh 70000000
#
# Needs disk for the generated year (~80 bytes a line) plus the database.
# AFTER_FIRST: a shell command run (timed) once the first batch has loaded the registers, e.g. the
# PostgreSQL partitioning of docs/performance.md:
#   AFTER_FIRST="psql \$DB -c 'SELECT almen_partition_sync(ARRAY[2025, 2026])'"
# BEFORE_TIMED: a shell command run once the store is complete, before the timed run, e.g. to
# keep a copy of a PostgreSQL store (the timed run can then be repeated on copies of it) and
# reset pg_stat_statements:
#   BEFORE_TIMED="psql \$DB -c 'SELECT pg_stat_statements_reset()'"
set -euo pipefail
lines=${1:-10000000}
work=${2:-/tmp/almen-bench-ledger}
almen=${ALMEN:-build-rel/src/cli/almen}
db=${DB:-$work/state/almen.db}
[ -x "$almen" ] || { echo "bench-ledger: $almen is not built (cmake -B build-rel -DCMAKE_BUILD_TYPE=Release)" >&2; exit 2; }
export TZ=Europe/Copenhagen ALMEN_PSEUDONYM_KEY=${ALMEN_PSEUDONYM_KEY:-bench-ledger-key}
mkdir -p "$work"

if [ ! -f "$work/gen/claims-manifest.csv" ]; then
  echo "bench-ledger: generating $lines lines in arrival order, split by received week…" >&2
  "$almen" generate --out "$work/gen" --lines "$lines" --seed 42 --year 2025 --split-by week >/dev/null
fi
mapfile -t parts < <(ls "$work/gen"/claims-[0-9]*.csv | sort)
n=${#parts[@]}
[ "$n" -ge 3 ] || { echo "bench-ledger: too few weekly files" >&2; exit 1; }
# The timed file: a weekly file from the autumn (received week 40), a full week.
timed=${parts[$((39 < n - 1 ? 39 : n - 2))]}

if [ "${BENCH_REUSE:-0}" = 1 ] && [ -f "$work/store.db" ] && [ "${DB:-}" = "" ]; then
  # Repeat only the timed run on the kept store.
  cp "$work/store.db" "$db"
  rm -rf "$work/out"
  ALMEN_TIMING=1 /usr/bin/time -f 'time: %e s wall, %U s user, %S s sys, %M KB peak RSS' \
    "$almen" settle --claims "$timed" --db "$db" --out "$work/out" 2>"$work/timed.log" || { cat "$work/timed.log" >&2; exit 1; }
  grep -E '^(timing|time|almen: run)' "$work/timed.log"
  exit 0
fi
if [ "${DB:-}" = "" ]; then rm -rf "$work/state"; mkdir -p "$work/state"; fi
ref="--providers $work/gen/providers.csv --listings $work/gen/listings.csv --botilbud $work/gen/botilbud.csv --attachments $work/gen/attachments.csv"
# The store: every other weekly file of the year (and its late bills), four weeks at a time.
batch=()
flush() {
  [ ${#batch[@]} -gt 0 ] || return 0
  head -1 "${batch[0]}" >"$work/batch.csv"
  for f in "${batch[@]}"; do tail -n +2 "$f" >>"$work/batch.csv"; done
  rm -rf "$work/out"
  # shellcheck disable=SC2086
  "$almen" settle --claims "$work/batch.csv" $ref --db "$db" --out "$work/out" 2>&1 | grep -E '^almen: run' >&2
  if [ -n "$ref" ] && [ -n "${AFTER_FIRST:-}" ]; then
    start=$(date +%s%N)
    DB="$db" bash -c "$AFTER_FIRST" >&2
    echo "bench-ledger: AFTER_FIRST took $(( ($(date +%s%N) - start) / 1000000 )) ms" >&2
  fi
  ref=""
  batch=()
}
for f in "${parts[@]}"; do
  [ "$f" = "$timed" ] && continue
  batch+=("$f")
  [ ${#batch[@]} -eq 4 ] && flush
done
flush
stored=$(sqlite3 "$db" "SELECT SUM(lines) FROM runs" 2>/dev/null || echo "?")
week=$(($(wc -l <"$timed") - 1))
echo "bench-ledger: store holds $stored lines; timing a weekly file of $week lines ($(basename "$timed"))" >&2
# SQLite: keep a copy of the store, so the timed run can be repeated (BENCH_REUSE=1).
if [ "${DB:-}" = "" ]; then cp "$db" "$work/store.db"; fi
if [ -n "${BEFORE_TIMED:-}" ]; then DB="$db" bash -c "$BEFORE_TIMED" >&2; fi
rm -rf "$work/out"
ALMEN_TIMING=1 /usr/bin/time -f 'time: %e s wall, %U s user, %S s sys, %M KB peak RSS' \
  "$almen" settle --claims "$timed" --db "$db" --out "$work/out" 2>"$work/timed.log" || { cat "$work/timed.log" >&2; exit 1; }
grep -E '^(timing|time|almen: run)' "$work/timed.log"
