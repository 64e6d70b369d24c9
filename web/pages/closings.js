// Afslutning (#/afslutning) and the payment list of a closing (#/udbetaling?month=).
// rltn sees the ledger's state (period, last closed month, the open month),
// closes the next month after a Danish confirmation, and every closing with its
// payment list (udbetalingsliste: per clinic the month's own postings and the
// efterreguleringer of closed months); from a clinic's row its
// honorarspecifikation (pages/specification.js). A region sees its clinics'
// part, a clinic its own closings and specifications (it lands here).
import { t, tEnum } from '../i18n.js';
import { api, sendJson } from '../api.js';
import { int, kr, monthDa, dateDa } from '../format.js';
import { renderTable, esc } from '../table.js';
import { regionName } from '../places.js';
import { ledgerSummary, monthsBetween } from '../filters.js';
import { KINDS, kindHtml } from './postings.js';

const nextMonth = (m) => {
  const [y, mm] = m.split('-').map(Number);
  return mm === 12 ? `${y + 1}-01` : `${y}-${String(mm + 1).padStart(2, '0')}`;
};

// The month rltn closes next: the open month, or the ledger's first month.
export function monthToClose(l) {
  if (!l.period) return null;
  const m = l.open_month || l.period.from;
  return m <= l.period.to ? m : null;
}

export async function pageClosings({ main, me, qs, setTitle, reload }) {
  const [l, cl] = await Promise.all([ledgerSummary({ fresh: true }), api('/api/ledger/closings')]);
  const rltn = me.role === 'rltn';
  const clinic = me.role === 'clinic';
  const heading = t(rltn ? 'closings.heading' : 'closings.heading_payments');
  setTitle(heading);
  const toClose = rltn ? monthToClose(l) : null;
  const period = l.period ? t('closings.period_value', { from: monthDa(l.period.from), to: monthDa(l.period.to), n: int(monthsBetween(l.period.from, l.period.to).length) }) : t('closings.no_period');
  const done = sessionStorage.getItem('almen.closed');
  sessionStorage.removeItem('almen.closed');
  const latest = cl.rows[0];
  const specHref = (month) => `#/specifikation${qs({ provider: me.scope, month })}`;
  main.innerHTML = `<h1>${esc(heading)}</h1>
    ${done ? `<p class="notice" role="status" id="closed-notice">${esc(done)}</p>` : ''}
    <div class="cards">
      <div class="card"><div class="k">${esc(t('closings.period'))}</div><div class="v" id="ledger-period">${esc(period)}</div></div>
      <div class="card"><div class="k">${esc(t('closings.last_closed'))}</div><div class="v" id="ledger-last">${esc(l.last_closed ? monthDa(l.last_closed) : t('closings.none_yet'))}</div></div>
      <div class="card"><div class="k">${esc(t('closings.open_month'))}</div><div class="v" id="ledger-open">${esc(l.open_month ? monthDa(l.open_month) : (l.period ? monthDa(l.period.from) : '–'))}</div>
        <div class="k">${esc(t('closings.open_hint'))}</div></div>
      ${me.permissions.lines ? `<div class="card"><div class="k">${esc(t('closings.corrections'))}</div><div class="v"><a id="ledger-corrections" href="#/korrektioner">${int(l.corrections)}</a></div></div>` : ''}
    </div>
    ${clinic && latest ? `<p><a class="button primary-link" id="latest-spec" href="${esc(specHref(latest.month))}">${esc(t('closings.latest_spec', { month: monthDa(latest.month) }))}</a></p>` : ''}
    ${rltn ? closePanel(toClose, l) : ''}
    <h2>${esc(t('closings.table'))}</h2>
    <div id="closings"></div>
    <h2>${esc(t('closings.by_kind'))}</h2>
    <p class="muted">${esc(t('closings.by_kind_intro'))}</p>
    <div id="kinds"></div>`;
  renderTable(document.getElementById('closings'), [
    { key: 'month', label: t('col.month'), type: 'month', link: (r) => `#/udbetaling${qs({ month: r.month })}` },
    { key: 'closed_at', label: t('closings.col_closed_at'), html: (r) => esc(dateDa(r.closed_at)), sort: (r) => r.closed_at },
    { key: 'closed_by', label: t('closings.col_closed_by') },
    ...(clinic ? [] : [{ key: 'providers', label: t('col.clinics'), type: 'int' }]),
    { key: 'amount_ore', label: t('closings.col_amount'), type: 'kr', link: (r) => `#/udbetaling${qs({ month: r.month })}` },
    ...(clinic ? [{ key: 'spec', label: t('closings.col_spec'), html: () => esc(t('closings.spec_link')), link: (r) => specHref(r.month) }] : []),
  ], cl.rows, { exportUrl: '/api/ledger/closings', empty: t('closings.empty'), label: t('closings.table'), sort: { key: 'month', dir: -1 } });
  const kinds = KINDS.filter((k) => l.by_kind[k]).map((k) => ({ kind: k, ...l.by_kind[k] }));
  kinds.push({ kind: '', postings: kinds.reduce((s, r) => s + r.postings, 0), amount_ore: l.amount_ore, total: true });
  renderTable(document.getElementById('kinds'), [
    { key: 'kind', label: t('col.kind'), html: (r) => (r.total ? esc(t('col.total')) : kindHtml(r.kind)), sort: (r) => tEnum('kind', r.kind) },
    { key: 'postings', label: t('closings.col_postings'), type: 'int', link: (r) => (r.total ? '#/posteringer' : `#/posteringer${qs({ kind: r.kind })}`) },
    { key: 'amount_ore', label: t('col.amount'), type: 'kr', link: (r) => (r.total ? '#/posteringer' : `#/posteringer${qs({ kind: r.kind })}`) },
  ], kinds, { pinned: (r) => r.total, label: t('closings.by_kind') });
  if (rltn && toClose) bindClose(toClose, { reload });
}

function closePanel(month, l) {
  if (!month) return `<section class="panel" id="close-panel"><h2>${esc(t('closings.close_heading_none'))}</h2><p class="muted">${esc(l.period ? t('closings.all_closed') : t('closings.nothing'))}</p></section>`;
  const vars = { month: monthDa(month), next: monthDa(nextMonth(month)) };
  return `<section class="panel no-print" id="close-panel" aria-labelledby="close-h">
    <h2 id="close-h">${esc(t('closings.close_heading', vars))}</h2>
    <p>${esc(t('closings.close_intro', vars))}</p>
    <div id="close-preview" class="muted"></div>
    <div class="form-actions"><button type="button" class="primary" id="close-month">${esc(t('closings.close_button', vars))}</button></div>
    <div id="close-confirm" class="warning-box" hidden role="alertdialog" aria-labelledby="close-confirm-q">
      <p id="close-confirm-q"><strong>${esc(t('closings.confirm_question', vars))}</strong></p>
      <p>${esc(t('closings.confirm_text', vars))}</p>
      <div class="form-actions"><button type="button" class="primary" id="close-yes">${esc(t('closings.confirm_yes', vars))}</button>
      <button type="button" id="close-no">${esc(t('closings.confirm_no'))}</button></div>
    </div>
    <p class="error" id="close-error" role="alert"></p></section>`;
}

function bindClose(month, { reload }) {
  const vars = { month: monthDa(month) };
  const btn = document.getElementById('close-month');
  const box = document.getElementById('close-confirm');
  const err = document.getElementById('close-error');
  // What the closing will pay (the payment list of the open month, before it is closed).
  api(`/api/ledger/payments?month=${encodeURIComponent(month)}`).then((pl) => {
    const el = document.getElementById('close-preview');
    if (!el) return;
    const total = pl.rows.reduce((s, r) => s + r.amount_ore, 0);
    const efter = pl.rows.reduce((s, r) => s + r.efterregulering_ore, 0);
    el.textContent = t('closings.preview', { n: int(pl.rows.length), amount: kr(total), efter: kr(efter) });
  }).catch(() => {});
  btn.onclick = () => { box.hidden = false; btn.disabled = true; document.getElementById('close-no').focus(); };
  document.getElementById('close-no').onclick = () => { box.hidden = true; btn.disabled = false; btn.focus(); };
  document.getElementById('close-yes').onclick = async (e) => {
    e.currentTarget.disabled = true;
    err.textContent = '';
    try {
      const r = await sendJson('/api/ledger/closings', { month });
      sessionStorage.setItem('almen.closed', t('closings.closed', { ...vars, n: int(r.providers), amount: kr(r.amount_ore) }));
      await ledgerSummary({ fresh: true });
      reload();
    } catch (x) {
      if (x.status === 401) return;
      err.textContent = x.message;
      e.currentTarget.disabled = false;
    }
  };
}

// Udbetalingsliste (#/udbetaling?month=): per clinic what the closing of the month
// pays: the month's own postings, efterreguleringer of closed months, in all.
export async function pagePayments({ main, params, qs, me, setTitle }) {
  const p = params();
  if (!/^\d{4}-\d{2}$/.test(p.month || '')) {
    main.innerHTML = `<h1>${esc(t('payments.heading_none'))}</h1><p>${esc(t('payments.choose'))} <a href="#/afslutning">${esc(t('payments.to_closings'))}</a></p>`;
    return;
  }
  const [pl, cl] = await Promise.all([api(`/api/ledger/payments?month=${encodeURIComponent(p.month)}`), api('/api/ledger/closings')]);
  const closing = cl.rows.find((r) => r.month === p.month);
  const heading = t('payments.heading', { month: monthDa(p.month) });
  setTitle(heading);
  const canSpec = me.permissions.lines;
  const sum = (k) => pl.rows.reduce((s, r) => s + r[k], 0);
  const rows = pl.rows.map((r) => ({ ...r, region: regionName(r.region_code) }));
  rows.push({ provider: '', name: t('col.total'), region: '', postings: sum('postings'), current_ore: sum('current_ore'), efterregulering_ore: sum('efterregulering_ore'), amount_ore: sum('amount_ore'), total: true });
  main.innerHTML = `<h1>${esc(heading)}</h1>
    <p class="${closing ? 'muted' : 'warning'}" id="payments-state">${esc(closing ? t('payments.closed', { date: dateDa(closing.closed_at), by: closing.closed_by }) : t('payments.not_closed'))}</p>
    <p class="muted">${esc(t('payments.intro'))}</p>
    <p class="no-print"><a href="#/afslutning">${esc(t('payments.to_closings'))}</a></p>
    <div id="t"></div>`;
  renderTable(document.getElementById('t'), [
    { key: 'provider', label: t('col.provider'), link: (r) => (!r.total && canSpec ? `#/specifikation${qs({ provider: r.provider, month: p.month })}` : null) },
    { key: 'name', label: t('col.clinic'), link: (r) => (!r.total && canSpec ? `#/specifikation${qs({ provider: r.provider, month: p.month })}` : null) },
    { key: 'region', label: t('col.region'), export: { key: 'region_code', type: 'enum', enum: 'region' } },
    { key: 'postings', label: t('closings.col_postings'), type: 'int' },
    { key: 'current_ore', label: t('payments.col_current'), type: 'kr' },
    { key: 'efterregulering_ore', label: t('payments.col_efter'), type: 'kr' },
    { key: 'amount_ore', label: t('payments.col_total'), type: 'kr' },
  ], rows, {
    exportUrl: `/api/ledger/payments?month=${encodeURIComponent(p.month)}`, empty: t('payments.empty'), label: heading,
    pinned: (r) => r.total, filter: pl.rows.length > 20, pageSize: 100, caption: t('payments.caption', { n: int(pl.rows.length) }),
  });
}
