// Linjer (#/linjer?provider=&month=&status=&rule=&code=&run=&claim=&sort=&offset=):
// the lines behind an amount, a posting or a rejection count, with rule (Danish
// name, id beside it), reason and paragraph. Filtered, sorted and paged on the
// server (100 a page); the heading says what is shown ("Afviste linjer" over
// rejected lines). A line a later run corrected is shown as it is now, with a
// link to its correction.
import { t } from '../i18n.js';
import { api } from '../api.js';
import { int, monthDa } from '../format.js';
import { renderTable, serverPager, esc } from '../table.js';
import { ruleHtml, ruleName } from '../rules.js';
import { filterFormHtml, bindFilters, ledgerMonths, monthOptions, ruleOptions, enumOptions } from '../filters.js';

const HEADINGS = { rejected: 'lines.heading_rejected', review: 'lines.heading_review', accepted: 'lines.heading_accepted' };
const LIMIT = 100;

export async function pageLines({ main, params, qs, setTitle, me }) {
  const p = params();
  const offset = /^\d+$/.test(p.offset || '') ? Number(p.offset) : 0;
  const filter = { provider: p.provider, month: p.month, status: p.status, rule: p.rule, code: p.code, run: p.run, claim: p.claim };
  const [tb, months] = await Promise.all([
    api('/api/lines' + qs({ ...filter, sort: p.sort, limit: LIMIT, offset })),
    ledgerMonths().catch(() => []),
  ]);
  const heading = p.claim ? t('lines.heading_claim', { claim: p.claim }) : t(HEADINGS[p.status] || 'lines.heading');
  setTitle(heading);
  const desc = [p.run && t('lines.f_run', { run: p.run }), p.provider && t('lines.f_provider', { provider: p.provider }),
    p.month && monthDa(p.month), p.code && t('lines.f_code', { code: p.code }), p.rule && t('lines.f_rule', { rule: ruleName(p.rule), id: p.rule }),
    p.claim && t('lines.f_claim', { claim: p.claim })].filter(Boolean).join(' · ');
  const fields = [
    { name: 'status', label: t('col.status'), kind: 'select', options: enumOptions('status', ['accepted', 'rejected', 'review']) },
    { name: 'rule', label: t('col.rule'), kind: 'select', options: ruleOptions(p.rule) },
    { name: 'code', label: t('col.code'), check: 'code', hint: t('filter.hint_code') },
    { name: 'month', label: t('col.month'), kind: 'select', options: monthOptions(months, p.month) },
    { name: 'run', label: t('filter.run'), check: 'run' },
    ...(me.role === 'clinic' ? [] : [{ name: 'provider', label: t('col.provider'), check: 'provider' }]),
  ];
  const href = (extra) => '#/linjer' + qs({ ...filter, sort: p.sort, ...extra });
  const corrected = tb.rows.some((r) => r.corrected_by_run);
  main.innerHTML = `<h1 id="lines-heading">${esc(heading)}</h1>
    <p class="muted" id="lines-what">${esc(desc || t('lines.all'))} · ${esc(t('lines.count', { n: int(tb.total) }))}</p>
    ${filterFormHtml('lf', fields, filter, { legend: t('lines.filter_legend') })}
    ${tb.sortable && tb.sortable.length < 6 ? `<p class="muted small">${esc(t('lines.sort_hint'))}</p>` : ''}
    <div id="t"></div>
    ${serverPager({ total: tb.total, offset, limit: LIMIT, href: (o) => href({ offset: o }), label: t('lines.pages') })}`;
  bindFilters(document.getElementById('lf'), fields, (v) => {
    // The claim follows a link; a new filter from the form drops it.
    location.hash = '#/linjer' + qs({ ...v, sort: p.sort });
  });
  renderTable(document.getElementById('t'), [
    { key: 'claim_id', label: t('col.claim') },
    { key: 'provider', label: t('col.provider'), link: (r) => `#/opgoerelse${qs({ provider: r.provider })}` },
    { key: 'service_date', label: t('col.date'), type: 'date' },
    { key: 'code', label: t('col.code') },
    { key: 'status', label: t('col.status'), type: 'status' },
    { key: 'amount_ore', label: t('col.amount'), type: 'kr' },
    { key: 'rule', label: t('col.rule'), html: (r) => ruleHtml(r.rule), link: (r) => (r.rule ? `#/overenskomst${qs({ tab: 'rules', q: r.rule })}` : null) },
    { key: 'reason', label: t('col.reason') },
    { key: 'paragraph', label: t('col.paragraph') },
    ...(corrected ? [{ key: 'corrected_by_run', label: t('lines.col_corrected'), sortable: false,
      html: (r) => (r.corrected_by_run ? esc(t('lines.corrected_by', { run: r.corrected_by_run })) : ''),
      link: (r) => (r.corrected_by_run ? `#/korrektioner${qs({ run: r.corrected_by_run, provider: r.provider, code: r.code })}` : null) }] : []),
  ], tb.rows, {
    exportUrl: '/api/lines' + qs({ ...filter, sort: p.sort }), empty: t('lines.empty'), label: heading,
    server: { sort: p.sort || '', sortable: tb.sortable || [], onSort: (s) => { location.hash = href({ sort: s, offset: '' }); } },
  });
}
