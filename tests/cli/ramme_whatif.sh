#!/usr/bin/env bash
# The economy command line beyond interfaces.md's keys: named what-if items
# (`almen economy --whatif`, `almen ramme --whatif`), `almen ramme --price-level`,
# the B1 corrections and the ceiling_clawback exclusion from an expenses file.
# Usage: ramme_whatif.sh ALMEN FIXTURE_DIR (tests/economy)
set -u
almen=$1
fixtures=$2
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
want() { # description, jq filter that must print true
  if [ "$(jq -r "$2" "$work/stdout")" != "true" ]; then echo "FAIL: $1 ($2)"; fail=1; else echo "ok: $1"; fi
}

# Without --whatif: the documented keys, unchanged.
check "ramme without --whatif" 0 "$almen" ramme --year 2025 --expenses "$fixtures/expenses_2025.csv"
cp "$work/stdout" "$work/plain.json"
want "plain ramme keys" '[has("year","ramme_ore","spend_ore","overrun_ore","overrun_pct","tolerance_pct","offset_ore","lto_capacity_addition_ore","quarters")] | all'
want "plain ramme has no before/after" '(has("before") or has("after")) | not'
want "plain ramme is regulated and unchanged by the index (1,000000 in 2025)" '.price_level == "regulated" and .ramme_ore == .ramme_apr24_ore'

# ramme --whatif: before/after.
check "ramme --whatif lto_capacities_recruited=40" 0 "$almen" ramme --year 2025 --expenses "$fixtures/expenses_2025.csv" \
  --whatif lto_capacities_recruited=40
want "whatif ramme +10,68 mio. kr." '.change.ramme_ore == 1068000000 and .after.ramme_ore - .before.ramme_ore == 1068000000'
want "whatif before = plain statement" ".before.ramme_ore == $(jq .ramme_ore "$work/plain.json")"
want "whatif echoes the items" '.whatif.lto_capacities_recruited == 40 and .scenario.lto_capacities_recruited.amount_ore == 1068000000'
check "ramme --whatif two items" 0 "$almen" ramme --year 2025 --expenses "$fixtures/expenses_2025.csv" \
  --whatif lto_capacities_recruited=100 --whatif bosted_botilbud_covered=200
want "100 capacities are capped at 20 mio. kr." '.change.ramme_ore == 2000000000'

# economy --whatif.
check "economy --whatif" 0 "$almen" economy --whatif lto_capacities_recruited=40
want "economy whatif moves the LTO line" '.scenario.lto_capacities_recruited.amount_ore == 1068000000 and .ramme.lto_capacity_addition_ore == 1068000000'
want "economy whatif keeps the interfaces keys" '[has("items","total","merokonomi")] | all'
check "economy without --whatif" 0 "$almen" economy
want "plain economy has no scenario" 'has("scenario") | not'

# Bad values: a clear message, exit 1.
for bad in lto_capacities_recruited=-1 lto_capacities_recruited=abc lto_capacities_recruited=2.5 lto_capacities_recruited= frobnicate=3; do
  check "economy --whatif $bad" 1 "$almen" economy --whatif "$bad"
  grep -q -- "--whatif" "$work/stderr" || { echo "FAIL: no --whatif in the message for $bad"; fail=1; }
  check "ramme --whatif $bad" 1 "$almen" ramme --year 2025 --expenses "$fixtures/expenses_2025.csv" --whatif "$bad"
done
check "ramme --whatif for 2023" 1 "$almen" ramme --year 2023 --whatif lto_capacities_recruited=4

# --price-level.
check "ramme --price-level apr-24" 0 "$almen" ramme --year 2025 --expenses "$fixtures/expenses_2025.csv" --price-level apr-24
want "apr-24 level" '.price_level == "apr-24" and .price_regulation.applied == false'
check "ramme --price-level jan-99 is a usage error" 2 "$almen" ramme --year 2025 --price-level jan-99

# Corrections and the ceiling clawback exclusion from an expenses file.
{ cat "$fixtures/expenses_2025.csv"
  echo "1081,2025-Q1,spirometry,300000000"
  echo "1082,2025-Q3,spirometry,600000000"
  echo "1083,2025-Q2,sundhedstjek_botilbud,800000000"
  echo "1084,2026-Q1,ceiling_clawback,-4500000"
  echo "1084,2025-Q1,ceiling_clawback,-7700000"
} > "$work/expenses.csv"
check "ramme with corrections" 0 "$almen" ramme --year 2025 --expenses "$work/expenses.csv"
want "spirometry 9,0 of 12,0 mio. kr.: −3,0" '.ramme_components.corrections[] | select(.name == "spirometry") | .amount_ore == -300000000 and .status == "final"'
want "sundhedstjek 8,0 of 6,5 mio. kr.: +1,5" '.ramme_components.corrections[] | select(.name == "sundhedstjek_botilbud") | .amount_ore == 150000000'
want "ramme moves by −1,5 mio. kr." ".ramme_ore == $(jq .ramme_ore "$work/plain.json") - 150000000"
want "clawback recorded, not counted" '(.exclusions[] | select(.category == "ceiling_clawback") | .amount_ore == -7700000) and .spend_by_category_ore.ceiling_clawback == -7700000'
want "spend = plain + 17,0 mio. kr. of the two categories" ".spend_actual_ore == $(jq .spend_actual_ore "$work/plain.json") + 1700000000"

[ "$fail" = 0 ] && echo "ramme_whatif: all checks passed"
exit $fail
