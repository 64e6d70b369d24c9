#!/usr/bin/env bash
# Smoke test of the DuckDB peer (bench/duckdb): on a small generated year, in
# arrival and in clinic order, the peer and `almen settle` agree line for line
# (compare.mjs), as on a hand-made file of the rules between lines, and on the
# golden settlement scenarios it covers the peer gives the expected lines and
# statements (golden_check.py). Skipped (exit 77) when the peer's npm packages are not
# installed (scripts/deps.sh installs them). Seconds; no timing is asserted.
set -euo pipefail
almen="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
peer="$root/bench/duckdb"
if ! command -v node >/dev/null || [ ! -d "$peer/node_modules/@duckdb/node-api" ] || [ ! -d "$peer/node_modules/hash-wasm" ]; then
  echo "SKIP: the peer's npm packages are not installed (scripts/deps.sh)"
  exit 77
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export ALMEN_PSEUDONYM_KEY=peer-smoke-test-key
for order in arrival clinic; do
  "$almen" generate --out "$work/$order" --lines 5000 --seed 9 --order "$order" 2>/dev/null
  "$almen" settle --claims "$work/$order/claims.csv" --providers "$work/$order/providers.csv" \
    --listings "$work/$order/listings.csv" --out "$work/$order/almen" >/dev/null 2>&1
  node "$peer/settle.mjs" --claims "$work/$order/claims.csv" --providers "$work/$order/providers.csv" \
    --listings "$work/$order/listings.csv" --agreement "$root/agreement/ok25" --out "$work/$order/peer" 2>/dev/null
  if ! node "$peer/compare.mjs" "$work/$order/almen" "$work/$order/peer"; then
    echo "FAIL: almen and the DuckDB peer differ ($order order)"
    exit 1
  fi
done
# The rules between lines on a hand-made file: contacts without contact_id (the patient's day),
# mileage on a home 0120 with and without 9001 in the contact, 2149 beside 0120 by indication,
# a second chronic-risk 0120 (review, still paid for its contact), 0102 trips at home and on
# botilbud (by botilbud_id), a repeated claim id and a malformed CPR.
mkdir -p "$work/rules"
cat >"$work/rules/claims.csv" <<'EOF'
claim_id,provider,cpr,service_date,code,quantity,contact_id,performer,setting,indication,course_id,minutes,km,botilbud_id
a1,123456,0101801233,2025-03-03,0120,1,,,clinic,chronic_programme,,,,
a2,123456,010180-1233,2025-03-03,0101,1,,,,,,,,
a3,123456,0101801233,2025-03-04,0101,1,,,,,,,,
a4,123456,0202801234,2025-03-03,0101,1,,,,,,,,
a5,123456,0101801233,2025-03-03,0101,1,k9,,,,,,,
a6,654321,0101801233,2025-03-03,0101,1,,,,,,,,
b1,123456,0303801235,2025-03-05,0120,1,,,,chronic_programme,,,,
b2,123456,0303801235,2025-03-05,8211,1,,,,,,,,
b3,123456,0303801235,2025-03-05,7120,1,,,,,,,,
m1,123456,0404801236,2025-03-06,0120,1,m1,,home,dementia,,30,12,
m2,123456,0505801237,2025-03-06,0120,1,m2,,home,chronic_programme,,20,10,
m3,123456,0505801237,2025-03-06,9001,10,m2,,home,,,,10,
m4,123456,0606801238,2025-03-07,0120,1,m4,,home,chronic_programme,,,8,
m5,123456,0606801238,2025-03-07,0411,1,m4,,home,,,,,
m6,123456,0202801234,2025-03-08,0120,1,,,home,chronic_programme,,15,6,
m7,123456,0202801234,2025-03-08,9001,6,,,home,,,,6,
c1,123456,0404801236,2025-04-01,0120,1,c1,,clinic,dementia,,,,
c2,123456,0404801236,2025-04-01,2149,1,c1,,,,,,,
c3,123456,0404801236,2025-04-01,7120,1,c1,,,,,,,
c4,123456,0505801237,2025-04-02,0120,1,c4,,clinic,chronic_programme,,,,
c5,123456,0505801237,2025-04-02,2149,1,c4,,,,,,,
r1,123456,0606801238,2025-02-01,0120,1,r1,,,chronic_risk,,,,
r2,123456,0606801238,2025-05-01,0120,1,r2,,,chronic_risk,,,,
r3,123456,0606801238,2025-05-01,0101,1,r2,,,,,,,
r4,123456,0606801238,2025-05-02,0120,1,,,home,chronic_risk,,,5,
t1,123456,0101801233,2025-06-02,0411,1,t1,,home,,,10,4,
t2,123456,0202801234,2025-06-02,0102,1,t2,,home,,,,,
t3,123456,0303801235,2025-06-03,0102,1,t3,,home,,,,,
t4,123456,0404801236,2025-06-04,0421,1,t4,,home,,,,,
t5,123456,0404801236,2025-06-04,0102,1,t5,,home,,,,,
t6,123456,0505801237,2025-06-04,0102,1,,,home,,,,,
u1,123456,0505801237,2025-06-05,0411,1,u1,,botilbud,,,,,BT1
u2,123456,0606801238,2025-06-05,0411,1,u2,,botilbud,,,,,BT1
u3,123456,0101801233,2025-06-05,0411,1,u3,,botilbud,,,,,BT2
u4,123456,0202801234,2025-06-05,0102,1,u4,,botilbud,,,,,BT2
u5,123456,0303801235,2025-06-06,0411,1,u5,,botilbud,,,,,
u6,123456,0404801236,2025-06-06,0411,1,u6,,botilbud,,,,,
u7,123456,0404801236,2025-06-06,0411,1,u6,,botilbud,,,,,
d1,123456,0101801233,2025-06-07,0101,1,d1,,,,,,,
d1,123456,0101801233,2025-06-08,0101,1,d2,,,,,,,
x1,123456,3201801233,2025-06-08,0101,1,,,,,,,,
EOF
printf 'provider,name,municipality_code,clinic_type,capacities,lto,valid_from,valid_to\n123456,A,0101,ordinary,1,0,2020-01-01,\n654321,B,0101,ordinary,1,0,2020-01-01,\n' \
  >"$work/rules/providers.csv"
"$almen" settle --claims "$work/rules/claims.csv" --providers "$work/rules/providers.csv" --out "$work/rules/almen" >/dev/null 2>&1
node "$peer/settle.mjs" --claims "$work/rules/claims.csv" --providers "$work/rules/providers.csv" \
  --agreement "$root/agreement/ok25" --out "$work/rules/peer" 2>/dev/null
if ! node "$peer/compare.mjs" "$work/rules/almen" "$work/rules/peer"; then
  echo "FAIL: almen and the DuckDB peer differ (rules between lines)"
  exit 1
fi
# The golden settlement scenarios the peer covers: the same lines and statements as expected.
python3 "$peer/golden_check.py" "$root" "$work/golden"
echo "peer smoke: ok"
