// A sortable table with Danish cell formats and CSV/XLSX export buttons.
import { kr, int, dateDa, monthDa, timeDa, STATUS_DA, ITEM_DA } from './format.js';

export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

const FORMATS = {
  kr: (v) => kr(v), int: (v) => int(v), date: (v) => dateDa(v), month: (v) => monthDa(v), time: (v) => timeDa(v),
  status: (v) => `<span class="status-${esc(v)}">${esc(STATUS_DA[v] || v)}</span>`,
  item: (v) => esc(ITEM_DA[v] || v), text: (v) => esc(v),
};
const NUMERIC = new Set(['kr', 'int']);

// columns: [{key, label, type, link: (row) => href, html: (row) => string}]
// opts: {exportUrl: '/api/…?…' (without format), empty: 'text', onSort}
export function renderTable(el, columns, rows, opts = {}) {
  let sortKey = null, dir = 1;
  const draw = () => {
    const data = rows.slice();
    if (sortKey) {
      const col = columns.find((c) => c.key === sortKey);
      const num = NUMERIC.has(col.type);
      data.sort((a, b) => {
        const x = a[sortKey], y = b[sortKey];
        if (num) return (Number(x) - Number(y)) * dir;
        return String(x ?? '').localeCompare(String(y ?? ''), 'da') * dir;
      });
    }
    const head = columns.map((c) => {
      const cls = [NUMERIC.has(c.type) ? 'num' : '', c.key === sortKey ? (dir > 0 ? 'sorted-asc' : 'sorted-desc') : ''];
      return `<th data-key="${esc(c.key)}" class="${cls.join(' ')}">${esc(c.label)}</th>`;
    }).join('');
    const body = data.map((r) => '<tr>' + columns.map((c) => {
      let v = c.html ? c.html(r) : (FORMATS[c.type || 'text'] || FORMATS.text)(r[c.key]);
      if (c.link) { const href = c.link(r); if (href) v = `<a href="${esc(href)}">${v}</a>`; }
      return `<td class="${NUMERIC.has(c.type) ? 'num' : ''}">${v}</td>`;
    }).join('') + '</tr>').join('');
    const exp = opts.exportUrl ? exportButtons(opts.exportUrl) : '';
    el.innerHTML = `<div class="toolbar">${opts.caption ? `<span class="muted">${esc(opts.caption)}</span>` : ''}<span class="spacer"></span>${exp}</div>` +
      (rows.length ? `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`
        : `<p class="muted">${esc(opts.empty || 'Ingen rækker.')}</p>`);
    el.querySelectorAll('th').forEach((th) => th.addEventListener('click', () => {
      const k = th.dataset.key;
      if (sortKey === k) dir = -dir; else { sortKey = k; dir = 1; }
      draw();
    }));
  };
  draw();
}

export function exportButtons(url) {
  const sep = url.includes('?') ? '&' : '?';
  return `<a class="button export-csv" href="${esc(url + sep + 'format=csv')}" download>Eksportér CSV</a>` +
    `<a class="button export-xlsx" href="${esc(url + sep + 'format=xlsx')}" download>Eksportér XLSX</a>`;
}
