// Overenskomsten (#/overenskomst?tab=&q=): every fee, chronic rate, index row,
// parameter and rule with validity, paragraph and source; illustrative values marked.
// Internal names (parameter names, rule ids) are shown beside the Danish text.
import { t, tEnum } from '../i18n.js';
import { api } from '../api.js';
import { kr, int, dateDa, decimalDa, decimalText, yesNo } from '../format.js';
import { renderTable, esc } from '../table.js';
import { ruleHtml, ruleName } from '../rules.js';

function paramValue(r) {
  const v = r.value;
  switch (r.unit) {
    case 'ore': return kr(v);
    case 'count': return esc(int(v));
    case 'bool': return esc(yesNo(v === '1' || v === 'true'));
    case 'date': return esc(dateDa(v));
    case 'ppm': return esc(`${decimalDa(Number(v) * 100, 2).replace(/,?0+$/, '')} %`);
    default: return `<code class="tech">${esc(v)}</code>`;
  }
}

const TABS = {
  fees: ['agreement.tab_fees', [
    { key: 'code', label: 'col.code' }, { key: 'name', label: 'col.name' },
    { key: 'category', label: 'agreement.col_category', html: (r) => esc(tEnum('fee_category', r.category)) },
    { key: 'amount_ore', label: 'agreement.col_amount_apr24', type: 'kr' }, { key: 'indexed', label: 'agreement.col_indexed', html: (r) => esc(yesNo(r.indexed)) }]],
  chronic: ['agreement.tab_chronic', [
    { key: 'code', label: 'col.code' }, { key: 'lto', label: 'col.lto', html: (r) => esc(yesNo(r.lto)) },
    { key: 'monthly_ore', label: 'agreement.col_monthly', type: 'kr' }, { key: 'annual_raise_ore', label: 'agreement.col_raise', type: 'kr' }]],
  index: ['agreement.tab_index', [{ key: 'factor', label: 'agreement.col_factor', html: (r) => esc(decimalText(r.factor)) }, { key: 'note', label: 'agreement.col_note' }]],
  parameters: ['agreement.tab_parameters', [{ key: 'description', label: 'agreement.col_description' },
    { key: 'value', label: 'agreement.col_value', html: paramValue },
    { key: 'name', label: 'agreement.col_param_name', html: (r) => `<code class="tech">${esc(r.name)}</code>` }]],
  rules: ['agreement.tab_rules', [{ key: 'rule_id', label: 'col.rule', html: (r) => ruleHtml(r.rule_id), sort: (r) => ruleName(r.rule_id) },
    { key: 'kind', label: 'agreement.col_kind', html: (r) => esc(tEnum('rule_kind', r.kind)) },
    { key: 'reason_da', label: 'col.reason' },
    { key: 'params', label: 'agreement.col_params', html: (r) => Object.entries(r.params || {}).map(([k, v]) => `<span class="rule-id">${esc(tEnum('rule_param', k, k))}: ${esc(v)}</span>`).join(' ') }]],
  provisions: ['agreement.tab_provisions', [{ key: 'id', label: 'agreement.col_provision' },
    { key: 'status', label: 'agreement.col_check', html: (r) => (r.status === 'not_checkable'
      ? `<span class="badge illustrative">${esc(t('enum.provision_status.not_checkable'))}</span>`
      : esc(tEnum('provision_status', r.status))) },
    { key: 'checked_by', label: 'agreement.col_checked_by' }, { key: 'text_da', label: 'agreement.col_text' }]],
  offset_overlay: ['agreement.tab_offset_overlay', [{ key: 'table', label: 'agreement.col_table' }, { key: 'name', label: 'agreement.col_param_name' },
    { key: 'value', label: 'agreement.col_value' }, { key: 'note', label: 'agreement.col_note' }]],
};

const provenance = () => [
  { key: 'valid_from', label: t('col.valid_from'), type: 'date' },
  { key: 'valid_to', label: t('col.valid_to'), html: (r) => esc(r.valid_to ? dateDa(r.valid_to) : t('agreement.open_end')) },
  { key: 'paragraph', label: t('col.paragraph') },
  { key: 'source', label: t('agreement.col_source'), html: (r) => (r.source === 'illustrative'
    ? `<span class="badge illustrative" title="${esc(t('agreement.illustrative_hint'))}">${esc(t('enum.source.illustrative'))}</span>`
    : String(r.source || '').startsWith('ramme_statement:')
      ? `<span class="badge seed">${esc(t('agreement.source_ramme_statement', { year: r.source.slice(16) }))}</span>`
      : `<span class="badge seed">${esc(tEnum('source', r.source))}</span>`) },
];

export async function pageAgreement({ main, params, qs }) {
  const p = params();
  const a = await api('/api/agreement');
  const tab = TABS[p.tab] ? p.tab : 'fees';
  const q = (p.q || '').toLowerCase();
  const rows = (a[tab] || []).filter((r) => !q || JSON.stringify(r).toLowerCase().includes(q));
  const illustrative = (a[tab] || []).filter((r) => r.source === 'illustrative').length;
  main.innerHTML = `<h1>${esc(t('agreement.heading', { name: a.name || a.id }))}</h1>
    <p class="muted">${esc(t('agreement.version', { version: a.version, hash: (a.content_hash || '').slice(0, 16) }))}</p>
    <nav class="tabs" aria-label="${esc(t('agreement.tabs'))}">${Object.entries(TABS).map(([k, [label]]) => `<a class="button${k === tab ? ' active' : ''}"${k === tab ? ' aria-current="page"' : ''} href="#/overenskomst${qs({ tab: k })}">${esc(t(label))} (${int((a[k] || []).length)})</a>`).join('')}</nav>
    <form class="toolbar" id="q-form" role="search"><label for="q">${esc(t('agreement.search'))}</label> <input id="q" type="search" value="${esc(p.q || '')}"> <button type="submit">${esc(t('agreement.search_button'))}</button>
    ${illustrative ? `<span class="badge illustrative">${esc(t('agreement.illustrative_count', { n: int(illustrative) }))}</span>` : ''}</form>
    <div id="t"></div>`;
  document.getElementById('q-form').onsubmit = (e) => { e.preventDefault(); location.hash = '#/overenskomst' + qs({ tab, q: document.getElementById('q').value.trim() }); };
  const cols = TABS[tab][1].map((c) => ({ ...c, label: t(c.label) }));
  renderTable(document.getElementById('t'), [...cols, ...provenance()], rows, { exportUrl: '/api/agreement' + qs({ table: tab }), pageSize: 100, label: t(TABS[tab][0]) });
}
