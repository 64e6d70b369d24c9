#!/bin/bash
# Server benchmarks (measured, never asserted):
#  (a) importing and settling N claim lines into SQLite through the API
#      (`almen generate`, POST /api/settlements, wall time until the job is done,
#      with the time spent settling and importing);
#  (b) `wrk` against statement pages (GET /api/statements?provider=&month=) on
#      loopback for a bounded time: requests/s and p99 latency.
#   scripts/bench-server.sh [ALMEN_BIN] [LINES] [WRK_SECONDS] [WRK_CONNECTIONS]
# Defaults: build/src/cli/almen, 1000000 lines, 10 s, 4 connections, 2 wrk threads.
# Prints a Markdown table row for docs/performance.md ("Server").
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$here/build/src/cli/almen}
lines=${2:-1000000}
secs=${3:-10}
conns=${4:-4}
command -v wrk >/dev/null || { echo "bench-server: wrk not found (apt-get install wrk)" >&2; exit 1; }
work=$(mktemp -d /tmp/almen-bench-server-XXXXXX)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
export ALMEN_ADMIN_PASSWORD=bench-password
now() { date +%s.%N; }
secs_since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b - a}'; }

echo "bench-server: generating $lines lines…" >&2
"$bin" generate --out "$work/gen" --lines "$lines" --seed 1 >/dev/null 2>&1
bytes=$(stat -c %s "$work/gen/claims.csv")

"$bin" serve --db "$work/almen.db" --host 127.0.0.1 --port 0 --no-demo 2>"$work/server.log" &
pid=$!
port=
for _ in $(seq 1 300); do
  port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/server.log" | head -1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "bench-server: the server did not start" >&2; cat "$work/server.log" >&2; exit 1; }
base=http://127.0.0.1:$port
cookie=$(curl -fsS -D - -o /dev/null -H 'Content-Type: application/json' \
  -d "{\"username\":\"rltn\",\"password\":\"$ALMEN_ADMIN_PASSWORD\"}" "$base/api/login" |
  sed -n 's/^Set-Cookie: \(almen_session=[0-9a-f]*\).*/\1/ip' | tr -d '\r')

# (a) upload claims + providers, time until the job is done
echo "bench-server: uploading and settling…" >&2
t0=$(now)
job=$(curl -fsS -H "Cookie: $cookie" -F "claims=@$work/gen/claims.csv" -F "providers=@$work/gen/providers.csv" \
  "$base/api/settlements" | jq -r .job_id)
t_upload=$(secs_since "$t0")
t_settle_start=; t_import_start=; t_keep_start=
while :; do
  j=$(curl -fsS -H "Cookie: $cookie" "$base/api/jobs/$job")
  state=$(jq -r .state <<<"$j"); stage=$(jq -r .stage <<<"$j")
  [ -z "$t_settle_start" ] && [ "$stage" = settle ] && t_settle_start=$(now)
  [ -z "$t_import_start" ] && [[ "$stage" == import* ]] && t_import_start=$(now)
  [ -z "$t_keep_start" ] && [ "$stage" = "keep inputs" ] && t_keep_start=$(now)
  case $state in done) break ;; failed|cancelled) echo "bench-server: job $state: $j" >&2; exit 1 ;; esac
  sleep 0.05
done
t_total=$(secs_since "$t0")
t_import=$( [ -n "$t_import_start" ] && secs_since "$t_import_start" || echo "?")
t_keep=$( [ -n "$t_keep_start" ] && secs_since "$t_keep_start" || echo "?")
echo "bench-server: of which keeping the inputs sealed for re-runs: ${t_keep} s" >&2
stored=$(jq .lines <<<"$j")
db_mb=$(du -sm "$work" --exclude=gen | cut -f1)

# (b) statement pages: one provider and month with lines
read -r provider month < <(sqlite3 -separator ' ' "$work/almen.db" \
  "SELECT provider, month FROM statements GROUP BY provider, month ORDER BY COUNT(*) DESC LIMIT 1")
url="$base/api/statements?provider=$provider&month=$month"
rows=$(curl -fsS -H "Cookie: $cookie" "$url" | jq '.rows | length')
echo "bench-server: wrk ${secs}s, $conns connections on $url ($rows rows)…" >&2
wrk -t 2 -c "$conns" -d "${secs}s" --latency -H "Cookie: $cookie" "$url" >"$work/wrk.txt"
cat "$work/wrk.txt" >&2
rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$work/wrk.txt")
p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
# the drill-down page of the same statement (first 100 lines)
url2="$base/api/lines?provider=$provider&month=$month&limit=100"
wrk -t 2 -c "$conns" -d "${secs}s" --latency -H "Cookie: $cookie" "$url2" >"$work/wrk2.txt"
rps2=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$work/wrk2.txt")
p99_2=$(awk '$1 == "99%" {print $2}' "$work/wrk2.txt")

# (c) re-run of the run under its own agreement: unseal, settle, diff, store.
t0=$(now)
rjob=$(curl -fsS -X POST -d "" -H "Cookie: $cookie" "$base/api/settlements/1/rerun?agreement=original" | jq -r .job_id)
while :; do
  j=$(curl -fsS -H "Cookie: $cookie" "$base/api/jobs/$rjob")
  case $(jq -r .state <<<"$j") in done) break ;; failed|cancelled) echo "bench-server: re-run failed: $j" >&2; break ;; esac
  sleep 0.1
done
t_rerun=$(secs_since "$t0")
rerun_id=$(jq -r .rerun_id <<<"$j")
changed=$(curl -fsS -H "Cookie: $cookie" "$base/api/reruns/$rerun_id" | jq -r .changed)
echo "bench-server: re-run under the run's own agreement: ${t_rerun} s, ${changed} changed lines" >&2

blocks=$(sqlite3 -separator ' ' "$work/almen.db" \
  "SELECT COUNT(*), COALESCE(SUM(lines), 0), COALESCE(SUM(LENGTH(data)), 0) FROM line_blocks" 2>/dev/null || true)
[ -n "$blocks" ] && echo "bench-server: line_blocks (blocks, lines, base64 bytes): $blocks" >&2
# ALMEN_TIMING=1: the server's settle and import phases.
grep '^timing:' "$work/server.log" >&2 || true
cores=$(nproc)
echo "| lines | claims MB | cores | upload s | settle+import s (import s) | DB+files MB | statement req/s | statement p99 | lines page req/s | lines page p99 |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '| %s | %d | %s | %s | %s (%s) | %s | %s | %s | %s | %s |\n' "$stored" $((bytes / 1000000)) "$cores" "$t_upload" \
  "$t_total" "$t_import" "$db_mb" "$rps" "$p99" "$rps2" "$p99_2"
