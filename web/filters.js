// Filters of the server tables (Linjer, Posteringer, Korrektioner): a form of
// labelled fields whose values go into the page's hash, so a filtered, sorted
// page is a link; showing a new filter starts on the first page. What is typed
// wrong is said in Danish beside the field, and nothing is asked of the server.
import { t, keysWithPrefix } from './i18n.js';
import { esc } from './table.js';
import { fieldHtml } from './forms.js';
import { monthDa } from './format.js';
import { api } from './api.js';
import { ruleName } from './rules.js';

// "2025-01" … "2025-12"
export function monthsBetween(from, to) {
  const out = [];
  if (!/^\d{4}-\d{2}$/.test(from || '') || !/^\d{4}-\d{2}$/.test(to || '')) return out;
  let [y, m] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  while ((y < ty || (y === ty && m <= tm)) && out.length < 600) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    if (++m > 12) { m = 1; y++; }
  }
  return out;
}

// The ledger's months (GET /api/ledger: the period of every service month received).
let ledgerCache = null;
export async function ledgerSummary({ fresh = false } = {}) {
  if (fresh || !ledgerCache) ledgerCache = api('/api/ledger').catch((e) => { ledgerCache = null; throw e; });
  return ledgerCache;
}
export async function ledgerMonths() {
  const l = await ledgerSummary();
  return l.period ? monthsBetween(l.period.from, l.period.to) : [];
}

export const monthOptions = (months, value) => {
  const opts = [['', t('filter.all')], ...months.map((m) => [m, monthDa(m)])];
  if (value && !months.includes(value)) opts.push([value, monthDa(value)]);
  return opts;
};

// The rules the catalogue names, by Danish name, the id beside it.
export function ruleOptions(value) {
  const ids = keysWithPrefix('enum.rule.').map((k) => k.slice('enum.rule.'.length));
  if (value && !ids.includes(value)) ids.push(value);
  ids.sort((a, b) => ruleName(a).localeCompare(ruleName(b), 'da'));
  return [['', t('filter.all')], ...ids.map((id) => [id, `${ruleName(id)} (${id})`])];
}

export const enumOptions = (group, values) => [['', t('filter.all')], ...values.map((v) => [v, t(`enum.${group}.${v}`)])];

// What a field may hold (checked before anything is sent).
const CHECKS = {
  provider: [/^\d{6}$/, 'filter.err_provider'],
  code: [/^\d{4}$/, 'filter.err_code'],
  run: [/^\d+$/, 'filter.err_run'],
};

// fields: [{name, label, kind: 'text' | 'select', options, check: 'provider' | 'code' | 'run'}]
export function filterFormHtml(id, fields, values, { legend } = {}) {
  const withValues = fields.map((f) => ({ ...f, value: values[f.name] ?? '', size: f.size || (f.check === 'code' ? 6 : f.check ? 8 : undefined) }));
  return `<form class="panel form filters no-print" id="${id}" role="search" aria-label="${esc(legend || t('filter.legend'))}" novalidate>
    <div class="fields">${withValues.map((f) => fieldHtml(id, f)).join('')}</div>
    <div class="form-actions"><button class="primary" type="submit">${esc(t('filter.show'))}</button>
    <button type="button" class="filter-reset">${esc(t('filter.reset'))}</button></div></form>`;
}

// go(values) with the form's values ('' = no filter); reset → go({}).
export function bindFilters(form, fields, go) {
  form.onsubmit = (e) => {
    e.preventDefault();
    const values = {};
    let bad = null;
    for (const f of fields) {
      const el = form.elements[f.name];
      const err = form.querySelector(`#${form.id}-${f.name}-err`);
      const v = String(el.value || '').trim();
      const check = f.check && CHECKS[f.check];
      const wrong = check && v && !check[0].test(v);
      if (err) err.textContent = wrong ? t(check[1], { value: v }) : '';
      el.setAttribute('aria-invalid', wrong ? 'true' : 'false');
      if (wrong && !bad) bad = el;
      values[f.name] = v;
    }
    if (bad) { bad.focus(); return; }
    go(values);
  };
  form.querySelector('.filter-reset').onclick = () => go({});
}
