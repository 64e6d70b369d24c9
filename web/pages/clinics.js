// Klinikker (#/klinikker) and a clinic's Honorarspecifikation (#/opgoerelse?provider=&month=),
// with a way on to the clinic's own rejected lines.
import { t, tEnum } from '../i18n.js';
import { api } from '../api.js';
import { kr, int, monthDa, yesNo } from '../format.js';
import { renderTable, esc } from '../table.js';
import { municipalityNames, municipalityLabel, regionName } from '../places.js';

export async function pageClinics({ main, qs }) {
  const [tb, names] = await Promise.all([api('/api/providers'), municipalityNames()]);
  main.innerHTML = `<h1>${esc(t('clinics.heading'))}</h1><div id="t"></div>`;
  renderTable(document.getElementById('t'), [
    { key: 'provider', label: t('col.provider'), link: (r) => `#/opgoerelse${qs({ provider: r.provider })}` },
    { key: 'name', label: t('col.name') },
    { key: 'municipality_code', label: t('col.municipality'), html: (r) => esc(municipalityLabel(names, r.municipality_code)) },
    { key: 'region_code', label: t('col.region'), html: (r) => esc(regionName(r.region_code)) },
    { key: 'clinic_type', label: t('col.clinic_type'), html: (r) => esc(tEnum('clinic_type', r.clinic_type)) },
    { key: 'lto', label: t('col.lto'), html: (r) => esc(yesNo(r.lto)) },
    { key: 'amount_ore', label: t('clinics.col_paid'), type: 'kr', link: (r) => `#/opgoerelse${qs({ provider: r.provider })}` },
  ], tb.rows, { exportUrl: '/api/providers', caption: t('clinics.caption', { n: int(tb.rows.length) }), filter: true, pageSize: 100, label: t('clinics.heading') });
}

export async function pageStatement({ main, params, qs, me, setTitle }) {
  const p = params();
  const tb = await api('/api/statements' + qs({ provider: p.provider, month: p.month }));
  const months = [...new Set(tb.rows.map((r) => r.month))].sort();
  const name = tb.rows[0]?.name || '';
  const total = tb.rows.reduce((s, r) => s + r.amount_ore, 0);
  if (p.provider) setTitle(t('statement.title', { provider: p.provider, name }));
  const canDrill = me.permissions.lines;
  const rejLink = canDrill && p.provider ? `#/linjer${qs({ provider: p.provider, month: p.month, status: 'rejected' })}` : null;
  main.innerHTML = `<h1>${esc(t('statement.heading', { provider: p.provider || '', name }))}</h1>
    <div class="toolbar"><label for="month">${esc(t('col.month'))}</label> <select id="month"><option value="">${esc(t('statement.all_months'))}</option>${months.map((m) => `<option value="${m}" ${m === p.month ? 'selected' : ''}>${esc(monthDa(m))}</option>`).join('')}</select>
    <span class="muted">${esc(t('statement.total'))} <strong id="statement-total">${kr(total)}</strong></span>
    ${rejLink ? `<span class="spacer"></span><a class="button" id="statement-rejections" href="${rejLink}">${esc(t('statement.rejected_lines'))}</a>` : ''}</div>
    <div id="t"></div>`;
  document.getElementById('month').onchange = (e) => { location.hash = '#/opgoerelse' + qs({ provider: p.provider, month: e.target.value }); };
  renderTable(document.getElementById('t'), [
    { key: 'month', label: t('col.month'), type: 'month' },
    { key: 'item', label: t('col.item'), type: 'item' },
    { key: 'code', label: t('col.code') },
    { key: 'count', label: t('col.count'), type: 'int' },
    { key: 'amount_ore', label: t('col.amount'), type: 'kr', link: (r) => (canDrill ? `#/linjer${qs({ provider: r.provider, month: r.month, code: r.item === 'service' || r.item === 'chronic_fee' ? r.code : '' })}` : null) },
  ], tb.rows, { exportUrl: '/api/statements' + qs({ provider: p.provider, month: p.month }), empty: t('statement.empty'),
    caption: canDrill ? t('statement.drill_hint') : '', label: t('title.statement') });
}
