// Linjer (#/linjer?provider=&month=&status=&rule=&code=&run=&offset=): the lines
// behind an amount or a rejection count, with rule (Danish name, id beside it),
// reason and paragraph. Paged on the server (100 a page).
import { t } from '../i18n.js';
import { api } from '../api.js';
import { int, monthDa } from '../format.js';
import { renderTable, esc } from '../table.js';
import { ruleHtml, ruleName } from '../rules.js';

const HEADINGS = { rejected: 'lines.heading_rejected', review: 'lines.heading_review', accepted: 'lines.heading_accepted' };

export async function pageLines({ main, params, qs, setTitle }) {
  const p = params();
  const limit = 100, offset = Number(p.offset || 0);
  const filter = { provider: p.provider, month: p.month, status: p.status, rule: p.rule, code: p.code, run: p.run };
  const tb = await api('/api/lines' + qs({ ...filter, limit, offset }));
  const heading = t(HEADINGS[p.status] || 'lines.heading');
  setTitle(heading);
  const desc = [p.run && t('lines.f_run', { run: p.run }), p.provider && t('lines.f_provider', { provider: p.provider }), p.month && monthDa(p.month),
    p.code && t('lines.f_code', { code: p.code }), p.rule && t('lines.f_rule', { rule: ruleName(p.rule), id: p.rule })].filter(Boolean).join(' · ');
  main.innerHTML = `<h1>${esc(heading)}</h1><p class="muted">${esc(desc || t('lines.all'))} · ${esc(t('lines.count', { n: int(tb.total) }))}</p>
    <div id="t"></div>
    <nav class="toolbar" aria-label="${esc(t('lines.pages'))}">${offset > 0 ? `<a class="button" href="#/linjer${qs({ ...filter, offset: Math.max(0, offset - limit) })}">${esc(t('table.prev'))}</a>` : ''}
    <span class="muted">${esc(t('table.showing', { from: int(Math.min(tb.total, offset + 1)), to: int(Math.min(tb.total, offset + limit)), total: int(tb.total) }))}</span>
    ${offset + limit < tb.total ? `<a class="button" href="#/linjer${qs({ ...filter, offset: offset + limit })}">${esc(t('table.next'))}</a>` : ''}</nav>`;
  renderTable(document.getElementById('t'), [
    { key: 'claim_id', label: t('col.claim') },
    { key: 'provider', label: t('col.provider'), link: (r) => `#/opgoerelse${qs({ provider: r.provider })}` },
    { key: 'service_date', label: t('col.date'), type: 'date' },
    { key: 'code', label: t('col.code') },
    { key: 'status', label: t('col.status'), type: 'status' },
    { key: 'amount_ore', label: t('col.amount'), type: 'kr' },
    { key: 'rule', label: t('col.rule'), html: (r) => ruleHtml(r.rule), sort: (r) => ruleName(r.rule), link: (r) => (r.rule ? `#/overenskomst${qs({ tab: 'rules', q: r.rule })}` : null) },
    { key: 'reason', label: t('col.reason') },
    { key: 'paragraph', label: t('col.paragraph') },
  ], tb.rows, { exportUrl: '/api/lines' + qs(filter), empty: t('lines.empty'), label: heading });
}
