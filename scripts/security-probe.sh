#!/usr/bin/env bash
# The issue 12 probes against a running `almen serve` (loopback only,
# bounded, not in CI): each prints what the server did, for docs/security.md.
#   scripts/security-probe.sh            (starts its own server on a temporary SQLite database)
#   ALMEN_BIN   the almen binary (default build/src/cli/almen); needs curl, jq, python3.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${ALMEN_BIN:-$here/build/src/cli/almen}
[ -x "$bin" ] || { echo "security-probe: no almen binary at $bin (set ALMEN_BIN)" >&2; exit 2; }
work=$(mktemp -d /tmp/almen-probe-XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }; rm -rf "$work"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve --db "$work/almen.db" --host 127.0.0.1 --port "$port" --demo-lines 20000 --work-dir "$work/wd" 2>"$work/log" &
pid=$!
for _ in $(seq 1 600); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
base=http://127.0.0.1:$port
rss() { awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$pid/status"; }
# Each probe comes from its own loopback address (127.0.0.N), as separate
# clients would: the per-address limits of one probe do not touch the next.
login() { curl -sS --interface 127.0.0.9 -D - -o /dev/null -H 'Content-Type: application/json' \
  -d "{\"username\":\"$1\",\"password\":\"${2:-$1}\"}" "$base/api/login" | sed -n 's/^Set-Cookie: \([^;]*\).*/\1/p'; }
say() { printf 'probe: %s\n' "$*"; }

# 1. /%ff (a path that is not UTF-8)
code=$(curl -sS --path-as-is -o /dev/null -w '%{http_code}' "$base/%ff")
say "1  GET /%ff -> $code; server alive: $(kill -0 $pid 2>/dev/null && echo yes || echo NO); /healthz $(curl -s -o /dev/null -w '%{http_code}' "$base/healthz")"

# 2a. 500 MB to /api/login, anonymous
before=$(rss)
t0=$(date +%s.%N)
code=$(head -c 500000000 /dev/zero | curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  -H 'Expect:' --data-binary @- "$base/api/login" 2>/dev/null)
t1=$(date +%s.%N)
say "2a 500 MB POST /api/login (anonymous) -> ${code:-connection closed} in $(echo "$t1 - $t0" | bc) s; RSS $before -> $(rss)"
# 2b. eight slow connections announcing 2 GB each, then /healthz
python3 - "$port" <<'EOF' &
import socket, sys, time
port = int(sys.argv[1])
socks = []
for i in range(8):
    s = socket.create_connection(("127.0.0.1", port), source_address=("127.0.0.5", 0))
    s.sendall(b"POST /api/settlements HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nContent-Length: 2147483648\r\n\r\nclaim_id")
    socks.append(s)
for _ in range(30):
    for s in socks:
        try: s.sendall(b"x")
        except OSError: pass
    time.sleep(1)
EOF
slow=$!
sleep 1
h=$(curl -sS --interface 127.0.0.7 -o /dev/null -w '%{http_code} in %{time_total} s' --max-time 30 "$base/healthz")
say "2b eight slow connections announcing 2 GB each: /healthz -> $h"
kill "$slow" 2>/dev/null; wait "$slow" 2>/dev/null
# 2c. slowloris: 40 connections trickling their headers, then /healthz
python3 - "$port" <<'EOF' &
import socket, sys, time
port = int(sys.argv[1])
socks = []
for i in range(40):
    try:
        s = socket.create_connection(("127.0.0.1", port), source_address=("127.0.0.6", 0))
        s.sendall(b"GET /healthz HTTP/1.1\r\n"); socks.append(s)
    except OSError: pass
for _ in range(30):
    for s in socks:
        try: s.sendall(b"X-A: b\r\n")
        except OSError: pass
    time.sleep(1)
EOF
slow=$!
sleep 1
h=$(curl -sS --interface 127.0.0.7 -o /dev/null -w '%{http_code} in %{time_total} s' --max-time 30 "$base/healthz")
h2=$(curl -sS --interface 127.0.0.6 -o /dev/null -w '%{http_code}' --max-time 30 "$base/healthz")
sleep 11
h3=$(curl -sS --interface 127.0.0.6 -o /dev/null -w '%{http_code}' --max-time 30 "$base/healthz")
say "2c forty connections from one address trickling headers (a line a second): /healthz from another address -> $h; from theirs -> $h2; after the 10 s head deadline -> $h3"
kill "$slow" 2>/dev/null; wait "$slow" 2>/dev/null

# 3b. timing: the first failed login of known and of unknown user names (median of 8 each, from an address of its own)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
known=$(for u in plo region-sjaelland region-syddanmark region-midtjylland region-nordjylland kommune-0101 fond-sekretariat udvalg-plo-1; do
  curl -sS --interface 127.0.0.3 -o /dev/null -w '%{time_total}\n' -H 'Content-Type: application/json' \
    -d "{\"username\":\"$u\",\"password\":\"wrong\"}" "$base/api/login"; done | median)
unknown=$(for i in $(seq 1 8); do curl -sS --interface 127.0.0.4 -o /dev/null -w '%{time_total}\n' -H 'Content-Type: application/json' \
  -d "{\"username\":\"nobody-$i\",\"password\":\"wrong\"}" "$base/api/login"; done | median)
say "3b first failed login, median of 8: known user name $known s, unknown user name $unknown s"
# 3a. 100 wrong passwords for plo, then the right one
t0=$(date +%s.%N)
declare -A codes=()
for i in $(seq 1 100); do
  c=$(curl -sS --interface 127.0.0.2 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -d '{"username":"udvalg-plo-2","password":"wrong"}' "$base/api/login")
  codes[$c]=$(( ${codes[$c]:-0} + 1 ))
done
t1=$(date +%s.%N)
right=$(curl -sS --interface 127.0.0.2 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d '{"username":"udvalg-plo-2","password":"udvalg-plo-2"}' "$base/api/login")
other=$(curl -sS --interface 127.0.0.10 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d '{"username":"udvalg-plo-2","password":"udvalg-plo-2"}' "$base/api/login")
summary=""; for c in "${!codes[@]}"; do summary+="$c×${codes[$c]} "; done
say "3a 100 wrong passwords for udvalg-plo-2 in $(echo "$t1 - $t0" | bc) s: ${summary% }; the right one straight after -> $right (from another address -> $other)"
# 3c. audit rows from 1000 failed logins with 1000 different names
rltn=$(login rltn)
n0=$(curl -sS -H "Cookie: $rltn" "$base/api/audit?limit=1" | jq .total)
declare -A c3=()
for i in $(seq 1 1000); do
  c=$(curl -sS --interface "127.0.1.$(( i % 60 + 1 ))" -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "{\"username\":\"=x$i\",\"password\":\"x\"}" "$base/api/login")
  c3[$c]=$(( ${c3[$c]:-0} + 1 ))
done
answers=""; for c in "${!c3[@]}"; do answers+="$c×${c3[$c]} "; done
n1=$(curl -sS -H "Cookie: $rltn" "$base/api/audit?limit=1" | jq .total)
say "3c 1000 failed logins (1000 names from 60 addresses: ${answers% }): audit rows $n0 -> $n1 (+$((n1 - n0)))"

# 4. cross-site
clinic=$(login klinik-033345)
for o in "http://evil.example" "http://127.0.0.1:1"; do
  c=$(curl -sS -o /dev/null -w '%{http_code}' -H "Cookie: $clinic" -H "Origin: $o" -H 'Content-Type: application/json' \
    -d '{"cpr":"0101801234"}' "$base/api/sharing/blocks")
  say "4  POST with the cookie and Origin: $o -> $c"
done
c=$(curl -sS -o /dev/null -w '%{http_code}' -H "Cookie: $clinic" -H 'Content-Type: text/plain' -d '{"cpr":"0101801234"}' "$base/api/sharing/blocks")
say "4  POST with the cookie as text/plain -> $c"
say "4  headers of /: $(curl -sSI "$base/" | grep -iE '^(content-security-policy|x-frame-options|referrer-policy):' | tr -d '\r' | cut -c1-60 | paste -sd'|')"

# 5. object-level: clinic 033345's block revoked by another clinic
other=$(curl -sS -H "Cookie: $rltn" "$base/api/providers" | jq -r '.rows[].provider' | grep -v 033345 | head -1)
blk=$(curl -sS -H "Cookie: $clinic" -H 'Content-Type: application/json' -d '{"cpr":"0101801234"}' "$base/api/sharing/blocks" | jq .id)
c=$(curl -sS -o /dev/null -w '%{http_code}' -X POST -H "Cookie: $(login "klinik-$other")" "$base/api/sharing/blocks/$blk/revoke" -H 'Content-Length: 0')
say "5  klinik-$other revokes klinik-033345's block $blk -> $c"
"$bin" generate --out "$work/gen" --lines 20000 --seed 1 >/dev/null 2>&1  # the demo world's listings
curl -sS -o /dev/null -H "Cookie: $rltn" -F "listings=@$work/gen/listings.csv" "$base/api/economy/ceilings?year=2025"
say "5  GET /api/economy/ceilings as rltn -> $(curl -sS -H "Cookie: $rltn" "$base/api/economy/ceilings?year=2025" | jq -c '{clinics: (.clinics | length), totals_clinics: .totals.clinics, reference_areas: (.reference_areas | length)}')"
for u in fond-sekretariat udvalg-rltn-1 klinik-033345; do
  c=$(curl -sS -H "Cookie: $(login $u)" "$base/api/economy/ceilings?year=2025" -o "$work/c.json" -w '%{http_code}')
  say "5  GET /api/economy/ceilings as $u -> $c $(jq -c 'if .totals then {clinics: (.clinics | length), totals_clinics: .totals.clinics, reference_areas: (.reference_areas | length)} else .error.message end' "$work/c.json" 2>/dev/null)"
done

# 7. CSV formula injection: the audit export
say "7  audit CSV rows with a name that starts with '=': $(curl -sS -H "Cookie: $rltn" "$base/api/audit?format=csv&limit=5000" | grep -c ",'=x") neutralised, $(curl -sS -H "Cookie: $rltn" "$base/api/audit?format=csv&limit=5000" | grep -c ',=x') as formulas"

# 8. a 20-digit id; employment for klinik-033345
say "8  GET /api/settlements/99999999999999999999 -> $(curl -sS -o /dev/null -w '%{http_code}' -H "Cookie: $rltn" "$base/api/settlements/99999999999999999999")"
c=$(curl -sS -H "Cookie: $clinic" -H 'Content-Type: application/json' -d '{"doctor_id":"L-probe","from_date":"2025-01-01"}' \
  "$base/api/employments" -w ' %{http_code}')
say "8  klinik-033345 registers an employment -> $c"
# 8. header parsing: 100.000 and 1.000.000 columns
for n in 100000 1000000; do
  python3 -c "import sys; sys.stdout.write(','.join('c%d' % i for i in range($n)) + '\n')" >"$work/wide.csv"
  t0=$(date +%s.%N)
  msg=$("$bin" settle --claims "$work/wide.csv" --out "$work/wide-out" 2>&1 >/dev/null | grep -v 'note:' | head -c 160)
  t1=$(date +%s.%N)
  say "8  almen settle with a $n-column header: $(echo "$t1 - $t0" | bc) s: $msg"
done
say "server alive at the end: $(kill -0 $pid 2>/dev/null && echo yes || echo NO); RSS $(rss)"
