// Økonomi (#/oekonomi?year=): the ramme statement and the panels the role may see,
// the section 6 table (its hierarchy kept when sorted) and the what-if.
import { t } from '../i18n.js';
import { api, sendJson } from '../api.js';
import { mioKr, int, kr, dateDa, pctText } from '../format.js';
import { renderTable, esc } from '../table.js';
import { formHtml, bindForm } from '../forms.js';
import { economyAccess } from '../routes.js';
import { rammePanel } from './economy-ramme.js';
import { expensesPanel, ceilingPanel, qualityPanel } from './economy-panels.js';

const COLS = [['y2025', 'economy.col_2025'], ['y2024', 'economy.col_2024'], ['permanent', 'economy.col_permanent']];
const mio = (v) => (v === null || v === undefined ? '' : mioKr(v, v % 10000000 ? 2 : 1));

async function panels({ el, charts, me, year }) {
  const can = economyAccess(me);
  el.innerHTML = '<div id="eco-ramme"></div><div id="eco-exp"></div><div id="eco-ceil"></div><div id="eco-qual"></div>';
  const fail = (sel) => (err) => { if (err.status !== 401) el.querySelector(sel).innerHTML = `<p class="error" role="alert">${esc(err.message)}</p>`; };
  const ramme = () => {
    charts.filter((c) => c.canvas && c.canvas.id === 'ramme-chart').forEach((c) => { c.destroy(); charts.splice(charts.indexOf(c), 1); });
    return rammePanel({ el: el.querySelector('#eco-ramme'), charts, year }).catch(fail('#eco-ramme'));
  };
  await Promise.all([
    can.ramme ? ramme() : null,
    can.expenses ? expensesPanel({ el: el.querySelector('#eco-exp'), me, year, onChange: can.ramme ? ramme : null }).catch(fail('#eco-exp')) : null,
    can.ceilings ? ceilingPanel({ el: el.querySelector('#eco-ceil'), me, year }).catch(fail('#eco-ceil')) : null,
    can.quality ? qualityPanel({ el: el.querySelector('#eco-qual'), me, year }).catch(fail('#eco-qual')) : null,
  ]);
}

// The what-if's effect (POST /api/economy/whatif): before, after and change.
function whatIfEffect(el, d) {
  const rows = [];
  const diff = (a, b) => (a === null || a === undefined || b === null || b === undefined ? null : b - a);
  const m2 = (v) => (v === null || v === undefined ? '–' : mioKr(v, 2));
  const add = (label, before, after) => rows.push(`<tr><th scope="row">${esc(label)}</th><td class="num">${m2(before)}</td><td class="num">${m2(after)}</td><td class="num">${m2(diff(before, after))}</td></tr>`);
  const seed = d.seed_totals || {};
  add(t('whatif.total'), seed.total?.y2025_ore, d.total.y2025_ore);
  add(t('whatif.merokonomi'), seed.merokonomi?.y2025_ore, d.merokonomi.y2025_ore);
  if (d.ramme) add(t('whatif.ramme_table'), d.ramme.y2025_seed_ore, d.ramme.y2025_ore);
  const st = d.ramme_statement;
  let note = '';
  if (st) {
    const b = st.before, a = st.after;
    add(t('whatif.ramme_statement'), b.ramme_ore, a.ramme_ore);
    add(t('whatif.lto'), b.lto_capacity_addition_ore, a.lto_capacity_addition_ore);
    add(t('whatif.spend'), b.spend_ore, a.spend_ore);
    add(t('whatif.over_under'), b.overrun_ore, a.overrun_ore);
    rows.push(`<tr><th scope="row">${esc(t('whatif.over_under_pct'))}</th><td class="num">${esc(pctText(b.overrun_pct) || '–')}</td><td class="num">${esc(pctText(a.overrun_pct) || '–')}</td><td></td></tr>`);
    add(t('whatif.offset'), b.offset_ore, a.offset_ore);
    if (b.forecast || a.forecast) {
      add(t('whatif.forecast_over_under'), b.forecast?.overrun_ore, a.forecast?.overrun_ore);
      add(t('whatif.forecast_offset'), b.forecast?.offset_ore, a.forecast?.offset_ore);
    }
    const plan = (p) => (p || []).map((x) => t('whatif.plan_item', { amount: kr(x.amount_ore), date: dateDa(x.from) })).join('; ') || t('whatif.plan_none');
    note = `<p>${esc(t('whatif.plan', { before: plan(b.offset_plan), after: plan(a.offset_plan) }))}</p>
      ${a.complete ? '' : `<p class="muted">${esc(t('whatif.incomplete'))}</p>`}`;
  } else if (d.ramme_statement_note) {
    note = `<p class="muted">${esc(d.ramme_statement_note)}</p>`;
  }
  const sc = d.scenario || {};
  const expl = [];
  if (sc.lto_capacities_recruited) {
    const l = sc.lto_capacities_recruited;
    expl.push(t('whatif.lto_expl', { n: int(l.capacities), counted: int(l.counted), max: int(l.max_count), per: kr(l.per_capacity_ore), cap: mioKr(l.cap_ore), amount: kr(l.amount_ore) }));
  }
  if (sc.bosted_botilbud_covered) {
    const b = sc.bosted_botilbud_covered;
    expl.push(t('whatif.bosted_expl', { n: int(b.botilbud), per: kr(b.per_month_ore), amount: kr(b.amount_ore), pot: mioKr(b.pot_ore), pot_n: int(b.pot_botilbud) }));
  }
  el.innerHTML = `<div class="panel" id="wi-panel"><h2>${esc(t('whatif.effect'))}</h2>
    ${expl.map((x) => `<p>${esc(x)}</p>`).join('')}
    <div class="table-wrap"><table><thead><tr><th scope="col">${esc(t('economy.col_item'))}</th><th scope="col" class="num">${esc(t('col.before'))}</th><th scope="col" class="num">${esc(t('col.after'))}</th><th scope="col" class="num">${esc(t('col.change'))}</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>
    ${note}</div>`;
}

export async function pageEconomy({ main, params, charts, me }) {
  const year = Number(params().year) || 2025;
  const seed = await api('/api/economy');
  const names = Object.fromEntries(seed.items.map((i) => [i.id, i.name]));
  // req: the what-if state: changes [{id, col, value}] and the named items; null = the seed.
  const draw = (data, req) => {
    const changes = req?.changes || [];
    const named = [];
    if (req && req.lto !== null && req.lto !== undefined) named.push(t('whatif.named_lto', { n: int(req.lto) }));
    if (req && req.bosted !== null && req.bosted !== undefined) named.push(t('whatif.named_bosted', { n: int(req.bosted) }));
    const described = changes.map((c) => t('whatif.change', { item: names[c.id] || c.id, col: t(COLS.find(([k]) => k === c.col)[1]), value: c.value }));
    const cols = [
      { key: 'name', label: t('economy.col_item'), html: (r) => `<span class="level-${Number(r.level) || 0}">${esc(r.name)}</span>` },
      { key: 'y2024_ore', label: t('economy.col_2024'), type: 'kr', html: (r) => mioKr(r.y2024_ore) },
      { key: 'y2025_ore', label: t('economy.col_2025'), type: 'kr', html: (r) => mio(r.y2025_ore) },
      { key: 'permanent_ore', label: t('economy.col_permanent'), type: 'kr', html: (r) => mioKr(r.permanent_ore) },
      { key: 'growth_ore', label: t('economy.col_growth'), type: 'kr', html: (r) => mio(r.growth_ore) },
    ];
    const rows = [...data.items, { name: t('economy.total'), pinned: true, ...data.total }, { name: t('economy.merokonomi'), pinned: true, ...data.merokonomi }];
    const fields = [
      { name: 'item', label: t('whatif.item'), kind: 'select', options: data.items.map((i) => [i.id, `${'– '.repeat(Number(i.level) || 0)}${i.name}`]), wide: true },
      { name: 'col', label: t('whatif.col'), kind: 'select', options: COLS.map(([k, l]) => [k, t(l)]) },
      { name: 'value', label: t('whatif.value'), kind: 'mio', hint: t('whatif.value_hint') },
      { name: 'lto', label: t('whatif.lto_field'), kind: 'int', value: req?.lto ?? '' },
      { name: 'bosted', label: t('whatif.bosted_field'), kind: 'int', value: req?.bosted ?? '' },
    ];
    main.innerHTML = `<div id="eco-panels"></div><h1>${esc(t('economy.table_heading'))}</h1>
      ${formHtml('whatif', fields, t('whatif.submit'), { title: t('whatif.heading'), intro: t('whatif.intro') })}
      ${described.length || named.length ? `<p class="muted" id="wi-changed">${esc(t('whatif.changed', { list: [...described, ...named].join('; ') }))} <a href="#/oekonomi" id="wi-reset">${esc(t('whatif.reset'))}</a></p>` : ''}
      <div id="wi-effect"></div><div id="t"></div>`;
    if (req) whatIfEffect(document.getElementById('wi-effect'), data);
    renderTable(document.getElementById('t'), cols, rows, { exportUrl: '/api/economy', tree: { id: 'id', parent: 'parent_id' }, pinned: (r) => r.pinned, label: t('economy.table_heading') });
    panels({ el: document.getElementById('eco-panels'), charts, me, year });
    const form = document.getElementById('whatif');
    bindForm(form, fields, async (v) => {
      const next = { changes: [...changes], lto: v.lto ?? req?.lto ?? null, bosted: v.bosted ?? req?.bosted ?? null };
      if (v.value !== null) next.changes.push({ id: v.item, col: v.col, value: v.value });
      const body = { set: next.changes.map((c) => `${c.id}.${c.col}=${c.value}`) };
      if (next.lto !== null) body.lto_capacities_recruited = next.lto;
      if (next.bosted !== null) body.bosted_botilbud_covered = next.bosted;
      const r = await sendJson('/api/economy/whatif', body);
      return { r, next };
    }, { done: ({ r, next }) => draw(r, next) });
    const reset = document.getElementById('wi-reset');
    if (reset) reset.onclick = (ev) => { ev.preventDefault(); draw(seed, null); };
  };
  draw(seed, null);
}
