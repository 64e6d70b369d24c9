// almen web UI: a small hash-routed app over the JSON API (/api, see openapi.json).
// Every permission is enforced by the API; the menu only mirrors /api/me.
import { kr, mioKr, int, monthDa, dateDa, megabytes, ROLE_DA, ITEM_DA } from './format.js';
import { renderTable, esc, exportButtons } from './table.js';
import { pageBostedCoverage, pageBostedReport, renderBostedEdit } from './bosted.js';
import { pagePool, pageApplication, pageSanctions, pageSharing, caseNavItems, CASE_ROLE_DA } from './cases.js';
import { renderEconomyPanels, renderWhatIfEffect } from './economy.js';
import { renderRerunPanel, pageRerun } from './reruns.js';

const main = document.getElementById('main');
let me = null;
let charts = [];

async function api(path, opts = {}) {
  const res = await fetch(path, { credentials: 'same-origin', ...opts });
  if (res.status === 401 && !path.startsWith('/api/login')) { me = null; location.hash = '#/login'; throw new Error('Log ind igen.'); }
  const body = res.headers.get('Content-Type')?.includes('json') ? await res.json() : await res.text();
  if (!res.ok) {
    if (res.status === 403) throw new Error('Din rolle har ikke adgang til disse data.');
    throw new Error(body?.error?.message || `Fejl ${res.status}`);
  }
  return body;
}

function params() {
  const q = location.hash.split('?')[1] || '';
  return Object.fromEntries(new URLSearchParams(q));
}
function qs(obj) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(obj)) if (v !== undefined && v !== null && v !== '') p.set(k, v);
  const s = p.toString();
  return s ? '?' + s : '';
}

function nav() {
  const el = document.getElementById('nav');
  const who = document.getElementById('who');
  if (!me) { el.innerHTML = ''; who.innerHTML = ''; return; }
  const p = me.permissions;
  const items = [];
  if (p.clinic_data) items.push(['#/oversigt', 'Oversigt'], ['#/klinikker', 'Klinikker'], ['#/afvisninger', 'Afvisninger'], ['#/koersler', 'Afregninger']);
  if (p.botilbud) items.push(['#/botilbud', 'Botilbud'], ['#/bostedslaeger', 'Bostedslæger']);
  items.push(...caseNavItems(me));
  items.push(['#/overenskomst', 'Overenskomsten'], ['#/oekonomi', 'Økonomi']);
  if (p.audit) items.push(['#/revision', 'Revisionslog']);
  const cur = location.hash.split('?')[0];
  el.innerHTML = items.map(([h, t]) => `<a href="${h}" class="${cur === h ? 'active' : ''}">${t}</a>`).join('');
  who.innerHTML = `${esc(me.username)} · ${esc(ROLE_DA[me.role] || CASE_ROLE_DA[me.role] || me.role)}${me.scope_name ? ' · ' + esc(me.scope_name) : ''}<button id="logout">Log ud</button>`;
  document.getElementById('logout').onclick = async () => {
    await api('/api/logout', { method: 'POST' }).catch(() => {});
    me = null; location.hash = '#/login';
  };
}

function clearCharts() { charts.forEach((c) => c.destroy()); charts = []; }

// ---- pages -------------------------------------------------------------------

async function pageLogin() {
  main.innerHTML = `<form class="login panel" id="login-form">
    <h1>Log ind</h1>
    <label for="username">Brugernavn</label><input id="username" name="username" autocomplete="username" required>
    <label for="password">Adgangskode</label><input id="password" name="password" type="password" autocomplete="current-password" required>
    <div class="error" id="login-error"></div>
    <button class="primary" type="submit">Log ind</button>
  </form>`;
  document.getElementById('login-form').onsubmit = async (e) => {
    e.preventDefault();
    const f = e.target;
    try {
      await api('/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: f.username.value, password: f.password.value }) });
      me = await api('/api/me');
      location.hash = me.permissions.clinic_data ? '#/oversigt' : (me.permissions.botilbud ? '#/botilbud' : '#/overenskomst');
    } catch (err) { document.getElementById('login-error').textContent = err.message === 'wrong user name or password' ? 'Forkert brugernavn eller adgangskode.' : err.message; }
  };
}

async function pageOverview() {
  const p = params();
  const ov = await api('/api/overview' + qs({ year: p.year }));
  const t = ov.totals;
  const ramme = ov.ramme_ore;
  main.innerHTML = `<h1>Oversigt ${esc(ov.year)}</h1>
    <div class="cards">
      <div class="card"><div class="k">Udbetalt i alt</div><div class="v" id="total-spend">${kr(t.spend_ore)}</div></div>
      <div class="card"><div class="k">Godkendte linjer</div><div class="v">${int(t.accepted)}</div></div>
      <div class="card"><div class="k">Afviste linjer</div><div class="v"><a href="#/afvisninger">${int(t.rejected)}</a></div></div>
      <div class="card"><div class="k">Til manuel kontrol</div><div class="v">${int(t.review)}</div></div>
      ${ramme !== null ? `<div class="card"><div class="k">Økonomisk ramme (år)</div><div class="v">${mioKr(ramme)}</div><div class="k">${esc(ov.ramme_source || '')}</div></div>` : ''}
    </div>
    <div class="panel"><h2>Udgift pr. måned${ramme !== null ? ' mod rammen / 12' : ''}</h2><div class="chart-box"><canvas id="spend-chart"></canvas></div></div>
    <div class="panel"><h2>Godkendte og afviste linjer pr. måned</h2><div class="chart-box"><canvas id="count-chart"></canvas></div></div>
    <div id="months"></div>`;
  const labels = ov.rows.map((r) => monthDa(r.month));
  const datasets = [{ type: 'bar', label: 'Udbetalt (kr.)', data: ov.rows.map((r) => r.spend_ore / 100), backgroundColor: '#2f7fb8' }];
  if (ramme !== null) datasets.push({ type: 'line', label: 'Rammen / 12 (kr.)', data: ov.rows.map(() => ov.ramme_month_ore / 100), borderColor: '#b3261e', pointRadius: 0, yAxisID: 'ramme' });
  const krTick = (v) => kr(Math.round(v * 100)).replace(',00 kr.', ' kr.');
  const scales = { y: { beginAtZero: true, ticks: { callback: krTick }, title: { display: true, text: 'Udbetalt' } } };
  if (ramme !== null) scales.ramme = { position: 'right', beginAtZero: true, ticks: { callback: krTick }, title: { display: true, text: 'Rammen / 12' } };
  if (window.Chart) {
    charts.push(new Chart(document.getElementById('spend-chart'), {
      data: { labels, datasets },
      options: { maintainAspectRatio: false, animation: false, scales, plugins: { tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${kr(Math.round(c.parsed.y * 100))}` } } } },
    }));
    charts.push(new Chart(document.getElementById('count-chart'), {
      type: 'bar',
      data: { labels, datasets: [
        { label: 'Godkendt', data: ov.rows.map((r) => r.accepted), backgroundColor: '#1e6b34' },
        { label: 'Afvist', data: ov.rows.map((r) => r.rejected), backgroundColor: '#b3261e' },
        { label: 'Manuel kontrol', data: ov.rows.map((r) => r.review), backgroundColor: '#c88a00' }] },
      options: { maintainAspectRatio: false, animation: false, scales: { x: { stacked: true }, y: { stacked: true } } },
    }));
  }
  renderTable(document.getElementById('months'), [
    { key: 'month', label: 'Måned', type: 'month' },
    { key: 'spend_ore', label: 'Udbetalt', type: 'kr' },
    { key: 'lines_amount_ore', label: 'Heraf ydelser', type: 'kr' },
    { key: 'accepted', label: 'Godkendt', type: 'int' },
    { key: 'rejected', label: 'Afvist', type: 'int', link: (r) => `#/linjer${qs({ month: r.month, status: 'rejected' })}` },
    { key: 'review', label: 'Manuel kontrol', type: 'int' },
  ], ov.rows, { exportUrl: '/api/overview' + qs({ year: ov.year }), caption: 'Måneder' });
}

async function pageClinics() {
  const t = await api('/api/providers');
  main.innerHTML = '<h1>Klinikker</h1><div id="t"></div>';
  renderTable(document.getElementById('t'), [
    { key: 'provider', label: 'Ydernummer', link: (r) => `#/opgoerelse${qs({ provider: r.provider })}` },
    { key: 'name', label: 'Navn' },
    { key: 'municipality_code', label: 'Kommune' },
    { key: 'region_code', label: 'Region' },
    { key: 'clinic_type', label: 'Type' },
    { key: 'lto', label: 'LTO', html: (r) => (r.lto ? 'ja' : 'nej') },
    { key: 'amount_ore', label: 'Udbetalt i alt', type: 'kr', link: (r) => `#/opgoerelse${qs({ provider: r.provider })}` },
  ], t.rows, { exportUrl: '/api/providers', caption: `${int(t.rows.length)} klinikker` });
}

async function pageStatement() {
  const p = params();
  const t = await api('/api/statements' + qs({ provider: p.provider, month: p.month }));
  const months = [...new Set(t.rows.map((r) => r.month))].sort();
  const name = t.rows[0]?.name || '';
  const total = t.rows.reduce((s, r) => s + r.amount_ore, 0);
  main.innerHTML = `<h1>Honorarspecifikation ${esc(p.provider || '')} ${esc(name)}</h1>
    <div class="toolbar"><label>Måned <select id="month"><option value="">alle</option>${months.map((m) => `<option value="${m}" ${m === p.month ? 'selected' : ''}>${monthDa(m)}</option>`).join('')}</select></label>
    <span class="muted">I alt: <strong id="statement-total">${kr(total)}</strong></span></div>
    <div id="t"></div>`;
  document.getElementById('month').onchange = (e) => { location.hash = '#/opgoerelse' + qs({ provider: p.provider, month: e.target.value || (p.month ? '' : undefined) }); };
  const canDrill = me.permissions.lines;
  renderTable(document.getElementById('t'), [
    { key: 'month', label: 'Måned', type: 'month' },
    { key: 'item', label: 'Post', type: 'item' },
    { key: 'code', label: 'Ydelse' },
    { key: 'count', label: 'Antal', type: 'int' },
    { key: 'amount_ore', label: 'Beløb', type: 'kr', link: (r) => (canDrill ? `#/linjer${qs({ provider: r.provider, month: r.month, code: r.item === 'service' || r.item === 'chronic_fee' ? r.code : '' })}` : null) },
  ], t.rows, { exportUrl: '/api/statements' + qs({ provider: p.provider, month: p.month }), empty: 'Ingen poster for dette udvalg.',
    caption: canDrill ? 'Klik på et beløb for at se de afregnede linjer med regler og begrundelser.' : '' });
}

async function pageLines() {
  const p = params();
  const limit = 100, offset = Number(p.offset || 0);
  const filter = { provider: p.provider, month: p.month, status: p.status, rule: p.rule, code: p.code, run: p.run };
  const t = await api('/api/lines' + qs({ ...filter, limit, offset }));
  const desc = [p.provider && `ydernummer ${p.provider}`, p.month && monthDa(p.month), p.code && `ydelse ${p.code}`, p.rule && `regel ${p.rule}`, p.status && `status ${p.status}`].filter(Boolean).join(', ');
  main.innerHTML = `<h1>Afregnede linjer</h1><p class="muted">${esc(desc || 'Alle linjer')} · ${int(t.total)} linjer</p>
    <div id="t"></div>
    <div class="toolbar">${offset > 0 ? `<a class="button" href="#/linjer${qs({ ...filter, offset: Math.max(0, offset - limit) })}">Forrige</a>` : ''}
    <span class="muted">Linje ${int(Math.min(t.total, offset + 1))}–${int(Math.min(t.total, offset + limit))} af ${int(t.total)}</span>
    ${offset + limit < t.total ? `<a class="button" href="#/linjer${qs({ ...filter, offset: offset + limit })}">Næste</a>` : ''}</div>`;
  renderTable(document.getElementById('t'), [
    { key: 'claim_id', label: 'Regning' },
    { key: 'provider', label: 'Ydernummer', link: (r) => `#/opgoerelse${qs({ provider: r.provider })}` },
    { key: 'service_date', label: 'Dato', type: 'date' },
    { key: 'code', label: 'Ydelse' },
    { key: 'status', label: 'Status', type: 'status' },
    { key: 'amount_ore', label: 'Beløb', type: 'kr' },
    { key: 'rule', label: 'Regel', link: (r) => (r.rule ? `#/overenskomst${qs({ tab: 'rules', q: r.rule })}` : null) },
    { key: 'reason', label: 'Begrundelse' },
    { key: 'paragraph', label: 'Paragraf' },
  ], t.rows, { exportUrl: '/api/lines' + qs(filter), empty: 'Ingen linjer.' });
}

async function pageRejections() {
  const p = params();
  const t = await api('/api/rejections' + qs({ month: p.month }));
  main.innerHTML = `<h1>Afvisninger og manuel kontrol efter regel</h1>
    <div class="panel"><div class="chart-box"><canvas id="rej-chart"></canvas></div></div><div id="t"></div>`;
  if (window.Chart && t.rows.length) {
    charts.push(new Chart(document.getElementById('rej-chart'), {
      type: 'bar',
      data: { labels: t.rows.map((r) => r.rule || '(ingen regel)'), datasets: [{ label: 'Linjer', data: t.rows.map((r) => r.lines), backgroundColor: t.rows.map((r) => (r.status === 'rejected' ? '#b3261e' : '#c88a00')) }] },
      options: { indexAxis: 'y', maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } } },
    }));
  }
  renderTable(document.getElementById('t'), [
    { key: 'status', label: 'Status', type: 'status' },
    { key: 'rule', label: 'Regel', link: (r) => (me.permissions.lines ? `#/linjer${qs({ rule: r.rule, status: r.status, month: p.month })}` : null) },
    { key: 'lines', label: 'Linjer', type: 'int' },
    { key: 'providers', label: 'Klinikker', type: 'int' },
    { key: 'reason', label: 'Begrundelse (eksempel)' },
  ], t.rows, { exportUrl: '/api/rejections' + qs({ month: p.month }), empty: 'Ingen afviste linjer.' });
}

async function pageRuns() {
  const t = await api('/api/settlements');
  main.innerHTML = `<h1>Afregninger</h1>
    ${me.permissions.upload ? `<form class="panel" id="upload-form"><h2>Indlæs og afregn en regningsfil</h2>
      <div class="toolbar"><label>Regninger (claims.csv) <input type="file" name="claims" id="claims-file" accept=".csv,.gz,.zst,text/csv" required></label>
      <label>Klinikker (valgfri) <input type="file" name="providers" accept=".csv,.gz,.zst"></label>
      <label>Tilmeldinger (valgfri) <input type="file" name="listings" accept=".csv,.gz,.zst"></label>
      <button class="primary" type="submit" id="upload-button">Afregn</button></div>
      <div id="job"></div></form>` : ''}
    <div id="t"></div><div id="reruns"></div>`;
  renderTable(document.getElementById('t'), [
    { key: 'id', label: 'Kørsel', link: (r) => `#/linjer${qs({ run: r.id })}` },
    { key: 'created_at', label: 'Tidspunkt', type: 'time' },
    { key: 'created_by', label: 'Af' },
    { key: 'claims_name', label: 'Fil' },
    { key: 'agreement_version', label: 'Overenskomst' },
    { key: 'lines', label: 'Linjer', type: 'int' },
    { key: 'accepted', label: 'Godkendt', type: 'int' },
    { key: 'rejected', label: 'Afvist', type: 'int', link: (r) => (me.permissions.lines ? `#/linjer${qs({ run: r.id, status: 'rejected' })}` : null) },
    { key: 'duplicates', label: 'Dubletter', type: 'int' },
    { key: 'statement_amount_ore', label: 'Udbetalt', type: 'kr' },
  ], t.rows, { exportUrl: '/api/settlements' });
  await renderRerunPanel({ api, me, el: document.getElementById('reruns'), runs: t.rows });
  const form = document.getElementById('upload-form');
  if (!form) return;
  form.onsubmit = async (e) => {
    e.preventDefault();
    const job = document.getElementById('job');
    const fd = new FormData();
    for (const input of form.querySelectorAll('input[type=file]')) if (input.files[0]) fd.append(input.name, input.files[0], input.files[0].name);
    job.innerHTML = 'Sender …';
    // While the files are sent, the server's job shows the bytes it has received.
    let sending = true;
    (async () => {
      while (sending) {
        await new Promise((r) => setTimeout(r, 500));
        if (!sending) break;
        const jobs = await api('/api/jobs').catch(() => ({ rows: [] }));
        const up = jobs.rows.find((x) => x.state === 'receiving' && x.user === me.username);
        if (up && sending) job.innerHTML = `<progress max="1" value="${up.progress}"></progress> Sender: ${megabytes(up.bytes_received)}${up.bytes_expected ? ` af ${megabytes(up.bytes_expected)}` : ''}`;
      }
    })();
    try {
      const j = await api('/api/settlements', { method: 'POST', body: fd }).finally(() => { sending = false; });
      for (;;) {
        const s = await api(`/api/jobs/${j.job_id}`);
        job.innerHTML = `<progress max="1" value="${s.progress}"></progress> ${esc(s.stage || s.state)} · ${megabytes(s.bytes_written)} modtaget`;
        if (s.state === 'done') {
          job.innerHTML = s.already_imported
            ? `<p id="job-result">Filen er allerede indlæst (kørsel ${s.run_id}); intet ændret.</p>`
            : `<p id="job-result">Afregnet som kørsel <a href="#/linjer${qs({ run: s.run_id })}">${s.run_id}</a>: ${int(s.lines)} linjer, ${int(s.duplicates)} dubletter afvist.</p>`;
          setTimeout(() => route(), 1500);
          break;
        }
        if (s.state === 'failed' || s.state === 'cancelled') { job.innerHTML = `<p class="error">Fejl: ${esc(s.error)}</p>`; break; }
        await new Promise((r) => setTimeout(r, 300));
      }
    } catch (err) { job.innerHTML = `<p class="error">${esc(err.message)}</p>`; }
  };
}

const AGREEMENT_TABS = {
  fees: ['Takster', [
    { key: 'code', label: 'Ydelse' }, { key: 'name', label: 'Navn' }, { key: 'category', label: 'Kategori' },
    { key: 'amount_ore', label: 'Beløb (apr-24)', type: 'kr' }, { key: 'indexed', label: 'Reguleres', html: (r) => (r.indexed ? 'ja' : 'nej') }]],
  chronic: ['Kronikerhonorarer', [
    { key: 'code', label: 'Ydelse' }, { key: 'lto', label: 'LTO', html: (r) => (r.lto ? 'ja' : 'nej') },
    { key: 'monthly_ore', label: 'Pr. måned', type: 'kr' }, { key: 'annual_raise_ore', label: 'Forhøjelse pr. år', type: 'kr' }]],
  index: ['Reguleringsindeks', [{ key: 'factor', label: 'Faktor' }, { key: 'note', label: 'Note' }]],
  parameters: ['Parametre', [{ key: 'name', label: 'Navn' }, { key: 'value', label: 'Værdi' }, { key: 'unit', label: 'Enhed' }, { key: 'description', label: 'Beskrivelse' }]],
  rules: ['Regler', [{ key: 'rule_id', label: 'Regel' }, { key: 'kind', label: 'Art' },
    { key: 'params', label: 'Parametre', html: (r) => esc(Object.entries(r.params || {}).map(([k, v]) => `${k}=${v}`).join(', ')) },
    { key: 'reason_da', label: 'Begrundelse' }]],
};
const PROVENANCE = [
  { key: 'valid_from', label: 'Gyldig fra', type: 'date' }, { key: 'valid_to', label: 'Gyldig til', type: 'date' },
  { key: 'paragraph', label: 'Paragraf' },
  { key: 'source', label: 'Kilde', html: (r) => (r.source === 'illustrative' ? '<span class="badge illustrative" title="Illustrativ værdi: erstattes når den officielle tabel indlæses">illustrativ</span>' : `<span class="badge seed">${esc(r.source === 'seed' ? 'aftaleteksten' : r.source)}</span>`) },
];

async function pageAgreement() {
  const p = params();
  const a = await api('/api/agreement');
  const tab = AGREEMENT_TABS[p.tab] ? p.tab : 'fees';
  const q = (p.q || '').toLowerCase();
  const rows = (a[tab] || []).filter((r) => !q || JSON.stringify(r).toLowerCase().includes(q));
  const illustrative = (a[tab] || []).filter((r) => r.source === 'illustrative').length;
  main.innerHTML = `<h1>Overenskomsten: ${esc(a.name || a.id)}</h1>
    <p class="muted">Version ${esc(a.version)} · indholdshash ${esc((a.content_hash || '').slice(0, 16))}…</p>
    <div class="tabs">${Object.entries(AGREEMENT_TABS).map(([k, [label]]) => `<button data-tab="${k}" class="${k === tab ? 'active' : ''}">${label} (${(a[k] || []).length})</button>`).join('')}</div>
    <div class="toolbar"><input id="q" placeholder="Søg" value="${esc(p.q || '')}">${illustrative ? `<span class="badge illustrative">${illustrative} illustrative værdier</span>` : ''}</div>
    <div id="t"></div>`;
  main.querySelectorAll('.tabs button').forEach((b) => (b.onclick = () => { location.hash = '#/overenskomst' + qs({ tab: b.dataset.tab }); }));
  document.getElementById('q').onchange = (e) => { location.hash = '#/overenskomst' + qs({ tab, q: e.target.value }); };
  renderTable(document.getElementById('t'), [...AGREEMENT_TABS[tab][1], ...PROVENANCE], rows, { exportUrl: '/api/agreement' + qs({ table: tab }) });
}

async function pageEconomy() {
  let e;
  try { e = await api('/api/economy'); } catch (err) { main.innerHTML = `<h1>Økonomitabel (afsnit 6)</h1><p class="error">${esc(err.message)}</p>`; return; }
  // req: the what-if request ({set: [...], lto_capacities_recruited, bosted_botilbud_covered}); null = the seed.
  const draw = (data, req) => {
    const sets = req?.set || [];
    const named = [];
    if (req && req.lto_capacities_recruited !== undefined) named.push(`LTO-læger rekrutteret: ${int(req.lto_capacities_recruited)}`);
    if (req && req.bosted_botilbud_covered !== undefined) named.push(`botilbud med fast læge: ${int(req.bosted_botilbud_covered)}`);
    const cols = [
      { key: 'name', label: 'Post', html: (r) => (r.parent ? '&nbsp;&nbsp;&nbsp;' : '') + esc(r.name) },
      { key: 'y2024_ore', label: '2024', html: (r) => mioKr(r.y2024_ore) },
      { key: 'y2025_ore', label: '2025', html: (r) => mioKr(r.y2025_ore, r.y2025_ore % 10000000 ? 2 : 1) },
      { key: 'permanent_ore', label: 'Varig', html: (r) => mioKr(r.permanent_ore) },
      { key: 'growth_ore', label: 'Vækst 24–25', html: (r) => mioKr(r.growth_ore, r.growth_ore % 10000000 ? 2 : 1) },
    ];
    const rows = [...data.items, { name: 'I alt', ...data.total }, { name: 'Merøkonomi', ...data.merokonomi }];
    main.innerHTML = `<div id="eco-panels"></div><h1>Økonomitabel (afsnit 6)</h1>
      <form class="panel" id="whatif"><h2>Hvad nu hvis</h2><div class="toolbar">
      <select id="wi-item">${data.items.map((i) => `<option value="${esc(i.id)}">${esc(i.name)}</option>`).join('')}</select>
      <select id="wi-col"><option value="y2025">2025</option><option value="y2024">2024</option><option value="permanent">Varig</option></select>
      <input id="wi-value" placeholder="mio. kr., fx 8,0" size="10"></div>
      <div class="toolbar">
      <label>LTO-læger faktisk rekrutteret (ekstra kapaciteter) <input id="wi-lto" type="number" min="0" step="1" size="6" value="${esc(req?.lto_capacities_recruited ?? '')}"></label>
      <label>Bostedsdækning nået (botilbud med fast læge) <input id="wi-bosted" type="number" min="0" step="1" size="6" value="${esc(req?.bosted_botilbud_covered ?? '')}"></label>
      <button class="primary">Beregn</button>
      ${sets.length || named.length ? `<span class="muted">Ændret: ${esc([...sets, ...named].join('; '))}</span> <a href="#/oekonomi" id="wi-reset">Nulstil</a>` : ''}</div></form>
      <div id="wi-effect"></div><div id="t"></div>`;
    if (req) renderWhatIfEffect(document.getElementById('wi-effect'), data);
    renderTable(document.getElementById('t'), cols, rows, { exportUrl: '/api/economy' });
    renderEconomyPanels({ el: document.getElementById('eco-panels'), api, charts, me, year: Number(params().year) || 2025 });
    document.getElementById('whatif').onsubmit = async (ev) => {
      ev.preventDefault();
      const next = { set: [...sets] };
      const v = document.getElementById('wi-value').value.trim();
      if (v) next.set.push(`${document.getElementById('wi-item').value}.${document.getElementById('wi-col').value}=${v}`);
      for (const [id, key] of [['wi-lto', 'lto_capacities_recruited'], ['wi-bosted', 'bosted_botilbud_covered']]) {
        const n = document.getElementById(id).value.trim();
        if (n !== '') next[key] = Number(n);
      }
      try {
        const r = await api('/api/economy/whatif', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(next) });
        draw(r, next);
      } catch (err) { alert(err.message); }
    };
    const reset = document.getElementById('wi-reset');
    if (reset) reset.onclick = (ev) => { ev.preventDefault(); draw(e, null); };
  };
  draw(e, null);
}

async function pageBotilbud() {
  const t = await api('/api/botilbud');
  main.innerHTML = '<h1>Botilbud</h1><div id="t"></div><div id="b-edit"></div>';
  renderTable(document.getElementById('t'), [
    { key: 'botilbud_id', label: 'Botilbud' }, { key: 'section', label: 'Afsnit' }, { key: 'name', label: 'Navn' },
    { key: 'municipality_code', label: 'Kommune' }, { key: 'paragraph', label: 'Paragraf' }, { key: 'places', label: 'Pladser', type: 'int' },
    { key: 'operator', label: 'Driftsform' }, { key: 'residents', label: 'Beboere', type: 'int' },
    { key: 'valid_from', label: 'Gælder fra' }, { key: 'valid_to', label: 'Til' },
  ], t.rows, { exportUrl: '/api/botilbud', caption: `${int(t.rows.length)} rækker (afsnit over tid)` });
  renderBostedEdit(document.getElementById('b-edit'), { api, me, rows: t.rows, reload: pageBotilbud });
}

async function pageAudit() {
  const t = await api('/api/audit?limit=500');
  main.innerHTML = '<h1>Revisionslog</h1><div id="t"></div>';
  renderTable(document.getElementById('t'), [
    { key: 'id', label: 'Nr.', type: 'int' }, { key: 'at', label: 'Tidspunkt', type: 'time' }, { key: 'username', label: 'Bruger' },
    { key: 'action', label: 'Handling' }, { key: 'detail', label: 'Detaljer' },
  ], t.rows, { exportUrl: '/api/audit', caption: `${int(t.total)} hændelser (nyeste først)` });
}

const ROUTES = {
  '#/login': pageLogin, '#/oversigt': pageOverview, '#/klinikker': pageClinics, '#/opgoerelse': pageStatement,
  '#/linjer': pageLines, '#/afvisninger': pageRejections, '#/koersler': pageRuns, '#/overenskomst': pageAgreement,
  '#/oekonomi': pageEconomy, '#/botilbud': pageBotilbud,
  '#/genberegning': () => pageRerun({ main, api, params, qs, me }),
  '#/bostedslaeger': () => pageBostedCoverage({ main, api, params, qs, charts }),
  '#/bostedsrapport': () => pageBostedReport({ main, api, params, qs, charts }), '#/revision': pageAudit,
  '#/pulje': () => pagePool({ main, api, me }), '#/ansoegning': () => pageApplication({ main, api, params, me }),
  '#/sanktioner': () => pageSanctions({ main, api, me }), '#/deling': () => pageSharing({ main, api, me }),
};

async function route() {
  clearCharts();
  const path = location.hash.split('?')[0] || '#/oversigt';
  if (!me && path !== '#/login') {
    try { me = await api('/api/me'); } catch { return; }
  }
  nav();
  const page = ROUTES[path] || (me?.permissions.clinic_data ? pageOverview : pageAgreement);
  try { await page(); } catch (err) { main.innerHTML = `<p class="error">${esc(err.message)}</p>`; }
  document.body.dataset.page = path.slice(2) || 'oversigt';
}

window.addEventListener('hashchange', route);
route();
export { ITEM_DA, dateDa };
