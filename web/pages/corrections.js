// Korrektioner (#/korrektioner?provider=&month=&code=&rule=&run=&sort=&offset=):
// stored lines a later run changed (docs/ledger.md "Corrections"): old → new
// status, amount and rule, the change in kr., reason and paragraph, and the
// claim that caused it (a link to its line). Filtered, sorted and paged on the server.
import { t, tEnum } from '../i18n.js';
import { api } from '../api.js';
import { int, kr, monthDa } from '../format.js';
import { renderTable, serverPager, esc } from '../table.js';
import { ruleHtml, ruleName } from '../rules.js';
import { filterFormHtml, bindFilters, ledgerMonths, monthOptions, ruleOptions } from '../filters.js';
import { causeLink } from './postings.js';

const LIMIT = 100;
const SORTABLE = ['provider', 'service_date', 'code', 'status', 'amount_ore', 'rule', 'run_id'];

const statusSpan = (s) => (s ? `<span class="status-${esc(s)}">${esc(tEnum('status', s))}</span>` : '');
const arrow = (a, b) => `${a} <span aria-hidden="true">→</span><span class="sr-only"> ${esc(t('corrections.to'))} </span> ${b}`;

export async function pageCorrections({ main, params, qs, me, setTitle }) {
  const p = params();
  const offset = /^\d+$/.test(p.offset || '') ? Number(p.offset) : 0;
  const filter = { provider: p.provider, month: p.month, code: p.code, rule: p.rule, run: p.run };
  const [tb, months] = await Promise.all([
    api('/api/corrections' + qs({ ...filter, sort: p.sort, limit: LIMIT, offset })),
    ledgerMonths().catch(() => []),
  ]);
  const heading = t('corrections.heading');
  setTitle(heading);
  const desc = [p.run && t('lines.f_run', { run: p.run }), p.provider && t('lines.f_provider', { provider: p.provider }), p.month && monthDa(p.month),
    p.code && t('lines.f_code', { code: p.code }), p.rule && t('lines.f_rule', { rule: ruleName(p.rule), id: p.rule })].filter(Boolean).join(' · ');
  const all = tb.total <= tb.rows.length;
  const change = tb.rows.reduce((s, r) => s + r.change_ore, 0);
  const fields = [
    { name: 'month', label: t('col.month'), kind: 'select', options: monthOptions(months, p.month) },
    { name: 'code', label: t('col.code'), check: 'code', hint: t('filter.hint_code') },
    { name: 'rule', label: t('corrections.f_rule'), kind: 'select', options: ruleOptions(p.rule) },
    { name: 'run', label: t('corrections.f_run'), check: 'run' },
    ...(me.role === 'clinic' ? [] : [{ name: 'provider', label: t('col.provider'), check: 'provider' }]),
  ];
  const href = (extra) => '#/korrektioner' + qs({ ...filter, sort: p.sort, ...extra });
  main.innerHTML = `<h1>${esc(heading)}</h1>
    <p class="muted" id="corrections-what">${esc(desc || t('corrections.all'))} · ${esc(t('corrections.count', { n: int(tb.total) }))}${all && tb.total ? ` · ${esc(t('corrections.sum'))} <strong id="corrections-sum">${kr(change)}</strong>` : ''}</p>
    <p class="muted">${esc(t('corrections.intro'))} <a href="#/posteringer${qs({ kind: 'correction', run: p.run, provider: p.provider })}">${esc(t('corrections.to_postings'))}</a></p>
    ${filterFormHtml('cf', fields, filter, { legend: t('corrections.filter_legend') })}
    <div id="t"></div>
    ${serverPager({ total: tb.total, offset, limit: LIMIT, href: (o) => href({ offset: o }), label: t('corrections.pages') })}`;
  bindFilters(document.getElementById('cf'), fields, (v) => { location.hash = '#/korrektioner' + qs({ ...v, sort: p.sort }); });
  renderTable(document.getElementById('t'), [
    { key: 'claim_id', label: t('col.claim'), sortable: false, link: (r) => `#/linjer${qs({ claim: r.claim_id, run: r.line_run_id, provider: r.provider })}` },
    { key: 'provider', label: t('col.provider'), link: (r) => `#/opgoerelse${qs({ provider: r.provider })}` },
    { key: 'service_date', label: t('col.date'), type: 'date' },
    { key: 'code', label: t('col.code') },
    { key: 'status', label: t('col.status'), html: (r) => arrow(statusSpan(r.old_status), statusSpan(r.status)) },
    { key: 'amount_ore', label: t('corrections.col_amounts'), num: true, html: (r) => arrow(kr(r.old_amount_ore), kr(r.amount_ore)) },
    { key: 'change_ore', label: t('col.change'), type: 'kr', sortable: false },
    { key: 'rule', label: t('corrections.col_rules'), html: (r) => arrow(ruleHtml(r.old_rule), ruleHtml(r.rule)) },
    { key: 'reason', label: t('col.reason'), sortable: false },
    { key: 'paragraph', label: t('col.paragraph'), sortable: false },
    { key: 'cause', label: t('col.cause'), sortable: false, html: (r) => (r.cause ? esc(t('postings.cause_claim', { claim: r.cause })) : ''),
      link: (r) => (r.cause ? causeLink(qs, r.cause, r.run_id) : null) },
    { key: 'run_id', label: t('corrections.col_run'), type: 'int', link: (r) => `#/posteringer${qs({ run: r.run_id, provider: r.provider, code: r.code })}` },
  ], tb.rows, {
    exportUrl: '/api/corrections' + qs({ ...filter, sort: p.sort }), empty: t('corrections.empty'), label: heading,
    server: { sort: p.sort || '', sortable: SORTABLE, onSort: (s) => { location.hash = href({ sort: s, offset: '' }); } },
  });
}
