// Datadeling og budgetter (#/deling): the patient's block on sharing (CPR is
// pseudonymised at once, never stored or logged), the check, its log, and the
// it-tilskud and Partsforum budgets.
import { t, tEnum } from '../i18n.js';
import { api, sendJson } from '../api.js';
import { kr, mioKr, int } from '../format.js';
import { renderTable, esc } from '../table.js';
import { formHtml, bindForm } from '../forms.js';

const NOTES = ['journal_note', 'lab_values'];
const SECTORS = ['hospital', 'municipality', 'specialist_practice', 'other_practice'];
const cpr = (v) => (/^\d{6}-?\d{4}$/.test(v) ? '' : t('sharing.cpr_invalid'));

export async function pageSharing(ctx) {
  const { main, me } = ctx;
  const r = me.role;
  const canCheck = r === 'rltn' || r === 'clinic';
  const [budgets, log] = await Promise.all([r === 'clinic' ? null : api('/api/budgets?year=2025'), canCheck ? api('/api/sharing/log') : null]);
  const noteOpts = (all) => [...NOTES, ...(all ? ['all'] : [])].map((k) => [k, tEnum('note_type', k)]);
  const sectorOpts = (all) => [...SECTORS, ...(all ? ['all'] : [])].map((k) => [k, tEnum('sector', k)]);
  const blockFields = [
    { name: 'cpr', label: t('sharing.cpr'), required: true, autocomplete: 'off', check: cpr },
    { name: 'note_type', label: t('sharing.data'), kind: 'select', options: noteOpts(true) },
    { name: 'sector', label: t('sharing.sector'), kind: 'select', options: sectorOpts(true) },
  ];
  const checkFields = [
    { name: 'cpr', label: t('sharing.cpr'), required: true, autocomplete: 'off', check: cpr },
    ...(r === 'rltn' ? [{ name: 'provider', label: t('col.provider'), required: true, check: (v) => (/^\d{6}$/.test(v) ? '' : t('error.provider_format')) }] : []),
    { name: 'note_type', label: t('sharing.data'), kind: 'select', options: noteOpts(false) },
    { name: 'sector', label: t('sharing.sector'), kind: 'select', options: sectorOpts(false) },
  ];
  const spendFields = [
    { name: 'budget', label: t('sharing.budget'), kind: 'select', options: [['it_subsidy', tEnum('budget', 'it_subsidy')], ['partsforum', tEnum('budget', 'partsforum')]] },
    { name: 'amount', label: t('col.amount'), kind: 'amount', required: true },
    { name: 'spent_on', label: t('col.date'), kind: 'date', required: true },
    { name: 'description', label: t('sharing.description'), required: true, wide: true },
  ];
  main.innerHTML = `<h1>${esc(t('sharing.heading'))}</h1>
    ${canCheck ? `<p class="muted">${esc(t('sharing.intro'))}</p>
    ${formHtml('block', blockFields, t('sharing.register_block'), { title: t('sharing.block_heading') })}
    ${formHtml('check', checkFields, t('sharing.check'), { title: t('sharing.check_heading') })}
    <div id="answer" aria-live="polite"></div><h2>${esc(t('sharing.log'))}</h2><div id="log"></div>` : ''}
    ${budgets ? `<h2>${esc(t('sharing.budgets', { year: 2025 }))}</h2><div class="cards" id="budgets"></div>` : ''}
    ${budgets && (r === 'rltn' || r === 'plo') ? formHtml('spend', spendFields, t('sharing.register_spend'), { title: t('sharing.spend_heading') }) : ''}
    ${budgets ? '<div id="spend-t"></div>' : ''}`;
  if (log) {
    renderTable(document.getElementById('log'), [
      { key: 'at', label: t('col.time'), type: 'time' }, { key: 'username', label: t('audit.col_user') }, { key: 'provider', label: t('col.provider') },
      { key: 'note_type', label: t('sharing.data'), html: (x) => esc(tEnum('note_type', x.note_type)) },
      { key: 'sector', label: t('sharing.sector'), html: (x) => esc(tEnum('sector', x.sector)) },
      { key: 'allowed', label: t('sharing.answer'), html: (x) => (x.allowed ? `<span class="status-accepted">${esc(t('sharing.may'))}</span>` : `<span class="status-rejected">${esc(t('sharing.blocked_no', { id: int(x.block_id) }))}</span>`) },
      { key: 'pseudonym_prefix', label: t('sharing.pseudonym') },
    ], log.rows, { exportUrl: '/api/sharing/log', caption: t('sharing.log_caption', { n: int(log.rows.length) }), empty: t('sharing.log_none'), label: t('sharing.log') });
  }
  if (budgets) {
    document.getElementById('budgets').innerHTML = budgets.budgets.map((b) => `<div class="card"><div class="k">${esc(tEnum('budget', b.budget, b.name))}</div><div class="v">${mioKr(b.remaining_ore)}</div><div class="k">${esc(t('sharing.budget_sub', { budget: mioKr(b.budget_ore), spent: kr(b.spent_ore) }))}</div></div>`).join('');
    renderTable(document.getElementById('spend-t'), [
      { key: 'spent_on', label: t('col.date'), type: 'date' }, { key: 'budget', label: t('sharing.budget'), html: (x) => esc(tEnum('budget', x.budget)) },
      { key: 'amount_ore', label: t('col.amount'), type: 'kr' }, { key: 'description', label: t('sharing.description') }, { key: 'created_by', label: t('sanctions.registered_by') },
    ], budgets.spend.rows, { exportUrl: '/api/budgets?year=2025', empty: t('sharing.no_spend'), label: t('sharing.spend_heading') });
  }
  const reload = () => pageSharing(ctx);
  bindForm(document.getElementById('block'), blockFields, (v) => sendJson('/api/sharing/blocks', { cpr: v.cpr, note_type: v.note_type, sector: v.sector }), { done: reload });
  const check = document.getElementById('check');
  bindForm(check, checkFields, (v) => sendJson('/api/sharing/check', { cpr: v.cpr, note_type: v.note_type, sector: v.sector, ...(v.provider ? { provider: v.provider } : {}) }), {
    done: (a) => {
      check.elements.cpr.value = '';
      document.getElementById('answer').innerHTML = `<div class="panel ${a.allowed ? 'status-accepted' : 'status-rejected'}" id="share-answer"><strong>${esc(a.allowed ? t('sharing.may_share') : t('sharing.may_not_share'))}</strong> – ${esc(a.reason)}</div>`;
    },
  });
  bindForm(document.getElementById('spend'), spendFields, (v) => sendJson('/api/budgets/spend', { budget: v.budget, amount_ore: v.amount, spent_on: v.spent_on, description: v.description }), { done: reload });
}
