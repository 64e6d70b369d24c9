// Tjek regninger (#/tjek): pre-validation in the browser (issue 16,
// docs/control.md). The clinic picks or drops a claim file; the WebAssembly
// build of `almen check` (check-worker.js, /wasm/) runs it in a Web Worker with
// the agreement data it was built with, and the page shows the summary, the
// counts by rule and every line that would be rejected or sent to manual review,
// with the Danish reason, the rule and the paragraph. The file is read by the
// browser and handed to the worker only: no request carries it (the browser
// test records every request). Once the page and the module are loaded, the
// check works without a network.
import { t } from '../i18n.js';
import { kr, int } from '../format.js';
import { renderTable, esc } from '../table.js';
import { ruleHtml, ruleName } from '../rules.js';
import { errorText } from '../errors.js';

const MAX_BYTES = 1024 * 1024 * 1024;  // 1 GiB: beyond it the browser's memory, not the rules, is the limit

// One worker for the whole visit: the module is loaded once and stays usable offline.
let worker = null;
let state = { status: 'loading', info: null, message: '' };
const listeners = new Set();

function ensureWorker() {
  if (worker) return;
  worker = new Worker('/check-worker.js');
  worker.onmessage = (e) => {
    const m = e.data;
    if (m.type === 'ready') state = { status: 'ready', info: m.info };
    else if (m.type === 'missing') state = { status: 'missing' };
    else if (m.type === 'failed') state = { status: 'failed', message: m.message };
    listeners.forEach((f) => f(m));
  };
  worker.onerror = () => {
    state = { status: 'missing' };
    listeners.forEach((f) => f({ type: 'missing' }));
  };
}

function moduleLine() {
  if (state.status === 'ready') {
    const a = state.info;
    return `<p id="check-agreement">${esc(t('check.agreement', { version: a.version, name: a.name }))}<br>
      <span class="muted">${esc(t('check.hash'))} <code class="tech">${esc(a.content_hash)}</code></span></p>`;
  }
  if (state.status === 'missing') return `<p class="error" id="check-missing" role="alert">${esc(t('check.missing'))}</p>`;
  if (state.status === 'failed') return `<p class="error" id="check-missing" role="alert">${esc(t('check.failed', { message: state.message }))}</p>`;
  return `<p class="muted" id="check-agreement">${esc(t('check.module_loading'))}</p>`;
}

function summaryHtml(r, name, seconds) {
  const s = r.summary;
  const parts = [
    `<p id="check-summary"><strong>${esc(t('check.summary', { file: name, n: int(s.lines) }))}</strong>
      ${esc(t('check.summary_counts', { accepted: int(s.accepted), rejected: int(s.rejected), review: int(s.review) }))}</p>`,
    `<p>${esc(t('check.amount'))} ${kr(s.amount_ore)}</p>`,
  ];
  if (!s.providers_checked) parts.push(`<p class="muted">${esc(t('check.providers_not_checked'))}</p>`);
  parts.push(`<p class="muted" id="check-time">${esc(t('check.time', { seconds: seconds.toFixed(1).replace('.', ',') }))}</p>`);
  parts.push(`<p class="notice">${esc(t('check.nothing_sent'))}</p>`);
  return parts.join('');
}

export async function pageCheck({ main, isCurrent }) {
  ensureWorker();
  main.innerHTML = `<h1>${esc(t('title.check'))}</h1>
    <p>${esc(t('check.intro'))}</p>
    <div id="check-module">${moduleLine()}</div>
    <div class="panel dropzone" id="check-drop" tabindex="-1">
      <p>${esc(t('check.drop'))}</p>
      <label for="check-file">${esc(t('check.choose'))}</label>
      <input id="check-file" type="file" accept=".csv,text/csv,text/plain">
    </div>
    <div id="check-status" role="status" aria-live="polite"></div>
    <div id="check-result"></div>`;
  const drop = document.getElementById('check-drop');
  const input = document.getElementById('check-file');
  const statusEl = document.getElementById('check-status');
  const resultEl = document.getElementById('check-result');
  let pending = null;

  const onMessage = (m) => {
    if (!isCurrent()) { listeners.delete(onMessage); return; }
    if (m.type !== 'result') {
      document.getElementById('check-module').innerHTML = moduleLine();
      input.disabled = state.status !== 'ready';
      return;
    }
    const name = pending;
    pending = null;
    statusEl.textContent = '';
    if (!m.ok) {
      // The engine's file:line:col messages in Danish, as the server's (errors.js).
      const msg = String(m.error || '').replace(/^almen: /, '');
      const text = /^[^:\s]+:\d+:\d+/.test(msg) ? errorText(400, { message: msg }) : msg;
      resultEl.innerHTML = `<p class="error" role="alert" id="check-error">${esc(t('check.bad_file', { message: text }))}</p>`;
      return;
    }
    renderReport(resultEl, m.report, name, m.seconds);
  };
  listeners.add(onMessage);
  input.disabled = state.status !== 'ready';

  const run = async (file) => {
    if (!file || state.status !== 'ready' || pending) return;
    if (file.size > MAX_BYTES) {
      resultEl.innerHTML = `<p class="error" role="alert" id="check-error">${esc(t('check.too_big'))}</p>`;
      return;
    }
    pending = file.name;
    resultEl.innerHTML = '';
    statusEl.textContent = t('check.running', { file: file.name });
    const bytes = await file.arrayBuffer();  // read locally; handed to the worker, never uploaded
    worker.postMessage({ type: 'check', name: file.name, bytes }, [bytes]);
  };
  input.addEventListener('change', () => run(input.files[0]));
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    run(e.dataTransfer.files[0]);
  });
}

function renderReport(el, r, name, seconds) {
  el.innerHTML = `${summaryHtml(r, name, seconds)}
    <h2>${esc(t('check.by_rule'))}</h2><div id="check-rules"></div>
    <h2>${esc(t('check.lines'))}</h2><div id="check-lines"></div>`;
  const rules = Object.entries(r.by_rule).map(([rule, n]) => ({ rule, ...n }));
  renderTable(document.getElementById('check-rules'), [
    { key: 'rule', label: t('col.rule'), html: (x) => ruleHtml(x.rule), sort: (x) => ruleName(x.rule) },
    { key: 'status', label: t('col.status'), type: 'status' },
    { key: 'lines', label: t('col.lines'), type: 'int' },
    { key: 'reason', label: t('col.reason') },
    { key: 'paragraph', label: t('col.paragraph') },
  ], rules, { label: t('check.by_rule'), empty: t('check.no_rules'), sort: { key: 'lines', dir: -1 } });
  renderTable(document.getElementById('check-lines'), [
    { key: 'line', label: t('check.col_line'), type: 'int' },
    { key: 'claim_id', label: t('col.claim') },
    { key: 'provider', label: t('col.provider') },
    { key: 'service_date', label: t('col.date'), type: 'date' },
    { key: 'code', label: t('col.code') },
    { key: 'status', label: t('col.status'), type: 'status' },
    { key: 'amount_ore', label: t('col.amount'), type: 'kr' },
    { key: 'rule', label: t('col.rule'), html: (x) => ruleHtml(x.rule), sort: (x) => ruleName(x.rule) },
    { key: 'reason', label: t('col.reason') },
    { key: 'paragraph', label: t('col.paragraph') },
  ], r.lines, { label: t('check.lines'), empty: t('check.no_lines'), pageSize: 50, filter: true });
}

