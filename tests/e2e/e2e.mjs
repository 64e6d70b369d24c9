// Browser test of almen serve in Debian's headless Chromium (playwright-core):
// log in, upload a claim file, re-run it and compare, open a clinic statement, follow a drill-down
// from an amount to its lines, the bostedshonorar in a statement, the
// bostedslæger coverage page (chart, municipalities at zero), the
// Lægedækningspulje and Sanktioner pages, the Økonomi page (section 6 totals,
// ramme per quarter with forecast, an expense file upload, a what-if), and take screenshots.
// Env: BASE_URL (server), SHOT_DIR (screenshots), CHROMIUM (default /usr/bin/chromium).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';

const base = process.env.BASE_URL;
const shots = process.env.SHOT_DIR || fs.mkdtempSync(path.join(os.tmpdir(), 'almen-e2e-shots-'));
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'almen-e2e-profile-'));
if (!base) throw new Error('BASE_URL is not set');

// A fresh profile directory (playwright passes it as --user-data-dir).
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 900 },
  acceptDownloads: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const step = (s) => console.log(`e2e: ${s}`);
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // The UI must work under the server's Content-Security-Policy (no inline
  // scripts or styles, nothing from elsewhere): any violation fails the test.
  const csp = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) csp.push(m.text()); });
  const first = await page.goto(`${base}/`);
  const headers = first.headers();
  for (const [h, want] of [['content-security-policy', "frame-ancestors 'none'"], ['x-frame-options', 'DENY'],
    ['x-content-type-options', 'nosniff'], ['referrer-policy', 'no-referrer']])
    if (!(headers[h] || '').includes(want)) throw new Error(`response header ${h}: ${headers[h]}`);

  step('log in as rltn');
  await page.goto(`${base}/#/login`);
  await page.fill('#username', 'rltn');
  await page.fill('#password', 'rltn');
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#total-spend');
  await page.waitForSelector('#spend-chart');
  const spend = await page.textContent('#total-spend');
  if (!/^\d{1,3}(\.\d{3})*,\d{2} kr\.$/.test(spend.trim())) throw new Error(`overview amount not in Danish format: ${spend}`);
  await page.screenshot({ path: path.join(shots, '1-oversigt.png'), fullPage: true });

  step('upload a claim file');
  const providers = await page.evaluate(async () => (await (await fetch('/api/providers')).json()).rows);
  if (!providers.length) throw new Error('no providers in the demo data');
  const provider = providers[0].provider;
  const claims = 'claim_id,provider,cpr,service_date,code\n' +
    [1, 2, 3].map((i) => `e2e-${Date.now()}-${i},${provider},1505821234,2025-03-0${i},0101`).join('\n') + '\n';
  await page.goto(`${base}/#/koersler`);
  await page.setInputFiles('#claims-file', { name: 'e2e-claims.csv', mimeType: 'text/csv', buffer: Buffer.from(claims) });
  await page.click('#upload-button');
  await page.waitForSelector('#job-result', { timeout: 120000 });
  step(`job: ${(await page.textContent('#job-result')).trim()}`);
  await page.screenshot({ path: path.join(shots, '2-afregninger.png'), fullPage: true });

  step('re-run the uploaded run under its own agreement version and compare');
  await page.goto(`${base}/#/oversigt`);
  await page.goto(`${base}/#/koersler`);
  await page.waitForSelector('#rerun-form');
  await page.selectOption('#rerun-mode', 'original');
  await page.click('#rerun-button');
  await page.waitForSelector('#rerun-same', { timeout: 120000 });
  step(`re-run: ${(await page.textContent('#rerun-changed')).trim()} changed line(s); ${(await page.textContent('#rerun-same')).trim()}`);
  await page.screenshot({ path: path.join(shots, '2b-genberegning.png'), fullPage: true });

  step(`open the statement of ${provider}`);
  await page.goto(`${base}/#/klinikker`);
  await page.waitForSelector('table');
  await page.click(`a[href="#/opgoerelse?provider=${provider}"] >> nth=0`);
  await page.waitForSelector('#statement-total');
  await page.screenshot({ path: path.join(shots, '3-opgoerelse.png'), fullPage: true });

  step('drill down from an amount to its lines');
  const link = page.locator('td.num a[href^="#/linjer"]').first();
  const amount = (await link.textContent()).trim();
  await link.click();
  await page.waitForSelector('text=Afregnede linjer');
  await page.waitForSelector('table tbody tr');
  const rows = await page.locator('table tbody tr').count();
  const header = await page.textContent('table thead');
  if (!header.includes('Begrundelse') || !header.includes('Regel')) throw new Error('lines table lacks rule/reason');
  step(`drill-down from ${amount}: ${rows} line(s)`);
  await page.screenshot({ path: path.join(shots, '4-linjer.png'), fullPage: true });

  step('rejection analysis and agreement browser');
  await page.goto(`${base}/#/afvisninger`);
  await page.waitForSelector('#rej-chart');
  await page.screenshot({ path: path.join(shots, '5-afvisninger.png'), fullPage: true });
  await page.goto(`${base}/#/overenskomst`);
  await page.waitForSelector('table tbody tr');
  await page.screenshot({ path: path.join(shots, '6-overenskomst.png'), fullPage: true });

  step('bostedslæger: the honorarium in a statement');
  const hon = await page.evaluate(async () => (await (await fetch('/api/statements')).json()).rows
    .find((r) => r.item === 'bosted_honorarium'));
  if (!hon) throw new Error('no bosted_honorarium row in the demo statements');
  await page.goto(`${base}/#/opgoerelse?provider=${hon.provider}`);
  await page.waitForSelector('#statement-total');
  if (!(await page.textContent('main')).includes('Bostedshonorar')) throw new Error('the statement does not show Bostedshonorar');
  await page.screenshot({ path: path.join(shots, '7-opgoerelse-bostedshonorar.png'), fullPage: true });

  step('bostedslæger coverage page');
  await page.goto(`${base}/#/bostedslaeger?date=2025-12-31`);
  await page.waitForSelector('#b-zero-table');
  if ((await page.locator('canvas#b-chart').count()) !== 1) throw new Error('no coverage chart canvas');
  const zero = Number((await page.textContent('#b-zero')).trim().replace(/\./g, ''));
  const zeroRows = await page.locator('#b-zero-table tbody tr').count();
  const zeroText = await page.textContent('#b-zero-table');
  if (zero > 0 ? zeroRows === 0 : !zeroText.includes('Alle kommuner')) throw new Error(`municipalities at zero: card ${zero}, list ${zeroRows} row(s)`);
  step(`municipalities at zero: ${zero}`);
  await page.screenshot({ path: path.join(shots, '8-bostedslaeger.png'), fullPage: true });

  step('lægedækningspulje and sanctions pages');
  await page.goto(`${base}/#/pulje`);
  await page.waitForSelector('h1:has-text("Lægedækningspuljen")');
  await page.waitForSelector('#apps table');
  await page.screenshot({ path: path.join(shots, '9-pulje.png'), fullPage: true });
  await page.goto(`${base}/#/sanktioner`);
  await page.waitForSelector('h1:has-text("LSU-sanktioner")');
  await page.waitForSelector('#emp');
  await page.screenshot({ path: path.join(shots, '10-sanktioner.png'), fullPage: true });

  step('Økonomi: section 6 totals, ramme per quarter with forecast, expense upload, what-if');
  await page.goto(`${base}/#/oekonomi`);
  await page.waitForSelector('#t table tbody tr');
  const totalRow = async () => (await page.locator('#t table tbody tr', { hasText: 'I alt' }).first().locator('td').allTextContents()).map((x) => x.trim());
  const totals = await totalRow();
  const wantTotals = ['146,7 mio. kr.', '304,3 mio. kr.', '284,3 mio. kr.', '157,6 mio. kr.'];
  if (JSON.stringify(totals.slice(1, 5)) !== JSON.stringify(wantTotals)) throw new Error(`section 6 totals: ${totals.join(' | ')}`);
  await page.waitForSelector('#ramme-chart');
  await page.waitForSelector('#rq table tbody tr');
  const quarters = await page.locator('#rq table tbody tr').count();
  if (quarters !== 4) throw new Error(`ramme table has ${quarters} quarter rows`);
  const forecast = (await page.locator('.card', { hasText: 'Prognose for året' }).textContent()).trim();
  if (!/mio\. kr\./.test(forecast)) throw new Error(`no forecast: ${forecast}`);
  step(`ramme: ${quarters} quarters; ${forecast.replace(/\s+/g, ' ')}`);
  await page.setInputFiles('#exp-form input[name=expenses]', { name: 'udgifter-2025-q1.csv', mimeType: 'text/csv',
    buffer: Buffer.from('region_code,quarter,category,amount_ore\n1084,2025-Q1,out_of_hours,250000000\n1081,2025-Q1,local_agreements,1500000\n') });
  await page.click('#exp-form button');
  await page.waitForSelector('#exp-msg:has-text("Indlæst: 2 rækker")');
  await page.waitForSelector('#ramme-expenses');
  await page.waitForSelector('#exp-table table tbody tr');
  await page.screenshot({ path: path.join(shots, '11-oekonomi.png'), fullPage: true });
  await page.fill('#wi-lto', '30');
  await page.click('#whatif button.primary');
  await page.waitForSelector('#wi-panel');
  await page.waitForFunction(() => [...document.querySelectorAll('#t table tbody tr')].some((tr) => tr.textContent.includes('I alt') && tr.textContent.includes('292,31 mio. kr.')));
  const moved = await totalRow();
  if (moved[2] !== '292,31 mio. kr.') throw new Error(`what-if total 2025: ${moved[2]}`);
  step(`what-if: 30 LTO capacities → total 2025 ${totals[2]} → ${moved[2]}`);
  await page.screenshot({ path: path.join(shots, '12-oekonomi-hvad-nu-hvis.png'), fullPage: true });

  if (errors.length) throw new Error('page errors: ' + errors.join('; '));
  if (csp.length) throw new Error('Content-Security-Policy violations: ' + csp.join('; '));
  step(`ok; screenshots in ${shots}`);
} finally {
  await browser.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
