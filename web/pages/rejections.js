// Afvisninger (#/afvisninger?month=): rejected and review lines by rule; the chart
// labels are the rules' Danish names (the id is beside them in the table).
import { t } from '../i18n.js';
import { api } from '../api.js';
import { int } from '../format.js';
import { renderTable, esc } from '../table.js';
import { makeChart, COLORS } from '../charts.js';
import { ruleHtml, ruleName } from '../rules.js';

export async function pageRejections({ main, params, qs, me, charts }) {
  const p = params();
  const tb = await api('/api/rejections' + qs({ month: p.month }));
  main.innerHTML = `<h1>${esc(t('rejections.heading'))}</h1>
    <div class="panel"><div class="chart-box" id="rej-box"><canvas id="rej-chart" role="img" aria-label="${esc(t('rejections.chart'))}"></canvas></div></div><div id="t"></div>`;
  if (tb.rows.length) {
    document.getElementById('rej-box').style.height = `${Math.max(240, tb.rows.length * 28 + 60)}px`;
    makeChart(charts, document.getElementById('rej-chart'), {
      type: 'bar',
      data: { labels: tb.rows.map((r) => ruleName(r.rule)), datasets: [{ label: t('rejections.ds_lines'), data: tb.rows.map((r) => r.lines), backgroundColor: tb.rows.map((r) => (r.status === 'rejected' ? COLORS.bad : COLORS.warn)) }] },
      options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { ticks: { callback: (v) => int(v) } }, y: { ticks: { autoSkip: false } } } },
    });
  }
  renderTable(document.getElementById('t'), [
    { key: 'status', label: t('col.status'), type: 'status' },
    { key: 'rule', label: t('col.rule'), html: (r) => ruleHtml(r.rule), sort: (r) => ruleName(r.rule), link: (r) => (me.permissions.lines ? `#/linjer${qs({ rule: r.rule, status: r.status, month: p.month })}` : null) },
    { key: 'lines', label: t('col.lines'), type: 'int' },
    { key: 'providers', label: t('col.clinics'), type: 'int' },
    { key: 'reason', label: t('rejections.col_reason') },
  ], tb.rows, { exportUrl: '/api/rejections' + qs({ month: p.month }), empty: t('rejections.empty'), label: t('rejections.heading') });
}
