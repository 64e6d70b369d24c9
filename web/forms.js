// Forms: every field has a visible label; dates and amounts are typed the Danish
// way (15.12.2026, 15-12-2026 or 2026-12-15; 1.234,50) and checked before anything
// is sent; what is wrong is said in Danish next to the field; the submit button is
// disabled while the request runs, and the server's answer is shown in the form.
//   const fields = [{name: 'amount', label: t('…'), kind: 'amount', required: true}, …];
//   formHtml('pay', fields, t('…'))  then  bindForm(el, fields, async (values) => …)
import { t } from './i18n.js';
import { esc } from './table.js';
import { parseDateDa, parseAmountOre, parseDecimalDa, parseWholeNumber, dateInput, InputError } from './format.js';

// The browser's own file button speaks the browser's language; this one speaks Danish.
export function fileControl(id, attrs, accept) {
  return `<span class="file-control"><input type="file" class="file-input" ${attrs}${accept ? ` accept="${esc(accept)}"` : ''}>` +
    `<label for="${id}" class="button file-button">${esc(t('form.file_choose'))}</label><span class="file-name" data-for="${id}">${esc(t('form.file_none'))}</span></span>`;
}

// Shows the chosen file's name beside the Danish file button.
document.addEventListener('change', (e) => {
  const input = e.target;
  if (!(input instanceof HTMLInputElement) || input.type !== 'file' || !input.classList.contains('file-input')) return;
  const name = input.parentElement.querySelector('.file-name');
  if (name) name.textContent = input.files.length ? [...input.files].map((f) => f.name).join(', ') : t('form.file_none');
});

const PLACEHOLDER = { date: 'form.date_placeholder', amount: 'form.amount_placeholder', mio: 'form.mio_placeholder' };

// kind: text | password | date | amount (kr. → øre) | mio (mio. kr. → "1234,5") | int | select | checkbox | file | textarea
export function fieldHtml(formId, f) {
  const id = `${formId}-${f.name}`;
  const describedBy = [`${id}-err`, f.hint ? `${id}-hint` : ''].filter(Boolean).join(' ');
  const common = `id="${id}" name="${esc(f.name)}" aria-describedby="${describedBy}"${f.required ? ' required aria-required="true"' : ''}`;
  const hint = f.hint ? `<small class="hint" id="${id}-hint">${esc(f.hint)}</small>` : '';
  const err = `<span class="field-error" id="${id}-err"></span>`;
  const wide = f.wide ? ' wide' : '';
  if (f.kind === 'checkbox') {
    return `<div class="field check${wide}"><input type="checkbox" ${common}${f.value ? ' checked' : ''}><label for="${id}">${esc(f.label)}</label>${hint}${err}</div>`;
  }
  let input;
  if (f.kind === 'select') {
    input = `<select ${common}>${(f.options || []).map(([v, l]) => `<option value="${esc(v)}"${String(v) === String(f.value ?? '') ? ' selected' : ''}>${esc(l)}</option>`).join('')}</select>`;
  } else if (f.kind === 'textarea') {
    input = `<textarea ${common} rows="${f.rows || 3}">${esc(f.value ?? '')}</textarea>`;
  } else if (f.kind === 'file') {
    input = fileControl(id, common, f.accept);
  } else {
    const type = f.kind === 'password' ? 'password' : 'text';
    const mode = ['date', 'int'].includes(f.kind) ? ' inputmode="numeric"' : (['amount', 'mio'].includes(f.kind) ? ' inputmode="decimal"' : '');
    const value = f.kind === 'date' && /^\d{4}-/.test(f.value || '') ? dateInput(f.value) : (f.value ?? '');
    const ph = f.placeholder ?? (PLACEHOLDER[f.kind] ? t(PLACEHOLDER[f.kind]) : '');
    input = `<input type="${type}" ${common}${mode} value="${esc(value)}"${ph ? ` placeholder="${esc(ph)}"` : ''}${f.autocomplete ? ` autocomplete="${esc(f.autocomplete)}"` : ''}${f.size ? ` size="${f.size}"` : ''}>`;
  }
  return `<div class="field${wide}"><label for="${id}">${esc(f.label)}</label>${input}${hint}${err}</div>`;
}

export function formHtml(id, fields, submit, { title, intro, buttons } = {}) {
  return `<form class="panel form" id="${id}" novalidate>${title ? `<h2>${esc(title)}</h2>` : ''}${intro ? `<p class="muted">${esc(intro)}</p>` : ''}
    <div class="fields">${fields.map((f) => fieldHtml(id, f)).join('')}</div>
    <div class="form-actions">${buttons || `<button class="primary" type="submit">${esc(submit)}</button>`}</div>
    <p class="form-error error" role="alert"></p><p class="form-ok" role="status"></p></form>`;
}

function setError(form, name, text) {
  const input = form.elements[name];
  const el = form.querySelector(`#${form.id}-${CSS.escape(name)}-err`);
  if (el) el.textContent = text || '';
  if (input && input.setAttribute) {
    if (text) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
  }
}

export function clearErrors(form) {
  form.querySelectorAll('.field-error').forEach((e) => { e.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
  const fe = form.querySelector('.form-error');
  if (fe) fe.textContent = '';
  const ok = form.querySelector('.form-ok');
  if (ok) ok.textContent = '';
}

// Reads and checks the fields; returns the values (dates ISO, amounts øre) or null
// after marking each wrong field.
export function readForm(form, fields) {
  const values = {};
  let first = null;
  for (const f of fields) {
    const input = form.elements[f.name];
    if (!input) continue;
    try {
      if (f.kind === 'checkbox') { values[f.name] = input.checked; continue; }
      if (f.kind === 'file') {
        values[f.name] = input.files[0] || null;
        if (f.required && !values[f.name]) throw new InputError('form.file_required');
        continue;
      }
      const raw = String(input.value ?? '').trim();
      if (raw === '') {
        if (f.required) throw new InputError('form.required');
        values[f.name] = f.kind === 'text' || f.kind === 'select' || f.kind === 'textarea' || f.kind === 'password' ? '' : null;
        continue;
      }
      switch (f.kind) {
        case 'date': values[f.name] = parseDateDa(raw); break;
        case 'amount': values[f.name] = parseAmountOre(raw); break;
        case 'mio': values[f.name] = parseDecimalDa(raw); break;
        case 'int': values[f.name] = parseWholeNumber(raw); break;
        default: values[f.name] = raw;
      }
      if (f.check) { const msg = f.check(values[f.name], values); if (msg) throw new Error(msg); }
    } catch (err) {
      setError(form, f.name, err.message);
      if (!first) first = input;
    }
  }
  if (first) { first.focus(); return null; }
  return values;
}

// Binds submit: check, disable the buttons, run `send(values, submitter)`, show the
// server's refusal in Danish beside the field it names or under the form.
export function bindForm(form, fields, send, { done } = {}) {
  if (!form) return;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const values = readForm(form, fields);
    if (!values) return;
    const buttons = [...form.querySelectorAll('button')];
    buttons.forEach((b) => { b.disabled = true; });
    form.setAttribute('aria-busy', 'true');
    try {
      const r = await send(values, e.submitter);
      if (done) await done(r, values);
    } catch (err) {
      if (err.status === 401) return;
      if (err.field && form.elements[err.field]) setError(form, err.field, err.message);
      else form.querySelector('.form-error').textContent = err.message;
    } finally {
      form.removeAttribute('aria-busy');
      if (form.isConnected) buttons.forEach((b) => { b.disabled = false; });
    }
  });
}

export function formOk(form, text) {
  const ok = form && form.querySelector('.form-ok');
  if (ok) ok.textContent = text;
}
