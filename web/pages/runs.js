// Afregninger (#/koersler): the runs, the upload of a claim file (RLTN) with
// progress that only moves forward, and a result panel that stays: lines,
// accepted/rejected/review, the amount, and links to this run's rejected lines.
import { t } from '../i18n.js';
import { api, upload } from '../api.js';
import { int, kr, bytesDa, pctPpm } from '../format.js';
import { renderTable, esc } from '../table.js';
import { Progress, followJob, stageName, countLines } from '../jobs.js';
import { renderRerunPanel } from './reruns.js';
import { errorText } from '../errors.js';
import { fileControl } from '../forms.js';

const LAST = 'almen.lastUpload';

function runsTable(el, rows, me, qs) {
  renderTable(el, [
    { key: 'id', label: t('runs.col_run'), type: 'int', link: (r) => (me.permissions.lines ? `#/linjer${qs({ run: r.id })}` : null) },
    { key: 'created_at', label: t('col.time'), type: 'time' },
    { key: 'created_by', label: t('runs.col_by'), html: (r) => esc(r.created_by === 'system' ? t('runs.by_system') : r.created_by) },
    { key: 'claims_name', label: t('runs.col_file') },
    { key: 'agreement_version', label: t('runs.col_agreement') },
    { key: 'lines', label: t('col.lines'), type: 'int' },
    { key: 'accepted', label: t('col.accepted'), type: 'int' },
    { key: 'rejected', label: t('col.rejected'), type: 'int', link: (r) => (me.permissions.lines ? `#/linjer${qs({ run: r.id, status: 'rejected' })}` : null) },
    { key: 'review', label: t('col.review'), type: 'int', link: (r) => (me.permissions.lines && r.review ? `#/linjer${qs({ run: r.id, status: 'review' })}` : null) },
    { key: 'duplicates', label: t('runs.col_duplicates'), type: 'int' },
    { key: 'statement_amount_ore', label: t('col.paid'), type: 'kr' },
  ], rows, { exportUrl: '/api/settlements', label: t('runs.heading'), sort: { key: 'id', dir: -1 } });
}

// The result of one upload, from the stored run and the job's report (corrections
// of earlier lines this upload made, whether the providers were checked).
async function resultPanel(el, runId, { alreadyImported, me, qs, job = {} }) {
  const r = await api(`/api/settlements/${runId}`);
  const rejShare = r.lines ? pctPpm(Math.round((r.rejected * 1e6) / r.lines), 1) : '';
  const link = (status, n, key) => (me.permissions.lines && n ? `<a id="result-${status}" href="#/linjer${qs({ run: runId, status })}">${esc(t(key, { n: int(n) }))}</a>` : esc(t(key, { n: int(n) })));
  el.innerHTML = `<section class="panel result" id="job-result" aria-labelledby="job-result-h">
    <h2 id="job-result-h">${esc(alreadyImported ? t('upload.result_already', { run: runId }) : t('upload.result_heading', { run: runId }))}</h2>
    <p class="muted">${esc(t('upload.result_file', { file: r.claims_name, agreement: r.agreement_version }))}</p>
    <dl class="figures">
      <div><dt>${esc(t('col.lines'))}</dt><dd id="result-lines">${int(r.lines)}</dd></div>
      <div><dt>${esc(t('col.accepted'))}</dt><dd id="result-accepted">${int(r.accepted)}</dd></div>
      <div><dt>${esc(t('col.rejected'))}</dt><dd id="result-rejected-n">${int(r.rejected)} <span class="muted">(${esc(rejShare)})</span></dd></div>
      <div><dt>${esc(t('col.review'))}</dt><dd id="result-review-n">${int(r.review)}</dd></div>
      <div><dt>${esc(t('runs.col_duplicates'))}</dt><dd>${int(r.duplicates)}</dd></div>
      <div><dt>${esc(t('upload.result_amount'))}</dt><dd id="result-amount">${kr(r.statement_amount_ore)}</dd></div>
      ${job.corrections !== undefined ? `<div><dt>${esc(t('upload.result_corrections'))}</dt><dd id="result-corrections-n">${int(job.corrections)}</dd></div>` : ''}
    </dl>
    ${job.providers_checked === false ? `<p class="warning" id="result-providers-unchecked">${esc(t('upload.providers_unchecked'))}</p>` : ''}
    ${job.corrections > 0 ? `<p class="notice" id="result-corrections-note">${esc(t('upload.corrections_note', { n: int(job.corrections) }))}${me.permissions.lines
    ? ` <a id="result-corrections" href="#/korrektioner${qs({ run: runId })}">${esc(t('upload.link_corrections', { n: int(job.corrections) }))}</a>` : ''}</p>` : ''}
    <p>${link('rejected', r.rejected, 'upload.link_rejected')}${r.review ? ' · ' + link('review', r.review, 'upload.link_review') : ''}${me.permissions.lines ? ` · <a href="#/linjer${qs({ run: runId })}">${esc(t('upload.link_all'))}</a>` : ''} · <a id="result-postings" href="#/posteringer${qs({ run: runId })}">${esc(t('upload.link_postings'))}</a></p>
    <button type="button" id="result-close">${esc(t('upload.close'))}</button></section>`;
  el.querySelector('#result-close').onclick = () => { sessionStorage.removeItem(LAST); el.innerHTML = ''; };
}

function uploadForm() {
  const file = (name, key, required) => `<div class="field"><label for="up-${name}">${esc(t(key))}</label>${fileControl(`up-${name}`, `id="up-${name}" name="${name}"${required ? ' required' : ''} aria-describedby="up-${name}-err"`, '.csv,.gz,.zst,text/csv')}<span class="field-error" id="up-${name}-err"></span></div>`;
  return `<form class="panel form" id="upload-form" novalidate><h2>${esc(t('upload.heading'))}</h2>
    <p class="muted">${esc(t('upload.intro'))}</p>
    <div class="fields">${file('claims', 'upload.claims', true)}${file('providers', 'upload.providers')}${file('listings', 'upload.listings')}</div>
    <div class="form-actions"><button class="primary" type="submit" id="upload-button">${esc(t('upload.submit'))}</button></div>
    <div id="job" aria-live="polite"></div></form>`;
}

export async function pageRuns({ main, me, qs, isCurrent }) {
  const tb = await api('/api/settlements');
  main.innerHTML = `<h1>${esc(t('runs.heading'))}</h1>
    <div id="result"></div>
    ${me.permissions.upload ? uploadForm() : ''}
    <div id="t"></div><div id="reruns"></div>`;
  runsTable(document.getElementById('t'), tb.rows, me, qs);
  const resultEl = document.getElementById('result');
  const last = sessionStorage.getItem(LAST);
  if (last) {
    const { run, already, job } = JSON.parse(last);
    await resultPanel(resultEl, run, { alreadyImported: already, me, qs, job }).catch(() => sessionStorage.removeItem(LAST));
  }
  await renderRerunPanel({ me, el: document.getElementById('reruns'), runs: tb.rows });
  const form = document.getElementById('upload-form');
  if (!form) return;
  form.onsubmit = async (e) => {
    e.preventDefault();
    const job = document.getElementById('job');
    const button = document.getElementById('upload-button');
    const claims = form.elements.claims.files[0];
    form.querySelectorAll('.field-error').forEach((x) => { x.textContent = ''; });
    if (!claims) { document.getElementById('up-claims-err').textContent = t('upload.choose_claims'); form.elements.claims.focus(); return; }
    const fd = new FormData();
    for (const input of form.querySelectorAll('input[type=file]')) if (input.files[0]) fd.append(input.name, input.files[0], input.files[0].name);
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    resultEl.innerHTML = '';
    const progress = new Progress();
    let totalLines = null;
    countLines(claims).then((n) => { totalLines = n; }).catch(() => {});
    let stageText = t('enum.stage.upload'), detail = '';
    const show = (value) => {
      job.innerHTML = `<div class="progress-row"><progress id="upload-progress" max="1000" value="${Math.round(value * 1000)}" aria-label="${esc(t('upload.progress'))}"></progress>
        <span id="upload-pct">${esc(pctPpm(Math.round(value * 1e6), 0))}</span></div>
        <p><span id="upload-stage">${esc(stageText)}</span>${detail ? ` · <span class="muted">${esc(detail)}</span>` : ''}</p>`;
    };
    show(0);
    try {
      const j = await upload('/api/settlements', fd, (sent, total) => {
        detail = t('upload.bytes', { sent: bytesDa(sent), total: bytesDa(total) });
        show(progress.at('upload', sent / total));
      });
      const s = await followJob(j.job_id, (x) => {
        const stage = x.state === 'running' && x.stage ? x.stage : x.state;
        stageText = stageName(stage);
        detail = stage === 'import lines' && totalLines ? t('upload.lines_progress', { n: int(Math.round(x.progress * totalLines)), total: int(totalLines) })
          : totalLines ? t('upload.lines_total', { total: int(totalLines) }) : '';
        show(progress.at(stage, x.progress));
      }, { stillWanted: isCurrent });
      if (s.state === 'done') {
        const report = { corrections: s.corrections, providers_checked: s.providers_checked };
        sessionStorage.setItem(LAST, JSON.stringify({ run: s.run_id, already: s.already_imported, job: report }));
        job.innerHTML = '';
        if (!isCurrent()) return;
        await resultPanel(resultEl, s.run_id, { alreadyImported: s.already_imported, me, qs, job: report });
        runsTable(document.getElementById('t'), (await api('/api/settlements')).rows, me, qs);
        resultEl.scrollIntoView({ block: 'nearest' });
      } else if (s.state === 'failed' || s.state === 'cancelled') {
        job.innerHTML = `<p class="error" role="alert" id="upload-error">${esc(t('upload.failed', { reason: errorText(400, { message: s.error || '' }) }))}</p>`;
      }
    } catch (err) {
      if (err.status !== 401) job.innerHTML = `<p class="error" role="alert" id="upload-error">${esc(err.message)}</p>`;
    } finally {
      if (form.isConnected) { button.disabled = false; form.removeAttribute('aria-busy'); }
    }
  };
}
