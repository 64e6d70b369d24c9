// Tables: Danish cell formats, sorting by mouse and keyboard (each header is a
// button; aria-sort on the header), optional filter and paging, hierarchies that
// stay together when sorted, rows pinned at the bottom (totals), and CSV/XLSX
// export buttons. The table scrolls inside its own box on narrow screens.
// Server tables (opts.server) sort on the server: a header button asks for the
// new order (the page puts it in its hash), aria-sort shows the server's order,
// only the columns the server can sort by are buttons; serverPager() pages.
// Export buttons ask the server for what the table shows (the Danish export,
// docs/formats.md): ?lang=da&columns=[{key, label, type, enum, with_id}] in the
// order on screen, from exportColumns(); the server applies the same
// authorisation and row scoping as to the JSON and writes the one file.
import { kr, mioKr, int, dateDa, monthDa, timeDa, quarterDa, pctPpm } from './format.js';
import { t, tEnum, has, keysWithPrefix } from './i18n.js';

export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

const FORMATS = {
  kr: (v) => kr(v), int: (v) => int(v), date: (v) => dateDa(v), month: (v) => monthDa(v), time: (v) => timeDa(v),
  quarter: (v) => esc(quarterDa(v)),
  status: (v) => (v ? `<span class="status-${esc(v)}">${esc(tEnum('status', v))}</span>` : ''),
  item: (v) => esc(tEnum('item', v)), text: (v) => esc(v),
};
const NUMERIC = new Set(['kr', 'int']);
let tableSeq = 0;

// columns: [{key, label, type, link: (row) => href, html: (row) => string, sort: (row) => value,
//            export: false (left out of exports) | {type, enum, with_id} (how the export shows it)}]
// opts: {exportUrl, caption, empty, pageSize, filter: true, tree: {id, parent}, pinned: (row) => bool,
//        label: accessible name of the table, sort: {key, dir},
//        server: {sort: 'col' | '-col' | '', sortable: [col…] (all when absent), onSort: (sort) => void}}
// A column's server sort name is c.sortKey || c.key.
let pendingFocus = null;  // the header a server sort was asked from: focused again when the table is drawn
export function renderTable(el, columns, rows, opts = {}) {
  const id = `tbl${++tableSeq}`;
  const server = opts.server || null;
  const serverKey = (c) => c.sortKey || c.key;
  const serverSortable = (c) => c.sortable !== false && (!server.sortable || server.sortable.includes(serverKey(c)));
  let sortKey = opts.sort?.key || null, dir = opts.sort?.dir || 1, page = 0, query = '';
  if (server) {
    const s = server.sort || '';
    const k = s.replace(/^-/, '');
    const col = columns.find((c) => serverKey(c) === k);
    sortKey = col ? col.key : null;
    dir = s.startsWith('-') ? -1 : 1;
  }
  const pinned = opts.pinned ? rows.filter(opts.pinned) : [];
  const body = opts.pinned ? rows.filter((r) => !opts.pinned(r)) : rows.slice();
  const pageSize = opts.pageSize || 0;

  const cellText = (r) => columns.map((c) => String(r[c.key] ?? '')).join(' ').toLowerCase();
  const sortValue = (c, r) => (c.sort ? c.sort(r) : r[c.key]);
  const compare = (a, b) => {
    const col = columns.find((c) => c.key === sortKey);
    const x = sortValue(col, a), y = sortValue(col, b);
    if (x === null || x === undefined || x === '') return (y === null || y === undefined || y === '') ? 0 : 1;
    if (y === null || y === undefined || y === '') return -1;
    if (typeof x === 'number' && typeof y === 'number') return (x - y) * dir;
    if (NUMERIC.has(col.type)) return (Number(x) - Number(y)) * dir;
    return String(x).localeCompare(String(y), 'da', { numeric: true }) * dir;
  };
  // A hierarchy is sorted level by level: children stay under their parent.
  const ordered = (list) => {
    if (!sortKey || server) return list;
    if (!opts.tree) return list.slice().sort(compare);
    const ids = new Set(list.map((r) => r[opts.tree.id]));
    const kids = new Map();
    const top = [];
    for (const r of list) {
      const p = r[opts.tree.parent];
      if (p !== null && p !== undefined && ids.has(p)) { if (!kids.has(p)) kids.set(p, []); kids.get(p).push(r); } else top.push(r);
    }
    const out = [];
    const walk = (level) => level.slice().sort(compare).forEach((r) => { out.push(r); walk(kids.get(r[opts.tree.id]) || []); });
    walk(top);
    return out;
  };

  const exp = opts.exportUrl ? exportButtons(opts.exportUrl, exportColumns(columns, rows), opts.label || opts.caption || '') : '';
  const filter = opts.filter ? `<label class="filter" for="${id}-q">${esc(t('table.filter'))} <input id="${id}-q" type="search" autocomplete="off"></label>` : '';
  el.innerHTML = `<div class="toolbar">${opts.caption ? `<span class="muted caption">${esc(opts.caption)}</span>` : ''}${filter}<span class="spacer"></span>${exp}</div>
    <div class="table-wrap" id="${id}-wrap"></div><div class="toolbar pager" id="${id}-pager"></div>`;
  const wrap = el.querySelector(`#${id}-wrap`);
  const pager = el.querySelector(`#${id}-pager`);

  const cell = (c, r) => {
    let v = c.html ? c.html(r) : (FORMATS[c.type || 'text'] || FORMATS.text)(r[c.key]);
    if (c.link) { const href = c.link(r); if (href) v = `<a href="${esc(href)}">${v}</a>`; }
    return `<td class="${NUMERIC.has(c.type) || c.num ? 'num' : ''}">${v}</td>`;
  };
  const draw = () => {
    const focused = document.activeElement && wrap.contains(document.activeElement) ? document.activeElement.dataset.key : null;
    const matching = query ? body.filter((r) => cellText(r).includes(query)) : body;
    const all = ordered(matching);
    const pages = pageSize ? Math.max(1, Math.ceil(all.length / pageSize)) : 1;
    if (page >= pages) page = pages - 1;
    const shown = pageSize ? all.slice(page * pageSize, (page + 1) * pageSize) : all;
    const head = columns.map((c) => {
      const sorted = c.key === sortKey ? (dir > 0 ? 'ascending' : 'descending') : 'none';
      const cls = NUMERIC.has(c.type) || c.num ? 'num' : '';
      if (server && !serverSortable(c)) return `<th scope="col" class="${cls}">${esc(c.label)}</th>`;
      return `<th scope="col" class="${cls}" aria-sort="${sorted}"><button type="button" class="sort" data-key="${esc(c.key)}">${esc(c.label)}<span class="sort-ind" aria-hidden="true"></span></button></th>`;
    }).join('');
    const tr = (r) => {
      const cls = [opts.pinned && opts.pinned(r) ? 'pinned' : '', opts.tree && r[opts.tree.parent] ? 'child' : ''].filter(Boolean).join(' ');
      return `<tr${cls ? ` class="${cls}"` : ''}>${columns.map((c) => cell(c, r)).join('')}</tr>`;
    };
    wrap.innerHTML = rows.length
      ? `<table${opts.label ? ` aria-label="${esc(opts.label)}"` : ''}><thead><tr>${head}</tr></thead><tbody>${shown.map(tr).join('')}${pinned.map(tr).join('')}</tbody></table>`
      : `<p class="muted empty">${esc(opts.empty || t('table.empty'))}</p>`;
    if (rows.length && query && !matching.length) wrap.insertAdjacentHTML('beforeend', `<p class="muted">${esc(t('table.no_match'))}</p>`);
    pager.innerHTML = pageSize && all.length > pageSize
      ? `<button type="button" data-page="-1" ${page === 0 ? 'disabled' : ''}>${esc(t('table.prev'))}</button>
         <span class="muted" aria-live="polite">${esc(t('table.showing', { from: int(page * pageSize + 1), to: int(Math.min(all.length, (page + 1) * pageSize)), total: int(all.length) }))}</span>
         <button type="button" data-page="1" ${page >= pages - 1 ? 'disabled' : ''}>${esc(t('table.next'))}</button>`
      : '';
    wrap.querySelectorAll('button.sort').forEach((b) => b.addEventListener('click', () => {
      const k = b.dataset.key;
      if (sortKey === k) dir = -dir; else { sortKey = k; dir = 1; }
      if (server) {
        const col = columns.find((c) => c.key === k);
        pendingFocus = { label: opts.label || '', key: k };
        server.onSort(`${dir < 0 ? '-' : ''}${serverKey(col)}`);
        return;
      }
      draw();
    }));
    const again = focused || (server && pendingFocus && pendingFocus.label === (opts.label || '') ? pendingFocus.key : null);
    if (server && again) pendingFocus = null;
    if (again) wrap.querySelector(`button.sort[data-key="${CSS.escape(again)}"]`)?.focus();
  };
  pager.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-page]');
    if (!b) return;
    page += Number(b.dataset.page);
    draw();
  });
  const q = el.querySelector(`#${id}-q`);
  if (q) q.addEventListener('input', () => { query = q.value.trim().toLowerCase(); page = 0; draw(); });
  draw();
}

// The export buttons of a table at `url`: the Danish presentation (lang=da) of
// `columns` (exportColumns(): keys, Danish headers, types, in the order shown);
// `title` names the XLSX sheet. Without columns the server shows every column
// of the table under its own name.
export function exportButtons(url, columns = null, title = '') {
  const sep = url.includes('?') ? '&' : '?';
  const da = `lang=da${columns && columns.length ? `&columns=${encodeURIComponent(JSON.stringify(columns))}` : ''}${title ? `&title=${encodeURIComponent(title)}` : ''}`;
  return `<a class="button export-csv" href="${esc(`${url}${sep}format=csv&${da}`)}" download>${esc(t('table.export_csv'))}</a>` +
    `<a class="button export-xlsx" href="${esc(`${url}${sep}format=xlsx&${da}`)}" download>${esc(t('table.export_xlsx'))}</a>`;
}

// ---- what an export shows of a column ---------------------------------------------
// A column's export type comes from its `type`; a column drawn by `html` is
// matched against what it shows for the rows at hand (up to 20): a Danish enum
// name (catalogue "enum.<group>.<value>", with the value beside it: with_id),
// kroner, a percentage of ppm, a date; otherwise the value itself is exported.
const EXPORT_TYPES = { kr: 'kr', int: 'int', date: 'date', month: 'month', time: 'time', quarter: 'quarter', text: 'text' };
let enumGroups = null;
const allEnumGroups = () => enumGroups || (enumGroups = [...new Set(keysWithPrefix('enum.').map((k) => k.split('.')[1]))]);
function plainText(html) {
  const tpl = document.createElement('template');
  tpl.innerHTML = String(html ?? '');
  return tpl.content.textContent.replace(/\s+/g, ' ').trim();
}
const isInt = (v) => /^-?\d+$/.test(String(v));

// [spec, (value) => the texts a column of this spec shows for the value, or null when it cannot show it]
const SHAPES = [
  [{ type: 'ppm' }, (x) => (isInt(x) ? [0, 1, 2].map((d) => pctPpm(x, d)) : null)],
  [{ type: 'kr' }, (x) => (isInt(x) ? [kr(x), mioKr(x, 1), mioKr(x, 2)] : null)],
  [{ type: 'int' }, (x) => (isInt(x) ? [int(x)] : null)],
  [{ type: 'date' }, (x) => (/^\d{4}-\d{2}-\d{2}(T|$)/.test(x) ? [dateDa(x)] : null)],
  [{ type: 'month' }, (x) => (/^\d{4}-\d{2}$/.test(x) ? [monthDa(x)] : null)],
  [{ type: 'time' }, (x) => (/^\d{4}-\d{2}-\d{2}T/.test(x) ? [timeDa(x)] : null)],
];
function candidates(first) {
  const out = SHAPES.slice();
  for (const g of allEnumGroups()) {
    if (!has(`enum.${g}.${first}`)) continue;
    // A value the catalogue lacks is shown (and exported) as it is.
    out.push([{ type: 'enum', enum: g, with_id: true }, (x) => (has(`enum.${g}.${x}`) ? [`${tEnum(g, x)} ${x}`, `${tEnum(g, x)} (${x})`] : [x, `${x} ${x}`])]);
    out.push([{ type: 'enum', enum: g }, (x) => (has(`enum.${g}.${x}`) ? [tEnum(g, x)] : [x])]);
  }
  return out;
}

function exportType(c, rows) {
  if (c.type === 'status' || c.type === 'item') return { type: 'enum', enum: c.type };
  const declared = { type: EXPORT_TYPES[c.type] || 'text' };
  if (!c.html) return declared;
  const blank = (v) => v === null || v === undefined || v === '' || typeof v === 'object';
  const sample = rows.filter((r) => !blank(r[c.key])).slice(0, 20);
  if (!sample.length) return declared;
  const shown = sample.map((r) => { try { return plainText(c.html(r)); } catch { return null; } });
  for (const [spec, texts] of candidates(String(sample[0][c.key]))) {
    // What it shows may be followed by a badge ("januar 2025 Efterregulering"); an
    // enum name may stand in a sentence ("godkendt → afvist": the value is the new status).
    const shows = (want, text) => want.some((w) => text === w || (text || '').startsWith(`${w} `) || (spec.type === 'enum' && w && (text || '').includes(w)));
    if (sample.every((r, i) => { const want = texts(String(r[c.key])); return want !== null && shows(want, shown[i]); })) return spec;
  }
  return declared;
}

// The columns of an export as the table shows them: [{key, label, type, enum?, with_id?}].
// A column whose key no row has is drawn from other fields (a link, a sum): left out.
export function exportColumns(columns, rows = []) {
  const inData = (c) => !rows.length || rows.some((r) => r && Object.prototype.hasOwnProperty.call(r, c.key));
  return columns.filter((c) => c.export !== false && c.key && (c.export || inData(c))).map((c) => ({
    key: c.key, label: String(c.label ?? c.key), ...(c.export && typeof c.export === 'object' ? c.export : exportType(c, rows)),
  }));
}

// Paging links of a server table: "Forrige", "Viser 1–100 af 1.234", "Næste".
// href(offset) gives the page's link.
export function serverPager({ total, offset, limit, href, label }) {
  if (!total || total <= limit && offset === 0) {
    return total ? `<p class="muted pager-info">${esc(t('table.showing', { from: int(1), to: int(total), total: int(total) }))}</p>` : '';
  }
  const prev = offset > 0 ? `<a class="button" rel="prev" href="${esc(href(Math.max(0, offset - limit)))}">${esc(t('table.prev'))}</a>` : '';
  const next = offset + limit < total ? `<a class="button" rel="next" href="${esc(href(offset + limit))}">${esc(t('table.next'))}</a>` : '';
  return `<nav class="toolbar pager" aria-label="${esc(label || t('table.pages'))}">${prev}
    <span class="muted" aria-live="polite">${esc(t('table.showing', { from: int(Math.min(total, offset + 1)), to: int(Math.min(total, offset + limit)), total: int(total) }))}</span>${next}</nav>`;
}
