#!/usr/bin/env bash
# Load test of `almen serve` (issue 12; loopback only, bounded, not in CI):
# RATE requests per second on statement pages (honorarspecifikation and its
# drill-down to lines) for SECONDS, while uploads of UPLOAD_LINES claim lines
# each are received, settled and imported: ALMEN_LOAD_UPLOADS (default 5)
# files spread over the run.
# One generated world (--split-by week) is the data: its first weeks (BASE_LINES
# lines, with the providers, listings and botilbud registers) are settled
# before the load starts; the uploads are its later weeks, claims only, so
# they settle against the stored registers and history as a region's next
# files would (their lines are accepted and posted, not refused as lines of
# unknown clinics).
#   scripts/load-test.sh [SECONDS] [RATE] [BASE_LINES] [UPLOAD_LINES]   (default 600, 500, 200000, 2000000)
#   ALMEN_BIN   the almen binary (default build/src/cli/almen); needs wrk, curl, jq.
#   ALMEN_LOAD_CONNS  wrk connections (default 16)
# Prints wrk's totals (requests, errors by kind, non-2xx answers) and latency
# percentiles, each upload's time from first byte to `done` with its lines,
# and how much of the window had an upload in progress. The server runs on a temporary SQLite database; nothing is left behind.
set -euo pipefail
secs=${1:-600}
rate=${2:-500}
base_lines=${3:-200000}
upload_lines=${4:-2000000}
uploads=${ALMEN_LOAD_UPLOADS:-5}
conns=${ALMEN_LOAD_CONNS:-16}
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${ALMEN_BIN:-$here/build/src/cli/almen}
[ -x "$bin" ] || { echo "load-test: no almen binary at $bin (set ALMEN_BIN)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "load-test: wrk is not installed (scripts/deps.sh)" >&2; exit 2; }
work=$(mktemp -d /tmp/almen-load-XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }; rm -rf "$work"; }
trap cleanup EXIT
export ALMEN_ADMIN_PASSWORD=load-test-password

# ---- the data: one world, its weeks grouped into the base and the uploads ----
echo "load-test: generating $base_lines + $uploads × $upload_lines claim lines…"
"$bin" generate --out "$work/gen" --lines $((base_lines + uploads * upload_lines)) --seed 99 --split-by week >/dev/null 2>&1
# claims-manifest.csv: file,part,received_from,received_to,lines (arrival order).
# A group ends when it has its lines; the base first, then the uploads.
tail -n +2 "$work/gen/claims-manifest.csv" | awk -F, -v b="$base_lines" -v u="$upload_lines" -v n="$uploads" '
  BEGIN { g = 0; want = b; have = 0 }
  { print g, $1; have += $5; if (have >= want && g < n) { g++; have = 0; want = u } }' >"$work/groups"
for g in $(seq 0 "$uploads"); do
  out=$work/part$g.csv
  head -1 "$work/gen/claims.csv" >"$out"
  awk -v g="$g" '$1 == g { print $2 }' "$work/groups" | while read -r f; do tail -n +2 "$work/gen/$f" >>"$out"; done
done
rm -f "$work"/gen/claims-*.csv "$work/gen/claims.csv"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve --db "$work/almen.db" --host 127.0.0.1 --port "$port" --no-demo --work-dir "$work/wd" \
  2>"$work/server.log" &
pid=$!
for _ in $(seq 1 1800); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
base=http://127.0.0.1:$port
rltn=$(curl -fsS -D - -o /dev/null -H 'Content-Type: application/json' \
  -d "{\"username\":\"rltn\",\"password\":\"$ALMEN_ADMIN_PASSWORD\"}" "$base/api/login" |
  sed -n 's/^Set-Cookie: \([^;]*\).*/\1/p')
# Uploads a file set and waits for its job; prints the job as JSON.
settle() {
  local j job s
  j=$(curl -fsS -H "Cookie: $rltn" "$@" "$base/api/settlements" | jq -r .job_id)
  while :; do
    job=$(curl -fsS -H "Cookie: $rltn" "$base/api/jobs/$j")
    s=$(jq -r .state <<<"$job")
    [ "$s" = done ] || [ "$s" = failed ] && break
    sleep 0.5
  done
  echo "$job"
}
describe() { jq -r '"\(.state): lines \(.lines), accepted \(.accepted), rejected \(.rejected), review \(.review)\(if .error then ", error: " + .error else "" end)"'; }
echo "load-test: settling the base ($(($(wc -l <"$work/part0.csv") - 1)) lines with the registers)…"
reg=()
for k in providers listings botilbud attachments; do [ -f "$work/gen/$k.csv" ] && reg+=(-F "$k=@$work/gen/$k.csv"); done
echo "load-test: base: $(settle -F "claims=@$work/part0.csv" "${reg[@]}" | describe)"

# The statement pages of every clinic and month (one path a line).
curl -fsS -H "Cookie: $rltn" "$base/api/statements?format=json" |
  jq -r '.rows[] | "\(.provider) \(.month)"' | sort -u >"$work/keys"
while read -r p m; do
  echo "/api/statements?provider=$p&month=$m"
  echo "/api/statements?provider=$p&month=$m"
  echo "/api/lines?provider=$p&month=$m&limit=100"
done <"$work/keys" | shuf >"$work/paths"
echo "load-test: $(wc -l <"$work/keys") statement pages; $rate req/s for $secs s with $conns connections"
# The uploads through the whole run, one every SECONDS/UPLOADS seconds, the
# first 5 s in (claims only: the registers are stored).
t_start=$(date +%s)
(
  for i in $(seq 1 "$uploads"); do
    # The world's last weeks may not fill every group: an empty one is no upload.
    [ "$(wc -l <"$work/part$i.csv")" -gt 1 ] || { echo "load-test: upload $i: no lines left in the world, skipped"; continue; }
    sleep_until=$(( 5 + (i - 1) * secs / uploads ))
    while [ "$(( $(date +%s) - t_start ))" -lt "$sleep_until" ]; do sleep 0.5; done
    t0=$(date +%s.%N)
    job=$(settle -F "claims=@$work/part$i.csv")
    t2=$(date +%s.%N)
    echo "$(echo "$t0 - $t_start" | bc) $(echo "$t2 - $t_start" | bc)" >>"$work/upload-times"
    echo "load-test: upload $i ($(($(wc -l <"$work/part$i.csv") - 1)) lines, $(du -h "$work/part$i.csv" | cut -f1)) at $(( $(date +%s) - t_start )) s: $(echo "$t2 - $t0" | bc) s to the end of its job, $(describe <<<"$job")"
  done
) &
up=$!
ALMEN_COOKIE=$rltn ALMEN_RATE=$rate ALMEN_THREADS=2 ALMEN_PATHS=$work/paths \
  wrk -t2 -c"$conns" -d"${secs}s" --timeout 10s -s "$here/scripts/load-test.lua" "$base" | grep '^wrk:'
wait "$up" || true
# How much of the load window had an upload in progress (the uploads run one
# after the other; percentiles above are over the whole window).
[ -f "$work/upload-times" ] && echo "load-test: an upload was in progress during $(awk -v s="$secs" '
  { a = $1; b = ($2 < s ? $2 : s); if (b > a) t += b - a } END { printf "%.0f s of the %d s (%.0f %%)", t, s, 100 * t / s }' "$work/upload-times")"
echo "load-test: server: $(grep -c '"status":5' "$work/server.log" || true) answers 5xx in its log; still alive: $(kill -0 "$pid" 2>/dev/null && echo yes || echo NO)"
