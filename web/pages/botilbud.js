// Botilbud (#/botilbud): the register (sections over time), paged and filtered
// in the browser instead of drawing thousands of rows at once, and the forms to
// change it (bosted-edit.js).
import { t, tEnum } from '../i18n.js';
import { api } from '../api.js';
import { int, dateDa } from '../format.js';
import { renderTable, esc } from '../table.js';
import { municipalityNames, municipalityLabel } from '../places.js';
import { renderBostedEdit } from './bosted-edit.js';

export async function pageBotilbud(ctx) {
  const { main, me } = ctx;
  const [tb, names] = await Promise.all([api('/api/botilbud'), municipalityNames()]);
  main.innerHTML = `<h1>${esc(t('botilbud.heading'))}</h1><div id="t"></div><div id="b-edit"></div>`;
  renderTable(document.getElementById('t'), [
    { key: 'botilbud_id', label: t('botilbud.col_id') }, { key: 'section', label: t('botilbud.col_section') }, { key: 'name', label: t('col.name') },
    { key: 'municipality_code', label: t('col.municipality'), html: (r) => esc(municipalityLabel(names, r.municipality_code)) },
    { key: 'paragraph', label: t('col.paragraph'), html: (r) => esc(tEnum('bosted_paragraph', r.paragraph)) },
    { key: 'places', label: t('botilbud.col_places'), type: 'int' },
    { key: 'operator', label: t('botilbud.col_operator'), html: (r) => esc(tEnum('operator', r.operator)) },
    { key: 'residents', label: t('botilbud.col_residents'), type: 'int' },
    { key: 'valid_from', label: t('col.valid_from'), html: (r) => esc(r.valid_from ? dateDa(r.valid_from) : t('botilbud.always')) },
    { key: 'valid_to', label: t('col.valid_to'), html: (r) => esc(r.valid_to ? dateDa(r.valid_to) : t('agreement.open_end')) },
  ], tb.rows, { exportUrl: '/api/botilbud', caption: t('botilbud.caption', { n: int(tb.rows.length) }), pageSize: 50, filter: true, label: t('botilbud.heading') });
  renderBostedEdit(document.getElementById('b-edit'), { me, rows: tb.rows, reload: () => pageBotilbud(ctx) });
}
