// A map of Denmark with the bostedslæge coverage of each municipality, drawn as
// SVG from the shipped, simplified municipality outline (data/kommuner.json,
// built by scripts/web-kommunekort.mjs), with an enlarged inset of the capital
// area. The table beside it carries the same figures for screen readers.
import { t } from '../i18n.js';
import { pctPpm, int } from '../format.js';
import { esc } from '../table.js';
import { loadMunicipalities } from '../places.js';

// Coverage classes (share of botilbud with a fixed doctor) and their colours.
const CLASSES = [
  { max: 0, color: '#f4d9c6', key: 'map.class_zero' },
  { max: 100000, color: '#c7e0cf', key: 'map.class_low' },
  { max: 250000, color: '#8cc29f', key: 'map.class_mid' },
  { max: 500000, color: '#3f9560', key: 'map.class_high' },
  { max: 1000000, color: '#1e6b34', key: 'map.class_top' },
];
const NONE = '#eceff3';

const classOf = (row) => (!row || !row.botilbud ? null : CLASSES.find((c) => row.coverage_ppm <= c.max) || CLASSES[CLASSES.length - 1]);

// Absolute points of a path written as "M x y l dx dy … z" (the outline's format).
function bbox(d, box) {
  let x = 0, y = 0;
  for (const m of d.matchAll(/([Ml])(-?\d+) (-?\d+)/g)) {
    if (m[1] === 'M') { x = Number(m[2]); y = Number(m[3]); } else { x += Number(m[2]); y += Number(m[3]); }
    box[0] = Math.min(box[0], x); box[1] = Math.min(box[1], y); box[2] = Math.max(box[2], x); box[3] = Math.max(box[3], y);
  }
  return box;
}

function paths(outline, byCode, zero) {
  return outline.municipalities.map((m) => {
    const row = byCode[m.code];
    const cls = classOf(row);
    const title = row && row.botilbud
      ? t('map.tooltip', { name: m.name, covered: int(row.botilbud_covered), total: int(row.botilbud), pct: pctPpm(row.coverage_ppm, 1) })
      : t('map.tooltip_none', { name: m.name });
    return `<path d="${m.d}" fill="${cls ? cls.color : NONE}" class="${zero.has(m.code) ? 'zero' : ''}" data-code="${m.code}"><title>${esc(title)}</title></path>`;
  }).join('');
}

// rows: coverage by municipality (key = code); zeroCodes: municipalities with
// target-group botilbud and no fixed doctor (outlined).
export async function renderCoverageMap(el, rows, zeroCodes) {
  const outline = await loadMunicipalities();
  const byCode = Object.fromEntries(rows.map((r) => [String(r.key).padStart(4, '0'), r]));
  const zero = new Set(zeroCodes.map((c) => String(c).padStart(4, '0')));
  // The capital area (Region Hovedstaden without Bornholm and Christiansø: codes 0101–0270).
  const capital = outline.municipalities.map((m) => m.code).filter((c) => c >= '0101' && c <= '0270');
  const box = [Infinity, Infinity, -Infinity, -Infinity];
  outline.municipalities.filter((m) => capital.includes(m.code)).forEach((m) => bbox(m.d, box));
  const body = paths(outline, byCode, zero);
  const pad = 6;
  const inset = Number.isFinite(box[0]) ? `${box[0] - pad} ${box[1] - pad} ${box[2] - box[0] + 2 * pad} ${box[3] - box[1] + 2 * pad}` : null;
  el.innerHTML = `<figure class="dk-map" id="b-map">
      <svg viewBox="${outline.viewBox}" role="img" aria-labelledby="b-map-title" class="map-main"><title id="b-map-title">${esc(t('map.title'))}</title>${body}</svg>
      ${inset ? `<svg viewBox="${inset}" role="img" aria-label="${esc(t('map.inset'))}" class="map-inset">${body}</svg>` : ''}
      <figcaption>
        <ul class="legend">${CLASSES.map((c) => `<li><span class="swatch" data-color="${c.color}"></span>${esc(t(c.key))}</li>`).join('')}
          <li><span class="swatch" data-color="${NONE}"></span>${esc(t('map.class_none'))}</li>
          <li><span class="swatch zero"></span>${esc(t('map.zero_legend'))}</li></ul>
        <p class="muted">${esc(t('map.source'))}${inset ? ' ' + esc(t('map.inset_note')) : ''}</p>
      </figcaption></figure>`;
  // Swatch colours through the CSSOM (no inline style attributes under the CSP).
  el.querySelectorAll('.swatch[data-color]').forEach((s) => { s.style.backgroundColor = s.dataset.color; });
}
