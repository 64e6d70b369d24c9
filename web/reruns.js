// Re-runs (genberegninger): settle a stored run again from its kept inputs,
// under its own agreement version or the current one, and see what changed
// and why (API: POST /api/settlements/{id}/rerun, GET /api/reruns…).
import { kr, int } from './format.js';
import { renderTable, esc } from './table.js';

const MODE_DA = { current: 'gældende overenskomst', original: 'kørslens egen overenskomst' };

// Starts a re-run, follows its job in `el`, then opens the result.
export async function startRerun({ api, runId, mode, registers = 'kept', el }) {
  el.innerHTML = 'Genberegner …';
  try {
    const j = await api(`/api/settlements/${runId}/rerun?agreement=${mode}&registers=${registers}`, { method: 'POST' });
    for (;;) {
      const s = await api(`/api/jobs/${j.job_id}`);
      el.innerHTML = `<progress max="1" value="${s.progress}"></progress> ${esc(s.stage || s.state)}`;
      if (s.state === 'done') {
        el.innerHTML = `<p id="rerun-result">Genberegning <a href="#/genberegning?id=${s.rerun_id}">${s.rerun_id}</a> er klar.</p>`;
        location.hash = `#/genberegning?id=${s.rerun_id}`;
        return;
      }
      if (s.state === 'failed' || s.state === 'cancelled') { el.innerHTML = `<p class="error">Fejl: ${esc(s.error)}</p>`; return; }
      await new Promise((r) => setTimeout(r, 300));
    }
  } catch (err) { el.innerHTML = `<p class="error">${esc(err.message)}</p>`; }
}

// The re-run panel under the runs table: start one (rltn) and the list.
export async function renderRerunPanel({ api, me, el, runs }) {
  const t = await api('/api/reruns');
  el.innerHTML = `<h2>Genberegninger</h2>
    <p class="muted">En genberegning afregner en gemt kørsel igen ud fra dens gemte (krypterede) inddata og viser hver linje og hver
    specifikationslinje, der ændrer sig, med den nye regel, begrundelse og paragraf. Den gemte kørsel ændres ikke.</p>
    ${me.permissions.upload && runs.length ? `<form class="panel" id="rerun-form"><div class="toolbar">
      <label>Kørsel <select id="rerun-run">${runs.map((r) => `<option value="${r.id}">${r.id} · ${esc(r.claims_name)}</option>`).join('')}</select></label>
      <label>Overenskomst <select id="rerun-mode"><option value="current">Gældende overenskomst (rettede data)</option>
        <option value="original">Kørslens egen overenskomstversion (kontrol)</option></select></label>
      <label>Registre <select id="rerun-registers"><option value="kept">Som ved kørslen</option>
        <option value="stored">Som nu (botilbud, tilknytninger, sanktioner)</option></select></label>
      <button class="primary" type="submit" id="rerun-button">Genberegn og sammenlign</button></div><div id="rerun-job"></div></form>` : ''}
    <div id="rerun-t"></div>`;
  renderTable(document.getElementById('rerun-t'), [
    { key: 'id', label: 'Genberegning', link: (r) => `#/genberegning?id=${r.id}` },
    { key: 'run_id', label: 'Kørsel' },
    { key: 'created_at', label: 'Tidspunkt', type: 'time' },
    { key: 'agreement_mode', label: 'Overenskomst', html: (r) => esc(MODE_DA[r.agreement_mode] || r.agreement_mode) },
    { key: 'after_agreement_version', label: 'Version' },
    { key: 'changed', label: 'Ændrede linjer', type: 'int' },
    { key: 'amount_before_ore', label: 'Før', type: 'kr' },
    { key: 'amount_after_ore', label: 'Efter', type: 'kr' },
  ], t.rows, { exportUrl: '/api/reruns', empty: 'Ingen genberegninger endnu.' });
  const form = document.getElementById('rerun-form');
  if (form) {
    form.onsubmit = (e) => {
      e.preventDefault();
      startRerun({ api, runId: document.getElementById('rerun-run').value, mode: document.getElementById('rerun-mode').value,
        registers: document.getElementById('rerun-registers').value, el: document.getElementById('rerun-job') });
    };
  }
}

// #/genberegning?id=N: what changed and why.
export async function pageRerun({ main, api, params, qs, me }) {
  const p = params();
  const id = Number(p.id);
  const limit = 100, offset = Number(p.offset || 0);
  const r = await api(`/api/reruns/${id}`);
  const delta = Number(r.amount_after_ore) - Number(r.amount_before_ore);
  const sdelta = Number(r.statement_after_ore) - Number(r.statement_before_ore);
  main.innerHTML = `<h1>Genberegning ${id} af kørsel ${r.run_id}</h1>
    <p class="muted">Afregnet igen med ${esc(MODE_DA[r.agreement_mode] || r.agreement_mode)}: ${esc(r.before_agreement_version)} → ${esc(r.after_agreement_version)}${r.summary && r.summary.inputs ? `; registre ${r.summary.inputs.registers === 'stored' ? 'som nu' : 'som ved kørslen'}${r.summary.inputs.replaced.length ? '; erstattede filer: ' + esc(r.summary.inputs.replaced.join(', ')) : ''}` : ''}.</p>
    <div class="cards">
      ${r.lines === null ? '' : `<div class="card"><div class="k">Linjer sammenlignet</div><div class="v">${int(r.lines)}</div></div>`}
      <div class="card"><div class="k">Ændrede linjer</div><div class="v" id="rerun-changed">${int(r.changed)}</div></div>
      <div class="card"><div class="k">Linjebeløb før → efter</div><div class="v">${kr(r.amount_before_ore)} → ${kr(r.amount_after_ore)}</div></div>
      <div class="card"><div class="k">Forskel</div><div class="v" id="rerun-delta">${kr(delta)}</div></div>
      <div class="card"><div class="k">Ændrede specifikationslinjer</div><div class="v">${int(r.statement_rows_changed)} (${kr(sdelta)})</div></div>
    </div>
    ${r.changed === 0 && r.statement_rows_changed === 0 ? '<p id="rerun-same">Ingen ændringer: genberegningen giver samme afregning.</p>' : ''}
    <div id="by-rule"></div><h2>Honorarspecifikation: ændrede rækker</h2><div id="st"></div>
    <h2>Ændrede linjer</h2><div id="ln"></div><div class="toolbar" id="ln-pages"></div>`;
  if (r.summary && r.summary.by_rule && r.summary.by_rule.length) {
    const el = document.getElementById('by-rule');
    el.innerHTML = '<h2>Hvorfor: ændringer efter regel</h2><div id="by-rule-t"></div>';
    renderTable(document.getElementById('by-rule-t'), [
      { key: 'before_rule', label: 'Regel før', html: (x) => esc(x.before_rule || '(takst)') },
      { key: 'after_rule', label: 'Regel efter', html: (x) => esc(x.after_rule || '(takst)') },
      { key: 'lines', label: 'Linjer', type: 'int' },
      { key: 'amount_before_ore', label: 'Før', type: 'kr' },
      { key: 'amount_after_ore', label: 'Efter', type: 'kr' },
      { key: 'delta_ore', label: 'Forskel', type: 'kr' },
    ], r.summary.by_rule);
  }
  const st = await api(`/api/reruns/${id}/statements`);
  renderTable(document.getElementById('st'), [
    { key: 'provider', label: 'Ydernummer', link: (x) => `#/opgoerelse${qs({ provider: x.provider, month: x.month })}` },
    { key: 'month', label: 'Måned', type: 'month' },
    { key: 'item', label: 'Post', type: 'item' },
    { key: 'code', label: 'Ydelse' },
    { key: 'before_count', label: 'Antal før', type: 'int' },
    { key: 'before_amount_ore', label: 'Beløb før', type: 'kr' },
    { key: 'after_count', label: 'Antal efter', type: 'int' },
    { key: 'after_amount_ore', label: 'Beløb efter', type: 'kr' },
    { key: 'delta_ore', label: 'Forskel', type: 'kr' },
  ], st.rows, { exportUrl: `/api/reruns/${id}/statements`, empty: 'Ingen ændrede rækker.' });
  const ln = document.getElementById('ln');
  if (!me.permissions.lines) { ln.innerHTML = '<p class="muted">Din rolle ser ikke linjer på patientniveau.</p>'; return; }
  const t = await api(`/api/reruns/${id}/lines${qs({ limit, offset })}`);
  renderTable(ln, [
    { key: 'claim_id', label: 'Regning' },
    { key: 'provider', label: 'Ydernummer' },
    { key: 'service_date', label: 'Dato', type: 'date' },
    { key: 'code', label: 'Ydelse' },
    { key: 'before_status', label: 'Før', type: 'status' },
    { key: 'before_amount_ore', label: 'Beløb før', type: 'kr' },
    { key: 'after_status', label: 'Efter', type: 'status' },
    { key: 'after_amount_ore', label: 'Beløb efter', type: 'kr' },
    { key: 'after_rule', label: 'Ny regel' },
    { key: 'after_reason', label: 'Begrundelse' },
    { key: 'after_paragraph', label: 'Paragraf' },
  ], t.rows, { exportUrl: `/api/reruns/${id}/lines`, empty: 'Ingen ændrede linjer.' });
  document.getElementById('ln-pages').innerHTML = `${offset > 0 ? `<a class="button" href="#/genberegning${qs({ id, offset: Math.max(0, offset - limit) })}">Forrige</a>` : ''}
    <span class="muted">${int(Math.min(t.total, offset + 1))}–${int(Math.min(t.total, offset + limit))} af ${int(t.total)}</span>
    ${offset + limit < t.total ? `<a class="button" href="#/genberegning${qs({ id, offset: offset + limit })}">Næste</a>` : ''}`;
}
