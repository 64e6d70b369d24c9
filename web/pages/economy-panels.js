// Økonomi: expense files (udgiftsfiler), højestegrænser and kvalitetsbetalinger.
// Only the panels the role may see are asked for (routes.js: economyAccess).
import { t, tEnum } from '../i18n.js';
import { api, upload } from '../api.js';
import { kr, mioKr, int, dateDa, monthDa, pctText, quarterDa, decimalText } from '../format.js';
import { renderTable, esc } from '../table.js';
import { formHtml, bindForm } from '../forms.js';
import { regionName } from '../places.js';

export const CATEGORY = (c) => tEnum('expense_category', c);

function uploadFields(files) {
  return files.map(([name, key, required]) => ({ name, label: t(key), kind: 'file', accept: '.csv,text/csv', required }));
}

async function sendFiles(path, values) {
  const fd = new FormData();
  let files = 0;
  for (const [k, v] of Object.entries(values)) if (v instanceof File) { fd.append(k, v, v.name); files += 1; }
  // No file chosen: the server uses the ledger's listings register.
  return files ? upload(path, fd) : api(path, { method: 'POST' });
}

export async function ceilingPanel({ el, me, year }) {
  const c = await api(`/api/economy/ceilings?year=${year}`);
  const fields = uploadFields([['listings', 'ceilings.listings', false], ['decisions', 'ceilings.decisions', false]]);
  const form = me.role === 'rltn' ? formHtml('ceil-form', fields, t('ceilings.submit')) : '';
  if (!c.available) {
    el.innerHTML = `<div class="panel"><h2>${esc(t('ceilings.heading', { year }))}</h2><p class="muted">${esc(t('ceilings.not_computed'))}</p>${form}</div>`;
  } else {
    const s = c.totals;
    el.innerHTML = `<div class="panel"><h2>${esc(t('ceilings.heading_limit', { year, limit: pctText(c.limit_pct) }))}</h2>
      <p class="muted">${esc(c.method)} ${esc(t('ceilings.reference', { ref: tEnum('ceiling_reference', c.reference), month: monthDa(c.clawback_month) }))}</p>
      <p>${esc(t('ceilings.totals', { above: int(s.above), ceilings: int(s.ceilings), pending: int(s.assessment_pending), exempt: int(s.exempt), clawback: kr(s.clawback_ore) }))}</p>
      ${(c.tasks || []).filter((k) => k.state === 'pending').map((k) => `<p class="notice">${esc(k.text)}</p>`).join('')}
      ${form}<div id="ceil"></div></div>`;
    renderTable(el.querySelector('#ceil'), [
      { key: 'provider', label: t('col.provider') }, { key: 'region', label: t('col.region'), html: (r) => esc(regionName(r.region)) },
      { key: 'listed_avg', label: t('ceilings.col_listed'), num: true, sort: (r) => Number(r.listed_avg), html: (r) => esc(decimalText(r.listed_avg)) },
      { key: 'cost_ore', label: t('ceilings.col_cost'), type: 'kr' }, { key: 'expected_ore', label: t('ceilings.col_expected'), type: 'kr' },
      { key: 'deviation_pct', label: t('ceilings.col_deviation'), num: true, sort: (r) => Number(r.deviation_pct), html: (r) => esc(pctText(r.deviation_pct)) },
      { key: 'bosted', label: t('ceilings.col_bosted'), html: (r) => esc(r.bosted ? t('common.yes') : '') },
      { key: 'status', label: t('col.status'), html: (r) => esc(tEnum('ceiling_status', r.status)) + (r.decision ? ` – ${esc(r.decision.reason)} (${esc(r.decision.decided_by)}, ${esc(dateDa(r.decision.decided))})` : '') },
      { key: 'ceiling_ore', label: t('ceilings.col_ceiling'), type: 'kr' }, { key: 'clawback_ore', label: t('ceilings.col_clawback'), type: 'kr' },
    ], c.clinics, { exportUrl: `/api/economy/ceilings?year=${year}`, pageSize: 100, filter: true, label: t('ceilings.heading', { year }) });
  }
  bindForm(el.querySelector('#ceil-form'), fields, (v) => sendFiles(`/api/economy/ceilings?year=${year}`, v), { done: () => ceilingPanel({ el, me, year }) });
}

export async function qualityPanel({ el, me, year }) {
  const q = await api(`/api/economy/quality?year=${year}`);
  const fields = uploadFields([['listings', 'quality.listings', false], ['clusters', 'quality.clusters', false]]);
  const form = me.role === 'rltn' ? formHtml('qual-form', fields, t('quality.submit')) : '';
  if (!q.available) {
    el.innerHTML = `<div class="panel"><h2>${esc(t('quality.heading', { year }))}</h2><p class="muted">${esc(t('quality.not_computed'))}</p>${form}</div>`;
  } else {
    el.innerHTML = `<div class="panel"><h2>${esc(t('quality.heading', { year }))}</h2>
      <p class="muted">${esc(t('quality.rates', { insured: kr(q.rates.per_insured_ore), cluster: kr(q.rates.cluster_per_patient_ore), fund: mioKr(q.rates.fund_ore), date: dateDa(q.count_date) }))} ${esc(q.method)}</p>
      ${form}<div id="qr"></div><div id="qc"></div></div>`;
    renderTable(el.querySelector('#qr'), [
      { key: 'name', label: t('col.region') }, { key: 'insured', label: t('quality.col_insured'), type: 'int' }, { key: 'quality_ore', label: t('quality.col_quality'), type: 'kr' },
      { key: 'cluster_patients', label: t('quality.col_cluster_patients'), type: 'int' }, { key: 'cluster_ore', label: t('quality.col_clusters'), type: 'kr' },
      { key: 'fund_ore', label: t('quality.col_fund'), type: 'kr' }, { key: 'total_ore', label: t('col.total'), type: 'kr' },
    ], q.regions, { caption: t('quality.total', { amount: kr(q.totals.total_ore) }), label: t('quality.heading', { year }) });
    renderTable(el.querySelector('#qc'), [
      { key: 'cluster_id', label: t('quality.col_cluster') }, { key: 'clinics', label: t('col.clinics'), html: (c) => esc(c.clinics.join(', ')) },
      { key: 'patients', label: t('quality.col_patients'), type: 'int' }, { key: 'amount_ore', label: t('col.amount'), type: 'kr' },
    ], q.clusters, { caption: t('quality.clusters_caption'), label: t('quality.clusters_caption') });
  }
  bindForm(el.querySelector('#qual-form'), fields, (v) => sendFiles(`/api/economy/quality?year=${year}`, v), { done: () => qualityPanel({ el, me, year }) });
}

// Udgiftsfiler (expenses.csv) per region, quarter and category: the spend almen does
// not settle itself. RLTN uploads; RLTN, PLO and the region (its own rows) see them.
export async function expensesPanel({ el, me, year, onChange }) {
  const tb = await api(`/api/economy/expenses?year=${year}`);
  const fields = [
    { name: 'expenses', label: t('expenses.file'), kind: 'file', accept: '.csv,text/csv', required: true },
    { name: 'quarter', label: t('expenses.quarter'), kind: 'select', options: [['', t('expenses.quarter_all')], ...[1, 2, 3, 4].map((n) => [`${year}-Q${n}`, quarterDa(`${year}-Q${n}`)])] },
  ];
  const form = me.role === 'rltn' ? formHtml('exp-form', fields, t('expenses.submit'), { intro: t('expenses.intro') }) : '';
  el.innerHTML = `<div class="panel"><h2>${esc(t('expenses.heading', { year }))}</h2>${form}<p id="exp-msg" role="status"></p><div id="exp-table"></div></div>`;
  const total = tb.rows.reduce((a, r) => a + r.amount_ore, 0);
  renderTable(el.querySelector('#exp-table'), [
    { key: 'quarter', label: t('col.quarter'), type: 'quarter' }, { key: 'region_name', label: t('col.region'), html: (r) => esc(r.region_name || regionName(r.region_code)) },
    { key: 'category', label: t('expenses.col_category'), html: (r) => esc(CATEGORY(r.category)), sort: (r) => CATEGORY(r.category) },
    { key: 'amount_ore', label: t('col.amount'), type: 'kr' }, { key: 'file_name', label: t('expenses.col_file'), html: (r) => esc(t('expenses.file_line', { file: r.file_name, line: int(r.line) })) },
    { key: 'imported_at', label: t('expenses.col_imported'), html: (r) => esc(t('expenses.imported_by', { date: dateDa(r.imported_at.slice(0, 10)), user: r.imported_by })) },
    ...(me.role === 'rltn' ? [{ key: 'file_id', label: t('expenses.col_correct'), html: (r) => `<button type="button" class="exp-withdraw" data-file="${esc(r.file_id)}" data-name="${esc(r.file_name)}" title="${esc(t('expenses.withdraw_hint'))}">${esc(t('expenses.withdraw'))}</button>` }] : []),
  ], tb.rows, { exportUrl: `/api/economy/expenses?year=${year}`, caption: tb.rows.length ? t('expenses.caption', { rows: int(tb.rows.length), amount: kr(total) }) : '', empty: t('expenses.none'), label: t('expenses.heading', { year }) });
  const msg = el.querySelector('#exp-msg');
  el.querySelectorAll('.exp-withdraw').forEach((b) => (b.onclick = async () => {
    if (!window.confirm(t('expenses.withdraw_confirm', { file: b.dataset.name }))) return;
    b.disabled = true;
    try {
      const r = await api(`/api/economy/expenses/${encodeURIComponent(b.dataset.file)}`, { method: 'DELETE' });
      await expensesPanel({ el, me, year, onChange });
      el.querySelector('#exp-msg').textContent = t('expenses.withdrawn', { rows: int(r.rows_removed) });
      if (onChange) await onChange();
    } catch (err) {
      msg.className = 'error';
      msg.textContent = err.message;
      b.disabled = false;
    }
  }));
  bindForm(el.querySelector('#exp-form'), fields, async (v) => {
    const fd = new FormData();
    fd.append('expenses', v.expenses, v.expenses.name);
    return upload(`/api/economy/expenses?year=${year}${v.quarter ? '&quarter=' + encodeURIComponent(v.quarter) : ''}`, fd);
  }, {
    done: async (r) => {
      const text = r.already_imported ? t('expenses.already', { id: r.file_id }) : t('expenses.imported', { rows: int(r.rows), amount: kr(r.amount_ore) });
      await expensesPanel({ el, me, year, onChange });
      el.querySelector('#exp-msg').textContent = text;
      if (onChange) await onChange();
    },
  });
}
