#!/bin/bash
# The post-payment control's indicators on a generated year (docs/performance.md, "Control").
#
#   scripts/control-bench.sh [--almen BIN] [--lines N] [--dir DIR] [--runs R] [--db URL]
#
# Generates N claim lines (seed 42, one year, arrival order), settles them into a
# ledger (almen settle --db: SQLite file DIR/almen.db, or --db postgresql://… ),
# starts `almen serve` on it (no demo data; rltn's password from
# ALMEN_ADMIN_PASSWORD) and times GET /api/control/risk?year=2025 as rltn — every
# clinic of the country, all eight indicators, peers, score and ranking — R times.
# Prints the settle time, each request's wall time and the server's stage times
# (ALMEN_TIMING), and one Markdown row for the table in docs/performance.md.
# A DIR that already holds almen.db is reused (no generation or settlement).
set -euo pipefail
almen=build-rel/src/cli/almen
lines=1000000
dir=""
runs=3
db=""
while [ $# -gt 0 ]; do
  case "$1" in
    --almen) almen=$2; shift 2 ;;
    --lines) lines=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --db) db=$2; shift 2 ;;
    *) echo "usage: $0 [--almen BIN] [--lines N] [--dir DIR] [--runs R] [--db URL]" >&2; exit 2 ;;
  esac
done
[ -x "$almen" ] || { echo "control-bench: no almen binary at $almen (--almen)" >&2; exit 2; }
[ -n "$dir" ] || dir=$(mktemp -d /tmp/almen-control-bench-XXXXXX)
mkdir -p "$dir"
[ -n "$db" ] || db="$dir/almen.db"
export ALMEN_PSEUDONYM_KEY=control-bench-key TZ=Europe/Copenhagen

if [ ! -e "$dir/settled" ]; then
  echo "control-bench: generating $lines lines into $dir/data" >&2
  "$almen" generate --out "$dir/data" --lines "$lines" --seed 42 >&2
  echo "control-bench: settling into the ledger $db" >&2
  s0=$(date +%s.%N)
  "$almen" settle --claims "$dir/data/claims.csv" --providers "$dir/data/providers.csv" \
      --listings "$dir/data/listings.csv" --botilbud "$dir/data/botilbud.csv" \
      --attachments "$dir/data/attachments.csv" --db "$db" --out "$dir/out" >&2
  s1=$(date +%s.%N)
  echo "settle_seconds=$(echo "$s1 - $s0" | bc)" > "$dir/settled"
fi
cat "$dir/settled" >&2

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
ALMEN_ADMIN_PASSWORD=bench-password ALMEN_TIMING=1 "$almen" serve --db "$db" --no-demo --host 127.0.0.1 \
    --port "$port" 2>"$dir/server.log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 $pid 2>/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  sleep 0.2
done
jar="$dir/cookies"
curl -fsS -c "$jar" -H 'Content-Type: application/json' -d '{"username":"rltn","password":"bench-password"}' \
    "http://127.0.0.1:$port/api/login" >/dev/null
times=()
for r in $(seq 1 "$runs"); do
  t=$(curl -fsS -b "$jar" -o "$dir/risk.json" -w '%{time_total}' "http://127.0.0.1:$port/api/control/risk?year=2025")
  times+=("$t")
  echo "control-bench: run $r: ${t} s" >&2
done
clinics=$(python3 -c "import json; print(len(json.load(open('$dir/risk.json'))['clinics']))")
flagged=$(python3 -c "import json; print(sum(1 for c in json.load(open('$dir/risk.json'))['clinics'] if c['score_tenths'] > 0))")
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "control-bench: stage times of the last run (server log):" >&2
grep '^control:' "$dir/server.log" | tail -5 >&2
load=$(cut -d' ' -f1 /proc/loadavg)
backend=$(case "$db" in postgres*) echo PostgreSQL ;; *) echo SQLite ;; esac)
echo "| $(date +%Y-%m-%d) | $lines | $backend | $clinics | $flagged | ${median} s | $(IFS=/; echo "${times[*]}") | $load |"
