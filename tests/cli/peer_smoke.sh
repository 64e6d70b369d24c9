#!/usr/bin/env bash
# Smoke test of the DuckDB peer (bench/duckdb): on a small generated year, in
# arrival and in clinic order, the peer and `almen settle` agree line for line
# (compare.mjs), and on the golden settlement scenarios it covers the peer gives
# the expected lines and statements (golden_check.py). Skipped (exit 77) when the peer's npm packages are not
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
# The golden settlement scenarios the peer covers: the same lines and statements as expected.
python3 "$peer/golden_check.py" "$root" "$work/golden"
echo "peer smoke: ok"
