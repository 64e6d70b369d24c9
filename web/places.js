// Municipality names by code, from the shipped outline (data/kommuner.json, also
// used by the coverage map), and region names from the catalogue.
import { tEnum } from './i18n.js';

let map = null;
export async function loadMunicipalities() {
  if (!map) {
    map = fetch(new URL('./data/kommuner.json', import.meta.url), { credentials: 'same-origin' }).then((r) => r.json());
  }
  return map;
}

let names = null;
export async function municipalityNames() {
  if (!names) {
    const m = await loadMunicipalities();
    names = Object.fromEntries(m.municipalities.map((x) => [x.code, x.name]));
  }
  return names;
}

// "0101" -> "København (0101)"; an unknown code as it is.
export function municipalityLabel(byCode, code) {
  if (!code) return '';
  const n = byCode[String(code).padStart(4, '0')];
  return n ? `${n} (${code})` : String(code);
}

export const regionName = (code) => tEnum('region', code, String(code ?? ''));
