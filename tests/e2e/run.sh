#!/bin/sh
# Unit tests of web/format.js and web/errors.js (node --test format.test.mjs
# errors_coverage.test.mjs), then the browser test of `almen serve`: starts the server on a temporary SQLite
# database with small demo data on a free port, runs e2e.mjs in Debian's
# headless Chromium, stops the server. Screenshots go to $SHOT_DIR (default: a
# new temporary directory, printed at the end).
#   ALMEN_BIN   the almen binary (default: ../../build/src/cli/almen)
#   CHROMIUM    default /usr/bin/chromium
# Needs: node, `npm ci` done in tests/e2e (playwright-core), chromium.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${ALMEN_BIN:-$here/../../build/src/cli/almen}
[ -x "$bin" ] || { echo "run.sh: almen binary not found at $bin (set ALMEN_BIN)" >&2; exit 1; }
[ -d "$here/node_modules/playwright-core" ] || (cd "$here" && npm ci --no-audit --no-fund)
# The UI's formats, Danish input parsing and error texts (Node's test runner, no browser).
node --test "$here/format.test.mjs"
# Every error message in the server's sources has a Danish text in web/errors.js.
node --test "$here/errors_coverage.test.mjs"
work=$(mktemp -d /tmp/almen-e2e-XXXXXX)
export SHOT_DIR=${SHOT_DIR:-$work/screenshots}
mkdir -p "$SHOT_DIR"
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
"$bin" serve --db "$work/almen.db" --host 127.0.0.1 --port "$port" --demo-lines "${E2E_DEMO_LINES:-3000}" 2>"$work/server.log" &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
i=0
until curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
  i=$((i + 1))
  if ! kill -0 "$pid" 2>/dev/null || [ $i -gt 600 ]; then
    echo "run.sh: the server did not start; its log:" >&2; cat "$work/server.log" >&2; exit 1
  fi
  sleep 0.2
done
BASE_URL="http://127.0.0.1:$port" node "$here/e2e.mjs" || { echo "run.sh: server log tail:" >&2; tail -20 "$work/server.log" >&2; exit 1; }
# Post-payment control (issue 16): ranking, a case, its sample, the clinic's answer, the recovery.
BASE_URL="http://127.0.0.1:$port" node "$here/control.mjs" || { echo "run.sh: server log tail:" >&2; tail -20 "$work/server.log" >&2; exit 1; }
# Tjek regninger (issue 16): the WebAssembly check in a worker, offline, no request carries the file.
BASE_URL="http://127.0.0.1:$port" node "$here/check.mjs" || { echo "run.sh: server log tail:" >&2; tail -20 "$work/server.log" >&2; exit 1; }
echo "run.sh: screenshots in $SHOT_DIR"
