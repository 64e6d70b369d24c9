// The agreement's case work (issue 7): Lægedækningspuljen (#/pulje, #/ansoegning?id=),
// LSU-sanktioner og ansættelser (#/sanktioner), datadeling og budgetter (#/deling).
// Pages get {main, api, params, qs, me} from app.js; the API enforces every role.
import { kr, mioKr, int, dateDa } from './format.js';
import { renderTable, esc } from './table.js';

export const CASE_ROLE_DA = {
  pool_secretariat: 'Fondens sekretariat', pool_committee: 'Bedømmelsesudvalget', pool_board: 'Fondens bestyrelse',
};
const PROJECT_DA = {
  professional_community: 'Faglige fællesskaber', cross_disciplinary: 'Tværfaglige indsatser',
  satellite_transport: 'Satellitklinikker og transport', settling_families: 'Bosætning af læger og familier',
  premises: 'Attraktive lokaler', tutors: 'Tutorforløb', training_posts: 'Uddannelsesforløb', operating_costs: 'Driftsudgifter',
};
const STATUS_DA = {
  submitted: 'indsendt', recommended: 'indstillet', not_recommended: 'ikke indstillet', granted: 'bevilget', refused: 'afslået',
  open: 'åben', evaluated: 'evalueret',
};
const REGION_DA = { 1081: 'Region Nordjylland', 1082: 'Region Midtjylland', 1083: 'Region Syddanmark', 1084: 'Region Hovedstaden', 1085: 'Region Sjælland' };
const KIND_DA = {
  a: 'a) advarsel/misbilligelse', b: 'b) tilbagebetaling', c: 'c) bod', d: 'd) suspension', e: 'e) udelukkelse', f: 'f) udelukket fra ansættelse',
};
const NOTE_DA = { journal_note: 'Journalnotater', lab_values: 'Laboratorieværdier', all: 'Alt' };
const SECTOR_DA = { hospital: 'Sygehuse', municipality: 'Kommuner', specialist_practice: 'Speciallægepraksis', other_practice: 'Anden almen praksis', all: 'Alle sektorer' };

// "1.234,50" (kr.) -> 123450 øre, without floating point.
function toOre(text) {
  const m = /^\s*(-?[\d.]*\d)(?:,(\d{1,2}))?\s*(kr\.?)?\s*$/.exec(String(text));
  if (!m) throw new Error(`"${text}" er ikke et beløb i kr.`);
  return Number(m[1].replace(/\./g, '')) * 100 + Number((m[2] || '0').padEnd(2, '0'));
}
const post = (api, path, body) => api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
function form(id, fields, button) {
  return `<form class="panel" id="${id}"><div class="toolbar">${fields}<button class="primary">${esc(button)}</button></div><div class="error"></div></form>`;
}
function onSubmit(id, fn, after) {
  const f = document.getElementById(id);
  if (!f) return;
  f.onsubmit = async (e) => {
    e.preventDefault();
    try { await fn(f); after(); } catch (err) { f.querySelector('.error').textContent = err.message; }
  };
}

export function caseNavItems(me) {
  const r = me.role;
  const items = [];
  if (['rltn', 'plo', 'region', 'pool_secretariat', 'pool_committee', 'pool_board'].includes(r)) items.push(['#/pulje', 'Lægedækningspulje']);
  if (['rltn', 'plo', 'region', 'clinic'].includes(r)) items.push(['#/sanktioner', 'Sanktioner']);
  if (['rltn', 'plo', 'clinic', 'pool_secretariat'].includes(r)) items.push(['#/deling', 'Datadeling og budgetter']);
  return items;
}

// ---- Lægedækningspuljen ------------------------------------------------------------

export async function pagePool({ main, api, me }) {
  const calls = await api('/api/pool/calls');
  const apps = await api('/api/pool/applications');
  const committee = await api('/api/pool/committee');
  const sec = me.role === 'pool_secretariat' || me.role === 'rltn';
  const cards = calls.rows.map((c) => `<div class="card"><div class="k">${esc(c.name)} (${esc(STATUS_DA[c.status] || c.status)})</div>
    <div class="v">${mioKr(c.remaining_ore)}</div><div class="k">tilbage af ${mioKr(c.budget_ore)} · bevilget ${mioKr(c.granted_ore)} · udbetalt ${mioKr(c.paid_ore)}</div></div>`).join('');
  main.innerHTML = `<h1>Lægedækningspuljen</h1>
    <p class="muted">Fonden for almen praksis, 20 mio. kr. i 2025 (OK25 afsnit 1). Bedømmelsesudvalget (tre fra hver part) scorer og indstiller; fondens bestyrelse beslutter. Ingen bevilling over puljens rest.</p>
    <div class="cards">${cards || '<p class="muted">Ingen opslag endnu.</p>'}</div>
    ${sec ? form('new-call', `<input name="name" placeholder="Navn på opslag" required><input name="year" value="2025" size="5"><input name="opens" placeholder="åbner (ÅÅÅÅ-MM-DD)" required><input name="closes" placeholder="lukker (ÅÅÅÅ-MM-DD)" required><input name="budget" placeholder="budget i kr. (tom = hele puljen)">`, 'Opret opslag') : ''}
    ${me.role === 'region' || sec ? form('new-app', `<select name="call">${calls.rows.map((c) => `<option value="${c.id}">${esc(c.name)}</option>`).join('')}</select>
      ${me.role === 'region' ? '' : `<select name="region">${Object.entries(REGION_DA).map(([k, v]) => `<option value="${k}">${esc(v)}</option>`).join('')}</select>`}
      <select name="type">${Object.entries(PROJECT_DA).map(([k, v]) => `<option value="${k}">${esc(v)}</option>`).join('')}</select>
      <input name="title" placeholder="Projekttitel" required><input name="area" placeholder="Område" required>
      <input name="amount" placeholder="ansøgt beløb i kr." required><input name="cofin" placeholder="medfinansiering i kr.">
      <input name="partners" placeholder="partnere: kommune:Lolland Kommune; plo_regional:PLO-Sjælland">`, 'Indsend ansøgning') : ''}
    <h2>Ansøgninger</h2><div id="apps"></div>
    <h2>Bedømmelsesudvalget</h2><div id="committee"></div>`;
  renderTable(document.getElementById('apps'), [
    { key: 'id', label: 'Nr.', type: 'int', link: (r) => `#/ansoegning?id=${r.id}` },
    { key: 'region_code', label: 'Region', html: (r) => esc(REGION_DA[r.region_code] || r.region_code) },
    { key: 'project_type', label: 'Projekttype', html: (r) => esc(PROJECT_DA[r.project_type] || r.project_type) },
    { key: 'title', label: 'Titel', link: (r) => `#/ansoegning?id=${r.id}` },
    { key: 'amount_ore', label: 'Ansøgt', type: 'kr' }, { key: 'cofinancing_ore', label: 'Medfinansiering', type: 'kr' },
    { key: 'status', label: 'Status', html: (r) => esc(STATUS_DA[r.status] || r.status) },
    { key: 'scores', label: 'Scoringer', type: 'int' },
    { key: 'granted_ore', label: 'Bevilget', type: 'kr' }, { key: 'paid_ore', label: 'Udbetalt', type: 'kr' },
    { key: 'submitted_at', label: 'Indsendt', type: 'time' },
  ], apps.rows, { exportUrl: '/api/pool/applications', caption: `${int(apps.rows.length)} ansøgninger` });
  renderTable(document.getElementById('committee'), [
    { key: 'username', label: 'Medlem' }, { key: 'party', label: 'Udpeget af', html: (r) => (r.party === 'rltn' ? 'RLTN' : 'PLO') },
    { key: 'region_code', label: 'Region (inhabilitet)', html: (r) => esc(REGION_DA[r.region_code] || '–') },
    { key: 'appointed_at', label: 'Udpeget', type: 'time' },
  ], committee.rows, { exportUrl: '/api/pool/committee' });
  const reload = () => pagePool({ main, api, me });
  onSubmit('new-call', (f) => {
    const body = { name: f.name.value, year: Number(f.year.value), opens: f.opens.value, closes: f.closes.value };
    if (f.budget.value) body.budget_ore = toOre(f.budget.value);
    return post(api, '/api/pool/calls', body);
  }, reload);
  onSubmit('new-app', (f) => {
    const partners = f.partners.value.split(';').map((s) => s.trim()).filter(Boolean).map((s) => {
      const [t, ...n] = s.split(':');
      const type = { kommune: 'municipality', plo: 'plo_regional', lokal: 'local_organisation' }[t.trim()] || t.trim();
      return { type, name: n.join(':').trim() };
    });
    const body = { call_id: Number(f.call.value), project_type: f.type.value, title: f.title.value, area: f.area.value,
      amount_ore: toOre(f.amount.value), cofinancing_ore: f.cofin.value ? toOre(f.cofin.value) : 0, partners };
    if (f.region) body.region_code = f.region.value;
    return post(api, '/api/pool/applications', body);
  }, reload);
}

export async function pageApplication({ main, api, params, me }) {
  const id = params().id;
  const a = await api(`/api/pool/applications/${encodeURIComponent(id)}`);
  const base = `/api/pool/applications/${a.id}`;
  const step = (label, at, by) => (at ? `<li>${esc(label)}: ${dateDa(at)} af ${esc(by)}</li>` : '');
  const r = me.role;
  const sec = r === 'pool_secretariat' || r === 'rltn';
  main.innerHTML = `<h1>Ansøgning ${int(a.id)}: ${esc(a.title)}</h1>
    <div class="cards">
      <div class="card"><div class="k">Status</div><div class="v" id="app-status">${esc(STATUS_DA[a.status] || a.status)}</div></div>
      <div class="card"><div class="k">Ansøgt</div><div class="v">${kr(a.amount_ore)}</div><div class="k">medfinansiering ${kr(a.cofinancing_ore)}</div></div>
      <div class="card"><div class="k">Bevilget</div><div class="v">${kr(a.granted_ore)}</div></div>
    </div>
    <div class="panel"><p>${esc(REGION_DA[a.region_code] || a.region_code)} · ${esc(PROJECT_DA[a.project_type] || a.project_type)} · ${esc(a.area)}</p>
      <p>Partnere: ${(a.partners || []).map((p) => esc(`${p.name} (${p.type})`)).join(', ') || '–'}</p>
      <ul>${step('Indsendt', a.submitted_at, a.submitted_by)}${step(a.recommendation === 'recommend' ? `Indstillet (${kr(a.recommended_ore)})` : 'Ikke indstillet', a.recommended_at, a.recommended_by)}${step(a.decision === 'grant' ? 'Bevilget' : 'Afslået', a.decided_at, a.decided_by)}</ul>
      ${a.conflict_of_interest ? '<p class="error">Du er inhabil: din region har søgt. Du kan ikke score eller indstille denne ansøgning.</p>' : ''}</div>
    ${r === 'pool_committee' && a.status === 'submitted' && !a.conflict_of_interest ? form('score', '<select name="score"><option>1</option><option>2</option><option>3</option><option selected>4</option><option>5</option></select><label><input type="checkbox" name="rec" checked> anbefales</label><input name="comment" placeholder="Bemærkning">', 'Gem score') : ''}
    ${(r === 'pool_committee' && !a.conflict_of_interest || r === 'pool_secretariat') && a.status === 'submitted' ? form('recommend', '<select name="rec"><option value="1">Indstil til støtte</option><option value="0">Indstil ikke</option></select><input name="amount" placeholder="indstillet beløb i kr.">', 'Registrér udvalgets indstilling') : ''}
    ${r === 'pool_board' && !a.decision ? form('decide', '<select name="grant"><option value="1">Bevilg</option><option value="0">Afslå</option></select><input name="amount" placeholder="beløb i kr. (tom = indstillet)"><input name="note" placeholder="Bemærkning">', 'Træf beslutning') : ''}
    ${sec && a.status === 'granted' ? form('pay', '<input name="amount" placeholder="rate i kr." required><input name="paid_on" placeholder="udbetalt (ÅÅÅÅ-MM-DD)">', 'Registrér udbetaling') : ''}
    ${sec && a.status === 'granted' ? form('report', '<input name="due" placeholder="frist (ÅÅÅÅ-MM-DD)" required>', 'Anmod om statusrapport') : ''}
    <h2>Scoringer</h2><div id="scores"></div><h2>Udbetalinger (rater)</h2><div id="payments"></div><h2>Statusrapporter</h2><div id="reports"></div>`;
  renderTable(document.getElementById('scores'), [
    { key: 'username', label: 'Medlem' }, { key: 'party', label: 'Part' }, { key: 'score', label: 'Score', type: 'int' },
    { key: 'recommend', label: 'Anbefaler', html: (x) => (x.recommend ? 'ja' : 'nej') }, { key: 'comment', label: 'Bemærkning' },
    { key: 'scored_at', label: 'Tidspunkt', type: 'time' },
  ], a.scores || []);
  renderTable(document.getElementById('payments'), [
    { key: 'instalment', label: 'Rate', type: 'int' }, { key: 'amount_ore', label: 'Beløb', type: 'kr' },
    { key: 'paid_on', label: 'Udbetalt', type: 'date' }, { key: 'created_by', label: 'Af' },
  ], a.payments || []);
  const repEl = document.getElementById('reports');
  renderTable(repEl, [
    { key: 'id', label: 'Nr.', type: 'int' }, { key: 'requested_at', label: 'Anmodet', type: 'time' }, { key: 'due', label: 'Frist', type: 'date' },
    { key: 'received_at', label: 'Modtaget', type: 'time' }, { key: 'received_by', label: 'Af' }, { key: 'summary', label: 'Status' },
  ], a.reports || []);
  const open = (a.reports || []).filter((x) => !x.received_at);
  if (open.length && (r === 'region' || sec)) {
    repEl.insertAdjacentHTML('beforeend', form('receive', `<select name="rid">${open.map((x) => `<option value="${x.id}">Rapport ${x.id}</option>`).join('')}</select><input name="summary" placeholder="Status for fremdriften" required>`, 'Indsend statusrapport'));
  }
  const reload = () => pageApplication({ main, api, params, me });
  onSubmit('score', (f) => post(api, `${base}/scores`, { score: Number(f.score.value), recommend: f.rec.checked, comment: f.comment.value }), reload);
  onSubmit('recommend', (f) => {
    const body = { recommend: f.rec.value === '1' };
    if (f.amount.value) body.amount_ore = toOre(f.amount.value);
    return post(api, `${base}/recommendation`, body);
  }, reload);
  onSubmit('decide', (f) => {
    const body = { grant: f.grant.value === '1', note: f.note.value };
    if (f.amount.value) body.amount_ore = toOre(f.amount.value);
    return post(api, `${base}/decision`, body);
  }, reload);
  onSubmit('pay', (f) => post(api, `${base}/payments`, { amount_ore: toOre(f.amount.value), ...(f.paid_on.value ? { paid_on: f.paid_on.value } : {}) }), reload);
  onSubmit('report', (f) => post(api, `${base}/reports`, { due: f.due.value }), reload);
  onSubmit('receive', (f) => post(api, `/api/pool/reports/${f.rid.value}/receive`, { summary: f.summary.value }), reload);
}

// ---- Sanktioner og ansættelser -----------------------------------------------------------

export async function pageSanctions({ main, api, me }) {
  const s = await api('/api/sanctions');
  const eff = await api('/api/sanctions/effect');
  const emp = await api('/api/employments');
  main.innerHTML = `<h1>LSU-sanktioner (§ 114 stk. 2 a–f)</h1>
    <p class="muted">d) suspension og e) udelukkelse afviser ydelser i perioden; b) og c) modregnes i honorarspecifikationen indtil betalt; f) spærrer for ansættelse (§§ 23–26) og som fast bostedslæge (OK25 pkt. 5.7). Perioder er [fra, til) – til-datoen er første dag uden sanktion.</p>
    ${me.role === 'rltn' ? form('new-sanction', `<input name="doctor_id" placeholder="Læge-id" required><input name="provider" placeholder="Ydernummer" size="8">
      <select name="kind">${Object.entries(KIND_DA).map(([k, v]) => `<option value="${k}">${esc(v)}</option>`).join('')}</select>
      <input name="decided" placeholder="besluttet (ÅÅÅÅ-MM-DD)" required><input name="from_date" placeholder="fra" size="11"><input name="to_date" placeholder="til (tom = varig)" size="14">
      <input name="amount" placeholder="beløb i kr. (b/c)" size="12"><label><input type="checkbox" name="repetition"> gentagelsesvirkning</label>`, 'Registrér afgørelse') : ''}
    <div id="t"></div>
    <h2>Virkning: afviste ydelser</h2><div id="stopped"></div>
    <h2>Virkning: modregnet i honorarspecifikationer</h2><div id="collected"></div>
    <h2>Ansatte læger pr. klinik (§§ 23–26)</h2>
    ${me.role === 'rltn' || me.role === 'clinic' ? form('new-emp', `<input name="doctor_id" placeholder="Læge-id" required>${me.role === 'rltn' ? '<input name="provider" placeholder="Ydernummer" required>' : ''}<input name="from_date" placeholder="fra (ÅÅÅÅ-MM-DD)" required><input name="to_date" placeholder="til (tom = åben)">`, 'Registrér ansættelse') : ''}
    <div id="emp"></div>`;
  renderTable(document.getElementById('t'), [
    { key: 'decided', label: 'Besluttet', type: 'date' }, { key: 'doctor_id', label: 'Læge' }, { key: 'provider', label: 'Ydernummer' },
    { key: 'kind', label: 'Sanktion', html: (r) => esc(KIND_DA[r.kind] || r.kind) },
    { key: 'from_date', label: 'Fra', type: 'date' }, { key: 'to_date', label: 'Til (ekskl.)', html: (r) => (r.to_date ? dateDa(r.to_date) : 'varig') },
    { key: 'amount_ore', label: 'Beløb', type: 'kr' }, { key: 'repetition', label: 'Gentagelsesvirkning', html: (r) => (r.repetition ? 'ja' : '') },
    { key: 'case_id', label: 'Sag' }, { key: 'created_by', label: 'Registreret af' },
  ], s.rows, { exportUrl: '/api/sanctions', caption: `${int(s.rows.length)} afgørelser` });
  renderTable(document.getElementById('stopped'), [
    { key: 'provider', label: 'Ydernummer' }, { key: 'rule', label: 'Regel' }, { key: 'month', label: 'Måned', type: 'month' },
    { key: 'lines', label: 'Afviste linjer', type: 'int', link: (r) => `#/linjer?provider=${r.provider}&month=${r.month}&rule=${r.rule}` },
  ], eff.stopped.rows, { exportUrl: '/api/sanctions/effect?table=stopped', empty: 'Ingen ydelser afvist på grund af sanktioner.' });
  renderTable(document.getElementById('collected'), [
    { key: 'provider', label: 'Ydernummer' }, { key: 'month', label: 'Måned', type: 'month' }, { key: 'collected_ore', label: 'Modregnet', type: 'kr' },
  ], eff.collected.rows, { exportUrl: '/api/sanctions/effect?table=collected', empty: 'Intet modregnet endnu.' });
  renderTable(document.getElementById('emp'), [
    { key: 'provider', label: 'Ydernummer' }, { key: 'doctor_id', label: 'Læge' }, { key: 'from_date', label: 'Fra', type: 'date' },
    { key: 'to_date', label: 'Til (ekskl.)', html: (r) => (r.to_date ? dateDa(r.to_date) : 'åben') }, { key: 'created_by', label: 'Registreret af' },
  ], emp.rows, { exportUrl: '/api/employments' });
  const reload = () => pageSanctions({ main, api, me });
  onSubmit('new-sanction', (f) => {
    const body = { doctor_id: f.doctor_id.value, provider: f.provider.value, kind: f.kind.value, decided: f.decided.value,
      from_date: f.from_date.value, to_date: f.to_date.value, repetition: f.repetition.checked };
    if (f.amount.value) body.amount_ore = toOre(f.amount.value);
    return post(api, '/api/sanctions', body);
  }, reload);
  onSubmit('new-emp', (f) => post(api, '/api/employments', { doctor_id: f.doctor_id.value, ...(f.provider ? { provider: f.provider.value } : {}), from_date: f.from_date.value, to_date: f.to_date.value }), reload);
}

// ---- Datadeling og budgetter -----------------------------------------------------------------

export async function pageSharing({ main, api, me }) {
  const r = me.role;
  const canCheck = r === 'rltn' || r === 'clinic';
  const budgets = r === 'clinic' ? null : await api('/api/budgets?year=2025');
  const log = canCheck ? await api('/api/sharing/log') : null;
  const noteOpts = (all) => Object.entries(NOTE_DA).filter(([k]) => all || k !== 'all').map(([k, v]) => `<option value="${k}">${esc(v)}</option>`).join('');
  const sectorOpts = (all) => Object.entries(SECTOR_DA).filter(([k]) => all || k !== 'all').map(([k, v]) => `<option value="${k}">${esc(v)}</option>`).join('');
  main.innerHTML = `<h1>Datadeling og budgetter</h1>
    ${canCheck ? `<p class="muted">Patientens spærring for deling af journalnotater og laboratorieværdier respekteres (OK25 afsnit 3). CPR-nummeret pseudonymiseres straks og gemmes eller logges aldrig.</p>
    ${form('block', `<input name="cpr" placeholder="CPR-nummer" autocomplete="off" required><select name="note_type">${noteOpts(true)}</select><select name="sector">${sectorOpts(true)}</select>`, 'Registrér spærring')}
    ${form('check', `<input name="cpr" placeholder="CPR-nummer" autocomplete="off" required>${r === 'rltn' ? '<input name="provider" placeholder="Ydernummer" required>' : ''}<select name="note_type">${noteOpts(false)}</select><select name="sector">${sectorOpts(false)}</select>`, 'Må der deles?')}
    <div id="answer"></div><h2>Log over svar</h2><div id="log"></div>` : ''}
    ${budgets ? '<h2>Budgetter 2025</h2><div class="cards" id="budgets"></div>' : ''}
    ${budgets && (r === 'rltn' || r === 'plo') ? form('spend', `<select name="budget"><option value="it_subsidy">It-tilskud</option><option value="partsforum">Partsforum</option></select><input name="amount" placeholder="beløb i kr." required><input name="spent_on" placeholder="dato (ÅÅÅÅ-MM-DD)" required><input name="description" placeholder="Beskrivelse" required>`, 'Registrér forbrug') : ''}
    ${budgets ? '<div id="spend-t"></div>' : ''}`;
  if (log) {
    renderTable(document.getElementById('log'), [
      { key: 'at', label: 'Tidspunkt', type: 'time' }, { key: 'username', label: 'Bruger' }, { key: 'provider', label: 'Ydernummer' },
      { key: 'note_type', label: 'Data', html: (x) => esc(NOTE_DA[x.note_type] || x.note_type) },
      { key: 'sector', label: 'Sektor', html: (x) => esc(SECTOR_DA[x.sector] || x.sector) },
      { key: 'allowed', label: 'Svar', html: (x) => (x.allowed ? '<span class="status-accepted">må deles</span>' : `<span class="status-rejected">spærret (nr. ${int(x.block_id)})</span>`) },
      { key: 'pseudonym_prefix', label: 'Pseudonym (start)' },
    ], log.rows, { exportUrl: '/api/sharing/log', caption: `${int(log.rows.length)} svar` });
  }
  if (budgets) {
    document.getElementById('budgets').innerHTML = budgets.budgets.map((b) => `<div class="card"><div class="k">${esc(b.name)}</div><div class="v">${mioKr(b.remaining_ore)}</div><div class="k">tilbage af ${mioKr(b.budget_ore)} · brugt ${kr(b.spent_ore)}</div></div>`).join('');
    renderTable(document.getElementById('spend-t'), [
      { key: 'spent_on', label: 'Dato', type: 'date' }, { key: 'budget', label: 'Budget', html: (x) => (x.budget === 'it_subsidy' ? 'It-tilskud' : 'Partsforum') },
      { key: 'amount_ore', label: 'Beløb', type: 'kr' }, { key: 'description', label: 'Beskrivelse' }, { key: 'created_by', label: 'Registreret af' },
    ], budgets.spend.rows, { exportUrl: '/api/budgets?year=2025' });
  }
  const reload = () => pageSharing({ main, api, me });
  onSubmit('block', async (f) => { await post(api, '/api/sharing/blocks', { cpr: f.cpr.value, note_type: f.note_type.value, sector: f.sector.value }); f.cpr.value = ''; }, reload);
  const check = document.getElementById('check');
  if (check) {
    check.onsubmit = async (e) => {
      e.preventDefault();
      const el = document.getElementById('answer');
      try {
        const body = { cpr: check.cpr.value, note_type: check.note_type.value, sector: check.sector.value };
        if (check.provider) body.provider = check.provider.value;
        const a = await post(api, '/api/sharing/check', body);
        check.cpr.value = '';
        el.innerHTML = `<div class="panel ${a.allowed ? 'status-accepted' : 'status-rejected'}" id="share-answer"><strong>${a.allowed ? 'Må deles' : 'Må ikke deles'}</strong> – ${esc(a.reason)}</div>`;
      } catch (err) { el.innerHTML = `<p class="error">${esc(err.message)}</p>`; }
    };
  }
  onSubmit('spend', (f) => post(api, '/api/budgets/spend', { budget: f.budget.value, amount_ore: toOre(f.amount.value), spent_on: f.spent_on.value, description: f.description.value }), reload);
}
