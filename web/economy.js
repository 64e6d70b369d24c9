// Økonomi: rammen pr. kvartal med udgift fra de gemte afregninger og prognose,
// modregning, LTO-kapacitetsmekanismen, højestegrænser og kvalitetsbetalinger
// (API: /api/economy/ramme, /api/economy/ceilings, /api/economy/quality).
// Rollerne håndhæves af API'et: RLTN og PLO ser rammen, regionen sine tal,
// klinikken sin egen højestegrænse.
import { kr, mioKr, int, dateDa, monthDa } from './format.js';
import { renderTable, esc } from './table.js';

const STATUS_DA = {
  within: 'Inden for grænsen',
  ceiling: 'Højestegrænse fastsat',
  assessment_pending: 'Afventer konkret vurdering (bostedslæge)',
  exempt: 'Undtaget efter vurdering',
  no_patients: 'Ingen tilmeldte patienter',
};

const pct = (ppm) => (ppm === null || ppm === undefined ? '' : (ppm / 10000).toFixed(2).replace('.', ',') + ' %');

async function rammePanel({ el, api, charts, year }) {
  let r;
  try { r = await api(`/api/economy/ramme?year=${year}`); } catch (err) { el.innerHTML = ''; return; }
  if (r.ramme_ore === null) {
    el.innerHTML = `<div class="panel"><h2>Regionens udgift pr. kvartal ${esc(year)}</h2><p class="muted">${esc(r.note)}</p><div id="rq"></div></div>`;
    renderTable(el.querySelector('#rq'), [
      { key: 'quarter', label: 'Kvartal' }, { key: 'spend_ore', label: 'Udgift', type: 'kr' },
      { key: 'complete', label: 'Fuldt kvartal', html: (q) => (q.complete ? 'ja' : 'nej – ' + esc(q.months_missing.join(', '))) },
    ], r.quarters, {});
    return;
  }
  const f = r.forecast;
  el.innerHTML = `<h1>Økonomisk ramme ${esc(year)}</h1>
    ${r.complete ? '' : `<p class="error" id="incomplete">Ufuldstændig opgørelse (complete: false): ${esc((r.missing || []).slice(0, 6).join('; '))}. Der beregnes hverken overskridelse eller modregning af et delvist år.</p>`}
    <div class="cards">
      <div class="card"><div class="k">Rammen (reguleret)</div><div class="v">${mioKr(r.ramme_ore)}</div></div>
      <div class="card"><div class="k">Udgift (normeret til 52 uger)</div><div class="v">${mioKr(r.spend_ore)}</div></div>
      <div class="card"><div class="k">Overskridelse</div><div class="v">${r.overrun_ore === null ? '–' : mioKr(r.overrun_ore) + ' (' + esc(r.overrun_pct) + ' %)'}</div></div>
      <div class="card"><div class="k">Prognose for året</div><div class="v">${f ? mioKr(f.spend_ore) : '–'}</div><div class="k">${f ? `på ${f.based_on_quarters} fulde kvartaler; overskridelse ${mioKr(f.overrun_ore)} (${pct(f.overrun_ppm)})` : 'intet fuldt kvartal endnu'}</div></div>
      <div class="card"><div class="k">LTO-kapacitetstillæg</div><div class="v">${kr(r.lto_capacity_addition_ore)}</div></div>
    </div>
    ${r.expenses && r.expenses.rows ? `<p class="muted" id="ramme-expenses">Heraf fra udgiftsfiler: ${int(r.expenses.rows)} rækker, ${kr(r.expenses.amount_ore)}${r.expenses.replaced.length ? `; ${int(r.expenses.replaced.length)} erstatter afregnede summer (${r.expenses.replaced.map((x) => `${esc(x.quarter)} ${esc(x.region)} ${esc(CATEGORY_DA[x.category] || x.category)}: ${kr(x.settled_ore)} → ${kr(x.expense_ore)}`).join('; ')})` : ''}.</p>` : ''}
    <div class="panel"><h2>Udgift mod rammen pr. kvartal</h2><div class="chart-box"><canvas id="ramme-chart"></canvas></div><div id="rq"></div></div>
    <div class="panel"><h2>Modregning</h2><p>${esc(r.offset_reason || '')}</p><div id="offset"></div></div>
    <div class="panel"><h2>LTO-kapacitetsmekanismen (ramme-tillæg)</h2><p class="muted">Udgangspunkt ${r.lto?.baseline_date ? dateDa(r.lto.baseline_date) : '–'}: ${int(r.lto?.baseline_capacities || 0)} besatte kapaciteter i LTO-områder. Betingelsen om ekstraordinær aktivitetsstigning: ${esc(r.lto?.condition || '')}.</p><div id="lto"></div></div>`;
  const labels = r.quarters.map((q) => q.quarter + (q.complete ? '' : ' (delvist)'));
  if (window.Chart) {
    const fq = f ? r.quarters.map((q) => Math.round((q.ramme_ore * f.spend_actual_ore) / r.ramme_ore) / 100) : [];
    const datasets = [
      { type: 'bar', label: 'Udgift (kr.)', data: r.quarters.map((q) => q.spend_ore / 100), backgroundColor: r.quarters.map((q) => (q.complete ? '#2f7fb8' : '#9fc3de')) },
      { type: 'line', label: 'Rammen (kr.)', data: r.quarters.map((q) => q.ramme_ore / 100), borderColor: '#b3261e', pointRadius: 3 },
    ];
    if (f) datasets.push({ type: 'line', label: 'Prognose (kr.)', data: fq, borderColor: '#c88a00', borderDash: [6, 4], pointRadius: 0 });
    charts.push(new Chart(el.querySelector('#ramme-chart'), {
      data: { labels, datasets },
      options: { maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true } },
        plugins: { tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${kr(Math.round(c.parsed.y * 100))}` } } } },
    }));
  }
  renderTable(el.querySelector('#rq'), [
    { key: 'quarter', label: 'Kvartal' }, { key: 'ramme_ore', label: 'Ramme', type: 'kr' }, { key: 'spend_ore', label: 'Udgift', type: 'kr' },
    { key: 'excluded_ore', label: 'Uden for rammen', type: 'kr' }, { key: 'cumulative_spend_ore', label: 'Udgift år til dato', type: 'kr' },
    { key: 'complete', label: 'Fuldt kvartal', html: (q) => (q.complete ? 'ja' : 'nej – ' + esc((q.months_missing || []).join(', '))) },
  ], r.quarters, { exportUrl: `/api/economy/ramme?year=${year}` });
  renderTable(el.querySelector('#offset'), [
    { key: 'period', label: 'Periode', type: 'int' }, { key: 'from', label: 'Fra', html: (p) => dateDa(p.from) },
    { key: 'to', label: 'Til', html: (p) => dateDa(p.to) }, { key: 'amount_ore', label: 'Modregning', type: 'kr' },
  ], r.offset_plan || [], { caption: r.offset_ore === null ? 'Ingen modregning af et ufuldstændigt år' : `Modregning i alt ${kr(r.offset_ore)}` });
  renderTable(el.querySelector('#lto'), [
    { key: 'date', label: 'Dato', html: (e) => dateDa(e.date) }, { key: 'capacities', label: 'Kapaciteter', type: 'int' },
    { key: 'additional', label: 'Ekstra (maks. 75)', type: 'int' }, { key: 'amount_ore', label: 'Tillæg til rammen', type: 'kr' },
    { key: 'change_ore', label: 'Ændring', type: 'kr' },
  ], r.lto_ledger || [], {});
}

function uploadForm(id, fields, label) {
  return `<form class="toolbar" id="${id}">${fields.map(([n, t]) => `<label>${esc(t)} <input type="file" name="${n}" accept=".csv"></label>`).join(' ')}<button class="primary">${esc(label)}</button></form>`;
}

async function ceilingPanel({ el, api, me, year }) {
  let c;
  try { c = await api(`/api/economy/ceilings?year=${year}`); } catch (err) { el.innerHTML = ''; return; }
  const form = me.role === 'rltn' ? uploadForm('ceil-form', [['listings', 'Tilmeldte (listings.csv)'], ['decisions', 'Afgørelser (valgfri)']], 'Beregn højestegrænser') : '';
  if (!c.available) {
    el.innerHTML = `<div class="panel"><h2>Højestegrænser ${esc(year)}</h2><p class="muted">${esc(c.message)}</p>${form}</div>`;
  } else {
    const t = c.totals;
    el.innerHTML = `<div class="panel"><h2>Højestegrænser ${esc(year)} (grænse ${esc(c.limit_pct)} %)</h2>
      <p class="muted">${esc(c.method)} Reference: ${c.reference === 'country' ? 'hele landet' : 'regionen'}. Tilbagebetaling modregnes i ${monthDa(c.clawback_month)}.</p>
      <p>${int(t.above)} klinikker over grænsen · ${int(t.ceilings)} højestegrænser · ${int(t.assessment_pending)} afventer vurdering · ${int(t.exempt)} undtaget · tilbagebetaling i alt ${kr(t.clawback_ore)}</p>
      ${(c.tasks || []).filter((k) => k.state === 'pending').map((k) => `<p class="error">${esc(k.text)}</p>`).join('')}
      ${form}<div id="ceil"></div></div>`;
    renderTable(el.querySelector('#ceil'), [
      { key: 'provider', label: 'Ydernr.' }, { key: 'region', label: 'Region' }, { key: 'listed_avg', label: 'Tilmeldte (gns.)' },
      { key: 'cost_ore', label: 'Udgift', type: 'kr' }, { key: 'expected_ore', label: 'Forventet (standardiseret)', type: 'kr' },
      { key: 'deviation_pct', label: 'Afvigelse', html: (r) => (r.deviation_pct === null ? '' : esc(r.deviation_pct.replace('.', ',')) + ' %') },
      { key: 'bosted', label: 'Bostedslæge', html: (r) => (r.bosted ? 'ja' : '') },
      { key: 'status', label: 'Status', html: (r) => esc(STATUS_DA[r.status] || r.status) + (r.decision ? ` – ${esc(r.decision.reason)} (${esc(r.decision.decided_by)}, ${dateDa(r.decision.decided)})` : '') },
      { key: 'ceiling_ore', label: 'Højestegrænse', type: 'kr' }, { key: 'clawback_ore', label: 'Tilbagebetaling', type: 'kr' },
    ], c.clinics, { exportUrl: `/api/economy/ceilings?year=${year}` });
  }
  const f = el.querySelector('#ceil-form');
  if (f) f.onsubmit = async (ev) => {
    ev.preventDefault();
    try { await api(`/api/economy/ceilings?year=${year}`, { method: 'POST', body: new FormData(f) }); await ceilingPanel({ el, api, me, year }); } catch (err) { alert(err.message); }
  };
}

async function qualityPanel({ el, api, me, year }) {
  let q;
  try { q = await api(`/api/economy/quality?year=${year}`); } catch (err) { el.innerHTML = ''; return; }
  const form = me.role === 'rltn' ? uploadForm('qual-form', [['listings', 'Tilmeldte (listings.csv)'], ['clusters', 'Klynger (valgfri)']], 'Beregn kvalitetsbetalinger') : '';
  if (!q.available) {
    el.innerHTML = `<div class="panel"><h2>Kvalitetsbetalinger ${esc(year)} (pkt. 5.8)</h2><p class="muted">${esc(q.message)}</p>${form}</div>`;
  } else {
    el.innerHTML = `<div class="panel"><h2>Kvalitetsbetalinger ${esc(year)} (pkt. 5.8)</h2>
      <p class="muted">${kr(q.rates.per_insured_ore)} pr. sikret · ${kr(q.rates.cluster_per_patient_ore)} pr. patient i klynger · ${mioKr(q.rates.fund_ore)} fra Fonden. Optalt ${dateDa(q.count_date)}. ${esc(q.method)}</p>
      ${form}<div id="qr"></div><div id="qc"></div></div>`;
    renderTable(el.querySelector('#qr'), [
      { key: 'name', label: 'Region' }, { key: 'insured', label: 'Sikrede', type: 'int' }, { key: 'quality_ore', label: 'Kvalitet', type: 'kr' },
      { key: 'cluster_patients', label: 'Patienter i klynger', type: 'int' }, { key: 'cluster_ore', label: 'Klynger', type: 'kr' },
      { key: 'fund_ore', label: 'Fra Fonden', type: 'kr' }, { key: 'total_ore', label: 'I alt', type: 'kr' },
    ], q.regions, { caption: `I alt ${kr(q.totals.total_ore)}` });
    renderTable(el.querySelector('#qc'), [
      { key: 'cluster_id', label: 'Klynge' }, { key: 'clinics', label: 'Klinikker', html: (c) => esc(c.clinics.join(', ')) },
      { key: 'patients', label: 'Patienter', type: 'int' }, { key: 'amount_ore', label: 'Beløb', type: 'kr' },
    ], q.clusters, { caption: 'Klynger' });
  }
  const f = el.querySelector('#qual-form');
  if (f) f.onsubmit = async (ev) => {
    ev.preventDefault();
    try { await api(`/api/economy/quality?year=${year}`, { method: 'POST', body: new FormData(f) }); await qualityPanel({ el, api, me, year }); } catch (err) { alert(err.message); }
  };
}

const CATEGORY_DA = {
  day: 'Dagtid', out_of_hours: 'Lægevagt', basishonorar: 'Basishonorar', profylakse: 'Profylakse',
  season_vaccination: 'Sæsonvaccination', cervical_cytology: 'Livmoderhalscytologi', fixed_doctor_honoraria: 'Fast tilknyttet læge (honorar)',
  local_agreements: 'Lokalaftaler', framework_agreements: 'Rammeaftaler', talk_therapy: 'Samtaleterapi', spirometry: 'Spirometri',
  sundhedstjek_botilbud: 'Sundhedstjek på botilbud', other: 'Andet', ceiling_clawback: 'Tilbagebetaling (højestegrænse)',
};

// Udgiftsfiler (expenses.csv) pr. region, kvartal og kategori: de udgifter almen
// ikke selv afregner. RLTN uploader; RLTN, PLO og regionen (egne rækker) ser dem.
async function expensesPanel({ el, api, me, year, onChange }) {
  let t;
  try { t = await api(`/api/economy/expenses?year=${year}`); } catch (err) { el.innerHTML = ''; return; }
  const form = me.role === 'rltn'
    ? `<form class="toolbar" id="exp-form"><label>Udgiftsfil (expenses.csv) <input type="file" name="expenses" accept=".csv"></label>
        <label>Kvartal (valgfrit) <input name="quarter" placeholder="${esc(year)}-Q1" size="8"></label><button class="primary">Indlæs udgifter</button></form>
        <p class="muted">Kolonner: region_code, quarter, category, amount_ore (øre). Samme fil to gange gør ingenting; en række for en region, et kvartal og en kategori der allerede er indlæst, afvises sammen med hele filen (træk den gamle fil tilbage for at rette). En række i en kategori som afregningerne selv giver (dagtid, basishonorar, profylakse, livmoderhalscytologi, spirometri, sundhedstjek på botilbud, fast tilknyttet læge) erstatter afregningernes sum for regionen og kvartalet; andre rækker lægges til.</p>
        <p id="exp-msg" role="status"></p>`
    : '';
  el.innerHTML = `<div class="panel"><h2>Udgiftsfiler ${esc(year)} (udgifter uden for afregningen)</h2>${form}<div id="exp-table"></div></div>`;
  renderTable(el.querySelector('#exp-table'), [
    { key: 'quarter', label: 'Kvartal' }, { key: 'region_name', label: 'Region', html: (r) => esc(r.region_name || r.region_code) },
    { key: 'category', label: 'Kategori', html: (r) => esc(CATEGORY_DA[r.category] || r.category) },
    { key: 'amount_ore', label: 'Beløb', type: 'kr' }, { key: 'file_name', label: 'Fil', html: (r) => `${esc(r.file_name)} (linje ${int(r.line)})` },
    { key: 'imported_at', label: 'Indlæst', html: (r) => `${dateDa(r.imported_at.slice(0, 10))} af ${esc(r.imported_by)}` },
    ...(me.role === 'rltn' ? [{ key: 'file_id', label: 'Ret', html: (r) => `<button class="exp-withdraw" data-file="${esc(r.file_id)}" data-name="${esc(r.file_name)}" title="Træk hele filen tilbage, så en rettet fil kan indlæses">Træk fil tilbage</button>` }] : []),
  ], t.rows, { exportUrl: `/api/economy/expenses?year=${year}`, caption: t.rows.length ? `${int(t.rows.length)} rækker, i alt ${kr(t.rows.reduce((a, r) => a + r.amount_ore, 0))}` : 'Ingen udgiftsfiler indlæst for året' });
  el.querySelectorAll('.exp-withdraw').forEach((b) => (b.onclick = async () => {
    if (!confirm(`Træk udgiftsfilen ${b.dataset.name} tilbage? Alle dens rækker fjernes fra rammeopgørelsen.`)) return;
    try {
      const r = await api(`/api/economy/expenses/${b.dataset.file}`, { method: 'DELETE' });
      await expensesPanel({ el, api, me, year, onChange });
      const m = el.querySelector('#exp-msg');
      if (m) m.textContent = `Filen er trukket tilbage: ${int(r.rows_removed)} rækker fjernet.`;
      if (onChange) await onChange();
    } catch (err) { alert(err.message); }
  }));
  const f = el.querySelector('#exp-form');
  if (f) f.onsubmit = async (ev) => {
    ev.preventDefault();
    const fd = new FormData(f);
    const q = (fd.get('quarter') || '').trim();
    fd.delete('quarter');
    const msg = el.querySelector('#exp-msg');
    try {
      const r = await api(`/api/economy/expenses?year=${year}${q ? '&quarter=' + encodeURIComponent(q) : ''}`, { method: 'POST', body: fd });
      const text = r.already_imported ? `Filen er allerede indlæst (fil ${r.file_id}); intet ændret.` : `Indlæst: ${int(r.rows)} rækker, i alt ${kr(r.amount_ore)}.`;
      await expensesPanel({ el, api, me, year, onChange });
      el.querySelector('#exp-msg').textContent = text;
      if (onChange) await onChange();
    } catch (err) {
      msg.className = 'error';
      msg.textContent = `Afvist – intet er gemt: ${err.message}`;
    }
  };
}

// Renders the ramme, expense files, ceilings and quality panels into `el` (above the section 6 table).
export async function renderEconomyPanels({ el, api, charts, me, year = 2025 }) {
  el.innerHTML = '<div id="eco-ramme"></div><div id="eco-exp"></div><div id="eco-ceil"></div><div id="eco-qual"></div>';
  const ramme = () => {
    const canvas = el.querySelector('#ramme-chart');
    const old = canvas && window.Chart && Chart.getChart ? Chart.getChart(canvas) : null;
    if (old) { old.destroy(); charts.splice(charts.indexOf(old) >>> 0, 1); }
    return rammePanel({ el: el.querySelector('#eco-ramme'), api, charts, year });
  };
  await Promise.all([
    rammePanel({ el: el.querySelector('#eco-ramme'), api, charts, year }),
    expensesPanel({ el: el.querySelector('#eco-exp'), api, me, year, onChange: ramme }),
    ceilingPanel({ el: el.querySelector('#eco-ceil'), api, me, year }),
    qualityPanel({ el: el.querySelector('#eco-qual'), api, me, year }),
  ]);
}

// "1.00" -> "1,00 %"
const pctText = (p) => (p === null || p === undefined ? '–' : esc(String(p).replace('.', ',')) + ' %');
const mio2 = (ore) => (ore === null || ore === undefined ? '–' : mioKr(ore, 2));
const diff = (a, b) => (a === null || a === undefined || b === null || b === undefined ? null : b - a);

// The what-if's effect (POST /api/economy/whatif): totals, the ramme and the
// offset before and after, with the named items explained.
export function renderWhatIfEffect(el, d) {
  const rows = [];
  const add = (label, before, after, fmt = mio2) =>
    rows.push(`<tr><td>${esc(label)}</td><td class="num">${fmt(before)}</td><td class="num">${fmt(after)}</td><td class="num">${fmt(diff(before, after))}</td></tr>`);
  const seed = d.seed_totals || {};
  add('Samlet økonomi 2025', seed.total?.y2025_ore, d.total.y2025_ore);
  add('Samlet merøkonomi 2025', seed.merokonomi?.y2025_ore, d.merokonomi.y2025_ore);
  if (d.ramme) add('Rammen 2025 (tabellen, Bilag 1)', d.ramme.y2025_seed_ore, d.ramme.y2025_ore);
  const st = d.ramme_statement;
  let note = '';
  if (st) {
    const b = st.before, a = st.after;
    add('Rammeopgørelsen: rammen', b.ramme_ore, a.ramme_ore);
    add('  heraf LTO-kapacitetstillæg', b.lto_capacity_addition_ore, a.lto_capacity_addition_ore);
    add('Udgift (normeret til 52 uger)', b.spend_ore, a.spend_ore);
    add('Overskridelse', b.overrun_ore, a.overrun_ore);
    rows.push(`<tr><td>Overskridelse i procent</td><td class="num">${pctText(b.overrun_pct)}</td><td class="num">${pctText(a.overrun_pct)}</td><td></td></tr>`);
    add('Modregning', b.offset_ore, a.offset_ore);
    if (b.forecast || a.forecast) {
      add('Prognose: overskridelse', b.forecast?.overrun_ore, a.forecast?.overrun_ore);
      add('Prognose: modregning', b.forecast?.offset_ore, a.forecast?.offset_ore);
    }
    const plan = (p) => (p || []).map((x) => `${kr(x.amount_ore)} fra ${dateDa(x.from)}`).join('; ') || 'ingen';
    note = `<p>Modregningsplan før: ${esc(plan(b.offset_plan))}. Efter: ${esc(plan(a.offset_plan))}.</p>
      ${a.complete ? '' : '<p class="muted">Opgørelsen er ufuldstændig (complete: false): der beregnes hverken overskridelse eller modregning af et delvist år; prognosen viser retningen.</p>'}`;
  } else if (d.ramme_statement_note) {
    note = `<p class="muted">${esc(d.ramme_statement_note)}</p>`;
  }
  const sc = d.scenario || {};
  const expl = [];
  if (sc.lto_capacities_recruited) {
    const l = sc.lto_capacities_recruited;
    expl.push(`LTO-læger faktisk rekrutteret: ${int(l.capacities)} kapaciteter, heraf ${int(l.counted)} tæller (højst ${int(l.max_count)}) × ${kr(l.per_capacity_ore)}, højst ${mioKr(l.cap_ore)} = ${kr(l.amount_ore)} i rammen.`);
  }
  if (sc.bosted_botilbud_covered) {
    const b = sc.bosted_botilbud_covered;
    expl.push(`Bostedsdækning: ${int(b.botilbud)} botilbud × ${kr(b.per_month_ore)} × 12 = ${kr(b.amount_ore)} mod ${mioKr(b.pot_ore)} (${int(b.pot_botilbud)} botilbud). ${b.note}`);
  }
  el.innerHTML = `<div class="panel" id="wi-panel"><h2>Virkning af ændringen</h2>
    ${expl.map((x) => `<p>${esc(x)}</p>`).join('')}
    <table class="data"><thead><tr><th>Post</th><th>Før</th><th>Efter</th><th>Ændring</th></tr></thead><tbody>${rows.join('')}</tbody></table>
    ${note}</div>`;
}
