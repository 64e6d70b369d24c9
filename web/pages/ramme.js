// One ramme figure and how it is made up, shared by Oversigt and Økonomi: the
// ramme statement's regulated ramme (GET /api/economy/ramme), from Bilag 1's base
// through the additions (= the ramme before the LTO capacity release), the LTO
// capacity addition released so far, § 64 regulation and the corrections.
import { t } from '../i18n.js';
import { mioKr, pctPpm } from '../format.js';
import { esc } from '../table.js';

// Below this share of the ramme, spend and ramme are not drawn on one axis: the
// bars would be invisible. The page then says the share in words instead.
export const DRAW_RAMME_MIN_PPM = 50000;  // 5 %

export function rammeSteps(r) {
  const c = r.ramme_components || {};
  const steps = [];
  const add = (key, ore, vars) => { if (ore) steps.push({ label: t(key, vars), ore }); };
  steps.push({ label: t('ramme.step.base', { year: r.year }), ore: c.base_ore });
  add('ramme.step.additions', c.additions_ore);
  const before = (c.base_ore || 0) + (c.additions_ore || 0);
  steps.push({ label: t('ramme.step.before_lto'), ore: before, subtotal: true });
  steps.push({ label: t('ramme.step.lto', { max: mioKr(2000000000) }), ore: c.lto_capacity_addition_ore || 0 });
  add('ramme.step.price', c.price_regulation_ore);
  add('ramme.step.talk_therapy', c.talk_therapy_reduction_ore ? -Math.abs(c.talk_therapy_reduction_ore) : 0);
  add('ramme.step.corrections', c.corrections_ore);
  add('ramme.step.whatif', c.whatif_adjustment_ore);
  const known = steps.filter((s) => !s.subtotal).reduce((a, s) => a + (s.ore || 0), 0);
  add('ramme.step.listing', r.ramme_ore - known);
  steps.push({ label: t('ramme.step.total', { year: r.year }), ore: r.ramme_ore, total: true });
  return steps;
}

export function rammeExplanationHtml(r) {
  return `<table class="ramme-steps" id="ramme-steps"><caption>${esc(t('ramme.steps_caption', { year: r.year }))}</caption><tbody>
    ${rammeSteps(r).map((s) => `<tr class="${s.total ? 'total' : s.subtotal ? 'subtotal' : ''}"><th scope="row">${esc(s.label)}</th><td class="num">${esc(mioKr(s.ore, 1))}</td></tr>`).join('')}
    </tbody></table>`;
}

// "Udgiften er 0,46 % af rammen" for the spend counted in the statement.
export function shareOfRamme(spendOre, rammeOre) {
  if (!rammeOre) return null;
  return Math.round((spendOre * 1e6) / rammeOre);
}

export const shareText = (ppm) => pctPpm(ppm, ppm < 10000 ? 3 : 1);
