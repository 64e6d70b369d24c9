#!/bin/bash
# Crash in the middle of an import: starts the real `almen serve` on a
# temporary SQLite database, uploads a generated claim file, kills the process
# with SIGKILL while the job is importing lines, restarts it, and checks that
# the database holds nothing of the interrupted run (no run, no lines, no
# postings, no register versions, no sealed inputs, no imported file). Then imports the same file again and checks
# that the totals are those of `almen settle` on the same file, once; a third
# upload is a no-op.
#   kill_import.sh ALMEN_BIN [LINES]     (LINES default 2000000)
set -euo pipefail
bin=${1:?usage: kill_import.sh ALMEN_BIN [LINES]}
lines=${2:-2000000}  # lines are parsed at ~1–2 M/s: enough time to kill mid-import
work=$(mktemp -d /tmp/almen-kill-XXXXXX)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "kill_import: FAIL: $*" >&2; [ -f "$work/server.log" ] && tail -5 "$work/server.log" >&2; exit 1; }
export ALMEN_ADMIN_PASSWORD=kill-test-password TZ=${TZ:-Europe/Copenhagen}
db=$work/almen.db

start() {
  : >"$work/server.log"
  "$bin" serve --db "$db" --host 127.0.0.1 --port 0 --no-demo 2>"$work/server.log" &
  pid=$!
  for _ in $(seq 1 300); do
    port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/server.log" | head -1)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || fail "the server did not start"
    sleep 0.1
  done
  [ -n "$port" ] || fail "the server did not say where it listens"
  base=http://127.0.0.1:$port
  curl -fsS -c "$work/cookies" -H 'Content-Type: application/json' \
    -d "{\"username\":\"rltn\",\"password\":\"$ALMEN_ADMIN_PASSWORD\"}" "$base/api/login" >/dev/null || fail "login"
}
upload() {
  curl -fsS -b "$work/cookies" -F "claims=@$work/gen/claims.csv" -F "providers=@$work/gen/providers.csv" \
    "$base/api/settlements" | jq -r .job_id
}
job() { curl -fsS -b "$work/cookies" "$base/api/jobs/$1"; }
wait_done() {
  for _ in $(seq 1 600); do
    j=$(job "$1")
    case $(jq -r .state <<<"$j") in done) echo "$j"; return 0 ;; failed|cancelled) fail "job $1: $j" ;; esac
    sleep 0.1
  done
  fail "job $1 did not finish"
}
count() { sqlite3 "$db" "$1"; }

"$bin" generate --out "$work/gen" --lines "$lines" --seed 7 >/dev/null 2>&1 || fail "generate"
"$bin" settle --claims "$work/gen/claims.csv" --providers "$work/gen/providers.csv" --out "$work/ref" >/dev/null 2>&1 ||
  fail "settle"
ref_lines=$(jq .lines "$work/ref/summary.json")
ref_amount=$(jq .amount_ore "$work/ref/summary.json")
ref_dup=$(grep -c ',claim\.duplicate,' "$work/ref/lines.csv" || true)

# 1. Upload, and SIGKILL the server while it imports the lines.
start
id=$(upload)
killed=
for _ in $(seq 1 3000); do
  j=$(job "$id")
  stage=$(jq -r .stage <<<"$j")
  state=$(jq -r .state <<<"$j")
  [ "$state" = done ] && fail "the import finished before it could be killed (use more lines)"
  if [ "$stage" = "import lines" ] && awk -v p="$(jq .progress <<<"$j")" 'BEGIN{exit !(p > 0.05)}'; then
    kill -9 "$pid"; wait "$pid" 2>/dev/null || true; pid=; killed=1
    echo "kill_import: killed during '$stage' at progress $(jq .progress <<<"$j")"
    break
  fi
  sleep 0.02
done
[ -n "$killed" ] || fail "never saw the job importing lines"

# 2. Restart: nothing of the interrupted run is in the database.
start
for t in runs line_blocks flagged_lines statements imported_files postings ledger_balances ledger_events provider_versions \
  sealed_inputs; do
  n=$(count "SELECT COUNT(*) FROM $t")
  [ "$n" = 0 ] || fail "$t holds $n rows of the interrupted run"
done
[ "$(curl -fsS -b "$work/cookies" "$base/api/settlements" | jq '.rows | length')" = 0 ] || fail "the API lists a run"

# 3. Import again: the totals are right, once.
j=$(wait_done "$(upload)")
[ "$(jq .already_imported <<<"$j")" = false ] || fail "the re-import was taken for a no-op: $j"
[ "$(count 'SELECT COUNT(*) FROM runs')" = 1 ] || fail "runs != 1"
# Lines: accepted ones in line_blocks (count and sum per block), rejected/review in flagged_lines.
stored_lines="SELECT (SELECT COALESCE(SUM(lines),0) FROM line_blocks) + (SELECT COUNT(*) FROM flagged_lines)"
[ "$(count "$stored_lines")" = "$ref_lines" ] || fail "lines $(count "$stored_lines") != $ref_lines"
[ "$(count 'SELECT (SELECT COALESCE(SUM(amount_ore),0) FROM line_blocks) + (SELECT COALESCE(SUM(amount_ore),0) FROM flagged_lines)')" = "$ref_amount" ] || fail "amount != $ref_amount"
[ "$(count 'SELECT amount_ore FROM runs')" = "$ref_amount" ] || fail "run amount != $ref_amount"
[ "$(count 'SELECT duplicates FROM runs')" = "$ref_dup" ] || fail "duplicates differ from settle's"
[ "$(count "SELECT COUNT(*) FROM flagged_lines WHERE rule = 'claim.duplicate'")" = "$ref_dup" ] || fail "claim.duplicate lines differ from settle's"
# 4. A third upload of the same file is a no-op.
j=$(wait_done "$(upload)")
[ "$(jq .already_imported <<<"$j")" = true ] || fail "the same file imported twice: $j"
[ "$(count "$stored_lines")" = "$ref_lines" ] || fail "lines changed on a no-op"
echo "kill_import: OK ($ref_lines lines, $ref_amount øre, once)"
