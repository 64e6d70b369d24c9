#!/usr/bin/env bash
# The command-line contract of spec/interfaces.md: exit statuses and outputs
# that other tools rely on. Usage: contract.sh ALMEN
set -u
almen=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
check() { # description, expected status, command...
  local desc=$1 want=$2; shift 2
  "$@" >"$work/stdout" 2>"$work/stderr"
  local got=$?
  if [ "$got" != "$want" ]; then
    echo "FAIL: $desc: exit $got, want $want"; cat "$work/stderr"; fail=1
  else
    echo "ok: $desc"
  fi
}
export ALMEN_PSEUDONYM_KEY=contract-test-key
printf 'claim_id,provider,cpr,service_date,code\n1,123456,0101801233,2025-03-04,0101\n' > "$work/claims.csv"

check "usage: settle without --claims" 2 "$almen" settle --out "$work/o"
check "usage: unknown subcommand" 2 "$almen" frobnicate
check "usage: bad --price-level" 2 "$almen" settle --claims "$work/claims.csv" --out "$work/o" --price-level jan-99
check "bad input: missing claims file" 1 "$almen" settle --claims "$work/nope.csv" --out "$work/o"
[ -e "$work/o" ] && { echo "FAIL: output written for bad input"; fail=1; }
check "settle succeeds" 0 "$almen" settle --claims "$work/claims.csv" --out "$work/o"
for f in lines.csv statements.csv summary.json; do
  [ -s "$work/o/$f" ] || { echo "FAIL: $f missing"; fail=1; }
done
head -1 "$work/o/lines.csv" | grep -q '^claim_id,provider,service_date,code,status,amount_ore,rule,reason' ||
  { echo "FAIL: lines.csv header"; fail=1; }
head -1 "$work/o/statements.csv" | grep -q '^provider,month,item,code,count,amount_ore' ||
  { echo "FAIL: statements.csv header"; fail=1; }
for k in lines accepted rejected review amount_ore agreement; do
  grep -q "\"$k\"" "$work/o/summary.json" || { echo "FAIL: summary.json lacks $k"; fail=1; }
done
grep -q 0101801233 "$work/o/"* && { echo "FAIL: CPR in clear in the output"; fail=1; }
# Re-settling into the same directory replaces the files.
check "settle again into the same directory" 0 "$almen" settle --claims "$work/claims.csv" --out "$work/o"
# Production mode refuses to run without a key.
check "production mode without a key" 1 env -u ALMEN_PSEUDONYM_KEY ALMEN_PRODUCTION=1 "$almen" settle --claims "$work/claims.csv" --out "$work/p"
# Without a key outside production: the demo key, said on stderr.
env -u ALMEN_PSEUDONYM_KEY "$almen" settle --claims "$work/claims.csv" --out "$work/d" 2>"$work/err" >/dev/null
grep -q "demo key" "$work/err" || { echo "FAIL: no demo-key notice on stderr"; fail=1; }
check "agreement check" 0 "$almen" agreement check
check "agreement show" 0 "$almen" agreement show
check "agreement show --json" 0 "$almen" agreement show --json
check "broken agreement directory" 1 "$almen" --agreement "$work/none" agreement check
check "economy" 0 "$almen" economy
for k in items total merokonomi y2024_ore y2025_ore permanent_ore growth_ore parent; do
  grep -q "\"$k\"" "$work/stdout" || { echo "FAIL: economy JSON lacks $k"; fail=1; }
done
check "ramme" 0 "$almen" ramme --year 2025
for k in year ramme_ore spend_ore overrun_ore overrun_pct tolerance_pct offset_ore lto_capacity_addition_ore quarters; do
  grep -q "\"$k\"" "$work/stdout" || { echo "FAIL: ramme JSON lacks $k"; fail=1; }
done
check "generate" 0 "$almen" generate --out "$work/g1" --lines 2000 --seed 5
check "generate again" 0 "$almen" generate --out "$work/g2" --lines 2000 --seed 5
for f in claims.csv providers.csv listings.csv botilbud.csv attachments.csv; do
  cmp -s "$work/g1/$f" "$work/g2/$f" || { echo "FAIL: generate is not deterministic for $f"; fail=1; }
done
check "settle the generated data" 0 "$almen" settle --claims "$work/g1/claims.csv" --providers "$work/g1/providers.csv" \
  --listings "$work/g1/listings.csv" --out "$work/g1/out"
[ "$fail" = 0 ] && echo "contract: all checks passed"
exit $fail
