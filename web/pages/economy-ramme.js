// Økonomi: the ramme statement (GET /api/economy/ramme): one ramme figure with its
// make-up, spend against it per quarter on one axis, over- or underspend, forecast,
// offset and the LTO capacity mechanism. A region sees its own spend per quarter.
import { t } from '../i18n.js';
import { api } from '../api.js';
import { kr, mioKr, int, dateDa, pctPpm, pctText, quarterDa } from '../format.js';
import { renderTable, esc } from '../table.js';
import { makeChart, krTick, krTooltip, COLORS } from '../charts.js';
import { rammeExplanationHtml, DRAW_RAMME_MIN_PPM, shareOfRamme, shareText } from './ramme.js';
import { CATEGORY } from './economy-panels.js';

const absPct = (p) => pctText(String(p ?? '').replace(/^-/, ''));

// "Overskridelse 12,3 mio. kr. (0,12 %)" or "Mindreforbrug …": never an underspend called an overrun.
function overrunCard(overOre, pct) {
  if (overOre === null || overOre === undefined) return { label: t('ramme.overrun'), value: '–' };
  if (overOre > 0) return { label: t('ramme.overrun'), value: `${mioKr(overOre)} (${pctText(pct)})` };
  if (overOre < 0) return { label: t('ramme.underspend'), value: `${mioKr(-overOre)} (${absPct(pct)} ${t('ramme.under_word')})` };
  return { label: t('ramme.on_ramme'), value: mioKr(0) };
}

function regionPanel(el, r, year) {
  el.innerHTML = `<div class="panel"><h2>${esc(t('ramme.region_heading', { year }))}</h2><p class="muted">${esc(t('ramme.region_note'))}</p><div id="rq"></div></div>`;
  renderTable(el.querySelector('#rq'), [
    { key: 'quarter', label: t('col.quarter'), type: 'quarter' }, { key: 'spend_ore', label: t('ramme.col_spend'), type: 'kr' },
    { key: 'complete', label: t('ramme.col_complete'), html: (q) => esc(q.complete ? t('common.yes') : t('ramme.missing_months', { months: (q.months_missing || []).join(', ') })) },
  ], r.quarters, { label: t('ramme.region_heading', { year }) });
}

export async function rammePanel({ el, charts, year }) {
  const r = await api(`/api/economy/ramme?year=${year}`);
  if (r.ramme_ore === null) { regionPanel(el, r, year); return; }
  const f = r.forecast;
  const over = overrunCard(r.overrun_ore, r.overrun_pct);
  const fOver = f ? overrunCard(f.overrun_ore, f.overrun_ppm === null || f.overrun_ppm === undefined ? null : (f.overrun_ppm / 10000).toFixed(2)) : null;
  const share = shareOfRamme(r.spend_actual_ore, r.year_to_date ? r.year_to_date.ramme_ore : r.ramme_ore);
  const draw = share !== null && share >= DRAW_RAMME_MIN_PPM;
  el.innerHTML = `<h1>${esc(t('ramme.heading', { year }))}</h1>
    ${r.complete ? '' : `<p class="notice" id="incomplete">${esc(t('ramme.incomplete', { missing: (r.missing || []).slice(0, 6).join('; ') }))}</p>`}
    <div class="cards">
      <div class="card"><div class="k">${esc(t('ramme.figure', { year }))}</div><div class="v" id="ramme-figure">${mioKr(r.ramme_ore)}</div><div class="k">${esc(t('ramme.figure_sub'))}</div></div>
      <div class="card"><div class="k">${esc(t('ramme.spend'))}</div><div class="v">${mioKr(r.spend_ore, r.spend_ore < 1e9 ? 3 : 1)}</div><div class="k">${esc(t('ramme.share', { share: shareText(share) }))}</div></div>
      <div class="card"><div class="k" id="overrun-label">${esc(over.label)}</div><div class="v" id="overrun-value">${esc(over.value)}</div></div>
      <div class="card"><div class="k">${esc(t('ramme.forecast'))}</div><div class="v">${f ? mioKr(f.spend_ore, f.spend_ore < 1e9 ? 3 : 1) : '–'}</div><div class="k">${f ? esc(t('ramme.forecast_sub', { n: int(f.based_on_quarters), label: fOver.label.toLowerCase(), value: fOver.value })) : esc(t('ramme.no_forecast'))}</div></div>
      <div class="card"><div class="k">${esc(t('ramme.lto_addition'))}</div><div class="v">${mioKr(r.lto_capacity_addition_ore, 2)}</div></div>
    </div>
    <div class="panel"><h2>${esc(t('ramme.how_heading'))}</h2>${rammeExplanationHtml(r)}<p class="muted">${esc(t('ramme.how_note'))}</p></div>
    ${r.expenses && r.expenses.rows ? `<p class="muted" id="ramme-expenses">${esc(t('ramme.from_expenses', { rows: int(r.expenses.rows), amount: kr(r.expenses.amount_ore) }))}${r.expenses.replaced.length ? ' ' + esc(t('ramme.replaced', { list: r.expenses.replaced.map((x) => `${quarterDa(x.quarter)} ${x.region} ${CATEGORY(x.category)}: ${kr(x.settled_ore)} → ${kr(x.expense_ore)}`).join('; ') })) : ''}</p>` : ''}
    <div class="panel"><h2>${esc(draw ? t('ramme.chart_heading') : t('ramme.chart_heading_spend'))}</h2>
      ${draw ? '' : `<p class="notice" id="ramme-scale-note">${esc(t('ramme.scale_note', { share: shareText(share), quarter: mioKr(Math.round(r.ramme_ore / 4)) }))}</p>`}
      <div class="chart-box"><canvas id="ramme-chart" role="img" aria-label="${esc(t('ramme.chart_heading_spend'))}"></canvas></div><div id="rq"></div></div>
    <div class="panel"><h2>${esc(t('ramme.offset_heading'))}</h2><p>${esc(r.offset_reason || '')}</p><div id="offset"></div></div>
    <div class="panel"><h2>${esc(t('ramme.lto_heading'))}</h2><p class="muted">${esc(t('ramme.lto_text', { date: r.lto?.baseline_date ? dateDa(r.lto.baseline_date) : '–', n: int(r.lto?.baseline_capacities || 0), condition: t(`enum.lto_condition.${r.lto?.condition || 'not_verified'}`) }))}</p><div id="lto"></div></div>`;
  const labels = r.quarters.map((q) => quarterDa(q.quarter) + (q.complete ? '' : ` (${t('ramme.partial')})`));
  const datasets = [{ type: 'bar', label: t('ramme.ds_spend'), data: r.quarters.map((q) => q.spend_ore / 100), backgroundColor: r.quarters.map((q) => (q.complete ? COLORS.spend : COLORS.spendLight)) }];
  if (draw) {
    datasets.push({ type: 'line', label: t('ramme.ds_ramme'), data: r.quarters.map((q) => q.ramme_ore / 100), borderColor: COLORS.ramme, pointRadius: 3 });
    if (f) datasets.push({ type: 'line', label: t('ramme.ds_forecast'), data: r.quarters.map((q) => Math.round((q.ramme_ore * f.spend_actual_ore) / r.ramme_ore) / 100), borderColor: COLORS.forecast, borderDash: [6, 4], pointRadius: 0 });
  }
  makeChart(charts, el.querySelector('#ramme-chart'), {
    data: { labels, datasets },
    options: { scales: { y: { beginAtZero: true, ticks: { callback: krTick }, title: { display: true, text: t('chart.axis_kr') } } }, plugins: { tooltip: krTooltip() } },
  });
  renderTable(el.querySelector('#rq'), [
    { key: 'quarter', label: t('col.quarter'), type: 'quarter' }, { key: 'ramme_ore', label: t('ramme.col_ramme'), type: 'kr' },
    { key: 'spend_ore', label: t('ramme.col_spend'), type: 'kr' },
    { key: 'share', label: t('ramme.col_share'), num: true, sort: (q) => (q.ramme_ore ? q.spend_ore / q.ramme_ore : 0), html: (q) => esc(q.ramme_ore ? pctPpm(Math.round((q.spend_ore * 1e6) / q.ramme_ore), 3) : '') },
    { key: 'excluded_ore', label: t('ramme.col_excluded'), type: 'kr' }, { key: 'cumulative_spend_ore', label: t('ramme.col_cumulative'), type: 'kr' },
    { key: 'complete', label: t('ramme.col_complete'), html: (q) => esc(q.complete ? t('common.yes') : t('ramme.missing_months', { months: (q.months_missing || []).join(', ') })) },
  ], r.quarters, { exportUrl: `/api/economy/ramme?year=${year}`, label: t('ramme.chart_heading_spend') });
  renderTable(el.querySelector('#offset'), [
    { key: 'period', label: t('ramme.col_period'), type: 'int' }, { key: 'from', label: t('col.from'), type: 'date' },
    { key: 'to', label: t('col.to'), type: 'date' }, { key: 'amount_ore', label: t('ramme.col_offset'), type: 'kr' },
  ], r.offset_plan || [], { caption: r.offset_ore === null ? t('ramme.offset_incomplete') : t('ramme.offset_total', { amount: kr(r.offset_ore) }), empty: t('ramme.no_offset'), label: t('ramme.offset_heading') });
  renderTable(el.querySelector('#lto'), [
    { key: 'date', label: t('col.date'), type: 'date' }, { key: 'capacities', label: t('ramme.col_capacities'), type: 'int' },
    { key: 'additional', label: t('ramme.col_additional'), type: 'int' }, { key: 'amount_ore', label: t('ramme.col_lto_amount'), type: 'kr' },
    { key: 'change_ore', label: t('ramme.col_change'), type: 'kr' },
  ], r.lto_ledger || [], { label: t('ramme.lto_heading') });
}
