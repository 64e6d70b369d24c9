// The message catalogue: every word the UI shows comes from i18n/da.json, a flat
// JSON object of keys -> Danish text with {name} placeholders (the server is to
// load the same file for its own messages). Loaded once before the first page.
//   t('upload.result', {run: 12})        -> "Afregnet som kørsel 12"
//   tEnum('status', 'rejected')          -> "afvist"  (key "enum.status.rejected")
//   t('lines.count', {n: 1})             -> "1 linje" (key "lines.count_one" when n is 1)
let catalogue = {};
const missing = new Set();

export async function loadCatalogue() {
  const res = await fetch(new URL('./i18n/da.json', import.meta.url), { credentials: 'same-origin' });
  catalogue = await res.json();
}

// For tests outside the browser (tests/e2e/format.test.mjs).
export function setCatalogue(obj) { catalogue = obj; }

export function has(key) {
  return Object.prototype.hasOwnProperty.call(catalogue, key);
}

function fill(text, vars) {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, k) => (vars[k] === undefined || vars[k] === null ? m : String(vars[k])));
}

// Every key that starts with `prefix` (e.g. the rules the catalogue names: 'enum.rule.').
export function keysWithPrefix(prefix) {
  return Object.keys(catalogue).filter((k) => k.startsWith(prefix));
}

// A missing key shows as the key itself in brackets (and is listed for the browser test).
// With vars.n equal to 1, a "<key>_one" entry (the singular) is used when there is one.
export function t(key, vars) {
  if (vars && String(vars.n) === '1' && has(`${key}_one`)) key = `${key}_one`;
  if (!has(key)) {
    missing.add(key);
    return `⟦${key}⟧`;
  }
  return fill(catalogue[key], vars);
}

// An API enum value in Danish; an unknown value is shown as it is (and listed).
export function tEnum(group, value, fallback) {
  if (value === null || value === undefined || value === '') return '';
  const key = `enum.${group}.${value}`;
  if (has(key)) return catalogue[key];
  if (fallback !== undefined) return fallback;
  missing.add(key);
  return String(value);
}

// For the browser test: keys the pages asked for that the catalogue lacks.
if (typeof window !== 'undefined') window.almenMissingKeys = () => [...missing];
