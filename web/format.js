// Danish presentation of amounts and dates (the API carries øre and ISO dates).
const MONTHS = ['januar', 'februar', 'marts', 'april', 'maj', 'juni', 'juli', 'august', 'september', 'oktober',
  'november', 'december'];

function group(n) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

// 211172 -> "2.111,72 kr."
export function kr(ore) {
  if (ore === null || ore === undefined || ore === '') return '';
  const n = Number(ore);
  const sign = n < 0 ? '-' : '';
  const a = Math.abs(n);
  const kroner = Math.floor(a / 100);
  const rest = String(a % 100).padStart(2, '0');
  return `${sign}${group(kroner)},${rest} kr.`;
}

// 999470000000 -> "9.994,7 mio. kr."
export function mioKr(ore, decimals = 1) {
  if (ore === null || ore === undefined) return '';
  const v = Number(ore) / 100 / 1e6;
  const [i, d] = Math.abs(v).toFixed(decimals).split('.');
  return `${v < 0 ? '-' : ''}${group(i)}${d ? ',' + d : ''} mio. kr.`;
}

// Bytes as "12,3 MB" (upload progress).
export function megabytes(bytes) {
  return `${(Number(bytes || 0) / 1048576).toLocaleString('da-DK', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} MB`;
}

export function int(n) {
  if (n === null || n === undefined || n === '') return '';
  const v = Number(n);
  return (v < 0 ? '-' : '') + group(Math.abs(v));
}

// "2025-01-01" -> "1. januar 2025"
export function dateDa(iso) {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  return `${Number(m[3])}. ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

// "2025-01" -> "januar 2025"
export function monthDa(ym) {
  if (!ym) return '';
  const m = /^(\d{4})-(\d{2})$/.exec(ym);
  if (!m) return ym;
  return `${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

// ISO timestamp -> "1. januar 2025 kl. 10.15" (UTC shown as local time)
export function timeDa(ts) {
  if (!ts) return '';
  const d = new Date(ts);
  if (isNaN(d)) return ts;
  const p = (x) => String(x).padStart(2, '0');
  return `${d.getDate()}. ${MONTHS[d.getMonth()]} ${d.getFullYear()} kl. ${p(d.getHours())}.${p(d.getMinutes())}`;
}

export const STATUS_DA = { accepted: 'godkendt', rejected: 'afvist', review: 'til manuel kontrol' };
export const ITEM_DA = {
  service: 'Ydelser', chronic_fee: 'Kronikerhonorar', basishonorar: 'Basishonorar',
  bosted_honorarium: 'Bostedshonorar', offset: 'Modregning', ceiling_clawback: 'Højestegrænse (tilbagebetaling)',
};
export const ROLE_DA = {
  rltn: 'RLTN (alt)', region: 'Region', plo: 'PLO (aggregater)', municipality: 'Kommune', clinic: 'Klinik',
};
