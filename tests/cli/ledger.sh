#!/bin/bash
# almen settle --state: a generated year settled file after file (by quarter,
# and as random slices uploaded in shuffled order) gives exactly the
# statements.csv of the year as one file; settling a file again changes
# nothing; `almen ledger statement` prints the same; closing a month works in
# order only. Usage: ledger.sh ALMEN_BIN
set -euo pipefail
bin=${1:?usage: ledger.sh ALMEN_BIN}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/almen-ledger-cli-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "ledger.sh: FAIL: $*" >&2; exit 1; }
export TZ=${TZ:-Europe/Copenhagen}

"$bin" generate --out "$work/gen" --lines 6000 --seed 5 --year 2025 >/dev/null 2>&1 || fail generate
ref="--providers $work/gen/providers.csv --listings $work/gen/listings.csv --botilbud $work/gen/botilbud.csv --attachments $work/gen/attachments.csv"
# shellcheck disable=SC2086
"$bin" settle --claims "$work/gen/claims.csv" $ref --out "$work/one" >/dev/null 2>&1 || fail "settle one file"

for mode in quarter shuffle:5; do
  rm -rf "$work/state" "$work/parts"
  first=1
  for f in $(python3 "$here/../ledger/split.py" "$work/gen/claims.csv" "$work/parts" "$mode" 9); do
    extra=""
    [ $first = 1 ] && extra=$ref
    first=0
    rm -rf "$work/out"
    # shellcheck disable=SC2086
    "$bin" settle --claims "$f" $extra --state "$work/state" --out "$work/out" >/dev/null 2>&1 || fail "$mode: settle $f"
  done
  cmp -s "$work/one/statements.csv" "$work/out/statements.csv" ||
    { diff "$work/one/statements.csv" "$work/out/statements.csv" | head >&2; fail "$mode: statements differ from one file"; }
  for out in postings.csv corrections.csv lines.csv summary.json; do [ -f "$work/out/$out" ] || fail "$mode: no $out"; done
  # The same file again: nothing changes.
  rm -rf "$work/again"
  "$bin" settle --claims "$f" --state "$work/state" --out "$work/again" >/dev/null 2>&1 || fail "$mode: settle again"
  [ "$(jq .already_imported "$work/again/summary.json")" = true ] || fail "$mode: a file settled twice"
  cmp -s "$work/one/statements.csv" "$work/again/statements.csv" || fail "$mode: settling again changed the ledger"
  "$bin" ledger statement --state "$work/state" >"$work/stmt.csv" || fail "$mode: ledger statement"
  cmp -s "$work/one/statements.csv" "$work/stmt.csv" || fail "$mode: ledger statement differs"
  echo "ledger.sh: $mode: $(($(wc -l <"$work/one/statements.csv") - 1)) statement rows as one file"
done

# Closing: in order only; a closed month's late claim goes to the next month.
"$bin" ledger close --state "$work/state" --month 2025-01 >"$work/close.json" || fail "close 2025-01"
[ "$(jq -r .month "$work/close.json")" = 2025-01 ] || fail "close answer"
if "$bin" ledger close --state "$work/state" --month 2025-03 >/dev/null 2>&1; then fail "closed 2025-03 before 2025-02"; fi
if "$bin" ledger close --month 2025-02 >/dev/null 2>&1; then fail "ledger close without --state/--db"; fi
printf 'claim_id,provider,cpr,service_date,code\nlate-1,%s,0101801233,2025-01-20,0101\n' \
  "$(sed -n 2p "$work/gen/providers.csv" | cut -d, -f1)" >"$work/late.csv"
rm -rf "$work/out"
"$bin" settle --claims "$work/late.csv" --state "$work/state" --out "$work/out" >/dev/null 2>&1 || fail "late claim"
grep -q ',2025-01,2025-02,service,0101,' "$work/out/postings.csv" || fail "late claim not booked in 2025-02: $(cat "$work/out/postings.csv")"
echo "ledger.sh: OK"
