// Lægedækningspuljen (#/pulje, #/ansoegning?id=): calls, applications, the
// assessment committee's scores and recommendation, the board's decision,
// instalments and status reports. The API enforces every role.
import { t, tEnum } from '../i18n.js';
import { api, sendJson } from '../api.js';
import { kr, mioKr, int, dateDa } from '../format.js';
import { renderTable, esc } from '../table.js';
import { formHtml, bindForm } from '../forms.js';
import { regionName } from '../places.js';

const REGIONS = ['1081', '1082', '1083', '1084', '1085'];
const PROJECTS = ['professional_community', 'cross_disciplinary', 'satellite_transport', 'settling_families', 'premises', 'tutors', 'training_posts', 'operating_costs'];
const PARTNERS = ['municipality', 'plo_regional', 'local_organisation'];

export async function pagePool(ctx) {
  const { main, me } = ctx;
  const [calls, apps, committee] = await Promise.all([api('/api/pool/calls'), api('/api/pool/applications'), api('/api/pool/committee')]);
  const sec = me.role === 'pool_secretariat' || me.role === 'rltn';
  const cards = calls.rows.map((c) => `<div class="card"><div class="k">${esc(c.name)} (${esc(tEnum('case_status', c.status))})</div>
    <div class="v">${mioKr(c.remaining_ore)}</div><div class="k">${esc(t('pool.call_sub', { budget: mioKr(c.budget_ore), granted: mioKr(c.granted_ore), paid: mioKr(c.paid_ore) }))}</div></div>`).join('');
  const callFields = [
    { name: 'name', label: t('pool.call_name'), required: true, wide: true },
    { name: 'year', label: t('pool.year'), kind: 'int', value: '2025', required: true },
    { name: 'opens', label: t('pool.opens'), kind: 'date', required: true },
    { name: 'closes', label: t('pool.closes'), kind: 'date', required: true, check: (v, all) => (all.opens && v <= all.opens ? t('pool.closes_after') : '') },
    { name: 'budget', label: t('pool.budget'), kind: 'amount', hint: t('pool.budget_hint') },
  ];
  const appFields = [
    { name: 'call', label: t('pool.call'), kind: 'select', options: calls.rows.map((c) => [c.id, c.name]) },
    ...(me.role === 'region' ? [] : [{ name: 'region', label: t('col.region'), kind: 'select', options: REGIONS.map((r) => [r, regionName(r)]) }]),
    { name: 'type', label: t('pool.project_type'), kind: 'select', options: PROJECTS.map((p) => [p, tEnum('project_type', p)]) },
    { name: 'title', label: t('pool.title_field'), required: true, wide: true },
    { name: 'area', label: t('pool.area'), required: true },
    { name: 'amount', label: t('pool.amount'), kind: 'amount', required: true },
    { name: 'cofin', label: t('pool.cofinancing'), kind: 'amount' },
    { name: 'partner_type', label: t('pool.partner_type'), kind: 'select', options: [['', t('pool.partner_none')], ...PARTNERS.map((p) => [p, tEnum('partner_type', p)])] },
    { name: 'partner_name', label: t('pool.partner_name'), hint: t('pool.partner_hint'), check: (v, all) => (all.partner_type && !v ? t('form.required') : '') },
  ];
  main.innerHTML = `<h1>${esc(t('pool.heading'))}</h1>
    <p class="muted">${esc(t('pool.intro'))}</p>
    <div class="cards">${cards || `<p class="muted">${esc(t('pool.no_calls'))}</p>`}</div>
    ${sec ? formHtml('new-call', callFields, t('pool.create_call'), { title: t('pool.new_call') }) : ''}
    ${(me.role === 'region' || sec) && calls.rows.length ? formHtml('new-app', appFields, t('pool.submit_application'), { title: t('pool.new_application') }) : ''}
    <h2>${esc(t('pool.applications'))}</h2><div id="apps"></div>
    <h2>${esc(t('pool.committee'))}</h2><div id="committee"></div>`;
  renderTable(document.getElementById('apps'), [
    { key: 'id', label: t('pool.col_no'), type: 'int', link: (r) => `#/ansoegning?id=${r.id}` },
    { key: 'region_code', label: t('col.region'), html: (r) => esc(regionName(r.region_code)) },
    { key: 'project_type', label: t('pool.project_type'), html: (r) => esc(tEnum('project_type', r.project_type)) },
    { key: 'title', label: t('pool.title_field'), link: (r) => `#/ansoegning?id=${r.id}` },
    { key: 'amount_ore', label: t('pool.col_applied'), type: 'kr' }, { key: 'cofinancing_ore', label: t('pool.cofinancing'), type: 'kr' },
    { key: 'status', label: t('col.status'), html: (r) => esc(tEnum('case_status', r.status)) },
    { key: 'scores', label: t('pool.col_scores'), type: 'int' },
    { key: 'granted_ore', label: t('pool.col_granted'), type: 'kr' }, { key: 'paid_ore', label: t('pool.col_paid'), type: 'kr' },
    { key: 'submitted_at', label: t('pool.col_submitted'), type: 'time' },
  ], apps.rows, { exportUrl: '/api/pool/applications', caption: t('pool.applications_caption', { n: int(apps.rows.length) }), label: t('pool.applications') });
  renderTable(document.getElementById('committee'), [
    { key: 'username', label: t('pool.col_member') }, { key: 'party', label: t('pool.col_party'), html: (r) => esc(tEnum('party', r.party)) },
    { key: 'region_code', label: t('pool.col_member_region'), html: (r) => esc(r.region_code ? regionName(r.region_code) : '–') },
    { key: 'appointed_at', label: t('pool.col_appointed'), type: 'time' },
  ], committee.rows, { exportUrl: '/api/pool/committee', label: t('pool.committee') });
  const reload = () => pagePool(ctx);
  bindForm(document.getElementById('new-call'), callFields, (v) => {
    const body = { name: v.name, year: v.year, opens: v.opens, closes: v.closes };
    if (v.budget !== null) body.budget_ore = v.budget;
    return sendJson('/api/pool/calls', body);
  }, { done: reload });
  bindForm(document.getElementById('new-app'), appFields, (v) => {
    const body = { call_id: Number(v.call), project_type: v.type, title: v.title, area: v.area, amount_ore: v.amount, cofinancing_ore: v.cofin ?? 0,
      partners: v.partner_type ? [{ type: v.partner_type, name: v.partner_name }] : [] };
    if (v.region) body.region_code = v.region;
    return sendJson('/api/pool/applications', body);
  }, { done: reload });
}

export async function pageApplication(ctx) {
  const { main, params, me, setTitle } = ctx;
  const id = params().id;
  const a = await api(`/api/pool/applications/${encodeURIComponent(id || '')}`);
  setTitle(t('pool.application_title', { id: a.id }));
  const base = `/api/pool/applications/${a.id}`;
  const step = (label, at, by) => (at ? `<li>${esc(t('pool.step', { label, date: dateDa(at), by }))}</li>` : '');
  const r = me.role;
  const sec = r === 'pool_secretariat' || r === 'rltn';
  const scoreFields = [
    { name: 'score', label: t('pool.score'), kind: 'select', options: [1, 2, 3, 4, 5].map((n) => [n, String(n)]), value: 4 },
    { name: 'rec', label: t('pool.recommends'), kind: 'checkbox', value: true },
    { name: 'comment', label: t('pool.comment'), wide: true },
  ];
  const recFields = [
    { name: 'rec', label: t('pool.recommendation'), kind: 'select', options: [['1', t('pool.rec_yes')], ['0', t('pool.rec_no')]] },
    { name: 'amount', label: t('pool.recommended_amount'), kind: 'amount' },
  ];
  const decideFields = [
    { name: 'grant', label: t('pool.decision'), kind: 'select', options: [['1', t('pool.grant')], ['0', t('pool.refuse')]] },
    { name: 'amount', label: t('pool.grant_amount'), kind: 'amount', hint: t('pool.grant_amount_hint') },
    { name: 'note', label: t('pool.comment'), wide: true },
  ];
  const payFields = [{ name: 'amount', label: t('pool.instalment'), kind: 'amount', required: true }, { name: 'paid_on', label: t('pool.paid_on'), kind: 'date' }];
  const reportFields = [{ name: 'due', label: t('pool.due'), kind: 'date', required: true }];
  const open = (a.reports || []).filter((x) => !x.received_at);
  const receiveFields = [
    { name: 'rid', label: t('pool.report'), kind: 'select', options: open.map((x) => [x.id, t('pool.report_no', { id: x.id })]) },
    { name: 'summary', label: t('pool.report_summary'), required: true, wide: true },
  ];
  const canScore = r === 'pool_committee' && a.status === 'submitted' && !a.conflict_of_interest;
  const canRecommend = ((r === 'pool_committee' && !a.conflict_of_interest) || r === 'pool_secretariat') && a.status === 'submitted';
  main.innerHTML = `<h1>${esc(t('pool.application_heading', { id: int(a.id), title: a.title }))}</h1>
    <div class="cards">
      <div class="card"><div class="k">${esc(t('col.status'))}</div><div class="v" id="app-status">${esc(tEnum('case_status', a.status))}</div></div>
      <div class="card"><div class="k">${esc(t('pool.col_applied'))}</div><div class="v">${kr(a.amount_ore)}</div><div class="k">${esc(t('pool.cofinancing_sub', { amount: kr(a.cofinancing_ore) }))}</div></div>
      <div class="card"><div class="k">${esc(t('pool.col_granted'))}</div><div class="v">${kr(a.granted_ore)}</div></div>
    </div>
    <div class="panel"><p>${esc(regionName(a.region_code))} · ${esc(tEnum('project_type', a.project_type))} · ${esc(a.area)}</p>
      <p>${esc(t('pool.partners', { list: (a.partners || []).map((p) => `${p.name} (${tEnum('partner_type', p.type)})`).join(', ') || '–' }))}</p>
      <ul>${step(t('pool.step_submitted'), a.submitted_at, a.submitted_by)}${step(a.recommendation === 'recommend' ? t('pool.step_recommended', { amount: kr(a.recommended_ore) }) : t('pool.step_not_recommended'), a.recommended_at, a.recommended_by)}${step(a.decision === 'grant' ? t('pool.step_granted') : t('pool.step_refused'), a.decided_at, a.decided_by)}</ul>
      ${a.conflict_of_interest ? `<p class="notice">${esc(t('pool.conflict'))}</p>` : ''}</div>
    ${canScore ? formHtml('score', scoreFields, t('pool.save_score'), { title: t('pool.score_heading') }) : ''}
    ${canRecommend ? formHtml('recommend', recFields, t('pool.save_recommendation'), { title: t('pool.recommendation_heading') }) : ''}
    ${r === 'pool_board' && !a.decision ? formHtml('decide', decideFields, t('pool.save_decision'), { title: t('pool.decision_heading') }) : ''}
    ${sec && a.status === 'granted' ? formHtml('pay', payFields, t('pool.save_payment'), { title: t('pool.payment_heading') }) : ''}
    ${sec && a.status === 'granted' ? formHtml('report', reportFields, t('pool.request_report'), { title: t('pool.report_heading') }) : ''}
    ${open.length && (r === 'region' || sec) ? formHtml('receive', receiveFields, t('pool.submit_report'), { title: t('pool.receive_heading') }) : ''}
    <h2>${esc(t('pool.scores'))}</h2><div id="scores"></div><h2>${esc(t('pool.payments'))}</h2><div id="payments"></div><h2>${esc(t('pool.reports'))}</h2><div id="reports"></div>`;
  renderTable(document.getElementById('scores'), [
    { key: 'username', label: t('pool.col_member') }, { key: 'party', label: t('pool.col_party'), html: (x) => esc(tEnum('party', x.party)) },
    { key: 'score', label: t('pool.score'), type: 'int' },
    { key: 'recommend', label: t('pool.recommends'), html: (x) => esc(x.recommend ? t('common.yes') : t('common.no')) }, { key: 'comment', label: t('pool.comment') },
    { key: 'scored_at', label: t('col.time'), type: 'time' },
  ], a.scores || [], { empty: t('pool.no_scores'), label: t('pool.scores') });
  renderTable(document.getElementById('payments'), [
    { key: 'instalment', label: t('pool.col_instalment'), type: 'int' }, { key: 'amount_ore', label: t('col.amount'), type: 'kr' },
    { key: 'paid_on', label: t('pool.paid_on'), type: 'date' }, { key: 'created_by', label: t('pool.col_by') },
  ], a.payments || [], { empty: t('pool.no_payments'), label: t('pool.payments') });
  renderTable(document.getElementById('reports'), [
    { key: 'id', label: t('pool.col_no'), type: 'int' }, { key: 'requested_at', label: t('pool.col_requested'), type: 'time' }, { key: 'due', label: t('pool.due'), type: 'date' },
    { key: 'received_at', label: t('pool.col_received'), type: 'time' }, { key: 'received_by', label: t('pool.col_by') }, { key: 'summary', label: t('pool.report_summary') },
  ], a.reports || [], { empty: t('pool.no_reports'), label: t('pool.reports') });
  const reload = () => pageApplication(ctx);
  bindForm(document.getElementById('score'), scoreFields, (v) => sendJson(`${base}/scores`, { score: Number(v.score), recommend: v.rec, comment: v.comment }), { done: reload });
  bindForm(document.getElementById('recommend'), recFields, (v) => {
    const body = { recommend: v.rec === '1' };
    if (v.amount !== null) body.amount_ore = v.amount;
    return sendJson(`${base}/recommendation`, body);
  }, { done: reload });
  bindForm(document.getElementById('decide'), decideFields, (v) => {
    const body = { grant: v.grant === '1', note: v.note };
    if (v.amount !== null) body.amount_ore = v.amount;
    return sendJson(`${base}/decision`, body);
  }, { done: reload });
  bindForm(document.getElementById('pay'), payFields, (v) => sendJson(`${base}/payments`, { amount_ore: v.amount, ...(v.paid_on ? { paid_on: v.paid_on } : {}) }), { done: reload });
  bindForm(document.getElementById('report'), reportFields, (v) => sendJson(`${base}/reports`, { due: v.due }), { done: reload });
  bindForm(document.getElementById('receive'), receiveFields, (v) => sendJson(`/api/pool/reports/${encodeURIComponent(v.rid)}/receive`, { summary: v.summary }), { done: reload });
}
