// Genberegninger: settle a stored run again from its kept inputs, under its own
// agreement version or the current one, and see what changed and why (API: POST
// /api/settlements/{id}/rerun, GET /api/reruns…). Panel on #/koersler, page #/genberegning?id=.
import { t, tEnum } from '../i18n.js';
import { api } from '../api.js';
import { kr, int, pctPpm } from '../format.js';
import { renderTable, esc } from '../table.js';
import { Progress, followJob, stageName } from '../jobs.js';
import { errorText } from '../errors.js';
import { ruleHtml, ruleName } from '../rules.js';

async function startRerun({ runId, mode, registers, el, button }) {
  button.disabled = true;
  const progress = new Progress();
  const show = (v, stage) => {
    el.innerHTML = `<div class="progress-row"><progress max="1000" value="${Math.round(v * 1000)}" aria-label="${esc(t('rerun.progress'))}"></progress>
      <span>${esc(pctPpm(Math.round(v * 1e6), 0))}</span></div><p>${esc(stageName(stage))}</p>`;
  };
  show(0, 'queued');
  try {
    const j = await api(`/api/settlements/${encodeURIComponent(runId)}/rerun?agreement=${encodeURIComponent(mode)}&registers=${encodeURIComponent(registers)}`, { method: 'POST' });
    const s = await followJob(j.job_id, (x) => show(progress.at(x.stage || x.state, x.progress), x.state === 'running' && x.stage ? x.stage : x.state));
    if (s.state === 'done') {
      location.hash = `#/genberegning?id=${s.rerun_id}`;
      return;
    }
    el.innerHTML = `<p class="error" role="alert">${esc(t('rerun.failed', { reason: errorText(400, { message: s.error || '' }) }))}</p>`;
  } catch (err) {
    if (err.status !== 401) el.innerHTML = `<p class="error" role="alert">${esc(err.message)}</p>`;
  } finally {
    if (button.isConnected) button.disabled = false;
  }
}

// The re-run panel under the runs table: start one (rltn) and the list.
export async function renderRerunPanel({ me, el, runs }) {
  const tb = await api('/api/reruns');
  el.innerHTML = `<h2>${esc(t('rerun.panel_heading'))}</h2>
    <p class="muted">${esc(t('rerun.panel_intro'))}</p>
    ${me.permissions.upload && runs.length ? `<form class="panel form" id="rerun-form" novalidate><div class="fields">
      <div class="field"><label for="rerun-run">${esc(t('rerun.run'))}</label><select id="rerun-run">${runs.map((r) => `<option value="${r.id}">${esc(t('rerun.run_option', { id: r.id, file: r.claims_name }))}</option>`).join('')}</select></div>
      <div class="field"><label for="rerun-mode">${esc(t('rerun.agreement'))}</label><select id="rerun-mode"><option value="current">${esc(t('rerun.mode_current_long'))}</option>
        <option value="original">${esc(t('rerun.mode_original_long'))}</option></select></div>
      <div class="field"><label for="rerun-registers">${esc(t('rerun.registers'))}</label><select id="rerun-registers"><option value="kept">${esc(t('rerun.registers_kept'))}</option>
        <option value="stored">${esc(t('rerun.registers_stored'))}</option></select></div></div>
      <div class="form-actions"><button class="primary" type="submit" id="rerun-button">${esc(t('rerun.submit'))}</button></div><div id="rerun-job" aria-live="polite"></div></form>` : ''}
    <div id="rerun-t"></div>`;
  renderTable(el.querySelector('#rerun-t'), [
    { key: 'id', label: t('rerun.col_id'), type: 'int', link: (r) => `#/genberegning?id=${r.id}` },
    { key: 'run_id', label: t('runs.col_run'), type: 'int' },
    { key: 'created_at', label: t('col.time'), type: 'time' },
    { key: 'agreement_mode', label: t('rerun.agreement'), html: (r) => esc(tEnum('rerun_mode', r.agreement_mode)) },
    { key: 'after_agreement_version', label: t('rerun.col_version') },
    { key: 'changed', label: t('rerun.col_changed'), type: 'int' },
    { key: 'amount_before_ore', label: t('col.before'), type: 'kr' },
    { key: 'amount_after_ore', label: t('col.after'), type: 'kr' },
  ], tb.rows, { exportUrl: '/api/reruns', empty: t('rerun.none'), label: t('rerun.panel_heading') });
  const form = el.querySelector('#rerun-form');
  if (form) {
    form.onsubmit = (e) => {
      e.preventDefault();
      startRerun({ runId: form.querySelector('#rerun-run').value, mode: form.querySelector('#rerun-mode').value,
        registers: form.querySelector('#rerun-registers').value, el: form.querySelector('#rerun-job'), button: form.querySelector('#rerun-button') });
    };
  }
}

// #/genberegning?id=N: what changed and why.
export async function pageRerun({ main, params, qs, me, setTitle }) {
  const p = params();
  const id = Number(p.id);
  const limit = 100, offset = Number(p.offset || 0);
  const r = await api(`/api/reruns/${encodeURIComponent(p.id || '')}`);
  setTitle(t('rerun.title', { id, run: r.run_id }));
  const delta = Number(r.amount_after_ore) - Number(r.amount_before_ore);
  const sdelta = Number(r.statement_after_ore) - Number(r.statement_before_ore);
  const inputs = r.summary && r.summary.inputs;
  main.innerHTML = `<h1>${esc(t('rerun.heading', { id, run: r.run_id }))}</h1>
    <p class="muted">${esc(t('rerun.intro', { mode: tEnum('rerun_mode', r.agreement_mode), before: r.before_agreement_version, after: r.after_agreement_version }))}${inputs ? ' ' + esc(t(inputs.registers === 'stored' ? 'rerun.registers_now' : 'rerun.registers_then')) : ''}${inputs && inputs.replaced.length ? ' ' + esc(t('rerun.replaced', { files: inputs.replaced.join(', ') })) : ''}</p>
    <div class="cards">
      ${r.lines === null ? '' : `<div class="card"><div class="k">${esc(t('rerun.compared'))}</div><div class="v">${int(r.lines)}</div></div>`}
      <div class="card"><div class="k">${esc(t('rerun.col_changed'))}</div><div class="v" id="rerun-changed">${int(r.changed)}</div></div>
      <div class="card"><div class="k">${esc(t('rerun.amounts'))}</div><div class="v">${kr(r.amount_before_ore)} → ${kr(r.amount_after_ore)}</div></div>
      <div class="card"><div class="k">${esc(t('rerun.delta'))}</div><div class="v" id="rerun-delta">${kr(delta)}</div></div>
      <div class="card"><div class="k">${esc(t('rerun.statement_rows'))}</div><div class="v">${int(r.statement_rows_changed)} (${kr(sdelta)})</div></div>
    </div>
    ${r.changed === 0 && r.statement_rows_changed === 0 ? `<p id="rerun-same">${esc(t('rerun.same'))}</p>` : ''}
    <div id="by-rule"></div><h2>${esc(t('rerun.statement_heading'))}</h2><div id="st"></div>
    <h2>${esc(t('rerun.lines_heading'))}</h2><div id="ln"></div><nav class="toolbar" id="ln-pages" aria-label="${esc(t('lines.pages'))}"></nav>`;
  if (r.summary && r.summary.by_rule && r.summary.by_rule.length) {
    const el = document.getElementById('by-rule');
    el.innerHTML = `<h2>${esc(t('rerun.by_rule'))}</h2><div id="by-rule-t"></div>`;
    renderTable(document.getElementById('by-rule-t'), [
      { key: 'before_rule', label: t('rerun.rule_before'), html: (x) => (x.before_rule ? ruleHtml(x.before_rule) : esc(t('rerun.tariff'))), sort: (x) => ruleName(x.before_rule) },
      { key: 'after_rule', label: t('rerun.rule_after'), html: (x) => (x.after_rule ? ruleHtml(x.after_rule) : esc(t('rerun.tariff'))), sort: (x) => ruleName(x.after_rule) },
      { key: 'lines', label: t('col.lines'), type: 'int' },
      { key: 'amount_before_ore', label: t('col.before'), type: 'kr' },
      { key: 'amount_after_ore', label: t('col.after'), type: 'kr' },
      { key: 'delta_ore', label: t('col.difference'), type: 'kr' },
    ], r.summary.by_rule, { label: t('rerun.by_rule') });
  }
  const st = await api(`/api/reruns/${id}/statements`);
  renderTable(document.getElementById('st'), [
    { key: 'provider', label: t('col.provider'), link: (x) => `#/opgoerelse${qs({ provider: x.provider, month: x.month })}` },
    { key: 'month', label: t('col.month'), type: 'month' },
    { key: 'item', label: t('col.item'), type: 'item' },
    { key: 'code', label: t('col.code') },
    { key: 'before_count', label: t('rerun.count_before'), type: 'int' },
    { key: 'before_amount_ore', label: t('rerun.amount_before'), type: 'kr' },
    { key: 'after_count', label: t('rerun.count_after'), type: 'int' },
    { key: 'after_amount_ore', label: t('rerun.amount_after'), type: 'kr' },
    { key: 'delta_ore', label: t('col.difference'), type: 'kr' },
  ], st.rows, { exportUrl: `/api/reruns/${id}/statements`, empty: t('rerun.no_rows'), label: t('rerun.statement_heading') });
  const ln = document.getElementById('ln');
  if (!me.permissions.lines) { ln.innerHTML = `<p class="muted">${esc(t('rerun.no_line_access'))}</p>`; return; }
  const tb = await api(`/api/reruns/${id}/lines${qs({ limit, offset })}`);
  renderTable(ln, [
    { key: 'claim_id', label: t('col.claim') },
    { key: 'provider', label: t('col.provider') },
    { key: 'service_date', label: t('col.date'), type: 'date' },
    { key: 'code', label: t('col.code') },
    { key: 'before_status', label: t('col.before'), type: 'status' },
    { key: 'before_amount_ore', label: t('rerun.amount_before'), type: 'kr' },
    { key: 'after_status', label: t('col.after'), type: 'status' },
    { key: 'after_amount_ore', label: t('rerun.amount_after'), type: 'kr' },
    { key: 'after_rule', label: t('rerun.new_rule'), html: (x) => (x.after_rule ? ruleHtml(x.after_rule) : ''), sort: (x) => ruleName(x.after_rule) },
    { key: 'after_reason', label: t('col.reason') },
    { key: 'after_paragraph', label: t('col.paragraph') },
  ], tb.rows, { exportUrl: `/api/reruns/${id}/lines`, empty: t('rerun.no_lines'), label: t('rerun.lines_heading') });
  document.getElementById('ln-pages').innerHTML = `${offset > 0 ? `<a class="button" href="#/genberegning${qs({ id, offset: Math.max(0, offset - limit) })}">${esc(t('table.prev'))}</a>` : ''}
    <span class="muted">${esc(t('table.showing', { from: int(Math.min(tb.total, offset + 1)), to: int(Math.min(tb.total, offset + limit)), total: int(tb.total) }))}</span>
    ${offset + limit < tb.total ? `<a class="button" href="#/genberegning${qs({ id, offset: offset + limit })}">${esc(t('table.next'))}</a>` : ''}`;
}
