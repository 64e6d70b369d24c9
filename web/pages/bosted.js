// Bostedslæger (#/bostedslaeger?date=&by=): coverage of botilbud with a fixed
// doctor, as a map of Denmark by municipality and as tables; the honoraria
// against the pace of the pot, with a pace warning styled as a warning.
import { t } from '../i18n.js';
import { api } from '../api.js';
import { kr, mioKr, int, dateDa, dateInput, monthDa, pctPpm, parseDateDa } from '../format.js';
import { renderTable, esc } from '../table.js';
import { makeChart, krTick, krTooltip, COLORS } from '../charts.js';
import { renderCoverageMap } from './bosted-map.js';

export const BY = ['municipality', 'region', 'paragraph', 'operator', 'size'];
export const REPORTS = ['q4-regional', 'halfway', 'end'];
const pct = (ppm) => pctPpm(ppm, 1);

export function coverageColumns(keyLabel) {
  return [
    { key: 'label', label: keyLabel },
    { key: 'botilbud', label: t('bosted.col_botilbud'), type: 'int' },
    { key: 'botilbud_covered', label: t('bosted.col_covered'), type: 'int' },
    { key: 'coverage_ppm', label: t('bosted.col_coverage'), type: 'int', html: (r) => esc(pct(r.coverage_ppm)) },
    { key: 'places', label: t('botilbud.col_places'), type: 'int' },
    { key: 'places_covered', label: t('bosted.col_places_covered'), type: 'int' },
    { key: 'places_coverage_ppm', label: t('bosted.col_places_coverage'), type: 'int', html: (r) => esc(pct(r.places_coverage_ppm)) },
    { key: 'sections', label: t('bosted.col_sections'), type: 'int' },
    { key: 'attachments', label: t('bosted.col_attachments'), type: 'int' },
  ];
}

export async function pageBostedCoverage({ main, params, qs, charts }) {
  const p = params();
  const by = BY.includes(p.by) ? p.by : 'municipality';
  let date = new Date().toISOString().slice(0, 10);
  try { if (p.date) date = parseDateDa(p.date); } catch { /* the default date */ }
  const c = await api('/api/bosted/coverage' + qs({ date, by }));
  const tg = c.target_group, s = c.spend, tot = c.total;
  const byLabel = t(`bosted.by_${by}`);
  const pace = s.pace_ore !== null && s.pace_ore !== undefined;
  main.innerHTML = `<h1>${esc(t('bosted.heading'))}</h1>
    <form class="toolbar" id="b-form">
      <div class="field inline"><label for="b-date">${esc(t('bosted.as_of'))}</label><input id="b-date" inputmode="numeric" value="${esc(dateInput(date))}" placeholder="${esc(t('form.date_placeholder'))}" aria-describedby="b-date-err" size="11"><span class="field-error" id="b-date-err"></span></div>
      <div class="field inline"><label for="b-by">${esc(t('bosted.by'))}</label><select id="b-by">${BY.map((k) => `<option value="${k}" ${k === by ? 'selected' : ''}>${esc(t(`bosted.by_${k}`))}</option>`).join('')}</select></div>
      <button type="submit">${esc(t('bosted.show'))}</button>
      <span class="spacer"></span>
      ${REPORTS.map((k) => `<a class="button" href="#/bostedsrapport${qs({ kind: k })}">${esc(t(`bosted.report_${k}`))}</a>`).join('')}</form>
    <div class="cards">
      <div class="card"><div class="k">${esc(t('bosted.card_covered'))}</div><div class="v" id="b-covered">${esc(t('bosted.n_of_m', { n: int(tot.botilbud_covered), m: int(tot.botilbud) }))}</div><div class="k">${esc(t('bosted.card_covered_sub', { pct: pct(tot.coverage_ppm), places: pct(tot.places_coverage_ppm) }))}</div></div>
      <div class="card"><div class="k">${esc(t('bosted.card_target'))}</div><div class="v" id="b-target">${esc(tg.target_botilbud !== null ? t('bosted.n_of_target', { n: int(tg.total.botilbud_covered), m: int(tg.target_botilbud) }) : t('bosted.n_of_m', { n: int(tg.total.botilbud_covered), m: int(tg.total.botilbud) }))}</div><div class="k">${esc(tg.target_botilbud !== null ? t('bosted.target_progress', { progress: tg.target_progress_da }) : t('bosted.target_national'))}</div></div>
      <div class="card"><div class="k">${esc(t('bosted.card_zero'))}</div><div class="v" id="b-zero">${int(tg.municipalities_at_zero.length)}</div><div class="k">${esc(t('bosted.card_zero_sub', { n: int(tg.municipalities_with_target_group) }))}</div></div>
      <div class="card${s.sizing_problem ? ' warn' : ''}"><div class="k">${esc(t('bosted.card_spend', { year: s.from_month.slice(0, 4), month: monthDa(s.to_month) }))}</div><div class="v" id="b-spend">${kr(s.spend_ore)}</div><div class="k">${esc(pace ? t('bosted.card_pace', { pace: kr(s.pace_ore), vs: s.spend_vs_pace_da }) : t('bosted.pot_national'))}</div></div>
    </div>
    ${s.message_da ? `<p class="${s.sizing_problem ? 'warning' : 'muted'}" id="b-pace-msg"${s.sizing_problem ? ' role="status"' : ''}>${s.sizing_problem ? `<strong>${esc(t('bosted.pace_warning'))}</strong> ` : ''}${esc(s.message_da)}${s.run_rate_above_pot ? ' ' + esc(t('bosted.run_rate', { amount: mioKr(s.run_rate_annual_ore, 2) })) : ''}</p>` : ''}
    ${by === 'municipality' ? `<div class="panel"><h2>${esc(t('bosted.map_heading'))}</h2><div id="b-map-box"></div></div>` : ''}
    <div class="panel"><h2>${esc(t('bosted.chart_heading', { by: byLabel.toLowerCase() }))}</h2><div class="chart-box tall" id="b-chart-box"><canvas id="b-chart" role="img" aria-label="${esc(t('bosted.chart_heading', { by: byLabel.toLowerCase() }))}"></canvas></div></div>
    <div id="b-table"></div>
    <h2>${esc(t('bosted.zero_heading'))}</h2><div id="b-zero-table"></div>
    <h2>${esc(t('bosted.spend_heading'))}</h2><div class="panel"><div class="chart-box"><canvas id="b-spend-chart" role="img" aria-label="${esc(t('bosted.spend_heading'))}"></canvas></div></div><div id="b-months"></div>`;
  document.getElementById('b-form').onsubmit = (e) => {
    e.preventDefault();
    const input = document.getElementById('b-date');
    try {
      const d = parseDateDa(input.value);
      location.hash = '#/bostedslaeger' + qs({ date: d, by: document.getElementById('b-by').value });
    } catch (err) {
      document.getElementById('b-date-err').textContent = err.message;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  };
  if (by === 'municipality') await renderCoverageMap(document.getElementById('b-map-box'), c.rows, tg.municipalities_at_zero.map((m) => m.municipality_code));
  const rows = c.rows.slice().sort((a, b) => b.coverage_ppm - a.coverage_ppm || b.botilbud - a.botilbud);
  if (rows.length) {
    document.getElementById('b-chart-box').style.height = `${Math.max(240, rows.length * 16 + 60)}px`;
    makeChart(charts, document.getElementById('b-chart'), {
      type: 'bar',
      data: { labels: rows.map((r) => r.label), datasets: [
        { label: t('bosted.ds_with'), data: rows.map((r) => r.botilbud_covered), backgroundColor: COLORS.ok },
        { label: t('bosted.ds_without'), data: rows.map((r) => r.botilbud - r.botilbud_covered), backgroundColor: COLORS.grey }] },
      options: { indexAxis: 'y', scales: { x: { stacked: true, ticks: { callback: (v) => int(v) } }, y: { stacked: true, ticks: { autoSkip: false } } },
        plugins: { tooltip: { callbacks: { afterBody: (items) => t('bosted.tooltip_coverage', { pct: pct(rows[items[0].dataIndex].coverage_ppm) }) } } } },
    });
  }
  const hasPace = s.months[0] && s.months[0].pace_cumulative_ore !== undefined;
  makeChart(charts, document.getElementById('b-spend-chart'), {
    data: { labels: s.months.map((m) => monthDa(m.month)), datasets: [
      { type: 'bar', label: t('bosted.ds_spend'), data: s.months.map((m) => m.cumulative_ore / 100), backgroundColor: COLORS.spend },
      ...(hasPace ? [{ type: 'line', label: t('bosted.ds_pace'), data: s.months.map((m) => m.pace_cumulative_ore / 100), borderColor: COLORS.forecast, pointRadius: 0 }] : [])] },
    options: { scales: { y: { beginAtZero: true, ticks: { callback: krTick } } }, plugins: { tooltip: krTooltip() } },
  });
  renderTable(document.getElementById('b-table'), coverageColumns(byLabel), [...c.rows, { ...tot, pinned: true }],
    { exportUrl: '/api/bosted/coverage' + qs({ date, by }), caption: t('bosted.as_of_caption', { date: dateDa(c.date) }), pinned: (r) => r.pinned, filter: by === 'municipality', label: t('bosted.chart_heading', { by: byLabel.toLowerCase() }) });
  renderTable(document.getElementById('b-zero-table'), [
    { key: 'name', label: t('col.municipality') }, { key: 'municipality_code', label: t('bosted.col_code') }, { key: 'region_name', label: t('col.region') },
    { key: 'botilbud', label: t('bosted.col_target_botilbud'), type: 'int' }, { key: 'places', label: t('botilbud.col_places'), type: 'int' },
  ], tg.municipalities_at_zero, { exportUrl: '/api/bosted/zero' + qs({ date }), empty: t('bosted.zero_none'), label: t('bosted.zero_heading') });
  renderTable(document.getElementById('b-months'), [
    { key: 'month', label: t('col.month'), type: 'month' }, { key: 'attachments', label: t('bosted.col_attachments'), type: 'int' },
    { key: 'amount_ore', label: t('bosted.col_honoraria'), type: 'kr' }, { key: 'cumulative_ore', label: t('bosted.col_cumulative'), type: 'kr' },
    { key: 'pace_cumulative_ore', label: t('bosted.col_pace'), type: 'kr' },
  ], s.months, { label: t('bosted.spend_heading') });
}
