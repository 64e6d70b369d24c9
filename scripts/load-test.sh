#!/usr/bin/env bash
# Load test of `almen serve` (issue 12; loopback only, bounded, not in CI):
# RATE requests per second on statement pages (honorarspecifikation and its
# drill-down to lines) for SECONDS, while uploads of UPLOAD_LINES claim lines
# each are received, settled and imported: ALMEN_LOAD_UPLOADS (default 5)
# distinct files spread over the run.
#   scripts/load-test.sh [SECONDS] [RATE] [DEMO_LINES] [UPLOAD_LINES]   (default 600, 500, 200000, 2000000)
#   ALMEN_BIN   the almen binary (default build/src/cli/almen); needs wrk, curl, jq.
# Prints wrk's totals (requests, errors by kind, non-2xx answers) and latency
# percentiles, and the upload's time from first byte to `done`. The server
# runs on a temporary SQLite database with demo data; nothing is left behind.
set -euo pipefail
secs=${1:-600}
rate=${2:-500}
demo=${3:-200000}
upload_lines=${4:-2000000}
conns=${ALMEN_LOAD_CONNS:-16}
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${ALMEN_BIN:-$here/build/src/cli/almen}
[ -x "$bin" ] || { echo "load-test: no almen binary at $bin (set ALMEN_BIN)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "load-test: wrk is not installed (scripts/deps.sh)" >&2; exit 2; }
work=$(mktemp -d /tmp/almen-load-XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }; rm -rf "$work"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
echo "load-test: starting the server with $demo demo lines…"
"$bin" serve --db "$work/almen.db" --host 127.0.0.1 --port "$port" --demo-lines "$demo" --work-dir "$work/wd" \
  2>"$work/server.log" &
pid=$!
for _ in $(seq 1 1800); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
base=http://127.0.0.1:$port
login() { curl -fsS -D - -o /dev/null -H 'Content-Type: application/json' -d "{\"username\":\"$1\",\"password\":\"$1\"}" \
  "$base/api/login" | sed -n 's/^Set-Cookie: \([^;]*\).*/\1/p'; }
rltn=$(login rltn)
# The statement pages of every clinic and month (one path a line).
curl -fsS -H "Cookie: $rltn" "$base/api/statements?format=json" |
  jq -r '.rows[] | "\(.provider) \(.month)"' | sort -u >"$work/keys"
while read -r p m; do
  echo "/api/statements?provider=$p&month=$m"
  echo "/api/statements?provider=$p&month=$m"
  echo "/api/lines?provider=$p&month=$m&limit=100"
done <"$work/keys" | shuf >"$work/paths"
echo "load-test: $(wc -l <"$work/keys") statement pages; $rate req/s for $secs s with $conns connections"
# Uploads through the whole run: UPLOADS distinct files (different seeds),
# one every SECONDS/UPLOADS seconds, the first 5 s in.
uploads=${ALMEN_LOAD_UPLOADS:-5}
for i in $(seq 1 "$uploads"); do "$bin" generate --out "$work/gen$i" --lines "$upload_lines" --seed $((98 + i)) >/dev/null 2>&1; done
t_start=$(date +%s)
(
  for i in $(seq 1 "$uploads"); do
    sleep_until=$(( 5 + (i - 1) * secs / uploads ))
    while [ "$(( $(date +%s) - t_start ))" -lt "$sleep_until" ]; do sleep 0.5; done
    t0=$(date +%s.%N)
    # Claims and listings (the stored register belongs to the demo world, so no providers.csv).
    j=$(curl -fsS -H "Cookie: $rltn" -F "claims=@$work/gen$i/claims.csv" -F "listings=@$work/gen$i/listings.csv" \
      "$base/api/settlements" | jq -r .job_id)
    t1=$(date +%s.%N)
    while :; do
      s=$(curl -fsS -H "Cookie: $rltn" "$base/api/jobs/$j" | jq -r .state)
      [ "$s" = done ] || [ "$s" = failed ] && break
      sleep 0.5
    done
    t2=$(date +%s.%N)
    echo "load-test: upload $i of $upload_lines lines ($(du -h "$work/gen$i/claims.csv" | cut -f1) claims) at $(( $(date +%s) - t_start )) s: sent in $(echo "$t1 - $t0" | bc) s, $s after $(echo "$t2 - $t0" | bc) s"
  done
) &
up=$!
ALMEN_COOKIE=$rltn ALMEN_RATE=$rate ALMEN_CONNS=$conns ALMEN_PATHS=$work/paths \
  wrk -t2 -c"$conns" -d"${secs}s" --timeout 10s -s "$here/scripts/load-test.lua" "$base" | grep '^wrk:'
wait "$up" || true
echo "load-test: server: $(grep -c '"status":5' "$work/server.log" || true) answers 5xx in its log; still alive: $(kill -0 "$pid" 2>/dev/null && echo yes || echo NO)"
