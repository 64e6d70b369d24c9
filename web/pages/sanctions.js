// LSU-sanktioner og ansættelser (#/sanktioner): decisions (RLTN registers), their
// effect (stopped services, offsets in statements) and employed doctors per clinic.
import { t, tEnum } from '../i18n.js';
import { api, sendJson } from '../api.js';
import { int, dateDa } from '../format.js';
import { renderTable, esc } from '../table.js';
import { formHtml, bindForm } from '../forms.js';
import { ruleHtml, ruleName } from '../rules.js';

const KINDS = ['a', 'b', 'c', 'd', 'e', 'f'];
const after = (key) => (v, all) => (v && all[key] && v <= all[key] ? t('error.period_order') : '');
const provider = (v) => (!v || /^\d{6}$/.test(v) ? '' : t('error.provider_format'));

export async function pageSanctions(ctx) {
  const { main, me, qs } = ctx;
  const [s, eff, emp] = await Promise.all([api('/api/sanctions'), api('/api/sanctions/effect'), api('/api/employments')]);
  const sanctionFields = [
    { name: 'doctor_id', label: t('sanctions.doctor'), required: true },
    { name: 'provider', label: t('col.provider'), check: provider },
    { name: 'kind', label: t('sanctions.kind'), kind: 'select', options: KINDS.map((k) => [k, tEnum('sanction_kind', k)]), wide: true },
    { name: 'decided', label: t('sanctions.decided'), kind: 'date', required: true },
    { name: 'from_date', label: t('col.from'), kind: 'date' },
    { name: 'to_date', label: t('sanctions.to'), kind: 'date', hint: t('sanctions.to_hint'), check: after('from_date') },
    { name: 'amount', label: t('sanctions.amount'), kind: 'amount', hint: t('sanctions.amount_hint') },
    { name: 'repetition', label: t('sanctions.repetition'), kind: 'checkbox' },
  ];
  const empFields = [
    { name: 'doctor_id', label: t('sanctions.doctor'), required: true },
    ...(me.role === 'rltn' ? [{ name: 'provider', label: t('col.provider'), required: true, check: provider }] : []),
    { name: 'from_date', label: t('col.from'), kind: 'date', required: true },
    { name: 'to_date', label: t('sanctions.emp_to'), kind: 'date', hint: t('sanctions.emp_to_hint'), check: after('from_date') },
  ];
  main.innerHTML = `<h1>${esc(t('sanctions.heading'))}</h1>
    <p class="muted">${esc(t('sanctions.intro'))}</p>
    ${me.role === 'rltn' ? formHtml('new-sanction', sanctionFields, t('sanctions.register'), { title: t('sanctions.new') }) : ''}
    <div id="t"></div>
    <h2>${esc(t('sanctions.stopped'))}</h2><div id="stopped"></div>
    <h2>${esc(t('sanctions.collected'))}</h2><div id="collected"></div>
    <h2>${esc(t('sanctions.employments'))}</h2>
    ${me.role === 'rltn' || me.role === 'clinic' ? formHtml('new-emp', empFields, t('sanctions.register_employment'), { title: t('sanctions.new_employment') }) : ''}
    <div id="emp"></div>`;
  renderTable(document.getElementById('t'), [
    { key: 'decided', label: t('sanctions.decided'), type: 'date' }, { key: 'doctor_id', label: t('sanctions.doctor') }, { key: 'provider', label: t('col.provider') },
    { key: 'kind', label: t('sanctions.kind'), html: (r) => esc(tEnum('sanction_kind', r.kind)) },
    { key: 'from_date', label: t('col.from'), type: 'date' }, { key: 'to_date', label: t('sanctions.to_excl'), html: (r) => esc(r.to_date ? dateDa(r.to_date) : t('sanctions.permanent')) },
    { key: 'amount_ore', label: t('col.amount'), type: 'kr' }, { key: 'repetition', label: t('sanctions.repetition'), html: (r) => esc(r.repetition ? t('common.yes') : '') },
    { key: 'case_id', label: t('sanctions.case') }, { key: 'created_by', label: t('sanctions.registered_by') },
  ], s.rows, { exportUrl: '/api/sanctions', caption: t('sanctions.caption', { n: int(s.rows.length) }), empty: t('sanctions.none'), label: t('sanctions.heading') });
  renderTable(document.getElementById('stopped'), [
    { key: 'provider', label: t('col.provider') }, { key: 'rule', label: t('col.rule'), html: (r) => ruleHtml(r.rule), sort: (r) => ruleName(r.rule) },
    { key: 'month', label: t('col.month'), type: 'month' },
    { key: 'lines', label: t('sanctions.stopped_lines'), type: 'int', link: (r) => (me.permissions.lines ? `#/linjer${qs({ provider: r.provider, month: r.month, rule: r.rule })}` : null) },
  ], eff.stopped.rows, { exportUrl: '/api/sanctions/effect?table=stopped', empty: t('sanctions.none_stopped'), label: t('sanctions.stopped') });
  renderTable(document.getElementById('collected'), [
    { key: 'provider', label: t('col.provider') }, { key: 'month', label: t('col.month'), type: 'month' }, { key: 'collected_ore', label: t('sanctions.collected_amount'), type: 'kr' },
  ], eff.collected.rows, { exportUrl: '/api/sanctions/effect?table=collected', empty: t('sanctions.none_collected'), label: t('sanctions.collected') });
  renderTable(document.getElementById('emp'), [
    { key: 'provider', label: t('col.provider') }, { key: 'doctor_id', label: t('sanctions.doctor') }, { key: 'from_date', label: t('col.from'), type: 'date' },
    { key: 'to_date', label: t('sanctions.to_excl'), html: (r) => esc(r.to_date ? dateDa(r.to_date) : t('sanctions.open')) }, { key: 'created_by', label: t('sanctions.registered_by') },
  ], emp.rows, { exportUrl: '/api/employments', empty: t('sanctions.no_employments'), label: t('sanctions.employments') });
  const reload = () => pageSanctions(ctx);
  bindForm(document.getElementById('new-sanction'), sanctionFields, (v) => {
    const body = { doctor_id: v.doctor_id, provider: v.provider, kind: v.kind, decided: v.decided, from_date: v.from_date || '', to_date: v.to_date || '', repetition: v.repetition };
    if (v.amount !== null) body.amount_ore = v.amount;
    return sendJson('/api/sanctions', body);
  }, { done: reload });
  bindForm(document.getElementById('new-emp'), empFields, (v) => sendJson('/api/employments', { doctor_id: v.doctor_id, ...(v.provider ? { provider: v.provider } : {}), from_date: v.from_date, to_date: v.to_date || '' }), { done: reload });
}
