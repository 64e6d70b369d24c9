#!/usr/bin/env bash
# `almen ramme --db`: the ramme statement from a database equals the server's
# GET /api/economy/ramme (one implementation, src/server/ramme_storage.cc).
# Starts `almen serve` on a temporary SQLite database with small demo data,
# uploads an expense file through the API, stops the server and runs the CLI
# on the same file. Usage: ramme_db.sh ALMEN   (needs curl and jq)
set -u
almen=$1
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fail=0
export ALMEN_PSEUDONYM_KEY=ramme-db-test-key
db=$work/almen.db
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$almen" serve --db "$db" --port "$port" --demo-lines 3000 2>"$work/serve.log" &
pid=$!
for _ in $(seq 1 600); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { echo "FAIL: almen serve died"; cat "$work/serve.log"; exit 1; }
  sleep 0.2
done
api() { curl -sS -b "$work/cookies" -c "$work/cookies" "$@"; }
api -H 'Content-Type: application/json' -d '{"username":"rltn","password":"rltn"}' \
  "http://127.0.0.1:$port/api/login" >/dev/null
printf 'region_code,quarter,category,amount_ore\n1084,2025-Q1,out_of_hours,12345600\n1081,2025-Q2,local_agreements,700000\n' \
  >"$work/expenses.csv"
code=$(api -o "$work/upload.json" -w '%{http_code}' -F "expenses=@$work/expenses.csv" \
  "http://127.0.0.1:$port/api/economy/expenses?year=2025")
[ "$code" = 201 ] || { echo "FAIL: expense upload: HTTP $code $(cat "$work/upload.json")"; fail=1; }
api "http://127.0.0.1:$port/api/economy/ramme?year=2025" >"$work/served.json"
kill "$pid"; wait "$pid" 2>/dev/null; pid=

"$almen" ramme --year 2025 --db "$db" >"$work/cli.json" 2>"$work/cli.err"
st=$?
if [ $st != 0 ]; then echo "FAIL: almen ramme --db: exit $st"; cat "$work/cli.err"; fail=1; fi
keys='{ramme_ore, spend_ore, complete, offset_ore, quarters, forecast, expenses, months_settled, lto_capacity_addition_ore}'
if diff <(jq -S "$keys" "$work/served.json") <(jq -S "$keys" "$work/cli.json") >"$work/diff"; then
  echo "ok: almen ramme --db equals GET /api/economy/ramme"
else
  echo "FAIL: almen ramme --db differs from the server:"; head -40 "$work/diff"; fail=1
fi
spend_q1=$(jq '.quarters[0].spend_ore' "$work/cli.json")
[ "$(jq '.expenses.rows' "$work/cli.json")" = 2 ] || { echo "FAIL: expense rows not merged"; fail=1; }
[ "$(jq '.source' "$work/cli.json")" = '"stored_settlements"' ] || { echo "FAIL: source"; fail=1; }
[ "$spend_q1" -gt 12345600 ] || { echo "FAIL: Q1 spend $spend_q1 lacks the expense row"; fail=1; }
echo "ok: Q1 spend $spend_q1 øre (settled + 123.456,00 kr. out_of_hours)"

# --expenses beside --db overlays the stored row of the same key.
printf 'region_code,quarter,category,amount_ore\n1084,2025-Q1,out_of_hours,100\n' >"$work/overlay.csv"
"$almen" ramme --year 2025 --db "$db" --expenses "$work/overlay.csv" >"$work/overlay.json" 2>/dev/null
want=$((spend_q1 - 12345600 + 100))
[ "$(jq '.quarters[0].spend_ore' "$work/overlay.json")" = "$want" ] ||
  { echo "FAIL: --expenses overlay: Q1 $(jq '.quarters[0].spend_ore' "$work/overlay.json"), want $want"; fail=1; }

# Bad input: a missing database file is exit 1 and creates nothing.
"$almen" ramme --year 2025 --db "$work/none.db" >/dev/null 2>"$work/err"
[ $? = 1 ] || { echo "FAIL: missing --db file: want exit 1"; fail=1; }
[ -e "$work/none.db" ] && { echo "FAIL: almen ramme --db created a database"; fail=1; }
grep -q 'none.db' "$work/err" || { echo "FAIL: message does not name the file"; fail=1; }
# A bad --expenses file beside --db: exit 1 naming file:line:col.
printf 'region_code,quarter,category,amount_ore\n1099,2025-Q1,day,1\n' >"$work/bad.csv"
"$almen" ramme --year 2025 --db "$db" --expenses "$work/bad.csv" >/dev/null 2>"$work/err"
[ $? = 1 ] && grep -q 'bad.csv:2:1' "$work/err" || { echo "FAIL: bad --expenses: $(cat "$work/err")"; fail=1; }
[ $fail = 0 ] && echo "ok: almen ramme --db"
exit $fail
