#!/usr/bin/env bash
# Fault test of `almen serve` (issue 12; loopback only, bounded, not in CI):
#  1. KILLS × kill -9 of the server while it receives, settles, imports or
#     seals an upload, on SQLite and on PostgreSQL; after each kill the server
#     is restarted and checked:
#       - integrity: every stored run's lines (line_blocks + flagged_lines)
#         equal runs.lines, and its amount the `almen settle` reference of its
#         file (no partial run); no claim file is stored twice (no duplicate);
#       - re-runnable: every stored run has its sealed inputs (the API says
#         `rerunnable`); runs that are not are counted and reported;
#       - no clear CPR: none of the test's CPR numbers is in the server's work
#         folder, its TMPDIR, its log or the database files.
#     At the end every file is uploaded once more: a lost run is imported
#     then, a stored one is a no-op; each file must be stored exactly once
#     (0 lost, 0 duplicated).
#  2. PostgreSQL restarted (pg_ctl restart -m fast) while an import runs: the
#     job fails cleanly, the server keeps answering, the same upload then
#     imports the file once.
#   scripts/kill-test.sh [KILLS] [LINES] [BACKENDS]   (default 20, 300000, "sqlite postgresql")
#   ALMEN_KILL_FILES  distinct claim files (default KILLS: each kill meets a file not stored yet)
#   ALMEN_BIN   the almen binary (default build/src/cli/almen)
#   ALMEN_KILL_VERBOSE=1  one line per kill (where it landed, runs stored)
#   ALMEN_KILL_STAGES   the stages to aim the kills at, comma-separated (default
#               receiving,settle,import lines,postings,keep inputs,commit in turn)
# Prints one summary line per backend (and the restart test) and exits 1 on
# any violation (a committed run that cannot be re-run is one: the ledger
# commits a run and its sealed inputs in one transaction).
set -uo pipefail
kills=${1:-20}
lines=${2:-300000}
backends=${3:-sqlite postgresql}
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${ALMEN_BIN:-$here/build/src/cli/almen}
[ -x "$bin" ] || { echo "kill-test: no almen binary at $bin (set ALMEN_BIN)" >&2; exit 2; }
work=$(mktemp -d /tmp/almen-killtest-XXXXXX)
files=${ALMEN_KILL_FILES:-$kills}  # a file of its own for every kill (a stored file uploads as a no-op)
pid=
pg_started=
export ALMEN_ADMIN_PASSWORD=kill-test-password TZ=${TZ:-Europe/Copenhagen}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
cleanup() {
  if [ -n "${ALMEN_KILL_KEEP:-}" ]; then echo "kill-test: kept $work" >&2; [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; return; fi
  [ -n "$pid" ] && { kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }
  [ -n "$pg_started" ] && as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
fail=0
violation() { echo "kill-test: VIOLATION: $*" >&2; fail=1; }
log() { echo "kill-test: $*" >&2; }

# ---- test data: distinct files with their reference totals ----------------------
log "generating $files claim files of $lines lines and their references"
# Each file is a world of its own: no ydernummer and no patient of an earlier
# file (the server keeps one provider register and one patient history; two
# generated worlds that share a ydernummer disagree about its periods and the
# second upload is refused, rightly). A seed whose world meets an earlier one
# is skipped.
: >"$work/used-providers"
: >"$work/used-cprs"
seed=1000
for f in $(seq 1 "$files"); do
  d=$work/gen/$f
  while :; do
    seed=$((seed + 1))
    rm -rf "$d"
    "$bin" generate --out "$d" --lines "$lines" --seed "$seed" >/dev/null 2>&1 || { echo "generate failed" >&2; exit 2; }
    tail -n +2 "$d/providers.csv" | cut -d, -f1 | sort -u >"$d/providers.keys"
    { tail -n +2 "$d/claims.csv" | cut -d, -f3; tail -n +2 "$d/listings.csv" | cut -d, -f2; } | tr -d - | sort -u >"$d/cprs.keys"
    [ -z "$(comm -12 "$work/used-providers" "$d/providers.keys" | head -1)" ] &&
      [ -z "$(comm -12 "$work/used-cprs" "$d/cprs.keys" | head -1)" ] && break
  done
  sort -mu -o "$work/used-providers" "$work/used-providers" "$d/providers.keys"
  sort -mu -o "$work/used-cprs" "$work/used-cprs" "$d/cprs.keys"
  "$bin" settle --claims "$d/claims.csv" --providers "$d/providers.csv" --listings "$d/listings.csv" \
    --out "$d/ref" >/dev/null 2>&1 || { echo "settle failed" >&2; exit 2; }
  sha=$(sha256sum "$d/claims.csv" | cut -d' ' -f1)
  echo "$sha $(jq .lines "$d/ref/summary.json") $(jq .amount_ore "$d/ref/summary.json")" >"$d/ref.txt"
done
# The CPR numbers to look for: a sample from every claims and listings file.
for f in $(seq 1 "$files"); do
  cut -d, -f3 "$work/gen/$f/claims.csv" | tail -n +2 | sort -u | shuf -n 150 --random-source=<(yes)
  cut -d, -f2 "$work/gen/$f/listings.csv" | tail -n +2 | sort -u | shuf -n 50 --random-source=<(yes)
done | grep -E '^[0-9]{6}-?[0-9]{4}$' | tr -d - | sort -u >"$work/cprs.digits"
# Both spellings of each (the files mix 0101011234 and 010101-1234; either
# could be what a leak writes).
sed 's/^\([0-9]\{6\}\)/\1-/' "$work/cprs.digits" | cat - "$work/cprs.digits" | sort -u >"$work/cprs.txt"
log "$(wc -l <"$work/cprs.digits") CPR numbers (each in both spellings) to look for on disk"
# The detector itself: it must find them in the generated files.
grep -qwF -f "$work/cprs.txt" "$work/gen/1/claims.csv" && grep -qwF -f "$work/cprs.txt" "$work/gen/1/listings.csv" ||
  { echo "kill-test: the CPR search finds nothing in the input files" >&2; exit 2; }

# ---- PostgreSQL ---------------------------------------------------------------------
pg_port=
start_pg() {
  [ -n "$pgbin" ] || { echo "kill-test: PostgreSQL binaries not installed" >&2; return 1; }
  chmod 711 "$work"
  mkdir -p "$work/pg" && chmod 777 "$work/pg"
  [ "$(id -u)" = 0 ] && chown postgres "$work/pg"
  pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  as_pg "$pgbin/initdb" -D "$work/pg/data" -A trust -U postgres -E UTF8 >/dev/null 2>&1 || return 1
  as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w \
    -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1" start >/dev/null || return 1
  pg_started=1
}
psql_q() { as_pg "$pgbin/psql" -qtA -h 127.0.0.1 -p "$pg_port" -U postgres -d "$1" -c "$2"; }

# ---- the server ---------------------------------------------------------------------
db=
sql() {
  if [ "$backend" = sqlite ]; then sqlite3 "$db" "$1"; else psql_q "$dbname" "$1"; fi
}
start() {
  : >>"$work/server.log"
  TMPDIR=$work/tmp "$bin" serve --db "$db" --host 127.0.0.1 --port 0 --no-demo --work-dir "$work/wd" \
    2>>"$work/server.log" &
  pid=$!
  port=
  for _ in $(seq 1 600); do
    port=$(tail -c 20000 "$work/server.log" | sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' | tail -1)
    [ -n "$port" ] && kill -0 "$pid" 2>/dev/null && curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    port=
    kill -0 "$pid" 2>/dev/null || { echo "kill-test: the server did not start" >&2; tail -5 "$work/server.log" >&2; exit 2; }
    sleep 0.1
  done
  [ -n "$port" ] || { echo "kill-test: the server did not start" >&2; exit 2; }
  base=http://127.0.0.1:$port
  curl -fsS -c "$work/cookies" -H 'Content-Type: application/json' \
    -d "{\"username\":\"rltn\",\"password\":\"$ALMEN_ADMIN_PASSWORD\"}" "$base/api/login" >/dev/null || { echo "login failed" >&2; exit 2; }
}
stop_hard() { kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=; }
# Uploads file set $1 (claims, providers, listings: CPR numbers travel in two
# files) in the background, slowed so that the upload itself can be killed.
upload_bg() {
  local d=$work/gen/$1 rate=${2:-200M}
  rm -f "$work/upload.json"
  curl -sS -b "$work/cookies" --limit-rate "$rate" -o "$work/upload.json" \
    -F "claims=@$d/claims.csv" -F "providers=@$d/providers.csv" -F "listings=@$d/listings.csv" \
    "$base/api/settlements" 2>/dev/null &
  upload_pid=$!
}
jobs_json() { curl -fsS -b "$work/cookies" "$base/api/jobs" 2>/dev/null || echo '{"rows":[]}'; }

check() {  # $1: label
  local bad
  bad=$(sql "SELECT COUNT(*) FROM runs r WHERE r.lines <> (SELECT COALESCE(SUM(b.lines),0) FROM line_blocks b WHERE b.run_id = r.id) + (SELECT COUNT(*) FROM flagged_lines f WHERE f.run_id = r.id)")
  [ "$bad" = 0 ] || violation "$1: $bad run(s) with missing lines"
  bad=$(sql "SELECT COUNT(*) FROM (SELECT claims_sha256 FROM runs GROUP BY claims_sha256 HAVING COUNT(*) > 1) x")
  [ "$bad" = 0 ] || violation "$1: $bad claim file(s) stored twice"
  # Every run against its file's reference.
  while IFS='|' read -r id sha nl amount; do
    [ -z "$id" ] && continue
    ref=$(cat "$work"/gen/*/ref.txt | awk -v s="$sha" '$1 == s {print $2, $3}')
    [ "$ref" = "$nl $amount" ] || violation "$1: run $id ($nl lines, $amount øre) differs from its reference ($ref)"
  done < <(sql "SELECT id, claims_sha256, lines, amount_ore FROM runs ORDER BY id" | tr '\t' '|')
  # Re-runnable: every stored run has its sealed inputs.
  local not_rerunnable=0
  for id in $(sql "SELECT id FROM runs ORDER BY id"); do
    r=$(curl -fsS -b "$work/cookies" "$base/api/settlements/$id" | jq -r .rerunnable)
    [ "$r" = true ] || not_rerunnable=$((not_rerunnable + 1))
  done
  nonrerun=$not_rerunnable
  [ "$nonrerun" = 0 ] || violation "$1: $nonrerun committed run(s) that cannot be re-run"
  # No clear CPR on disk: the work folder, TMPDIR, the log, the database files.
  local places=("$work/wd" "$work/tmp" "$work/server.log")
  if [ "$backend" = sqlite ]; then places+=("$db" "$db-wal" "$db-shm"); else places+=("$work/pg/data"); fi
  local hits
  # Whole numbers only (-w): digits of adjacent stored fields (a claim id
  # followed by a ydernummer) can spell any 10 digits by chance.
  hits=$(grep -rlwF -f "$work/cprs.txt" "${places[@]}" 2>/dev/null | head -5)
  [ -z "$hits" ] || violation "$1: CPR numbers in clear in: $hits ($(grep -rboawF -f "$work/cprs.txt" $hits 2>/dev/null | head -3 | paste -sd' '))"
  leftovers=$(find "$work/wd" -name '*.csv' 2>/dev/null | wc -l)
}

# Runs after the test's kills: each file uploaded once more must be stored exactly once.
final_uploads() {
  local job=
  for f in $(seq 1 "$files"); do
    local d=$work/gen/$f
    j=$(curl -fsS -b "$work/cookies" -F "claims=@$d/claims.csv" -F "providers=@$d/providers.csv" \
      -F "listings=@$d/listings.csv" "$base/api/settlements" | jq -r .job_id)
    s=none
    for _ in $(seq 1 1200); do
      [ -n "$j" ] && [ "$j" != null ] || break
      job=$(curl -fsS -b "$work/cookies" "$base/api/jobs/$j")
      s=$(jq -r .state <<<"$job")
      [ "$s" = done ] || [ "$s" = failed ] && break
      sleep 0.1
    done
    [ "$s" = done ] || violation "final upload of file $f: $s ($(jq -c '{stage, error}' <<<"${job:-{\}}"))"
  done
  local runs
  runs=$(sql "SELECT COUNT(*) FROM runs")
  [ "$runs" = "$files" ] || violation "after the final uploads $runs run(s) for $files file(s)"
}

# Where the kills are aimed, in turn (the ledger's stages, ledger/ledger.cc;
# "postings" stands for history, postings and monthly items).
stages=(receiving settle "import lines" postings "keep inputs" commit)
# ALMEN_KILL_STAGES="import lines" (comma-separated): aim every kill at these.
[ -n "${ALMEN_KILL_STAGES:-}" ] && IFS=, read -r -a stages <<<"$ALMEN_KILL_STAGES"
# A stage's place in the job's order (a later stage than the target: the poll
# missed the target, the kill lands where the job is).
stage_rank() {
  case $1 in
    receiving) echo 0 ;; upload | registers) echo 1 ;; settle) echo 2 ;; "import lines" | "import line blocks") echo 3 ;;
    history) echo 4 ;; postings) echo 5 ;; "monthly items") echo 6 ;; "keep inputs") echo 7 ;;
    commit) echo 8 ;; *) echo 9 ;;
  esac
}
for backend in $backends; do
  rm -rf "$work/wd" "$work/tmp" "$work/cookies"
  mkdir -p "$work/tmp"
  : >"$work/server.log"
  if [ "$backend" = sqlite ]; then
    db=$work/almen.db
    rm -f "$db" "$db-wal" "$db-shm"
  else
    [ -n "$pg_started" ] || start_pg || { log "PostgreSQL could not be started: skipped"; continue; }
    dbname=kill$RANDOM
    psql_q postgres "CREATE DATABASE $dbname" >/dev/null
    db=postgresql://postgres@127.0.0.1:$pg_port/$dbname
  fi
  declare -A landed=()
  max_nonrerun=0
  max_leftovers=0
  start
  t0=$(date +%s)
  for k in $(seq 1 "$kills"); do
    f=$(( (k - 1) % files + 1 ))
    target=${stages[$(( (k - 1) % ${#stages[@]} ))]}
    if [ "$target" = receiving ]; then upload_bg "$f" 512K; else upload_bg "$f"; fi
    where=finished
    for _ in $(seq 1 4000); do
      # Whether the upload had ended before this poll (then a poll without a
      # job in progress means the job ended; the other order is a race).
      up_ended=
      kill -0 "$upload_pid" 2>/dev/null || up_ended=1
      j=$(jobs_json | jq -r '[.rows[] | select(.state != "done" and .state != "failed")][0] // empty | "\(.state)|\(.stage)|\(.progress)"')
      if [ -n "$j" ]; then
        IFS='|' read -r st sg pr <<<"$j"
        now=$st
        [ "$st" = running ] && now=$sg
        [ "$now" = history ] || [ "$now" = "monthly items" ] && [ "$target" = postings ] && now=postings
        # The import reads lines.csv ("import lines", progress every 65 536
        # lines) and then writes the line blocks ("import line blocks"): a
        # kill aimed at the import lands in the reading past its start or in
        # the writing.
        if [ "$target" = "import lines" ] && [ "$now" = "import line blocks" ]; then where=$now; break; fi
        if [ "$now" = "$target" ] && { [ "$target" != "import lines" ] || awk -v p="$pr" 'BEGIN{exit !(p > 0.05 && p < 0.6)}'; }; then
          where=$now; break
        fi
        # A stage later than the target (the poll missed it): kill where it is.
        if [ "$st" != queued ] && [ "$(stage_rank "$now")" -gt "$(stage_rank "$target")" ]; then where=$now; break; fi
      elif [ -n "$up_ended" ]; then
        # The job ended before the target stage was seen.
        where=finished; break
      fi
      sleep 0.01
    done
    if [ "$where" = finished ]; then
      # The job ended before the kill: it must have ended well (done).
      wait "$upload_pid" 2>/dev/null
      jid=$(jq -r '.job_id // empty' "$work/upload.json" 2>/dev/null)
      ended=$([ -n "$jid" ] && curl -fsS -b "$work/cookies" "$base/api/jobs/$jid" | jq -c '{state, stage, error}')
      [ "$(jq -r .state <<<"${ended:-{\}}")" = done ] || violation "$backend kill $k: the upload ended before the kill, not done: ${ended:-$(head -c 300 "$work/upload.json")}"
    fi
    stop_hard
    wait "$upload_pid" 2>/dev/null
    landed[$where]=$(( ${landed[$where]:-0} + 1 ))
    start
    check "$backend kill $k ($where)"
    [ "$nonrerun" -gt "$max_nonrerun" ] && max_nonrerun=$nonrerun
    [ -n "${ALMEN_KILL_VERBOSE:-}" ] && log "$(( $(date +%s) - t0 )) s: $backend kill $k: file $f, target $target, killed in: $where; runs $(sql 'SELECT COUNT(*) FROM runs'), not re-runnable $nonrerun"
    [ "$leftovers" -gt "$max_leftovers" ] && max_leftovers=$leftovers
    [ "$leftovers" = 0 ] || violation "$backend kill $k: $leftovers upload file(s) left in the work folder after restart"
  done
  stored=$(sql "SELECT COUNT(*) FROM runs")
  final_uploads
  check "$backend final"
  stop_hard
  summary=""
  for s in "${!landed[@]}"; do summary+="$s=${landed[$s]} "; done
  echo "kill-test: $backend: $kills kills in $(( $(date +%s) - t0 )) s (landed in: ${summary% }); runs stored before the final uploads: $stored; after: $(sql 'SELECT COUNT(*) FROM runs') of $files files; committed runs that cannot be re-run: $max_nonrerun (after the final uploads: $nonrerun); upload files left after a restart: $max_leftovers; CPR in clear on disk: $([ $fail = 0 ] && echo none || echo see above)"
  unset landed
done

# ---- PostgreSQL restarted in the middle of an import ------------------------------
if [[ " $backends " == *" postgresql "* ]] && [ -n "$pg_started" ]; then
  backend=postgresql
  dbname=restart$RANDOM
  psql_q postgres "CREATE DATABASE $dbname" >/dev/null
  db=postgresql://postgres@127.0.0.1:$pg_port/$dbname
  rm -rf "$work/wd"
  : >"$work/server.log"
  start
  upload_bg 1
  restarted=
  for _ in $(seq 1 4000); do
    row=$(jobs_json | jq -r '.rows[0] // {} | "\(.state)|\(.stage)"')
    sg=${row#*|}
    # The job ended before its import was seen: no restart (reported).
    [ "${row%%|*}" = done ] || [ "${row%%|*}" = failed ] && break
    if [ "${row%%|*}" = running ] && [[ "$sg" = import* ]]; then
      as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -m fast -w restart \
        -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1" >"$work/pg/restart.log" 2>&1 || log "pg_ctl restart failed: $(tail -2 "$work/pg/restart.log")"
      restarted=yes
      break
    fi
    sleep 0.01
  done
  wait "$upload_pid" 2>/dev/null
  j=$(jq -r .job_id "$work/upload.json" 2>/dev/null)
  s="no job ($(head -c 200 "$work/upload.json" 2>/dev/null))"
  for _ in $(seq 1 600); do
    [ -n "$j" ] && [ "$j" != null ] || break
    job=$(curl -sS -b "$work/cookies" "$base/api/jobs/$j")
    s=$(jq -r .state <<<"$job" 2>/dev/null)
    [ "$s" = done ] || [ "$s" = failed ] && break
    sleep 0.1
  done
  restart_job=$s
  [ -n "${job:-}" ] && restart_job=$(jq -c '{state, stage, run_id, lines, error}' <<<"$job" 2>/dev/null || echo "$s")
  health=$(curl -s -o /dev/null -w '%{http_code}' "$base/healthz")
  # The server's pooled connections were cut: the next requests must work again.
  for _ in 1 2 3 4 5; do h=$(curl -s -o /dev/null -w '%{http_code}' "$base/healthz"); done
  me=$(curl -s -o /dev/null -w '%{http_code}' -b "$work/cookies" "$base/api/me")
  partial=$(sql "SELECT COUNT(*) FROM runs")
  final_uploads
  check "postgresql restart"
  kill -0 "$pid" 2>/dev/null || violation "the server died when PostgreSQL restarted"
  [ "$h" = 200 ] || violation "/healthz answers $h after PostgreSQL restarted"
  echo "kill-test: postgresql restarted during the import: ${restarted:-no (the import ended first)}; the job: $restart_job; /healthz right after: $health, then: $h; /api/me: $me; runs after the restart: $partial; after the upload again: $(sql 'SELECT COUNT(*) FROM runs') of $files"
  stop_hard
fi
[ "$fail" = 0 ] && echo "kill-test: OK" || { echo "kill-test: FAILED" >&2; exit 1; }
