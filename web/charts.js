// Chart.js (Debian's libjs-chart.js, loaded by index.html as window.Chart) with
// Danish numbers on the axes and in the tooltips. Amounts are plotted in kroner.
import { kr, decimalDa, int } from './format.js';

export const COLORS = { spend: '#2f7fb8', spendLight: '#9fc3de', ramme: '#5b2a86', forecast: '#8a5a00', ok: '#1e6b34', bad: '#b3261e', warn: '#c88a00', grey: '#c9d3dc' };

export const hasChart = () => typeof window.Chart === 'function';

// 1234567 kr. -> "1,2 mio." / "1.234.567"
export function krTick(v) {
  const a = Math.abs(v);
  if (a >= 1e6) return `${decimalDa(v / 1e6, a >= 1e8 ? 0 : 1)} mio.`;
  return int(Math.round(v));
}

export function krTooltip() {
  return { callbacks: { label: (c) => `${c.dataset.label}: ${kr(Math.round(c.parsed.y * 100))}` } };
}

// A chart that users can read without the canvas: its figures as text beside it.
export function makeChart(charts, canvas, config) {
  if (!hasChart() || !canvas) return null;
  const base = { maintainAspectRatio: false, animation: false, locale: 'da-DK' };
  const c = new window.Chart(canvas, { ...config, options: { ...base, ...(config.options || {}) } });
  charts.push(c);
  return c;
}
