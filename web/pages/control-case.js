// Kontrolsager (#/kontrolsager) and one case (#/kontrolsag?id=): the region's
// (RLTN's) post-payment control of a clinic: the reasons it was opened for, an
// audit sample drawn from a seed, the documentation asked of the clinic and its
// answers, the finding per sampled line, and the conclusion that recovers
// confirmed errors in the ledger and may refer the case to the LSU. A clinic sees
// its own cases and answers them (API: /api/control/cases…, docs/control.md).
import { t, tEnum } from '../i18n.js';
import { api, sendJson } from '../api.js';
import { kr, int, dateDa, timeDa, monthDa, decimalDa } from '../format.js';
import { renderTable, esc } from '../table.js';
import { formHtml, bindForm } from '../forms.js';
import { regionName } from '../places.js';
import { reasonText, indicatorName } from './control.js';

const status = (s) => tEnum('control_status', s);
const stratum = (s) => (s === 'other' || s === 'all' ? t(`control.stratum_${s}`) : indicatorName(s));

export async function pageControlCases({ main, me }) {
  const r = await api('/api/control/cases');
  main.innerHTML = `<h1>${esc(t('control.cases_heading'))}</h1>
    <p class="muted">${esc(t(me.role === 'clinic' ? 'control.cases_intro_clinic' : 'control.cases_intro'))}</p>
    ${me.role !== 'clinic' ? `<p><a class="button" href="#/kontrol">${esc(t('control.to_ranking'))}</a></p>` : ''}
    <div id="cases-t"></div>`;
  renderTable(document.getElementById('cases-t'), [
    { key: 'id', label: t('control.col_case'), type: 'int', link: (c) => `#/kontrolsag?id=${c.id}` },
    { key: 'provider', label: t('col.provider') },
    ...(me.role === 'rltn' ? [{ key: 'region_code', label: t('col.region'), html: (c) => esc(regionName(c.region_code)) }] : []),
    { key: 'period_from', label: t('control.col_period'), html: (c) => esc(t('control.period', { from: monthDa(c.period_from), to: monthDa(c.period_to) })) },
    { key: 'status', label: t('col.status'), html: (c) => esc(status(c.status)) },
    { key: 'opened_at', label: t('control.col_opened'), type: 'time' },
    { key: 'sample_size', label: t('control.col_sample'), type: 'int' },
    { key: 'due_date', label: t('control.col_due'), type: 'date' },
    { key: 'recovered_ore', label: t('control.col_recovered'), type: 'kr' },
    { key: 'lsu_case_id', label: t('control.col_lsu') },
  ], r.rows, { exportUrl: '/api/control/cases', empty: t('control.no_cases'), label: t('control.cases_heading') });
}

export async function pageControlCase(ctx) {
  const { main, params, setTitle } = ctx;
  const id = Number(params().id);
  const c = await api(`/api/control/cases/${encodeURIComponent(params().id || '')}`);
  setTitle(t('control.case_title', { id, provider: c.provider }));
  const open = c.status !== 'concluded';
  const decide = c.may_decide && open;
  const e = c.evaluation;
  const items = c.sample.map((l) => [String(l.item), t('control.item_option', { item: l.item, claim: l.claim_id, code: l.code, amount: kr(l.amount_ore) })]);
  const sampleFields = [
    { name: 'method', label: t('control.method'), kind: 'select', options: [['mus', t('control.method_mus')], ['stratified', t('control.method_stratified')]], wide: true },
    { name: 'confidence', label: t('control.confidence'), kind: 'select', value: '95', options: [['80', '80 %'], ['90', '90 %'], ['95', '95 %'], ['99', '99 %']] },
    { name: 'tolerable', label: t('control.tolerable'), kind: 'amount', required: true, hint: t('control.tolerable_hint') },
    { name: 'expected', label: t('control.expected'), kind: 'amount', hint: t('control.expected_hint') },
    { name: 'seed', label: t('control.seed'), kind: 'int', hint: t('control.seed_hint') },
  ];
  const requestFields = [
    { name: 'text', label: t('control.request_text'), kind: 'textarea', required: true, wide: true },
    { name: 'due_date', label: t('control.due'), kind: 'date' },
  ];
  // The sampled line's field is 'line', not 'item': form.elements.item is the
  // collection's item() method, so a control named item cannot be read by name.
  const findingFields = [
    { name: 'line', label: t('control.line'), kind: 'select', options: items, wide: true },
    { name: 'finding', label: t('control.finding'), kind: 'select', options: [['correct', tEnum('control_finding', 'correct')], ['error', tEnum('control_finding', 'error')]] },
    { name: 'error', label: t('control.error_amount'), kind: 'amount', hint: t('control.error_amount_hint') },
    { name: 'note', label: t('control.note'), kind: 'textarea', wide: true },
    { name: 'paragraph', label: t('col.paragraph'), hint: t('control.paragraph_hint') },
  ];
  const answerFields = [
    { name: 'text', label: t('control.answer_text'), kind: 'textarea', required: true, wide: true },
    { name: 'line', label: t('control.line_optional'), kind: 'select', options: [['0', t('control.whole_case')], ...items], wide: true },
  ];
  const concludeFields = [
    { name: 'text', label: t('control.conclusion'), kind: 'textarea', required: true, wide: true },
    { name: 'recover', label: t('control.recover'), kind: 'checkbox' },
    { name: 'lsu', label: t('control.lsu'), kind: 'checkbox' },
  ];
  const risk = c.risk || { reasons: [], indicators: [] };
  main.innerHTML = `<h1>${esc(t('control.case_heading', { id, provider: c.provider, name: risk.name || '' }))}</h1>
    <p class="muted">${esc(t('control.case_intro', { status: status(c.status), from: monthDa(c.period_from), to: monthDa(c.period_to), by: c.opened_by, at: timeDa(c.opened_at) }))}</p>
    <div class="cards">
      <div class="card"><span class="muted">${esc(t('col.status'))}</span><strong id="case-status">${esc(status(c.status))}</strong></div>
      <div class="card"><span class="muted">${esc(t('control.col_materiality'))}</span><strong>${kr(risk.materiality_ore)}</strong></div>
      <div class="card"><span class="muted">${esc(t('control.col_sample'))}</span><strong>${esc(c.plan.method ? int(c.plan.sample_size) : t('control.no_sample'))}</strong></div>
      <div class="card"><span class="muted">${esc(t('control.col_recovered'))}</span><strong id="case-recovered">${kr(c.recovered_ore)}</strong></div>
    </div>
    <h2>${esc(t('control.reasons'))}</h2>
    ${risk.reasons.length ? `<ul class="reasons">${risk.reasons.map((x) => `<li>${esc(reasonText(risk, x))}</li>`).join('')}</ul>` : `<p>${esc(t('control.no_reasons'))}</p>`}
    <h2>${esc(t('control.sample_heading'))}</h2>
    ${c.plan.method ? `<p class="muted" id="case-plan">${esc(t('control.plan', { method: t(`control.method_${c.plan.method}`), seed: c.plan.seed, n: int(c.plan.sample_size),
      lines: int(c.plan.population_lines), amount: kr(c.plan.population_ore), cl: decimalDa(c.plan.confidence_ppm / 10000, 0), te: kr(c.plan.tolerable_error_ore) }))}${c.plan.interval_ore ? ' ' + esc(t('control.interval', { j: kr(c.plan.interval_ore) })) : ''}</p>
      <div id="case-strata"></div><div id="case-sample"></div>`
    : (decide ? formHtml('case-sample-form', sampleFields, t('control.draw'), { intro: t('control.sample_intro') }) : `<p class="muted">${esc(t('control.no_sample_yet'))}</p>`)}
    ${decide && c.plan.method ? formHtml('case-finding', findingFields, t('control.record_finding'), { title: t('control.findings_heading') }) : ''}
    ${e ? `<h2>${esc(t('control.evaluation'))}</h2><p id="case-evaluation">${esc(t('control.evaluation_text', { reviewed: int(e.reviewed), n: int(e.sample), errors: int(e.errors), found: kr(e.error_ore), mle: kr(e.most_likely_error_ore), upper: kr(e.upper_error_ore) }))}
      ${esc(t(e.complete ? (e.accepted ? 'control.accepted' : 'control.not_accepted') : 'control.incomplete'))}</p>` : ''}
    <h2>${esc(t('control.dialogue'))}</h2>
    ${c.request.text ? `<p>${esc(t('control.requested', { by: c.request.requested_by, at: timeDa(c.request.requested_at), due: c.request.due_date ? dateDa(c.request.due_date) : t('control.no_due') }))}</p>` : ''}
    <div id="case-messages"></div>
    ${decide ? formHtml('case-request', requestFields, t('control.request'), { title: t('control.request_heading') }) : ''}
    ${c.may_answer ? formHtml('case-answer', answerFields, t('control.answer'), { title: t('control.answer_heading') }) : ''}
    <h2>${esc(t('control.conclusion_heading'))}</h2>
    ${c.status === 'concluded' ? `<p id="case-conclusion">${esc(t('control.concluded', { by: c.conclusion.concluded_by, at: timeDa(c.conclusion.concluded_at), text: c.conclusion.text }))}</p>
      ${c.recovered_ore ? `<p id="case-recovery">${esc(t('control.recovered_text', { amount: kr(c.recovered_ore) }))}</p>` : ''}
      ${c.lsu_case_id ? `<p id="case-lsu">${esc(t('control.lsu_ref', { ref: c.lsu_case_id }))}</p><div id="case-sanctions"></div>` : ''}`
    : (decide ? formHtml('case-conclude', concludeFields, t('control.conclude'), { intro: t('control.conclude_intro') }) : `<p class="muted">${esc(t('control.not_concluded'))}</p>`)}`;

  if (c.plan.method) {
    renderTable(document.getElementById('case-strata'), [
      { key: 'stratum', label: t('control.col_stratum'), html: (s) => esc(stratum(s.stratum)) },
      { key: 'lines', label: t('col.lines'), type: 'int' },
      { key: 'amount_ore', label: t('col.amount'), type: 'kr' },
      { key: 'sample_size', label: t('control.col_sample'), type: 'int' },
    ], c.strata, { label: t('control.col_stratum') });
    renderTable(document.getElementById('case-sample'), [
      { key: 'item', label: t('control.col_item'), type: 'int' },
      { key: 'claim_id', label: t('col.claim') },
      { key: 'service_date', label: t('col.date'), type: 'date' },
      { key: 'code', label: t('col.code') },
      { key: 'stratum', label: t('control.col_stratum'), html: (l) => esc(stratum(l.stratum)) },
      { key: 'amount_ore', label: t('col.amount'), type: 'kr' },
      { key: 'finding', label: t('control.finding'), html: (l) => esc(l.finding ? tEnum('control_finding', l.finding) : t('control.not_reviewed')) },
      { key: 'error_ore', label: t('control.error_amount'), type: 'kr' },
      { key: 'note', label: t('control.note') },
      { key: 'recovered_ore', label: t('control.col_recovered'), type: 'kr' },
    ], c.sample, { exportUrl: `/api/control/cases/${id}/sample`, label: t('control.sample_heading'), pageSize: 100 });
  }
  renderTable(document.getElementById('case-messages'), [
    { key: 'at', label: t('col.time'), type: 'time' },
    { key: 'by', label: t('control.col_by') },
    { key: 'kind', label: t('control.col_kind'), html: (m) => esc(tEnum('control_message', m.kind)) },
    { key: 'item', label: t('control.col_item'), html: (m) => esc(m.item ? int(m.item) : '') },
    { key: 'text', label: t('control.col_text') },
  ], c.messages, { empty: t('control.no_messages'), label: t('control.dialogue') });
  const sanctions = document.getElementById('case-sanctions');
  if (sanctions) {
    renderTable(sanctions, [
      { key: 'decided', label: t('sanctions.decided'), type: 'date' },
      { key: 'doctor_id', label: t('sanctions.doctor') },
      { key: 'kind', label: t('sanctions.kind'), html: (s) => esc(tEnum('sanction_kind', s.kind)) },
      { key: 'amount_ore', label: t('col.amount'), type: 'kr' },
    ], c.sanctions, { empty: t('control.no_sanctions'), label: t('control.lsu_decisions') });
  }

  const reload = () => pageControlCase(ctx);
  const base = `/api/control/cases/${id}`;
  bindForm(document.getElementById('case-sample-form'), sampleFields, (v) => sendJson(`${base}/sample`, {
    method: v.method, confidence_pct: Number(v.confidence), tolerable_error_ore: v.tolerable, expected_error_ore: v.expected ?? 0,
    ...(v.seed !== null && v.seed !== undefined ? { seed: v.seed } : {}),
  }), { done: reload });
  bindForm(document.getElementById('case-request'), requestFields, (v) => sendJson(`${base}/request`, { text: v.text, due_date: v.due_date || '' }), { done: reload });
  bindForm(document.getElementById('case-answer'), answerFields, (v) => sendJson(`${base}/answers`, { text: v.text, item: Number(v.line || 0) }), { done: reload });
  bindForm(document.getElementById('case-finding'), findingFields, (v) => sendJson(`${base}/findings`, {
    item: Number(v.line), finding: v.finding, error_ore: v.finding === 'error' ? (v.error ?? 0) : 0, note: v.note, paragraph: v.paragraph,
  }), { done: reload });
  bindForm(document.getElementById('case-conclude'), concludeFields, (v) => sendJson(`${base}/conclude`, { text: v.text, recover: v.recover, lsu: v.lsu }), { done: reload });
}
