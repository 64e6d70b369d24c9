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

// The statement of one clinic (from the ledger's balances): per month what was
// paid and how many lines were rejected (one click to them), and per month,
// item and code the amount, each opening exactly the postings that make it up
// (provider + month + item + code); a service code's count opens its lines.
export async function pageStatement({ main, params, qs, me, setTitle }) {
  const p = params();
  const tb = await api('/api/statements' + qs({ provider: p.provider, month: p.month }));
  const months = [...new Set(tb.rows.map((r) => r.month))].sort();
  const name = tb.rows[0]?.name || '';
  const total = tb.rows.reduce((s, r) => s + r.amount_ore, 0);
  if (p.provider) setTitle(t('statement.title', { provider: p.provider, name }));
  const canDrill = me.permissions.lines;
  const rejLink = canDrill && p.provider ? `#/linjer${qs({ provider: p.provider, month: p.month, status: 'rejected' })}` : null;
  // Rejected lines per month (the count only: one small request a month).
  const rejected = canDrill && p.provider && !p.month
    ? await Promise.all(months.map((m) => api('/api/lines' + qs({ provider: p.provider, month: m, status: 'rejected', limit: 1 })).then((x) => x.total).catch(() => null)))
    : null;
  const byMonth = months.map((m, i) => ({ month: m, amount_ore: tb.rows.filter((r) => r.month === m).reduce((s, r) => s + r.amount_ore, 0), rejected: rejected ? rejected[i] : null }));
  main.innerHTML = `<h1>${esc(t('statement.heading', { provider: p.provider || '', name }))}</h1>
    <div class="toolbar"><label for="month">${esc(t('col.month'))}</label> <select id="month"><option value="">${esc(t('statement.all_months'))}</option>${months.map((m) => `<option value="${m}" ${m === p.month ? 'selected' : ''}>${esc(monthDa(m))}</option>`).join('')}</select>
    <span class="muted">${esc(t('statement.total'))} <strong id="statement-total">${kr(total)}</strong></span>
    <span class="spacer"></span>
    ${p.provider ? `<a class="button" id="statement-postings" href="#/posteringer${qs({ provider: p.provider, month: p.month })}">${esc(t('statement.postings'))}</a>` : ''}
    ${rejLink ? `<a class="button" id="statement-rejections" href="${rejLink}">${esc(t(p.month ? 'statement.rejected_lines_month' : 'statement.rejected_lines', { month: monthDa(p.month) }))}</a>` : ''}</div>
    ${p.provider && !p.month && months.length ? `<h2>${esc(t('statement.by_month'))}</h2><div id="m"></div><h2>${esc(t('statement.items'))}</h2>` : ''}
    <div id="t"></div>`;
  document.getElementById('month').onchange = (e) => { location.hash = '#/opgoerelse' + qs({ provider: p.provider, month: e.target.value }); };
  if (document.getElementById('m')) {
    renderTable(document.getElementById('m'), [
      { key: 'month', label: t('col.month'), type: 'month', link: (r) => `#/opgoerelse${qs({ provider: p.provider, month: r.month })}` },
      { key: 'amount_ore', label: t('col.paid'), type: 'kr', link: (r) => `#/posteringer${qs({ provider: p.provider, month: r.month })}` },
      ...(rejected ? [{ key: 'rejected', label: t('statement.col_rejected'), type: 'int',
        link: (r) => (r.rejected ? `#/linjer${qs({ provider: p.provider, month: r.month, status: 'rejected' })}` : null) }] : []),
    ], byMonth, { label: t('statement.by_month') });
  }
  const postings = (r) => `#/posteringer${qs({ provider: r.provider, month: r.month, item: r.item, code: r.code })}`;
  renderTable(document.getElementById('t'), [
    { key: 'month', label: t('col.month'), type: 'month' },
    { key: 'item', label: t('col.item'), type: 'item' },
    { key: 'code', label: t('col.code') },
    { key: 'count', label: t('col.count'), type: 'int', link: (r) => (canDrill && r.item === 'service' && r.code ? `#/linjer${qs({ provider: r.provider, month: r.month, code: r.code })}` : null) },
    { key: 'amount_ore', label: t('col.amount'), type: 'kr', link: postings },
  ], tb.rows, { exportUrl: '/api/statements' + qs({ provider: p.provider, month: p.month }), empty: t('statement.empty'),
    caption: t(canDrill ? 'statement.drill_hint' : 'statement.drill_hint_postings'), label: t('title.statement') });
}
