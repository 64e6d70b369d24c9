// Editing the botilbud register (municipality: its own botilbud; region: fixed
// doctors in its region; RLTN: everything). POST/PUT /api/bosted/botilbud and
// /api/bosted/attachments. A change applies from a date and never overwrites.
import { t, tEnum } from '../i18n.js';
import { sendJson } from '../api.js';
import { esc } from '../table.js';
import { formHtml, bindForm, formOk } from '../forms.js';

const PARAGRAPHS = ['SEL108', 'ABL105', 'SEL107', 'BL43', 'OPHOLDSSTED', 'OTHER'];
const OPERATORS = ['municipal', 'regional', 'private'];
const opts = (group, values, empty) => [...(empty ? [['', empty]] : []), ...values.map((v) => [v, tEnum(group, v)])];

export function renderBostedEdit(el, { me, rows, reload }) {
  const editRegister = me.role === 'municipality' || me.role === 'rltn';
  if (!editRegister && me.role !== 'region') { el.innerHTML = ''; return; }
  const ids = [...new Set(rows.map((r) => r.botilbud_id))].map((i) => [i, i]);
  const today = new Date().toISOString().slice(0, 10);
  const newFields = [
    { name: 'botilbud_id', label: t('bedit.id'), required: true },
    { name: 'name', label: t('col.name'), required: true, wide: true },
    ...(me.role === 'rltn' ? [{ name: 'municipality_code', label: t('bedit.municipality_code'), required: true, check: (v) => (/^\d{3,4}$/.test(v) ? '' : t('bedit.municipality_code_invalid')) }] : []),
    { name: 'paragraph', label: t('col.paragraph'), kind: 'select', options: opts('bosted_paragraph', PARAGRAPHS) },
    { name: 'places', label: t('botilbud.col_places'), kind: 'int', required: true },
    { name: 'operator', label: t('botilbud.col_operator'), kind: 'select', options: opts('operator', OPERATORS) },
    { name: 'section', label: t('botilbud.col_section'), hint: t('bedit.section_hint') },
    { name: 'residents', label: t('botilbud.col_residents'), kind: 'int', required: true },
    { name: 'valid_from', label: t('col.valid_from'), kind: 'date', value: today, required: true },
  ];
  const changeFields = [
    { name: 'id', label: t('botilbud.col_id'), kind: 'select', options: ids },
    { name: 'valid_from', label: t('col.valid_from'), kind: 'date', value: today, required: true },
    { name: 'places', label: t('botilbud.col_places'), kind: 'int', hint: t('bedit.unchanged_hint') },
    { name: 'paragraph', label: t('col.paragraph'), kind: 'select', options: opts('bosted_paragraph', PARAGRAPHS, t('bedit.unchanged')) },
    { name: 'operator', label: t('botilbud.col_operator'), kind: 'select', options: opts('operator', OPERATORS, t('bedit.unchanged')) },
    { name: 'section', label: t('botilbud.col_section'), hint: t('bedit.section_hint') },
    { name: 'residents', label: t('bedit.section_residents'), kind: 'int', hint: t('bedit.unchanged_hint') },
    { name: 'end', label: t('bedit.end_section'), kind: 'checkbox' },
  ];
  const attachFields = [
    { name: 'botilbud_id', label: t('botilbud.col_id'), kind: 'select', options: ids },
    { name: 'section', label: t('botilbud.col_section'), hint: t('bedit.section_hint') },
    { name: 'provider', label: t('col.provider'), required: true, check: (v) => (/^\d{6}$/.test(v) ? '' : t('error.provider_format')) },
    { name: 'doctor_id', label: t('bedit.doctor_id') },
    { name: 'from_date', label: t('col.from'), kind: 'date', value: today, required: true },
    { name: 'to_date', label: t('bedit.to_date'), kind: 'date' },
    { name: 'listed_residents', label: t('bedit.listed_residents'), kind: 'int' },
  ];
  const attachButtons = `<button class="primary" type="submit" name="op" value="attach">${esc(t('bedit.attach'))}</button>
    <button type="submit" name="op" value="end">${esc(t('bedit.end_attachment'))}</button>`;
  el.innerHTML = `<h2>${esc(t('bedit.heading'))}</h2>
    <p class="muted">${esc(t('bedit.intro'))}</p>
    ${editRegister ? formHtml('be-new', newFields, t('bedit.create'), { title: t('bedit.new_heading') }) + formHtml('be-change', changeFields, t('bedit.save_change'), { title: t('bedit.change_heading') }) : ''}
    ${formHtml('be-attach', attachFields, '', { title: t('bedit.attach_heading'), buttons: attachButtons })}`;
  const saved = async (form) => { await reload(); formOk(document.getElementById(form.id), t('bedit.saved')); };
  const str = (v) => (v === null || v === undefined ? '' : String(v));
  bindForm(el.querySelector('#be-new'), newFields, (v) => {
    const b = { botilbud_id: v.botilbud_id, name: v.name, paragraph: v.paragraph, places: str(v.places), operator: v.operator, valid_from: v.valid_from,
      sections: [{ section: v.section, residents: str(v.residents) }] };
    if (v.municipality_code) b.municipality_code = v.municipality_code;
    return sendJson('/api/bosted/botilbud', b);
  }, { done: () => saved({ id: 'be-new' }) });
  bindForm(el.querySelector('#be-change'), changeFields, (v) => {
    const b = { valid_from: v.valid_from };
    if (v.places !== null) b.places = str(v.places);
    if (v.paragraph) b.paragraph = v.paragraph;
    if (v.operator) b.operator = v.operator;
    if (v.residents !== null || v.end) b.sections = [{ section: v.section, residents: str(v.residents), end: v.end }];
    return sendJson(`/api/bosted/botilbud/${encodeURIComponent(v.id)}`, b, 'PUT');
  }, { done: () => saved({ id: 'be-change' }) });
  bindForm(el.querySelector('#be-attach'), attachFields, (v, submitter) => {
    const b = { botilbud_id: v.botilbud_id, section: v.section, provider: v.provider, from_date: v.from_date };
    if (submitter && submitter.value === 'end') return sendJson('/api/bosted/attachments', { ...b, to_date: v.to_date || '' }, 'PUT');
    if (v.to_date) b.to_date = v.to_date;
    if (v.doctor_id) b.doctor_id = v.doctor_id;
    if (v.listed_residents !== null) b.listed_residents = str(v.listed_residents);
    return sendJson('/api/bosted/attachments', b);
  }, { done: () => saved({ id: 'be-attach' }) });
}
