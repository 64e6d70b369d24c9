// Oversigt (#/oversigt): the year's spend per month, line counts, and for RLTN and
// PLO the one ramme figure of the ramme statement (pages/ramme.js). Spend and the
// ramme share one axis, and only when the spend is large enough to be seen on it.
import { t } from '../i18n.js';
import { api } from '../api.js';
import { kr, mioKr, int, monthDa } from '../format.js';
import { renderTable, esc } from '../table.js';
import { makeChart, krTick, krTooltip, COLORS } from '../charts.js';
import { DRAW_RAMME_MIN_PPM, shareOfRamme, shareText } from './ramme.js';

export async function pageOverview({ main, params, qs, me, charts, setTitle }) {
  const p = params();
  const ov = await api('/api/overview' + qs({ year: p.year }));
  const year = ov.year;
  let r = null;
  if (me.permissions.ramme) r = await api(`/api/economy/ramme?year=${encodeURIComponent(year)}`).catch(() => null);
  setTitle(t('overview.title', { year }));
  const tot = ov.totals;
  const months = ov.rows.length;
  const ramme = r && r.ramme_ore !== null && r.ramme_ore !== undefined ? r.ramme_ore : null;
  // The ramme for the months shown, and the spend's share of it.
  const rammePeriod = ramme !== null ? Math.round((ramme * months) / 12) : null;
  const share = ramme !== null ? shareOfRamme(tot.spend_ore, rammePeriod) : null;
  const drawRamme = share !== null && share >= DRAW_RAMME_MIN_PPM;
  main.innerHTML = `<h1>${esc(t('overview.heading', { year }))}</h1>
    <div class="cards">
      <div class="card"><div class="k">${esc(t('overview.spend_total'))}</div><div class="v"><a id="total-link" href="#/klinikker" title="${esc(t('overview.total_link'))}"><span id="total-spend">${kr(tot.spend_ore)}</span></a></div>
        <div class="k"><a href="#/klinikker">${esc(t('overview.total_link'))}</a></div></div>
      <div class="card"><div class="k">${esc(t('overview.accepted'))}</div><div class="v">${int(tot.accepted)}</div></div>
      <div class="card"><div class="k">${esc(t('overview.rejected'))}</div><div class="v"><a href="#/afvisninger">${int(tot.rejected)}</a></div></div>
      <div class="card"><div class="k">${esc(t('overview.review'))}</div><div class="v">${int(tot.review)}</div></div>
      ${ramme !== null ? `<div class="card"><div class="k">${esc(t('overview.ramme', { year }))}</div><div class="v" id="ramme-figure">${mioKr(ramme)}</div>
        <div class="k"><a href="#/oekonomi">${esc(t('overview.ramme_how'))}</a></div></div>
      <div class="card"><div class="k">${esc(t('overview.share'))}</div><div class="v" id="ramme-share">${esc(shareText(share))}</div>
        <div class="k">${esc(t('overview.share_of', { ramme: mioKr(rammePeriod), months: int(months) }))}</div></div>` : ''}
    </div>
    ${ramme !== null && !drawRamme ? `<p class="notice" id="ramme-scale-note">${esc(t('overview.scale_note', { share: shareText(share), month: mioKr(Math.round(ramme / 12)) }))}</p>` : ''}
    <div class="panel"><h2>${esc(drawRamme ? t('overview.chart_spend_ramme') : t('overview.chart_spend'))}</h2><p class="muted small">${esc(t('overview.chart_click'))}</p><div class="chart-box"><canvas id="spend-chart" role="img" aria-label="${esc(t('overview.chart_spend'))}"></canvas></div></div>
    <div class="panel"><h2>${esc(t('overview.chart_counts'))}</h2><div class="chart-box"><canvas id="count-chart" role="img" aria-label="${esc(t('overview.chart_counts'))}"></canvas></div></div>
    <div id="months"></div>`;
  const labels = ov.rows.map((x) => monthDa(x.month));
  const datasets = [{ type: 'bar', label: t('overview.ds_spend'), data: ov.rows.map((x) => x.spend_ore / 100), backgroundColor: COLORS.spend }];
  if (drawRamme) datasets.push({ type: 'line', label: t('overview.ds_ramme_month'), data: ov.rows.map(() => ramme / 1200), borderColor: COLORS.ramme, pointRadius: 0 });
  // A bar opens what is behind it: a month's spend its postings, a month's line count its lines.
  const clickable = (to) => ({
    onClick: (e, els) => { const h = els.length ? to(els[0]) : null; if (h) location.hash = h; },
    onHover: (e, els) => { if (e.native?.target) e.native.target.style.cursor = els.length && to(els[0]) ? 'pointer' : 'default'; },
  });
  makeChart(charts, document.getElementById('spend-chart'), {
    data: { labels, datasets },
    options: { scales: { y: { beginAtZero: true, ticks: { callback: krTick }, title: { display: true, text: t('chart.axis_kr') } } }, plugins: { tooltip: krTooltip() },
      ...clickable((el) => (el.datasetIndex === 0 ? `#/posteringer${qs({ month: ov.rows[el.index].month })}` : null)) },
  });
  const STATUS = ['accepted', 'rejected', 'review'];
  makeChart(charts, document.getElementById('count-chart'), {
    type: 'bar',
    data: { labels, datasets: [
      { label: t('overview.ds_accepted'), data: ov.rows.map((x) => x.accepted), backgroundColor: COLORS.ok },
      { label: t('overview.ds_rejected'), data: ov.rows.map((x) => x.rejected), backgroundColor: COLORS.bad },
      { label: t('overview.ds_review'), data: ov.rows.map((x) => x.review), backgroundColor: COLORS.warn }] },
    options: { scales: { x: { stacked: true }, y: { stacked: true, ticks: { callback: (v) => int(v) } } },
      ...clickable((el) => (me.permissions.lines ? `#/linjer${qs({ month: ov.rows[el.index].month, status: STATUS[el.datasetIndex] })}` : null)) },
  });
  renderTable(document.getElementById('months'), [
    { key: 'month', label: t('col.month'), type: 'month' },
    { key: 'spend_ore', label: t('col.paid'), type: 'kr', link: (x) => `#/posteringer${qs({ month: x.month })}` },
    { key: 'lines_amount_ore', label: t('overview.col_services'), type: 'kr' },
    { key: 'accepted', label: t('col.accepted'), type: 'int', link: (x) => (me.permissions.lines ? `#/linjer${qs({ month: x.month, status: 'accepted' })}` : null) },
    { key: 'rejected', label: t('col.rejected'), type: 'int', link: (x) => (me.permissions.lines ? `#/linjer${qs({ month: x.month, status: 'rejected' })}` : null) },
    { key: 'review', label: t('col.review'), type: 'int', link: (x) => (me.permissions.lines && x.review ? `#/linjer${qs({ month: x.month, status: 'review' })}` : null) },
  ], ov.rows, { exportUrl: '/api/overview' + qs({ year }), caption: t('overview.months_caption'), label: t('overview.months_caption') });
}
