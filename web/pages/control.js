// Kontrol (#/kontrol): risk-based post-payment control for a region (RLTN: the
// country or one region). Clinics ranked by risk with their reasons, and a
// clinic's indicators against its peers with the lines behind them
// (#/kontrol-klinik?provider=&year=), from which a control case is opened
// (API: /api/control/risk, /api/control/clinics/{provider}, docs/control.md).
import { t, tEnum } from '../i18n.js';
import { api, sendJson } from '../api.js';
import { kr, int, decimalDa, pctPpm } from '../format.js';
import { renderTable, esc } from '../table.js';
import { regionName } from '../places.js';

const REGIONS = ['1081', '1082', '1083', '1084', '1085'];

// An indicator's value in its unit (the API: øre, or millionths).
export function indicatorValue(unit, v) {
  if (v === null || v === undefined) return '';
  if (unit === 'ore_per_patient_year') return kr(v);
  if (unit === 'share') return pctPpm(v, 1);
  return decimalDa(Number(v) / 1e6, 2);
}

export const indicatorName = (id) => tEnum('control_indicator', id);
const points = (tenths) => decimalDa(Number(tenths) / 10, 1);

// One reason as a Danish sentence from the catalogue.
export function reasonText(clinic, reason) {
  const x = (clinic.indicators || []).find((i) => i.id === reason.indicator);
  if (!x) return indicatorName(reason.indicator);
  return t('control.reason', {
    indicator: indicatorName(x.id), value: indicatorValue(x.unit, x.value), median: indicatorValue(x.unit, x.peers?.median),
    pct: int(Math.floor((x.percentile_tenths || 0) / 10)), amount: kr(x.at_stake_ore),
  });
}

// The years the ledger holds (for the period choice).
async function years() {
  const l = await api('/api/ledger').catch(() => null);
  const from = Number((l?.period?.from || '').slice(0, 4)), to = Number((l?.period?.to || '').slice(0, 4));
  if (!from || !to) return [new Date().getFullYear()];
  const out = [];
  for (let y = to; y >= from; y -= 1) out.push(y);
  return out;
}

export async function pageControl({ main, params, qs, me }) {
  const p = params();
  const ys = await years();
  const year = p.year || String(ys[0]);
  const region = me.role === 'rltn' ? (p.region || '') : me.scope;
  const query = qs({ year, region: me.role === 'rltn' ? region : '' });
  const r = await api('/api/control/risk' + query);
  const flagged = r.clinics.filter((c) => c.score_tenths > 0).length;
  main.innerHTML = `<h1>${esc(t('control.heading'))}</h1>
    <p class="muted">${esc(t('control.intro'))}</p>
    <div class="toolbar">
      <label for="control-year">${esc(t('control.year'))}</label> <select id="control-year">${ys.map((y) => `<option value="${y}" ${String(y) === year ? 'selected' : ''}>${y}</option>`).join('')}</select>
      ${me.role === 'rltn' ? `<label for="control-region">${esc(t('col.region'))}</label> <select id="control-region"><option value="">${esc(t('control.all_regions'))}</option>${REGIONS.map((c) => `<option value="${c}" ${c === region ? 'selected' : ''}>${esc(regionName(c))}</option>`).join('')}</select>` : `<span class="muted">${esc(regionName(region))}</span>`}
      <span class="spacer"></span><a class="button" id="control-cases" href="#/kontrolsager">${esc(t('control.cases_link'))}</a>
    </div>
    <p class="muted" id="control-summary">${esc(t('control.summary', { n: int(r.clinics.length), flagged: int(flagged) }))}</p>
    <div id="control-t"></div>
    <p class="muted">${esc(t('control.method_note', { peers: int(r.settings.min_peers), days: int(r.settings.late_days) }))}</p>`;
  const go = () => {
    const y = document.getElementById('control-year').value;
    const reg = document.getElementById('control-region');
    location.hash = '#/kontrol' + qs({ year: y, region: reg ? reg.value : '' });
  };
  document.getElementById('control-year').onchange = go;
  const regSel = document.getElementById('control-region');
  if (regSel) regSel.onchange = go;
  renderTable(document.getElementById('control-t'), [
    { key: 'rank_in_region', label: t('control.col_rank'), type: 'int' },
    { key: 'provider', label: t('col.provider'), link: (c) => `#/kontrol-klinik${qs({ provider: c.provider, year })}` },
    { key: 'name', label: t('col.name') },
    ...(me.role === 'rltn' ? [{ key: 'region_code', label: t('col.region'), html: (c) => esc(regionName(c.region_code)) }] : []),
    { key: 'listed_patients', label: t('control.col_listed'), type: 'int' },
    { key: 'score_tenths', label: t('control.col_score'), num: true, html: (c) => esc(points(c.score_tenths)) },
    { key: 'materiality_ore', label: t('control.col_materiality'), type: 'kr' },
    { key: 'reasons', label: t('control.col_reasons'), sort: (c) => c.reasons.length,
      html: (c) => (c.reasons.length ? `<ul class="reasons">${c.reasons.map((x) => `<li>${esc(reasonText(c, x))}</li>`).join('')}</ul>` : esc(t('control.no_reasons'))) },
  ], r.clinics, { exportUrl: '/api/control/risk' + query, caption: t('control.caption'), filter: true, pageSize: 50,
    empty: t('control.empty'), label: t('control.heading') });
}

// #/kontrol-klinik?provider=&year=: the indicators of one clinic, its peers and the lines behind.
export async function pageControlClinic({ main, params, qs, setTitle }) {
  const p = params();
  const year = p.year || String(new Date().getFullYear());
  const c = await api(`/api/control/clinics/${encodeURIComponent(p.provider || '')}` + qs({ year }));
  const shared = await api(`/api/control/clinics/${encodeURIComponent(c.provider)}/shared-days` + qs({ year }));
  setTitle(t('control.clinic_title', { provider: c.provider, name: c.name }));
  const g = c.peer_group;
  const lines = (extra) => `#/linjer${qs({ provider: c.provider, ...extra })}`;
  const drill = {
    annual_status: lines({ code: '0120' }), review_rate: lines({ status: 'review' }),
    rejection_rate: lines({ status: 'rejected' }), same_day_elsewhere: '#samme-dag',
  };
  const annual = c.indicators.find((x) => x.id === 'annual_status');
  const combos = c.indicators.find((x) => x.id === 'unusual_combinations');
  main.innerHTML = `<h1>${esc(t('control.clinic_heading', { provider: c.provider, name: c.name }))}</h1>
    <p class="muted">${esc(t('control.clinic_intro', { year, peers: t(`control.level_${g.level}`, { region: regionName(g.region_code), type: tEnum('clinic_type', g.clinic_type), n: int(g.clinics) }) }))}</p>
    <div class="cards">
      <div class="card"><span class="muted">${esc(t('control.col_listed'))}</span><strong>${esc(int(c.listed_patients))}</strong></div>
      <div class="card"><span class="muted">${esc(t('control.weighted'))}</span><strong>${esc(decimalDa(c.weighted_patients_milli / 1000, 0))}</strong></div>
      <div class="card"><span class="muted">${esc(t('control.paid'))}</span><strong>${kr(c.paid_ore)}</strong></div>
      <div class="card"><span class="muted">${esc(t('control.col_score'))}</span><strong id="control-score">${esc(points(c.score_tenths))}</strong></div>
      <div class="card"><span class="muted">${esc(t('control.col_materiality'))}</span><strong>${kr(c.materiality_ore)}</strong></div>
    </div>
    ${c.reasons.length ? `<h2>${esc(t('control.reasons'))}</h2><ul class="reasons" id="control-reasons">${c.reasons.map((x) => `<li>${esc(reasonText(c, x))}</li>`).join('')}</ul>` : `<p>${esc(t('control.no_reasons'))}</p>`}
    <form class="panel form" id="open-case" novalidate><h2>${esc(t('control.open_case'))}</h2><p class="muted">${esc(t('control.open_case_intro', { year }))}</p>
      <div class="form-actions"><button class="primary" type="submit">${esc(t('control.open_case_button'))}</button></div><p class="form-error error" role="alert"></p></form>
    <h2>${esc(t('control.indicators'))}</h2><div id="ind-t"></div>
    <h2>${esc(t('control.by_indication'))}</h2><div id="ind-by"></div>
    <h2>${esc(t('control.rare_pairs'))}</h2><div id="ind-pairs"></div>
    <h2 id="samme-dag">${esc(t('control.shared_heading'))}</h2><p class="muted">${esc(t('control.shared_intro'))}</p><div id="ind-shared"></div>`;
  renderTable(document.getElementById('ind-t'), [
    { key: 'id', label: t('control.col_indicator'), html: (x) => esc(indicatorName(x.id)), link: (x) => drill[x.id] || null },
    { key: 'value', label: t('control.col_value'), num: true, html: (x) => esc(x.available ? indicatorValue(x.unit, x.value) : t('control.not_available')) },
    { key: 'median', label: t('control.col_median'), num: true, sort: (x) => x.peers?.median, html: (x) => esc(x.compared ? indicatorValue(x.unit, x.peers.median) : '') },
    { key: 'range', label: t('control.col_range'), html: (x) => esc(x.compared ? t('control.range', { p10: indicatorValue(x.unit, x.peers.p10), p90: indicatorValue(x.unit, x.peers.p90), n: int(x.peers.n) }) : t('control.too_few_peers')) },
    { key: 'percentile_tenths', label: t('control.col_percentile'), num: true, html: (x) => esc(x.compared ? decimalDa(x.percentile_tenths / 10, 0) : '') },
    { key: 'z_milli', label: t('control.col_z'), num: true, html: (x) => esc(x.compared ? decimalDa(x.z_milli / 1000, 1) : '') },
    { key: 'at_stake_ore', label: t('control.col_at_stake'), type: 'kr' },
    { key: 'flagged', label: t('control.col_flagged'), html: (x) => (x.flagged ? `<span class="badge">${esc(t('control.flagged'))}</span>` : '') },
  ], c.indicators, { exportUrl: `/api/control/clinics/${c.provider}` + qs({ year }), label: t('control.indicators') });
  renderTable(document.getElementById('ind-by'), [
    { key: 'indication', label: t('control.col_indication'), html: (r) => esc(tEnum('indication', r.indication, r.indication)) },
    { key: 'lines', label: t('col.lines'), type: 'int', link: () => drill.annual_status },
    { key: 'patients', label: t('control.col_patients'), type: 'int' },
    { key: 'value', label: t('control.col_per_patient'), num: true, html: (r) => esc(indicatorValue('per_patient_year', r.value)) },
    { key: 'peer_median', label: t('control.col_median'), num: true, html: (r) => esc(indicatorValue('per_patient_year', r.peer_median)) },
    { key: 'amount_ore', label: t('col.amount'), type: 'kr' },
  ], annual.detail.by_indication || [], { empty: t('control.none_0120'), label: t('control.by_indication') });
  renderTable(document.getElementById('ind-pairs'), [
    { key: 'codes', label: t('control.col_pair') },
    { key: 'contacts', label: t('control.col_contacts'), type: 'int' },
    { key: 'scope_share', label: t('control.col_scope_share'), num: true, html: (r) => esc(pctPpm(r.scope_share, 2)) },
    { key: 'amount_ore', label: t('col.amount'), type: 'kr' },
  ], combos.detail.rare_pairs || [], { empty: t('control.none_pairs'), label: t('control.rare_pairs') });
  renderTable(document.getElementById('ind-shared'), [
    { key: 'claim_id', label: t('col.claim') },
    { key: 'service_date', label: t('col.date'), type: 'date' },
    { key: 'code', label: t('col.code') },
    { key: 'amount_ore', label: t('col.amount'), type: 'kr' },
    { key: 'others', label: t('control.col_others') },
  ], shared.rows, { exportUrl: `/api/control/clinics/${c.provider}/shared-days` + qs({ year }), empty: t('control.none_shared'),
    pageSize: 50, label: t('control.shared_heading') });
  const form = document.getElementById('open-case');
  form.onsubmit = async (e) => {
    e.preventDefault();
    const b = form.querySelector('button');
    b.disabled = true;
    try {
      const r = await sendJson('/api/control/cases', { provider: c.provider, year });
      location.hash = `#/kontrolsag?id=${r.id}`;
    } catch (err) {
      if (err.status !== 401) form.querySelector('.form-error').textContent = err.message;
    } finally {
      if (b.isConnected) b.disabled = false;
    }
  };
}
