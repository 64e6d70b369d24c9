// `almen check` through the WebAssembly build, under node: the command line of
// the native `almen check --format json` (src/cli/check_command.cc), for the
// golden test (check_golden.py) and the measurement (scripts/wasm-bench.sh).
// Each input file is copied into the module's in-memory file system at the
// same path, so messages name the files as the native build does.
// Usage: node almen_check_node.mjs WASM_DIR [--agreement DIR] --claims F
//        [--providers F] [--listings F] [--botilbud F] [--attachments F]
//        [--sanctions F] [--price-level L] [--period P] [--info] [--time]
// Prints the report JSON (the native --format json) or, on error, the native
// message on stderr with the native exit status. --info prints
// almen_agreement_info(); --time prints the check's wall time on stderr.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const [dir, ...argv] = process.argv.slice(2);
const AlmenCheck = require(path.resolve(dir, 'almen_check.js'));
const mod = await AlmenCheck({ wasmBinary: fs.readFileSync(path.resolve(dir, 'almen_check.wasm')) });

const opts = {};
let claims = '', agreement = '', info = false, time = false;
const FILES = { '--providers': 'providers', '--listings': 'listings', '--botilbud': 'botilbud', '--attachments': 'attachments', '--sanctions': 'sanctions' };
for (let i = 0; i < argv.length; ++i) {
  const a = argv[i];
  if (a === '--claims') claims = argv[++i];
  else if (a === '--agreement') agreement = argv[++i];
  else if (FILES[a]) opts[FILES[a]] = argv[++i];
  else if (a === '--price-level') opts.price_level = argv[++i];
  else if (a === '--period') opts.period = argv[++i];
  else if (a === '--info') info = true;
  else if (a === '--time') time = true;
  else if (a === '--format') ++i;  // always JSON
  else { console.error(`almen_check_node: unknown argument ${a}`); process.exit(2); }
}

function put(file) {
  const abs = path.resolve(file);
  mod.FS.mkdirTree(path.dirname(abs));
  if (fs.existsSync(abs)) mod.FS.writeFile(abs, fs.readFileSync(abs));
  return file;
}

if (info) {
  console.log(mod.UTF8ToString(mod.ccall('almen_agreement_info', 'number', [], [])));
  process.exit(0);
}
// Relative paths resolve against the same working directory as natively.
mod.FS.mkdirTree(process.cwd());
mod.FS.chdir(process.cwd());
if (claims) put(claims);
for (const k of Object.values(FILES)) if (opts[k]) put(opts[k]);
if (agreement) {
  for (const f of fs.readdirSync(agreement)) put(path.join(agreement, f));
  opts.agreement_dir = agreement;
}
const t0 = performance.now();
const out = JSON.parse(mod.UTF8ToString(mod.ccall('almen_check', 'number', ['string', 'string'], [claims, JSON.stringify(opts)])));
if (time) console.error(`check: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
if (!out.ok) {
  process.stderr.write(out.error + '\n');
  process.exit(out.exit);
}
console.log(JSON.stringify(out.report, null, 2));
