// Posteringer (#/posteringer?provider=&month=&book_month=&item=&code=&kind=&rule=&status=&run=&sort=&offset=):
// the ledger's postings (docs/ledger.md), every amount of a statement opens
// exactly the postings that make it up (provider + month + item + code). Kind in
// Danish, the rule by its Danish name with the id beside it, reason and
// paragraph; a correction's cause opens the causing claim's line, a service
// posting the lines behind it. Filtered, sorted and paged on the server.
import { t, tEnum } from '../i18n.js';
import { api } from '../api.js';
import { int, kr, monthDa } from '../format.js';
import { renderTable, serverPager, esc } from '../table.js';
import { ruleHtml, ruleName } from '../rules.js';
import { filterFormHtml, bindFilters, ledgerMonths, monthOptions, ruleOptions, enumOptions } from '../filters.js';

export const KINDS = ['original', 'reversal', 'correction', 'adjustment', 'legacy'];
export const ITEMS = ['service', 'chronic_fee', 'basishonorar', 'bosted_honorarium', 'offset', 'ceiling_clawback', 'recovery'];
const LIMIT = 100;
const SORTABLE = ['provider', 'month', 'book_month', 'item', 'code', 'count', 'amount_ore', 'kind', 'rule', 'run_id'];

// A posting booked after its service month was closed.
export const isEfterregulering = (r) => r.book_month && r.month && r.book_month > r.month;

export function kindHtml(kind) {
  return `<span class="kind kind-${esc(kind)}">${esc(tEnum('kind', kind))}</span>`;
}

// The claim that caused a reversal or correction: its line, in the run that brought it.
export const causeLink = (qs, cause, run) => `#/linjer${qs({ claim: cause, run })}`;

export async function pagePostings({ main, params, qs, me, setTitle }) {
  const p = params();
  const offset = /^\d+$/.test(p.offset || '') ? Number(p.offset) : 0;
  const filter = { provider: p.provider, month: p.month, book_month: p.book_month, item: p.item, code: p.code, kind: p.kind, rule: p.rule, status: p.status, run: p.run };
  const [tb, months] = await Promise.all([
    api('/api/postings' + qs({ ...filter, sort: p.sort, limit: LIMIT, offset })),
    ledgerMonths().catch(() => []),
  ]);
  const canLines = me.permissions.lines;
  const desc = [p.provider && t('lines.f_provider', { provider: p.provider }), p.month && t('postings.f_month', { month: monthDa(p.month) }),
    p.book_month && t('postings.f_book_month', { month: monthDa(p.book_month) }), p.item && tEnum('item', p.item), p.code && t('lines.f_code', { code: p.code }),
    p.kind && tEnum('kind', p.kind), p.rule && t('lines.f_rule', { rule: ruleName(p.rule), id: p.rule }), p.status && tEnum('status', p.status),
    p.run && t('lines.f_run', { run: p.run })].filter(Boolean).join(' · ');
  const heading = p.item && p.provider && p.month ? t('postings.heading_amount', { item: tEnum('item', p.item), provider: p.provider, month: monthDa(p.month) }) : t('postings.heading');
  setTitle(heading);
  // All postings of the selection on this page: their sum is the amount they make up.
  const all = tb.total <= tb.rows.length;
  const sum = tb.rows.reduce((s, r) => s + r.amount_ore, 0);
  const fields = [
    { name: 'month', label: t('postings.f_month_label'), kind: 'select', options: monthOptions(months, p.month) },
    { name: 'book_month', label: t('col.book_month'), kind: 'select', options: monthOptions(months, p.book_month) },
    { name: 'item', label: t('col.item'), kind: 'select', options: enumOptions('item', ITEMS) },
    { name: 'code', label: t('col.code'), check: 'code', hint: t('filter.hint_code') },
    { name: 'kind', label: t('col.kind'), kind: 'select', options: enumOptions('kind', KINDS) },
    { name: 'rule', label: t('col.rule'), kind: 'select', options: ruleOptions(p.rule) },
    { name: 'status', label: t('col.status'), kind: 'select', options: enumOptions('status', ['accepted', 'review']) },
    { name: 'run', label: t('filter.run'), check: 'run' },
    ...(me.role === 'clinic' ? [] : [{ name: 'provider', label: t('col.provider'), check: 'provider' }]),
  ];
  const href = (extra) => '#/posteringer' + qs({ ...filter, sort: p.sort, ...extra });
  main.innerHTML = `<h1>${esc(heading)}</h1>
    <p class="muted" id="postings-what">${esc(desc || t('postings.all'))} · ${esc(t('postings.count', { n: int(tb.total) }))}${all && tb.total ? ` · ${esc(t('postings.sum'))} <strong id="postings-sum">${kr(sum)}</strong>` : ''}</p>
    <p class="muted">${esc(t('postings.intro'))}${canLines ? ` <a href="#/korrektioner">${esc(t('postings.to_corrections'))}</a>` : ''}</p>
    ${filterFormHtml('pf', fields, filter, { legend: t('postings.filter_legend') })}
    <div id="t"></div>
    ${serverPager({ total: tb.total, offset, limit: LIMIT, href: (o) => href({ offset: o }), label: t('postings.pages') })}`;
  bindFilters(document.getElementById('pf'), fields, (v) => { location.hash = '#/posteringer' + qs({ ...v, sort: p.sort }); });
  const detail = (r) => {
    if (!canLines) return null;
    if (r.item === 'service' && (r.kind === 'original' || r.kind === 'legacy'))
      return { href: `#/linjer${qs({ provider: r.provider, month: r.month, code: r.code, run: r.run_id, status: r.kind === 'original' ? r.status : '', rule: r.kind === 'original' ? r.rule || '' : '' })}`, text: t('postings.the_lines') };
    if (r.kind === 'reversal' || r.kind === 'correction')
      return { href: `#/korrektioner${qs({ run: r.run_id, provider: r.provider, code: r.code, month: r.month })}`, text: t('postings.the_correction') };
    return null;
  };
  renderTable(document.getElementById('t'), [
    { key: 'provider', label: t('col.provider'), link: (r) => `#/opgoerelse${qs({ provider: r.provider, month: r.month })}` },
    { key: 'month', label: t('col.service_month'), type: 'month' },
    { key: 'book_month', label: t('col.book_month'), html: (r) => `${esc(monthDa(r.book_month))}${isEfterregulering(r) ? ` <span class="badge efter">${esc(t('spec.efterregulering'))}</span>` : ''}` },
    { key: 'item', label: t('col.item'), type: 'item' },
    { key: 'code', label: t('col.code') },
    { key: 'count', label: t('col.count'), type: 'int' },
    { key: 'amount_ore', label: t('col.amount'), type: 'kr' },
    { key: 'kind', label: t('col.kind'), html: (r) => kindHtml(r.kind) },
    { key: 'rule', label: t('col.rule'), html: (r) => ruleHtml(r.rule) },
    { key: 'reason', label: t('col.reason'), sortable: false },
    { key: 'paragraph', label: t('col.paragraph'), sortable: false },
    { key: 'cause', label: t('col.cause'), sortable: false,
      html: (r) => (r.cause ? esc(t('postings.cause_claim', { claim: r.cause })) : ''),
      link: (r) => (r.cause && canLines && (r.kind === 'reversal' || r.kind === 'correction') ? causeLink(qs, r.cause, r.run_id) : null) },
    { key: 'run_id', label: t('col.run'), type: 'int', num: true },
    { key: 'detail', label: t('postings.col_detail'), sortable: false, html: (r) => esc(detail(r)?.text || ''), link: (r) => detail(r)?.href || null },
  ], tb.rows, {
    exportUrl: '/api/postings' + qs({ ...filter, sort: p.sort }), empty: t('postings.empty'), label: heading,
    server: { sort: p.sort || '', sortable: SORTABLE, onSort: (s) => { location.hash = href({ sort: s, offset: '' }); } },
    pinned: null,
  });
}
