// Server jobs (GET /api/jobs/{id}): uploads and re-runs. The server reports a
// stage and a fraction within some stages; here that becomes one progress value
// that only moves forward, and the stage's Danish name.
import { api } from './api.js';
import { tEnum } from './i18n.js';

// [from, to] of the whole bar for each stage; the stage's own fraction moves within it.
const BANDS = {
  upload: [0, 0.15], queued: [0.15, 0.15], running: [0.15, 0.16], unseal: [0.16, 0.25], settle: [0.2, 0.5],
  import_claims: [0.5, 0.52], import_providers: [0.52, 0.53], import_listings: [0.53, 0.54], import_botilbud: [0.54, 0.55],
  import_attachments: [0.55, 0.56], import_sanctions: [0.56, 0.57], import_lines: [0.57, 0.85], import_line_blocks: [0.85, 0.88],
  import_statements: [0.88, 0.91], commit: [0.91, 0.94], diff: [0.5, 0.85], store: [0.85, 0.95], keep_inputs: [0.94, 0.99], done: [1, 1],
};

export const stageKey = (stage) => String(stage || '').trim().replace(/\s+/g, '_');
export const stageName = (stage) => tEnum('stage', stageKey(stage), String(stage || ''));

export class Progress {
  constructor() { this.value = 0; }
  // Returns the new value, never below the last one.
  at(stage, fraction = 0) {
    const b = BANDS[stageKey(stage)] || [this.value, this.value];
    const v = b[0] + (b[1] - b[0]) * Math.min(1, Math.max(0, Number(fraction) || 0));
    this.value = Math.max(this.value, v);
    return this.value;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls until the job is done, failed or cancelled; onUpdate(job) on every answer.
export async function followJob(id, onUpdate, { stillWanted = () => true } = {}) {
  for (;;) {
    const s = await api(`/api/jobs/${id}`);
    onUpdate(s);
    if (s.state === 'done' || s.state === 'failed' || s.state === 'cancelled') return s;
    if (!stillWanted()) return s;
    await sleep(300);
  }
}

// The number of lines of a file, counted as it streams (for "linje x af y").
export async function countLines(file) {
  if (!file || !file.stream) return null;
  const reader = file.stream().getReader();
  let n = 0, last = 10;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    for (let i = 0; i < value.length; i++) if (value[i] === 10) n++;
    last = value[value.length - 1];
  }
  if (last !== 10) n++;
  return Math.max(0, n - 1);  // without the header line
}
