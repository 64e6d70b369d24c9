// Printable follow-up reports of the bostedslæge note (#/bostedsrapport?kind=&date=).
import { t } from '../i18n.js';
import { api } from '../api.js';
import { kr, int, monthDa, pctPpm, dateInput, parseDateDa } from '../format.js';
import { renderTable, esc, exportButtons, exportColumns } from '../table.js';
import { coverageColumns, REPORTS } from './bosted.js';

let seq = 0;
function reportTable(title, rows, keyLabel) {
  const id = `rep${++seq}`;
  return { html: `<h3>${esc(title)}</h3><div id="${id}"></div>`, draw: () => renderTable(document.getElementById(id), coverageColumns(keyLabel), rows, { label: title }) };
}
const pct = (ppm) => pctPpm(ppm, 1);

export async function pageBostedReport({ main, params, qs, setTitle }) {
  const p = params();
  const kind = REPORTS.includes(p.kind) ? p.kind : 'q4-regional';
  const r = await api(`/api/bosted/reports/${kind}` + qs({ date: p.date }));
  setTitle(t(`bosted.report_${kind}`));
  const parts = [];
  const tg = r.target_group;
  parts.push(reportTable(t('report.by_paragraph'), r.coverage.by_paragraph, t('bosted.by_paragraph')));
  parts.push(reportTable(t('report.by_operator'), r.coverage.by_operator, t('bosted.by_operator')));
  parts.push(reportTable(t('report.by_size'), r.coverage.by_size, t('bosted.by_size')));
  if (r.regions) {
    for (const reg of r.regions) {
      const zero = reg.target_group.municipalities_at_zero.map((m) => m.name).join(', ') || t('report.none');
      parts.push({ html: `<h2 class="page-break">${esc(reg.region_name)}</h2><p>${esc(t('report.region_text', { covered: int(reg.total.botilbud_covered), total: int(reg.total.botilbud), pct: pct(reg.total.coverage_ppm), tcovered: int(reg.target_group.total.botilbud_covered), ttotal: int(reg.target_group.total.botilbud), zero }))}</p>`, draw: () => {} });
      parts.push(reportTable(t('report.region_municipalities', { region: reg.region_name }), reg.by_municipality, t('bosted.by_municipality')));
      parts.push(reportTable(t('report.region_paragraph', { region: reg.region_name }), reg.by_paragraph, t('bosted.by_paragraph')));
    }
  } else {
    parts.push({ html: `<h2 class="page-break">${esc(r.municipal.reporter_da)}</h2>`, draw: () => {} });
    parts.push(reportTable(t('report.municipal'), r.municipal.by_municipality, t('bosted.by_municipality')));
    parts.push({ html: `<h2 class="page-break">${esc(r.regional.reporter_da)}</h2>`, draw: () => {} });
    parts.push(reportTable(t('report.regional'), r.regional.by_region, t('bosted.by_region')));
    parts.push({ html: `<h2 class="page-break">${esc(r.private.reporter_da)}</h2>`, draw: () => {} });
    parts.push(reportTable(t('report.private'), r.private.by_region, t('bosted.by_region')));
  }
  const cov = r.coverage.total;
  const sp = r.spend;
  const pace = sp.pace_ore !== null && sp.pace_ore !== undefined;
  main.innerHTML = `<form class="toolbar no-print" id="r-form"><a class="button" href="#/bostedslaeger">${esc(t('report.back'))}</a>
      <div class="field inline"><label for="r-date">${esc(t('bosted.as_of'))}</label><input id="r-date" inputmode="numeric" size="11" value="${esc(dateInput(r.date))}" aria-describedby="r-date-err"><span class="field-error" id="r-date-err"></span></div>
      <button type="submit">${esc(t('bosted.show'))}</button><span class="spacer"></span>
      <button type="button" id="r-print">${esc(t('report.print'))}</button>${exportButtons(`/api/bosted/reports/${kind}` + qs({ date: p.date }), exportColumns(coverageColumns(t('bosted.by')), r.coverage.by_paragraph), t(`bosted.report_${kind}`))}</form>
    <article class="report" id="bosted-report"><h1>${esc(r.title_da)}</h1>
    <p class="muted">${esc(t('report.intro', { date: r.date_da }))}</p>
    <p>${esc(t('report.summary', { covered: int(cov.botilbud_covered), total: int(cov.botilbud), pct: pct(cov.coverage_ppm), pcovered: int(cov.places_covered), places: int(cov.places) }))}
    ${esc(t('report.target', { covered: int(tg.total.botilbud_covered), total: int(tg.total.botilbud) }))}${tg.target_botilbud !== null ? ' ' + esc(t('report.target_goal', { goal: int(tg.target_botilbud), progress: tg.target_progress_da })) : ''}
    ${esc(t('report.zero', { n: int(tg.municipalities_at_zero.length), m: int(tg.municipalities_with_target_group) }))}${tg.municipalities_at_zero.length ? ': ' + esc(tg.municipalities_at_zero.map((m) => m.name).join(', ')) : ''}.
    ${esc(t('report.spend', { year: sp.from_month.slice(0, 4), month: monthDa(sp.to_month), amount: kr(sp.spend_ore) }))}${pace ? ' ' + esc(t('report.pace', { pace: kr(sp.pace_ore) })) : ''}${pace && sp.sizing_problem ? ` <strong>${esc(t('report.pace_over'))}</strong>` : ''}</p>
    ${parts.map((x) => x.html).join('')}</article>`;
  parts.forEach((x) => x.draw());
  document.getElementById('r-print').onclick = () => window.print();
  document.getElementById('r-form').onsubmit = (e) => {
    e.preventDefault();
    try {
      location.hash = '#/bostedsrapport' + qs({ kind, date: parseDateDa(document.getElementById('r-date').value) });
    } catch (err) { document.getElementById('r-date-err').textContent = err.message; }
  };
}
