// Bostedslæger (faste læger på botilbud): coverage follow-up and the note's reports.
// Pages: #/bostedslaeger (dækning) and #/bostedsrapport?kind=q4-regional|halfway|end (printable).
import { kr, mioKr, int, dateDa, monthDa } from './format.js';
import { renderTable, esc, exportButtons } from './table.js';

const BY_DA = { municipality: 'Kommune', region: 'Region', paragraph: 'Paragraf', operator: 'Driftsform', size: 'Størrelse' };
const REPORTS_DA = {
  'q4-regional': 'Regional opfølgning 4. kvartal 2025',
  halfway: 'Halvvejsopfølgning (kommuner og regioner)',
  end: 'Opfølgning ved aftaleperiodens udgang',
};

function pct(ppm) {
  const tenths = Math.round(Number(ppm) / 1000);
  return `${int(Math.trunc(tenths / 10))},${Math.abs(tenths % 10)} %`;
}

function coverageColumns(keyLabel) {
  return [
    { key: 'label', label: keyLabel },
    { key: 'botilbud', label: 'Botilbud', type: 'int' },
    { key: 'botilbud_covered', label: 'Med fast læge', type: 'int' },
    { key: 'coverage_ppm', label: 'Dækning', type: 'int', html: (r) => pct(r.coverage_ppm) },
    { key: 'places', label: 'Pladser', type: 'int' },
    { key: 'places_covered', label: 'Pladser dækket', type: 'int' },
    { key: 'places_coverage_ppm', label: 'Pladsdækning', type: 'int', html: (r) => pct(r.places_coverage_ppm) },
    { key: 'sections', label: 'Afsnit', type: 'int' },
    { key: 'attachments', label: 'Tilknytninger', type: 'int' },
  ];
}

export async function pageBostedCoverage({ main, api, params, qs, charts }) {
  const p = params();
  const by = BY_DA[p.by] ? p.by : 'municipality';
  const date = p.date || new Date().toISOString().slice(0, 10);
  const c = await api('/api/bosted/coverage' + qs({ date, by }));
  const tg = c.target_group, s = c.spend, t = c.total;
  main.innerHTML = `<h1>Faste læger på botilbud</h1>
    <div class="toolbar"><label>Opgjort pr. <input type="date" id="b-date" value="${esc(date)}"></label>
      <label>Fordelt på <select id="b-by">${Object.entries(BY_DA).map(([k, v]) => `<option value="${k}" ${k === by ? 'selected' : ''}>${v}</option>`).join('')}</select></label>
      <span class="spacer"></span>
      ${Object.entries(REPORTS_DA).map(([k, v]) => `<a class="button" href="#/bostedsrapport${qs({ kind: k })}">${esc(v)}</a>`).join('')}</div>
    <div class="cards">
      <div class="card"><div class="k">Botilbud med fast læge</div><div class="v" id="b-covered">${int(t.botilbud_covered)} af ${int(t.botilbud)}</div><div class="k">${pct(t.coverage_ppm)} · pladser ${pct(t.places_coverage_ppm)}</div></div>
      <div class="card"><div class="k">Målgruppen (SEL § 108 og ABL § 105)</div><div class="v" id="b-target">${int(tg.total.botilbud_covered)}${tg.target_botilbud !== null ? ` af mål ${int(tg.target_botilbud)}` : ` af ${int(tg.total.botilbud)}`}</div><div class="k">${tg.target_botilbud !== null ? `${esc(tg.target_progress_da)} af målet` : 'Målet på 250 er nationalt'}</div></div>
      <div class="card"><div class="k">Kommuner med målgruppebotilbud uden fast læge</div><div class="v" id="b-zero">${int(tg.municipalities_at_zero.length)}</div><div class="k">af ${int(tg.municipalities_with_target_group)} kommuner med målgruppebotilbud</div></div>
      <div class="card ${s.sizing_problem ? 'warn' : ''}"><div class="k">Honorarer ${esc(s.from_month.slice(0, 4))} (til og med ${esc(monthDa(s.to_month))})</div><div class="v" id="b-spend">${kr(s.spend_ore)}</div><div class="k">${s.pace_ore !== null && s.pace_ore !== undefined ? `Tempo: ${kr(s.pace_ore)} (${esc(s.spend_vs_pace_da)}) af 6,3 mio. kr./år` : 'Puljen er national'}</div></div>
    </div>
    ${s.message_da ? `<p class="${s.sizing_problem ? 'error' : 'muted'}" id="b-pace-msg">${esc(s.message_da)}${s.run_rate_above_pot ? ' Den seneste måned × 12 (' + esc(mioKr(s.run_rate_annual_ore, 2)) + ') ligger over den årlige pulje.' : ''}</p>` : ''}
    <div class="panel"><h2>Dækning pr. ${esc(BY_DA[by].toLowerCase())} (sorteret)</h2><div class="chart-box tall"><canvas id="b-chart"></canvas></div></div>
    <div id="b-table"></div>
    <h2>Kommuner med målgruppebotilbud, men ingen fast læge</h2><div id="b-zero-table"></div>
    <h2>Honorarer pr. måned mod tempoet</h2><div class="panel"><div class="chart-box"><canvas id="b-spend-chart"></canvas></div></div><div id="b-months"></div>`;
  document.getElementById('b-date').onchange = (e) => { location.hash = '#/bostedslaeger' + qs({ date: e.target.value, by }); };
  document.getElementById('b-by').onchange = (e) => { location.hash = '#/bostedslaeger' + qs({ date, by: e.target.value }); };
  const rows = c.rows.slice().sort((a, b) => b.coverage_ppm - a.coverage_ppm || b.botilbud - a.botilbud);
  if (window.Chart && rows.length) {
    const box = document.getElementById('b-chart').parentElement;
    box.style.height = `${Math.max(240, rows.length * 16 + 60)}px`;
    charts.push(new Chart(document.getElementById('b-chart'), {
      type: 'bar',
      data: { labels: rows.map((r) => r.label), datasets: [
        { label: 'Botilbud med fast læge', data: rows.map((r) => r.botilbud_covered), backgroundColor: '#1e6b34' },
        { label: 'Botilbud uden', data: rows.map((r) => r.botilbud - r.botilbud_covered), backgroundColor: '#c9d3dc' }] },
      options: { indexAxis: 'y', maintainAspectRatio: false, animation: false, scales: { x: { stacked: true }, y: { stacked: true, ticks: { autoSkip: false } } },
        plugins: { tooltip: { callbacks: { afterBody: (items) => `Dækning: ${pct(rows[items[0].dataIndex].coverage_ppm)}` } } } },
    }));
    charts.push(new Chart(document.getElementById('b-spend-chart'), {
      data: { labels: s.months.map((m) => monthDa(m.month)), datasets: [
        { type: 'bar', label: 'Honorarer, akkumuleret (kr.)', data: s.months.map((m) => m.cumulative_ore / 100), backgroundColor: '#2f7fb8' },
        ...(s.months[0] && s.months[0].pace_cumulative_ore !== undefined ? [{ type: 'line', label: 'Tempo 6,3 mio. kr./år (kr.)', data: s.months.map((m) => m.pace_cumulative_ore / 100), borderColor: '#b3261e', pointRadius: 0 }] : [])] },
      options: { maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true } } },
    }));
  }
  renderTable(document.getElementById('b-table'), coverageColumns(BY_DA[by]), [...c.rows, t],
    { exportUrl: '/api/bosted/coverage' + qs({ date, by }), caption: `Opgjort pr. ${dateDa(c.date)}` });
  renderTable(document.getElementById('b-zero-table'), [
    { key: 'name', label: 'Kommune' }, { key: 'municipality_code', label: 'Kode' }, { key: 'region_name', label: 'Region' },
    { key: 'botilbud', label: 'Målgruppebotilbud', type: 'int' }, { key: 'places', label: 'Pladser', type: 'int' },
  ], tg.municipalities_at_zero, { exportUrl: '/api/bosted/zero' + qs({ date }), empty: 'Alle kommuner med målgruppebotilbud har mindst ét botilbud med fast læge.' });
  renderTable(document.getElementById('b-months'), [
    { key: 'month', label: 'Måned', type: 'month' }, { key: 'attachments', label: 'Tilknytninger', type: 'int' },
    { key: 'amount_ore', label: 'Honorarer', type: 'kr' }, { key: 'cumulative_ore', label: 'Akkumuleret', type: 'kr' },
    { key: 'pace_cumulative_ore', label: 'Tempo (akkumuleret)', type: 'kr' },
  ], s.months, {});
}

function reportTable(title, rows, keyLabel) {
  const id = 'r' + Math.random().toString(36).slice(2);
  return { html: `<h3>${esc(title)}</h3><div id="${id}"></div>`, draw: () => renderTable(document.getElementById(id), coverageColumns(keyLabel), rows, {}) };
}

export async function pageBostedReport({ main, api, params, qs }) {
  const p = params();
  const kind = REPORTS_DA[p.kind] ? p.kind : 'q4-regional';
  const r = await api(`/api/bosted/reports/${kind}` + qs({ date: p.date }));
  const parts = [];
  const tg = r.target_group;
  parts.push(reportTable('Dækning efter paragraf', r.coverage.by_paragraph, 'Paragraf'));
  parts.push(reportTable('Dækning efter driftsform', r.coverage.by_operator, 'Driftsform'));
  parts.push(reportTable('Dækning efter størrelse', r.coverage.by_size, 'Størrelse'));
  if (r.regions) {
    for (const reg of r.regions) {
      parts.push({ html: `<h2 class="page-break">${esc(reg.region_name)}</h2><p>${int(reg.total.botilbud_covered)} af ${int(reg.total.botilbud)} botilbud har fast læge (${pct(reg.total.coverage_ppm)}); målgruppen: ${int(reg.target_group.total.botilbud_covered)} af ${int(reg.target_group.total.botilbud)}. Kommuner med målgruppebotilbud uden fast læge: ${reg.target_group.municipalities_at_zero.map((m) => esc(m.name)).join(', ') || 'ingen'}.</p>`, draw: () => {} });
      parts.push(reportTable(`${reg.region_name}: kommuner`, reg.by_municipality, 'Kommune'));
      parts.push(reportTable(`${reg.region_name}: paragraf`, reg.by_paragraph, 'Paragraf'));
    }
  } else {
    parts.push({ html: `<h2 class="page-break">${esc(r.municipal.reporter_da)}</h2>`, draw: () => {} });
    parts.push(reportTable('Kommunale botilbud pr. kommune', r.municipal.by_municipality, 'Kommune'));
    parts.push({ html: `<h2 class="page-break">${esc(r.regional.reporter_da)}</h2>`, draw: () => {} });
    parts.push(reportTable('Regionale botilbud pr. region', r.regional.by_region, 'Region'));
    parts.push({ html: `<h2 class="page-break">${esc(r.private.reporter_da)}</h2>`, draw: () => {} });
    parts.push(reportTable('Private og selvejende botilbud pr. region', r.private.by_region, 'Region'));
  }
  main.innerHTML = `<div class="toolbar no-print"><a class="button" href="#/bostedslaeger">Tilbage</a>
      <label>Opgjort pr. <input type="date" id="r-date" value="${esc(r.date)}"></label><span class="spacer"></span>
      <button id="r-print">Udskriv</button>${exportButtons(`/api/bosted/reports/${kind}` + qs({ date: p.date }))}</div>
    <article class="report" id="bosted-report"><h1>${esc(r.title_da)}</h1>
    <p class="muted">Faste læger på botilbud (OK25 afsnit 2 og Bilag 2; notat januar 2025). Opgjort pr. ${esc(r.date_da)}.</p>
    <p>${int(r.coverage.total.botilbud_covered)} af ${int(r.coverage.total.botilbud)} botilbud har en fast tilknyttet læge (${pct(r.coverage.total.coverage_ppm)}), svarende til ${int(r.coverage.total.places_covered)} af ${int(r.coverage.total.places)} pladser.
    I målgruppen (SEL § 108 og ABL § 105) har ${int(tg.total.botilbud_covered)} af ${int(tg.total.botilbud)} botilbud fast læge${tg.target_botilbud !== null ? ` – målet er mindst ${int(tg.target_botilbud)} (${esc(tg.target_progress_da)})` : ''}.
    ${int(tg.municipalities_at_zero.length)} af ${int(tg.municipalities_with_target_group)} kommuner med målgruppebotilbud har endnu ingen fast læge${tg.municipalities_at_zero.length ? ': ' + tg.municipalities_at_zero.map((m) => esc(m.name)).join(', ') : ''}.
    Honorarer ${esc(r.spend.from_month.slice(0, 4))} til og med ${esc(monthDa(r.spend.to_month))}: ${kr(r.spend.spend_ore)}${r.spend.pace_ore !== null && r.spend.pace_ore !== undefined ? ` mod et tempo på ${kr(r.spend.pace_ore)}${r.spend.sizing_problem ? ' – <strong>over tempoet: følg op på dimensioneringen af beboere pr. læge</strong>' : ''}` : ''}.</p>
    ${parts.map((x) => x.html).join('')}</article>`;
  parts.forEach((x) => x.draw());
  document.getElementById('r-print').onclick = () => window.print();
  document.getElementById('r-date').onchange = (e) => { location.hash = '#/bostedsrapport' + qs({ kind, date: e.target.value }); };
}

// ---- Editing the register (municipality: its own botilbud; region: fixed doctors in its region; rltn) ----
// POST/PUT /api/bosted/botilbud and /api/bosted/attachments. A change never overwrites:
// it applies from a date, and the register keeps the earlier rows.
const PARAGRAPHS_DA = { SEL108: 'SEL § 108', ABL105: 'ABL § 105', SEL107: 'SEL § 107', BL43: 'Barnets Lov § 43', OPHOLDSSTED: 'Opholdssted', OTHER: 'Andet' };
const OPERATORS_DA = { municipal: 'kommunal', regional: 'regional', private: 'privat/selvejende' };
const opts = (o, empty) => (empty ? `<option value="">${esc(empty)}</option>` : '') + Object.entries(o).map(([k, v]) => `<option value="${k}">${esc(v)}</option>`).join('');

export function renderBostedEdit(el, { api, me, rows, reload }) {
  const editRegister = me.role === 'municipality' || me.role === 'rltn';
  const attach = editRegister || me.role === 'region';
  if (!attach) { el.innerHTML = ''; return; }
  const ids = [...new Set(rows.map((r) => r.botilbud_id))];
  const idOpts = ids.map((i) => `<option value="${esc(i)}">${esc(i)}</option>`).join('');
  const today = new Date().toISOString().slice(0, 10);
  el.innerHTML = `<h2>Ret registeret</h2>
    <p class="muted">Ændringer gælder fra en dato; tidligere oplysninger bevares (historik). Alle ændringer skrives i revisionsloggen.</p>
    <p id="be-msg" role="status"></p>
    ${editRegister ? `<form class="panel" id="be-new"><h3>Nyt botilbud</h3><div class="toolbar">
      <label>Id <input name="botilbud_id" required></label><label>Navn <input name="name" required></label>
      ${me.role === 'rltn' ? '<label>Kommunekode <input name="municipality_code" required pattern="\\d{3,4}"></label>' : ''}
      <label>Paragraf <select name="paragraph">${opts(PARAGRAPHS_DA)}</select></label>
      <label>Pladser <input name="places" type="number" min="0" required></label>
      <label>Driftsform <select name="operator">${opts(OPERATORS_DA)}</select></label>
      <label>Afsnit <input name="section" placeholder="(intet)"></label>
      <label>Beboere <input name="residents" type="number" min="0" required></label>
      <label>Gælder fra <input name="valid_from" type="date" value="${today}" required></label>
      <button type="submit">Opret</button></div></form>
    <form class="panel" id="be-change"><h3>Ændring fra en dato</h3><div class="toolbar">
      <label>Botilbud <select name="id">${idOpts}</select></label>
      <label>Gælder fra <input name="valid_from" type="date" value="${today}" required></label>
      <label>Pladser <input name="places" type="number" min="0" placeholder="uændret"></label>
      <label>Paragraf <select name="paragraph">${opts(PARAGRAPHS_DA, 'uændret')}</select></label>
      <label>Driftsform <select name="operator">${opts(OPERATORS_DA, 'uændret')}</select></label>
      <label>Afsnit <input name="section" placeholder="(intet)"></label>
      <label>Beboere i afsnittet <input name="residents" type="number" min="0" placeholder="uændret"></label>
      <label><input name="end" type="checkbox"> Afslut afsnittet</label>
      <button type="submit">Gem ændring</button></div></form>` : ''}
    <form class="panel" id="be-attach"><h3>Fast læge (tilknytning)</h3><div class="toolbar">
      <label>Botilbud <select name="botilbud_id">${idOpts}</select></label>
      <label>Afsnit <input name="section" placeholder="(intet)"></label>
      <label>Ydernummer <input name="provider" required pattern="\\d{6}"></label>
      <label>Læge-id (valgfri) <input name="doctor_id"></label>
      <label>Fra <input name="from_date" type="date" value="${today}" required></label>
      <label>Til (valgfri) <input name="to_date" type="date"></label>
      <label>Tilmeldte beboere <input name="listed_residents" type="number" min="0"></label>
      <button type="submit" name="op" value="attach">Tilknyt</button>
      <button type="submit" name="op" value="end">Afslut tilknytning (til-dato)</button></div></form>`;
  const msg = el.querySelector('#be-msg');
  const send = async (method, path, body) => {
    msg.className = ''; msg.textContent = 'Gemmer…';
    try {
      await api(path, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      await reload();
      const m2 = document.getElementById('be-msg');  // the page was drawn again
      if (m2) { m2.className = 'ok'; m2.textContent = 'Gemt.'; }
    } catch (err) { msg.className = 'error'; msg.textContent = `Afvist: ${err.message}`; }
  };
  const val = (f, n) => (f.elements[n] ? f.elements[n].value.trim() : '');
  const nf = el.querySelector('#be-new');
  if (nf) nf.onsubmit = (e) => {
    e.preventDefault();
    const b = { botilbud_id: val(nf, 'botilbud_id'), name: val(nf, 'name'), paragraph: val(nf, 'paragraph'), places: val(nf, 'places'),
      operator: val(nf, 'operator'), valid_from: val(nf, 'valid_from'), sections: [{ section: val(nf, 'section'), residents: val(nf, 'residents') }] };
    if (val(nf, 'municipality_code')) b.municipality_code = val(nf, 'municipality_code');
    send('POST', '/api/bosted/botilbud', b);
  };
  const cf = el.querySelector('#be-change');
  if (cf) cf.onsubmit = (e) => {
    e.preventDefault();
    const b = { valid_from: val(cf, 'valid_from') };
    for (const k of ['places', 'paragraph', 'operator']) if (val(cf, k)) b[k] = val(cf, k);
    if (val(cf, 'residents') || cf.elements.end.checked) b.sections = [{ section: val(cf, 'section'), residents: val(cf, 'residents'), end: cf.elements.end.checked }];
    send('PUT', `/api/bosted/botilbud/${encodeURIComponent(val(cf, 'id'))}`, b);
  };
  const af = el.querySelector('#be-attach');
  af.onsubmit = (e) => {
    e.preventDefault();
    const b = { botilbud_id: val(af, 'botilbud_id'), section: val(af, 'section'), provider: val(af, 'provider'), from_date: val(af, 'from_date') };
    if (e.submitter && e.submitter.value === 'end') return send('PUT', '/api/bosted/attachments', { ...b, to_date: val(af, 'to_date') });
    for (const k of ['to_date', 'doctor_id', 'listed_residents']) if (val(af, k)) b[k] = val(af, k);
    return send('POST', '/api/bosted/attachments', b);
  };
}
