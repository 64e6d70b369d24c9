// Honorarspecifikation (#/specifikation?provider=&month=): what one clinic is paid
// by the closing of a month, as a printable Danish page (style.css @media print:
// no navigation, no buttons): the clinic's name and ydernummer, the month, the
// date of closing, rows grouped by service month (efterreguleringer of closed
// months marked), each with kind, rule, reason and paragraph, and the total.
// CSV/XLSX from GET /api/ledger/specification.
import { t, tEnum } from '../i18n.js';
import { api } from '../api.js';
import { int, kr, monthDa, dateDa } from '../format.js';
import { esc, exportButtons } from '../table.js';
import { ruleName } from '../rules.js';
import { regionName } from '../places.js';
import { kindHtml } from './postings.js';

const COLS = 8;
// The export (one flat table, the service month as a column): what the page shows.
const exportCols = () => [
  { key: 'month', label: t('col.service_month'), type: 'month' },
  { key: 'item', label: t('col.item'), type: 'enum', enum: 'item' },
  { key: 'code', label: t('col.code') },
  { key: 'kind', label: t('col.kind'), type: 'enum', enum: 'kind' },
  { key: 'rule', label: t('col.rule'), type: 'enum', enum: 'rule', with_id: true },
  { key: 'count', label: t('col.count'), type: 'int' },
  { key: 'amount_ore', label: t('col.amount'), type: 'kr' },
  { key: 'reason', label: t('col.reason') },
  { key: 'paragraph', label: t('col.paragraph') },
];

export async function pageSpecification({ main, params, qs, setTitle }) {
  const p = params();
  if (!/^\d{6}$/.test(p.provider || '') || !/^\d{4}-\d{2}$/.test(p.month || '')) {
    main.innerHTML = `<h1>${esc(t('spec.heading'))}</h1><p>${esc(t('spec.choose'))} <a href="#/afslutning">${esc(t('payments.to_closings'))}</a></p>`;
    return;
  }
  const url = `/api/ledger/specification${qs({ provider: p.provider, month: p.month })}`;
  const [spec, pl, cl] = await Promise.all([api(url), api(`/api/ledger/payments?month=${encodeURIComponent(p.month)}`), api('/api/ledger/closings')]);
  const clinic = pl.rows.find((r) => r.provider === p.provider) || { provider: p.provider, name: '', region_code: '' };
  const closing = cl.rows.find((r) => r.month === p.month);
  // Efterregulering: a service month up to the previous closing (as the payment list counts it).
  const prev = cl.rows.map((r) => r.month).filter((m) => m < p.month).sort().pop() || '';
  const isEfter = (m) => m <= prev;
  setTitle(t('spec.title', { provider: p.provider, month: monthDa(p.month) }));
  // Within a service month: item, code, then the original before its reversal and correction.
  const KIND_ORDER = ['original', 'legacy', 'adjustment', 'reversal', 'correction'];
  const rank = (k) => (KIND_ORDER.includes(k) ? KIND_ORDER.indexOf(k) : KIND_ORDER.length);
  const rowsSorted = spec.rows.slice().sort((a, b) => a.month.localeCompare(b.month) || a.item.localeCompare(b.item) || a.code.localeCompare(b.code) || rank(a.kind) - rank(b.kind));
  const groups = new Map();
  for (const r of rowsSorted) {
    if (!groups.has(r.month)) groups.set(r.month, []);
    groups.get(r.month).push(r);
  }
  // The month's own postings first, then the efterreguleringer, the latest first.
  const months = [...groups.keys()].sort((a, b) => (isEfter(a) === isEfter(b) ? (isEfter(a) ? b.localeCompare(a) : a.localeCompare(b)) : (isEfter(a) ? 1 : -1)));
  const total = spec.rows.reduce((s, r) => s + r.amount_ore, 0);
  const row = (r) => `<tr class="${isEfter(r.month) ? 'efter' : ''}">
      <td>${esc(tEnum('item', r.item))}${isEfter(r.month) ? `<span class="sr-only"> (${esc(t('spec.efter_row'))})</span>` : ''}</td><td>${esc(r.code)}</td><td>${kindHtml(r.kind)}</td>
      <td>${r.rule ? `${esc(ruleName(r.rule))} <span class="rule-id">${esc(r.rule)}</span>` : ''}</td>
      <td class="num">${int(r.count)}</td><td class="num">${kr(r.amount_ore)}</td><td>${esc(r.reason)}</td><td>${esc(r.paragraph)}</td></tr>`;
  const group = (m) => {
    const rows = groups.get(m);
    const sum = rows.reduce((s, r) => s + r.amount_ore, 0);
    const efter = isEfter(m);
    return `<tbody class="spec-group${efter ? ' efter' : ''}" data-month="${esc(m)}">
      <tr class="group"><th colspan="${COLS}" scope="rowgroup">${esc(t(efter ? 'spec.group_efter' : 'spec.group', { month: monthDa(m) }))}${efter ? ` <span class="badge efter">${esc(t('spec.efterregulering'))}</span>` : ''}</th></tr>
      ${rows.map(row).join('')}
      <tr class="subtotal"><td colspan="5">${esc(t('spec.subtotal', { month: monthDa(m) }))}</td><td class="num">${kr(sum)}</td><td colspan="2"></td></tr></tbody>`;
  };
  main.innerHTML = `<article class="spec" id="spec">
    <div class="toolbar no-print"><a href="#/udbetaling${qs({ month: p.month })}">${esc(t('spec.to_payments'))}</a><span class="spacer"></span>
      <button type="button" id="spec-print">${esc(t('spec.print'))}</button>${exportButtons(url, exportCols(), t('spec.heading'))}</div>
    <div class="spec-head">
      <h1>${esc(t('spec.heading'))}</h1>
      <dl class="spec-meta">
        <div><dt>${esc(t('spec.clinic'))}</dt><dd id="spec-clinic">${esc(clinic.name || '–')}</dd></div>
        <div><dt>${esc(t('col.provider'))}</dt><dd id="spec-provider">${esc(p.provider)}</dd></div>
        <div><dt>${esc(t('col.region'))}</dt><dd>${esc(regionName(clinic.region_code) || '–')}</dd></div>
        <div><dt>${esc(t('spec.month'))}</dt><dd id="spec-month">${esc(monthDa(p.month))}</dd></div>
        <div><dt>${esc(t('spec.closed'))}</dt><dd id="spec-closed">${esc(closing ? dateDa(closing.closed_at) : t('spec.not_closed'))}</dd></div>
      </dl>
      ${closing ? '' : `<p class="warning" id="spec-preliminary">${esc(t('spec.preliminary'))}</p>`}
    </div>
    ${spec.rows.length ? `<div class="table-wrap"><table class="spec-table" aria-label="${esc(t('spec.heading'))}">
      <thead><tr><th scope="col">${esc(t('col.item'))}</th><th scope="col">${esc(t('col.code'))}</th><th scope="col">${esc(t('col.kind'))}</th><th scope="col">${esc(t('col.rule'))}</th>
        <th scope="col" class="num">${esc(t('col.count'))}</th><th scope="col" class="num">${esc(t('col.amount'))}</th><th scope="col">${esc(t('col.reason'))}</th><th scope="col">${esc(t('col.paragraph'))}</th></tr></thead>
      ${months.map(group).join('')}
      <tfoot><tr class="total"><th scope="row" colspan="5">${esc(t('spec.total'))}</th><td class="num" id="spec-total">${kr(total)}</td><td colspan="2"></td></tr></tfoot>
    </table></div>` : `<p class="muted">${esc(t('spec.empty'))}</p>`}
    <p class="muted spec-foot">${esc(t('spec.foot', { efter: kr(clinic.efterregulering_ore ?? 0), current: kr(clinic.current_ore ?? 0) }))}</p>
  </article>`;
  document.getElementById('spec-print').onclick = () => window.print();
}
