// Danish presentation of amounts, numbers, percentages and dates (the API carries
// øre, ppm, decimal strings with a point and ISO dates), and the parsing of what
// users type the Danish way. Words (month names, "kvt.") come from the catalogue.
import { t } from './i18n.js';

export const MINUS = '\u2212';

function group(digits) {
  return String(digits).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}
const sign = (neg) => (neg ? MINUS : '');
const blank = (v) => v === null || v === undefined || v === '';

// 211172 -> "2.111,72 kr." (øre are integers: no floating point on the amount)
export function kr(ore) {
  if (blank(ore)) return '';
  const n = BigInt(Math.trunc(Number(ore)));
  const neg = n < 0n;
  const a = neg ? -n : n;
  return `${sign(neg)}${group(a / 100n)},${String(a % 100n).padStart(2, '0')} kr.`;
}

// 999470000000 -> "9.994,7 mio. kr." (rounded half away from zero to `decimals`)
export function mioKr(ore, decimals = 1) {
  if (blank(ore)) return '';
  return `${decimalDa(Number(ore) / 1e8, decimals)} mio. kr.`;
}

// A plain number with Danish separators: 1234.5 -> "1.234,5"
export function decimalDa(value, decimals = 0) {
  if (blank(value)) return '';
  const v = Number(value);
  const f = 10 ** decimals;
  const r = Math.round(Math.abs(v) * f) / f;
  const [i, d] = r.toFixed(decimals).split('.');
  return `${sign(v < 0 && r !== 0)}${group(i)}${d ? ',' + d : ''}`;
}

export function int(n) {
  if (blank(n)) return '';
  const v = Number(n);
  return sign(v < 0) + group(Math.abs(Math.trunc(v)));
}

// parts per million -> "8,93 %"
export function pctPpm(ppm, decimals = 2) {
  if (blank(ppm)) return '';
  return `${decimalDa(Number(ppm) / 10000, decimals)} %`;
}

// The API's decimal strings ("-99.70", "1.00") -> "−99,70 %"
export function pctText(p) {
  if (blank(p)) return '';
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(p).trim());
  if (!m) return String(p);
  const neg = m[1] === '-' && /[1-9]/.test(m[2] + (m[3] || ''));
  return `${sign(neg)}${group(m[2])}${m[3] ? ',' + m[3] : ''} %`;
}

// A decimal string ("1.000000") -> "1,000000"
export function decimalText(s) {
  if (blank(s)) return '';
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(s).trim());
  if (!m) return String(s);
  return `${sign(m[1] === '-')}${group(m[2])}${m[3] ? ',' + m[3] : ''}`;
}

export function monthName(n) {
  return t(`month.${Number(n)}`);
}

// "2025-01-01" -> "1. januar 2025"
export function dateDa(iso) {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  return `${Number(m[3])}. ${monthName(m[2])} ${m[1]}`;
}

// "2025-01-01" -> "01.01.2025" (for input fields)
export function dateInput(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
  return m ? `${m[3]}.${m[2]}.${m[1]}` : '';
}

// "2025-01" -> "januar 2025"
export function monthDa(ym) {
  if (!ym) return '';
  const m = /^(\d{4})-(\d{2})$/.exec(ym);
  if (!m) return ym;
  return `${monthName(m[2])} ${m[1]}`;
}

// "2025-Q1" -> "1. kvt. 2025"
export function quarterDa(q) {
  const m = /^(\d{4})-Q([1-4])$/.exec(q || '');
  return m ? t('fmt.quarter', { n: m[2], year: m[1] }) : (q || '');
}

// ISO timestamp (UTC) -> "1. januar 2025 kl. 10.15" in local time
export function timeDa(ts) {
  if (!ts) return '';
  const d = new Date(ts);
  if (isNaN(d)) return ts;
  const p = (x) => String(x).padStart(2, '0');
  return t('fmt.time', { date: `${d.getDate()}. ${monthName(d.getMonth() + 1)} ${d.getFullYear()}`, hh: p(d.getHours()), mm: p(d.getMinutes()) });
}

export const yesNo = (b) => t(b ? 'common.yes' : 'common.no');

// ---- parsing what users type --------------------------------------------------------

export class InputError extends Error {
  constructor(key, vars) { super(t(key, vars)); this.key = key; }
}

// "15.12.2026", "15-12-2026", "15/12/2026", "15.12.26" and "2026-12-15" -> "2026-12-15"
export function parseDateDa(text) {
  const s = String(text ?? '').trim();
  let y, m, d;
  let r = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (r) [, y, m, d] = r;
  else if ((r = /^(\d{1,2})[.\-/ ](\d{1,2})[.\-/ ](\d{4}|\d{2})$/.exec(s))) {
    [, d, m, y] = r;
    if (y.length === 2) y = `20${y}`;
  } else throw new InputError('form.date_invalid', { value: s });
  const iso = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  const dt = new Date(`${iso}T00:00:00Z`);
  if (isNaN(dt) || dt.getUTCDate() !== Number(d) || dt.getUTCMonth() + 1 !== Number(m)) throw new InputError('form.date_not_exist', { value: s });
  return iso;
}

// A Danish decimal: "1.234,50", "1234,5", "1 234", "-20", "−5,25" -> {neg, int: "1234", frac: "50"}.
// A point is a thousands separator only in groups of three ("1.234"); "1234.50" is refused.
function parseDecimalParts(text) {
  let s = String(text ?? '').trim().replace(/\s*(kr\.?|mio\.?)\s*$/i, '').replace(/[\s\u00a0]/g, '').replace(MINUS, '-');
  const neg = s.startsWith('-');
  if (neg || s.startsWith('+')) s = s.slice(1);
  const m = /^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?$/.exec(s);
  if (!m) return null;
  return { neg, int: m[1].replace(/\./g, ''), frac: m[2] || '' };
}

// "1.234,50" (kr.) -> 123450 øre, exactly (no floating point).
export function parseAmountOre(text) {
  const p = parseDecimalParts(text);
  if (!p) throw new InputError('form.amount_invalid', { value: String(text ?? '').trim() });
  if (p.frac.length > 2) throw new InputError('form.amount_decimals', { value: String(text).trim() });
  const ore = BigInt(p.int) * 100n + BigInt(p.frac.padEnd(2, '0'));
  if (ore > BigInt(Number.MAX_SAFE_INTEGER)) throw new InputError('form.amount_too_large');
  return Number(p.neg ? -ore : ore);
}

// "1.234,5" -> "1234,5" (the API's own decimal format for mio. kr., without grouping)
export function parseDecimalDa(text) {
  const p = parseDecimalParts(text);
  if (!p) throw new InputError('form.number_invalid', { value: String(text ?? '').trim() });
  return `${p.neg ? '-' : ''}${p.int}${p.frac ? ',' + p.frac : ''}`;
}

export function parseWholeNumber(text) {
  const p = parseDecimalParts(text);
  if (!p || p.frac || p.neg) throw new InputError('form.whole_number', { value: String(text ?? '').trim() });
  return Number(p.int);
}

// 1234567 -> "1,2 MB"
export function bytesDa(n) {
  if (blank(n)) return '';
  const v = Number(n);
  if (v < 1000) return `${int(v)} B`;
  if (v < 1e6) return `${decimalDa(v / 1e3, 1)} kB`;
  if (v < 1e9) return `${decimalDa(v / 1e6, 1)} MB`;
  return `${decimalDa(v / 1e9, 2)} GB`;
}
