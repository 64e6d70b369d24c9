// Guard: every error message the server's sources can send the UI is shown in
// Danish (web/errors.js), never as "Serveren afviste: <English>". Run by
// run.sh with Node's test runner (no server, no browser).
//
// It reads the C++ sources of the server and the services behind it, finds the
// calls of the error helpers (common/status.h: InvalidInput, NotFound, …; and
// SendHttpError, http_guard's refuse, ActingFor, access.cc's Missing) whose
// message has a string literal in it, turns each message into samples (the
// literal parts kept, every other expression replaced by a plausible value
// such as 123 or 2025-01-01; both branches of a `c ? "a" : "b"`), and asks
// errorText with the helper's HTTP status. Messages inside file errors
// ("file:line:col (column): msg": CsvReader's FieldError/RecordError and the
// sanctions check) must be known to errors.js as well (knownMessage).
// ALLOW lists the few messages that cannot reach the UI, each with its reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setCatalogue } from '../../web/i18n.js';
import { errorText, knownMessage, PATTERNS, FIELD_MESSAGES } from '../../web/errors.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const catalogue = JSON.parse(fs.readFileSync(path.join(root, 'web/i18n/da.json'), 'utf8'));
setCatalogue(catalogue);

const DIRS = ['src/server', 'src/cases', 'src/bosted', 'src/sanctions', 'src/economy', 'src/control', 'src/ledger',
  'src/storage'];

// name -> where the message and the HTTP status are. `file`: only in files matching it.
const HELPERS = {
  InvalidInput: { status: 400 }, UsageError: { status: 400 }, NotFound: { status: 404 }, Conflict: { status: 409 },
  PermissionDenied: { status: 403 }, Unauthenticated: { status: 401 },
  SendHttpError: { statusArg: 1, arg: 2 },
  refuse: { statusArg: 0, arg: 1, file: /http_guard\.cc$/ },
  ActingFor: { status: 403, arg: 3 },
  Missing: { status: 404, build: (a) => `"no " + ${a[0]} + " " + ${a[1]}`, file: /access\.cc$/ },
};
// Messages that end up inside a file error or another message.
const INNER = { FieldError: { arg: 1 }, RecordError: { arg: 0 }, err: { arg: 0, file: /sanctions\.cc$/ } };

// [file, message (on the sample), reason]: cannot reach the UI.
const ALLOW = [
  [/economy\/(economy|ramme|ceiling)\.cc$|server\/ramme_storage\.cc$/, /^--(whatif|statement-date|statements|offset-basis|price-level|previous-overrun-pct|reference '|db )/,
    'CLI options (almen economy/ramme/ceiling/settle --db); the server never sets them'],
  [/server\/work_dir\.cc$/, /^work directory/, 'almen serve --work-dir, checked before the server listens'],
  [/server\/server\.cc$/, /: not a JSON object$|^max_upload_bytes must be positive/, 'almen serve configuration, checked before the server listens'],
  [/economy\/offset\.cc$/, /^the ramme statement/, 'reads the ramme statement almen computed itself (server) or --ramme-json (CLI)'],
  [/server\/access\.cc$/, /^unknown object kind$/, 'a programming error (a new ObjectKind without a check); 403 shows "Din rolle har ikke adgang" anyway'],
  [/storage\/lines_store\.cc$/, /^line \d+: service_date /, 'the engine\'s own output lines (dates validated at parse)'],
  [/storage\/ledger_store\.cc$/, /^unknown register file kind/, 'kinds come from the code (providers, listings, botilbud, attachments)'],
  [/http_guard\.cc$/, /^intern fejl: /, 'status 500: the UI shows "Serveren fejlede" for every 5xx'],
  // inner messages
  [/economy\/economy_table\.cc$/, /./, 'inner: economy_table.csv of the agreement data set, not an upload (the shipped data passes; economy_test loads it)'],
  [/storage\/(lines_store|reruns)\.cc$/, /^not (an integer|accepted, rejected or review)$/, 'inner: reading back almen\'s own stored files'],
];

// ---- a small C++ reader: comments out, strings and characters kept --------------------------
function stripComments(src) {
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === 'R' && src[i + 1] === '"' && !/\w/.test(src[i - 1])) {
      const open = src.indexOf('(', i);
      const end = src.indexOf(`)${src.slice(i + 2, open)}"`, open) + open - i + 1;
      out += src.slice(i, end + 1);
      i = end;
    } else if (c === '"' || (c === "'" && !/[0-9A-Fa-f]/.test(src[i - 1]))) {
      let j = i + 1;
      while (src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j;
    } else if (c === '/' && src[i + 1] === '/') {
      const j = src.indexOf('\n', i);
      i = (j < 0 ? src.length : j) - 1;
    } else if (c === '/' && src[i + 1] === '*') {
      const j = src.indexOf('*/', i) + 2;
      out += src.slice(i, j).replace(/[^\n]/g, ' ');
      i = j - 1;
    } else {
      out += c;
    }
  }
  return out;
}

// The text of a string literal at src[i] === '"' (raw strings: R"(…)"), and where it ends.
function literal(src, i) {
  if (src[i] === 'R') {
    const open = src.indexOf('(', i);
    const close = src.indexOf(`)${src.slice(i + 2, open)}"`, open);
    return [src.slice(open + 1, close), close + open - i];
  }
  let s = '';
  let j = i + 1;
  while (src[j] !== '"') {
    if (src[j] === '\\') {
      const e = src[j + 1];
      s += e === 'n' ? '\n' : e === 't' ? '\t' : e;
      j += 2;
    } else s += src[j++];
  }
  return [s, j + 1];
}

// Splits `text` at top-level occurrences of any of `seps` (outside brackets and strings).
function splitTop(text, seps) {
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || (c === 'R' && text[i + 1] === '"' && !/\w/.test(text[i - 1] || ''))) { i = literal(text, i)[1] - 1; continue; }
    if (c === "'" && !/[0-9A-Fa-f]/.test(text[i - 1] || '')) { i = text.indexOf("'", text[i + 1] === '\\' ? i + 3 : i + 2); continue; }
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (depth === 0 && seps.includes(c)) {
      if (c === '?' || c === ':') {
        if (text[i + 1] === ':' || text[i - 1] === ':') continue; // a::b
      }
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

// The arguments of the call whose '(' is at src[i].
function callArgs(src, i) {
  let depth = 0;
  for (let j = i; j < src.length; j++) {
    const c = src[j];
    if (c === '"' || (c === 'R' && src[j + 1] === '"' && !/\w/.test(src[j - 1]))) { j = literal(src, j)[1] - 1; continue; }
    if (c === "'" && !/[0-9A-Fa-f]/.test(src[j - 1])) { j = src.indexOf("'", src[j + 1] === '\\' ? j + 3 : j + 2); continue; }
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c) && --depth === 0) return splitTop(src.slice(i + 1, j), [',']).map((a) => a.trim());
  }
  return null;
}

// A plausible value for an expression of the message, from its name.
function token(expr) {
  if (/^std::string\(\)$/.test(expr.trim())) return '';
  if (/FormatKroner|Kroner\(/.test(expr)) return '1.234,56 kr.';
  if (/MioText|FormatMioKr/.test(expr)) return '8,0 mio. kr.';
  if (/FormatMonthDa/.test(expr)) return 'januar 2025';
  if (/Where\(/.test(expr)) return 'sanctions.csv:12';
  if (/\bwhat\b/.test(expr)) return 'application'; // access.cc: "report" or "application"
  if (/\bkind\b/.test(expr)) return 'd';
  if (/\bregion\b/.test(expr)) return '1084';
  if (/SanctionKindLetter/.test(expr)) return 'd';
  if (/ToIso\(\)|date|iso\b|\bfrom\b|\bto\b/i.test(expr)) return '2025-01-01';
  if (/quarter|only->ToString|q\.ToString/i.test(expr)) return '2025-Q1';
  if (/year/i.test(expr)) return '2025';
  if (/provider|Ydernummer|ProviderText/i.test(expr)) return '123456';
  if (/to_string|Id\(|\bid\b|_id\b|\.line\b|seq|bytes|offset|seconds|item\b|next|max|min|residents|listed/i.test(expr)) return '123';
  return 'x1';
}

// Every sample string of a message expression (a concatenation with `+`).
function samples(expr) {
  let out = [''];
  for (let term of splitTop(expr.trim(), ['+'])) {
    term = term.trim();
    let alts;
    const wrapped = /^std::string\((?<inner>"(?:[^"\\]|\\.)*")\)$/.exec(term);
    if (wrapped) term = wrapped.groups.inner;
    if (/^("(?:[^"\\]|\\.)*"\s*)+$/.test(term)) {
      // adjacent literals are one string
      alts = [splitTop(term, [' ']).filter((p) => p.trim()).map((p) => literal(p.trim(), 0)[0]).join('')];
    } else if (/^\(.*\)$/s.test(term) && splitTop(term.slice(1, -1), ['?']).length === 2) {
      const [, rest] = splitTop(term.slice(1, -1), ['?']);
      const branches = splitTop(rest, [':']);
      alts = branches.flatMap((b) => (/"/.test(b) ? samples(b) : [token(b)]));
    } else {
      alts = [token(term)];
    }
    out = out.flatMap((s) => alts.map((a) => s + a));
  }
  return out;
}

function scan(helpers) {
  const found = [];
  for (const dir of DIRS) {
    for (const name of fs.readdirSync(path.join(root, dir)).sort()) {
      if (!/\.(cc|h)$/.test(name) || /_test\.cc$|^testing_/.test(name)) continue;
      const file = `${dir}/${name}`;
      const src = stripComments(fs.readFileSync(path.join(root, file), 'utf8'));
      const re = new RegExp(`(?<![\\w:])(?:almen::)?(${Object.keys(helpers).join('|')})\\s*\\(`, 'g');
      let m;
      while ((m = re.exec(src))) {
        const h = helpers[m[1]];
        if (h.file && !h.file.test(file)) continue;
        const args = callArgs(src, m.index + m[0].length - 1);
        if (!args || src.slice(m.index - 20, m.index).match(/\b(Status|StatusOr<[^>]*>|inline)\s+$/)) continue;
        const expr = h.build ? h.build(args) : args[h.arg || 0];
        if (!expr || !/"/.test(expr)) continue; // a message passed on (m, refusal): its literal is found where it is made
        // SendHttpError(res, res.status, …): a status only known at run time counts as 400.
        const status = h.statusArg !== undefined ? Number(args[h.statusArg]) || 400 : h.status;
        const line = src.slice(0, m.index).split('\n').length;
        for (const sample of samples(expr)) found.push({ where: `${file}:${line}`, file, status, sample });
      }
    }
  }
  return found;
}

function allowed(f, used) {
  const i = ALLOW.findIndex(([file, msg]) => file.test(f.file) && msg.test(f.sample));
  if (i >= 0) used.add(i);
  return i >= 0;
}

const used = new Set();

test('every error message of the server is shown in Danish', () => {
  const messages = scan(HELPERS);
  assert.ok(messages.length > 300, `only ${messages.length} messages found: is the scan broken?`);
  const leaks = [];
  for (const f of messages) {
    if (allowed(f, used)) continue;
    const shown = errorText(f.status, { message: f.sample });
    // 403 falls back to "Din rolle har ikke adgang": the message must still be recognised.
    if (shown.startsWith('Serveren afviste:') || shown.includes('⟦') || (f.status === 403 && !knownMessage(f.sample))) leaks.push(`${f.where} (${f.status}): ${f.sample}  →  ${shown}`);
  }
  assert.deepEqual(leaks, [], `messages without a Danish text in web/errors.js:\n${leaks.join('\n')}`);
});

test('every message inside a file error is known', () => {
  const messages = scan(INNER);
  assert.ok(messages.length > 80, `only ${messages.length} messages found: is the scan broken?`);
  const unknown = messages.filter((f) => !allowed(f, used) && !knownMessage(f.sample))
    .map((f) => `${f.where}: ${f.sample}`);
  assert.deepEqual(unknown, [], `messages inside file errors without a Danish text:\n${unknown.join('\n')}`);
});

test('every allow-list entry is still needed', () => {
  const stale = ALLOW.filter((_, i) => !used.has(i)).map(([f, m, why]) => `${f} ${m}: ${why}`);
  assert.deepEqual(stale, []);
});

test('every key of the patterns is in the catalogue, with the variables it uses', () => {
  for (const [re, key] of [...PATTERNS, ...FIELD_MESSAGES]) {
    assert.ok(Object.hasOwn(catalogue, key), `${key} (${re}) is not in web/i18n/da.json`);
    const groups = new Set([...re.source.matchAll(/\(\?<(\w+)>/g)].map((g) => g[1]));
    for (const [, v] of catalogue[key].matchAll(/\{(\w+)\}/g)) {
      assert.ok(groups.has(v) || key === 'error.fallback', `${key} uses {${v}}, which ${re} does not capture`);
    }
  }
});
