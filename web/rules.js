// Rule ids (the engine's, e.g. "claim.duplicate") are shown by their Danish name
// from the catalogue, with the id only beside it.
import { t, tEnum } from './i18n.js';
import { esc } from './table.js';

export const ruleName = (id) => (id ? tEnum('rule', id, id) : t('rule.none'));

export function ruleHtml(id) {
  if (!id) return esc(t('rule.none'));
  return `${esc(ruleName(id))} <span class="rule-id">${esc(id)}</span>`;
}
