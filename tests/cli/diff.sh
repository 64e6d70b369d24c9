#!/usr/bin/env bash
# `almen diff`: two settlements of one claim file, under the built-in agreement
# and under a corrected copy (the 2025 fee of 0101 raised by 1,00 kr.), differ
# in exactly the 0101 lines of 2025 and their statement rows; the same
# settlement twice differs in nothing; --out writes the change files together.
# Usage: diff.sh ALMEN
set -u
almen=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }
want() { # description, jq filter on FILE that must print true
  if [ "$(jq -r "$3" "$2")" != "true" ]; then bad "$1 ($3)"; else ok "$1"; fi
}

"$almen" generate --out "$work/gen" --lines 20000 --seed 3 >/dev/null 2>&1 || { echo "FAIL: generate"; exit 1; }
# The corrected agreement: a copy of the repository's data set with one fee changed.
src=$(cd "$(dirname "$0")/../../agreement/ok25" && pwd)
cp -r "$src" "$work/corrected"
sed -i 's/^0101,Konsultation,consultation,17753,/0101,Konsultation,consultation,17853,/' "$work/corrected/fees.csv"
grep -q '^0101,Konsultation,consultation,17853,' "$work/corrected/fees.csv" || { echo "FAIL: fee row not found"; exit 1; }

"$almen" settle --claims "$work/gen/claims.csv" --providers "$work/gen/providers.csv" --out "$work/a" >/dev/null 2>&1 || bad "settle a"
"$almen" settle --claims "$work/gen/claims.csv" --providers "$work/gen/providers.csv" --out "$work/b" >/dev/null 2>&1 || bad "settle b"
"$almen" --agreement "$work/corrected" settle --claims "$work/gen/claims.csv" --providers "$work/gen/providers.csv" \
  --out "$work/c" >/dev/null 2>&1 || bad "settle c"

"$almen" diff --before "$work/a" --after "$work/b" >"$work/same.json" 2>"$work/err" || { bad "diff same"; cat "$work/err"; }
want "same file, same agreement: no change" "$work/same.json" '.lines.changed == 0 and .statements.rows_changed == 0 and .lines.lines_compared == 20000'

"$almen" diff --before "$work/a" --after "$work/c" --out "$work/d" --show 5 >"$work/fee.json" 2>"$work/err" || { bad "diff fee"; cat "$work/err"; }
want "the fee change changes lines" "$work/fee.json" '.lines.changed > 0 and (.changed_lines | length) == 5'
want "agreement versions differ" "$work/fee.json" '.before_agreement.version != .after_agreement.version'
want "only 0101 lines in 2025, only the amount" "$work/fee.json" \
  '[.changed_lines[] | .code == "0101" and (.service_date >= "2025-01-01") and .before.status == .after.status and .after.amount_ore > .before.amount_ore] | all'
n=$(($(wc -l <"$work/d/line_changes.csv") - 1))
[ "$n" = "$(jq '.lines.changed' "$work/fee.json")" ] && ok "line_changes.csv has every changed line ($n)" || bad "line_changes.csv rows $n"
[ -z "$(tail -n +2 "$work/d/line_changes.csv" | cut -d, -f5 | grep -v '^0101$')" ] && ok "line_changes.csv: only 0101" || bad "line_changes.csv has other codes"
want "statement delta equals the line delta" "$work/fee.json" '.statements.delta_ore == .lines.delta_ore'
[ -f "$work/d/statement_changes.csv" ] && [ -f "$work/d/diff.json" ] && ok "statement_changes.csv and diff.json written" || bad "out files"

# Bad input: a missing directory is a clear error, exit 1, nothing written.
"$almen" diff --before "$work/nope" --after "$work/c" --out "$work/e" >/dev/null 2>"$work/err"
[ $? = 1 ] && grep -q "nope" "$work/err" && [ ! -e "$work/e" ] && ok "missing input: exit 1, named, nothing written" || { bad "missing input"; cat "$work/err"; }
exit $fail
